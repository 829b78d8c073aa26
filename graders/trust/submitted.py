"""Reading a submission's files: read, never followed.

A submission is data the grader reads, never a tree it walks into. Only regular files inside the
submission's own folder are taken: a symlink (wherever it points, out of the submission or inside
it), a FIFO, a device, a socket or a folder in place of a file is refused, and so is a file larger
than MAX_FILE_BYTES. The path is walked from the submission's folder one name at a time, each
opened with O_NOFOLLOW; the file is opened O_NONBLOCK (a FIFO swapped in cannot block), confirmed
a regular file with fstat and read up to the limit and one byte more. The folder itself (the one
named on the command line, or an entry of the class folder) is the instructor's and is opened as
given. A refusal is a `Refused` (an OSError) whose text names the file and says why.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path, PurePosixPath

__all__ = ["LIMIT_TEXT", "MAX_FILE_BYTES", "Refused", "read_file", "stage"]

MAX_FILE_BYTES = 1024 * 1024  # an exercise file is a few kilobytes; 1 MiB is far past any of them
LIMIT_TEXT = "1 MiB"

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_FILE_FLAGS = (os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
               | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)
# Windows can neither open a folder nor open relative to one: there each name is checked with
# lstat and the file opened by its path.
_BY_FD = {os.open, os.stat, os.readlink} <= os.supports_dir_fd and _NOFOLLOW != 0


class Refused(OSError):
    """A file of a submission that is not graded. `shown` is the offending name as seen from the
    submission (the file, or a folder on its way), `kind` a word or two for a gradebook."""

    def __init__(self, file: str, shown: str, why: str, kind: str) -> None:
        text = f"{file} {why}: not graded" if shown == file else \
            f"{file} is not graded: {shown} {why}"
        super().__init__(text)
        self.file, self.shown, self.why, self.kind = file, shown, why, kind

    def __str__(self) -> str:
        return str(self.args[0])


def read_file(root: Path, relative: str | PurePosixPath) -> bytes:
    """The bytes of `root/relative`, a regular file of at most MAX_FILE_BYTES reached without
    following any link below `root`. FileNotFoundError when it is not there; Refused when it may
    not be read; another OSError when it cannot be."""
    parts = PurePosixPath(relative).parts
    if not parts or any(part in ("..", "/") for part in parts):
        raise ValueError(f"not a path inside a submission: {relative}")
    if not _BY_FD:
        return _read_by_path(root, parts)
    folder = os.open(root, _DIR_FLAGS)
    try:
        for depth in range(1, len(parts)):
            _check(os.lstat(parts[depth - 1], dir_fd=folder), root, parts, depth, folder)
            inner = _open(parts[depth - 1], _DIR_FLAGS | _NOFOLLOW, parts, depth, folder)
            os.close(folder)
            folder = inner
        _check(os.lstat(parts[-1], dir_fd=folder), root, parts, len(parts), folder)
        return _read_open(_open(parts[-1], _FILE_FLAGS, parts, len(parts), folder), parts)
    finally:
        os.close(folder)


def stage(root: Path, folder: str | PurePosixPath, names: list[str],
          target: Path) -> dict[str, Refused]:
    """Copy each of `names` from `root/folder` into `target` through `read_file`: what grading
    then reads. The refused files, by name (a missing file is neither copied nor refused)."""
    refused: dict[str, Refused] = {}
    for name in names:
        shown = str(PurePosixPath(folder, name))
        try:
            data = read_file(root, shown)
        except FileNotFoundError:
            continue
        except Refused as error:
            refused[name] = error
            continue
        except OSError as error:
            refused[name] = Refused(shown, shown, f"cannot be read ({error.strerror or error})",
                                    "unreadable")
            continue
        (target / name).write_bytes(data)
        (target / name).chmod(0o644)
    return refused


def _check(info: os.stat_result, root: Path, parts: tuple[str, ...], depth: int,
           folder: int | None) -> None:
    """Refuse `parts[:depth]` unless it is what may be read there: a folder on the way, a
    regular file of at most the limit at the end."""
    file, shown = "/".join(parts), "/".join(parts[:depth])
    mode, last = info.st_mode, depth == len(parts)
    if stat.S_ISLNK(mode):
        leaves = _leaves(root, parts[:depth], folder)
        why = "is a symlink that leaves the submission" if leaves else \
            "is a symlink (to a file inside the submission; grading takes only regular files)"
        raise Refused(file, shown, why, "symlink out of the submission" if leaves else "symlink")
    if not last:
        if not stat.S_ISDIR(mode):
            raise FileNotFoundError(errno.ENOENT, "no such folder", shown)
        return
    _check_regular(mode, info.st_size, file)


def _check_regular(mode: int, size: int, file: str) -> None:
    for test, kind, article in ((stat.S_ISDIR, "folder", "a"), (stat.S_ISFIFO, "FIFO", "a"),
                                (stat.S_ISCHR, "device", "a"), (stat.S_ISBLK, "device", "a"),
                                (stat.S_ISSOCK, "socket", "a")):
        if test(mode):
            raise Refused(file, file, f"is {article} {kind}, not a regular file", kind)
    if not stat.S_ISREG(mode):
        raise Refused(file, file, "is not a regular file", "not a regular file")
    if size > MAX_FILE_BYTES:
        raise Refused(file, file, f"is larger than {LIMIT_TEXT} ({size} bytes)",
                      f"over {LIMIT_TEXT}")


def _leaves(root: Path, parts: tuple[str, ...], folder: int | None) -> bool:
    """Whether the link `parts` points out of `root` (for the message only: it is refused either
    way, and never followed to read)."""
    try:
        target = os.readlink(parts[-1], dir_fd=folder) if folder is not None else \
            os.readlink(root.joinpath(*parts))
        where = Path(os.path.normpath(root.resolve().joinpath(*parts[:-1], target)))
        return not where.resolve().is_relative_to(root.resolve())
    except (OSError, ValueError, RuntimeError):
        return True


def _open(name: str, flags: int, parts: tuple[str, ...], depth: int, folder: int) -> int:
    try:
        return os.open(name, flags, dir_fd=folder)
    except OSError as error:
        if error.errno in (errno.ELOOP, errno.EMLINK):  # made a link since it was looked at
            shown = "/".join(parts[:depth])
            raise Refused("/".join(parts), shown, "is a symlink", "symlink") from None
        raise


def _read_open(fd: int, parts: tuple[str, ...]) -> bytes:
    """Read what `fd` holds, once fstat says it is a regular file, up to one byte past the limit."""
    file = "/".join(parts)
    try:
        info = os.fstat(fd)
        _check_regular(info.st_mode, info.st_size, file)
        chunks, size = [], 0
        while size <= MAX_FILE_BYTES:
            chunk = os.read(fd, MAX_FILE_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    if size > MAX_FILE_BYTES:  # it grew while it was read
        raise Refused(file, file, f"is larger than {LIMIT_TEXT}", f"over {LIMIT_TEXT}")
    return b"".join(chunks)


def _read_by_path(root: Path, parts: tuple[str, ...]) -> bytes:
    """`read_file` where names cannot be opened relative to a folder (Windows): each name is
    checked with lstat, then the file is opened by its path and checked again with fstat."""
    for depth in range(1, len(parts) + 1):
        _check(os.lstat(root.joinpath(*parts[:depth])), root, parts, depth, None)
    return _read_open(os.open(root.joinpath(*parts), _FILE_FLAGS), parts)
