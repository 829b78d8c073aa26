"""Run grading children under hard limits and judge what they send back, line by line.

A child is forked from `grade` (which has the grading stack imported); where there is no fork
(Windows) or GRADE_START=spawn says so, graders/engine/spawned.py starts it afresh instead and
judges it with the same code. Without a sandbox, or
dropped to a uid of its own (graders/trust/sandbox.py; as root without bubblewrap, first in
namespaces of its own where the kernel allows), it runs its target right there; under
bubblewrap it execs `python -m graders.engine.worker` in the sandbox and reads its plan on stdin. Either
way it gets its own session, a memory limit, a cap on the size of files it writes (pytest
captures output in files, so this caps output), stdin/stdout/stderr away from the terminal, and
dies with `grade` (PR_SET_PDEATHSIG, and a look at its parent once that is set).

The parent judges each line as it comes (`Job.listen`): only a line that moves grading on resets
the silence limit (bytes dribbled into the pipe do not); a line that is tampering stops the child
at once; and no child outlives its wall budget, whatever it sends. Whatever the child does - hang
while catching BaseException, os._exit, a segfault - the parent learns how it ended, and what the
child started is killed with it. Whatever ends `grade` (SIGINT, SIGTERM) kills its children first.
"""

from __future__ import annotations

import ctypes
import gc
import os
import select
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from graders.trust import sandbox as sandboxes
from graders.trust.limits import MEMORY_LIMIT, OUTPUT_LIMIT
from graders.trust.protocol import Heard
from graders.trust.sandbox import OFF, Sandbox

try:  # POSIX only: where they are missing (Windows) grading starts its children by spawn
    import fcntl
    import resource
except ImportError:  # pragma: no cover - exercised by tests/test_spawn.py in a subprocess
    fcntl = resource = None  # type: ignore[assignment]

MAX_FD = min(os.sysconf("SC_OPEN_MAX"), 65536) if hasattr(os, "sysconf") else 0
MAX_LINE = 4 * 1024**2  # an unfinished line longer than this is garbage, not a result
RESULTS_FD = 3  # where a child started with exec finds its results pipe
PR_SET_PDEATHSIG = 1
# How children start: `fork` (the default where os.fork exists) or `spawn` (a fresh
# `python -m graders.engine.worker`, graders/engine/spawned.py; the only way where there is no
# fork, as on Windows). The sandbox always starts its children its own way.
START_ENV = "GRADE_START"


@dataclass
class Job:
    key: object
    target: Callable[[int], object]  # called in a forked child with the fd to send lines to
    time_limit: float  # real seconds without a line that moves grading on
    budget: float = float("inf")  # real seconds the child may run in all
    listen: Callable[[bytes], Heard] = lambda _line: Heard.PROGRESS
    request: bytes = b""  # what a child started with exec reads on stdin (its plan)
    solutions: Path | None = None  # the folder a sandboxed child grades
    stage: tuple[str, ...] = ()  # its files a sandboxed child reads (copied where it can)


R = TypeVar("R", bound="_Running")


@dataclass
class Ended:
    """How a child ended."""

    key: object
    exit_code: int | None = None
    signal: int | None = None
    killed_after: float | None = None  # the silence limit it ran into
    over_budget: float | None = None  # the wall budget it ran out of
    stopped: bool = False  # stopped because a line it sent was tampering

    @property
    def killed(self) -> bool:
        return self.killed_after is not None or self.over_budget is not None

    def describe(self) -> str:
        if self.over_budget is not None:
            return (f"the process was still running after {self.over_budget:g} s of real time, "
                    f"all the time it had for its checks, so it was killed")
        if self.killed_after is not None:
            return (f"no result came for {self.killed_after:g} s of real time, so the process was "
                    f"killed")
        if self.signal is not None:
            name = signal.Signals(self.signal).name
            return f"the process was killed by {name}" + (
                " (a segmentation fault)" if self.signal == signal.SIGSEGV else "")
        return f"the process exited with status {self.exit_code}"


