"""A student-ready copy of the kit: stubs, lessons, checks and the grader, and no solution.

What goes in is a list of what students need (an allow-list, so nothing new leaks by default):
the stubs of registered exercises (`exercises/`), `graders/` less the instructor's tools
(`graders/instructor/`: verify, export, batch, Gradescope), `pyproject.toml`, `.gitignore`, a
licence, the docs that are not for instructors, the pull-request grading workflow and its
scripts, and a README written from `graders/templates/STUDENT_README.md`. Never: `reference/`,
`tests/` (mutants, correct alternatives and the kit's own tests, which need them), `.ci/`,
instructor pages.

After copying, every file is scanned for the reference functions' bodies (runs of their lines that
differ from the stubs); an export that holds any of them is refused.
"""

from __future__ import annotations

import ast
import shutil
import string
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from graders.registry import EXERCISES_DIR, KIT_ROOT, PACKAGE_DIR, exercises

TEMPLATE = PACKAGE_DIR / "templates" / "STUDENT_README.md"
FILES = ("pyproject.toml", ".gitignore", "LICENSE", "LICENSE.md", "LICENSE.txt")
WORKFLOW = Path(".github/workflows/grade-pr.yml")
SCRIPTS = Path(".github/scripts")
INSTRUCTOR_DOCS = ("instructors*.md", "adding-an-exercise.md")
SKIPPED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", ".*_cache")
# Folders that hold solutions or near-solutions: no exported path may pass through one.
FORBIDDEN_PARTS = frozenset({"reference", "tests", "mutants", "correct"})
# A solution is recognised by runs of this many consecutive lines of a reference function...
WINDOW = 3
# ...holding at least this many characters (a body of `return x` is too common to count).
MIN_CHARS = 24
Window = tuple[str, ...]


@dataclass(frozen=True)
class Leak:
    file: str
    line: int
    text: str
    origin: str  # "reference/ex01_coroutines.py:8", or why the file's path is a leak


def copy_kit(source: Path, target: Path) -> None:
    """Copy what students need from the kit at `source` into the new folder `target`."""
    target.mkdir(parents=True)
    stubs = EXERCISES_DIR if source == KIT_ROOT else source / "exercises"
    if stubs.is_dir():
        shutil.copytree(stubs, target / "exercises", ignore=unregistered_or_skipped)
    if (source / "graders").is_dir():
        shutil.copytree(source / "graders", target / "graders", ignore=engine_and_student_side)
    for name in FILES:
        if (source / name).is_file():
            shutil.copy2(source / name, target / name)
    for doc in student_docs(source):
        (target / "docs").mkdir(exist_ok=True)
        shutil.copy2(doc, target / "docs" / doc.name)
    copy_workflow(source, target)
    (target / "README.md").write_text(student_readme(), encoding="utf-8")


def engine_and_student_side(folder: str, names: list[str]) -> set[str]:
    """In graders/: caches, and the instructor's package (a student has no use for it)."""
    instructor = {"instructor"} if Path(folder).name == "graders" else set()
    return set(SKIPPED(folder, names)) | instructor


def unregistered_or_skipped(folder: str, names: list[str]) -> set[str]:
    """In exercises/: caches, and stubs of exercises that are not (yet) in the registry."""
    registered = {exercise.file_name for exercise in exercises()}
    stubs = {name for name in names if name.startswith("ex") and name.endswith(".py")}
    return set(SKIPPED(folder, names)) | (stubs - registered)


def student_docs(source: Path) -> list[Path]:
    docs = sorted((source / "docs").glob("*.md"))
    return [doc for doc in docs if not any(doc.match(pattern) for pattern in INSTRUCTOR_DOCS)]


def copy_workflow(source: Path, target: Path) -> None:
    """The pull-request grading workflow and, if it uses any, the scripts beside it."""
    workflow = source / WORKFLOW
    if not workflow.is_file():
        return
    (target / WORKFLOW.parent).mkdir(parents=True)
    shutil.copy2(workflow, target / WORKFLOW)
    if str(SCRIPTS) in workflow.read_text(encoding="utf-8") and (source / SCRIPTS).is_dir():
        shutil.copytree(source / SCRIPTS, target / SCRIPTS, ignore=SKIPPED)


def student_readme() -> str:
    table = "\n".join(f"| {exercise.number} | {exercise.title} | `exercises/{exercise.file_name}` |"
                      for exercise in exercises())
    return string.Template(TEMPLATE.read_text(encoding="utf-8")).safe_substitute(exercise_table=table)


