import importlib.util
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

DEV_EXTRAS = ("junitparser",)  # what the kit's tests import beyond the kit's own dependencies


def pytest_configure(config: pytest.Config) -> None:
    missing = [name for name in DEV_EXTRAS if importlib.util.find_spec(name) is None]
    if missing:
        pytest.exit(f"the kit's tests need its development extras ({', '.join(missing)} is "
                    f"missing): pip install -e '.[dev]'", returncode=4)


@pytest.fixture(autouse=True)
def progress_in_a_temporary_folder(monkeypatch: pytest.MonkeyPatch, tmp_path_factory) -> None:
    """Grading the kit's own exercises/ must not write the student's .grade/ progress."""
    from graders import student_progress

    state = tmp_path_factory.mktemp("grade-state")
    monkeypatch.setattr(student_progress, "STATE_DIR", state)
    monkeypatch.setenv("GRADE_STATE_DIR", str(state))
