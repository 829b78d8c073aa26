import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(autouse=True)
def progress_in_a_temporary_folder(monkeypatch: pytest.MonkeyPatch, tmp_path_factory) -> None:
    """Grading the kit's own exercises/ must not write the student's .grade/ progress."""
    from graders import student_progress

    state = tmp_path_factory.mktemp("grade-state")
    monkeypatch.setattr(student_progress, "STATE_DIR", state)
    monkeypatch.setenv("GRADE_STATE_DIR", str(state))
