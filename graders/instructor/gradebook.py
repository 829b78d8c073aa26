"""Grade a class: every sub-folder of a folder is one submission; the result is a gradebook.

A submission holds the exercise modules at its top, or is a student repository with `exercises/`
inside (a single wrapping folder, as an unpacked download has, is looked through). A submission
that cannot be graded - unreadable, or without a single exercise file - is still a row, with
zero points and a status saying why; one that hangs or crashes loses the checks it broke (the
isolation layer sees to that) and says so in its status.
"""

from __future__ import annotations

import csv
import json
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from graders.registry import Exercise
from graders.results import Report
from graders.trust.submitted import Refused

OK = "ok"


@dataclass
class Submission:
    name: str
    folder: Path | None  # what is graded; None when it cannot be
    status: str = OK  # why it cannot be graded, or which files it lacks
    missing: list[str] = field(default_factory=list)
    root: Path | None = None  # the submission's own folder: nothing in it is followed
    inside: str = "."  # where in `root` the exercise files are (`folder` is root/inside)
    refused: dict[str, Refused] = field(default_factory=dict)  # files not graded, by name


@dataclass
class Row:
    name: str
    scores: dict[str, float]  # by exercise module name
    total: float
    maximum: float
    status: str
    rank: int = 0


def find_submissions(root: Path, selection: list[Exercise],
                     ignore: frozenset[Path] = frozenset()) -> tuple[list[Submission], list[str]]:
    """The submissions in `root`, by name; and the entries skipped because they are not folders."""
    submissions, skipped = [], []
    for entry in sorted(root.iterdir()):
        if entry.name.startswith(".") or entry.name == "__pycache__" or entry.resolve() in ignore:
            continue
        if entry.is_dir() or entry.is_symlink():
            submissions.append(locate(entry, selection))
        else:
            skipped.append(entry.name)
    return submissions, skipped


def locate(entry: Path, selection: list[Exercise]) -> Submission:
    """Where `entry`'s exercise files are, or why it cannot be graded. Nothing inside `entry` is
    followed: a link where the files would be is returned as it is, and refused by name when its
    files are read (graders/trust/submitted.py)."""
    expected = {exercise.file_name for exercise in selection}
    try:
        inside = exercise_folder(entry, expected)
        folder = entry / inside
        present = expected if folder.is_symlink() else _names(folder)
    except OSError as error:
        return Submission(entry.name, None, f"unreadable: {error.strerror or error}")
    if not present & expected:
        return Submission(entry.name, None, "no exercise files")
    missing = sorted(expected - present)
    root = entry.resolve()  # an entry of the class folder is the instructor's: followed
    return Submission(entry.name, root / inside, OK, missing, root, inside.as_posix())


def exercise_folder(entry: Path, expected: set[str]) -> PurePosixPath:
    """Where in `entry` its exercise files are: `exercises`, `.`, or inside the one folder
    `entry` holds."""
    if not entry.is_dir():
        raise OSError(f"{entry.name} is a broken link")
    return _inside(entry, PurePosixPath(), expected)


def _inside(root: Path, here: PurePosixPath, expected: set[str]) -> PurePosixPath:
    for candidate in (here / "exercises", here):
        path = root / candidate
        if (candidate == PurePosixPath() or not path.is_symlink()) and path.is_dir() \
                and expected & _names(path):
            return candidate
    if (root / here / "exercises").is_symlink():  # refused when read, by name
        return here / "exercises"
    with os.scandir(root / here) as entries:
        inner = [entry for entry in entries if entry.is_dir() and not entry.name.startswith(".")]
    if len(inner) == 1:
        nested = here / inner[0].name
        return nested if inner[0].is_symlink() else _inside(root, nested, expected)
    return here


def _names(folder: Path) -> set[str]:
    """The names in `folder` (links, FIFOs and all: what they are is checked when read)."""
    with os.scandir(folder) as entries:
        return {entry.name for entry in entries}


def status_of(submission: Submission, report: Report | None) -> str:
    """`ok`, or what went wrong: missing files, checks that hung or crashed, ungradable."""
    if report is None:
        return submission.status
    found = [f"missing {', '.join(submission.missing)}"] if submission.missing else []
    refused = {error.shown: error.kind for error in submission.refused.values()}  # one per link
    found += [f"refused {', '.join(f'{shown} ({kind})' for shown, kind in refused.items())}"] \
        if refused else []
    for label, status in (("hung", "timeout"), ("crashed", "error")):
        broken = [f"ex{result.number:02d}_{result.slug}" for result in report.exercises
                  if any(check.status == status for check in result.checks)]
        found += [f"{label} in {', '.join(broken)}"] if broken else []
    return "; ".join(found) or OK


