"""Causes as data: every exercise has a catalogue of why its checks fail, each cause quoting the
sentence of the lesson it breaks, and the instructors' documentation lists the catalogue as the
code holds it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from graders.causes import ANY_CHECK, catalogue, read
from graders.check import specs
from graders.instructor import causes_doc
from graders.registry import COMMON_CAUSES_PATH, KIT_ROOT, Exercise, exercises
from graders.results import CheckResult

EXERCISES = list(exercises())


def names_of(exercise: Exercise) -> set[str]:
    import importlib

    return {spec.name for spec in specs(importlib.import_module(exercise.checks_module))}


def docstrings(exercise: Exercise) -> str:
    """Every docstring of the stub (the lesson, and each function's), whitespace made single."""
    tree = ast.parse((KIT_ROOT / "exercises" / exercise.file_name).read_text(encoding="utf-8"))
    found = [ast.get_docstring(node) or "" for node in ast.walk(tree)
             if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)]
    return " ".join(" ".join(found).split())


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda exercise: exercise.module_name)
def test_every_check_has_one_default_cause(exercise: Exercise) -> None:
    assert exercise.causes_path.is_file(), f"no catalogue {exercise.causes_path.name}"
    entries = read(exercise.causes_path)
    checks = names_of(exercise)
    for entry in entries:
        unknown = set(entry.checks) - checks - {ANY_CHECK}
        assert not unknown, f"{entry.cause.id} names checks {exercise.module_name} lacks: {unknown}"
    for name in checks:
        defaults = [entry.cause.id for entry in entries if not entry.when and name in entry.checks]
        assert len(defaults) == 1, f"{name} has {len(defaults)} default causes: {defaults}"


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda exercise: exercise.module_name)
def test_each_cause_quotes_the_lesson_it_breaks(exercise: Exercise) -> None:
    lesson = docstrings(exercise)
    seen: dict[str, object] = {}
    for entry in read(exercise.causes_path):
        cause = entry.cause
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", cause.id), cause.id
        assert seen.setdefault(cause.id, cause) == cause, f"{cause.id} is listed twice, differently"
        assert cause.kind == "mistake" and cause.name
        assert cause.lesson and cause.lesson in lesson, (
            f"{exercise.module_name}: {cause.id}'s lesson is not a quote of the stub: {cause.lesson!r}")


def test_the_kits_own_causes_never_collide_with_an_exercises() -> None:
    common = {entry.cause.id for entry in read(COMMON_CAUSES_PATH)}
    assert {"not-written", "file-missing"} <= common
    for exercise in EXERCISES:
        assert not common & {entry.cause.id for entry in read(exercise.causes_path)}


def test_a_message_phrase_picks_the_cause_over_the_checks_default() -> None:
    ex01 = next(exercise for exercise in EXERCISES if exercise.number == 1)
    found = catalogue(ex01)

    def cause(name: str, message: str, status: str = "failed") -> str | None:
        result = found.cause_of(CheckResult(name, name, status, 0, 2, message))  # type: ignore[arg-type]
        return result.id if result else None

    assert cause("greet_waits_without_blocking", "greet returned after 0.0 s") == "does-not-wait-delay"
    assert cause("greet_waits_without_blocking", "time.sleep was called inside") == "blocking-call-on-loop"
    assert cause("greet_returns_greeting", "greet is not written yet: it still raises "
                                           "NotImplementedError.") == "not-written"
    assert cause("greet_returns_greeting", "", "passed") is None


def test_the_instructors_doc_lists_the_catalogue_as_the_code_holds_it() -> None:
    doc = (KIT_ROOT / "docs" / "instructors.md").read_text(encoding="utf-8")
    assert causes_doc.section() in doc, (
        "docs/instructors.md's catalogue of causes is out of date: run "
        "`python -m graders.instructor.causes_doc` to write it again")


def test_rewriting_the_doc_keeps_what_is_around_the_catalogue(tmp_path: Path) -> None:
    doc = tmp_path / "instructors.md"
    doc.write_text(f"before\n{causes_doc.BEGIN}\nSTALE-LINE\n{causes_doc.END}\nafter\n", encoding="utf-8")
    causes_doc.write(doc)
    text = doc.read_text(encoding="utf-8")
    assert text.startswith("before\n") and text.endswith("after\n") and "STALE-LINE" not in text
    assert causes_doc.section() in text
