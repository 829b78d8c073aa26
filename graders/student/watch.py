"""`grade watch [N]`: grade an exercise each time its file is saved; move on when it passes.

The loop is `Watcher` driven by an iterable of sets of changed paths: `watchfiles.watch` in the
command, a plain list in the tests (no real file watching, no sleeping).

One report per settled save: watchfiles gathers the writes of one save (an editor may write a
file twice, or format it after saving) until the folder has been quiet for SETTLE_MS, and a save
that leaves the file as it was last graded (a second save, or one made during the grading that
was then graded again) prints nothing: that file's report is already on the screen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path

import click

from graders.registry import Exercise, by_number, exercises
from graders.results import Report
from graders.student import progress as student_progress

Grader = Callable[[Exercise], Report]
# Gradings in a row while the file keeps changing under them, before showing the last one.
REGRADES = 3
# Quiet time, in milliseconds of real time, after which the writes of one save count as settled.
SETTLE_MS = 300
Renderer = Callable[[Report], str]


class Watcher:
    """Grades the exercise being worked on; saving another exercise's file switches to it."""

    def __init__(self, current: Exercise, grade: Grader, render: Renderer,
                 show: Callable[[str], None], clear: Callable[[], None] = lambda: None) -> None:
        self.current, self._grade, self._render, self._show, self._clear = (
            current, grade, render, show, clear)
        self._graded: dict[int, str] = {}  # exercise -> digest of the file its report is about

    def start(self) -> bool:
        """Grade the current exercise once; False when there is nothing left to watch."""
        return self._run()

    def saved(self, paths: Iterable[Path]) -> bool:
        """Some files were saved: grade again if one is an exercise. False: stop watching."""
        touched = sorted({number for path in paths if (number := _exercise_of(path)) is not None})
        if not touched:
            return True
        saved = self.current if self.current.number in touched else by_number(touched[0])
        if self._graded.get(saved.number) == student_progress.digest(
                student_progress.EXERCISES_DIR / saved.file_name):
            return True  # saved again unchanged: the report on the screen is this file's
        self.current = saved
        return self._run()

    def _run(self) -> bool:
        file = student_progress.EXERCISES_DIR / self.current.file_name
        for _ in range(REGRADES):  # saved again while it was graded: that grading is stale
            before = student_progress.digest(file)
            report = self._grade(self.current)
            if student_progress.digest(file) == before:
                break
        self._graded[self.current.number] = before
        self._clear()
        path = student_progress.relative(file)
        self._show(f"grade watch: exercise {self.current.number} ({path}), graded at "
                   f"{datetime.now():%H:%M:%S}\n")
        self._show(self._render(report))
        if not report.passed:
            from graders.render.text import first_mark

            mark = first_mark(report.exercises[0]) if report.exercises else "✗"
            self._show(f"Next: fix the first {mark} above and save {path} to grade it again.\n"
                       f"Stuck? grade hint {self.current.number}    (Ctrl-C stops watching)")
            return True
        return self._advance()

    def _advance(self) -> bool:
        passed = self.current
        upcoming = _next_after(passed, student_progress.overview())
        if upcoming is None:
            self._show(f"Exercise {passed.number} passes, and so does every other: all done!")
            return False
        self.current = upcoming.exercise
        path = student_progress.relative(upcoming.path)
        self._show(f"Exercise {passed.number} passes. Next: exercise {upcoming.exercise.number}, "
                   f"{upcoming.exercise.title}.\nIts lesson is the docstring of {path}; save the "
                   f"file to grade it. Ctrl-C stops.")
        return True


def run(watcher: Watcher, changes: Iterable[Iterable[Path]]) -> None:
    """Grade once, then after each batch of saved files, until all pass or `changes` ends."""
    if not watcher.start():
        return
    for batch in changes:
        if not watcher.saved(batch):
            return


def _exercise_of(path: Path) -> int | None:
    folder = student_progress.EXERCISES_DIR.resolve()
    for exercise in exercises():
        if Path(path).resolve() == folder / exercise.file_name:
            return exercise.number
    return None


def _next_after(exercise: Exercise, items: list[student_progress.Progress]
                ) -> student_progress.Progress | None:
    """The first exercise not done after `exercise`, else the first not done before it."""
    later = [item for item in items if item.exercise.number > exercise.number]
    earlier = [item for item in items if item.exercise.number < exercise.number]
    return student_progress.next_up(later) or student_progress.next_up(earlier)


def warm() -> None:
    """Make this process the warm one that every re-grade forks from: the grading stack imported,
    pytest configured and every exercise's checks collected, once; a save then costs a fork and
    the checks alone."""
    from graders.engine import worker

    worker.prepare(list(exercises()))


def grade_and_remember(exercise: Exercise) -> Report:
    """Grade the student's file for `exercise`, recording the result like `grade exercise`."""
    from graders.engine.runner import grade  # the grading stack: keep `--help` fast

    folder = student_progress.EXERCISES_DIR
    seen = student_progress.snapshot([exercise], folder)
    report = grade([exercise], folder)
    problem = student_progress.remember(report, seen)
    if problem:
        click.echo(f"grade: warning: {problem}", err=True)
    return report


def saved_files(folder: Path) -> Iterable[set[Path]]:
    """Batches of Python files saved under `folder`, until Ctrl-C."""
    import watchfiles

    # raise_interrupt: Ctrl-C while waiting reaches watch_command, which says it stopped (else
    # watchfiles logs a line of its own, "KeyboardInterrupt caught, stopping watch").
    for batch in watchfiles.watch(folder, watch_filter=watchfiles.PythonFilter(), step=SETTLE_MS,
                                  raise_interrupt=True):
        yield {Path(path) for _, path in batch}


@click.command("watch")
@click.argument("number", type=int, required=False)
def watch_command(number: int | None) -> None:
    """Grade exercise NUMBER (default: the one you are on) each time you save it; when it
    passes, move on to the next exercise. Ctrl-C stops."""
    from graders.render.text import render
    from graders.student.grading import use_color

    if number is None:
        upcoming = student_progress.current(student_progress.overview())
        if upcoming is None:
            click.echo("All exercises are done. `grade watch N` watches exercise N again.")
            return
        current = upcoming.exercise
    else:
        try:
            current = by_number(number)
        except LookupError as error:
            raise click.UsageError(str(error)) from None
    color = use_color(None)
    warm()
    watcher = Watcher(current, grade_and_remember, lambda report: render(report, color, advice=False),
                      lambda text: click.echo(text, nl=not text.endswith("\n")),
                      click.clear if color else lambda: None)
    try:
        run(watcher, saved_files(student_progress.EXERCISES_DIR))
    except KeyboardInterrupt:  # Ctrl-C, during a grading or while waiting for a save
        click.echo("\nStopped watching.")