def shard(submissions: list[Submission], spec: str) -> list[Submission]:
    """Slice K of N (`spec` is "K/N"): every Nth submission by sorted name, from the Kth; the N
    slices hold each submission once, whatever machine grades them."""
    part, _, count = spec.partition("/")
    if not (part.isdigit() and count.isdigit() and 1 <= int(part) <= int(count)):
        raise ValueError(f"{spec!r} is not K/N with 1 <= K <= N (for example 2/4)")
    ordered = sorted(submissions, key=lambda submission: submission.name)
    return ordered[int(part) - 1::int(count)]


def gradebook(submissions: list[Submission], reports: dict[str, Report], selection: list[Exercise],
              maximums: dict[str, float]) -> list[Row]:
    """One row per submission, best total first; equal totals share a rank."""
    rows = [row_of(submission, reports.get(submission.name), selection, maximums)
            for submission in submissions]
    return ranked(rows)


def ranked(rows: list[Row]) -> list[Row]:
    """`rows` best total first (then by name); equal totals share a rank."""
    rows = sorted(rows, key=lambda row: (-row.total, row.name))
    for index, row in enumerate(rows):
        same = index and rows[index - 1].total == row.total
        row.rank = rows[index - 1].rank if same else index + 1
    return rows


def row_of(submission: Submission, report: Report | None, selection: list[Exercise],
           maximums: dict[str, float]) -> Row:
    if report is None:
        scores = {exercise.module_name: 0.0 for exercise in selection}
    else:
        scores = {exercise.module_name: result.score
                  for exercise, result in zip(selection, report.exercises, strict=True)}
    return Row(submission.name, scores, sum(scores.values()), sum(maximums.values()),
               status_of(submission, report))


def write_csv(rows: list[Row], selection: list[Exercise], path: Path) -> None:
    write_rows(header_of(selection), rows, path)


def write_rows(header: list[str], rows: list[Row], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        for row in rows:
            scores = [points(row.scores[module]) for module in header[2:-3]]
            writer.writerow([row.rank, row.name, *scores, points(row.total), points(row.maximum),
                             row.status])


def points(value: float) -> str:
    return f"{value:g}"


def header_of(selection: list[Exercise]) -> list[str]:
    return ["rank", "name", *(exercise.module_name for exercise in selection), "total", "max",
            "status"]


def read_csv(path: Path) -> tuple[list[str], list[Row]]:
    """A gradebook `write_csv` wrote: its header and its rows (ranks as written). ValueError
    when it is not one."""
    with path.open(encoding="utf-8", newline="") as source:
        lines = list(csv.reader(source))
    if not lines or lines[0][:2] != ["rank", "name"] or lines[0][-3:] != ["total", "max", "status"]:
        raise ValueError(f"{path} is not a gradebook written by grade batch")
    header, modules = lines[0], lines[0][2:-3]
    rows = []
    for line in lines[1:]:
        if len(line) != len(header):
            raise ValueError(f"{path}: a row has {len(line)} columns where the header has "
                             f"{len(header)}")
        scores = {module: float(value) for module, value in zip(modules, line[2:-3], strict=True)}
        rows.append(Row(line[1], scores, float(line[-3]), float(line[-2]), line[-1],
                        int(line[0])))
    return header, rows


def merge(gradebooks: list[Path]) -> tuple[list[str], list[Row]]:
    """The gradebook of the whole class from the gradebooks of its slices (`grade batch --shard`):
    the same rows, ranked again over everyone. ValueError when the slices do not fit together."""
    header: list[str] | None = None
    rows: dict[str, Row] = {}
    for path in gradebooks:
        found, slice_rows = read_csv(path)
        if header is not None and found != header:
            raise ValueError(f"{path} grades other exercises than {gradebooks[0]}")
        header = found
        for row in slice_rows:
            if row.name in rows:
                raise ValueError(f"{row.name} is in more than one slice ({path})")
            rows[row.name] = row
    if header is None:
        raise ValueError("no gradebooks to merge")
    return header, ranked(list(rows.values()))


def report_json(row: Row, report: Report | None) -> str:
    """A submission's JSON report: the grading report, with its name and status."""
    data: dict[str, Any] = {"submission": row.name, "status": row.status}
    if report is None:
        data |= {"score": 0, "max_score": row.maximum, "exercises": []}
    else:
        data |= report.to_dict()
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
