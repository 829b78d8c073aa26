"""What runs inside the isolated grading process: pytest over one exercise's checks.

Forked from `grade`, the isolation layer calls `run_checks`; in the sandbox, bubblewrap runs
`python -m graders.engine.worker` (this module's `main`), which reads its plan as JSON on stdin and sends
its results to file descriptor 3; started afresh where `grade` does not fork
(graders/engine/spawned.py), it sends them to what was its stdout.
"""

from __future__ import annotations

import configparser
import gc
import hashlib
import hmac
import io
import json
import os
import random
import shlex
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graders.engine.plugin import Channel
from graders.engine.seeding import Seeds
from graders.probes.judge import start_early, stop_kept
from graders.registry import PACKAGE_DIR, Exercise, by_number
from graders.trust.student_files import set_solutions_dir

try:  # POSIX only (not on Windows, where grading spawns its children)
    import fcntl
    import resource
except ImportError:  # pragma: no cover - exercised by tests/test_spawn.py in a subprocess
    fcntl = resource = None  # type: ignore[assignment]

# pytest-timeout's per-check limit, in real seconds: it only stops code that hangs; correct code
# finishes in milliseconds because simulated latency runs in virtual time.
CHECK_TIMEOUT = 10


def run_checks(plan: list[tuple[Exercise, list[str]]], solutions: Path, results_fd: int,
               key: bytes, seeds: dict[str, int]) -> int:
    """Run, for each (exercise, pytest functions) of `plan`, those checks against `solutions`,
    sending each result to `results_fd`, signed with `key`; `seeds` holds each exercise's seed
    (by module name) for the random data its checks draw."""
    wanted = {(exercise.module_name, function) for exercise, functions in plan
              for function in functions}
    # A forked child finds the session its grading process prepared (the newest that holds every
    # check of its plan); a child started with exec prepares its own.
    ready = next((prepared for key, prepared in reversed(_prepared.items())
                  if key[0] == CHECK_TIMEOUT and wanted <= prepared.items.keys()), None)
    if ready is None:
        ready = prepare([exercise for exercise, _ in plan])
        # As a forked child does: what the grading stack made stays out of the collections the
        # probes run in every check (they scan only what the checks create).
        gc.freeze()
    return run_prepared(ready, plan, solutions, results_fd, key, seeds)


@dataclass
class Prepared:
    """A pytest session configured and collected once, before any child is forked: a child only
    runs the items of its plan (configuring pytest and collecting cost more than most checks)."""

    config: Any
    session: Any
    items: dict[tuple[str, str], Any]  # by (checks module name, pytest function)
    channel: Channel
    seeds: Seeds
    pid: int  # of the process that made it


_prepared: dict[tuple[object, ...], Prepared] = {}


class _Nowhere(io.TextIOBase):
    """Where pytest writes (its terminal reporter, pytest-timeout's stacks): nowhere, with no
    descriptor a child could close or student code could reach."""

    def write(self, text: str) -> int:
        return len(text)


_NOWHERE = _Nowhere()


def prepare(selection: list[Exercise]) -> Prepared:
    """The session that runs the checks of `selection` (made once per process and selection:
    `grade watch` grades again without configuring or collecting again)."""
    key = (CHECK_TIMEOUT, *sorted(exercise.module_name for exercise in selection))
    for made, prepared in _prepared.items():  # one made for more exercises serves too
        if made[0] == CHECK_TIMEOUT and set(key[1:]) <= set(made[1:]):
            return prepared
    if key not in _prepared:
        _prepared[key] = _prepare(sorted(selection, key=lambda exercise: exercise.number))
    return _prepared[key]


def _plugins_turned_off() -> list[str]:
    """The `-p no:NAME` pairs of grading.ini's addopts."""
    parser = configparser.ConfigParser()
    parser.read(PACKAGE_DIR / "grading.ini", encoding="utf-8")
    words = shlex.split(parser.get("pytest", "addopts", fallback=""))
    return [word for flag, name in zip(words, words[1:], strict=False) if flag == "-p"
            and name.startswith("no:") for word in (flag, name)]


def _prepare(selection: list[Exercise]) -> Prepared:
    from _pytest.config import _prepareconfig
    from _pytest.main import Session

    channel, seeds = Channel(), Seeds({})
    args = [*(str(exercise.checks_path) for exercise in selection),
            "-c", str(PACKAGE_DIR / "grading.ini"),
            "--rootdir", str(PACKAGE_DIR),
            "-p", "graders.engine.plugin",
            "-p", "pytest_timeout",
            f"--timeout={CHECK_TIMEOUT}",
            # Made in the grading process: pytest must leave its process-wide fault handler
            # alone (a child's stderr goes nowhere anyway).
            "-p", "no:faulthandler",
            # grading.ini's `-p no:...` again, here: pytest reads addopts only after it has
            # imported its default plugins, and importing the ones turned off costs ~10 ms.
            *_plugins_turned_off()]
    saved_env = os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    saved_stdout = sys.stdout
    try:
        sys.stdout = _NOWHERE  # pytest's terminal writer keeps it, in every child too
        config = _prepareconfig(args, plugins=[channel, seeds])
        session = Session.from_config(config)
        session.exitstatus = 0
        config._do_configure()
        config.hook.pytest_sessionstart(session=session)
        session.perform_collect()
    finally:
        sys.stdout = saved_stdout
        if saved_env is None:
            os.environ.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD", None)
        else:
            os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = saved_env
    items = {(item.module.__name__.rsplit(".", 1)[-1], item.name): item
             for item in session.items}
    return Prepared(config, session, items, channel, seeds, os.getpid())


