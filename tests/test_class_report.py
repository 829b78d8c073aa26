"""The class report: what a class got wrong, by exercise and cause, as an instructor reads it.

A class made of the reference, the stubs and known mistakes (one submission each; every known
mistake with KIT_CLASS=all, else the first few of each exercise) is graded by `grade batch`: each
mistake's cause must be counted once for its student, in its exercise, with its lesson sentence.
The report is then opened in headless Chromium (Debian's package): it must load with no console
message, with its charts and tables. KIT_SCREENSHOT=PATH keeps the screenshot there (the one in
docs/ was taken so).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import asdict
from html import unescape
from pathlib import Path

import pytest
from click.testing import CliRunner
from kit import REFERENCE, STUBS, Mutant, mutants

from graders.causes import catalogue
from graders.cli import cli
from graders.instructor.gradebook import read_csv
from graders.registry import exercises
from graders.render import charts
from graders.render.class_report import render
from graders.render.class_stats import class_stats, state
from graders.results import (
    Cause,
    CheckResult,
    ClassResults,
    ExerciseHeading,
    ExerciseResult,
    Report,
    Submitted,
)

PER_EXERCISE = 3  # mutants of each exercise in the class, unless KIT_CLASS=all
# Debian's package (.ci/run installs it), or the Chrome that GitHub's Ubuntu runners come with.
CHROMIUM = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome",
                                                "google-chrome-stable"))), None)


def chosen() -> list[Mutant]:
    if os.environ.get("KIT_CLASS") == "all":
        return mutants()
    taken: dict[int, int] = {}
    picked = []
    for mutant in mutants():
        if taken.get(mutant.exercise.number, 0) < PER_EXERCISE:
            taken[mutant.exercise.number] = taken.get(mutant.exercise.number, 0) + 1
            picked.append(mutant)
    return picked


def student(mutant: Mutant) -> str:
    return f"{mutant.exercise.module_name}-{mutant.path.stem}"


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Mutant]]:
    root = tmp_path_factory.mktemp("class")
    names = [exercise.file_name for exercise in exercises()]
    for who, source in (("reference", REFERENCE), ("stubs", STUBS)):
        (root / "class" / who).mkdir(parents=True)
        for name in names:
            shutil.copy(source / name, root / "class" / who / name)
    picked = chosen()
    for mutant in picked:
        folder = root / "class" / student(mutant)
        folder.mkdir()
        shutil.copy(mutant.path, folder / mutant.exercise.file_name)
    result = CliRunner().invoke(cli, ["batch", str(root / "class"), "-o", str(root / "grades.csv"),
                                      "--jobs", "2", "--no-sandbox"])
    assert result.exit_code == 0, result.output
    return root, picked


def sections(html: str) -> dict[int, str]:
    """Each exercise's part of the report, by number."""
    parts = re.split(r'<h2 id="ex(\d+)">', html)
    return {int(parts[index]): parts[index + 1] for index in range(1, len(parts), 2)}


def test_each_mistake_is_counted_once_in_its_exercise_with_its_lesson(
        graded_class: tuple[Path, list[Mutant]]) -> None:
    root, picked = graded_class
    html = (root / "grades.html").read_text(encoding="utf-8")
    by_exercise = sections(html)
    for mutant in picked:
        report = json.loads((root / "grades" / f"{student(mutant)}.json").read_text())
        result = next(ex for ex in report["exercises"] if ex["number"] == mutant.exercise.number)
        causes = {check["cause"]["id"]: check["cause"] for check in result["checks"]
                  if check["name"] in mutant.fails}
        assert causes, f"{mutant.id}: its failing checks carry no cause"
        text = unescape(by_exercise[mutant.exercise.number])
        for cause in causes.values():
            assert cause == asdict(catalogue(mutant.exercise).causes[cause["id"]])
            assert cause["id"] in text and f"“{cause['lesson']}”" in text, (mutant.id, cause)
    stats = class_stats_of(root)
    for numbered in stats.exercises:
        for count in numbered.causes:
            assert len(set(count.students)) == len(count.students), count.cause.id
            assert count.exercise == numbered.heading.number
            # a mistake's cause belongs to the exercise it was made in (stubs: exercise 12 only)
            assert all(name.startswith(f"ex{count.exercise:02d}_") or name == "stubs"
                       for name in count.students), (count.cause.id, count.students)


def class_stats_of(root: Path):  # type: ignore[no-untyped-def]
    from graders.instructor.class_report import class_results

    _, rows = read_csv(root / "grades.csv")
    return class_stats(class_results(rows, root / "grades", list(exercises()), root / "grades.html"))


def test_stubs_are_submitted_not_started_and_the_reference_passes(
        graded_class: tuple[Path, list[Mutant]]) -> None:
    root, picked = graded_class
    stats = class_stats_of(root)
    for numbered in stats.exercises:
        mutated = sum(mutant.exercise.number == numbered.heading.number for mutant in picked)
        broken_stub = numbered.heading.number == 12  # a program with planted mistakes: started
        assert numbered.submitted == 2 + mutated
        assert numbered.started == 1 + mutated + broken_stub
        assert numbered.passed == 1


def cause(id_: str, kind: str = "mistake") -> Cause:
    return Cause(id_, id_.replace("-", " "), f"the lesson of {id_}", kind)


def failed(name: str, found: Cause, points: float = 2, message: str = "") -> CheckResult:
    return CheckResult(name, name, "failed", 0, points, message or f"{name} failed", cause=found)


def passed(name: str, points: float = 2) -> CheckResult:
    return CheckResult(name, name, "passed", points, points)


