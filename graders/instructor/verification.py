"""Verify the kit itself: every check passes the reference and fails the stub and each known mistake.

For each exercise: the reference gets full marks, the stub gets zero (every check says "not
written yet"), every mutant fails the checks its docstring names with a message containing its
`says:` phrase, every correct alternative gets full marks, the stub and the reference have the
same public API (read with `ast`: the reference is never imported here), the stub's docstring
holds a lesson and the checks module holds at least two HINTS, each check with a hint and each
hint about a check. Grading runs `repeat` times, so a verdict that changes from run to run shows
up as a flaky check.

This module produces a `Verification`; it formats nothing for people.
"""

from __future__ import annotations

import ast
import importlib
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from graders import hints as hint_rules
from graders.check import CheckSpec, specs
from graders.engine.runner import grade_many
from graders.instructor import api
from graders.instructor.mutants import (
    CORRECT_DIR,
    MUTANTS_DIR,
    Mutant,
    exercise_for,
    mutant_files,
    read_mutant,
)
from graders.registry import KIT_ROOT, Exercise, by_number
from graders.results import ExerciseResult

LESSON_SECTIONS = ("What it is", "Why it matters", "Your task", "Example")
MIN_HINTS = 2
NOT_WRITTEN = "not written yet"

Fault = tuple[str, str]  # (what is wrong - the same in every run, a detail such as the message)


@dataclass
class Tally:
    good: int = 0
    total: int = 0

    @property
    def ok(self) -> bool:
        return self.good == self.total


@dataclass
class ExerciseVerification:
    exercise: Exercise
    checks: int = 0
    max_score: float = 0
    reference_score: float | None = None  # its worst run
    stub_score: float | None = None  # its best run
    mutants: Tally = field(default_factory=Tally)
    correct: Tally = field(default_factory=Tally)
    api_ok: bool = False
    lesson_ok: bool = False
    hints: int = 0
    hints_tied: bool = True  # every check has a hint, every hint is about a check
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems

    @property
    def hints_ok(self) -> bool:
        return self.hints >= MIN_HINTS and self.hints_tied


@dataclass
class Verification:
    exercises: list[ExerciseVerification]
    repeat: int
    problems: list[str] = field(default_factory=list)  # not tied to one exercise
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems and all(result.passed for result in self.exercises)


