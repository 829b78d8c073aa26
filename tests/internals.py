"""The kit's own names, which a student never wrote or read: what no message may show them.

A message names what the student's code did in the student's words: the functions they wrote, the
objects the lesson hands them, the library calls they made. The grader's own classes, functions
and threads (`ProcessFunc`, `Jobs.run()`, `in_thread`, `grade-watch`), the names Python makes up for
tasks and threads nobody named (`Task-14`, `Thread-1 (in_thread)`, `asyncio_0`) and a qualname's
`<locals>` are noise at best, and at worst send a student looking for code they never wrote.

The list is built from the kit's source, not written by hand: every class and function defined in
graders/ and every thread name it gives, less the student's vocabulary for the exercise: the
identifiers of its stub and lesson, its reference and the graded file itself; the names the
world's objects go by (a `Handed` class's `name`, methods and attributes, and the exceptions the
world raises in the student's code); the public names of the libraries the lessons teach; and
Python's own protocol names (`__await__`). A plain word (`run`, `Jobs`) counts only where it
reads as code (`Jobs.run()`), so prose ("Job 1 failed", "0 call(s)") raises no false alarm.
"""

from __future__ import annotations

import ast
import importlib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from graders.registry import KIT_ROOT, Exercise

GRADERS = KIT_ROOT / "graders"

# Names Python makes up for what nobody named, and a nested function's qualname.
MADE_UP = re.compile(r"<locals>|\bTask-\d+|\bThread-\d+|\basyncio_\d+|\bThreadPoolExecutor-\d+_\d+"
                     r"|\bDummy-\d+")

# The libraries the lessons teach: their names (`asyncio.gather`, `future.result()`,
# `thread.join()`) are the student's words, even where the kit defines a function of the same name.
LIBRARIES = ("builtins", "asyncio", "threading", "time", "concurrent.futures", "aiohttp")

# Names the grader defines that a message may show though no rule above lets them, each with the
# reason. Add one only with a reason a reviewer can check.
ALLOWED: dict[str, str] = {
    "ComputeError": "what func raises in the student's code in exercise 13 (its lesson's world): "
                    "defined in graders/trust/workercall.py, not in the checks module, because a "
                    "worker process started afresh imports it from there",
}

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# A word written as code in a lesson: in backticks, or on a doctest line.
CODE_IN_PROSE = re.compile(r"`([^`]+)`|^\s*(?:>>>|\.\.\.) (.*)$", re.MULTILINE)


def _identifiers(tree: ast.AST) -> set[str]:
    """Every identifier a module's code uses or defines (not its strings)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            found.add(node.id)
        elif isinstance(node, ast.Attribute):
            found.add(node.attr)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.add(node.name)
        elif isinstance(node, ast.arg):
            found.add(node.arg)
        elif isinstance(node, ast.alias):
            found.update((node.asname or node.name).split("."))
            found.update(node.name.split("."))
        elif isinstance(node, ast.keyword) and node.arg:
            found.add(node.arg)
    return found


def _words_of_code(text: str) -> set[str]:
    found: set[str] = set()
    for match in CODE_IN_PROSE.finditer(text):
        found.update(IDENTIFIER.findall(match.group(1) or match.group(2) or ""))
    return found


def vocabulary_of(path: Path) -> set[str]:
    """The names a file gives its reader: its code's identifiers, and the code its docstrings and
    comments quote (in backticks or on doctest lines)."""
    text = path.read_text(encoding="utf-8")
    return _identifiers(ast.parse(text)) | _words_of_code(text)


@dataclass(frozen=True)
class Kit:
    """The grader's own names, and the names the world's objects show the student."""

    defined: frozenset[str]  # classes, functions and thread names defined in graders/
    # By checks module (and "" for the probes every exercise may use): a world object's name,
    # methods and attributes, and the exceptions the world raises in the student's code (a
    # checks module's own exception classes, raised there under the same name).
    shown: dict[str, frozenset[str]]


def _constant_keys(node: ast.expr | None) -> set[str]:
    if isinstance(node, ast.Dict):
        return {key.value for key in node.keys if isinstance(key, ast.Constant)
                and isinstance(key.value, str)}
    if isinstance(node, (ast.Tuple, ast.List)):
        return {item.value for item in node.elts if isinstance(item, ast.Constant)
                and isinstance(item.value, str)}
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    return set()


def _base_names(node: ast.ClassDef) -> set[str]:
    return {base.id if isinstance(base, ast.Name) else getattr(base, "attr", "")
            for base in node.bases}


def _world_names(node: ast.ClassDef) -> set[str]:
    """What a Handed subclass shows the student's code: its name, methods and attributes."""
    found: set[str] = set()
    for statement in node.body:
        target = value = None
        if isinstance(statement, ast.AnnAssign):
            target, value = statement.target, statement.value
        elif isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target, value = statement.targets[0], statement.value
        if isinstance(target, ast.Name) and target.id in ("name", "methods", "attributes"):
            found |= _constant_keys(value)
    return found


