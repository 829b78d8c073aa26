"""A submission in full control of its own process earns no point its behaviour did not earn
(issue 21, item 3).

Each forgery of tests/compromised/forgeries.py is put in front of a judged exercise's stub (whose
behaviour is: nothing written) and graded with the rules for exercise files switched off, as if
the submission had broken every one of them: it can import anything, replace the runtime that
talks to the judge, write to every descriptor it holds, lie about being idle, forge every
self-report and return values that lie about themselves. It must score 0 in every mode, the
report whole: `grade exercise`, `grade all` and `grade batch` (without the sandbox, and in it where
bubblewrap runs), and the two that start `grade` afresh, the PR script (.github/scripts/
grade-pr.sh) and the Gradescope bundle's run_autograder, each run end to end as
tests/test_grade_pr.py and tests/test_gradescope_bundle.py run them.

How the rules are switched off, by mode: in this process, a monkeypatch of `rules.ENFORCED`, which
forked children inherit and `grade` relays to the children it starts afresh (a sandboxed child's
plan, whose environment is cleared; the spawned submission process's plan); for a script, a
test-only sitecustomize.py on its PYTHONPATH (tests/compromised/rules_off.py) that sets it in the
`grade` the script starts, relayed on the same way. Each of those modes also grades "proof", the
references importing sys (refused by the rules), which must get full marks: the rules really are
off there, and a forgery's 0 is not the rules refusing its file.

A finding of these tests, fixed in the checks: replaces_the_runtime, which answers every request
"done" at once, earned 5 points in every mode through three checks that passed on nothing seen,
in exercise 4 (cancelled_collect_ends_cancelled: the run ended before the judge's script could
cancel it), 8 (no_worker_left_behind: no handle call in flight, since none was made) and 9
(failed_deposit_releases_the_lock: deposits that lost money without a failure); each now fails.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from kit import REFERENCE, STUBS, grade_file
from test_grade_pr import commit_all, copy_kit, git, run_script
from test_gradescope_bundle import autograder
from test_judge import JUDGED

from graders.cli import cli
from graders.engine import plugin, runner, worker
from graders.engine.runner import grade
from graders.instructor.gradescope import write_bundle
from graders.registry import Exercise, exercises
from graders.trust import rules, sandbox

_spec = importlib.util.spec_from_file_location(
    "forgeries", Path(__file__).parent / "compromised" / "forgeries.py")
assert _spec is not None and _spec.loader is not None
_forgeries = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_forgeries)
FORGERIES: dict[str, str] = _forgeries.FORGERIES
# Read before any test shortens them (for the sandbox: a slow start under load is no hang).
PRODUCTION = {(worker, "CHECK_TIMEOUT"): worker.CHECK_TIMEOUT,
              (runner, "SILENCE_LIMIT"): runner.SILENCE_LIMIT,
              (plugin, "HANG_GUARD"): plugin.HANG_GUARD}


@pytest.fixture(autouse=True)
def every_rule_broken(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rules, "ENFORCED", False)  # forked children inherit it
    # A forgery that hangs a check is stopped in seconds, not the production limits.
    monkeypatch.setattr(worker, "CHECK_TIMEOUT", 3)
    monkeypatch.setattr(runner, "SILENCE_LIMIT", 6)
    monkeypatch.setattr(plugin, "HANG_GUARD", 1)


FUTURE = "from __future__ import annotations\n"


def compromised(exercise: Exercise, forgery: str) -> str:
    """The stub with the forgery run first: after its `from __future__` import, which must stay
    the file's first statement (before it, the file is a SyntaxError and the forgery never runs)."""
    stub = (STUBS / exercise.file_name).read_text(encoding="utf-8")
    head, future, rest = stub.partition(FUTURE)
    source = (head + future + FORGERIES[forgery] + "\n" + rest if future
              else FORGERIES[forgery] + "\n" + stub)
    compile(source, exercise.file_name, "exec")  # a file that cannot run proves nothing
    return source


