"""The reference gets full marks on every exercise; every stub gets zero."""

from __future__ import annotations

import pytest
from kit import REFERENCE, STUBS

from graders.engine.runner import grade
from graders.registry import by_number, exercises


@pytest.fixture(scope="module", params=["fork", "spawn"])
def reference_report(request: pytest.FixtureRequest):
    # Children forked, then started afresh (graders/engine/spawned.py): the same marks.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GRADE_START", request.param)
        return grade(list(exercises()), REFERENCE)


@pytest.fixture(scope="module")
def stub_report():
    return grade(list(exercises()), STUBS)


@pytest.mark.parametrize("number", [ex.number for ex in exercises()])
def test_reference_gets_full_marks(reference_report, number: int) -> None:
    result = next(ex for ex in reference_report.exercises if ex.number == number)
    failures = [f"{check.name}: {check.message}" for check in result.checks if not check.passed]
    assert not failures
    assert result.score == result.max_score > 0


@pytest.mark.parametrize("number", [ex.number for ex in exercises()])
def test_stub_gets_zero(stub_report, number: int) -> None:
    result = next(ex for ex in stub_report.exercises if ex.number == number)
    assert result.score == 0
    assert all(check.status == "failed" for check in result.checks)
    if not by_number(number).broken_stub:  # a broken program's checks name its mistakes instead
        assert all("not written yet" in check.message for check in result.checks)


def test_every_exercise_has_at_least_three_checks() -> None:
    from graders.engine.runner import check_specs

    for exercise in exercises():
        assert len(check_specs(exercise)) >= 3, exercise.module_name