def small_class() -> ClassResults:
    heading = ExerciseHeading(1, "demo", "Demo <b>", 4, (("a", "check a"), ("b", "check b")))
    one = cause("one-at-a-time")

    def sub(name: str, checks: list[CheckResult]) -> Submitted:
        exercise = ExerciseResult(1, "demo", "Demo", "ex01_demo.py", checks)
        return Submitted(name, 1, exercise.score, 4, "ok", Report([exercise]), f"grades/{name}.json")

    return ClassResults([heading], [
        sub("ada", [passed("a"), passed("b")]),
        sub("bob", [failed("a", one, message="<script>alert(1)</script>"), failed("b", one)]),
        sub("cy", [failed("a", one), passed("b")]),
        sub("dee", [failed("a", cause("not-written", "unattempted")),
                    failed("b", cause("not-written", "unattempted"))]),
        sub("eve", [failed("a", cause("file-missing", "unattempted")),
                    failed("b", cause("file-missing", "unattempted"))]),
        Submitted("fay", 6, 0, 4, "no exercise files", None),
    ])


def test_a_cause_counts_once_per_student_however_many_checks_it_cost() -> None:
    stats = class_stats(small_class())
    (exercise,) = stats.exercises
    assert (exercise.submitted, exercise.started, exercise.passed) == (4, 3, 1)
    (counted,) = exercise.causes
    assert counted.students == ["bob", "cy"] and counted.points == 6
    assert [(rate.name, rate.passed, rate.graded) for rate in exercise.checks] == [
        ("a", 1, 4), ("b", 2, 4)]
    assert stats.reteach == [counted]
    assert state(None) == "missing"


def test_the_report_escapes_what_it_shows_and_fetches_nothing() -> None:
    html = render(small_class())
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "Demo &lt;b&gt;" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert re.findall(r"https?://[^\s\"'<>]+", html) == ["http://www.w3.org/2000/svg"] * html.count(
        "http://www.w3.org/2000/svg") or not charts.available()
    assert '<a href="grades/ada.json">ada</a>' in html
    assert "“the lesson of one-at-a-time”" in html


def test_the_same_class_gives_the_same_report_byte_for_byte() -> None:
    assert render(small_class()) == render(small_class())


@pytest.mark.skipif(not charts.available(), reason="pygal (the instructor extra) is not installed")
def test_every_chart_has_a_table_beside_it() -> None:
    html = render(small_class())
    pairs = re.findall(r'<div class="pair"><figure>(<svg.*?</svg>)</figure><div><table', html,
                       re.DOTALL)
    assert len(pairs) == 3 == html.count("<svg")  # the overview, the scores, the checks


def test_similar_submissions_are_listed_only_when_asked_for(tmp_path: Path) -> None:
    pytest.importorskip("copydetect", reason="copydetect (the similarity extra) is not installed")
    from kit import alternatives

    from graders.instructor.gradebook import find_submissions
    from graders.instructor.similarity import similar_pairs

    fetch = next(exercise for exercise in exercises() if exercise.number == 3)
    others = [path for exercise, path in alternatives() if exercise == fetch][:3]
    sources = {"ada": REFERENCE / fetch.file_name, "ann": REFERENCE / fetch.file_name,
               "stubby": STUBS / fetch.file_name, "stubbier": STUBS / fetch.file_name}
    sources |= {f"alt{index}": path for index, path in enumerate(others)}
    for name, source in sources.items():
        (tmp_path / name).mkdir()
        shutil.copy(source, tmp_path / name / fetch.file_name)
    found, _ = find_submissions(tmp_path, [fetch])
    pairs = similar_pairs(found, [fetch], STUBS)
    assert [(pair.exercise, pair.first, pair.second) for pair in pairs] == [(3, "ada", "ann")]
    assert pairs[0].similarity == pytest.approx(1.0)
    results = small_class()
    assert "Similar submissions" not in render(results)
    results.similar, results.similarity_threshold, results.similarity_tool = pairs, 0.8, "copydetect"
    html = render(results)
    assert "Similar submissions" in html and "beyond 80%" in html and "copydetect" in html


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian: apt-get install "
                                             "chromium; .ci/run installs it where it can)")
def test_the_report_opens_in_a_browser_with_its_charts_and_tables(
        graded_class: tuple[Path, list[Mutant]], tmp_path: Path) -> None:
    root, _ = graded_class
    page = (root / "grades.html").resolve().as_uri()
    common = [str(CHROMIUM), "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run",
              "--host-resolver-rules=MAP * ~NOTFOUND",  # nothing may be fetched: it would fail
              f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0"]
    dumped = subprocess.run([*common, "--dump-dom", page], capture_output=True, text=True,
                            timeout=120, check=True)
    console = [line for line in dumped.stderr.splitlines() if ":CONSOLE" in line]
    assert not console, f"the report logs to the console: {console}"
    dom = dumped.stdout
    assert dom.count("<svg") >= 1 + 2 * len(exercises()), "a chart is missing"
    assert dom.count("<table") >= 1 + 3 * len(exercises()), "a table is missing"
    assert 'id="reteach"' in dom and 'id="students"' in dom
    shot = tmp_path / "class-report.png"
    subprocess.run([*common, f"--screenshot={shot}", "--window-size=1200,1900",
                    "--hide-scrollbars", page], capture_output=True, timeout=120, check=True)
    assert shot.stat().st_size > 10_000
    if keep := os.environ.get("KIT_SCREENSHOT"):
        shutil.copy(shot, keep)
