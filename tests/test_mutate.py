"""`grade verify --mutate`: the mutants made of each reference, how they are graded and reported.

Making mutants is checked on every reference (no grading); grading runs only a small sample of
two exercises, the kit's CI budget for mutation testing. The full run is
`grade verify --mutate` (a few minutes).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from click.testing import CliRunner
from kit import REFERENCE

from graders.cli import cli
from graders.instructor import mutate
from graders.instructor.verify import render_mutation
from graders.registry import KIT_ROOT, by_number, exercises

ASYNCIO_OPERATORS = {"remove-await", "gather-sequential", "task-in-place", "time-sleep",
                     "thread-in-place", "no-op-lock", "remove-call", "unwrap-with", "unwrap-try",
                     "drop-statement", "constant-plus-one", "return-none", "negate-condition"}


def reference_text(number: int) -> str:
    return (REFERENCE / by_number(number).file_name).read_text(encoding="utf-8")


def made(number: int, operator: str) -> list[mutate.Mutant]:
    return [mutant for mutant in mutate.mutants_of(reference_text(number)) if mutant.operator == operator]


@pytest.mark.parametrize("exercise", exercises(), ids=lambda exercise: exercise.module_name)
def test_every_mutant_is_python_distinct_and_named_the_same_each_time(exercise) -> None:  # type: ignore[no-untyped-def]
    text = (REFERENCE / exercise.file_name).read_text(encoding="utf-8")
    mutants = mutate.mutants_of(text)
    assert mutants, "no mutant made"
    dumps = {ast.dump(ast.parse(text))} | {ast.dump(ast.parse(mutant.source)) for mutant in mutants}
    assert len(dumps) == len(mutants) + 1, "two mutants (or a mutant and the reference) are the same code"
    assert [mutant.id for mutant in mutate.mutants_of(text)] == [mutant.id for mutant in mutants]
    assert len({mutant.id for mutant in mutants}) == len(mutants)


def test_the_operators_the_issue_asks_for_are_all_made() -> None:
    operators = {mutant.operator for exercise in exercises()
                 for mutant in mutate.mutants_of(reference_text(exercise.number))}
    assert ASYNCIO_OPERATORS <= operators, ASYNCIO_OPERATORS - operators


def test_gather_becomes_awaits_one_after_another() -> None:
    [mutant] = made(2, "gather-sequential")
    assert "[await kitchen.boil_eggs(), await kitchen.toast_bread(), await kitchen.brew_coffee()]" \
        in mutant.source
    [comprehension] = made(6, "gather-sequential")
    assert "[await asyncio.to_thread(func, item) for item in items]" in comprehension.source


def test_a_mutant_changes_only_its_own_lines_and_keeps_the_comments() -> None:
    [mutant] = [m for m in made(9, "no-op-lock") if "_lock" in m.diff(reference_text(9), "ex09")]
    diff = mutant.diff(reference_text(9), "ex09_locks.py")
    changed = [line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    comment = "  # one per wallet, shared by all its deposits"
    assert changed == [f"-        self._lock = asyncio.Lock(){comment}",
                       f"+        self._lock = {mutate.NO_OP_LIMIT}{comment}"]


def test_time_sleep_imports_time_and_an_unwrapped_try_keeps_its_body() -> None:
    [sleep] = made(1, "time-sleep")
    assert "import time\n" in sleep.source and "    time.sleep(delay)\n" in sleep.source
    unwrapped = made(11, "unwrap-try")
    assert any("    connection = await pool.acquire()\n    return await connection.execute(sql)\n"
               in mutant.source for mutant in unwrapped)
    assert any("task_done" not in mutant.source for mutant in made(8, "remove-call"))


def test_a_sample_is_the_same_every_time_and_of_the_size_asked() -> None:
    mutants = mutate.mutants_of(reference_text(8))
    first, again = mutate.sample(mutants, 5), mutate.sample(list(reversed(mutants)), 5)
    assert len(first) == 5 and {m.id for m in first} == {m.id for m in again}
    assert len(mutate.sample(mutants, 10_000)) == len(mutants)


@pytest.mark.skipif(REFERENCE != KIT_ROOT / "reference", reason="the list is about the kit's reference")
def test_every_mutant_listed_as_equivalent_is_still_made_and_has_a_reason() -> None:
    listed = mutate.read_equivalent(mutate.EQUIVALENT_FILE)
    assert listed
    for module, entries in listed.items():
        number = int(module[2:4])
        ids = {mutant.id for mutant in mutate.mutants_of(reference_text(number))}
        for mutant_id, reason in entries.items():
            assert mutant_id in ids, f"{module}: {mutant_id} is no longer made"
            assert len(reason.split()) >= 5, f"{module}: {mutant_id} needs a reason"


def test_a_sample_of_two_exercises_is_graded_and_reported() -> None:
    result = CliRunner().invoke(cli, ["verify", "--mutate", "--sample", "3", "-e", "1", "-e", "2"])
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["Exercise", "generated", "equivalent", "graded", "killed", "timed",
                                "out", "survived"]
    for row, number in zip(lines[1:3], (1, 2), strict=True):
        cells = row.split()
        assert cells[0] == str(number) and cells[4] == "3", row  # number, slug, generated, equivalent
        assert int(cells[5]) + int(cells[6]) + int(cells[8]) == 3, row  # killed, timed out, survived
    assert "a sample of 3 per exercise" in lines[-1]
    assert result.exit_code == (0 if "were killed or timed out" in lines[-1] else 1)
    assert "graded 6/6 mutants" in result.stderr  # progress for long runs, on stderr


def test_a_known_killable_mutant_is_killed() -> None:
    exercise = by_number(1)
    [mutant] = made(1, "remove-await")  # greet never sleeps: the coroutine is never awaited
    result = mutate.ExerciseMutation(exercise, reference_text(1), generated=1)
    mutate.grade_mutants(result, REFERENCE, [mutant], parallel=2)
    assert not result.problems
    [outcome] = result.outcomes
    assert outcome.verdict == "killed" and outcome.by, outcome


def test_a_survivor_is_shown_with_its_diff_and_fails_the_run(tmp_path: Path) -> None:
    text = reference_text(10)
    [survivor, *_] = made(10, "constant-plus-one")
    result = mutate.ExerciseMutation(by_number(10), text, generated=3,
                                     outcomes=[mutate.Outcome(survivor, "survived"),
                                               mutate.Outcome(survivor, "killed", "x")])
    report = mutate.MutationReport([result])
    shown = render_mutation(report)
    assert not report.passed
    assert f"Survived in exercise 10 (ex10_cooperative): {survivor.id}" in shown
    assert f"+++ mutant {survivor.id}" in shown and "reference/ex10_cooperative.py" in shown
    assert "1 of 2 mutants graded (all) survived" in shown


@pytest.mark.parametrize(("options", "named"), [(["--repeat", "2"], "--repeat does not"),
                                                (["--stubs", "exercises", "-n", "3"],
                                                 "--repeat and --stubs do not")])
def test_options_mutation_testing_would_ignore_are_refused(options: list[str], named: str) -> None:
    result = CliRunner().invoke(cli, ["verify", "--mutate", "-e", "1", *options])
    assert result.exit_code == 2
    assert f"{named} go with --mutate" in result.output