@dataclass
class _Running:
    job: Job
    pid: int
    fd: int
    started: float
    deadline: float  # of the silence limit
    uid: int | None  # the uid of its own it runs as, if any
    staged: Path | None = None  # the copy of the submission it reads (removed when it ends)
    buffer: bytearray = field(default_factory=bytearray)

    def due(self) -> float:
        return min(self.deadline, self.started + self.job.budget)

    def why_due(self, now: float) -> Ended:
        ended = Ended(self.job.key)
        if self.started + self.job.budget <= now:
            ended.over_budget = self.job.budget
        else:
            ended.killed_after = self.job.time_limit
        return ended


def _child(job: Job, write_fd: int, uid: int | None, parent: int, box: Sandbox = OFF,
           staged: Path | None = None) -> None:
    code = 0
    try:
        _die_with(parent)
        os.setsid()
        # Everything inherited from the parent stays put: collections (the probes run several
        # per check) then scan only what the checks create, and pages stay shared.
        gc.freeze()
        _limits(process_limit=uid is not None)
        # Nothing of the parent's stays open: not its output files, not other children's pipes.
        os.closerange(3, write_fd)
        os.closerange(write_fd + 1, MAX_FD)
        _quiet()
        if uid is not None:
            if box.mode == "setuid":
                made = sandboxes.confine(job.solutions, staged)
                if made & sandboxes.CLONE_NEWPID:
                    _first_in_namespace(write_fd, mounted=bool(made & sandboxes.CLONE_NEWNS))
                    parent = 0  # outside its pid namespace: not a pid it can see
            _drop_to(uid)
            _die_with(parent)  # the kernel forgets it when the uid changes
        # Fresh streams: the parent's may be a capture (under pytest) shared through fork.
        sys.stdin, sys.stdout, sys.stderr = (os.fdopen(fd, mode, closefd=False)
                                             for fd, mode in ((0, "r"), (1, "w"), (2, "w")))
        job.target(write_fd)
    except BaseException:  # noqa: BLE001 - the parent reads the missing lines as the failure
        code = 70
    finally:
        os._exit(code)


def _exec_child(command: list[str], write_fd: int, plan_fd: int, uid: int | None,
                parent: int) -> None:
    try:
        _die_with(parent)
        os.setsid()
        _limits(process_limit=False)  # the worker sets it inside the sandbox's namespaces
        results = fcntl.fcntl(write_fd, fcntl.F_DUPFD, 10)
        plan = fcntl.fcntl(plan_fd, fcntl.F_DUPFD, 10)
        os.dup2(plan, 0)
        os.dup2(results, RESULTS_FD)
        devnull = os.open(os.devnull, os.O_RDWR)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os.closerange(RESULTS_FD + 1, MAX_FD)
        if uid is not None:
            _drop_to(uid)
        os.execve(command[0], command, sandboxes.child_env())
    finally:
        os._exit(71)


