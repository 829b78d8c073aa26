"""Run a function in a forked child under hard limits and read what it sends back.

The child gets its own session (so everything it starts can be killed together), a memory limit,
a cap on the size of files it writes (pytest captures output in files, so this caps output), and
stdin/stdout/stderr away from the terminal. Whatever the child does - hang while catching
BaseException, os._exit, a segfault - the parent gets the lines it sent before, and how it ended.
"""

from __future__ import annotations

import gc
import os
import resource
import select
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

MEMORY_LIMIT = 2 * 1024**3
OUTPUT_LIMIT = 16 * 1024**2
MAX_FD = min(os.sysconf("SC_OPEN_MAX"), 65536)


@dataclass
class Job:
    key: object
    target: Callable[[int], object]  # called in the child with the fd to send lines to
    time_limit: float


@dataclass
class Ended:
    """How a child ended: the lines it sent and why it stopped."""

    key: object
    lines: list[bytes] = field(default_factory=list)
    exit_code: int | None = None
    signal: int | None = None
    killed_after: float | None = None

    def describe(self) -> str:
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
    deadline: float
    buffer: bytearray = field(default_factory=bytearray)


def _child(job: Job, write_fd: int) -> None:
    code = 0
    try:
        os.setsid()
        # Everything inherited from the parent stays put: collections (the probes run several
        # per check) then scan only what the checks create, and pages stay shared.
        gc.freeze()
        _limit(resource.RLIMIT_AS, MEMORY_LIMIT)
        _limit(resource.RLIMIT_FSIZE, OUTPUT_LIMIT)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an over-long write fails instead
        # Nothing of the parent's stays open: not its output files, not other children's pipes.
        os.closerange(3, write_fd)
        os.closerange(write_fd + 1, MAX_FD)
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        # Fresh streams: the parent's may be a capture (under pytest) shared through fork.
        sys.stdin, sys.stdout, sys.stderr = (os.fdopen(fd, mode, closefd=False)
                                             for fd, mode in ((0, "r"), (1, "w"), (2, "w")))
        job.target(write_fd)
    except BaseException:  # noqa: BLE001 - the parent reads the missing lines as the failure
        code = 70
    finally:
        os._exit(code)


def _limit(which: int, value: int) -> None:
    # Best effort: some systems (macOS for RLIMIT_AS) refuse a limit; the time limit still holds.
    try:
        resource.setrlimit(which, (value, value))
    except (ValueError, OSError):
        pass


def _start(job: Job) -> _Running:
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        _child(job, write_fd)
    os.close(write_fd)
    return _Running(job, pid, read_fd, time.monotonic() + job.time_limit)


def _finish(running: _Running, killed: bool) -> Ended:
    status = None if killed else _wait_until(running.pid, running.deadline)
    if status is None:
        killed = True
        _kill_leftovers(running.pid)
        _, status = os.waitpid(running.pid, 0)
    os.close(running.fd)
    ended = Ended(running.job.key, lines=bytes(running.buffer).splitlines())
    if killed:
        ended.killed_after = running.job.time_limit
    elif os.WIFSIGNALED(status):
        ended.signal = os.WTERMSIG(status)
    else:
        ended.exit_code = os.WEXITSTATUS(status)
    _kill_leftovers(running.pid)
    return ended


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


def _kill_leftovers(group: int) -> None:
    # Processes the student's code started in the child's session must not outlive grading.
    try:
        os.killpg(group, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def run_jobs(jobs: list[Job], parallel: int, on_end: Callable[[Ended], list[Job]]) -> None:
    """Run `jobs` in forked children, at most `parallel` at a time; report each as it ends.

    `on_end` may return follow-up jobs (e.g. the checks a crashed child did not reach).
    """
    waiting = list(reversed(jobs))
    running: dict[int, _Running] = {}
    while waiting or running:
        while waiting and len(running) < parallel:
            started = _start(waiting.pop())
            running[started.fd] = started
        for ended in _pump(running):
            waiting.extend(reversed(on_end(ended)))


def _pump(running: dict[int, _Running]) -> list[Ended]:
    ended = []
    now = time.monotonic()
    for fd, child in list(running.items()):
        if child.deadline <= now:
            del running[fd]
            ended.append(_finish(child, killed=True))
    if not running:
        return ended
    wait = max(0.0, min(child.deadline for child in running.values()) - now)
    readable, _, _ = select.select(list(running), [], [], wait)
    for fd in readable:
        chunk = os.read(fd, 65536)
        if chunk:
            child = running[fd]
            child.buffer += chunk
            # The limit is on silence: each result the child sends buys the next check its time.
            child.deadline = time.monotonic() + child.job.time_limit
        else:
            ended.append(_finish(running.pop(fd), killed=False))
    return ended
