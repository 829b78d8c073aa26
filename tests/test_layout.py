"""The layout shows the architecture: data flows one way, and commands are registered in one place.

Every module of `graders/` belongs to one area; an area may import only from areas below it in
LAYERS (or from itself), whether at the top of a module or inside a function. So the engine never
imports a renderer or a command, a renderer never runs code, the student's commands never need
the instructor's tools (which a student copy leaves out), and nothing imports the command line.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import click
import pytest

from graders.cli import INSTRUCTOR_COMMANDS, STUDENT_COMMANDS, cli
from graders.registry import PACKAGE_DIR

LAYERS = ("graders", "graders.results", "graders.registry", "graders.causes", "graders.trust",
          "graders.check", "graders.probes", "graders.checks", "graders.engine", "graders.render",
          "graders.student", "graders.instructor", "graders.cli")


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts).removesuffix(
        ".__init__")


def area(module: str) -> str:
    """The longest entry of LAYERS that `module` is or is inside of."""
    return max((layer for layer in LAYERS if module == layer or module.startswith(layer + ".")),
               key=len)


def imported(path: Path) -> set[str]:
    """Every `graders` module `path` imports, anywhere in it."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("graders")}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("graders"):
            module = node.module or ""
            found.add(module)
            # `from graders.engine import worker` imports the module graders.engine.worker
            folder = PACKAGE_DIR.parent.joinpath(*module.split("."))
            found |= {f"{module}.{alias.name}" for alias in node.names
                      if (folder / alias.name).is_dir() or (folder / f"{alias.name}.py").is_file()}
    return found


MODULES = sorted(PACKAGE_DIR.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda path: module_name(path))
def test_a_module_imports_only_its_own_area_or_the_areas_below(path: Path) -> None:
    own = LAYERS.index(area(module_name(path)))
    upward = sorted(name for name in imported(path) if LAYERS.index(area(name)) > own)
    assert not upward, f"{module_name(path)} ({LAYERS[own]}) imports from above: {upward}"


def test_the_rule_sees_an_upward_import() -> None:
    engine_module = PACKAGE_DIR / "engine" / "runner.py"
    assert {"graders.engine.worker", "graders.trust.protocol"} <= imported(engine_module)
    assert LAYERS.index(area("graders.render.text")) > LAYERS.index(area("graders.engine.runner"))
    assert area("graders.checks.ex01_coroutines") == "graders.checks"
    assert area("graders.check") == "graders.check"


def click_commands(package: str) -> set[str]:
    """'module:attribute' of every click command defined in the modules of `package`."""
    found = set()
    for path in sorted((PACKAGE_DIR / package).glob("*.py")):
        module = importlib.import_module(module_name(path))
        found |= {f"{module.__name__}:{name}" for name, value in vars(module).items()
                  if isinstance(value, click.Command)
                  and getattr(value.callback, "__module__", None) == module.__name__}
    return found


def test_every_command_is_registered_in_the_cli_and_only_there() -> None:
    assert set(STUDENT_COMMANDS.values()) == click_commands("student")
    assert set(INSTRUCTOR_COMMANDS.values()) == click_commands("instructor")
    adders = [path for path in MODULES if "add_command(" in path.read_text(encoding="utf-8")]
    assert adders == []
    context = click.Context(cli)
    for name in (*STUDENT_COMMANDS, *INSTRUCTOR_COMMANDS):
        command = cli.get_command(context, name)
        assert command is not None and command.name == name


def test_grading_an_exercise_does_not_import_the_instructors_tools() -> None:
    import subprocess
    import sys

    code = ("import sys; from graders.cli import cli; import click; "
            "cli.get_command(click.Context(cli), 'exercise'); "
            "print(sorted(m for m in sys.modules if m.startswith('graders.instructor')))")
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True).stdout
    assert shown.strip() == "[]"
