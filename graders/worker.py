"""What runs inside the isolated grading process: pytest over one exercise's checks."""

from __future__ import annotations

import os
from pathlib import Path

from graders.plugin import Channel
from graders.probes.student import set_solutions_dir
from graders.registry import PACKAGE_DIR, Exercise

# pytest-timeout's per-check limit, in real seconds: it only stops code that hangs; correct code
# finishes in milliseconds because simulated latency runs in virtual time.
CHECK_TIMEOUT = 10


def run_checks(exercise: Exercise, solutions: Path, results_fd: int, only: list[str]) -> int:
    """Run the checks (pytest functions) `only` of `exercise` against `solutions`, sending each
    result to `results_fd`."""
    import pytest

    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    set_solutions_dir(solutions)
    args = [
        *(f"{exercise.checks_path}::{function}" for function in only),
        "-c", str(PACKAGE_DIR / "pytest.ini"),
        "--rootdir", str(PACKAGE_DIR),
        "-p", "graders.plugin",
        "-p", "pytest_timeout",
        f"--timeout={CHECK_TIMEOUT}",
    ]
    return int(pytest.main(args, plugins=[Channel(results_fd)]))
