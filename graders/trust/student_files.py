"""Which files are the student's: the folder being graded, set once in each grading child.

Every layer that must tell the student's code from the grader's asks `is_student_file`: the
probes (to point at the student's lines), the audit hook (to blame a frame), the rules.
"""

from __future__ import annotations

import functools
from pathlib import Path

__all__ = ["is_student_file", "set_solutions_dir", "solutions_dir"]

_solutions_dir: Path | None = None


def set_solutions_dir(path: Path) -> None:
    global _solutions_dir
    _solutions_dir = path.resolve()
    is_student_file.cache_clear()


def solutions_dir() -> Path:
    if _solutions_dir is None:
        raise RuntimeError("the solutions folder was not set")
    return _solutions_dir


@functools.lru_cache(maxsize=4096)  # asked for every frame of every task: resolve each file once
def is_student_file(filename: str) -> bool:
    try:
        return Path(filename).resolve().is_relative_to(solutions_dir())
    except (OSError, RuntimeError):
        return False
