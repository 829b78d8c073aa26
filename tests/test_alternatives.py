"""Every correct approach gets full marks, not only the reference's."""

from __future__ import annotations

from pathlib import Path

import pytest
from kit import alternatives, grade_file

ALL = alternatives()


@pytest.mark.parametrize(("exercise", "path"), ALL,
                         ids=[f"{ex.module_name}/{path.stem}" for ex, path in ALL])
def test_alternative_gets_full_marks(exercise, path: Path, tmp_path: Path) -> None:
    result = grade_file(exercise, path, tmp_path)
    failures = [f"{check.name}: {check.message}" for check in result.checks if not check.passed]
    assert not failures
