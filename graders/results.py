"""The results model: what the runner produces and every renderer reads."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Status = Literal["passed", "failed", "error", "timeout"]


@dataclass
class Location:
    """A place in the student's file that a message refers to."""

    file: str
    line: int


@dataclass(frozen=True)
class Cause:
    """Why a check failed, as data: an entry of the exercise's catalogue of causes
    (graders/checks/exNN_slug.causes.toml, read by graders/causes.py)."""

    id: str  # stable, e.g. "sequential-awaits"
    name: str  # short, for people: "Requests made one at a time"
    lesson: str  # the sentence of the lesson (the stub's docstring) it breaks; "" for kit-wide
    # "mistake": the code does something the lesson rules out; "unattempted": there was nothing
    # to judge (the stub as handed out, no file): counted as not started, never as a mistake.
    kind: str = "mistake"


@dataclass
class CheckResult:
    name: str
    title: str
    status: Status
    score: float
    max_score: float
    message: str = ""
    location: Location | None = None
    # Measured intervals and other figures a renderer may draw (e.g. a timeline).
    details: dict[str, Any] = field(default_factory=dict)
    # What the student's code printed during the check (bounded; its own word, shown to the
    # student as such and never part of a machine report).
    printed: str = ""
    # Why it failed (None while it passes, or when no catalogue names a cause for it).
    cause: Cause | None = None

    @property
    def passed(self) -> bool:
        return self.status == "passed"


@dataclass
class ExerciseResult:
    number: int
    slug: str
    title: str
    file: str
    checks: list[CheckResult]
    # The graded file as the runner found it, and the line of each `def` of the student's
    # functions named in the registry (read from the file by the engine, never run): what
    # annotations point at when a check has no location of its own.
    path: str = ""
    functions: dict[str, int] = field(default_factory=dict)
    # What the checks' random data was drawn from: `grade --seed N` replays the grading.
    seed: int | None = None

    @property
    def score(self) -> float:
        return sum(check.score for check in self.checks)

    @property
    def max_score(self) -> float:
        return sum(check.max_score for check in self.checks)

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)


@dataclass
class Report:
    exercises: list[ExerciseResult]
    solutions: str = ""
    seconds: float = 0.0

    @property
    def score(self) -> float:
        return sum(exercise.score for exercise in self.exercises)

    @property
    def max_score(self) -> float:
        return sum(exercise.max_score for exercise in self.exercises)

    @property
    def passed(self) -> bool:
        return all(exercise.passed for exercise in self.exercises)

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "max_score": self.max_score,
            "exercises": [
                {
                    "number": exercise.number,
                    "slug": exercise.slug,
                    "title": exercise.title,
                    "file": exercise.file,
                    "path": exercise.path,
                    "functions": exercise.functions,
                    "seed": exercise.seed,
                    "score": exercise.score,
                    "max_score": exercise.max_score,
                    "checks": [_without_prints(check_dict(check)) for check in exercise.checks],
                }
                for exercise in self.exercises
            ],
        }


def check_dict(check: CheckResult) -> dict[str, Any]:
    data = asdict(check)
    if check.location is None:
        data.pop("location")
    if not check.details:
        data.pop("details")
    if not check.printed:
        data.pop("printed")
    if check.cause is None:
        data.pop("cause")
    return data


def _without_prints(data: dict[str, Any]) -> dict[str, Any]:
    data.pop("printed", None)
    return data


def check_from_dict(data: dict[str, Any]) -> CheckResult:
    location, cause = data.get("location"), data.get("cause")
    return CheckResult(
        name=data["name"],
        title=data.get("title", data["name"]),
        status=data["status"],
        score=data["score"],
        max_score=data["max_score"],
        message=data.get("message", ""),
        location=Location(**location) if location else None,
        details=data.get("details", {}),
        printed=data["printed"] if type(data.get("printed")) is str else "",
        cause=Cause(**cause) if isinstance(cause, dict) else None,
    )


def report_from_dict(data: dict[str, Any]) -> Report:
    """The Report that `Report.to_dict` wrote (a submission's JSON report read back)."""
    return Report([
        ExerciseResult(exercise["number"], exercise["slug"], exercise["title"], exercise["file"],
                       [check_from_dict(check) for check in exercise["checks"]],
                       exercise.get("path", ""), exercise.get("functions", {}),
                       exercise.get("seed"))
        for exercise in data.get("exercises", [])
    ], data.get("solutions", ""))


@dataclass(frozen=True)
class ExerciseHeading:
    """An exercise as a class report lists it, graded or not: its checks by name and title."""

    number: int
    slug: str
    title: str
    max_score: float
    checks: tuple[tuple[str, str], ...]  # (name, title), in the order they run


@dataclass
class Submitted:
    """One submission of a class: its gradebook row's figures and its grading report (None when
    it could not be graded)."""

    name: str
    rank: int
    total: float
    maximum: float
    status: str
    report: Report | None
    link: str = ""  # its own report, relative to the class report


@dataclass(frozen=True)
class SimilarPair:
    """Two submissions whose code for one exercise is unusually alike (a detector's figures)."""

    exercise: int
    first: str
    second: str
    similarity: float  # the smaller of the two shares of each file found in the other, 0..1


@dataclass
class ClassResults:
    """A graded class: what the class report is written from."""

    exercises: list[ExerciseHeading]
    submissions: list[Submitted]  # best total first, as in the gradebook
    # Filled only when asked for (`grade batch --similarity`): None = not looked for.
    similar: list[SimilarPair] | None = None
    similarity_threshold: float = 0.0
    similarity_tool: str = ""
