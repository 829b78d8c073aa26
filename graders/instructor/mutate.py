"""Mutation testing of the checks: small, asyncio-aware changes to a reference solution.

Each mutant is the reference with one change a student could plausibly make: an `await`
removed, `gather` turned into awaits one after another, `asyncio.sleep` swapped for
`time.sleep`, a statement dropped, a `try` or `with` wrapper dropped (its body kept), an integer
constant changed by one, a value returned as None, a task awaited where it was created, a
`task_done()`/`cancel()`/`release()` call removed, a lock or semaphore that no longer limits
anything, a condition negated, and the classic operator swaps. `grade verify --mutate` grades
every mutant in the usual isolated children: a mutant is killed when a check fails, timed out when
grading had to stop it, and survives when it gets full marks. A survivor is either a gap in the
checks or a change the spec cannot tell apart from the reference: the latter are listed, each
with a reason, in tests/mutants/equivalent.toml (by exercise and mutant id).

Mutants are made by editing the reference's text at the places its syntax tree points to, so
everything the change does not touch (comments, layout) stays as written and the diff shows only
the change. A mutant id, `operator@line:col#hash`, names the operator, where it applied and a hash
of the mutated source: it stays the same as long as the reference does.

This module produces results; `graders.instructor.verify` formats them for people.
"""

from __future__ import annotations

import ast
import difflib
import hashlib
import os
import tempfile
import textwrap
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from graders.registry import KIT_ROOT, Exercise
from graders.results import ExerciseResult

EQUIVALENT_FILE = KIT_ROOT / "tests" / "mutants" / "equivalent.toml"
# A lock or semaphore that limits nothing: as many holders at once as any check could start.
NO_OP_LIMIT = "asyncio.Semaphore(1000000)"
LOCKS = frozenset({"Lock", "Semaphore", "BoundedSemaphore"})
REMOVABLE_CALLS = frozenset({"task_done", "cancel", "release", "acquire", "set", "clear", "close",
                             "shutdown", "notify", "notify_all", "put_nowait", "join"})
TASK_STARTERS = frozenset({"create_task", "ensure_future"})
THREAD_STARTERS = frozenset({"to_thread", "run_in_executor"})
THREADSAFE = frozenset({"call_soon_threadsafe", "call_soon"})
SWAPPED_OPERATORS: dict[type[ast.AST], type[ast.AST]] = {
    ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult, ast.FloorDiv: ast.Div,
    ast.Mod: ast.FloorDiv, ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Lt: ast.LtE, ast.LtE: ast.Lt,
    ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Is: ast.IsNot, ast.IsNot: ast.Is, ast.In: ast.NotIn,
    ast.NotIn: ast.In, ast.And: ast.Or, ast.Or: ast.And,
}


