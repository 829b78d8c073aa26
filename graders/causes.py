"""Why a check failed, as data: each exercise's catalogue of causes, and the cause of a result.

An exercise's catalogue is `graders/checks/exNN_slug.causes.toml`, beside its checks module (the
registry finds it; adding an exercise adds its file and no code here). Each `[[cause]]` has a
stable `id`, a short `name`, the `lesson` sentence it breaks (quoted from the stub's docstring)
and the `checks` it explains. A cause without `when` is the default of its checks: each check has
exactly one. A cause with `when` (phrases of the message, as a known mistake's `says:` names
them) wins over the default when the message says one of them: one check, distinct causes.
`checks = ["*"]` means every check of the exercise. `graders/checks/common.causes.toml` holds the
kit-wide causes (the stub as handed out, a missing file, a crash), tried after the exercise's own
`when` causes and before its defaults.

The engine attaches the cause to each result as it assembles an exercise's results; a renderer
only reads it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from graders.registry import COMMON_CAUSES_PATH, Exercise
from graders.results import Cause, CheckResult

ANY_CHECK = "*"


@dataclass(frozen=True)
class Entry:
    cause: Cause
    checks: tuple[str, ...]
    when: tuple[str, ...] = ()  # phrases of the message (case does not matter); () = default

    def explains(self, check: CheckResult) -> bool:
        if ANY_CHECK not in self.checks and check.name not in self.checks:
            return False
        message = check.message.lower()
        return not self.when or any(phrase.lower() in message for phrase in self.when)


@dataclass(frozen=True)
class Catalogue:
    entries: tuple[Entry, ...]  # the exercise's own
    common: tuple[Entry, ...] = ()  # the kit's, for every exercise

    @property
    def causes(self) -> dict[str, Cause]:
        """Every cause a result of this exercise can carry, by id."""
        return {entry.cause.id: entry.cause for entry in (*self.entries, *self.common)}

    def cause_of(self, check: CheckResult) -> Cause | None:
        """The cause of a failed check: the exercise's `when` causes, then the kit's, then the
        check's default (None for a passed check, or one no entry explains)."""
        if check.passed:
            return None
        ordered = ([entry for entry in self.entries if entry.when], list(self.common),
                   [entry for entry in self.entries if not entry.when])
        for entries in ordered:
            for entry in entries:
                if entry.explains(check):
                    return entry.cause
        return None


def read(path: Path) -> tuple[Entry, ...]:
    """The entries of one catalogue file (none when it does not exist)."""
    if not path.is_file():
        return ()
    with path.open("rb") as source:
        listed = tomllib.load(source).get("cause", [])
    return tuple(
        Entry(Cause(item["id"], item["name"], " ".join(item.get("lesson", "").split()),
                    item.get("kind", "mistake")),
              tuple(item.get("checks", (ANY_CHECK,))), tuple(item.get("when", ())))
        for item in listed)


@cache
def catalogue(exercise: Exercise) -> Catalogue:
    return Catalogue(read(exercise.causes_path), read(COMMON_CAUSES_PATH))


def with_causes(exercise: Exercise, checks: list[CheckResult]) -> list[CheckResult]:
    """`checks`, each carrying its cause from the exercise's catalogue (whatever a grading child
    sent in its place: the cause is the catalogue's word, not the child's)."""
    found = catalogue(exercise)
    return [replace(check, cause=found.cause_of(check)) for check in checks]
