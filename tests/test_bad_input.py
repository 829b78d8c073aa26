"""Bad input is a clear failed check or a one-line error, never a traceback from the kit."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from graders.cli import cli
from graders.engine.runner import grade
from graders.registry import by_number
from graders.student import grading


def grade_source(tmp_path: Path, content: bytes) -> list[str]:
    (tmp_path / "ex01_coroutines.py").write_bytes(content)
    result = grade([by_number(1)], tmp_path).exercises[0]
    assert result.score == 0 and all(check.status == "failed" for check in result.checks)
    return [check.message for check in result.checks]


@pytest.mark.parametrize(("content", "phrase"), [
    (b"async def greet(name, delay)\n    return name\n", "ex01_coroutines.py, line 1: SyntaxError"),
    (b"", "has no function greet"),
    (b"\xff\xfe\x00garbage", "is not UTF-8 text"),
    (b"async def greeting(name, delay):\n    return name\n", "has no function greet"),
    (b"def greet(name, delay):\n    return name\n\ndef run_greet(n, d):\n    return n\n",
     "must be a coroutine function"),
    (b"import asyncio\nraise RuntimeError('boom')\n", "Importing ex01_coroutines.py raised RuntimeError"),
])
def test_broken_files_fail_every_check_with_a_message(tmp_path: Path, content: bytes,
                                                      phrase: str, start_method: str) -> None:
    messages = grade_source(tmp_path, content)
    assert any(phrase in message for message in messages), messages
    assert not any("bug in the kit" in message for message in messages), messages


def test_syntax_error_points_at_the_line(tmp_path: Path) -> None:
    (tmp_path / "ex01_coroutines.py").write_text("import asyncio\n\nasync def greet(:\n")
    check = grade([by_number(1)], tmp_path).exercises[0].checks[0]
    assert check.location is not None and check.location.line == 3


def test_missing_file_in_the_solutions_folder(tmp_path: Path) -> None:
    check = grade([by_number(2)], tmp_path).exercises[0].checks[0]
    assert check.status == "failed" and "There is no file ex02_gather.py" in check.message


def test_missing_exercises_folder_is_a_one_line_error(monkeypatch: pytest.MonkeyPatch,
                                                      tmp_path: Path) -> None:
    monkeypatch.setattr(grading, "EXERCISES_DIR", tmp_path / "exercises")
    result = CliRunner().invoke(cli, ["exercise", "1"], standalone_mode=False)
    assert "no exercises/ folder" in str(result.exception)
    assert result.exception.__class__.__name__ == "UsageError"


def test_the_file_runs_as_python_would_without_the_graders_future_imports(tmp_path: Path) -> None:
    # Under plain Python this annotation raises at import; the grader's own
    # `from __future__ import annotations` must not turn it into a string that never runs.
    source = (b"import asyncio\n\n\nasync def greet(name: str, delay: float) -> str + None:\n"
              b"    await asyncio.sleep(delay)\n    return f'Hello, {name}!'\n")
    messages = grade_source(tmp_path, source)
    assert any("Importing ex01_coroutines.py raised TypeError" in m for m in messages), messages
