"""The class report of a graded class (`grade batch`, `grade merge`), from the gradebook's rows
and each submission's JSON report as written: both commands read the same files, so a merged
class gets the very report an unsharded batch writes."""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import quote

from graders.instructor.gradebook import Row
from graders.registry import Exercise
from graders.results import ClassResults, ExerciseHeading, Submitted, report_from_dict


def headings(selection: list[Exercise]) -> list[ExerciseHeading]:
    from graders.engine.runner import check_specs

    found = []
    for exercise in selection:
        specs = check_specs(exercise)
        found.append(ExerciseHeading(exercise.number, exercise.slug, exercise.title,
                                     sum(spec.points for spec in specs),
                                     tuple((spec.name, spec.title) for spec in specs)))
    return found


def class_results(rows: list[Row], reports: Path, selection: list[Exercise],
                  written_to: Path) -> ClassResults:
    """The class as the gradebook ranks it, each submission with its JSON report in `reports`
    (None when there is none, or it cannot be read) and a link to it from `written_to`."""
    submissions = []
    for row in rows:
        path = reports / f"{row.name}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = None
        report = report_from_dict(data) if isinstance(data, dict) and data.get("exercises") else None
        link = Path(os.path.relpath(path, written_to.parent)).as_posix() if data else ""
        submissions.append(Submitted(row.name, row.rank, row.total, row.maximum, row.status, report,
                                     quote(link)))
    return ClassResults(headings(selection), submissions)


def write(results: ClassResults, path: Path) -> None:
    from graders.render.class_report import render

    path.write_text(render(results), encoding="utf-8")
