"""Seeds for the random data checks draw: the same file gets the same data, every run.

An exercise's seed is read off the graded file's bytes (or given with `grade --seed N` to replay a
grading); each check draws from `graders.probes.inputs.rng` seeded with that seed and the check's
own name, so a check's data does not depend on which checks ran before it in the same child.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from graders.probes import inputs
from graders.trust.submitted import read_file

SEED_BITS = 32  # short enough to type after --seed, plenty to tell submissions apart


def seed_of_file(path: Path) -> int:
    """The seed of a graded file: a hash of its bytes (of nothing when it cannot be read, or
    may not be: a link, a FIFO, a device, a file over the limit; graders/trust/submitted.py)."""
    try:
        data = read_file(path.parent, path.name)
    except OSError:
        data = b""
    return seed_of(data)


def seed_of(data: bytes) -> int:
    """The seed of a graded file whose bytes are `data`."""
    return int.from_bytes(hashlib.sha256(data).digest()[: SEED_BITS // 8], "big")


def check_seed(exercise_seed: int, check_name: str) -> str:
    # random.seed hashes a str with SHA-512: the same on every run, whatever PYTHONHASHSEED is.
    return f"{exercise_seed}:{check_name}"


class Seeds:
    """A pytest plugin that seeds `inputs.rng` before each check (its fixtures included)."""

    def __init__(self, by_module: dict[str, int]) -> None:
        self.by_module = by_module

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        module = item.module.__name__.rsplit(".", 1)[-1]  # type: ignore[attr-defined]
        name = item.name.removeprefix("test_")
        inputs.rng.seed(check_seed(self.by_module.get(module, 0), name))