# -- Making mutants -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Edit:
    """Replace the bytes `start:end` of the source (UTF-8) with `text`."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Change:
    operator: str
    node: ast.AST
    edits: tuple[Edit, ...]


@dataclass(frozen=True)
class Mutant:
    operator: str
    line: int
    col: int
    source: str

    @property
    def id(self) -> str:
        digest = hashlib.sha256(self.source.encode()).hexdigest()[:8]
        return f"{self.operator}@{self.line}:{self.col}#{digest}"

    def diff(self, reference: str, file_name: str) -> str:
        lines = difflib.unified_diff(reference.splitlines(keepends=True),
                                     self.source.splitlines(keepends=True),
                                     f"reference/{file_name}", f"mutant {self.id}", n=2)
        return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


@dataclass
class Where:
    """What a node is inside of: the innermost function (None at module level) and an annotation."""

    function: ast.AST | None = None
    in_annotation: bool = False
    in_fstring: bool = False

    @property
    def is_async(self) -> bool:
        return isinstance(self.function, ast.AsyncFunctionDef)


class Source:
    """The reference's text, its tree, and where each node lies in the text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.data = text.encode()
        self.tree = ast.parse(text)
        self.lines = text.splitlines(keepends=True)
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line.encode()))
        self.parents: dict[ast.AST, ast.AST] = {child: node for node in ast.walk(self.tree)
                                                for child in ast.iter_child_nodes(node)}
        self.where: dict[ast.AST, Where] = {}
        self._place(self.tree, Where())

    def _place(self, node: ast.AST, where: Where) -> None:
        self.where[node] = where
        for name, value in ast.iter_fields(node):
            inner = where
            if name in ("annotation", "returns") or (isinstance(node, ast.arg) and name == "annotation"):
                inner = Where(where.function, True, where.in_fstring)
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) and name == "body":
                inner = Where(node, where.in_annotation, where.in_fstring)
            elif isinstance(node, ast.JoinedStr):
                inner = Where(where.function, where.in_annotation, True)
            for child in value if isinstance(value, list) else [value]:
                if isinstance(child, ast.AST):
                    self._place(child, inner)

    def offset(self, line: int, col: int) -> int:
        return self.starts[line - 1] + col

    def span(self, node: ast.AST) -> tuple[int, int]:
        return (self.offset(node.lineno, node.col_offset),  # type: ignore[attr-defined]
                self.offset(node.end_lineno, node.end_col_offset))  # type: ignore[attr-defined]

    def segment(self, node: ast.AST) -> str:
        start, end = self.span(node)
        return self.data[start:end].decode()

    def replace(self, node: ast.AST, text: str) -> Edit:
        return Edit(*self.span(node), text)

    def indent(self, node: ast.AST) -> str | None:
        """The indentation of a statement that has its lines to itself; None if it shares one."""
        first = self.lines[node.lineno - 1].encode()  # type: ignore[attr-defined]
        last = self.lines[node.end_lineno - 1].encode()  # type: ignore[attr-defined]
        prefix, rest = first[:node.col_offset], last[node.end_col_offset:]  # type: ignore[attr-defined]
        if prefix.strip() or (rest.strip() and not rest.strip().startswith(b"#")):
            return None
        return prefix.decode()

    def block(self, statements: list[ast.stmt], indent: str) -> list[str]:
        """The lines of `statements` as written (comments too), re-indented to `indent`."""
        lines = self.lines[statements[0].lineno - 1:statements[-1].end_lineno]  # type: ignore[operator]
        dedented = textwrap.dedent("".join(line if line.endswith("\n") else line + "\n" for line in lines))
        return [indent + line if line.strip() else line for line in dedented.splitlines(keepends=True)]

    def replace_statement(self, node: ast.stmt, lines: list[str] | None) -> Edit | None:
        """Replace the whole lines of `node` with `lines` (already indented); None: `pass`."""
        indent = self.indent(node)
        if indent is None:
            return None
        text = "".join(lines) if lines else f"{indent}pass\n"
        return Edit(self.starts[node.lineno - 1], self.starts[node.end_lineno], text)  # type: ignore[index]

    def import_edit(self, module: str) -> Edit | None:
        """An `import module` line before the file's first import, unless it has one already."""
        imports = [node for node in self.tree.body if isinstance(node, ast.Import | ast.ImportFrom)]
        if any(isinstance(node, ast.Import) and any(alias.name == module and not alias.asname
                                                     for alias in node.names) for node in imports):
            return Edit(0, 0, "")
        first = next((node for node in imports
                      if not (isinstance(node, ast.ImportFrom) and node.module == "__future__")), None)
        if first is None:
            return None
        at = self.starts[first.lineno - 1]
        return Edit(at, at, f"import {module}\n")


Operator = Callable[[Source, ast.AST], Iterator[Change]]


def in_body(source: Source, node: ast.AST) -> bool:
    """Inside a function and outside annotations and f-strings: code that runs when called."""
    where = source.where[node]
    return where.function is not None and not where.in_annotation and not where.in_fstring


def called(node: ast.AST, names: frozenset[str]) -> bool:
    """Whether `node` is a call of a function or method with one of `names` (`x.name(...)`)."""
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    return (isinstance(func, ast.Attribute) and func.attr in names) or (
        isinstance(func, ast.Name) and func.id in names)


