"""Grade a selection of exercises: checks run in isolated children, results become a Report.

A child that crashes, exits or hangs loses only the check it was running: that check fails with
a message saying how the child ended, and a fresh child runs the checks it did not reach. What a
child sends is held to the results protocol (graders/trust/protocol.py): tampering fails the check it
happened in and stops the child. Children run in the sandbox graders/trust/sandbox.py chooses.
"""

from __future__ import annotations

import importlib
import json
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from graders.causes import with_causes
from graders.check import CheckSpec, specs
from graders.engine import plugin, worker
from graders.engine.definitions import def_lines
from graders.engine.isolation import Ended, Job, run_jobs, start_method
from graders.engine.seeding import seed_of
from graders.registry import Exercise
from graders.results import CheckResult, ExerciseResult, Report
from graders.trust import rules, sandbox
from graders.trust.protocol import CheckKey, Session
from graders.trust.submitted import LIMIT_TEXT, Refused, read_file

# Real seconds a child may go without a valid line that moves grading on (one check running)
# before it is killed: pytest-timeout stops a hanging check first; this stops code that survives
# pytest-timeout.
SILENCE_LIMIT = worker.CHECK_TIMEOUT + 5


def check_specs(exercise: Exercise) -> list[CheckSpec]:
    return specs(importlib.import_module(exercise.checks_module))


@dataclass
class _Grading:
    """The checks of some exercises of one submission, graded in one child at a time.

    Several exercises share a child because starting pytest costs more than most exercises'
    checks. A child that crashes, exits or hangs loses only the check it was running; a child
    that stops cleanly after tampering loses nothing. Either way a fresh child goes on with the
    checks not yet reached.
    """

    name: str
    folder: Path
    exercises: list[Exercise]
    specs: dict[str, list[CheckSpec]]  # by exercise module name
    results: dict[tuple[str, str], CheckResult] = field(default_factory=dict)
    session: Session | None = None  # of the child running now
    attributable: bool = True  # unsigned lines in its pipe can only come from this submission
    seed: int | None = None  # replays a grading (--seed); else each file's own seed
    seeds: dict[str, int] = field(default_factory=dict)  # by module name, read once
    # Files not graded, by file name: why (a link, a FIFO, a device, too large; or what a
    # caller that staged the submission was refused). Their checks fail, naming the file.
    refused: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for exercise in self.exercises:
            # Read once, here, as a submission's files are read (graders/trust/submitted.py):
            # every fresh child of this grading draws the same data, and nothing blocks.
            data, refusal = _read(self.folder, exercise.file_name)
            self.seeds[exercise.module_name] = self.seed if self.seed is not None else seed_of(data)
            refusal = self.refused.get(exercise.file_name) or refusal
            if refusal:
                for spec in self.specs[exercise.module_name]:
                    self.results[_key(exercise, spec)] = _refused(spec, refusal)
        if not hasattr(os, "fork"):  # Windows: say so rather than fail in the checks' probes
            for exercise in self.exercises:
                if exercise.needs_fork:
                    for spec in self.specs[exercise.module_name]:
                        self.results[_key(exercise, spec)] = _needs_fork(spec)

    def missing(self) -> list[tuple[Exercise, CheckSpec]]:
        return [(exercise, spec) for exercise in self.exercises
                for spec in self.specs[exercise.module_name]
                if (exercise.module_name, spec.name) not in self.results]

    def job(self) -> Job:
        todo: dict[str, tuple[Exercise, list[str]]] = {}
        for exercise, spec in self.missing():
            todo.setdefault(exercise.module_name, (exercise, []))[1].append(spec.function)
        plan, folder, seeds = list(todo.values()), self.folder, self.seeds
        key = secrets.token_bytes(32)
        titles = {(exercise.module_name, spec.name): spec.title
                  for exercise, spec in self.missing()}
        self.session = Session(worker.signer(key), titles, self.attributable)
        request = {"plan": [[exercise.number, functions] for exercise, functions in plan],
                   "solutions": str(folder.resolve()), "key": key.hex(), "seeds": seeds,
                   # What this process decided holds in a sandboxed child too.
                   "check_timeout": worker.CHECK_TIMEOUT, "hang_guard": plugin.HANG_GUARD,
                   "rules": rules.ENFORCED}

        def target(fd: int) -> object:
            return worker.run_checks(plan, folder, fd, key, seeds)

        return Job(key=id(self), target=target, time_limit=SILENCE_LIMIT,
                   budget=SILENCE_LIMIT * (len(titles) + 1), listen=self.session.hear,
                   request=json.dumps(request).encode(), solutions=folder,
                   stage=tuple(exercise.file_name for exercise, _ in plan))

    def take(self, ended: Ended) -> list[Job]:
        """Keep what the child sent; blame the check it stopped in; go on with the rest."""
        session = self.session
        assert session is not None
        before = len(self.results)
        for check, result in session.results.items():
            self._keep(check, result)
        missing = self.missing()
        if session.tampering is not None:
            blamed = session.tampering.check or (_key(*missing[0]) if missing else None)
            if blamed is not None:  # None: after its last check, nothing left to blame
                self.results[blamed] = _tampered(self._spec(blamed), session.tampering.message)
        elif missing and not (session.clean_end and len(self.results) > before):
            # It did not stop by itself after progress: blame the check it was in.
            blamed = session.running or _key(*missing[0])
            spec = self._spec(blamed)
            self.results[blamed] = _stopped(spec, ended)
            if ended.killed:
                self._settle_hung(blamed[0], spec)
        return [self.job()] if self.missing() else []

    def _settle_hung(self, module: str, hung: CheckSpec) -> None:
        """Code that could not be interrupted once will not be in a later check that reaches it
        either, and each such check costs the silence limit: the rest of its exercise is not run.
        The other exercises go on in a fresh child."""
        for other, spec in self.missing():
            if other.module_name == module:
                self.results[other.module_name, spec.name] = _not_run(spec, hung)

    def _keep(self, check: CheckKey, result: CheckResult) -> None:
        spec = self._spec(check)
        if check not in self.results:
            # The child's word for points is not trusted: they come from the checks module.
            result.title, result.max_score = spec.title, spec.points
            result.score = spec.points if result.status == "passed" else 0
            self.results[check] = result

    def _spec(self, check: CheckKey) -> CheckSpec:
        return next(spec for spec in self.specs[check[0]] if spec.name == check[1])

    def done(self, exercise: Exercise) -> bool:
        return all((exercise.module_name, spec.name) in self.results
                   for spec in self.specs[exercise.module_name])

    def result(self, exercise: Exercise) -> ExerciseResult:
        path = self.folder / exercise.file_name
        checks = with_causes(exercise, [self.results[exercise.module_name, spec.name]
                                        for spec in self.specs[exercise.module_name]])
        return ExerciseResult(exercise.number, exercise.slug, exercise.title, exercise.file_name,
                              checks, str(path), def_lines(path, exercise.functions),
                              self.seeds[exercise.module_name])


