"""Every known mistake fails the check it is meant to fail, with a message that names it, and no
message shows the student an internal repr or a grader path."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from kit import Mutant, grade_file, mutants

from graders.render.text import render
from graders.results import Report

ALL = mutants()
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
    text = render(Report([result])).replace(str(tmp_path), "")
    leaks = [m for m in [*(check.message for check in result.checks), text] if LEAKED.search(m)]
    assert not leaks, f"{mutant.id} shows the student an internal repr or a grader path: {leaks}"
