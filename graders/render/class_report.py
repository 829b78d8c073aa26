"""The class report: one self-contained HTML file an instructor opens offline, or prints.

For each exercise: how many submitted, started and passed it, the distribution of scores, each
check's pass rate and the causes that cost students points (each with the lesson sentence it
breaks and one example message); then what to reteach first, the students with links to their
own reports and, when asked for, the pairs of submissions that are unusually alike. Every chart
has its numbers in a table beside it. Nothing is fetched: the styles are inline and the charts
are inline SVG (graders/render/charts.py). Everything from a report is escaped.
"""

from __future__ import annotations

from html import escape

from graders.render import charts
from graders.render.class_stats import CauseCount, ClassStats, ExerciseStats, class_stats
from graders.results import ClassResults, SimilarPair, Submitted

TITLE = "Class report"
EXAMPLE_CHARS = 400

CSS = """
body { font: 15px/1.45 system-ui, sans-serif; color: #222; margin: 1.5em auto; max-width: 72em;
       padding: 0 1em; }
h1 { font-size: 1.6em; } h2 { font-size: 1.3em; border-bottom: 1px solid #ccc; margin-top: 2em; }
h3 { font-size: 1.05em; margin: 1.2em 0 .4em; }
table { border-collapse: collapse; margin: .4em 0 1em; }
th, td { border: 1px solid #ccc; padding: .2em .5em; text-align: left; vertical-align: top; }
th { background: #f1f3f6; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
.pair { display: flex; flex-wrap: wrap; gap: 1.2em; align-items: flex-start; }
.pair > figure { margin: 0; } .pair svg { width: 520px; max-width: 100%; height: auto; }
.lesson { font-style: italic; } .example { color: #555; font-size: .92em; }
.summary td, .summary th { min-width: 5em; } .muted { color: #666; }
@media print {
  body { max-width: none; margin: 0; font-size: 11pt; }
  h2 { break-before: page; } .pair, table, figure { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""


def render(results: ClassResults) -> str:
    stats = class_stats(results)
    body = [f"<h1>{TITLE}</h1>", _overview(stats), _reteach(stats.reteach)]
    body += [_exercise(exercise) for exercise in stats.exercises]
    body.append(_students(results.submissions))
    if results.similar is not None:
        body.append(_similar(results))
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{TITLE}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            + "\n".join(body) + "\n</body>\n</html>\n")


def _n(value: float) -> str:
    return f"{value:g}"


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "-"


def _table(head: list[str], rows: list[list[str]], numeric: set[int] | None = None,
           css: str = "") -> str:
    numeric = numeric or set()
    header = "".join(f"<th>{cell}</th>" for cell in head)
    lines = ["".join(f"<td class=\"n\">{cell}</td>" if index in numeric else f"<td>{cell}</td>"
                     for index, cell in enumerate(row)) for row in rows]
    body = "".join(f"<tr>{line}</tr>" for line in lines)
    return f"<table{f' class={chr(34)}{css}{chr(34)}' if css else ''}><thead><tr>{header}</tr></thead>" \
           f"<tbody>{body}</tbody></table>"


def _pair(chart: str, table: str) -> str:
    """A chart with its numbers beside it (the table alone without the charting library)."""
    figure = f"<figure>{chart}</figure>" if chart else ""
    return f"<div class=\"pair\">{figure}<div>{table}</div></div>"


def _overview(stats: ClassStats) -> str:
    rows = [[f"<a href=\"#ex{ex.heading.number}\">{ex.heading.number}. "
             f"{escape(ex.heading.title)}</a>", str(ex.submitted), str(ex.started), str(ex.passed),
             _percent(ex.passed, stats.students)] for ex in stats.exercises]
    table = _table(["exercise", "submitted", "started", "passed", "passed (of the class)"], rows,
                   {1, 2, 3, 4}, "summary")
    chart = charts.bars("chart-overview", "Students who passed each exercise",
                        [str(ex.heading.number) for ex in stats.exercises],
                        [ex.passed for ex in stats.exercises])
    return (f"<p>{stats.students} submissions. <em>Started</em>: the exercise's file is not the "
            f"stub as handed out; <em>passed</em>: every check passed.</p>" + _pair(chart, table))


def _reteach(reteach: list[CauseCount]) -> str:
    if not reteach:
        return "<h2>Reteach first</h2><p>No check cost any student points.</p>"
    items = [f"<li><strong>{escape(count.cause.name)}</strong> (exercise {count.exercise}, "
             f"<code>{escape(count.cause.id)}</code>): {count.count} "
             f"student{'s' if count.count != 1 else ''}, {_n(count.points)} points lost. "
             f"<span class=\"lesson\">“{escape(count.cause.lesson)}”</span></li>"
             for count in reteach]
    return ("<h2 id=\"reteach\">Reteach first</h2><p>The causes that cost the most students points, "
            "across exercises:</p><ol>" + "".join(items) + "</ol>")


def _exercise(ex: ExerciseStats) -> str:
    number, heading = ex.heading.number, ex.heading
    parts = [f"<h2 id=\"ex{number}\">Exercise {number}: {escape(heading.title)}</h2>",
             f"<p>{ex.submitted} submitted, {ex.started} started, {ex.passed} passed "
             f"(out of {_n(heading.max_score)} points).</p>"]
    if not ex.submitted:
        return "".join(parts)
    scores = sorted(ex.scores)
    parts.append("<h3>Scores</h3>" + _pair(
        charts.bars(f"chart-scores-{number}", f"Exercise {number}: submissions by score",
                    [_n(score) for score in scores], [ex.scores[score] for score in scores]),
        _table(["score", "submissions"], [[_n(score), str(ex.scores[score])] for score in scores],
               {0, 1})))
    parts.append("<h3>Checks</h3>" + _pair(
        charts.horizontal_bars(f"chart-checks-{number}", f"Exercise {number}: pass rate per check",
                               [str(index) for index in range(1, len(ex.checks) + 1)],
                               [round(100 * rate.rate, 1) for rate in ex.checks]),
        _table(["#", "check", "passed", "pass rate"],
               [[str(index), escape(rate.title), f"{rate.passed}/{rate.graded}",
                 f"{100 * rate.rate:.0f}%"] for index, rate in enumerate(ex.checks, start=1)],
               {0, 2, 3})))
    parts.append(_causes(ex))
    return "".join(parts)


def _causes(ex: ExerciseStats) -> str:
    if not ex.causes:
        return "<h3>Causes</h3><p class=\"muted\">No mistake cost anyone points here.</p>"
    rows = []
    for count in ex.causes:
        example = count.example
        if len(example) > EXAMPLE_CHARS:
            example = example[:EXAMPLE_CHARS - 1] + "…"
        rows.append([
            f"<strong>{escape(count.cause.name)}</strong><br><code>{escape(count.cause.id)}</code>",
            str(count.count), _n(count.points),
            f"<span class=\"lesson\">“{escape(count.cause.lesson)}”</span>",
            f"<span class=\"example\">{escape(example)}</span>"])
    return ("<h3>Causes</h3><p>Each cause counts once per student, however many checks it cost.</p>"
            + _table(["cause", "students", "points lost", "the lesson sentence it breaks",
                      "an example message"], rows, {1, 2}))


def _students(submissions: list[Submitted]) -> str:
    rows = [[str(sub.rank),
             f"<a href=\"{escape(sub.link)}\">{escape(sub.name)}</a>" if sub.link else escape(sub.name),
             _n(sub.total), _n(sub.maximum), escape(sub.status)] for sub in submissions]
    return "<h2 id=\"students\">Students</h2>" + _table(
        ["rank", "name (their report)", "total", "max", "status"], rows, {0, 2, 3})


def _similar(results: ClassResults) -> str:
    pairs: list[SimilarPair] = results.similar or []
    intro = (f"<p>Pairs of submissions whose code for an exercise is alike beyond "
             f"{100 * results.similarity_threshold:.0f}% (measured with "
             f"{escape(results.similarity_tool)}; the stub's code is left out). Short exercises "
             f"have few ways to be right: a pair here is worth a look, not a finding.</p>")
    if not pairs:
        return "<h2 id=\"similar\">Similar submissions</h2>" + intro + "<p>No pair is above it.</p>"
    rows = [[str(pair.exercise), escape(pair.first), escape(pair.second),
             f"{100 * pair.similarity:.0f}%"] for pair in pairs]
    return ("<h2 id=\"similar\">Similar submissions</h2>" + intro
            + _table(["exercise", "submission", "submission", "alike"], rows, {0, 3}))
