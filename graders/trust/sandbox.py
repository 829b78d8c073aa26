"""Where graded code runs: the sandbox that grades of record use.

Three modes, chosen once per grading:

- `bwrap` (bubblewrap is installed and works): each grading child is `python -m graders.engine.worker`
  started under bwrap, as uid 65534 in its own user, pid, network, IPC and UTS namespaces. It sees
  only what it needs, read-only: the system's programs and libraries (/usr, /lib...), the Python
  installation and its venv, the kit's `graders/` package (not `reference/`, `tests/` or the rest
  of the kit), and its own submission, staged by `grade` and bound at the submission's own path
  (no classmate's folder); a private /tmp and /dev/shm. It cannot see or signal `grade` or any
  other child, has no network, has a process limit, and everything it starts dies with it (the pid
  namespace ends with its first process; bwrap --die-with-parent ends it with `grade`). Run as
  root, the child first drops to an unprivileged uid of its own when that uid can run the kit's
  Python, so that the process limit (RLIMIT_NPROC, which the kernel never applies to root's
  processes) holds.
- `setuid` (no working bwrap, or GRADE_BWRAP=off; `grade` runs as root): each child is forked,
  makes network, mount, IPC, UTS and pid namespaces of its own where the kernel lets it (root may
  `unshare`), mounts a private /tmp, /dev/shm and /var/tmp, hides the kit's folders but `graders/`
  and the folder around its submission (whose staged copy takes its place), then drops to an
  unprivileged uid of its own (setgid/setuid), so it cannot write the kit or the venv nor signal
  `grade` or another child; the process limit holds, every process of that uid is killed when the
  child ends, and whatever that uid left in /tmp, /dev/shm or /var/tmp is removed.
- `off` (a student's own machine): children (forked, or spawned where there is no fork) run as
  the student, with only the isolation layer's limits (own session, memory, output, time).

`GRADE_SANDBOX=on|off` chooses for commands that do not say (`grade exercise`, `grade all`:
off by default); `grade batch` asks for it unless `--no-sandbox`. `GRADE_BWRAP=PATH` names the
bwrap to use (else `bwrap` on PATH, /usr/bin, /usr/local/bin); `GRADE_BWRAP=off` never uses it.
When the sandbox is asked for and neither mode can run, grading stops with one line saying why
(bwrap missing or unable to make its namespaces here; which folder or file on the way to the
Python, the venv or the kit other users cannot enter) and the switch that turns it off where it
was asked for (`GRADE_SANDBOX=off`, or `--no-sandbox` for `grade batch`), with exit status 2.
"""

from __future__ import annotations

import atexit
import ctypes
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from functools import cache
from itertools import count
from pathlib import Path
from typing import Any

import click

from graders.registry import KIT_ROOT, PACKAGE_DIR

ENV = "GRADE_SANDBOX"
BWRAP_ENV = "GRADE_BWRAP"  # bwrap's path, or "off"
NOBODY = 65534  # the uid and gid graded code has inside bwrap
# Unprivileged uids a root `grade` gives its children, one each: nothing else uses them, so
# "every process of this uid" is exactly what one child started.
UID_BASE = 1_970_000_000
PROCESS_LIMIT = 128  # processes (and threads) a child may have at once
_slots = count()
STAGED_LIMIT = 4 * 1024**2  # bytes of one exercise file staged for the sandbox
# What of the system every sandboxed child sees, read-only (a symlink stays a symlink).
SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
SYSTEM_FILES = ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/alternatives",
                "/etc/localtime")
PRIVATE = ("/tmp", "/dev/shm", "/var/tmp")  # shared folders anyone may write to
# unshare(2) and mount(2) flags (Linux)
CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWPID, CLONE_NEWNET = 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18


class SandboxUnavailable(click.ClickException):
    """The sandbox was asked for and cannot run here: one line, exit status 2."""

    exit_code = 2


@dataclass(frozen=True)
class Sandbox:
    mode: str  # "bwrap", "setuid" or "off"
    bwrap: str = ""
    drop_uid: bool = False  # bwrap mode as root: start bwrap as a uid of the child's own
    private: bool = False  # setuid mode: each child makes a mount namespace of its own

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