@dataclass
class Material:
    """The known mistakes and correct alternatives found, by exercise module name."""

    mutants: dict[str, list[Mutant]] = field(default_factory=dict)
    correct: dict[str, list[Path]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    unregistered: set[Path] = field(default_factory=set)  # folders named after no exercise
    have_mutants: bool = True


def shown(path: Path) -> str:
    """`path` relative to the kit when it lies inside it."""
    return str(path.relative_to(KIT_ROOT)) if path.is_relative_to(KIT_ROOT) else str(path)


def verify(
    selection: list[Exercise],
    stubs: Path,
    reference: Path,
    *,
    mutants_root: Path = MUTANTS_DIR,
    correct_root: Path = CORRECT_DIR,
    repeat: int = 1,
    parallel: int | None = None,
    on_exercise: Callable[[ExerciseVerification], None] | None = None,
) -> Verification:
    """Verify `selection` against the stubs and reference in the given folders."""
    material = find_material(mutants_root, correct_root)
    verification = Verification([], repeat, list(material.problems), notes(material, mutants_root))
    with tempfile.TemporaryDirectory(prefix="grade-verify-") as scratch:
        for exercise in selection:
            result = verify_exercise(exercise, stubs, reference, material, Path(scratch),
                                     repeat, parallel)
            verification.exercises.append(result)
            if on_exercise:
                on_exercise(result)
    return verification


def notes(material: Material, mutants_root: Path) -> list[str]:
    found = [f"{shown(folder)} is named after no exercise in graders/exercises.toml: skipped"
             for folder in sorted(material.unregistered)]
    if not material.have_mutants:
        found.append(f"There are no mutants here ({shown(mutants_root)} does not exist, as in an "
                     f"exported student copy): known mistakes were not checked.")
    return found


def find_material(mutants_root: Path, correct_root: Path) -> Material:
    material = Material(have_mutants=mutants_root.is_dir())
    for path in mutant_files(mutants_root):
        if registered(path, material):
            try:
                mutant = read_mutant(path)
            except (OSError, UnicodeDecodeError) as error:
                material.problems.append(f"mutant {shown(path)} cannot be read: {error}")
                continue
            material.mutants.setdefault(mutant.exercise.module_name, []).append(mutant)
    for path in sorted(correct_root.glob("ex*/*.py")):
        if registered(path, material):
            material.correct.setdefault(path.parent.name, []).append(path)
    return material


def registered(path: Path, material: Material) -> bool:
    """Whether `path` lies in a folder named after an exercise; remembers the folder if not."""
    try:
        exercise_for(path.parent.name)
    except LookupError:
        material.unregistered.add(path.parent)
        return False
    return True


def verify_exercise(exercise: Exercise, stubs: Path, reference: Path, material: Material,
                    scratch: Path, repeat: int, parallel: int | None) -> ExerciseVerification:
    result = ExerciseVerification(exercise)
    stub_file, reference_file = stubs / exercise.file_name, reference / exercise.file_name
    result.problems += [f"there is no file {shown(path)}"
                        for path in (stub_file, reference_file) if not path.is_file()]
    stub_tree, reference_tree = parse(result, stub_file, "stub"), parse(result, reference_file, "reference")
    check_lesson(result, stub_tree)
    check_api(result, stub_tree, reference_tree)
    exercise_specs = load_checks(result)
    mutants = material.mutants.get(exercise.module_name, [])
    if material.have_mutants and not mutants:
        result.problems.append(f"no mutants: add known mistakes to tests/mutants/{exercise.module_name}/")
    if exercise_specs:
        subjects = grading_subjects(exercise, stub_file, reference_file, mutants,
                                    material.correct.get(exercise.module_name, []), scratch)
        graded = run_all(exercise, subjects, repeat, parallel)
        judge(result, exercise_specs, mutants, graded, repeat)
    return result


def check_lesson(result: ExerciseVerification, stub_tree: ast.Module | None) -> None:
    if stub_tree is None:
        return
    lesson = ast.get_docstring(stub_tree) or ""
    if not lesson.strip():
        result.problems.append("the stub has no lesson (its module docstring is empty)")
        return
    missing = [section for section in LESSON_SECTIONS if section not in lesson]
    if missing:
        result.problems.append(f"the lesson lacks the section(s) {', '.join(map(repr, missing))}")
    result.lesson_ok = not missing


def parse(result: ExerciseVerification, path: Path, what: str) -> ast.Module | None:
    if not path.is_file():
        return None
    try:
        return ast.parse(path.read_text(encoding="utf-8"), str(path))
    except (SyntaxError, UnicodeDecodeError, OSError) as error:
        result.problems.append(f"the {what} {shown(path)} cannot be read: {error}")
        return None


def check_api(result: ExerciseVerification, stub_tree: ast.Module | None,
              reference_tree: ast.Module | None) -> None:
    if stub_tree is None or reference_tree is None:
        return
    stub_api = api.api_of_tree(stub_tree)
    found = api.differences(stub_api, api.api_of_tree(reference_tree))
    found += [f"the registry names `{name}` but the stub does not define it"
              for name in result.exercise.functions if name not in stub_api]
    result.problems += [f"API: {difference}" for difference in found]
    result.api_ok = not found


def load_checks(result: ExerciseVerification) -> list[CheckSpec]:
    """The exercise's checks; also counts its HINTS. Empty (with a problem) if it cannot load."""
    exercise = result.exercise
    if not exercise.checks_path.is_file():
        result.problems.append(f"there is no checks module {shown(exercise.checks_path)}")
        return []
    try:
        module = importlib.import_module(exercise.checks_module)
    except Exception as error:  # noqa: BLE001 - any failure to import is the finding
        result.problems.append(f"{exercise.checks_module} does not import: {type(error).__name__}: {error}")
        return []
    hints = hint_rules.parse(getattr(module, "HINTS", None))
    result.hints = sum(bool(hint.text.strip()) for hint in hints)
    if result.hints < MIN_HINTS:
        result.problems.append(f"{result.hints} hint(s) in HINTS of {shown(exercise.checks_path)}; "
                               f"write at least {MIN_HINTS}")
    found = specs(module)
    checked = tuple(hint_rules.Checked(spec.name, spec.title) for spec in found)
    untied = hint_rules.problems(hints, checked, exercise.functions)
    result.hints_tied = not untied
    result.problems += [f"{shown(exercise.checks_path)}: {problem}" for problem in untied]
    result.checks, result.max_score = len(found), sum(spec.points for spec in found)
    if not found:
        result.problems.append(f"{shown(exercise.checks_path)} declares no @check")
    return found


def mutant_fields(mutant: Mutant, exercise_specs: list[CheckSpec]) -> list[str]:
    names = {spec.name for spec in exercise_specs}
    found = [f"mutant {mutant.path.stem} names no check in 'fails:'"] if not mutant.fails else []
    found += [f"mutant {mutant.path.stem} names no phrase in 'says:'"] if not mutant.says else []
    found += [f"mutant {mutant.path.stem} names `{name}` in 'fails:', which is no check"
              for name in mutant.fails if name not in names]
    found += [f"mutant {mutant.path.stem} names `{name}` in 'passes:', which is no check"
              for name in mutant.passes if name not in names]
    return found


def grading_subjects(exercise: Exercise, stub_file: Path, reference_file: Path, mutants: list[Mutant],
                     correct: list[Path], scratch: Path) -> dict[str, Path]:
    """A folder to grade for each label: `reference`, `stub`, `mutant:NAME`, `correct:NAME`."""
    subjects = {label: path.parent for label, path in
                (("reference", reference_file), ("stub", stub_file)) if path.is_file()}
    singles = [(f"mutant:{mutant.path.stem}", mutant.path) for mutant in mutants]
    singles += [(f"correct:{path.stem}", path) for path in correct]
    for label, source in singles:
        folder = scratch / exercise.module_name / label.replace(":", "-")
        folder.mkdir(parents=True)
        shutil.copy(source, folder / exercise.file_name)
        subjects[label] = folder
    return subjects


def run_all(exercise: Exercise, subjects: dict[str, Path], repeat: int,
            parallel: int | None) -> dict[str, list[ExerciseResult]]:
    """Grade every subject `repeat` times, all in one batch; results by label."""
    folders = {f"{label}#{run}": folder for label, folder in subjects.items() for run in range(repeat)}
    # Several children per core by default: mutants caught by a hang guard spend it waiting.
    reports = grade_many(folders, [exercise], parallel=parallel or 4 * (os.cpu_count() or 1))
    results: dict[str, list[ExerciseResult]] = {label: [] for label in subjects}
    for key, report in reports.items():
        results[key.rsplit("#", 1)[0]].append(report.exercises[0])
    return results


def judge(result: ExerciseVerification, exercise_specs: list[CheckSpec], mutants: list[Mutant],
          graded: dict[str, list[ExerciseResult]], repeat: int) -> None:
    if "reference" in graded:
        result.reference_score = min(run.score for run in graded["reference"])
        result.problems += summarize([reference_faults("the reference", run)
                                      for run in graded["reference"]], repeat)
    if "stub" in graded:
        result.stub_score = max(run.score for run in graded["stub"])
        result.problems += summarize([stub_faults(run) for run in graded["stub"]], repeat)
    for mutant in mutants:
        runs = graded[f"mutant:{mutant.path.stem}"]
        found = mutant_fields(mutant, exercise_specs)
        found += summarize([mutant_faults(mutant, run) for run in runs], repeat)
        tally(result.mutants, found, result.problems)
    for label in (label for label in graded if label.startswith("correct:")):
        what = f"correct alternative {label.removeprefix('correct:')}"
        tally(result.correct, summarize([reference_faults(what, run) for run in graded[label]], repeat),
              result.problems)


def tally(counter: Tally, found: list[str], problems: list[str]) -> None:
    counter.total += 1
    counter.good += not found
    problems += found


def reference_faults(what: str, run: ExerciseResult) -> list[Fault]:
    return [(f"{what} fails `{check.name}`", check.message) for check in run.checks if not check.passed]


def stub_faults(run: ExerciseResult) -> list[Fault]:
    found: list[Fault] = [(f"the stub passes `{check.name}`", "") for check in run.checks if check.passed]
    if by_number(run.number).broken_stub:  # a program with planted mistakes: its checks name them
        return found
    found += [(f"the stub's `{check.name}` does not say '{NOT_WRITTEN}'", check.message)
              for check in run.checks if not check.passed and NOT_WRITTEN not in check.message]
    return found


def mutant_faults(mutant: Mutant, run: ExerciseResult) -> list[Fault]:
    by_name = {check.name: check for check in run.checks}
    found: list[Fault] = []
    for name in (name for name in mutant.fails if name in by_name):
        check = by_name[name]
        if check.passed:
            found.append((f"mutant {mutant.path.stem} passes `{name}`", ""))
        elif mutant.says.lower() not in check.message.lower():
            found.append((f"mutant {mutant.path.stem} fails `{name}` without saying {mutant.says!r}",
                          check.message))
    found += [(f"mutant {mutant.path.stem} fails `{name}`, a check its one mistake must not cost",
               by_name[name].message)
              for name in mutant.passes if name in by_name and not by_name[name].passed]
    return found


def summarize(runs: list[list[Fault]], repeat: int) -> list[str]:
    """One line per distinct fault, saying in how many runs it happened when there were several."""
    counts: dict[str, int] = {}
    details: dict[str, str] = {}
    for faults in runs:
        for what, detail in dict(faults).items():
            counts[what] = counts.get(what, 0) + 1
            details.setdefault(what, detail)
    return [what + how_often(counts[what], repeat) + (f": {brief(details[what])}" if details[what] else "")
            for what in counts]


def how_often(count: int, repeat: int) -> str:
    if repeat == 1:
        return ""
    if count == repeat:
        return " in every run"
    return f" in {count} of {repeat} runs (flaky)"


def brief(message: str, limit: int = 160) -> str:
    line = " ".join(message.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"