def _die_with(parent: int) -> None:
    """Die when `grade` (or the process between, `parent` 0) dies, however it dies: the kernel
    sends SIGKILL (Linux)."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if parent and os.getppid() != parent:  # it died before the line above: nobody is waiting
        os._exit(0)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the parent's handler is not the child's
    signal.signal(signal.SIGINT, signal.default_int_handler)


def _first_in_namespace(write_fd: int, mounted: bool) -> None:
    """After unshare(CLONE_NEWPID): fork the first process of the new pid namespace, which
    returns to grade (everything graded code starts ends with it); this process waits for it
    and ends as it ended, so that the parent reads the same exit status or signal."""
    pid = os.fork()
    if pid == 0:
        if mounted:
            sandboxes.mount_proc()
        return
    os.close(write_fd)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        signal.signal(os.WTERMSIG(status), signal.SIG_DFL)
        os.kill(os.getpid(), os.WTERMSIG(status))
    os._exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 70)


def _limits(process_limit: bool) -> None:
    if resource is None:
        return  # no such limits here: the time limits still hold
    _limit(resource.RLIMIT_AS, MEMORY_LIMIT)
    _limit(resource.RLIMIT_FSIZE, OUTPUT_LIMIT)
    _limit(resource.RLIMIT_CORE, 0)
    if process_limit:
        _limit(resource.RLIMIT_NPROC, sandboxes.PROCESS_LIMIT)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an over-long write fails instead


def _quiet() -> None:
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    if devnull > 2:
        os.close(devnull)


def _drop_to(uid: int) -> None:
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)


def _limit(which: int, value: int) -> None:
    # Best effort: some systems (macOS for RLIMIT_AS) refuse a limit; the time limit still holds.
    try:
        resource.setrlimit(which, (value, value))
    except (ValueError, OSError):
        pass


def _start(job: Job, box: Sandbox) -> _Running:
    # The sandbox reads a copy of what it grades, made here: a folder its uid cannot enter (a
    # class folder of mode 0700) is graded as it is, and nothing else of the folder shows.
    staged = (sandboxes.stage(job.solutions, list(job.stage))
              if box.isolates and job.solutions is not None else None)
    command = (sandboxes.worker_command(box.bwrap, job.solutions or Path("/"), staged)
               if box.mode == "bwrap" else None)
    uid = sandboxes.next_uid() if box.mode == "setuid" or box.drop_uid else None
    read_fd, write_fd = os.pipe()
    plan_r = plan_w = -1
    if command:
        plan_r, plan_w = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        if command:
            os.close(plan_w)
            _exec_child(command, write_fd, plan_r, uid, parent)
        _child(job, write_fd, uid, parent, box, staged)
    os.close(write_fd)
    if command:
        os.close(plan_r)
        _send_plan(plan_w, job.request)
    now = time.monotonic()
    return _Running(job, pid, read_fd, now, now + job.time_limit, uid, staged)


def _send_plan(fd: int, request: bytes) -> None:
    # A plan is a few kilobytes: it fits the pipe, so this never waits on the child.
    try:
        view = memoryview(request)
        while view:
            view = view[os.write(fd, view):]
    except OSError:
        pass  # the child is gone already: its end says how
    finally:
        os.close(fd)


def _finish(running: _Running, ended: Ended | None) -> Ended:
    """Reap a child whose pipe closed (`ended` None) or that must be killed (`ended` says why)."""
    status = None
    if ended is None:
        status = _wait_until(running.pid, running.due())
        if status is None:
            ended = running.why_due(time.monotonic())
    if status is None:
        _kill_all(running)
        _, status = os.waitpid(running.pid, 0)
    os.close(running.fd)
    if ended is None:
        ended = Ended(running.job.key)
        if os.WIFSIGNALED(status):
            ended.signal = os.WTERMSIG(status)
        else:
            ended.exit_code = os.WEXITSTATUS(status)
    _kill_all(running)
    _clean_up(running)
    return ended


def _clean_up(running: _Running) -> None:
    """What a sandboxed child leaves: its staged copy, and what its uid wrote in the shared
    temporary folders (none where it had private ones)."""
    sandboxes.unstage(running.staged)
    if running.uid is not None:
        sandboxes.remove_leftovers(running.uid)


def _wait_until(pid: int, deadline: float) -> int | None:
    """The exit status of `pid` if it ends before `deadline` (it closed its pipe, so it should)."""
    pidfd = os.pidfd_open(pid) if hasattr(os, "pidfd_open") else None
    try:
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                return status
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            if pidfd is not None:
                select.select([pidfd], [], [], remaining)
            else:
                time.sleep(min(remaining, 0.01))
    finally:
        if pidfd is not None:
            os.close(pidfd)


def _kill_all(running: _Running) -> None:
    """Processes the student's code started must not outlive grading: the child's session, and
    under a uid of its own, every process of that uid (a new session does not escape that; under
    bwrap the pid namespace ends with the child)."""
    try:
        os.killpg(running.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    if running.uid is not None:
        for _ in range(2):
            _kill_uid(running.uid)


def _kill_uid(uid: int) -> None:
    helper = os.fork()
    if helper == 0:
        try:
            os.setgid(uid)
            os.setuid(uid)
            os.kill(-1, signal.SIGKILL)  # every process this uid may signal: its own
        finally:
            os._exit(0)
    os.waitpid(helper, 0)


@contextmanager
def _ended_by_signals() -> Iterator[None]:
    """SIGTERM (a `timeout`, a cancelled CI job) interrupts grading as Ctrl-C does, so that the
    children are killed on the way out."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def start_method(box: Sandbox = OFF) -> str:
    """How this grading starts its children: "fork" or "spawn" (as $GRADE_START says, else fork
    where it exists); under bubblewrap "exec" (forked, then bwrap runs the worker)."""
    if box.mode != "off":
        return "exec" if box.mode == "bwrap" else "fork"
    wanted = os.environ.get(START_ENV, "").strip().lower()
    return "spawn" if wanted == "spawn" or not hasattr(os, "fork") else "fork"


