"""Hostile submissions: code that hangs, crashes, floods or reaches into the grader.

Each file in tests/hostile/exNN_slug/ names the check it must fail and what the message must say
(the same format as a mutant). None may ever pass that check; the rest of the report stays whole.
A file that breaks a rule for exercise files (graders/trust/rules.py) also says `refused: <the start of
the rule's message>`, with its line: every check fails with that message before any of the file
runs. Its `says:` is then what the defences beneath the rules (the audit hook, the snapshot, crash
and hang handling) report when the rules are switched off, since they must still hold.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from kit import REFERENCE, grade_file, wait_for

from graders.engine import plugin, runner, worker
from graders.engine.runner import grade
from graders.instructor.mutants import Mutant, mutants
from graders.registry import by_number
from graders.render import RENDERERS
from graders.trust import rules

HOSTILE = mutants(Path(__file__).parent / "hostile")
FETCH = Path(__file__).parent / "hostile" / "ex03_fetch"
# Read before any test shortens them.
PRODUCTION = {(worker, "CHECK_TIMEOUT"): worker.CHECK_TIMEOUT,
              (runner, "SILENCE_LIMIT"): runner.SILENCE_LIMIT,
              (plugin, "HANG_GUARD"): plugin.HANG_GUARD}
# With the production limits a hang found once costs one time limit (10 s, or 15 s of silence
# when it cannot be interrupted) and HANG_GUARD for each later check that reaches it, where it
# used to cost a limit per check. The tests prove that shape from the messages, not from a
# wall clock: a timed assertion could flip on a loaded machine.


@pytest.fixture(autouse=True)
def short_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    # Forked children inherit these: hangs are cut after seconds, not the production limits.
    monkeypatch.setattr(worker, "CHECK_TIMEOUT", 2)
    monkeypatch.setattr(runner, "SILENCE_LIMIT", 4)
    monkeypatch.setattr(plugin, "HANG_GUARD", 1)


@pytest.fixture
def beneath_the_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """Switch the rules off (forked children inherit it) to reach the defences beneath them."""
    monkeypatch.setattr(rules, "ENFORCED", False)


def behaves_correctly(hostile: Mutant) -> bool:
    """A file whose behaviour is right and which only tampers with its own process: judged in a
    process of its own (graders/probes/judge.py), the tampering reaches nothing of the judge's,
    so beneath the rules it earns what its behaviour earns, no more and no less."""
    return re.search(r"^behaves: correctly", hostile.path.read_text(), re.MULTILINE) is not None


def refused_phrase(hostile: Mutant) -> str:
    found = re.search(r"^refused:\s*(.+)$", hostile.path.read_text(), re.MULTILINE)
    return found.group(1).strip() if found else ""


def production_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    for (module, name), value in PRODUCTION.items():
        monkeypatch.setattr(module, name, value)


def line_of(path: Path, statement: str) -> int:
    return next(number for number, line in enumerate(path.read_text().splitlines(), 1)
                if line.strip() == statement)


REFUSED = [item for item in HOSTILE if refused_phrase(item)]
BENEATH = [item for item in HOSTILE
           if not refused_phrase(item) or item.says or behaves_correctly(item)]


@pytest.mark.parametrize("hostile", REFUSED, ids=[item.id for item in REFUSED])
def test_a_file_breaking_a_rule_runs_no_code_and_scores_zero(hostile: Mutant,
                                                            tmp_path: Path) -> None:
    phrase = refused_phrase(hostile)
    line = int(re.search(r" line (\d+):", phrase).group(1))  # type: ignore[union-attr]
    result = grade_file(hostile.exercise, hostile.path, tmp_path)
    assert result.score == 0 and len(result.checks) == len(runner.check_specs(hostile.exercise))
    for check in result.checks:
        assert check.status == "failed", (check.name, check.message)
        assert check.message.startswith(f"{phrase} is not allowed in exercise files ("), \
            check.message
        assert check.location is not None and check.location.line == line


@pytest.mark.parametrize("hostile", BENEATH, ids=[item.id for item in BENEATH])
def test_hostile_submission_never_passes_and_says_why(hostile: Mutant, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    if refused_phrase(hostile):  # the rules refuse it before it runs: what lies beneath holds too
        monkeypatch.setattr(rules, "ENFORCED", False)
    result = grade_file(hostile.exercise, hostile.path, tmp_path)
    by_name = {check.name: check for check in result.checks}
    assert len(by_name) == len(result.checks) > 0
    for name in hostile.fails:
        check = by_name[name]
        if behaves_correctly(hostile):
            assert check.status == "passed", (hostile.id, name, check.message)
            continue
        assert check.status != "passed", f"{hostile.id} passed {name}"
        assert hostile.says.lower() in check.message.lower(), check.message


@pytest.mark.parametrize("hostile", ["segfault", "os_exit", "forges_results",
                                     "hang_catching_base_exception"])
def test_one_exercise_in_trouble_costs_no_other(hostile: str, tmp_path: Path,
                                                beneath_the_rules: None, start_method: str) -> None:
    # parallel=1: both exercises start in the same child, as they do in a batch.
    shutil.copy(Path(__file__).parent / "hostile" / "ex01_coroutines" / f"{hostile}.py",
                tmp_path / "ex01_coroutines.py")
    shutil.copy(REFERENCE / "ex02_gather.py", tmp_path / "ex02_gather.py")
    report = grade([by_number(1), by_number(2)], tmp_path, parallel=1)
    troubled, healthy = report.exercises
    assert troubled.score < troubled.max_score
    assert healthy.score == healthy.max_score > 0, [c.message for c in healthy.checks]


def test_a_crash_costs_only_its_own_exercise(tmp_path: Path, beneath_the_rules: None) -> None:
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


def test_processes_started_by_student_code_do_not_outlive_grading(
        tmp_path: Path, beneath_the_rules: None, start_method: str) -> None:
    # A command line only this run of this test makes (sleep adds its arguments up): the test
    # looks for what it started, never for a name another test or program may use.
    marker = f"0.{os.getpid()}{abs(hash(str(tmp_path))) % 10**9:09d}"
    source = tmp_path / "src.py"
    source.write_text(
        "import asyncio\nimport subprocess\n\n"
        f"subprocess.Popen(['sleep', '600', '{marker}'])\n\n"
        "async def greet(name: str, delay: float) -> str:\n"
        "    await asyncio.sleep(delay)\n    return f'Hello, {name}!'\n\n"
        "def run_greet(name: str, delay: float) -> str:\n"
        "    return asyncio.run(greet(name, delay))\n")
    grade_file(by_number(1), source, tmp_path / "graded")

    def survivors() -> str:
        return subprocess.run(["pgrep", "-f", f"^sleep 600 {re.escape(marker)}$"],
                              capture_output=True, text=True).stdout.strip()

    # Killed as grading ends; on a loaded machine a killed process may take a moment to be
    # scheduled and exit (seen once at load 46), so the test waits for that, bounded.
    assert wait_for(lambda: survivors() == "", limit=30), survivors()


def test_a_loop_blocked_past_its_limit_is_named_at_once(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """`threading.Event().wait(600)` on the loop's thread: judged outside its process, the wait
    would end by itself only long past the call's limit on the judge's clock, so each check that
    reaches it is stopped at once and names it, without waiting out a real-time limit."""
    production_limits(monkeypatch)
    source = FETCH / "blocks_loop_for_a_long_while.py"
    result = grade_file(by_number(3), source, tmp_path)
    checks = {check.name: check for check in result.checks}
    assert len(checks) == len(runner.check_specs(by_number(3))) > 2
    line = line_of(source, "threading.Event().wait(600)")
    # It raises for a 4xx/5xx status before it blocks: graded as usual.
    assert checks.pop("fetch_url_raises_for_error_status").passed
    for check in checks.values():
        assert check.status == "failed" and check.location is not None, (check.name, check.message)
        assert check.location.line == line
        assert f"fetch_url() was running `threading.Event().wait(600)` (ex03_fetch.py, line " \
               f"{line})" in check.message, check.message
        assert "stopped it at once" in check.message and "of real time" not in check.message


def test_a_loop_blocked_for_good_is_stopped_at_once(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """`threading.Event().wait()` with no timeout on the loop's thread, and no other thread: the
    stillness proof ends it at once (the messages say so, not the time limit's seconds)."""
    production_limits(monkeypatch)
    source = FETCH / "blocks_loop_on_threading_event.py"
    result = grade_file(by_number(3), source, tmp_path)
    checks = {check.name: check for check in result.checks}
    first = checks.pop("fetch_url_returns_body")
    line = line_of(source, "threading.Event().wait()")
    assert first.status == "timeout" and first.location is not None
    assert first.location.line == line
    assert f"fetch_url() was running `threading.Event().wait()` (ex03_fetch.py, line {line})" \
        in first.message
    assert "nothing could ever set" in first.message and "at once" in first.message
    assert "of real time" not in first.message
    assert checks.pop("fetch_url_raises_for_error_status").passed
    for check in checks.values():
        if check.passed:
            continue
        assert check.status == "timeout", (check.name, check.message)
        assert f'"{first.title}"' in check.message and "event loop" not in check.message
        assert check.location == first.location
        assert check.message.startswith("Stopped at once at the same place"), check.message


@pytest.mark.parametrize(("hostile", "production"), [("blocks_alarm_then_sleeps_in_c", True),
                                                     ("swallows_every_interruption", False)])
def test_a_hang_that_ignores_interruptions_settles_its_exercise_and_spares_the_next(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, hostile: str, production: bool,
        beneath_the_rules: None) -> None:
    """Judged outside its process, code that blocks SIGALRM or swallows every exception is
    never the one interrupted: the judge's own limit (or its proof that nothing can happen any
    more) stops the check and names where the code was, and the other exercise in the same
    child is graded as usual."""
    if production:
        production_limits(monkeypatch)
    shutil.copy(FETCH / f"{hostile}.py", tmp_path / "ex03_fetch.py")
    shutil.copy(REFERENCE / "ex02_gather.py", tmp_path / "ex02_gather.py")
    # parallel=1: both exercises start in the same child.
    hung, healthy = grade([by_number(3), by_number(2)], tmp_path, parallel=1).exercises
    first, *rest = hung.checks
    assert first.status == "timeout" and "the event loop was blocked" in first.message.lower()
    assert first.location is not None and first.location.file == "ex03_fetch.py"
    assert len(rest) == len(runner.check_specs(by_number(3))) - 1 > 0
    for check in rest:
        assert check.status == "timeout" and check.score == 0, (check.name, check.message)
        assert f'"{first.title}"' in check.message and check.location == first.location
    assert healthy.score == healthy.max_score > 0, [c.message for c in healthy.checks]
