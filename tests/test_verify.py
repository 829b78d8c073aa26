"""`grade verify` passes on the kit and names the exercise when a stub, a reference or a mutant is wrong.

Nothing here touches the real reference/ or exercises/: broken kits are temporary copies passed
with --reference / --stubs (or to the engine with a temporary mutants folder).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from kit import REFERENCE, STUBS

from graders.cli import cli
from graders.instructor.api import api_of_source, differences
from graders.instructor.verification import summarize, verify
from graders.instructor.verify import render
from graders.registry import by_number, exercises

NO_MUTANTS = Path("/nonexistent/mutants")


def copy_of(folder: Path, tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copytree(folder, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


# The whole kit with KIT_VERIFY=all (the release check, about 3 CPU-minutes); else two exercises,
# one of coroutines and one of threads: test_grading, test_mutants and test_alternatives grade
# everything `grade verify` would, one item each, so the suite need not grade it all twice.
VERIFIED = [] if os.environ.get("KIT_VERIFY") == "all" else ["-e", "2", "-e", "6"]


def test_the_kit_verifies() -> None:
    result = CliRunner().invoke(cli, ["verify", *VERIFIED])
    assert result.exit_code == 0, result.output
    numbers = {int(VERIFIED[i + 1]) for i in range(0, len(VERIFIED), 2)}
    for exercise in exercises():
        if not numbers or exercise.number in numbers:
            assert f"{exercise.number} {exercise.slug}" in result.output
    assert "Verified" in result.output and "✗" not in result.output


def test_a_reference_replaced_by_its_stub_fails_naming_the_exercise(tmp_path: Path) -> None:
    broken = copy_of(REFERENCE, tmp_path, "reference")
    shutil.copy(STUBS / "ex02_gather.py", broken / "ex02_gather.py")
    result = CliRunner().invoke(cli, ["verify", "--reference", str(broken), "-e", "1", "-e", "2"])
    assert result.exit_code == 1
    assert "Exercise 2 (ex02_gather): the reference fails" in result.output
    assert "Exercise 1 (" not in result.output
    assert "problem(s) in exercise(s) 2 (gather)" in result.output


def test_a_stub_replaced_by_its_reference_fails_naming_the_exercise(tmp_path: Path) -> None:
    broken = copy_of(STUBS, tmp_path, "exercises")
    shutil.copy(REFERENCE / "ex01_coroutines.py", broken / "ex01_coroutines.py")
    result = verify([by_number(1), by_number(2)], broken, REFERENCE, mutants_root=NO_MUTANTS)
    text = render(result)
    assert not result.passed
    assert "Exercise 1 (ex01_coroutines): the stub passes `" in text
    assert "Exercise 1 (ex01_coroutines): the lesson lacks the section(s)" in text
    assert "Exercise 2 (" not in text


def test_an_api_mismatch_is_found_without_importing_the_reference(tmp_path: Path) -> None:
    broken = copy_of(REFERENCE, tmp_path, "reference")
    source = (broken / "ex01_coroutines.py").read_text()
    source = source.replace("async def greet(name: str, delay: float)", "async def greet(who, delay=1)")
    # Importing this module would end the test run: verify must read it, never import it.
    (broken / "ex01_coroutines.py").write_text("import os\nos._exit(3)\n" + source)
    result = verify([by_number(1)], STUBS, broken, mutants_root=NO_MUTANTS)
    problems = result.exercises[0].problems
    assert any(problem.startswith("API: the stub has `async def greet(name, delay)` but the reference "
                                  "has `async def greet(who, delay=1)`") for problem in problems)


def test_mutants_that_are_not_mistakes_or_say_the_wrong_thing_are_named(tmp_path: Path) -> None:
    folder = tmp_path / "mutants" / "ex02_gather"
    folder.mkdir(parents=True)
    body = (REFERENCE / "ex02_gather.py").read_text().split('"""', 2)[2]
    (folder / "not_a_mistake.py").write_text(
        '"""Really the reference.\n\nfails: cooks_at_the_same_time\nsays: one at a time\n"""' + body)
    (folder / "no_fields.py").write_text('"""No fields."""' + body)
    (tmp_path / "mutants" / "ex99_unknown").mkdir()
    (tmp_path / "mutants" / "ex99_unknown" / "stray.py").write_text('"""fails: x\nsays: y"""\n')
    result = verify([by_number(2)], STUBS, REFERENCE, mutants_root=tmp_path / "mutants")
    text = render(result)
    assert result.exercises[0].mutants.good == 0
    assert "mutant not_a_mistake passes `cooks_at_the_same_time`" in text
    assert "mutant no_fields names no check in 'fails:'" in text
    assert "ex99_unknown is named after no exercise" in text


def test_a_copy_without_mutants_says_so_and_still_verifies_the_rest() -> None:
    result = verify([by_number(1)], STUBS, REFERENCE, mutants_root=NO_MUTANTS)
    assert result.passed, render(result)
    assert "There are no mutants here" in render(result)
    assert result.exercises[0].mutants.total == 0


def test_repeat_grades_every_run_and_a_changing_verdict_is_flaky() -> None:
    result = verify([by_number(2)], STUBS, REFERENCE, mutants_root=NO_MUTANTS, repeat=3)
    assert result.passed and "3 runs" in render(result)
    fault = ("the reference fails `x`", "it took 3.0 s")
    assert summarize([[fault], [], [fault]], 3) == [
        "the reference fails `x` in 2 of 3 runs (flaky): it took 3.0 s"]
    assert summarize([[fault], [fault]], 2) == ["the reference fails `x` in every run: it took 3.0 s"]


def test_a_missing_reference_folder_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["verify", "--reference", str(tmp_path / "none")])
    assert result.exit_code == 2
    assert "--reference: no folder" in result.output


def test_api_compares_names_kinds_parameters_and_defaults() -> None:
    stub = api_of_source("async def f(a, b=1, *, c): ...\ndef g(): ...\nclass K:\n def m(self): ...\n"
                         "def _private(): ...\n")
    assert stub == {"f": "async def f(a, b=1, *, c)", "g": "def g()", "K": "class K",
                    "K.m": "def K.m(self)"}
    reference = api_of_source("def f(a, b=2, *, c): ...\nclass K:\n async def m(self): ...\n"
                              "def h(x, /, *args, **kw): ...\n")
    assert differences(stub, reference) == [
        "the reference lacks `def g()`",
        "the stub lacks `def h(x, /, *args, **kw)`",
        "the stub has `async def f(a, b=1, *, c)` but the reference has `def f(a, b=2, *, c)`",
        "the stub has `def K.m(self)` but the reference has `async def K.m(self)`",
    ]


def test_a_check_without_a_hint_and_a_hint_about_no_check_are_problems(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    from graders.instructor.verification import ExerciseVerification, load_checks

    exercise = by_number(1)
    result = ExerciseVerification(exercise)
    assert len(load_checks(result)) == 5 and result.hints_ok and not result.problems
    module = importlib.import_module(exercise.checks_module)
    monkeypatch.setattr(module, "HINTS", {"greet": ("a", "b"), "run greet": ("c",)})
    result = ExerciseVerification(exercise)
    load_checks(result)
    assert result.hints == 3 and not result.hints_ok
    assert any("check run_greet_returns_result has no hint" in problem
               for problem in result.problems)
    assert any("HINTS key 'run greet' is neither a check nor a function" in problem
               for problem in result.problems)
