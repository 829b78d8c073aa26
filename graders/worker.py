"""What runs inside the isolated grading process: pytest over one exercise's checks.

Forked from `grade`, the isolation layer calls `run_checks`; in the sandbox, bubblewrap runs
`python -m graders.worker` (this module's `main`), which reads its plan as JSON on stdin and sends
its results to file descriptor 3.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import importlib
import json
import os
import random
import resource
import sys
from collections.abc import Callable
from pathlib import Path

from graders.integrity import Guard
from graders.plugin import Channel
from graders.probes.student import set_solutions_dir
from graders.registry import PACKAGE_DIR, Exercise, by_number
from graders.seeding import Seeds

# pytest-timeout's per-check limit, in real seconds: it only stops code that hangs; correct code
# finishes in milliseconds because simulated latency runs in virtual time.
CHECK_TIMEOUT = 10


def run_checks(plan: list[tuple[Exercise, list[str]]], solutions: Path, results_fd: int,
               key: bytes, seeds: dict[str, int]) -> int:
    """Run, for each (exercise, pytest functions) of `plan`, those checks against `solutions`,
    sending each result to `results_fd`, signed with `key`; `seeds` holds each exercise's seed
    (by module name) for the random data its checks draw."""
    import pytest

    channel = Channel(_hide(results_fd), signer(key), Guard())

    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    set_solutions_dir(solutions)
    args = [
        *(f"{exercise.checks_path}::{function}" for exercise, functions in plan
          for function in functions),
        "-c", str(PACKAGE_DIR / "grading.ini"),
        "--rootdir", str(PACKAGE_DIR),
        "-p", "graders.plugin",
        "-p", "pytest_timeout",
        f"--timeout={CHECK_TIMEOUT}",
    ]
    return int(pytest.main(args, plugins=[channel, Seeds(seeds)]))


def warm_up() -> None:
    """Import in the grading process what every child would otherwise import for itself."""
    import _pytest.config

    for name in _pytest.config.default_plugins:
        importlib.import_module(f"_pytest.{name}")
    importlib.import_module("pytest_timeout")
    importlib.import_module("graders.plugin")


def signer(key: bytes) -> Callable[[bytes], bytes]:
    """Signs result lines; the key lives only in this closure (and in the grading process)."""

    def sign(data: bytes) -> bytes:
        return hmac.new(key, data, hashlib.sha256).hexdigest().encode()

    return sign


def _hide(fd: int) -> int:
    """Move the results pipe to an unpredictable descriptor that child processes do not inherit."""
    hidden = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, random.SystemRandom().randint(300, 900))
    os.close(fd)
    return hidden


def main() -> None:
    """The sandboxed child: read the plan, set the limits the sandbox leaves to it, grade."""
    from graders import isolation, plugin, rules, sandbox

    global CHECK_TIMEOUT
    request = json.loads(sys.stdin.buffer.read())
    # Inside the sandbox's user namespace the count is of this sandbox's processes only.
    isolation._limit(resource.RLIMIT_NPROC, sandbox.PROCESS_LIMIT)
    CHECK_TIMEOUT = request["check_timeout"]
    plugin.HANG_GUARD = request["hang_guard"]
    rules.ENFORCED = request["rules"]
    plan = [(by_number(number), functions) for number, functions in request["plan"]]
    code = run_checks(plan, Path(request["solutions"]), isolation.RESULTS_FD,
                      bytes.fromhex(request["key"]), request["seeds"])
    os._exit(code)


if __name__ == "__main__":
    main()