@cache
def kit() -> Kit:
    defined: set[str] = set()
    shown: dict[str, set[str]] = {"": set()}
    for path in sorted(GRADERS.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        # The world objects of a checks module, and the web server the probes hand any of them.
        world = path.stem if path.parent.name == "checks" else "" if path.stem == "server" else None
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                defined.add(node.name)
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "Thread":
                for keyword in node.keywords:
                    if keyword.arg == "name":
                        defined.update(_thread_names(keyword.value))
            if world is None or not isinstance(node, ast.ClassDef):
                continue
            bases = _base_names(node)
            if "Handed" in bases:
                shown.setdefault(world, set()).update(_world_names(node))
            elif world and not node.name.startswith("_") and any(
                    base.endswith(("Exception", "Error")) for base in bases):
                shown.setdefault(world, set()).add(node.name)
    return Kit(frozenset(defined), {module: frozenset(names) for module, names in shown.items()})


def _thread_names(node: ast.expr) -> set[str]:
    """The literal names a Thread(name=...) gives (`f"grade-child-{serial}"` gives grade-child-)."""
    return {item.value for item in ast.walk(node)
            if isinstance(item, ast.Constant) and isinstance(item.value, str) and item.value != "name"}


@cache
def library_words() -> frozenset[str]:
    """Every public name of the libraries the lessons teach, and of their classes."""
    words: set[str] = set()
    for module_name in LIBRARIES:
        module = importlib.import_module(module_name)
        for name in dir(module):
            words.add(name)
            if isinstance(getattr(module, name, None), type):
                words.update(dir(getattr(module, name)))
    return frozenset(word for word in words if not word.startswith("_"))


@cache
def student_words(exercise: Exercise) -> frozenset[str]:
    """What the student reads and writes for `exercise`: its stub and lesson, and its reference
    (the names a right answer uses)."""
    from kit import REFERENCE, STUBS

    words = vocabulary_of(STUBS / exercise.file_name)
    reference = REFERENCE / exercise.file_name
    if reference.exists():
        words |= vocabulary_of(reference)
    return frozenset(words)


def internal_names(message: str, exercise: Exercise, graded: Path) -> list[str]:
    """The kit's own names `message` shows a student of `exercise` whose file is `graded`."""
    found = [match.group(0) for match in MADE_UP.finditer(message)]
    mine = kit()
    theirs = (student_words(exercise) | vocabulary_of(graded) | mine.shown[""]
              | mine.shown.get(exercise.module_name, frozenset()) | library_words()
              | set(ALLOWED))
    for name in sorted(word for word in mine.defined if "-" in word):  # a thread's name
        number = r"\d+" if name.endswith("-") else ""  # grade-child-3
        found += re.findall(rf"(?<![\w-]){re.escape(name)}{number}(?![\w-])", message)
    for match in IDENTIFIER.finditer(message):
        word = match.group(0)
        if word not in mine.defined or word in theirs or word.startswith("__"):
            continue
        if "_" in word or sum(letter.isupper() for letter in word) > 1:  # in_thread, ProcessFunc
            found.append(word)
            continue
        # A plain word (`run`, `Jobs`) is a name only where it reads as code: `Jobs.run()`.
        before = message[max(0, match.start() - 2):match.start()]
        after = message[match.end():match.end() + 3]
        if (before[-1:] == "`" or re.fullmatch(r"\w\.", before)
                or after[:1] == "`" or re.match(r"\(\)|\((?!s\))|\.\w", after)):
            found.append(word)
    return found