def choose(wanted: bool | None, switch: str = "") -> Sandbox:
    """The sandbox to grade in: `wanted` None reads $GRADE_SANDBOX (unset: off). When it cannot
    run, the one line ends with `switch`, what turns it off where it was asked for (a caller that
    asks with `wanted` says; else it was $GRADE_SANDBOX)."""
    if wanted is None:
        wanted = bool(wanted_from_env())
    if not wanted:
        return OFF
    try:
        return _available()
    except SandboxUnavailable as error:
        raise SandboxUnavailable(f"{error.message}. Or grade without the sandbox: "
                                 f"{switch or f'{ENV}=off'}") from None


@cache
def _available() -> Sandbox:
    root = hasattr(os, "geteuid") and os.geteuid() == 0
    bwrap = _bwrap()
    if bwrap:
        drop = root and _unprivileged_runs(bwrap)
        return Sandbox("bwrap", bwrap, drop_uid=drop)
    causes = [_bwrap_probe()[1] or "bubblewrap cannot run here"]
    if not root:
        causes.append("grade is not run as root (as root, without bubblewrap, it gives each "
                      "grading process an unprivileged uid of its own)")
    elif _unprivileged_runs(""):
        return Sandbox("setuid", private=_namespaces_work())
    else:
        causes.append("without it, grade (as root) gives each grading process an unprivileged "
                      f"uid of its own, but {_unprivileged_cause('')}")
    raise SandboxUnavailable("the grading sandbox is required but cannot run here: "
                             + "; ".join(causes))


def _bwrap() -> str:
    """bwrap's path if it is installed and can make its namespaces here (not in some containers)."""
    return _bwrap_probe()[0]


def _bwrap_probe() -> tuple[str, str]:
    """bwrap's path if it works here, else "" and why not, in words."""
    if not sys.platform.startswith("linux"):
        return "", "bubblewrap runs on Linux only"
    wanted = os.environ.get(BWRAP_ENV, "").strip()
    if wanted.lower() in ("0", "off", "no", "false", "none"):
        return "", f"{BWRAP_ENV}={wanted} turns bubblewrap off"
    candidates = [wanted] if wanted else list(dict.fromkeys(
        path for path in (shutil.which("bwrap"), "/usr/bin/bwrap", "/usr/local/bin/bwrap") if path))
    for candidate in candidates:
        if not os.access(candidate, os.X_OK) or os.path.isdir(candidate):
            continue
        try:
            probe = subprocess.run([*bwrap_prefix(candidate), "true"], capture_output=True,
                                   timeout=30, check=False)
        except (OSError, subprocess.SubprocessError) as error:
            return "", f"bubblewrap ({candidate}) does not start: {error}"
        if probe.returncode == 0:
            return candidate, ""
        said = probe.stderr.decode(errors="replace").strip().splitlines()
        return "", (f"bubblewrap ({candidate}) cannot make its namespaces here"
                    + (f" ({said[-1]})" if said else f" (exit status {probe.returncode})"))
    if wanted:
        return "", f"{BWRAP_ENV}={wanted} is not a program that can run"
    return "", ("bubblewrap is not installed (no bwrap on PATH, in /usr/bin or /usr/local/bin: "
                "apt-get install bubblewrap, or set GRADE_BWRAP to its path)")


def _unprivileged_runs(bwrap: str) -> bool:
    """Whether an unprivileged uid can start the kit's Python (under bwrap when given): it needs
    to read the interpreter, its standard library, the venv and the kit."""
    return _unprivileged_probe(bwrap) == 0


def _unprivileged_probe(bwrap: str) -> int | str:
    """0 when an unprivileged uid starts the kit's Python (under bwrap when given); else the
    exit status, or what stopped it."""
    command = [sys.executable, "-c", "import graders.engine.worker"]
    if bwrap:
        command = [*bwrap_prefix(bwrap), *command]
    uid = UID_BASE - 1
    try:
        probe = subprocess.run(command, user=uid, group=uid, extra_groups=[], env=child_env(),
                               capture_output=True, timeout=60, check=False, cwd="/")
    except (OSError, subprocess.SubprocessError) as error:
        return str(error)
    if probe.returncode == 0:
        return 0
    said = probe.stderr.decode(errors="replace").strip().splitlines()
    return said[-1] if said else probe.returncode