def grade(
    selection: list[Exercise],
    solutions: Path,
    *,
    parallel: int | None = None,
    on_done: Callable[[ExerciseResult], None] | None = None,
    seed: int | None = None,
    sandboxed: bool | None = None,
) -> Report:
    """Grade `selection` against the exercise modules in `solutions`; `seed` replays a grading
    (every exercise draws its data from it instead of from its file); `sandboxed` None: as
    $GRADE_SANDBOX says (unset: off)."""
    done = (lambda _name, result: on_done(result)) if on_done else None
    return grade_many({"": solutions}, selection, parallel=parallel, on_done=done, seed=seed,
                      sandboxed=sandboxed)[""]


def grade_many(
    submissions: dict[str, Path],
    selection: list[Exercise],
    *,
    parallel: int | None = None,
    on_done: Callable[[str, ExerciseResult], None] | None = None,
    seed: int | None = None,
    sandboxed: bool | None = None,
    refused: dict[str, dict[str, str]] | None = None,
) -> dict[str, Report]:
    """Grade several folders of exercise modules at once, `parallel` children at a time;
    `refused` (by submission, by file name: why) are files a caller did not take, whose checks
    fail saying why."""
    plan = {name: (folder, selection) for name, folder in submissions.items()}
    return grade_plan(plan, parallel=parallel, on_done=on_done, seed=seed, sandboxed=sandboxed,
                      refused=refused)


