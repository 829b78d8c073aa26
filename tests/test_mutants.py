"""Every known mistake fails the check it is meant to fail, with a message that names it, and no
message shows the student an internal repr, a grader path or one of the kit's own names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from internals import internal_names
from kit import Mutant, exercise_for, grade_file, mutants

from graders.causes import catalogue
from graders.render.text import render
from graders.results import Report

ALL = mutants()
# Exercises whose messages the scan skips (none: every exercise is held to it).
NOT_SCANNED: set[int] = set()
LEAKED = re.compile(r"0x[0-9a-fA-F]|graders/|<_|_WatchedTask")


def test_every_mutant_names_a_check_and_a_phrase() -> None:
    assert ALL, "no mutants found"
    for mutant in ALL:
        assert mutant.fails, f"{mutant.id} names no check in 'fails:'"
        assert mutant.says, f"{mutant.id} names no phrase in 'says:'"


@pytest.mark.parametrize("mutant", ALL, ids=[mutant.id for mutant in ALL])
def test_mutant_fails_its_check(mutant: Mutant, tmp_path: Path) -> None:
    result = grade_file(mutant.exercise, mutant.path, tmp_path)
    by_name = {check.name: check for check in result.checks}
    for name in mutant.fails:
        assert name in by_name, f"{mutant.id}: no check named {name}"
        failed = by_name[name]
        assert not failed.passed, f"{mutant.id} passed {name}"
        assert mutant.says.lower() in failed.message.lower(), (
            f"{mutant.id}: the message of {name} does not say {mutant.says!r}: {failed.message}")
        causes = catalogue(mutant.exercise).causes
        assert failed.cause is not None and causes.get(failed.cause.id) == failed.cause, (
            f"{mutant.id}: {name} failed with no cause from the catalogue: {failed.cause}")
        assert failed.cause.kind == "mistake", f"{mutant.id}: {name} is {failed.cause.id}"
    for name in mutant.passes:  # one defect, one check: the checks it must not cost
        assert name in by_name, f"{mutant.id}: no check named {name}"
        assert by_name[name].passed, f"{mutant.id} fails {name}: {by_name[name].message}"
    text = render(Report([result])).replace(str(tmp_path), "")
    leaks = [m for m in [*(check.message for check in result.checks), text] if LEAKED.search(m)]
    assert not leaks, f"{mutant.id} shows the student an internal repr or a grader path: {leaks}"
    if mutant.exercise.number not in NOT_SCANNED:
        named = {check.name: internal_names(check.message, mutant.exercise, mutant.path)
                 for check in result.checks}
        named = {name: found for name, found in named.items() if found}
        assert not named, f"{mutant.id} shows the student the kit's own names: {named}"


@pytest.mark.parametrize(("message", "named"), [
    ("left work behind: 1 task was started and never awaited (Task-14() at line 11)", ["Task-14"]),
    ("Still waiting: make_breakfast.<locals>.cook() at line 7", ["<locals>"]),
    ("on_done ran on Thread-1 (in_thread)", ["Thread-1", "in_thread"]),
    ("func ran in asyncio_0", ["asyncio_0"]),
    ("Still waiting: _perform(); run_virtual()", ["_perform", "run_virtual"]),
    ("it waited in Jobs.run()", ["Jobs"]),
    ("ProcessFunc: a worker process died", ["ProcessFunc"]),
    ("in thread 'grade-watch', then grade-child-3", ["grade-child-3", "grade-watch"]),
    # The student's words and the library's: none of these is the kit's.
    ("Job 1 failed after 2.0 s; returned 0 after 0 call(s) of work", []),
    ("job 3 raised JobError('job 3 failed') out of handle", []),
    ("a blocking .result(), .join() or time.sleep()", []),
    ("worker() inside process_all at ex08_queues.py line 16 (3 tasks)", []),
])
def test_the_scan_finds_the_kits_own_names(message: str, named: list[str]) -> None:
    assert internal_names(message, exercise_for("ex08_queues"), Path(__file__)) == named