def _unprivileged_cause(bwrap: str) -> str:
    """Why an unprivileged uid cannot start the kit's Python: the folder it cannot enter, if one
    is on the way (pyenv under /root, mode 0700), else what the attempt said."""
    needed = (("this Python", Path(sys.executable).resolve()), ("its standard library",
              Path(sys.base_prefix)), ("the venv", Path(sys.prefix)), ("the kit", PACKAGE_DIR))
    for what, path in needed:
        closed = closed_folder(path)
        if closed:
            return (f"{what} ({path}) is under {closed}, which other users cannot enter: install "
                    f"Python, the venv and the kit where every user can read them, or install "
                    f"bubblewrap")
    said = _unprivileged_probe(bwrap)
    return f"an unprivileged user cannot start this Python ({said})"


def closed_folder(path: Path) -> str:
    """The first folder on the way to `path` (or `path`) that a user other than its owner and
    group cannot enter (or, for a file, read), with its mode; "" when there is none."""
    path = path.resolve()
    for step in [*reversed(path.parents), path]:
        try:
            mode = os.stat(step).st_mode
        except OSError:
            return ""
        if stat.S_ISDIR(mode) and not mode & stat.S_IXOTH or \
                stat.S_ISREG(mode) and not mode & stat.S_IROTH:
            return f"{step} (mode {stat.S_IMODE(mode):04o})"
    return ""


def refuse_unreadable(box: Sandbox, folders: list[Path]) -> None:
    """Stop (one line) rather than grade a submission its sandbox cannot read as a failure: only
    a uid of its own with no mount namespace to put the staged copy in place reads the folder
    itself."""
    if box.mode != "setuid" or box.private:
        return
    for folder in folders:
        closed = closed_folder(folder)
        if closed:
            raise SandboxUnavailable(
                f"the grading sandbox runs each submission as an unprivileged uid, which cannot "
                f"read {folder}: {closed.split(' (')[0]} is closed to other users "
                f"({closed.split(' (')[1]}; chmod o+rx it, or grade from a folder others can read")


def next_uid() -> int:
    """A uid for one child, not shared with any other child of this `grade` or of another one."""
    return UID_BASE + (os.getpid() % 4096) * 4096 + next(_slots) % 4096


def child_env() -> dict[str, str]:
    """The environment of a child started with exec: the kit importable, nothing else inherited."""
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": "/tmp", "LANG": "C.UTF-8",
            "PYTHONPATH": str(KIT_ROOT), "PYTHONDONTWRITEBYTECODE": "1", "PYTHONNOUSERSITE": "1"}


# --- what a sandboxed child sees ---------------------------------------------------------------

def bwrap_prefix(bwrap: str, solutions: Path | None = None, source: Path | None = None) -> list[str]:
    """bwrap and its options, up to the command: the child sees the system's programs and
    libraries, the Python it runs and the kit's graders/ package, read-only, and `source` (a
    staged copy of the submission; else `solutions` itself) at the path `solutions`."""
    argv = [bwrap, "--unshare-user", "--uid", str(NOBODY), "--gid", str(NOBODY),
            "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
            "--die-with-parent", "--new-session"]
    for path in SYSTEM:
        if os.path.islink(path):
            argv += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            argv += ["--ro-bind", path, path]
    for path in SYSTEM_FILES:
        if os.path.exists(path):
            argv += ["--ro-bind", path, path]
    python = python_paths(solutions)
    argv += [*_binds(python), "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/dev/shm",
             "--tmpfs", "/tmp"]
    # The kit (but graders/) and the submission's neighbours, where a bind above shows them.
    shown = [Path(path) for path in SYSTEM if os.path.isdir(path)] + python
    hidden = [KIT_ROOT.resolve()] + ([solutions.resolve().parent] if solutions else [])
    for path in hidden:
        if path != Path("/") and any(path.is_relative_to(seen) and path != seen for seen in shown):
            argv += ["--tmpfs", str(path)]
    argv += [*_binds([path for path in python if any(path.is_relative_to(hide) for hide in hidden)
                      or path.is_relative_to("/tmp")]),
             "--ro-bind", str(PACKAGE_DIR), str(PACKAGE_DIR)]
    if solutions is not None:
        argv += ["--ro-bind", str(source or solutions), str(solutions.resolve())]
    return [*argv, "--chdir", "/tmp", "--"]