def is_docstring(source: Source, node: ast.AST) -> bool:
    parent = source.parents.get(node)
    return (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
            and isinstance(parent, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Module)
            and parent.body[0] is node)


def change(operator: str, node: ast.AST, *edits: Edit | None) -> Iterator[Change]:
    if edits and all(edit is not None for edit in edits):
        yield Change(operator, node, tuple(edit for edit in edits if edit is not None))


def remove_await(source: Source, node: ast.AST) -> Iterator[Change]:
    if isinstance(node, ast.Await):
        yield from change("remove-await", node, source.replace(node, source.segment(node.value)))


def gather_sequential(source: Source, node: ast.AST) -> Iterator[Change]:
    """`await gather(a, b)` -> `[await a, await b]`; `await gather(*(f(x) for x in xs))` -> a list
    comprehension awaiting each in turn."""
    if not (isinstance(node, ast.Await) and called(node.value, frozenset({"gather"}))):
        return
    call = node.value
    assert isinstance(call, ast.Call)
    if call.keywords:
        return
    starred = [arg for arg in call.args if isinstance(arg, ast.Starred)]
    if not starred:
        text = "[" + ", ".join(f"await {source.segment(arg)}" for arg in call.args) + "]"
    elif len(call.args) == 1:
        inner = starred[0].value
        if isinstance(inner, ast.GeneratorExp | ast.ListComp):
            text = ast.unparse(ast.ListComp(ast.Await(inner.elt), inner.generators))
        else:
            text = f"[await _each for _each in {source.segment(inner)}]"
    else:
        return
    yield from change("gather-sequential", node, source.replace(node, text))


def task_in_place(source: Source, node: ast.AST) -> Iterator[Change]:
    """`create_task(x)` -> `x` awaited right there: as a statement `await x`; where the task is
    kept, a task already done (so a TaskGroup runs its tasks one after another)."""
    if not (called(node, TASK_STARTERS) and source.where[node].is_async):
        return
    assert isinstance(node, ast.Call)
    if not node.args:
        return
    if isinstance(source.parents.get(node), ast.Expr):
        text = f"await {source.segment(node.args[0])}"
    else:
        text = f"(await asyncio.wait([{source.segment(node)}]))[0].pop()"
    yield from change("task-in-place", node, source.replace(node, text))


def time_sleep(source: Source, node: ast.AST) -> Iterator[Change]:
    if isinstance(node, ast.Await) and called(node.value, frozenset({"sleep"})):
        call = node.value
        assert isinstance(call, ast.Call)
        if isinstance(call.func, ast.Attribute) and source.segment(call.func.value) == "asyncio":
            text = "time.sleep(" + ", ".join(source.segment(arg) for arg in call.args[:1]) + ")"
            yield from change("time-sleep", node, source.replace(node, text), source.import_edit("time"))


def thread_in_place(source: Source, node: ast.AST) -> Iterator[Change]:
    """`asyncio.to_thread(f, x)` -> an awaitable that already ran `f(x)` on the loop's thread."""
    if not called(node, THREAD_STARTERS):
        return
    assert isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    args = node.args[1:] if node.func.attr == "run_in_executor" else node.args
    if not args or any(isinstance(arg, ast.Starred) for arg in args[:1]):
        return
    call = f"{source.segment(args[0])}(" + ", ".join(source.segment(arg) for arg in args[1:]) + ")"
    yield from change("thread-in-place", node, source.replace(node, f"asyncio.sleep(0, {call})"))


def threadsafe_direct(source: Source, node: ast.AST) -> Iterator[Change]:
    """`loop.call_soon_threadsafe(f, x)` -> `f(x)` called right away, on whatever thread."""
    if called(node, THREADSAFE):
        assert isinstance(node, ast.Call)
        if node.args and not node.keywords and not any(isinstance(a, ast.Starred) for a in node.args):
            args = ", ".join(source.segment(arg) for arg in node.args[1:])
            yield from change("call-directly", node,
                              source.replace(node, f"{source.segment(node.args[0])}({args})"))


