"""Hostile submissions: code that hangs, crashes, floods or reaches into the grader.

Each file in tests/hostile/exNN_slug/ names the check it must fail and what the message must say
(the same format as a mutant). None may ever pass that check; the rest of the report stays whole.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from kit import REFERENCE, grade_file

from graders import runner, worker
from graders.mutants import Mutant, mutants
from graders.registry import by_number
from graders.render import RENDERERS
from graders.runner import grade

HOSTILE = mutants(Path(__file__).parent / "hostile")


@pytest.fixture(autouse=True)
def short_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    # Forked children inherit these: hangs are cut after seconds, not the production limits.
    monkeypatch.setattr(worker, "CHECK_TIMEOUT", 2)
    monkeypatch.setattr(runner, "SILENCE_LIMIT", 4)


@pytest.mark.parametrize("hostile", HOSTILE, ids=[item.id for item in HOSTILE])
def test_hostile_submission_never_passes_and_says_why(hostile: Mutant, tmp_path: Path) -> None:
    result = grade_file(hostile.exercise, hostile.path, tmp_path)
    by_name = {check.name: check for check in result.checks}
    assert len(by_name) == len(result.checks) > 0
    for name in hostile.fails:
        check = by_name[name]
        assert check.status != "passed", f"{hostile.id} passed {name}"
        assert hostile.says.lower() in check.message.lower(), check.message


@pytest.mark.parametrize("hostile", ["segfault", "os_exit", "patches_probe_counters",
                                     "hang_catching_base_exception"])
def test_one_exercise_in_trouble_costs_no_other(hostile: str, tmp_path: Path) -> None:
    # parallel=1: both exercises start in the same child, as they do in a batch.
    shutil.copy(Path(__file__).parent / "hostile" / "ex01_coroutines" / f"{hostile}.py",
                tmp_path / "ex01_coroutines.py")
    shutil.copy(REFERENCE / "ex02_gather.py", tmp_path / "ex02_gather.py")
    report = grade([by_number(1), by_number(2)], tmp_path, parallel=1)
    troubled, healthy = report.exercises
    assert troubled.score < troubled.max_score
    assert healthy.score == healthy.max_score > 0, [c.message for c in healthy.checks]


def test_a_crash_costs_only_its_own_exercise(tmp_path: Path) -> None:
    shutil.copy(Path(__file__).parent / "hostile" / "ex01_coroutines" / "segfault.py",
                tmp_path / "ex01_coroutines.py")
    shutil.copy(REFERENCE / "ex02_gather.py", tmp_path / "ex02_gather.py")
    report = grade([by_number(1), by_number(2)], tmp_path)
    crashed, healthy = report.exercises
    assert crashed.score == 0 and len(crashed.checks) >= 5
    assert healthy.score == healthy.max_score > 0
    for render in RENDERERS.values():
        text = render(report, False)
        assert "segmentation fault" in text and crashed.checks[-1].title in text or \
            crashed.checks[-1].name in text


def test_processes_started_by_student_code_do_not_outlive_grading(tmp_path: Path) -> None:
    marker = f"kit-orphan-{tmp_path.name}"
    source = tmp_path / "src.py"
    source.write_text(
        "import asyncio\nimport subprocess\n\n"
        f"subprocess.Popen(['sleep', '600', '{marker}'[:0] or '600'], "
        f"env={{'KIT_MARK': '{marker}'}})\n\n"
        "async def greet(name: str, delay: float) -> str:\n"
        "    await asyncio.sleep(delay)\n    return f'Hello, {name}!'\n\n"
        "def run_greet(name: str, delay: float) -> str:\n"
        "    return asyncio.run(greet(name, delay))\n")
    grade_file(by_number(1), source, tmp_path / "graded")
    survivors = subprocess.run(["pgrep", "-f", "sleep 600 600"], capture_output=True, text=True)
    assert survivors.stdout.strip() == ""
