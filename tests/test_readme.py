"""The README's promises: its exercise list matches the registry, its test command is CI's."""

from __future__ import annotations

import re

from graders.registry import KIT_ROOT, exercises

README = (KIT_ROOT / "README.md").read_text(encoding="utf-8")


def test_exercise_table_matches_the_registry() -> None:
    rows = re.findall(r"^\| (\d+) \| `(ex\d\d_\w+\.py)` \| (.+?) \|$", README, re.MULTILINE)
    listed = [(int(number), file, title) for number, file, title in rows]
    assert listed == [(ex.number, ex.file_name, ex.title) for ex in exercises()]


def test_ci_runs_the_readme_test_command() -> None:
    commands = re.findall(r"^    (python3 -m venv .+)$", README, re.MULTILINE)
    assert len(commands) >= 2, "the README starts with an install command and a test command"
    test_command = commands[1].split("&& ", 3)[-1]
    ci = (KIT_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci.splitlines()


def test_the_sandbox_switches_are_documented() -> None:
    """GRADE_BWRAP (where bwrap is looked for, naming another, turning it off) and the switches
    that turn the sandbox off, in the README and the instructors' page."""
    instructors = " ".join((KIT_ROOT / "docs" / "instructors.md").read_text(encoding="utf-8").split())
    readme = " ".join(README.split())
    for text in (readme, instructors):
        assert "GRADE_BWRAP=/path/to/bwrap" in text and "GRADE_BWRAP=off" in text
        assert "on PATH, then in /usr/bin and /usr/local/bin" in text.replace("`", "")
        assert "GRADE_SANDBOX=off" in text and "--no-sandbox" in text