def run_prepared(prepared: Prepared, plan: list[tuple[Exercise, list[str]]], solutions: Path,
                 results_fd: int, key: bytes, seeds: dict[str, int]) -> int:
    """In the child: run the checks of `plan` in the session prepared before it was forked."""
    config, session = prepared.config, prepared.session
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    prepared.channel.bind(_hide(results_fd), signer(key))
    prepared.seeds.by_module = seeds
    set_solutions_dir(solutions)
    if prepared.pid != os.getpid():
        _capture_afresh(config)
    start_early([exercise.module_name for exercise, _ in plan])
    session.items = [prepared.items[exercise.module_name, function]
                     for exercise, functions in plan for function in functions
                     if (exercise.module_name, function) in prepared.items]
    session.testscollected = len(session.items)
    try:
        config.hook.pytest_runtestloop(session=session)
    except (session.Interrupted, session.Failed):
        session.exitstatus = 2
    finally:
        stop_kept()
        config.hook.pytest_sessionfinish(session=session, exitstatus=session.exitstatus)
    return int(session.exitstatus)


_stale: list[object] = []  # never finalized: their descriptors' numbers may be reused


def _capture_afresh(config: Any) -> None:
    """Output is captured in files (whose size the child's limits cap): the files pytest opened
    in the grading process were closed with the rest of its descriptors when the child started,
    so the child opens its own (suspended, as pytest leaves them between checks)."""
    capman = config.pluginmanager.getplugin("capturemanager")
    if capman is None or capman._global_capturing is None:
        return
    _stale.append(capman._global_capturing)
    capman._global_capturing = None
    capman.start_global_capturing()
    capman.suspend_global_capture()


def signer(key: bytes) -> Callable[[bytes], bytes]:
    """Signs result lines; the key lives only in this closure (and in the grading process)."""

    def sign(data: bytes) -> bytes:
        return hmac.new(key, data, hashlib.sha256).hexdigest().encode()

    return sign


def _hide(fd: int) -> int:
    """Move the results pipe to an unpredictable descriptor that child processes do not inherit."""
    if fcntl is None:  # os.dup's copy is not inherited either, at the next free number
        hidden = os.dup(fd)
    else:
        hidden = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, random.SystemRandom().randint(300, 900))
    os.close(fd)
    return hidden


def main() -> None:
    """The child started with exec: read the plan, set the limits left to it, grade."""
    from graders.engine import isolation, plugin
    from graders.trust import rules, sandbox

    global CHECK_TIMEOUT
    request = json.loads(sys.stdin.buffer.readline())
    if request.get("spawned"):
        results_fd = _spawned(int(request["parent"]))
    else:
        results_fd = isolation.RESULTS_FD
        # Inside the sandbox's user namespace the count is of this sandbox's processes only.
        isolation._limit(resource.RLIMIT_NPROC, sandbox.PROCESS_LIMIT)
    CHECK_TIMEOUT = request["check_timeout"]
    if not hasattr(signal, "SIGALRM"):
        # Without SIGALRM (Windows) pytest-timeout's other method ends the whole process, with
        # no verdict, for each check that hangs: the parent's silence limit stops a hang instead
        # (and then settles the rest of its exercise).
        CHECK_TIMEOUT = 0
    plugin.HANG_GUARD = request["hang_guard"]
    rules.ENFORCED = request["rules"]
    plan = [(by_number(number), functions) for number, functions in request["plan"]]
    code = run_checks(plan, Path(request["solutions"]), results_fd,
                      bytes.fromhex(request["key"]), request["seeds"])
    os._exit(code)


def _spawned(parent: int) -> int:
    """A child started afresh (graders/engine/spawned.py): what the isolation layer does for a
    forked one, as far as the platform allows. Its stdout becomes the results stream (not
    inherited); stdin, stdout and stderr go to the null device; the plan's pipe, left open by
    `grade`, is watched: it closes when `grade` ends, and so does this process."""
    from graders.engine import isolation

    results = os.dup(1)
    if sys.platform == "win32":
        import msvcrt

        msvcrt.setmode(results, os.O_BINARY)  # lines as sent, not with \r\n
    watched = os.dup(0)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)
    if hasattr(os, "setsid"):
        isolation._die_with(parent)  # Popen made its session
    isolation._limits(process_limit=False)  # as a forked child without a uid of its own
    threading.Thread(target=_exit_with_grade, args=(watched,), daemon=True,
                     name="grade-watch").start()
    return results


def _exit_with_grade(fd: int) -> None:
    try:
        while os.read(fd, 1024):
            pass
    except OSError:
        return  # graded code closed it: Linux's SIGKILL and the parent's kill still hold
    os._exit(0)


if __name__ == "__main__":
    main()