def no_op_lock(source: Source, node: ast.AST) -> Iterator[Change]:
    if called(node, LOCKS) and isinstance(node.func, ast.Attribute):  # type: ignore[attr-defined]
        if source.segment(node.func.value) == "asyncio":  # type: ignore[attr-defined]
            yield from change("no-op-lock", node, source.replace(node, NO_OP_LIMIT))


def remove_call(source: Source, node: ast.AST) -> Iterator[Change]:
    if isinstance(node, ast.Expr):
        call = node.value.value if isinstance(node.value, ast.Await) else node.value
        if called(call, REMOVABLE_CALLS):
            yield from change("remove-call", node, source.replace_statement(node, None))


def drop_statement(source: Source, node: ast.AST) -> Iterator[Change]:
    if not isinstance(node, ast.stmt) or isinstance(node, ast.Pass | ast.FunctionDef |
                                                    ast.AsyncFunctionDef | ast.ClassDef):
        return
    if is_docstring(source, node) or (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)):
        return
    yield from change("drop-statement", node, source.replace_statement(node, None))


def assignments(source: Source, node: ast.With | ast.AsyncWith, indent: str) -> list[str]:
    return [f"{indent}{source.segment(item.optional_vars)} = {source.segment(item.context_expr)}\n"
            for item in node.items if item.optional_vars is not None]


def unwrap(source: Source, node: ast.AST) -> Iterator[Change]:
    """Drop a `with`/`async with` (its `as` names still bound to the object) or a `try` (keep the
    body; variants keep the `finally` on success only, or drop just the `except` clauses)."""
    indent = source.indent(node)
    if indent is None:
        return
    if isinstance(node, ast.With | ast.AsyncWith):
        lines = assignments(source, node, indent) + source.block(node.body, indent)
        yield from change("unwrap-with", node, source.replace_statement(node, lines))
    elif isinstance(node, ast.Try | ast.TryStar):
        body = source.block(node.body, indent)
        yield from change("unwrap-try", node, source.replace_statement(node, body))
        if node.finalbody:
            lines = body + source.block(node.finalbody, indent)
            yield from change("finally-on-success-only", node, source.replace_statement(node, lines))
        if node.finalbody and node.handlers:
            handlers = (node.handlers[0].lineno, node.handlers[-1].end_lineno)
            start, end = source.starts[handlers[0] - 1], source.starts[handlers[1]]  # type: ignore[index]
            yield from change("drop-except", node, Edit(start, end, ""))


def broaden_except(source: Source, node: ast.AST) -> Iterator[Change]:
    """`except Exception` -> `except BaseException`: cancellation caught with the errors."""
    if isinstance(node, ast.ExceptHandler) and node.type is not None:
        if source.segment(node.type) != "BaseException":
            yield from change("broaden-except", node, source.replace(node.type, "BaseException"))


def constant_by_one(source: Source, node: ast.AST) -> Iterator[Change]:
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        for operator, value in (("constant-plus-one", node.value + 1),
                                ("constant-minus-one", node.value - 1)):
            yield from change(operator, node, source.replace(node, str(value)))


def flip_bool(source: Source, node: ast.AST) -> Iterator[Change]:
    if isinstance(node, ast.Constant) and type(node.value) is bool:
        yield from change("flip-bool", node, source.replace(node, str(not node.value)))


def return_none(source: Source, node: ast.AST) -> Iterator[Change]:
    if isinstance(node, ast.Return) and node.value is not None:
        if not (isinstance(node.value, ast.Constant) and node.value.value is None):
            yield from change("return-none", node, source.replace(node.value, "None"))


def negate(source: Source, node: ast.AST) -> Iterator[Change]:
    tests: list[ast.expr] = []
    if isinstance(node, ast.If | ast.While | ast.IfExp):
        tests = [node.test]
    elif isinstance(node, ast.comprehension):
        tests = list(node.ifs)
    for test in tests:
        yield from change("negate-condition", test, source.replace(test, f"not ({source.segment(test)})"))