def run_jobs(jobs: list[Job], parallel: int, on_end: Callable[[Ended], list[Job]],
             box: Sandbox = OFF) -> None:
    """Run `jobs` in children (sandboxed as `box` says), at most `parallel` at a time; report
    each as it ends. `on_end` may return follow-up jobs (e.g. the checks a crashed child did not
    reach)."""
    if start_method(box) == "spawn":
        from graders.engine import spawned

        spawned.run_jobs(jobs, parallel, on_end)
        return
    waiting = list(reversed(jobs))
    running: dict[int, _Running] = {}
    with _ended_by_signals():
        try:
            while waiting or running:
                while waiting and len(running) < parallel:
                    started = _start(waiting.pop(), box)
                    running[started.fd] = started
                for ended in _pump(running):
                    waiting.extend(reversed(on_end(ended)))
        finally:
            for child in running.values():  # interrupted: nothing may outlive `grade`
                _kill_all(child)
                os.waitpid(child.pid, 0)
                os.close(child.fd)
                _clean_up(child)


def _overdue(running: dict[Any, R], finish: Callable[[R, Ended], Ended]) -> tuple[list[Ended], float]:
    """Stop (with `finish`) the children past their silence limit or wall budget; and how long
    the others may be waited on before the next is due (0 if none is left)."""
    ended = []
    now = time.monotonic()
    for key, child in list(running.items()):
        if child.due() <= now:
            del running[key]
            ended.append(finish(child, child.why_due(now)))
    wait = max(0.0, min(child.due() for child in running.values()) - now) if running else 0.0
    return ended, wait


def _pump(running: dict[int, _Running]) -> list[Ended]:
    ended, wait = _overdue(running, _finish)
    if not running:
        return ended
    readable, _, _ = select.select(list(running), [], [], wait)
    for fd in readable:
        child = running[fd]
        chunk = os.read(fd, 65536)
        if not chunk:
            _feed(child, chunk)
            ended.append(_finish(running.pop(fd), None))
            continue
        if not _feed(child, chunk):
            del running[fd]
            ended.append(_finish(child, Ended(child.job.key, stopped=True)))
    return ended


def _feed(child: _Running, chunk: bytes) -> bool:
    """Judge the complete lines of what arrived (b"": the pipe closed); False when a line was
    tampering (the child must be stopped)."""
    if not chunk:
        if child.buffer:  # an unfinished last line: not something the kit sent
            _hear(child, [bytes(child.buffer)])
        return True
    child.buffer += chunk
    *lines, rest = child.buffer.split(b"\n")
    child.buffer = bytearray(rest)
    if len(child.buffer) > MAX_LINE:
        lines.append(bytes(child.buffer))
        child.buffer.clear()
    return _hear(child, lines)


def _hear(child: _Running, lines: list[bytes]) -> bool:
    """Judge complete lines; False when one is tampering (the child is stopped)."""
    for line in lines:
        if not line.strip():
            continue
        heard = child.job.listen(line)
        if heard is Heard.PROGRESS:
            child.deadline = time.monotonic() + child.job.time_limit
        elif heard is Heard.TAMPERING:
            return False
    return True
