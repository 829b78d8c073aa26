"""Read only when someone runs pytest on a checks module by hand: grading itself runs the checks
with `--noconftest` and the grader's plugin, which gives them the student's file to check."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    if not config.pluginmanager.has_plugin("graders.engine.plugin"):
        pytest.exit("graders/checks/ holds the grader's checks, which run inside `grade`: run "
                    "`grade exercise N` (with `--solutions DIR` to grade another folder)",
                    returncode=2)