def swap_operator(source: Source, node: ast.AST) -> Iterator[Change]:
    """`+` <-> `-`, `%` -> `//`, `==` <-> `!=`, `<` <-> `<=`, `and` <-> `or`, ... (one at a time)."""
    if isinstance(node, ast.BinOp | ast.AugAssign | ast.BoolOp) and type(node.op) in SWAPPED_OPERATORS:
        swapped = _copy(node)
        swapped.op = SWAPPED_OPERATORS[type(node.op)]()  # type: ignore[attr-defined]
        yield from _swapped(source, node, swapped)
    elif isinstance(node, ast.Compare):
        for index, op in enumerate(node.ops):
            if type(op) in SWAPPED_OPERATORS:
                swapped = _copy(node)
                swapped.ops[index] = SWAPPED_OPERATORS[type(op)]()  # type: ignore[attr-defined]
                yield from _swapped(source, node, swapped)


def _copy(node: ast.AST) -> ast.AST:
    import copy

    return copy.deepcopy(node)


def _swapped(source: Source, node: ast.AST, swapped: ast.AST) -> Iterator[Change]:
    text = ast.unparse(swapped)
    if isinstance(node, ast.AugAssign):
        yield from change("swap-operator", node, source.replace(node, text))
    else:
        yield from change("swap-operator", node, source.replace(node, f"({text})"))


def zero_iterations(source: Source, node: ast.AST) -> Iterator[Change]:
    if isinstance(node, ast.For | ast.AsyncFor):
        yield from change("zero-iteration-loop", node, source.replace(node.iter, "[]"))


def remove_not(source: Source, node: ast.AST) -> Iterator[Change]:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        yield from change("remove-not", node, source.replace(node, f"({source.segment(node.operand)})"))


def asyncio_call(node: ast.AST, source: Source, names: frozenset[str]) -> ast.Call | None:
    """`node` if it is a call `asyncio.NAME(...)` with one of `names`."""
    if called(node, names) and isinstance(node.func, ast.Attribute):  # type: ignore[attr-defined]
        if source.segment(node.func.value) == "asyncio":  # type: ignore[attr-defined]
            return node  # type: ignore[return-value]
    return None


def no_timeout(source: Source, node: ast.AST) -> Iterator[Change]:
    """`asyncio.timeout(s)` / `wait_for(aw, s)` with no limit; `Queue(n)` with no bound."""
    call = asyncio_call(node, source, frozenset({"timeout", "wait_for", "Queue", "PriorityQueue",
                                                 "LifoQueue"}))
    if call is None:
        return
    assert isinstance(call.func, ast.Attribute)
    name = call.func.attr
    if name == "timeout" and call.args:
        yield from change("no-timeout", call, source.replace(call.args[0], "None"))
    elif name == "wait_for" and len(call.args) > 1:
        yield from change("no-timeout", call, source.replace(call.args[1], "None"))
    elif name.endswith("Queue") and (call.args or call.keywords):
        yield from change("unbounded-queue", call, source.replace(call, f"asyncio.{name}()"))


def loop_swaps(source: Source, node: ast.AST) -> Iterator[Change]:
    """A new loop where the running one is meant; `run` that leaves its loop open; awaitables
    taken in the order given instead of `as_completed`; `call_soon` from another thread."""
    found = asyncio_call(node, source, frozenset({"get_running_loop", "get_event_loop", "run"}))
    if found is not None:
        assert isinstance(found.func, ast.Attribute)
        if found.func.attr == "run" and len(found.args) == 1 and not found.keywords:
            text = f"asyncio.new_event_loop().run_until_complete({source.segment(found.args[0])})"
            yield from change("run-leaves-loop-open", found, source.replace(found, text))
        elif found.func.attr != "run":
            yield from change("new-loop", found, source.replace(found, "asyncio.new_event_loop()"))
    completed = asyncio_call(node, source, frozenset({"as_completed"}))
    if completed is not None and completed.args:  # awaited in the order given, not as they finish
        yield from change("as-completed-in-order", completed,
                          source.replace(completed, source.segment(completed.args[0])))
    if called(node, frozenset({"call_soon_threadsafe"})):
        assert isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        text = f"{source.segment(node.func.value)}.call_soon"
        yield from change("call-soon-unsafe", node, source.replace(node.func, text))


