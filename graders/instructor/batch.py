"""`grade batch SUBMISSIONS`: grade a whole class in parallel and write a CSV gradebook."""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import click

from graders.registry import Exercise, exercises

if TYPE_CHECKING:  # graders.instructor.gradebook and the runner import the grading stack: keep `--help` fast
    from graders.instructor.gradebook import Row, Submission
    from graders.instructor.progress_bar import Progress
    from graders.results import Report


@click.command("batch")
@click.argument("submissions", type=click.Path(path_type=Path))
@click.option("--output", "-o", type=click.Path(path_type=Path), default=Path("grades.csv"),
              show_default=True, help="The CSV gradebook to write.")
@click.option("--reports", type=click.Path(path_type=Path), default=None,
              help="Folder for each submission's JSON report, NAME.json  "
                   "[default: beside the CSV, named after it: grades/].")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, metavar="N",
              help="Grading processes at a time (default: one per CPU).")
@click.option("--sandbox/--no-sandbox", default=None,
              help="Grade each submission's code in the sandbox (bubblewrap; as root without it, "
                   "an unprivileged user per grading process), so that no submission can "
                   "change the kit, another submission's grade or outlive grading. On unless "
                   "--no-sandbox or GRADE_SANDBOX=off. When it cannot run, grading stops with "
                   "exit status 2.")
@click.option("--shard", metavar="K/N", default=None,
              help="Grade only slice K of N of the class (every Nth submission by sorted name, "
                   "from the Kth), for grading on N machines at once; `grade merge` joins the N "
                   "gradebooks into the one an unsharded run writes.")
@click.option("--class-report", type=click.Path(path_type=Path), default=None,
              help="The class report to write: one HTML file, offline and printable  "
                   "[default: beside the CSV, named after it: grades.html].")
@click.option("--similarity", is_flag=True, default=False,
              help="Add to the class report the pairs of submissions whose code for an exercise "
                   "is unusually alike (needs copydetect: pip install -e '.[similarity]').")
@click.option("--similarity-threshold", type=click.FloatRange(0, 1), default=None, metavar="SHARE",
              help="How alike a pair must be to be listed, 0 to 1  [default: 0.8].")
def batch_command(submissions: Path, output: Path, reports: Path | None, jobs: int | None,
                  sandbox: bool | None, shard: str | None, class_report: Path | None,
                  similarity: bool, similarity_threshold: float | None) -> None:
    """Grade every sub-folder of SUBMISSIONS as one student's submission.

    A submission holds the exercise modules (exNN_slug.py) at its top, or is a student
    repository with exercises/ inside. Writes the gradebook (rank, name, each exercise's
    points, total, max, status; best first), each submission's JSON report and the class
    report (HTML: what the class got wrong, by exercise and cause). A submission
    that hangs, crashes, lacks files or cannot be read is still a row: its status says what
    happened. Each submission is graded in the sandbox unless --no-sandbox. Exits 0 once the
    gradebook is written, whatever the grades.
    """
    from graders.instructor.gradebook import find_submissions
    from graders.instructor.gradebook import shard as slice_of

    try:
        slice_of([], shard or "1/1")  # a wrong K/N is said before anything else
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--shard") from None
    if not submissions.is_dir():
        raise click.UsageError(f"no folder {submissions}")
    reports = reports if reports is not None else output.with_suffix("")
    class_report = class_report if class_report is not None else output.with_suffix(".html")
    if similarity:
        _need_copydetect()
    selection = list(exercises())
    ignore = frozenset({output.resolve(), reports.resolve(), class_report.resolve()})
    found, skipped = find_submissions(submissions, selection, ignore)
    for name in skipped:
        click.echo(f"grade: skipping {name}: not a folder", err=True)
    if not found:
        raise click.UsageError(f"no submissions in {submissions}: each must be a sub-folder")
    if shard is not None:
        found = slice_of(found, shard)
    from graders.trust.sandbox import choose, wanted_from_env

    # Before anything is written: it may not be able to run here.
    # The switch that applies: the option given, else the option or the variable.
    switch = "grade batch --no-sandbox" + ("" if sandbox else ", or GRADE_SANDBOX=off")
    box = choose(sandbox if sandbox is not None else wanted_from_env() is not False, switch)
    prepare(output, reports)
    graded = grade_all(found, jobs, box.mode != "off") if found else {}  # a slice may be empty
    rows = write_all(found, graded, output, reports)
    write_class_report(rows, reports, class_report, found if similarity else None,
                       similarity_threshold)


def _need_copydetect() -> None:
    try:
        import copydetect  # noqa: F401
    except ImportError:
        raise click.UsageError("--similarity needs copydetect: pip install -e '.[similarity]'") \
            from None


def write_class_report(rows: list[Row], reports: Path, path: Path,
                       similar_in: list[Submission] | None = None,
                       threshold: float | None = None) -> None:
    """The class report at `path`, from the gradebook's rows and the JSON reports in `reports`;
    with the similar pairs among `similar_in` when it is given."""
    from graders.instructor.class_report import class_results, write

    selection = list(exercises())
    results = class_results(rows, reports, selection, path)
    if similar_in is not None:
        from graders.instructor import similarity
        from graders.registry import EXERCISES_DIR

        results.similarity_threshold = threshold if threshold is not None else similarity.THRESHOLD
        results.similar = similarity.similar_pairs(similar_in, selection, EXERCISES_DIR,
                                                   results.similarity_threshold)
        results.similarity_tool = similarity.TOOL
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write(results, path)
    except OSError as error:
        raise click.UsageError(f"cannot write {error.filename}: {error.strerror}") from None
    click.echo(f"Wrote the class report {path}")


