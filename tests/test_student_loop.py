"""The student's loop: `grade` alone, `grade list`, `grade hint`, `grade watch`, timelines.

Each test gets its own copy of the stubs as the student's `exercises/` and its own `.grade/`.
"""

from __future__ import annotations

import ast
import dataclasses
import select
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from kit import MUTANTS, REFERENCE, STUBS, grade_file

from graders.cli import cli, main
from graders.engine.runner import check_specs
from graders.hints import Checked, about, covers, declared, parse, problems
from graders.registry import Exercise, by_number, exercises
from graders.render import text, timeline
from graders.results import CheckResult, ExerciseResult, Report
from graders.student import progress as student_progress
from graders.student import watch
from graders.student.hint import hint_order, load_hints

COUNT = len(exercises())


@pytest.fixture
def student(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh student's `exercises/` (the stubs) and an empty `.grade/`."""
    folder = tmp_path / "exercises"
    shutil.copytree(STUBS, folder)
    monkeypatch.setattr(student_progress, "EXERCISES_DIR", folder)
    monkeypatch.setattr(student_progress, "STATE_DIR", tmp_path / ".grade")
    monkeypatch.setenv("NO_COLOR", "1")
    return folder


@pytest.fixture
def no_grading(monkeypatch: pytest.MonkeyPatch) -> None:
    """Proof that a command is fast: grading anything fails the test."""
    import graders.engine.runner

    def refuse(*_args: object, **_kwargs: object) -> Report:
        raise AssertionError("this command must not grade")

    monkeypatch.setattr(graders.engine.runner, "grade", refuse)


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def solve(folder: Path, number: int) -> Path:
    """Put the reference solution of exercise `number` in the student's folder."""
    name = by_number(number).file_name
    return Path(shutil.copy(REFERENCE / name, folder / name))


def passing_report(exercise: Exercise) -> Report:
    check = CheckResult("works", "it works", "passed", 1, 1)
    return Report([ExerciseResult(exercise.number, exercise.slug, exercise.title,
                                  exercise.file_name, [check])])


def row(output: str, number: int) -> str:
    return next(line for line in output.splitlines() if line.split()[:1] == [str(number)])


# grade list / grade alone


def test_list_before_any_grading_is_fast_and_says_not_started(student: Path, no_grading: None) -> None:
    result = invoke("list")
    assert result.exit_code == 0, result.output
    for exercise in exercises():
        line = row(result.output, exercise.number)
        assert exercise.title in line and "not started" in line and line.rstrip().endswith("-")
    assert f"0 of {COUNT} done" in result.output


def test_grading_the_students_folder_records_it_for_list(student: Path) -> None:
    solve(student, 1)
    graded = invoke("exercise", "1", "--solutions", str(student))
    assert graded.exit_code == 0, graded.output
    listed = invoke("list").output
    assert "done" in row(listed, 1)
    assert row(listed, 1).rstrip().endswith(f"{_max_score(1):g}/{_max_score(1):g}")
    assert "not started" in row(listed, 2)
    assert f"1 of {COUNT} done" in listed


def test_a_file_edited_since_it_passed_is_started_with_a_star(student: Path) -> None:
    path = solve(student, 1)
    assert invoke("exercise", "1", "-s", str(student)).exit_code == 0
    path.write_text(path.read_text() + "\n# tidy up later\n")
    listed = invoke("list").output
    assert "started" in row(listed, 1) and row(listed, 1).endswith("*")
    assert "* edited since that grading." in listed


def test_writing_a_function_counts_as_started_before_any_grading(student: Path) -> None:
    shutil.copy(MUTANTS / "ex02_gather" / "one_at_a_time.py", student / "ex02_gather.py")
    (student / "ex03_fetch.py").write_text((student / "ex03_fetch.py").read_text() + "\n# notes\n")
    listed = invoke("list").output
    assert "started" in row(listed, 2) and "not started" not in row(listed, 2)
    assert "not started" in row(listed, 3), "editing only comments is not starting"


def test_a_missing_file_is_missing_and_says_how_to_get_the_stub_back(student: Path,
                                                                     no_grading: None) -> None:
    (student / by_number(1).file_name).unlink()
    listed = invoke("list").output
    assert "missing" in row(listed, 1) and "started" not in row(listed, 1), listed
    assert row(listed, 1).rstrip().endswith("-")
    shown = invoke().output  # `grade` alone: the next exercise is the missing one
    assert "missing: there is no " in shown, shown
    assert "`git checkout -- " in shown and "ex01_coroutines.py` brings the stub back" in shown


def test_a_broken_stub_is_not_started_until_it_changes(student: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    broken = dataclasses.replace(by_number(1), broken_stub=True)
    monkeypatch.setattr(student_progress, "exercises", lambda: (broken,))
    path = solve(student, 1)  # stands in for a program with planted mistakes
    assert [item.status for item in student_progress.overview()] == ["not started"]
    assert [item.status for item in student_progress.overview()] == ["not started"]
    path.write_text(path.read_text() + "\n# fixed the first mistake\n")
    assert [item.status for item in student_progress.overview()] == ["started"]


def test_grading_another_folder_records_nothing(student: Path) -> None:
    assert invoke("exercise", "1", "--solutions", "reference").exit_code == 0
    assert not (student_progress.STATE_DIR / student_progress.RESULTS_FILE).exists()
    assert "not started" in row(invoke("list").output, 1)


def test_grade_alone_shows_progress_and_the_next_step(student: Path) -> None:
    solve(student, 1)
    assert invoke("exercise", "1", "-s", str(student)).exit_code == 0
    with pytest.MonkeyPatch.context() as patch:
        import graders.engine.runner

        patch.setattr(graders.engine.runner, "grade", None)  # `grade` alone never grades
        result = invoke()
    assert result.exit_code == 0, result.output
    assert f"1 of {COUNT} exercises done" in result.output
    second = by_number(2)
    assert f"Next: exercise 2, {second.title}" in result.output
    assert "grade exercise 2" in result.output and "grade hint 2" in result.output
    assert "grade watch 2" in result.output
    assert f"{second.file_name} (the docstring at the top)" in result.output
    assert invoke("next").output == result.output


def test_grade_alone_when_everything_is_done(student: Path, no_grading: None) -> None:
    for exercise in exercises():
        seen = student_progress.snapshot([exercise], student)
        assert student_progress.remember(passing_report(exercise), seen) is None
    result = invoke()
    assert f"all {COUNT} exercises done" in result.output and "Next:" not in result.output


# grade hint


def test_hints_come_one_level_at_a_time_then_stay_on_the_last(student: Path) -> None:
    hints = load_hints(by_number(3))
    shown = []
    for _ in range(len(hints) + 1):
        result = invoke("hint", "3")
        assert result.exit_code == 0, result.output
        shown.append(result.output.splitlines()[0])
    expected = [f"Exercise 3, hint {level} of {len(hints)}:" for level in range(1, len(hints) + 1)]
    assert shown == expected + [expected[-1]]
    last = invoke("hint", "3").output
    assert "That is the last hint (--level 1 shows the first again)" in last
    assert "More specific: grade hint 3" in invoke("hint", "3", "--level", "1").output
    assert f"hint 2 of {len(hints)}" in invoke("hint", "3", "-l", "2").output


def test_hint_level_picks_one_without_skipping_the_default(student: Path) -> None:
    assert "hint 2 of" in invoke("hint", "1", "--level", "2").output
    assert "hint 3 of" in invoke("hint", "1").output


@pytest.mark.parametrize(("args", "phrase"), [
    (["hint", "99"], "there is no exercise 99"),
    (["hint", "1", "--level", "9"], "exercise 1 has 6 hints: --level must be 1 to 6"),
    (["hint", "1", "--level", "0"], "--level must be 1 to 6"),
    (["watch", "99"], "there is no exercise 99"),
])
def test_bad_numbers_are_one_line_and_exit_2(args: list[str], phrase: str, student: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(args)
    assert done.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1
    assert captured.err.startswith("grade: error: ") and phrase in captured.err


def test_hint_alone_means_the_exercise_you_are_on(student: Path, no_grading: None) -> None:
    assert invoke("hint").output.startswith("Exercise 1, hint 1 of"), "nothing graded: the first"
    for exercise in exercises()[:2]:  # 1 and 2 pass
        seen = student_progress.snapshot([exercise], student)
        student_progress.remember(passing_report(exercise), seen)
    assert invoke("hint").output.startswith("Exercise 3, hint 1 of"), "what `grade` points to"
    assert "Next: exercise 3" in invoke().output
    failing = Report([ExerciseResult(7, "futures", "t", by_number(7).file_name,
                                     [CheckResult("x", "x", "failed", 0, 1, message="no")])])
    student_progress.remember(failing, student_progress.snapshot([by_number(7)], student))
    assert invoke("hint").output.startswith("Exercise 7, hint 1 of"), "the last graded, failing"
    assert invoke("hint").output.startswith("Exercise 7, hint 2 of")
    assert "Next: exercise 7" in invoke().output


def test_hint_alone_when_everything_passes(student: Path, no_grading: None) -> None:
    for exercise in exercises():
        student_progress.remember(passing_report(exercise),
                                  student_progress.snapshot([exercise], student))
    done = invoke("hint")
    assert done.exit_code == 2 and "grade hint N" in done.output


def test_hints_follow_the_first_failing_check(student: Path) -> None:
    reference = (REFERENCE / "ex01_coroutines.py").read_text()
    stub = (STUBS / "ex01_coroutines.py").read_text()
    # greet written as in the reference, run_greet still the stub's
    greet = reference[reference.index("\nasync def greet"):reference.index("\ndef run_greet")]
    (student / "ex01_coroutines.py").write_text(
        stub[:stub.index("\nasync def greet")] + greet + stub[stub.index("\ndef run_greet"):])
    graded = invoke("exercise", "1", "-s", str(student))
    assert graded.exit_code == 1 and "✓ greet" in graded.output
    found = declared(by_number(1).checks_path)
    about_greet = {hint.text for check in found.checks[:2]
                   for hint in about(check.name, found.hints, by_number(1).functions)}
    about_run_greet = about("run_greet_returns_result", found.hints, by_number(1).functions)
    first = invoke("hint", "1").output
    assert _words(about_run_greet[0].text) in _words(first)
    assert ('(About "run_greet returns greet\'s result from synchronous code", the first check '
            'that failed in your last grading.') in _words(first)
    shown = [invoke("hint", "1", "--level", str(level)).output for level in range(1, 4)]
    assert all(_words(text) not in _words(output) for text in about_greet for output in shown)
    assert "hint 3 of 3" in shown[-1] and "That is the last hint" in shown[-1]


def _words(text: str) -> str:
    return " ".join(text.split())


def _graded(exercise: Exercise, failing_from: int) -> Report:
    """A grading of `exercise` whose checks before `failing_from` passed and the rest failed."""
    checks = [CheckResult(spec.name, spec.title, "passed" if place < failing_from else "failed",
                          0, 1, message="no") for place, spec in enumerate(check_specs(exercise))]
    return Report([ExerciseResult(exercise.number, exercise.slug, exercise.title,
                                  exercise.file_name, checks)])


@pytest.mark.parametrize("exercise", exercises(), ids=lambda exercise: exercise.module_name)
def test_each_check_and_each_hint_are_tied(exercise: Exercise) -> None:
    found = declared(exercise.checks_path)
    assert [(check.name, check.title) for check in found.checks] == [
        (spec.name, spec.title) for spec in check_specs(exercise)], "read with ast as imported"
    assert problems(found.hints, found.checks, exercise.functions) == []
    assert all(about(check.name, found.hints, exercise.functions) for check in found.checks)


def test_a_hint_about_something_else_is_a_problem() -> None:
    checks = (Checked("greet_waits", "greet waits"), Checked("run_greet_runs", "run_greet runs"))
    hints = parse({"greet": ("a",), "run greet": ("b",), "greet_waits": ("c",)})
    assert [hint.place for hint in hints] == [1, 2, 3]
    assert about("run_greet_runs", hints, ("greet", "run_greet")) == ()
    assert problems(hints, checks, ("greet", "run_greet")) == [
        "check run_greet_runs has no hint (a key of HINTS: its name, or the function it is named "
        "after)", "HINTS key 'run greet' is neither a check nor a function with checks named "
        "after it"]


@pytest.mark.parametrize("exercise", exercises(), ids=lambda exercise: exercise.module_name)
def test_hints_start_at_the_first_failed_check_and_skip_the_passed(exercise: Exercise) -> None:
    found = declared(exercise.checks_path)
    for place, failing in enumerate(found.checks):
        report = _graded(exercise, place)
        failed = tuple((check.name, check.title) for check in report.exercises[0].checks
                       if not check.passed)
        order = hint_order(exercise, found, failed)
        assert order.hints[0] in about(failing.name, found.hints, exercise.functions)
        assert order.checks[0] == failing
        for hint in order.hints:  # each about a check that failed
            assert any(covers(hint.key, check.name, exercise.functions)
                       for check in found.checks[place:]), (failing.name, hint.key)
        assert len(set(order.hints)) == len(order.hints)


@pytest.mark.parametrize("exercise", exercises(), ids=lambda exercise: exercise.module_name)
def test_before_any_grading_every_hint_comes_once_the_first_check_first(exercise: Exercise) -> None:
    found = declared(exercise.checks_path)
    order = hint_order(exercise, found, ())
    assert sorted(order.hints, key=lambda hint: hint.place) == list(found.hints)
    assert order.hints[0] in about(found.checks[0].name, found.hints, exercise.functions)
    assert order.checks[0] == found.checks[0]


def test_grade_hint_follows_the_recorded_grading(student: Path, no_grading: None) -> None:
    exercise = by_number(3)
    found = declared(exercise.checks_path)
    first = invoke("hint", "3").output
    assert _words(found.hints[0].text) in _words(first), "nothing graded: the first check's"
    assert f'(About the check "{found.checks[0].title}".)' in _words(first)
    # fetch_url's three checks passed, fetch_all's first check failed, and those after it
    student_progress.remember(_graded(exercise, 3),
                              student_progress.snapshot([exercise], student))
    first_failed = found.checks[3]
    ordered = hint_order(exercise, found, tuple((check.name, check.title)
                                                for check in found.checks[3:]))
    shown = [invoke("hint", "3").output for _ in ordered.hints]
    assert shown[0].startswith(f"Exercise 3, hint 1 of {len(ordered.hints)}:")
    assert _words(about(first_failed.name, found.hints, exercise.functions)[0].text) in _words(
        shown[0])
    assert f'(About "{first_failed.title}", the first check that failed' in _words(shown[0])
    passed = [hint for check in found.checks[:3]
              for hint in about(check.name, found.hints, exercise.functions)]
    assert passed and all(_words(hint.text) not in _words(output)
                          for hint in passed for output in shown)
    assert f"The {len(passed)} hints about checks that passed are left out." in _words(shown[0])


@pytest.mark.parametrize("exercise", exercises(), ids=lambda exercise: exercise.module_name)
def test_every_exercise_has_hints_that_do_not_give_the_solution_away(exercise: Exercise) -> None:
    hints = load_hints(exercise)
    assert len(hints) >= 2 and all(hint.text.strip() for hint in hints)
    reference = REFERENCE / exercise.file_name
    if not reference.exists():
        pytest.skip(f"no reference for {exercise.module_name}")
    lesson = (STUBS / exercise.file_name).read_text()
    code = [line for line in _body_lines(reference.read_text()) if line not in lesson]
    for hint in hints:
        copied = [line for line in code if line in hint.text]
        assert not copied, f"a hint of {exercise.module_name} quotes its solution: {copied}"


# grade watch (fake change events: no real file watching, no sleeping)


def test_watch_regrades_on_save_and_moves_on_when_it_passes(student: Path) -> None:
    shown: list[str] = []
    watcher = watch.Watcher(by_number(1), watch.grade_and_remember, text.render, shown.append)

    def saves() -> Iterator[set[Path]]:
        yield {student / "notes.txt"}  # not an exercise: nothing happens
        assert len(shown) == 3  # the first grading: heading, report, "save to grade again"
        solve(student, 1)
        yield {student / by_number(1).file_name}
        yield {student / by_number(3).file_name}  # the student jumps to exercise 3

    watch.run(watcher, saves())
    output = "\n".join(shown)
    assert output.count("grade watch: exercise 1") == 2
    assert f"Exercise 1 passes. Next: exercise 2, {by_number(2).title}" in output
    assert "grade watch: exercise 3" in output and watcher.current.number == 3
    assert "done" in row(invoke("list").output, 1), "watch records results like grade exercise"


def test_watch_stops_when_the_last_exercise_passes(student: Path) -> None:
    shown: list[str] = []

    def grade_passing(exercise: Exercise) -> Report:
        report = passing_report(exercise)
        student_progress.remember(report, student_progress.snapshot([exercise], student))
        return report

    # Exercise 1 passes at the first grading; each save then passes the next exercise, and
    # watching stops at the last one: the extra save of exercise 1 is never read.
    batches = [{student / exercise.file_name} for exercise in exercises()[1:]]
    batches.append({student / exercises()[0].file_name})
    consumed: list[set[Path]] = []

    def saves() -> Iterator[set[Path]]:
        for batch in batches:
            consumed.append(batch)
            yield batch

    watch.run(watch.Watcher(exercises()[0], grade_passing, text.render, shown.append), saves())
    assert shown[-1].endswith("all done!")
    assert consumed == batches[:-1]


def test_a_save_during_grading_is_graded_before_anything_is_shown(student: Path) -> None:
    shown: list[str] = []
    gradings: list[str] = []

    def grade_while_saving(exercise: Exercise) -> Report:
        gradings.append(f"grading {len(gradings) + 1}")
        if len(gradings) == 1:  # the student saves while the first grading runs
            path = student / exercise.file_name
            path.write_text(path.read_text() + "\n# saved again\n")
        check = CheckResult("works", "it works", "failed", 0, 1, message=gradings[-1])
        return Report([ExerciseResult(exercise.number, exercise.slug, exercise.title,
                                      exercise.file_name, [check])])

    watch.run(watch.Watcher(by_number(1), grade_while_saving, text.render, shown.append), [])
    assert gradings == ["grading 1", "grading 2"]
    assert "grading 2" in "".join(shown) and "grading 1" not in "".join(shown)


def test_watch_command_grades_then_waits_for_saves(student: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    watched: list[Path] = []

    def no_saves(folder: Path) -> list[set[Path]]:
        watched.append(folder)
        return []

    monkeypatch.setattr(watch, "saved_files", no_saves)
    result = invoke("watch")
    assert result.exit_code == 0, result.output
    assert watched == [student]
    assert "grade watch: exercise 1" in result.output and "not written yet" in result.output
    assert "save " in result.output and "Ctrl-C stops" in result.output
    assert "Stuck? grade hint 1" in result.output


def test_two_quick_saves_print_one_report(student: Path) -> None:
    shown: list[str] = []
    gradings: list[int] = []

    def grade_counted(exercise: Exercise) -> Report:
        gradings.append(exercise.number)
        check = CheckResult("works", "it works", "failed", 0, 1, message="not yet")
        return Report([ExerciseResult(exercise.number, exercise.slug, exercise.title,
                                      exercise.file_name, [check])])

    path = student / by_number(1).file_name

    def saves() -> Iterator[set[Path]]:
        path.write_text(path.read_text() + "\n# first try\n")
        yield {path}  # the save
        yield {path}  # the editor writes it again (format on save): nothing new
        yield {path}
        path.write_text(path.read_text() + "\n# second try\n")
        yield {path}  # a real change

    watch.run(watch.Watcher(by_number(1), grade_counted, text.render, shown.append), saves())
    assert gradings == [1, 1, 1], "the start, the first save, the second try"
    assert sum("grade watch: exercise 1" in line for line in shown) == 3


def test_watch_settles_a_save_before_it_grades() -> None:
    assert watch.SETTLE_MS >= 200, "watchfiles' 50 ms step splits one editor save in two"


# what `grade` alone, `grade list` and a report say


def test_a_graded_stub_is_not_started_with_no_score(student: Path) -> None:
    assert invoke("exercise", "1", "-s", str(student)).exit_code == 1  # the stub, graded
    listed = row(invoke("list").output, 1)
    assert "not started" in listed and listed.rstrip().endswith("-"), listed
    shown = invoke().output
    assert "not started: its functions still raise NotImplementedError" in shown
    assert "at your last grading" not in shown and "0/9" not in shown


def test_a_started_exercise_shows_its_score_from_when_it_was_graded(student: Path) -> None:
    shutil.copy(MUTANTS / "ex01_coroutines" / "time_sleep.py", student / "ex01_coroutines.py")
    assert invoke("exercise", "1", "-s", str(student)).exit_code == 1
    listed = row(invoke("list").output, 1)
    assert "started" in listed and "not started" not in listed and "/9" in listed
    assert "when you last graded it" in invoke().output


def _report(*checks: CheckResult, number: int = 3) -> Report:
    exercise = by_number(number)
    return Report([ExerciseResult(exercise.number, exercise.slug, exercise.title,
                                  exercise.file_name, list(checks))])


def test_identical_failures_are_shown_once() -> None:
    broken = "ex03_fetch.py, line 43: SyntaxError: invalid syntax"
    checks = [CheckResult(f"c{n}", f"check {n}", "failed", 0, 1, message=broken) for n in range(7)]
    shown = text.render(_report(*checks))
    assert shown.count("SyntaxError") == 1 and f"all 7 checks: {broken}" in shown
    assert shown.count("  ✗ ") == 7
    mixed = text.render(_report(CheckResult("a", "a", "passed", 1, 1), *checks[:2],
                                CheckResult("b", "b", "failed", 0, 1, message="other")))
    assert "the 2 checks above: " in mixed and mixed.count("SyntaxError") == 1
    assert "other" in mixed


def test_every_failing_report_ends_with_the_hint_to_ask_for() -> None:
    failed = CheckResult("a", "a", "failed", 0, 1, message="no")
    passed = CheckResult("b", "b", "passed", 1, 1)
    assert text.render(_report(failed)).rstrip().endswith("Stuck? grade hint 3")
    both = Report(_report(passed, number=1).exercises + _report(failed, number=5).exercises)
    ending = text.render(both).rstrip().splitlines()[-2:]
    assert ending == ["Next: exercise 5 is the first that fails; fix its first ✗, then run "
                      "`grade exercise 5` again.", "Stuck? grade hint 5"]
    assert text.render(_report(passed)).rstrip().splitlines()[-1].startswith("Total:")
    assert "Stuck?" not in text.render(_report(failed), advice=False)


# timelines


def _bars(lines: list[str]) -> list[tuple[int, int]]:
    """The [first, last] column of each row's bar in a drawn timeline."""
    spans = []
    for line in lines[1:-1]:
        columns = [index for index, char in enumerate(line)
                   if char in (timeline.BAR, timeline.UNFINISHED)]
        spans.append((columns[0], columns[-1]))
    return spans


def _overlap(first: tuple[int, int], second: tuple[int, int]) -> bool:
    return first[0] <= second[1] and second[0] <= first[1]


def test_drawing_sequential_and_concurrent_work() -> None:
    sequential = [{"label": f"GET /{n}", "start": n * 1.0, "end": n + 1.0} for n in range(4)]
    concurrent = [{"label": f"GET /{n}", "start": 0.0, "end": 1.0 + n / 2} for n in range(4)]
    stairs, stack = timeline.draw(sequential), timeline.draw(concurrent)
    assert "at most 1 of 4 at once" in stairs[0] and "at most 4 of 4 at once" in stack[0]
    bars = _bars(stairs)
    assert not any(_overlap(a, b) for i, a in enumerate(bars) for b in bars[i + 1:])
    bars = _bars(stack)
    assert all(_overlap(a, b) for i, a in enumerate(bars) for b in bars[i + 1:])


def test_drawing_odd_timelines() -> None:
    assert timeline.draw([]) == []
    assert timeline.draw([{"label": "thread", "start": 0, "end": 0}]) == [], "no times recorded"
    assert timeline.draw(["junk", {"label": "x", "start": "soon"}]) == []
    lines = timeline.draw([{"label": "a", "start": 0.0, "end": 2.0},
                           {"label": "stuck", "start": 1.0, "end": None}])
    assert "never finished" in lines[2] and lines[2].count(timeline.UNFINISHED) > 0
    assert "at most 2 of 2" in lines[0]
    long = timeline.draw([{"label": "GET http://example.test/" + "x" * 60 + "/7", "start": 0,
                           "end": 1}])
    assert "…" in long[1] and "/7" in long[1]


def _concurrency_check(result: ExerciseResult) -> CheckResult:
    return next(check for check in result.checks
                if check.name == "fetch_all_runs_requests_concurrently")


def test_timelines_of_real_gradings_differ_at_a_glance(tmp_path: Path) -> None:
    exercise = by_number(3)
    sequential = grade_file(exercise, MUTANTS / "ex03_fetch" / "one_at_a_time.py", tmp_path / "a")
    concurrent = grade_file(exercise, REFERENCE / "ex03_fetch.py", tmp_path / "b")
    failed, passed = _concurrency_check(sequential), _concurrency_check(concurrent)
    assert not failed.passed and passed.passed
    stairs = timeline.draw(failed.details["timeline"])
    stack = timeline.draw(passed.details["timeline"])
    assert len(stairs) == len(stack) == 5 + 2  # a row per request, a heading and an axis
    bars = _bars(stairs)
    assert not any(_overlap(a, b) for i, a in enumerate(bars) for b in bars[i + 1:])
    bars = _bars(stack)
    assert all(_overlap(a, b) for i, a in enumerate(bars) for b in bars[i + 1:])
    # The text report draws it under the failed check, with the line the check points at.
    report = text.render(Report([sequential], str(tmp_path / "a")))
    assert stairs[0] in report and f"ex03_fetch.py:{failed.location.line}" in report
    # For a passing check only on request (--timeline).
    assert "What ran when" not in text.render(Report([concurrent]))
    assert stack[0] in text.render(Report([concurrent]), timelines=True)


def test_timeline_option(student: Path) -> None:
    shown = invoke("exercise", "3", "--solutions", "reference", "--timeline")
    assert shown.exit_code == 0 and "What ran when" in shown.output
    assert "What ran when" not in invoke("exercise", "3", "--solutions", "reference").output
    refused = invoke("exercise", "3", "--timeline", "--format", "json")
    assert refused.exit_code == 2 and "--timeline draws in the text format only" in refused.output


def test_help_for_the_student_commands() -> None:
    listed = invoke("--help").output
    for command in ("list", "hint", "watch", "next"):
        assert command in listed
        result = invoke(command, "--help")
        assert result.exit_code == 0 and "Usage:" in result.output
    assert "--timeline" in invoke("exercise", "--help").output


def _max_score(number: int) -> float:
    from graders.engine.runner import check_specs

    return sum(spec.points for spec in check_specs(by_number(number)))


def _body_lines(source: str) -> list[str]:
    """The solution's statements inside its functions, as source lines (short ones skipped)."""
    tree = ast.parse(source)
    lines = source.splitlines()
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for statement in node.body:
                line = lines[statement.lineno - 1].strip()
                if len(line) >= 25 and not line.startswith(('"""', "#")):
                    found.append(line)
    return found


WATCHING = """
import signal, sys
from pathlib import Path
from graders.student import watch
for batch in watch.saved_files(Path(sys.argv[1])):
    print("saved", flush=True)  # the watcher runs: the next Ctrl-C reaches it while it waits
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT is how a terminal's Ctrl-C arrives")
def test_ctrl_c_while_waiting_for_a_save_prints_no_library_log_line(tmp_path: Path) -> None:
    watched = tmp_path / "exercises"
    watched.mkdir()
    child = subprocess.Popen([sys.executable, "-c", WATCHING, str(watched)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        # Saves until the watcher has seen one (it starts watching a moment after it starts).
        assert child.stdout is not None
        for attempt in range(600):
            (watched / f"ex{attempt}.py").write_text("x = 1\n")
            ready, _, _ = select.select([child.stdout], [], [], 0.1)
            if ready:
                break
        assert child.stdout.readline() == "saved\n"
        child.send_signal(signal.SIGINT)
        _, errors = child.communicate(timeout=60)
    finally:
        child.kill()
    assert "KeyboardInterrupt caught" not in errors  # watchfiles' own line
    assert "KeyboardInterrupt" in errors  # raised to the caller, which says "Stopped watching."


def test_a_long_title_wraps_and_the_next_step_names_the_mark_shown() -> None:
    long_title = "the queue holds at most `maxsize` jobs: the producer waits while it is full"
    check = CheckResult("backpressure", long_title * 2, "timeout", 0, 2, message="it hung")
    report = Report([ExerciseResult(8, "queues", "Queues", "ex08_queues.py", [check])])
    shown = text.render(report)
    lines = shown.splitlines()
    assert lines[1].endswith("0/2")  # the points stay on the title's first line
    title_lines = [lines[1].removesuffix("0/2")] + [line for line in lines[2:] if line.startswith("    ")
                                                     and not line.startswith("      ")]
    assert " ".join(" ".join(title_lines).split()) == "⏱ " + " ".join((long_title * 2).split())
    assert "..." not in shown and all(len(line) <= text.WIDTH for line in lines)
    assert "Next: fix the first ⏱ above" in shown and "✗" not in shown