# Calls whose numeric argument is a limit or a duration: (name, index of that argument).
LIMITS = {"sleep": 0, "timeout": 0, "wait_for": 1, "Semaphore": 0, "BoundedSemaphore": 0,
          "Queue": 0, "range": 0}


def argument_by_one(source: Source, node: ast.AST) -> Iterator[Change]:
    """A limit or duration passed as a name, off by one: `Semaphore(limit + 1)`, `sleep(delay - 1)`
    (a check that bounds a figure from one side only lets one of the two pass)."""
    if not called(node, frozenset(LIMITS)):
        return
    assert isinstance(node, ast.Call)
    name = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id  # type: ignore[attr-defined]
    index = LIMITS[name]
    if len(node.args) > index and isinstance(node.args[index], ast.Name | ast.Attribute):
        text = source.segment(node.args[index])
        for operator, sign in (("argument-plus-one", "+"), ("argument-minus-one", "-")):
            yield from change(operator, node, source.replace(node.args[index], f"({text} {sign} 1)"))


# More specific operators first: of two mutants with the same code, the first made is kept.
OPERATORS: tuple[Operator, ...] = (
    remove_await, gather_sequential, task_in_place, time_sleep, thread_in_place, threadsafe_direct,
    no_op_lock, no_timeout, loop_swaps, remove_call, unwrap, broaden_except, drop_statement,
    zero_iterations, constant_by_one, argument_by_one, flip_bool, return_none, negate, remove_not,
    swap_operator,
)


def apply(source: Source, edits: tuple[Edit, ...]) -> str:
    data = source.data
    for edit in sorted(edits, key=lambda edit: edit.start, reverse=True):
        data = data[:edit.start] + edit.text.encode() + data[edit.end:]
    return data.decode()


def mutants_of(text: str) -> list[Mutant]:
    """Every mutant of the source `text`, in source order; each distinct in code and from `text`."""
    source = Source(text)
    seen = {ast.dump(source.tree)}
    found: list[Mutant] = []
    nodes = sorted((node for node in ast.walk(source.tree)
                    if hasattr(node, "lineno") and in_body(source, node)),
                   key=lambda node: (node.lineno, node.col_offset))  # type: ignore[attr-defined]
    for node in nodes:
        for operator in OPERATORS:
            for made in operator(source, node):
                mutated = apply(source, made.edits)
                try:
                    dump = ast.dump(ast.parse(mutated))
                except SyntaxError:
                    continue
                if dump not in seen:
                    seen.add(dump)
                    found.append(Mutant(made.operator, made.node.lineno,  # type: ignore[attr-defined]
                                        made.node.col_offset, mutated))  # type: ignore[attr-defined]
    return found


def sample(mutants: list[Mutant], count: int) -> list[Mutant]:
    """`count` of `mutants`, the same ones every time (chosen by a hash of their ids)."""
    chosen = sorted(mutants, key=lambda mutant: hashlib.sha256(mutant.id.encode()).hexdigest())[:count]
    return [mutant for mutant in mutants if mutant in chosen]


# -- Grading mutants ----------------------------------------------------------------------------


@dataclass
class Outcome:
    mutant: Mutant
    verdict: str  # "killed", "survived" or "timed out"
    by: str = ""  # the first check that failed


@dataclass
class ExerciseMutation:
    exercise: Exercise
    reference: str  # the reference's source
    generated: int = 0
    equivalent: list[Mutant] = field(default_factory=list)  # listed as equivalent: not graded
    outcomes: list[Outcome] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def count(self, verdict: str) -> int:
        return sum(outcome.verdict == verdict for outcome in self.outcomes)

    @property
    def survivors(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.verdict == "survived"]

    @property
    def passed(self) -> bool:
        return not self.problems and not self.survivors


@dataclass
class MutationReport:
    exercises: list[ExerciseMutation]
    sampled: int | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems and all(result.passed for result in self.exercises)