def solution_windows(reference: Path, stubs: Path) -> dict[Window, str]:
    """Runs of WINDOW consecutive lines of each reference function (the whole body if shorter),
    each holding a line its stub lacks -> where it comes from. Single lines are not used: idioms
    such as `loop = asyncio.get_running_loop()` are everywhere in the grader; runs of lines are not.
    """
    found: dict[Window, str] = {}
    for path in sorted(reference.glob("*.py")):
        common = lines_of(stubs / path.name)
        for body in function_bodies(path.read_text(encoding="utf-8")):
            for run in windows(body):
                texts = tuple(text for _, text in run)
                if set(texts) - common and sum(map(len, texts)) >= MIN_CHARS:
                    found.setdefault(texts, f"{path.parent.name}/{path.name}:{run[0][0]}")
    return found


def lines_of(path: Path) -> set[str]:
    return {text for _, text in code_lines(path.read_text(encoding="utf-8"))} if path.is_file() else set()


def code_lines(text: str) -> list[tuple[int, str]]:
    """(line number, stripped text) of every line that is neither blank nor only a comment."""
    stripped = ((number, line.strip()) for number, line in enumerate(text.splitlines(), 1))
    return [(number, line) for number, line in stripped if line and not line.startswith("#")]


def function_bodies(source: str) -> list[list[tuple[int, str]]]:
    """The code lines of every function body in `source` (methods included), docstrings excluded."""
    lines = dict(code_lines(source))
    bodies = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body[1:] if ast.get_docstring(node) is not None else node.body
            if body:
                span = range(body[0].lineno, (body[-1].end_lineno or body[-1].lineno) + 1)
                bodies.append([(number, lines[number]) for number in span if number in lines])
    return bodies


def windows(body: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    if len(body) <= WINDOW:
        return [body] if body else []
    return [body[start:start + WINDOW] for start in range(len(body) - WINDOW + 1)]


def files_under(root: Path) -> Iterator[Path]:
    return (path for path in sorted(root.rglob("*")) if path.is_file() and ".git" not in path.parts)


def find_leaks(root: Path, solutions: dict[Window, str]) -> list[Leak]:
    """Every exported file under a solutions folder, and every run of lines of a solution."""
    leaks: list[Leak] = []
    sizes = sorted({len(window) for window in solutions})
    for path in files_under(root):
        relative = path.relative_to(root)
        if FORBIDDEN_PARTS & set(relative.parts):
            leaks.append(Leak(str(relative), 0, "", "a path under a solutions or tests folder"))
            continue
        try:
            lines = code_lines(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, OSError):
            continue
        for size in sizes:
            for start in range(len(lines) - size + 1):
                texts = tuple(text for _, text in lines[start:start + size])
                if texts in solutions:
                    leaks.append(Leak(str(relative), lines[start][0], " / ".join(texts), solutions[texts]))
    return leaks


def solved_stubs(reference: Path, stubs: Path) -> list[Leak]:
    """Stubs in which every reference function is already written as in the reference.

    (A stub may share some function bodies with its reference - a fix-the-bug exercise gives
    most of the program - but not all of them.)
    """
    leaks = []
    for path in sorted(reference.glob("*.py")):
        stub = stubs / path.name
        wanted, given = function_dumps(path), function_dumps(stub)
        if wanted and wanted <= given:
            leaks.append(Leak(f"{stubs.name}/{stub.name}", 0, "every function is written as in the reference",
                              f"{path.parent.name}/{path.name}"))
    return leaks


def function_dumps(path: Path) -> set[str]:
    """Each function's body (docstring left out) as an AST dump: formatting and comments ignored."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return set()
    dumps = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body[1:] if ast.get_docstring(node) is not None else node.body
            dumps.add(ast.dump(ast.Module(body=body, type_ignores=[])))
    return dumps


def export(source: Path, target: Path, references: list[Path] | None = None) -> list[Leak]:
    """Write the student copy of the kit at `source` to `target` (which must not exist).

    `references` are the folders of solutions to scan for (default: the kit's `reference/`). If
    the copy holds any of them it is removed again and the leaks are returned; an empty list
    means `target` is ready to hand out.
    """
    staging = target.with_name(f".{target.name}.exporting")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        copy_kit(source, staging)
        leaks = [leak for folder in references or [source / "reference"] for leak in
                 solved_stubs(folder, staging / "exercises")
                 + find_leaks(staging, solution_windows(folder, staging / "exercises"))]
        if not leaks:
            staging.rename(target)
        return leaks
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def start_repository(folder: Path, message: str) -> None:
    """`git init` and one commit of everything in `folder`; CalledProcessError if git fails."""
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True,
                              text=True).stdout

    git("init", "--quiet", "--initial-branch=main")
    git("add", "--all")
    identity = [] if git_identity(folder) else ["-c", "user.name=Instructor",
                                                 "-c", "user.email=instructor@example.invalid"]
    git(*identity, "commit", "--quiet", "--message", message)


def git_identity(folder: Path) -> bool:
    found = subprocess.run(["git", "-C", str(folder), "config", "user.email"], capture_output=True,
                           text=True)
    return bool(found.stdout.strip())