def prepare(output: Path, reports: Path) -> None:
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        reports.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise click.UsageError(f"cannot create {error.filename}: {error.strerror}") from None


def grade_all(found: list[Submission], jobs: int | None, sandboxed: bool) -> dict[str, Report]:
    from graders.engine.runner import grade_many
    from graders.instructor.progress_bar import Progress

    selection = list(exercises())
    progress = Progress(len(found), "graded", "submissions")
    for submission in found:
        if submission.folder is None:
            progress.step()
    done: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="grade-batch-") as staging:
        staged = stage_all(found, Path(staging), selection)
        refused = {submission.name: {name: str(error) for name, error in submission.refused.items()}
                   for submission in found}
        graded = grade_many(staged, selection, parallel=jobs or os.cpu_count() or 1,
                            on_done=lambda name, _result: count(done, name, len(selection), progress),
                            sandboxed=sandboxed, refused=refused)
    progress.done()
    for submission in found:
        if submission.name in graded and submission.folder is not None:
            as_submitted(graded[submission.name], staged[submission.name], submission.folder)
    return graded


def stage_all(found: list[Submission], staging: Path, selection: list[Exercise]) -> dict[str, Path]:
    """Copy each submission's exercise files, read as graders/trust/submitted.py reads them (only
    regular files inside the submission, none over the limit), into a folder of its own under
    `staging`: what its grading reads, so that nothing in a submission is ever followed. Records
    the refused files in each submission. The staged folders can be read by a sandbox's user,
    but not listed: each has a random name."""
    from graders.trust.submitted import stage

    staging.chmod(0o711)
    names = [exercise.file_name for exercise in selection]
    folders = {}
    for submission in found:
        if submission.folder is None or submission.root is None:
            continue
        target = staging / secrets.token_hex(16)
        target.mkdir(mode=0o755)
        target.chmod(0o755)  # whatever the umask
        submission.refused = stage(submission.root, submission.inside, names, target)
        folders[submission.name] = target
    return folders


def as_submitted(report: Report, staged: Path, folder: Path) -> None:
    """`report` naming the submission's own folder wherever it names the staged copy."""
    report.solutions = str(folder)
    for exercise in report.exercises:
        exercise.path = str(folder / exercise.file)
        for check in exercise.checks:
            check.message = check.message.replace(str(staged), str(folder))


def count(done: dict[str, int], name: str, exercises_each: int, progress: Progress) -> None:
    done[name] = done.get(name, 0) + 1
    if done[name] == exercises_each:
        progress.step()


def write_all(found: list[Submission], graded: dict[str, Report], output: Path,
              reports: Path) -> list[Row]:
    from graders.engine.runner import check_specs
    from graders.instructor.gradebook import gradebook, report_json, write_csv

    selection = list(exercises())
    maximums = {ex.module_name: sum(spec.points for spec in check_specs(ex)) for ex in selection}
    rows = gradebook(found, graded, selection, maximums)
    try:
        write_csv(rows, selection, output)
        for row in rows:
            (reports / f"{row.name}.json").write_text(report_json(row, graded.get(row.name)),
                                                      encoding="utf-8")
    except OSError as error:
        raise click.UsageError(f"cannot write {error.filename}: {error.strerror}") from None
    trouble = sum(row.status != "ok" for row in rows)
    click.echo(f"Wrote {output} ({len(rows)} submissions, {trouble} with a status other than ok) "
               f"and their reports in {reports}/")
    return rows


@click.command("merge")
@click.argument("gradebooks", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False,
                                                                        path_type=Path))
@click.option("--output", "-o", type=click.Path(path_type=Path), default=Path("grades.csv"),
              show_default=True, help="The gradebook of the whole class to write.")
@click.option("--reports", type=click.Path(path_type=Path), default=None,
              help="The folder holding every slice's JSON reports, for the class report  "
                   "[default: beside the CSV, named after it: grades/].")
@click.option("--class-report", type=click.Path(path_type=Path), default=None,
              help="The class report to write  [default: beside the CSV: grades.html].")
def merge_command(gradebooks: tuple[Path, ...], output: Path, reports: Path | None,
                  class_report: Path | None) -> None:
    """Join the gradebooks of `grade batch --shard K/N` (one per slice) into one, ranked over the
    whole class: the same file an unsharded `grade batch` writes. Each slice's JSON reports are
    already one file per submission: copy the folders together into --reports, and the class
    report written from them is the one an unsharded batch writes."""
    from graders.instructor.gradebook import merge, write_rows

    try:
        header, rows = merge(list(gradebooks))
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        write_rows(header, rows, output)
    except OSError as error:
        raise click.UsageError(f"cannot write {error.filename}: {error.strerror}") from None
    click.echo(f"Wrote {output} ({len(rows)} submissions from {len(gradebooks)} gradebooks)")
    reports = reports if reports is not None else output.with_suffix("")
    if not reports.is_dir():
        click.echo(f"grade: no folder {reports} of JSON reports: the class report shows the "
                   f"gradebook's totals only (copy the slices' reports together, or give "
                   f"--reports)", err=True)
    write_class_report(rows, reports,
                       class_report if class_report is not None else output.with_suffix(".html"))