def worker_command(bwrap: str, solutions: Path, source: Path | None = None) -> list[str]:
    """The command line of a sandboxed grading child: it reads its plan on stdin."""
    return [*bwrap_prefix(bwrap, solutions, source), sys.executable, "-B", "-m",
            "graders.engine.worker"]


def _binds(paths: list[Path]) -> list[str]:
    return [word for path in paths for word in ("--ro-bind", str(path), str(path))]


def python_paths(solutions: Path | None = None) -> list[Path]:
    """The folders the kit's Python needs (interpreter, standard library, venv, what the import
    path adds), none inside another: never the kit itself (its graders/ is bound apart) nor a
    folder holding the submission."""
    python = Path(sys.executable)
    wanted = [Path(sys.base_prefix), Path(sys.prefix), python.parent, python.resolve().parent,
              *(Path(entry) for entry in sys.path if entry)]
    kit, venv = KIT_ROOT.resolve(), Path(sys.prefix).resolve()
    off_limits = [kit] + ([solutions.resolve()] if solutions else [])
    found: set[Path] = set()
    for path in wanted:
        if not path.is_absolute() or not path.exists():
            continue
        for form in {path.absolute(), path.resolve()}:
            if any(limit.is_relative_to(form) for limit in off_limits):
                continue  # the kit's root (or above): all of it would show
            if form.is_relative_to(kit) and not form.is_relative_to(venv):
                continue  # tests/, reference/...: not the venv's
            found.add(form)
    ordered = sorted(found, key=lambda path: len(path.parts))
    return [path for index, path in enumerate(ordered)
            if not any(path.is_relative_to(other) for other in ordered[:index])]


# --- staging: what the sandbox reads of a submission --------------------------------------------

def stage(folder: Path, names: list[str]) -> Path:
    """A copy of the exercise files `names` of `folder` that any user can read, so that a
    submission in a folder the sandbox's uid cannot enter (a class folder of mode 0700) is graded
    as it is, and the sandbox sees nothing of the folder but these files. Only regular files up
    to STAGED_LIMIT are copied (a FIFO or a device is not read)."""
    staged = Path(tempfile.mkdtemp(dir=_staging_root()))
    os.chmod(staged, 0o755)
    for name in dict.fromkeys(names):
        data = _read_regular(folder / name)
        if data is not None:
            (staged / name).write_bytes(data)
            os.chmod(staged / name, 0o644)
    return staged


@cache
def _staging_root() -> Path:
    """This `grade`'s folder of staged copies: others may pass through it, not list it (the
    copies' names are random). Those of a `grade` that is gone (killed with SIGKILL) go first."""
    base = Path("/tmp" if os.path.isdir("/tmp") else tempfile.gettempdir())
    for stale in base.glob("grade-staged-*-*"):
        try:
            pid = int(stale.name.split("-")[2])
            if stale.stat().st_uid == os.getuid() and pid != os.getpid():
                os.kill(pid, 0)
        except ProcessLookupError:
            shutil.rmtree(stale, ignore_errors=True)
        except (ValueError, OSError):
            continue
    root = Path(tempfile.mkdtemp(prefix=f"grade-staged-{os.getpid()}-", dir=base))
    os.chmod(root, 0o711)
    atexit.register(shutil.rmtree, root, True)
    return root


def _read_regular(path: Path) -> bytes | None:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > STAGED_LIMIT:
            return None
        with os.fdopen(fd, "rb", closefd=False) as opened:
            data = opened.read(STAGED_LIMIT + 1)
        return data if len(data) <= STAGED_LIMIT else None
    except OSError:
        return None
    finally:
        os.close(fd)


def unstage(staged: Path | None) -> None:
    if staged is not None:
        shutil.rmtree(staged, ignore_errors=True)


# --- the setuid mode: namespaces of its own, as far as the kernel allows ------------------------

def _libc() -> Any:
    return ctypes.CDLL(None, use_errno=True)


