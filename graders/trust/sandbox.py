"""Where graded code runs: the sandbox that grades of record use.

Three modes, chosen once per grading:

- `bwrap` (bubblewrap is installed and works): each grading child is `python -m graders.engine.worker`
  started under bwrap, as uid 65534 in its own user, pid, network, IPC and UTS namespaces, with
  the whole file system read-only (the kit, its venv, the submission) and a private /tmp. It
  cannot see or signal `grade` or any other child, has no network, has a process limit, and
  everything it starts dies with it (the pid namespace ends with its first process; bwrap
  --die-with-parent ends it with `grade`). Run as root, the child first drops to an
  unprivileged uid of its own when that uid can run the kit's Python, so that the process limit
  (RLIMIT_NPROC, which the kernel never applies to root's processes) holds.
- `setuid` (no working bwrap, `grade` runs as root): each child is forked as today, then drops
  to an unprivileged uid of its own (setgid/setuid), so it cannot write the kit or the venv nor
  signal `grade` or another child; the process limit holds, and every process of that uid is
  killed when the child ends.
- `off` (a student's own machine): children (forked, or spawned where there is no fork) run as
  the student, with only the isolation layer's limits (own session, memory, output, time).

`GRADE_SANDBOX=on|off` chooses for commands that do not say (`grade exercise`, `grade all`:
off by default); `grade batch` asks for it unless `--no-sandbox`. When the sandbox is asked
for and neither mode can run, grading stops with one line and exit status 2.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from itertools import count
from pathlib import Path

import click

from graders.registry import KIT_ROOT

ENV = "GRADE_SANDBOX"
NOBODY = 65534  # the uid and gid graded code has inside bwrap
# Unprivileged uids a root `grade` gives its children, one each: nothing else uses them, so
# "every process of this uid" is exactly what one child started.
UID_BASE = 1_970_000_000
PROCESS_LIMIT = 128  # processes (and threads) a child may have at once
_slots = count()


class SandboxUnavailable(click.ClickException):
    """The sandbox was asked for and cannot run here: one line, exit status 2."""

    exit_code = 2


@dataclass(frozen=True)
class Sandbox:
    mode: str  # "bwrap", "setuid" or "off"
    bwrap: str = ""
    drop_uid: bool = False  # bwrap mode as root: start bwrap as a uid of the child's own

    @property
    def isolates(self) -> bool:
        """Children of different submissions cannot reach each other's pipes or processes."""
        return self.mode != "off"

    def describe(self) -> str:
        return {"bwrap": "bubblewrap sandbox", "setuid": "unprivileged user per child",
                "off": "no sandbox"}[self.mode]


OFF = Sandbox("off")


def wanted_from_env() -> bool | None:
    value = os.environ.get(ENV, "").strip().lower()
    if value in ("1", "on", "yes", "true", "required"):
        return True
    if value in ("0", "off", "no", "false"):
        return False
    return None


def choose(wanted: bool | None) -> Sandbox:
    """The sandbox to grade in: `wanted` None reads $GRADE_SANDBOX (unset: off)."""
    if wanted is None:
        wanted = bool(wanted_from_env())
    if not wanted:
        return OFF
    return _available()


@cache
def _available() -> Sandbox:
    root = hasattr(os, "geteuid") and os.geteuid() == 0
    bwrap = _bwrap()
    if bwrap:
        drop = root and _unprivileged_runs(bwrap)
        return Sandbox("bwrap", bwrap, drop_uid=drop)
    if root and _unprivileged_runs(""):
        return Sandbox("setuid")
    raise SandboxUnavailable(
        "the grading sandbox is required but cannot run here: install bubblewrap (apt-get "
        "install bubblewrap) or run grade as root; or grade without it (grade batch "
        "--no-sandbox, GRADE_SANDBOX=off)")


def _bwrap() -> str:
    """bwrap's path if it is installed and can make its namespaces here (not in some containers)."""
    if not sys.platform.startswith("linux"):
        return ""
    for candidate in (os.environ.get("GRADE_BWRAP", ""), "/usr/bin/bwrap", "/usr/local/bin/bwrap"):
        if candidate and os.access(candidate, os.X_OK):
            probe = subprocess.run([*bwrap_prefix(candidate, []), "true"], capture_output=True,
                                   timeout=30, check=False)
            return candidate if probe.returncode == 0 else ""
    return ""


def _unprivileged_runs(bwrap: str) -> bool:
    """Whether an unprivileged uid can start the kit's Python (under bwrap when given): it needs
    to read the interpreter, its standard library, the venv and the kit."""
    command = [sys.executable, "-c", "import graders.engine.worker"]
    if bwrap:
        command = [*bwrap_prefix(bwrap, _readable(KIT_ROOT)), *command]
    uid = UID_BASE - 1
    try:
        probe = subprocess.run(command, user=uid, group=uid, extra_groups=[], env=child_env(),
                               capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return probe.returncode == 0


def next_uid() -> int:
    """A uid for one child, not shared with any other child of this `grade` or of another one."""
    return UID_BASE + (os.getpid() % 4096) * 4096 + next(_slots) % 4096


def child_env() -> dict[str, str]:
    """The environment of a child started with exec: the kit importable, nothing else inherited."""
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": "/tmp", "LANG": "C.UTF-8",
            "PYTHONPATH": str(KIT_ROOT), "PYTHONDONTWRITEBYTECODE": "1", "PYTHONNOUSERSITE": "1"}


def bwrap_prefix(bwrap: str, readable: list[Path]) -> list[str]:
    """bwrap and its options, up to the command; `readable` are folders graded code reads
    (under /tmp they would be hidden by the private /tmp)."""
    argv = [bwrap, "--unshare-user", "--uid", str(NOBODY), "--gid", str(NOBODY),
            "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
            "--die-with-parent", "--new-session",
            "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/dev/shm",
            "--tmpfs", "/tmp"]
    for path in _under_tmp(readable):
        argv += ["--ro-bind", str(path), str(path)]
    return [*argv, "--chdir", "/tmp", "--"]


def worker_command(bwrap: str, solutions: Path) -> list[str]:
    """The command line of a sandboxed grading child: it reads its plan on stdin."""
    return [*bwrap_prefix(bwrap, _readable(solutions)), sys.executable, "-B", "-m",
            "graders.engine.worker"]


def _readable(solutions: Path) -> list[Path]:
    python = Path(sys.executable)
    return [solutions, KIT_ROOT, Path(sys.prefix), Path(sys.base_prefix), python.parent,
            python.resolve().parent, *(Path(entry) for entry in sys.path if entry)]


def _under_tmp(paths: list[Path]) -> list[Path]:
    tmp = Path("/tmp")
    found = sorted({path.resolve() for path in paths
                    if path.is_absolute() and path.resolve().is_relative_to(tmp)
                    and path.resolve() != tmp and path.exists()})
    return [path for index, path in enumerate(found)
            if not any(path.is_relative_to(other) for other in found[:index])]
