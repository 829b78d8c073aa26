"""GitHub Actions: a log grouped by exercise, `::error` annotations on the student's lines, and a
last line `Points N/M`. `summary()` is the markdown table for the job summary; the CLI appends it
to $GITHUB_STEP_SUMMARY (a side effect, so not done here).

Annotation data is escaped as GitHub's toolkit does (`%`, CR, LF; in properties also `:` and
`,`), so no message can end the command early or start another. GitHub shows at most 10 error
annotations per step: past that, failed checks are merged per exercise, and past that again the
last annotation says how many exercises it leaves out (the summary lists every check).
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from pathlib import Path

from graders.results import CheckResult, ExerciseResult, Report

ANNOTATION_LIMIT = 10
MARKS = {"passed": "✓", "failed": "✗", "error": "!", "timeout": "⏱"}
SUMMARY_MARKS = {"passed": "✅ passed", "failed": "❌ failed", "error": "❌ stopped",
                 "timeout": "⏱️ timed out"}
SUMMARY_MESSAGE_CHARS = 400
_MARKDOWN_SPECIAL = set(string.punctuation) - set(",;'\"?=%/")


@dataclass(frozen=True)
class Annotation:
    title: str
    message: str
    file: str = ""
    line: int | None = None

    def command(self) -> str:
        properties = [("file", self.file), ("line", str(self.line or "")), ("title", self.title)]
        listed = ",".join(f"{key}={escape_property(value)}" for key, value in properties if value)
        return f"::error {listed}::{escape_data(self.message)}"


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: Report, color: bool = False) -> str:
    lines = [line for exercise in report.exercises for line in _log(exercise)]
    lines += [annotation.command() for annotation in annotations(report)]
    lines.append(f"Points {report.score:g}/{report.max_score:g}")
    return "\n".join(lines) + "\n"


def _log(exercise: ExerciseResult) -> list[str]:
    heading = (f"Exercise {exercise.number}: {exercise.title} "
               f"({exercise.score:g}/{exercise.max_score:g})")
    checks = [f"  {MARKS[check.status]} {check.title}  {check.score:g}/{check.max_score:g}"
              for check in exercise.checks]
    return [f"::group::{escape_data(heading)}", *checks, "::endgroup::"]


def failed(exercise: ExerciseResult) -> list[CheckResult]:
    return [check for check in exercise.checks if not check.passed]


def annotations(report: Report) -> list[Annotation]:
    """One per failed check; merged per exercise, then cut, to stay within GitHub's limit."""
    per_check = [_annotate(exercise, [check])
                 for exercise in report.exercises for check in failed(exercise)]
    if len(per_check) <= ANNOTATION_LIMIT:
        return per_check
    per_exercise = [_annotate(exercise, failed(exercise))
                    for exercise in report.exercises if failed(exercise)]
    if len(per_exercise) <= ANNOTATION_LIMIT:
        return per_exercise
    kept, left = per_exercise[:ANNOTATION_LIMIT - 1], per_exercise[ANNOTATION_LIMIT - 1:]
    more = Annotation(f"{len(left)} more exercises have failing checks",
                      "The job summary lists every check: " + "; ".join(a.title for a in left))
    return [*kept, more]


def _annotate(exercise: ExerciseResult, checks: list[CheckResult]) -> Annotation:
    file, line = pointer(exercise, checks[0])
    if len(checks) == 1:
        check = checks[0]
        title = f"Exercise {exercise.number}: {check.title} ({check.score:g}/{check.max_score:g})"
        return Annotation(title, check.message or check.status, file, line)
    title = (f"Exercise {exercise.number}: {len(checks)} checks failed "
             f"({exercise.score:g}/{exercise.max_score:g})")
    message = "\n".join(f"{MARKS[check.status]} {check.title}: {check.message}" for check in checks)
    return Annotation(title, message, file, line)


def pointer(exercise: ExerciseResult, check: CheckResult) -> tuple[str, int | None]:
    """The file and line an annotation for `check` points at: the check's own location, else the
    student's function the check names (else the exercise's first function)."""
    graded = exercise.path or exercise.file
    if check.location is not None:
        return str(Path(graded).with_name(check.location.file)), check.location.line
    text = f"{check.title}\n{check.message}"
    for name, line in exercise.functions.items():
        if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text):
            return graded, line
    return graded, next(iter(exercise.functions.values()), None)


def summary(report: Report) -> str:
    """Markdown for the job summary: the total, then a table of every exercise and check."""
    rows = ["| Exercise | Check | Result | Points |", "| --- | --- | --- | --- |"]
    for exercise in report.exercises:
        name = markdown(f"{exercise.number}. {exercise.title}")
        rows += [_row(name if index == 0 else "", check) for index, check in enumerate(exercise.checks)]
        rows.append(f"| | **Exercise {exercise.number}** | | "
                    f"**{exercise.score:g}/{exercise.max_score:g}** |")
    heading = f"### Grade: {report.score:g}/{report.max_score:g} points"
    return "\n".join([heading, "", *rows, ""]) + "\n"


def _row(exercise_cell: str, check: CheckResult) -> str:
    result = SUMMARY_MARKS[check.status]
    if check.message and not check.passed:
        message = check.message
        if len(message) > SUMMARY_MESSAGE_CHARS:
            message = message[:SUMMARY_MESSAGE_CHARS - 3] + "..."
        result += ": " + markdown(message)
    return (f"| {exercise_cell} | {markdown(check.title)} | {result} | "
            f"{check.score:g}/{check.max_score:g} |")


def markdown(text: str) -> str:
    """`text` as literal markdown in a table cell: punctuation escaped (no links, images, HTML or
    pipes from a student's message), line breaks as <br>."""
    escaped = "".join(f"\\{char}" if char in _MARKDOWN_SPECIAL else char for char in text)
    return "<br>".join(escaped.replace("\r", "").split("\n"))
