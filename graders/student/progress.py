"""The student's progress between runs, kept in `.grade/` at the kit root (git-ignored).

After every grading of the student's own `exercises/` folder the CLI records, per exercise, the
score, the checks that failed and a SHA-256 of the file that was graded (`results.json`), and
which exercise a grading of a single exercise was about (`last.json`); `grade hint` records which
hints were shown (`hints.json`). Grading another folder (`--solutions`) records nothing.

An exercise's status, without grading:
- done: its last grading passed every check and the file has not changed since;
- not started: every function the student writes (`functions` in exercises.toml) is still the
  stub's `raise NotImplementedError` (read with `ast`, so no stored copy of the stubs is needed
  and editing only the docstring or imports does not count). A broken stub (`stub = "broken"`,
  a program with planted mistakes) cannot be told apart that way: it is not started while its
  file is the one first seen by a `grade` command (`stubs.json`), so editing it before ever
  running `grade` makes that edited file count as the stub;
- missing: there is no such file (deleted or renamed);
- started: anything else (written, or passed but edited since: `grade exercise N` tells).

The exercise the student is on (`current`): the one they last graded on its own, while it does not
pass; otherwise the first exercise not done. `grade`, `grade hint` and `grade watch` without a
number all mean that one.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from graders.registry import EXERCISES_DIR, KIT_ROOT, Exercise, exercises, relative
from graders.results import Report
from graders.trust.submitted import read_file

# GRADE_STATE_DIR moves it (the kit's own tests keep it in a temporary folder).
STATE_DIR = Path(os.environ.get("GRADE_STATE_DIR") or KIT_ROOT / ".grade")
RESULTS_FILE = "results.json"
HINTS_FILE = "hints.json"
BASELINES_FILE = "stubs.json"
LAST_FILE = "last.json"

Status = Literal["done", "started", "not started", "missing"]


@dataclass(frozen=True)
class Graded:
    """The last grading of one exercise."""

    score: float
    max_score: float
    passed: bool
    digest: str  # SHA-256 of the file that was graded
    failing: tuple[tuple[str, str], ...] = ()  # (name, title) of each check that failed, in order


@dataclass(frozen=True)
class Progress:
    exercise: Exercise
    status: Status
    graded: Graded | None
    changed: bool  # the file differs from the one last graded

    @property
    def path(self) -> Path:
        return EXERCISES_DIR / self.exercise.file_name


@dataclass(frozen=True)
class Snapshot:
    """The student's files as they were when a grading started."""

    digests: dict[int, str]


def digest(path: Path) -> str:
    try:
        return hashlib.sha256(read_file(path.parent, path.name)).hexdigest()  # never blocks
    except OSError:
        return ""


def snapshot(selection: list[Exercise], folder: Path) -> Snapshot | None:
    """Fingerprints of the files about to be graded; None unless `folder` is the student's."""
    if folder.resolve() != EXERCISES_DIR.resolve():
        return None
    baselines(selection)
    return Snapshot({exercise.number: digest(folder / exercise.file_name) for exercise in selection})


def remember(report: Report, seen: Snapshot | None) -> str | None:
    """Record `report` (graded from `seen`); a problem to warn about, or None."""
    if seen is None:
        return None
    results = _read(RESULTS_FILE)
    for exercise in report.exercises:
        results[str(exercise.number)] = {
            "score": exercise.score, "max_score": exercise.max_score, "passed": exercise.passed,
            "digest": seen.digests.get(exercise.number, ""),
            "failing": [[check.name, check.title] for check in exercise.checks if not check.passed],
        }
    problem = _write(RESULTS_FILE, results)
    if len(report.exercises) == 1:
        problem = _write(LAST_FILE, {"exercise": report.exercises[0].number}) or problem
    return problem


def last_results() -> dict[int, Graded]:
    found: dict[int, Graded] = {}
    for key, entry in _read(RESULTS_FILE).items():
        try:
            found[int(key)] = Graded(float(entry["score"]), float(entry["max_score"]),
                                     bool(entry["passed"]), str(entry["digest"]),
                                     _failing(entry.get("failing", [])))
        except (KeyError, TypeError, ValueError, AttributeError):
            continue
    return found


def _failing(value: Any) -> tuple[tuple[str, str], ...]:
    return tuple((str(pair[0]), str(pair[1])) for pair in value
                 if isinstance(pair, list) and len(pair) == 2)