def read_equivalent(path: Path) -> dict[str, dict[str, str]]:
    """The reviewed list: {exercise module name: {mutant id: reason}}; empty if there is none."""
    if not path.is_file():
        return {}
    with path.open("rb") as file:
        data = tomllib.load(file)
    return {module: {str(key): str(reason) for key, reason in entries.items()}
            for module, entries in data.items() if isinstance(entries, dict)}


def verdict(result: ExerciseResult) -> tuple[str, str]:
    failed = [check for check in result.checks if check.status in ("failed", "error")]
    if failed:
        return "killed", failed[0].name
    timed_out = [check for check in result.checks if check.status == "timeout"]
    if timed_out:
        return "timed out", timed_out[0].name
    return "survived", ""


def run(
    selection: list[Exercise],
    reference: Path,
    *,
    equivalent_file: Path = EQUIVALENT_FILE,
    count: int | None = None,
    parallel: int | None = None,
    on_planned: Callable[[int], None] | None = None,
    on_graded: Callable[[], None] | None = None,
) -> MutationReport:
    """Make the mutants of each selected exercise's reference (a sample of `count` each, if given)
    and grade them; `on_planned` hears how many will be graded, `on_graded` each one graded."""
    report = MutationReport([], count)
    try:
        equivalent = read_equivalent(equivalent_file)
    except (OSError, tomllib.TOMLDecodeError) as error:
        report.problems.append(f"{equivalent_file} cannot be read: {error}")
        equivalent = {}
    plans = [plan(exercise, reference, equivalent.get(exercise.module_name, {}), count)
             for exercise in selection]
    if on_planned:
        on_planned(sum(len(todo) for _, todo in plans))
    for result, todo in plans:
        if todo:
            grade_mutants(result, reference, todo, parallel, on_graded)
        report.exercises.append(result)
    return report


def plan(exercise: Exercise, reference: Path, equivalent: dict[str, str],
         count: int | None) -> tuple[ExerciseMutation, list[Mutant]]:
    """The exercise's result so far and the mutants to grade for it."""
    path = reference / exercise.file_name
    try:
        text = path.read_text(encoding="utf-8")
        made = mutants_of(text)
    except (OSError, UnicodeDecodeError, SyntaxError) as error:
        result = ExerciseMutation(exercise, "")
        result.problems.append(f"the reference {path} cannot be read: {error}")
        return result, []
    result = ExerciseMutation(exercise, text, generated=len(made))
    result.equivalent = [mutant for mutant in made if mutant.id in equivalent]
    ids = {mutant.id for mutant in made}
    result.notes += [f"{listed} is listed as equivalent but is no longer made (the reference "
                     f"changed?): review it and remove it" for listed in equivalent if listed not in ids]
    todo = [mutant for mutant in made if mutant.id not in equivalent]
    return result, (sample(todo, count) if count is not None else todo)


def grade_mutants(result: ExerciseMutation, reference: Path, mutants: list[Mutant],
                  parallel: int | None, on_graded: Callable[[], None] | None = None) -> None:
    """Grade the reference and `mutants` of one exercise in one batch of isolated children."""
    from graders.engine.runner import grade_many  # the grading stack: imported only when grading

    exercise = result.exercise
    with tempfile.TemporaryDirectory(prefix="grade-mutate-") as scratch:
        folders = {"reference": reference}
        for number, mutant in enumerate(mutants):
            folder = Path(scratch) / f"m{number}"
            folder.mkdir()
            (folder / exercise.file_name).write_text(mutant.source, encoding="utf-8")
            folders[mutant.id] = folder

        def graded(name: str, _: ExerciseResult) -> None:
            if on_graded and name != "reference":
                on_graded()

        reports = grade_many(folders, [exercise], parallel=parallel or 4 * (os.cpu_count() or 1),
                             on_done=graded)
    if not reports["reference"].exercises[0].passed:
        result.problems.append("the reference does not get full marks: mutants cannot be judged "
                               "(run `grade verify` first)")
    for mutant in mutants:
        result.outcomes.append(Outcome(mutant, *verdict(reports[mutant.id].exercises[0])))
