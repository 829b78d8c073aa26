"""What the class report says, counted from the results model: per exercise how many submitted,
started and passed it, its scores, each check's pass rate and the causes that cost students
points; and the causes to reteach first. Counting only: no formatting, no code run."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from graders.results import Cause, ClassResults, ExerciseHeading, ExerciseResult, Submitted

# Causes that mean no file of the student's was there to judge (not submitted, not "not started").
NOT_SUBMITTED = frozenset({"file-missing", "file-refused"})
RETEACH = 5  # causes in the "reteach first" list


@dataclass
class CauseCount:
    cause: Cause
    exercise: int
    students: list[str] = field(default_factory=list)  # each once, in gradebook order
    points: float = 0.0  # lost to it, over the class
    example: str = ""  # one message it produced (the first student's)

    @property
    def count(self) -> int:
        return len(self.students)


@dataclass
class CheckRate:
    name: str
    title: str
    passed: int
    graded: int

    @property
    def rate(self) -> float:
        return self.passed / self.graded if self.graded else 0.0


@dataclass
class ExerciseStats:
    heading: ExerciseHeading
    submitted: int = 0
    started: int = 0
    passed: int = 0
    scores: Counter[float] = field(default_factory=Counter)  # score -> submissions (submitted ones)
    checks: list[CheckRate] = field(default_factory=list)
    causes: list[CauseCount] = field(default_factory=list)  # most students first


@dataclass
class ClassStats:
    students: int
    exercises: list[ExerciseStats]
    reteach: list[CauseCount]  # across exercises, most students first


def state(result: ExerciseResult | None) -> str:
    """'missing', 'not started' (the stub as handed out), 'started' or 'passed'."""
    if result is None:
        return "missing"
    failed = [check for check in result.checks if not check.passed]
    if failed and all(check.cause is not None and check.cause.id in NOT_SUBMITTED for check in failed):
        return "missing"
    if result.passed:
        return "passed"
    if all(check.cause is not None and check.cause.kind == "unattempted" for check in failed):
        return "not started"
    return "started"


def _result(submission: Submitted, number: int) -> ExerciseResult | None:
    if submission.report is None:
        return None
    return next((result for result in submission.report.exercises if result.number == number), None)


def exercise_stats(heading: ExerciseHeading, submissions: list[Submitted]) -> ExerciseStats:
    stats = ExerciseStats(heading)
    passes: Counter[str] = Counter()
    causes: dict[str, CauseCount] = {}
    for submission in submissions:
        result = _result(submission, heading.number)
        found = state(result)
        if result is None or found == "missing":
            continue
        stats.submitted += 1
        stats.started += found in ("started", "passed")
        stats.passed += found == "passed"
        stats.scores[result.score] += 1
        passes.update(check.name for check in result.checks if check.passed)
        _count_causes(causes, heading.number, submission.name, result)
    stats.checks = [CheckRate(name, title, passes[name], stats.submitted)
                    for name, title in heading.checks]
    stats.causes = sorted(causes.values(), key=_weight)
    return stats


def _count_causes(causes: dict[str, CauseCount], number: int, name: str,
                  result: ExerciseResult) -> None:
    """Each cause that cost this submission points, counted once for it (however many checks)."""
    for check in result.checks:
        cause = check.cause
        if check.passed or cause is None or cause.kind != "mistake":
            continue
        counted = causes.setdefault(cause.id, CauseCount(cause, number, example=check.message))
        if not counted.students or counted.students[-1] != name:
            counted.students.append(name)
        counted.points += check.max_score - check.score


def _weight(count: CauseCount) -> tuple[int, float, int, str]:
    return -count.count, -count.points, count.exercise, count.cause.id


def class_stats(results: ClassResults) -> ClassStats:
    exercises = [exercise_stats(heading, results.submissions) for heading in results.exercises]
    every = [count for stats in exercises for count in stats.causes]
    return ClassStats(len(results.submissions), exercises, sorted(every, key=_weight)[:RETEACH])
