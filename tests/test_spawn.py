"""Grading where there is no fork (issue 14, item 5): children started afresh
(graders/engine/spawned.py), judged as forked ones are.

Windows itself is not run here. tests/nofork/sitecustomize.py makes every Python started with it
on its path look like Windows to grading (no os.fork, no fcntl or resource, multiprocessing with
spawn only), `grade` and its children alike; the rest of these tests force the spawn path on
this platform with GRADE_START=spawn.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from kit import REFERENCE, STUBS, marked, wait_for

from graders.engine import isolation, runner
from graders.instructor.mutants import Mutant, mutants
from graders.registry import KIT_ROOT, by_number, exercises

TESTS = Path(__file__).parent
NOFORK = TESTS / "nofork"
HOSTILE = {(item.exercise.number, item.path.stem): item for item in mutants(TESTS / "hostile")}
# Hostile files graded without fork (with the rules off, so that their code runs): a child that
# exits, crashes or tampers is reported as a forked one is, and a hang the judge proves at once.
WITHOUT_FORK = [(1, "os_exit"), (1, "sys_exit"), (1, "segfault"), (1, "patches_pytest_runner"),
                (3, "blocks_loop_on_threading_event"), (3, "swallows_every_interruption")]


def without_fork(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    path = os.pathsep.join([str(NOFORK), str(KIT_ROOT), os.environ.get("PYTHONPATH", "")])
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=300,
                          check=False, env={**os.environ, **(env or {}), "PYTHONPATH": path})


def checks_of(report: dict[str, Any], number: int) -> list[dict[str, Any]]:
    exercise = next(ex for ex in report["exercises"] if ex["number"] == number)
    assert len(exercise["checks"]) == len(runner.check_specs(by_number(number))) > 0
    return exercise["checks"]


@pytest.fixture(scope="module")
def graded_without_fork(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One grading, as on Windows: the reference, the stubs and the hostile files."""
    every = [exercise.number for exercise in exercises()]
    plan: dict[str, Any] = {"reference": [str(REFERENCE), every], "stubs": [str(STUBS), every]}
    for (number, stem), hostile in HOSTILE.items():
        if (number, stem) in WITHOUT_FORK:
            folder = tmp_path_factory.mktemp(stem)
            shutil.copy(hostile.path, folder / hostile.exercise.file_name)
            plan[stem] = [str(folder), [number]]
    done = without_fork(str(NOFORK / "grade_without_fork.py"),
                        json.dumps({"plan": plan, "rules": False}))
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_the_simulation_has_no_fork() -> None:
    probe = ("import os, multiprocessing\n"
             "try:\n    import fcntl\nexcept ImportError:\n    fcntl = None\n"
             "from graders.engine import isolation\n"
             "print(hasattr(os, 'fork'), fcntl, multiprocessing.get_start_method(), "
             "isolation.start_method())")
    done = without_fork("-c", probe)
    assert done.stdout.split() == ["False", "None", "spawn", "spawn"], done.stderr


def test_without_fork_the_reference_gets_full_marks(graded_without_fork: dict[str, Any]) -> None:
    report = graded_without_fork["reference"]
    for exercise in exercises():
        checks = checks_of(report, exercise.number)
        if exercise.needs_fork:  # said so in its report, not hung or crashed
            assert all(check["status"] == "error" and check["score"] == 0 and
                       check["message"].startswith("Not graded on this computer: this exercise's "
                                                   "checks start worker processes by fork")
                       for check in checks), checks
        else:
            assert all(check["status"] == "passed" for check in checks), (exercise, checks)


def test_without_fork_a_stub_gets_its_usual_failures(graded_without_fork: dict[str, Any]) -> None:
    for exercise in exercises():
        checks = checks_of(graded_without_fork["stubs"], exercise.number)
        assert all(check["score"] == 0 and check["message"] for check in checks)
        if not (exercise.broken_stub or exercise.needs_fork):
            assert all(check["status"] == "failed" and "not written yet" in check["message"]
                       for check in checks), checks


@pytest.mark.parametrize("key", WITHOUT_FORK, ids=[stem for _, stem in WITHOUT_FORK])
def test_without_fork_a_hostile_file_fails_and_says_why(graded_without_fork: dict[str, Any],
                                                        key: tuple[int, str]) -> None:
    hostile: Mutant = HOSTILE[key]
    checks = {check["name"]: check for check in checks_of(graded_without_fork[key[1]], key[0])}
    # A wait no thread can end (each hang of exercise 3's files is one) is proven at once by the
    # judge, with or without SIGALRM.
    for name in hostile.fails:
        assert checks[name]["status"] != "passed", checks[name]
        assert checks[name]["status"] == "timeout" or key[0] != 3, checks[name]
        assert hostile.says.lower() in checks[name]["message"].lower(), checks[name]["message"]
    assert all(check["message"] for check in checks.values() if check["status"] != "passed")


