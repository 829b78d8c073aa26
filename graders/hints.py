"""An exercise's hints, tied to its checks: `HINTS` in its checks module.

    HINTS = {
        "greet_returns_greeting": ("gentle", "more specific"),
        "run_greet": ("about every run_greet_* check", ...),
    }

Each key is what its hints are about: the name of a check (its function without `test_`), or one
of the exercise's functions (`functions` in exercises.toml), which stands for every check named
after it (`run_greet` covers `run_greet_returns_result`, not `greet_returns_greeting`: a check
belongs to the longest function its name starts with, followed by `_`). Each value is that key's
hints in steps, gentlest first. A check's hints are those of every key that covers it, in the
order HINTS lists them.

Both HINTS and the checks are read with `ast`, so `grade hint` imports nothing of the checks.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Hint:
    key: str  # the check or the function it is about, as HINTS names it
    text: str
    place: int  # 1-based, counting every hint of HINTS in order (what `.grade/hints.json` keeps)


@dataclass(frozen=True)
class Checked:
    """A check as its module declares it: `@check(title, ...)` on `def test_<name>`."""

    name: str
    title: str


@dataclass(frozen=True)
class Declared:
    hints: tuple[Hint, ...]
    checks: tuple[Checked, ...]


def declared(path: Path) -> Declared:
    """The hints and checks of a checks module, read without importing it (empty if unreadable)."""
    try:
        tree = ast.parse(path.read_bytes())
    except (OSError, SyntaxError, ValueError):
        return Declared((), ())
    return Declared(parse(_hints_value(tree)), _checks(tree))


def _hints_value(tree: ast.Module) -> Any:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(target, ast.Name) and target.id == "HINTS" for target in node.targets):
            try:
                return ast.literal_eval(node.value)
            except ValueError:
                return None
    return None


def parse(value: Any) -> tuple[Hint, ...]:
    """HINTS as hints, in order; whatever is not a key with a tuple (or list) of strings is left
    out (the kit's tests and `grade verify` hold each exercise to the shape)."""
    if not isinstance(value, dict):
        return ()
    found: list[Hint] = []
    for key, steps in value.items():
        if isinstance(key, str) and isinstance(steps, tuple | list):
            found += [Hint(key, text, len(found) + offset + 1)
                      for offset, text in enumerate(step for step in steps if isinstance(step, str))]
    return tuple(found)


def _checks(tree: ast.Module) -> tuple[Checked, ...]:
    found = []
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for decorator in node.decorator_list:
            if (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Name)
                    and decorator.func.id == "check" and decorator.args
                    and isinstance(decorator.args[0], ast.Constant)
                    and isinstance(decorator.args[0].value, str)):
                found.append(Checked(node.name.removeprefix("test_"), decorator.args[0].value))
    return tuple(found)


def owner(check: str, functions: tuple[str, ...]) -> str | None:
    """The exercise function a check is named after: the longest one its name starts with."""
    named = [function for function in functions
             if check == function or check.startswith(f"{function}_")]
    return max(named, key=len) if named else None


def covers(key: str, check: str, functions: tuple[str, ...]) -> bool:
    """Whether hints under `key` are about the check named `check`."""
    return key == check or (key in functions and owner(check, functions) == key)


def about(check: str, hints: tuple[Hint, ...], functions: tuple[str, ...]) -> tuple[Hint, ...]:
    """The hints about one check, gentlest first."""
    return tuple(hint for hint in hints if covers(hint.key, check, functions))


def problems(hints: tuple[Hint, ...], checks: tuple[Checked, ...],
             functions: tuple[str, ...]) -> list[str]:
    """What is wrong with an exercise's hints: a check without any, a key about no check."""
    found = [f"check {check.name} has no hint (a key of HINTS: its name, or the function it is "
             f"named after)" for check in checks if not about(check.name, hints, functions)]
    keys = dict.fromkeys(hint.key for hint in hints)
    found += [f"HINTS key {key!r} is neither a check nor a function with checks named after it"
              for key in keys if not any(covers(key, check.name, functions) for check in checks)]
    return found
