"""The catalogue of causes as docs/instructors.md lists it, written from the catalogue files.

`python -m graders.instructor.causes_doc` rewrites the part of docs/instructors.md between the
markers; tests/test_causes.py fails when that part differs from what the catalogue holds.
"""

from __future__ import annotations

from pathlib import Path

from graders.causes import ANY_CHECK, read
from graders.registry import COMMON_CAUSES_PATH, KIT_ROOT, exercises

BEGIN = "<!-- causes: written by `python -m graders.instructor.causes_doc`; do not edit -->"
END = "<!-- end of causes -->"
DOC = KIT_ROOT / "docs" / "instructors.md"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def section() -> str:
    lines = [BEGIN, ""]
    for exercise in exercises():
        lines += [f"**Exercise {exercise.number}: {exercise.title}** "
                  f"(`graders/checks/{exercise.causes_path.name}`)", "",
                  "| cause | name | lesson sentence it breaks | checks |", "| --- | --- | --- | --- |"]
        merged: dict[str, list[str]] = {}
        entries = read(exercise.causes_path)
        for entry in entries:
            shown = ["any check" if name == ANY_CHECK else f"`{name}`" for name in entry.checks]
            if entry.when:
                shown = [f"{', '.join(shown)} when it says {' / '.join(repr(w) for w in entry.when)}"]
            merged.setdefault(entry.cause.id, []).extend(shown)
        causes = {entry.cause.id: entry.cause for entry in entries}
        for cause_id, checks in merged.items():
            cause = causes[cause_id]
            lines.append(f"| `{cause_id}` | {_cell(cause.name)} | {_cell(cause.lesson)} | "
                         f"{_cell('; '.join(checks))} |")
        lines.append("")
    lines += ["**Every exercise** (`graders/checks/common.causes.toml`; *unattempted* causes count "
              "as not started, not as mistakes)", "", "| cause | name | kind | when the message says |",
              "| --- | --- | --- | --- |"]
    for entry in read(COMMON_CAUSES_PATH):
        lines.append(f"| `{entry.cause.id}` | {_cell(entry.cause.name)} | {entry.cause.kind} | "
                     f"{_cell(' / '.join(repr(w) for w in entry.when))} |")
    return "\n".join([*lines, "", END])


def write(path: Path = DOC) -> None:
    """Replace the catalogue in `path` (between BEGIN and END) with the one the code holds."""
    text = path.read_text(encoding="utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    path.write_text(text[:start] + section() + text[end:], encoding="utf-8")


if __name__ == "__main__":
    write()