def last_graded() -> int | None:
    """The exercise of the last grading of a single exercise, if any."""
    value = _read(LAST_FILE).get("exercise")
    return value if isinstance(value, int) else None


def progress_of(exercise: Exercise, graded: Graded | None, baseline: str | None = None) -> Progress:
    path = EXERCISES_DIR / exercise.file_name
    current = digest(path)
    changed = graded is not None and current != graded.digest
    if not path.is_file() and not path.is_symlink():
        status: Status = "missing"
    elif graded is not None and graded.passed and not changed:
        status = "done"
    elif (current == baseline) if exercise.broken_stub else untouched(path, exercise.functions):
        status = "not started"
    else:
        status = "started"
    return Progress(exercise, status, graded, changed)


def overview() -> list[Progress]:
    """Every registered exercise's progress, in order; reads files, never grades."""
    graded, first_seen = last_results(), baselines(exercises())
    return [progress_of(exercise, graded.get(exercise.number), first_seen.get(str(exercise.number)))
            for exercise in exercises()]


def baselines(selection: Iterable[Exercise]) -> dict[str, str]:
    """Digests of the broken stubs as first seen, recorded now for those never seen before."""
    known = _read(BASELINES_FILE)
    new = {str(exercise.number): digest(EXERCISES_DIR / exercise.file_name)
           for exercise in selection if exercise.broken_stub and str(exercise.number) not in known}
    new = {number: value for number, value in new.items() if value}
    if new:
        known.update(new)
        _write(BASELINES_FILE, known)
    return known


def next_up(items: list[Progress]) -> Progress | None:
    """The first exercise not done, or None when all are."""
    return next((item for item in items if item.status != "done"), None)


def current(items: list[Progress]) -> Progress | None:
    """The exercise the student is on: the one last graded on its own while it does not pass,
    else the first not done; None when all are done."""
    last = last_graded()
    on = next((item for item in items if item.exercise.number == last), None)
    if on is not None and on.status != "done":
        return on
    return next_up(items)


def untouched(path: Path, functions: tuple[str, ...]) -> bool:
    """True if `path` is missing or each of `functions` (all its functions if none are named)
    still only raises NotImplementedError, as the stub does."""
    try:
        tree = ast.parse(read_file(path.parent, path.name))  # never a FIFO or /dev/zero
    except OSError:
        return True
    except (SyntaxError, ValueError):
        return False
    defined = {node.name: node for node in tree.body
               if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)}
    names = functions or tuple(defined)
    return bool(names) and all(name in defined and _is_stub(defined[name]) for name in names)


def _is_stub(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> bool:
    if isinstance(node, ast.ClassDef):  # a class is a stub while its methods (but __init__) are
        methods = [item for item in node.body if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
                   and item.name != "__init__"]
        return bool(methods) and all(_is_stub(method) for method in methods)
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # a docstring
    if len(body) != 1 or not isinstance(body[0], ast.Raise) or body[0].exc is None:
        return False
    raised = body[0].exc.func if isinstance(body[0].exc, ast.Call) else body[0].exc
    return isinstance(raised, ast.Name) and raised.id == "NotImplementedError"


def hints_shown(number: int) -> set[int]:
    """Which hints of exercise `number` were shown, by their place in its HINTS (1 is the first,
    counting every key's hints in order).
    (An older `.grade/` kept only the highest level, meaning every hint up to it.)"""
    value = _read(HINTS_FILE).get(str(number), [])
    if isinstance(value, int):
        return set(range(1, value + 1))
    return {item for item in value if isinstance(item, int)} if isinstance(value, list) else set()


def remember_hint(number: int, hints: Iterable[int]) -> str | None:
    """Record that `hints` (places in HINTS) of exercise `number` were shown."""
    shown = _read(HINTS_FILE)
    shown[str(number)] = sorted(hints_shown(number) | set(hints))
    return _write(HINTS_FILE, shown)


def _read(name: str) -> dict[str, Any]:
    try:
        data = json.loads((STATE_DIR / name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write(name: str, data: dict[str, Any]) -> str | None:
    target = STATE_DIR / name
    try:
        STATE_DIR.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".tmp")
        partial.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(partial, target)
    except OSError as error:
        return f"cannot save progress in {relative(STATE_DIR)}: {error.strerror}"
    return None