def write_all(folder: Path, forgery: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for exercise in JUDGED:
        (folder / exercise.file_name).write_text(compromised(exercise, forgery), encoding="utf-8")
    return folder


CASES = [(exercise, forgery) for exercise in JUDGED for forgery in FORGERIES]


@pytest.mark.parametrize(("exercise", "forgery"), CASES,
                         ids=[f"{exercise.module_name}-{forgery}" for exercise, forgery in CASES])
def test_grade_exercise_gives_a_forgery_nothing(exercise: Exercise, forgery: str,
                                                tmp_path: Path) -> None:
    source = tmp_path / "source.py"
    source.write_text(compromised(exercise, forgery), encoding="utf-8")
    result = grade_file(exercise, source, tmp_path / "graded")
    assert result.score == 0, [(check.name, check.status, check.message) for check in result.checks
                               if check.passed]
    assert len(result.checks) == len(runner.check_specs(exercise))


@pytest.mark.parametrize("forgery", list(FORGERIES))
def test_grade_all_gives_a_forgery_nothing(forgery: str, tmp_path: Path) -> None:
    report = grade(JUDGED, write_all(tmp_path, forgery))
    assert [exercise.score for exercise in report.exercises] == [0] * len(JUDGED)


@pytest.mark.skipif(sys.platform != "linux", reason="a class graded with fork")
def test_grade_batch_gives_every_forgery_nothing(tmp_path: Path) -> None:
    submissions = tmp_path / "submissions"
    for forgery in FORGERIES:
        write_all(submissions / forgery.replace("_", "-"), forgery)
    output = tmp_path / "grades.csv"
    result = CliRunner().invoke(cli, ["batch", str(submissions), "-o", str(output), "--jobs", "2",
                                      "--no-sandbox"])
    assert result.exit_code == 0, result.output
    with output.open(encoding="utf-8", newline="") as gradebook:
        rows = list(csv.DictReader(gradebook))
    assert len(rows) == len(FORGERIES)
    assert all(float(row["total"]) == 0 for row in rows), rows


# --- the modes that start `grade` afresh: the PR script, the Gradescope bundle, the sandbox ------

# A test's monkeypatch of rules.ENFORCED reaches what `grade` forks and what it relays the value
# to (a sandboxed child's plan), not a `grade` a script starts: there, a sitecustomize.py on
# PYTHONPATH (tests/compromised/rules_off.py) switches the rules off in every Python the script
# starts, and `grade` relays it on as it would the monkeypatched value.
RULES_OFF = Path(__file__).parent / "compromised" / "rules_off.py"
NOT_ENFORCED = "import sys as _sys  # refused by the rules for exercise files\n"


def proof(exercise: Exercise) -> str:
    """The reference, importing sys first: full marks only where the rules are off."""
    source = (REFERENCE / exercise.file_name).read_text(encoding="utf-8")
    head, future, rest = source.partition(FUTURE)
    return head + future + NOT_ENFORCED + rest if future else NOT_ENFORCED + source


def whole(exercises_graded: dict[int, list[str]]) -> bool:
    """Every exercise of the registry graded, with every check of it, in order (by title)."""
    return exercises_graded == {exercise.number: [spec.title for spec in runner.check_specs(exercise)]
                                for exercise in exercises()}


@pytest.fixture(scope="module")
def rules_off(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment a script runs with: every Python it starts has the rules off."""
    folder = tmp_path_factory.mktemp("rules-off")
    shutil.copy(RULES_OFF, folder / "sitecustomize.py")
    return {"PYTHONPATH": os.pathsep.join(
        part for part in (str(folder), os.environ.get("PYTHONPATH", "")) if part)}


def submitted(kind: str) -> dict[str, str]:
    """The exercise files of a submission: each judged exercise's stub behind the forgery `kind`
    (the other exercises: their stubs), or with `kind` "proof" the references importing sys."""
    if kind == "proof":
        return {exercise.file_name: proof(exercise) for exercise in exercises()}
    return {exercise.file_name: compromised(exercise, kind) for exercise in JUDGED}


KINDS = ["proof", *FORGERIES]  # what each of these modes grades, each once


@pytest.mark.skipif(not sandbox._bwrap(), reason="bubblewrap is not installed or cannot make its "
                                                 "namespaces here (.ci/run installs it as root)")
def test_grade_batch_in_the_sandbox_gives_every_forgery_nothing(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """`grade batch` in the bubblewrap sandbox: every forgery's submission and the proof (the
    references importing sys: full marks, so the rules are off in the sandboxed children: the
    monkeypatched value reaches them in their plan, their environment being cleared) in one
    class. The production time limits: a sandboxed child starting on a loaded machine may take
    longer than the short ones before its first result, and no forgery here hangs. Not covered:
    root's sandbox without bubblewrap (a uid per child, GRADE_BWRAP=off): tests/test_sandbox.py
    checks what a submission sees and reaches there, not these forgeries."""
    for (module, name), value in PRODUCTION.items():
        monkeypatch.setattr(module, name, value)
    sandbox._available.cache_clear()
    assert sandbox.choose(True).mode == "bwrap"
    submissions = tmp_path / "submissions"
    for kind in KINDS:
        folder = submissions / kind.replace("_", "-")
        folder.mkdir(parents=True)
        for name, text in submitted(kind).items():
            (folder / name).write_text(text, encoding="utf-8")
    output = tmp_path / "grades.csv"
    try:
        result = CliRunner().invoke(cli, ["batch", str(submissions), "-o", str(output),
                                          "--jobs", "2", "--sandbox"])
    finally:
        sandbox._available.cache_clear()
    assert result.exit_code == 0, result.output
    reports = {kind: json.loads((tmp_path / "grades" / f"{kind.replace('_', '-')}.json").read_text())
               for kind in KINDS}
    assert reports["proof"]["status"] == "ok"  # a forgery's row may say "crashed": its own doing
    for kind, report in reports.items():
        assert whole({exercise["number"]: [check["title"] for check in exercise["checks"]]
                      for exercise in report["exercises"]}), (kind, report)
    assert reports["proof"]["score"] == reports["proof"]["max_score"] > 0
    earned = {kind: [(exercise["number"], check["name"]) for exercise in report["exercises"]
                     for check in exercise["checks"] if check["score"]]
              for kind, report in reports.items() if kind != "proof"}
    assert earned == dict.fromkeys(FORGERIES, []), earned


@dataclass(frozen=True)
class ForgedCourse:
    origin: Path
    base: str
    heads: dict[str, str]  # a pull request per kind of submission (KINDS)


@pytest.fixture(scope="module")
def forged_course(tmp_path_factory: pytest.TempPathFactory) -> ForgedCourse:
    origin = tmp_path_factory.mktemp("forged-origin")
    git(origin, "init", "-q", "-b", "main")
    copy_kit(origin)
    base = commit_all(origin, "the course: the kit with the exercise stubs")
    heads = {}
    for kind in KINDS:
        git(origin, "checkout", "-q", "-b", kind.replace("_", "-"), base)
        for name, text in submitted(kind).items():
            (origin / "exercises" / name).write_text(text, encoding="utf-8")
        heads[kind] = commit_all(origin, kind)
    git(origin, "checkout", "-q", "main")
    return ForgedCourse(origin, base, heads)


def pr_scores(forged_course: ForgedCourse, kind: str, rules_off: dict[str, str],
              tmp_path: Path) -> tuple[int, dict]:
    graded = run_script(forged_course.origin, forged_course.base, forged_course.heads[kind],
                        tmp_path / "workspace", rules_off)
    assert graded.ignored == [] and graded.report["exercises"]
    assert whole({exercise["number"]: [check["title"] for check in exercise["checks"]]
                  for exercise in graded.report["exercises"]}), graded.report
    return graded.status, graded.report


@pytest.mark.needs_sandbox
@pytest.mark.skipif(sys.platform != "linux", reason="the PR script runs on Linux (GitHub Actions)")
@pytest.mark.parametrize("kind", KINDS)
def test_the_pr_script_gives_a_forgery_nothing(kind: str, forged_course: ForgedCourse,
                                               rules_off: dict[str, str], tmp_path: Path) -> None:
    """.github/scripts/grade-pr.sh, as the workflow runs it (a checkout of the base commit, the
    pull request's exercise files only, `grade all` in the grading sandbox: bubblewrap where it
    runs, else root's uid per child; status 2 where neither can), once per forgery, with the rules
    off in the `grade` it starts (rules_off.py) and, through the plan, in its sandboxed children.
    "proof": the references importing sys get full marks, so the rules really are off there and a
    forgery's 0 is not the rules refusing its file. Not covered: the workflow file itself (GitHub
    runs it), which installs the kit and bubblewrap, fetches the pull request and runs this
    script."""
    status, report = pr_scores(forged_course, kind, rules_off, tmp_path)
    if kind == "proof":
        assert status == 0 and report["score"] == report["max_score"] > 0, report
        return
    earned = [(exercise["number"], check["name"]) for exercise in report["exercises"]
              for check in exercise["checks"] if check["score"]]
    assert earned == [], earned
    assert report["score"] == 0 and status == 1


@pytest.fixture(scope="module")
def forged_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("forged-bundle") / "autograder.zip"
    write_bundle(target)
    return target


@pytest.mark.needs_sandbox
@pytest.mark.skipif(sys.platform != "linux", reason="Gradescope runs the bundle on Linux")
@pytest.mark.parametrize("kind", KINDS)
def test_the_gradescope_bundle_gives_a_forgery_nothing(kind: str, forged_bundle: Path,
                                                       rules_off: dict[str, str],
                                                       tmp_path: Path) -> None:
    """The bundle's run_autograder in a temporary /autograder (AUTOGRADER_ROOT), as Gradescope
    runs it: the submitted files copied over the kit's stubs, `grade all --format gradescope` in
    the grading sandbox (as the PR script's), once per forgery, with the rules off in the
    `grade` it starts (rules_off.py) and, through the plan, in its sandboxed children. "proof":
    the references importing sys get full marks. Not covered: setup.sh (the venv and bubblewrap
    it installs on Gradescope's image); the test runs with the kit's own Python."""
    data = autograder(forged_bundle, tmp_path, submitted(kind), more_env=rules_off)
    graded: dict[int, list[str]] = {}
    for test in data["tests"]:
        number = int(test["number"].split(".")[0])
        graded.setdefault(number, []).append(test["name"].removeprefix(f"Exercise {number}: "))
    assert whole(graded), data
    if kind == "proof":
        assert data["score"] == sum(test["max_score"] for test in data["tests"]) > 0, data
        return
    earned = [test["name"] for test in data["tests"] if test["score"]]
    assert earned == [], earned
    assert data["score"] == 0
