"""Grading children started afresh, where `grade` cannot fork (Windows) or is told not to
(GRADE_START=spawn).

Each child is `python -B -m graders.engine.worker`: it reads its plan as one line on stdin,
moves its stdout away to a results stream of its own, points the standard descriptors at the
null device (graded code prints nowhere the parent reads), sets the limits the platform has
(POSIX `resource`; none on Windows) and runs its checks, which configure and collect pytest for
their own exercises. The parent judges what it sends exactly as a forked child's (the signed
protocol, the silence limit, the wall budget; tampering stops it): a thread per child reads its
pipe (Windows has no select() on pipes) and hands the chunks to the grading thread.

No child outlives `grade`: each is killed (its whole session on POSIX) when it ends, is
stopped, or grading is interrupted (Ctrl-C, SIGTERM); the plan's pipe stays open, so a child
whose `grade` died some other way sees its stdin close and exits (Linux also sends SIGKILL).
On Windows what graded code starts lives in no session to kill: see README.md, Platforms.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from itertools import count
from typing import BinaryIO

from graders.engine.isolation import Ended, Job, _ended_by_signals, _feed, _overdue, _Running
from graders.registry import KIT_ROOT

WORKER = [sys.executable, "-B", "-m", "graders.engine.worker"]
POSIX = os.name == "posix"
_serials = count()


@dataclass
class _Spawned(_Running):
    process: subprocess.Popen[bytes] | None = None
    serial: int = 0  # names its pipe's chunks (a pid may be reused by a later child)


def run_jobs(jobs: list[Job], parallel: int, on_end: Callable[[Ended], list[Job]]) -> None:
    """isolation.run_jobs, with each child started afresh."""
    waiting = list(reversed(jobs))
    running: dict[int, _Spawned] = {}
    heard: queue.SimpleQueue[tuple[int, bytes]] = queue.SimpleQueue()
    with _ended_by_signals():
        try:
            while waiting or running:
                while waiting and len(running) < parallel:
                    started = _start(waiting.pop(), heard)
                    running[started.serial] = started
                for ended in _pump(running, heard):
                    waiting.extend(reversed(on_end(ended)))
        finally:
            for child in running.values():  # interrupted: nothing may outlive `grade`
                _kill(child)


def _start(job: Job, heard: queue.SimpleQueue[tuple[int, bytes]]) -> _Spawned:
    flags = 0 if POSIX else subprocess.CREATE_NEW_PROCESS_GROUP  # type: ignore[attr-defined]
    process = subprocess.Popen(WORKER, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, env=_env(), bufsize=0,
                               start_new_session=POSIX, creationflags=flags)
    assert process.stdin is not None and process.stdout is not None
    serial = next(_serials)
    threading.Thread(target=_read, args=(serial, process.stdout, heard), daemon=True,
                     name=f"grade-child-{serial}").start()
    request = {**json.loads(job.request), "spawned": True, "parent": os.getpid()}
    try:
        # One line; the pipe stays open while the child runs (it exits when the pipe closes).
        process.stdin.write(json.dumps(request).encode() + b"\n")
    except OSError:
        pass  # it is gone already: how it ended says why
    now = time.monotonic()
    return _Spawned(job, process.pid, -1, now, now + job.time_limit, None, process=process,
                    serial=serial)


def _env() -> dict[str, str]:
    """The student's environment, with this kit first on the path (the same `graders`)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        part for part in (str(KIT_ROOT), env.get("PYTHONPATH", "")) if part)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _read(serial: int, pipe: BinaryIO, heard: queue.SimpleQueue[tuple[int, bytes]]) -> None:
    """Hand each chunk the child sends to the grading thread, then b"" when its pipe closes
    (only this thread closes it: no other may reuse its descriptor under a read)."""
    with pipe:
        while True:
            try:
                chunk = pipe.read(65536) or b""
            except OSError:
                chunk = b""
            heard.put((serial, chunk))
            if not chunk:
                return


def _pump(running: dict[int, _Spawned], heard: queue.SimpleQueue[tuple[int, bytes]]) -> list[Ended]:
    ended, wait = _overdue(running, _finish)
    if not running:
        return ended
    try:
        serial, chunk = heard.get(timeout=wait)
    except queue.Empty:
        return ended
    child = running.get(serial)  # None: a child already finished (its pipe's last words)
    if child is None:
        return ended
    if not chunk:
        _feed(child, chunk)
        ended.append(_finish(running.pop(serial), None))
    elif not _feed(child, chunk):
        del running[serial]
        ended.append(_finish(child, Ended(child.job.key, stopped=True)))
    return ended


def _finish(child: _Spawned, ended: Ended | None) -> Ended:
    """Reap a child whose pipe closed (`ended` None) or that must be killed (`ended` says why)."""
    process = child.process
    assert process is not None
    if ended is None:
        try:
            code = process.wait(max(0.0, child.due() - time.monotonic()))
        except subprocess.TimeoutExpired:
            ended = child.why_due(time.monotonic())
        else:
            ended = Ended(child.job.key)
            if code < 0:
                ended.signal = -code
            else:
                ended.exit_code = code
    _kill(child)  # what it started goes with it
    return ended


def _kill(child: _Spawned) -> None:
    process = child.process
    assert process is not None
    if POSIX:
        try:
            os.killpg(process.pid, signal.SIGKILL)  # type: ignore[attr-defined]
        except (ProcessLookupError, PermissionError):
            pass
    else:
        try:
            process.kill()
        except OSError:
            pass
    process.wait()
    try:
        if process.stdin is not None:
            process.stdin.close()
    except OSError:
        pass