def grade_plan(
    plan: dict[str, tuple[Path, list[Exercise]]],
    *,
    parallel: int | None = None,
    on_done: Callable[[str, ExerciseResult], None] | None = None,
    seed: int | None = None,
    sandboxed: bool | None = None,
    refused: dict[str, dict[str, str]] | None = None,
) -> dict[str, Report]:
    """Grade, for each named submission, its folder on its own selection of exercises; `seed`
    (None: each file's own) is the seed of every exercise's random data; `sandboxed` (None: as
    $GRADE_SANDBOX says) runs the children in the sandbox (SandboxUnavailable if it cannot)."""
    box = sandbox.choose(sandboxed)
    sandbox.refuse_unreadable(box, [folder for folder, _ in plan.values()])
    started = time.monotonic()
    parallel = parallel or os.cpu_count() or 1
    specs = {exercise.module_name: check_specs(exercise)
             for _, selection in plan.values() for exercise in selection}
    # Forked children run the checks in a session configured and collected once, here; a child
    # started with exec (bwrap) makes its own.
    everything = {exercise.module_name: exercise
                  for _, selection in plan.values() for exercise in selection}
    if start_method(box) == "fork":
        worker.prepare(list(everything.values()))
    # Enough children to keep every core busy, and no more: each child starts pytest once.
    gradings = []
    for name, (folder, selection) in plan.items():
        parts = min(len(selection), max(1, -(-parallel // max(1, len(plan)))))
        # Unsigned lines in a child's pipe are that submission's doing unless another
        # submission could have written them (several graded at once, outside the sandbox).
        attributable = box.isolates or len(plan) == 1
        gradings += [_Grading(name, folder, share, specs, seed=seed, attributable=attributable,
                              refused=dict((refused or {}).get(name, {})))
                     for share in _shares(selection, specs, parts)]
    by_key = {id(grading): grading for grading in gradings}
    reported: set[tuple[int, str]] = set()

    def report_done(grading: _Grading) -> None:
        for exercise in grading.exercises:
            key = (id(grading), exercise.module_name)
            if on_done and key not in reported and grading.done(exercise):
                reported.add(key)
                on_done(grading.name, grading.result(exercise))

    def collect(ended: Ended) -> list[Job]:
        grading = by_key[ended.key]  # type: ignore[index]
        follow_up = grading.take(ended)
        report_done(grading)
        return follow_up

    for grading in gradings:  # settled before any child ran (exercises not graded here)
        report_done(grading)
    run_jobs([grading.job() for grading in gradings if grading.missing()], parallel, collect, box)
    seconds = time.monotonic() - started
    reports = {}
    for name, (folder, selection) in plan.items():
        owner = {ex.module_name: g for g in gradings if g.name == name for ex in g.exercises}
        results = [owner[ex.module_name].result(ex) for ex in selection]
        reports[name] = Report(results, str(folder), seconds)
    return reports


def _shares(selection: list[Exercise], specs: dict[str, list[CheckSpec]],
            parts: int) -> list[list[Exercise]]:
    """`selection` dealt into `parts` children that end about together: the exercise with the
    most checks first, each to the child with the fewest checks so far. (An exercise stays in
    one child: once its code hangs, its later checks there say so at once.)"""
    shares: list[list[Exercise]] = [[] for _ in range(parts)]
    counts = [0] * parts
    for exercise in sorted(selection, key=lambda ex: -len(specs[ex.module_name])):
        least = counts.index(min(counts))
        shares[least].append(exercise)
        counts[least] += len(specs[exercise.module_name])
    return [sorted(share, key=selection.index) for share in shares]


def _read(folder: Path, file_name: str) -> tuple[bytes, str | None]:
    """The graded file's bytes (nothing when absent), and why it is refused, if it is."""
    try:
        return read_file(folder, file_name), None
    except Refused as error:  # it names the file and says why
        return b"", str(error)
    except OSError:  # absent or unreadable: the child says so, as it always has
        return b"", None


def _key(exercise: Exercise, spec: CheckSpec) -> CheckKey:
    return exercise.module_name, spec.name


def _tampered(spec: CheckSpec, message: str) -> CheckResult:
    return CheckResult(spec.name, spec.title, "failed", 0, spec.points, message=message)


def _refused(spec: CheckSpec, why: str) -> CheckResult:
    return CheckResult(spec.name, spec.title, "failed", 0, spec.points, message=(
        f"{why}. Grading reads only regular files inside the submission's folder, of at most "
        f"{LIMIT_TEXT}: no symlink, FIFO or device. Put the file itself there."))


def _needs_fork(spec: CheckSpec) -> CheckResult:
    return CheckResult(spec.name, spec.title, "error", 0, spec.points, message=(
        "Not graded on this computer: this exercise's checks start worker processes by fork, "
        "which Windows does not have. Grade it in WSL (or on Linux or macOS); the other "
        "exercises grade here as usual."))


def _not_run(spec: CheckSpec, hung: CheckSpec) -> CheckResult:
    return CheckResult(spec.name, spec.title, "timeout", 0, spec.points, message=(
        f"Not run: your code hung in the check \"{hung.title}\" and could not be interrupted, so "
        f"the rest of this exercise was not graded. Fix that hang, then grade again."))


def _stopped(spec: CheckSpec, ended: Ended) -> CheckResult:
    result = CheckResult(spec.name, spec.title, "error", 0, spec.points)
    if ended.killed:
        result.status = "timeout"
        result.message = (f"Grading stopped this check: {ended.describe()} without a result. "
                          f"Your code hangs and did not stop when interrupted - does it catch "
                          f"BaseException (or CancelledError) and carry on, or block signals?")
    else:
        result.message = (f"Grading stopped during this check: {ended.describe()}. Your code may "
                          f"have called os._exit(), crashed the interpreter or run out of memory.")
    return result