def test_without_fork_forged_results_fail_the_check(tmp_path: Path) -> None:
    # Graded alone: lines it did not sign can only be this submission's (in a batch they are
    # ignored instead, graders/trust/protocol.py).
    hostile = HOSTILE[1, "forges_results"]
    shutil.copy(hostile.path, tmp_path / hostile.exercise.file_name)
    plan = {"forges": [str(tmp_path), [1]]}
    done = without_fork(str(NOFORK / "grade_without_fork.py"),
                        json.dumps({"plan": plan, "rules": False}))
    assert done.returncode == 0, done.stderr[-3000:]
    checks = {check["name"]: check for check in checks_of(json.loads(done.stdout)["forges"], 1)}
    for name in hostile.fails:
        assert checks[name]["status"] != "passed"
        assert hostile.says in checks[name]["message"], checks[name]["message"]


def test_without_fork_the_grade_command_works(tmp_path: Path) -> None:
    shutil.copy(REFERENCE / "ex02_gather.py", tmp_path / "ex02_gather.py")
    done = without_fork("-c", "from graders.cli import main; main()", "exercise", "2",
                        "--solutions", str(tmp_path), "--format", "json")
    assert done.returncode == 0, done.stderr[-3000:]
    graded = json.loads(done.stdout)
    assert graded["score"] == graded["max_score"] > 0


def test_the_start_method(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(isolation.START_ENV, raising=False)
    assert isolation.start_method() == "fork"
    monkeypatch.setenv(isolation.START_ENV, "spawn")
    assert isolation.start_method() == "spawn"
    monkeypatch.setenv(isolation.START_ENV, "fork")
    monkeypatch.delattr(os, "fork")
    assert isolation.start_method() == "spawn"  # asked for fork where there is none


def test_spawned_on_linux_exercise_13_grades(monkeypatch: pytest.MonkeyPatch,
                                            tmp_path: Path) -> None:
    # The spawn path where fork exists (forced): the submission process, started afresh, forks
    # the pools' worker processes, whose calls of func reach the judge's socket.
    monkeypatch.setenv(isolation.START_ENV, "spawn")
    shutil.copy(REFERENCE / "ex13_processes.py", tmp_path / "ex13_processes.py")
    graded = runner.grade([by_number(13)], tmp_path).exercises[0]
    assert graded.score == graded.max_score > 0, [check.message for check in graded.checks]


HANGS = ("import asyncio\nimport subprocess\nimport time\n\n"
         "subprocess.Popen(['sleep', '600'], env={'KIT_MARK': 'MARKER'})\n\n"
         "async def greet(name: str, delay: float) -> str:\n"
         "    while True:\n        try:\n            time.sleep(0.05)\n"
         "        except BaseException:\n            pass\n\n"
         "def run_greet(name: str, delay: float) -> str:\n"
         "    return asyncio.run(greet(name, delay))\n")



def workers(marker: str) -> list[int]:
    """The grading children among the processes marked `marker`."""
    found = []
    for pid in marked(marker):
        try:
            if b"graders.engine.worker" in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.append(pid)
        except OSError:
            pass
    return found



@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="reads /proc")
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT])
def test_spawned_children_do_not_outlive_grade(tmp_path: Path, how: signal.Signals) -> None:
    """Ended however, `grade` leaves no child behind; ended by a signal it can catch, nothing
    the graded code started in the child's session either."""
    marker = f"kit-spawn-{os.getpid()}-{tmp_path.name}"
    (tmp_path / "ex01_coroutines.py").write_text(HANGS.replace("MARKER", marker))
    driver = ("import sys; from graders.trust import rules; rules.ENFORCED = False; "
              "from graders.cli import main; main(sys.argv[1:])")
    grade = subprocess.Popen([sys.executable, "-c", driver, "exercise", "1", "--solutions",
                              str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             env={**os.environ, isolation.START_ENV: "spawn", "KIT_GRADE": marker})
    try:
        # The child inherits the environment (KIT_GRADE), and so does the submission process it
        # forks; the sleep the graded code starts has KIT_MARK: grade, child, submission, sleep.
        assert wait_for(lambda: len(marked(marker)) == 4), "the graded code did not start"
        grade.send_signal(how)
        grade.wait(60)
        if how == signal.SIGKILL:  # the child dies with it; what it started is not its to end
            assert wait_for(lambda: workers(marker) == []), f"left running: {workers(marker)}"
        else:
            assert wait_for(lambda: marked(marker) == []), f"left running: {marked(marker)}"
    finally:
        if grade.poll() is None:
            grade.kill()
        grade.wait()
        for pid in marked(marker):
            os.kill(pid, signal.SIGKILL)