def _mount(libc: Any, source: str | None, target: str, kind: str | None, flags: int,
           data: str | None = None) -> bool:
    encoded = [None if part is None else part.encode() for part in (source, target, kind, data)]
    return libc.mount(encoded[0], encoded[1], encoded[2], ctypes.c_ulong(flags), encoded[3]) == 0


def _namespaces_work() -> bool:
    """Whether a child can make a mount namespace of its own and mount in it (root, Linux, and
    not a container that forbids it): then each child's staged submission takes its place."""
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            libc = _libc()
            if libc.unshare(CLONE_NEWNS) == 0 and _mount(libc, None, "/", None, MS_REC | MS_PRIVATE) \
                    and _mount(libc, "tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "size=4k"):
                code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == 0


def confine(solutions: Path | None, staged: Path | None) -> int:
    """In a forked grading child, as root, before it drops to its uid (the setuid mode): network,
    IPC, UTS, mount and pid namespaces of its own, each where the kernel allows it; in the mount
    namespace a private /tmp, /dev/shm and /var/tmp, the kit hidden but its graders/, and
    the staged copy of the submission in its folder's place (the folder around it hidden).
    Returns the namespaces made (CLONE_NEWPID among them: the caller forks, so that graded code is
    the first process of its pid namespace and everything it starts ends with it)."""
    libc = _libc()
    made = 0
    for flag in (CLONE_NEWNET, CLONE_NEWIPC, CLONE_NEWUTS, CLONE_NEWNS, CLONE_NEWPID):
        if libc.unshare(flag) == 0:
            made |= flag
    if made & CLONE_NEWNS and _mount(libc, None, "/", None, MS_REC | MS_PRIVATE):
        _private_view(libc, solutions, staged)
    return made


def _private_view(libc: Any, solutions: Path | None, staged: Path | None) -> None:
    keep = [*python_paths(solutions), PACKAGE_DIR]
    covers = [Path(path) for path in PRIVATE if os.path.isdir(path)]
    kit = KIT_ROOT.resolve()
    if kit != Path("/"):
        covers.append(kit)  # graders/ (and a venv inside the kit) are bound back below
    target = solutions.resolve() if solutions is not None else None
    if target is not None:
        closed = closed_folder(target)
        around = Path(closed.split(" (")[0]) if closed else target.parent
        if around != Path("/") and not any(path.is_relative_to(around) for path in keep) \
                and not kit.is_relative_to(around):
            covers.append(around)
    # Held open before anything is covered: what must still show is bound back from these.
    held = {path: os.open(path, os.O_PATH | os.O_CLOEXEC) for path in keep
            if any(path.is_relative_to(cover) for cover in covers)}
    if target is not None and staged is not None:
        held[target] = os.open(staged, os.O_PATH | os.O_CLOEXEC)
    try:
        for cover in covers:
            if cover.is_dir():
                mode = "1777" if str(cover) in PRIVATE else "755"
                _mount(libc, "tmpfs", str(cover), "tmpfs", MS_NOSUID | MS_NODEV,
                       f"mode={mode},size=64m")
        for path, fd in held.items():
            try:
                path.mkdir(parents=True, exist_ok=True)
            except OSError:
                continue
            if _mount(libc, f"/proc/self/fd/{fd}", str(path), None, MS_BIND | MS_REC):
                _mount(libc, None, str(path), None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID
                       | MS_NODEV)
    finally:
        for fd in held.values():
            os.close(fd)


def mount_proc() -> None:
    """In the first process of a new pid namespace (and mount namespace): a /proc of its own."""
    _mount(_libc(), "proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)


def remove_leftovers(uid: int) -> None:
    """Remove what `uid` (a child's own, all its processes killed) left in the shared temporary
    folders: what it owns there, and in folders there anyone may write to."""
    for folder in PRIVATE:
        _remove_owned(Path(folder), uid, depth=3)


def _remove_owned(folder: Path, uid: int, depth: int) -> None:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        try:
            info = entry.stat(follow_symlinks=False)
            if info.st_uid == uid:
                if stat.S_ISDIR(info.st_mode):
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    os.unlink(entry.path)
            elif stat.S_ISDIR(info.st_mode) and info.st_mode & stat.S_IWOTH and depth > 1:
                _remove_owned(Path(entry.path), uid, depth - 1)
        except OSError:
            continue
