"""A pytest plugin for tests/test_handed.py: what a check hands to student code, and where it leads.

Loaded (with `-p handed_spy`) beside the grader's plugin in a child that runs one exercise's
checks against a folder of solutions. While each check runs, a trace function records every
object that reaches student code: the arguments of each student function (callbacks included),
what the student's code holds in its local variables, the arguments and return values of every
call it makes into other Python code, the exceptions it sees, its module's globals, and whatever
the check patched into a module the student may import (the allow-list of graders/trust/rules.py).

After the check, each of those objects is walked as student code could walk it: by public
attribute names (`dir()` and `getattr`, names the rules allow), through the items of lists,
tuples, sets and dicts, and through `__self__` of a bound method (stricter than the rules, which
refuse it: a check hands plain functions, never bound methods). The walk fails on check state: an
instance or class of the grader's own (`graders.*`) that is not declared safe to hand over
(`graders.probes.handed`), a pytest object, a frame, a `graders` module, or the check machinery
(Fail, record, the plugin). The report, one JSON object per check, goes to $HANDED_REPORT.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import os
import sys
import threading
import types
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from graders.probes.handed import is_handed
from graders.trust import rules
from graders.trust.student_files import is_student_file, set_solutions_dir

# How far from a handed object the walk goes, and how many objects it visits per check at most.
DEPTH = 8
BUDGET = 300_000
# Modules whose functions and classes are the check machinery: reaching one is reaching the check.
MACHINERY = ("graders.check", "graders.engine.plugin", "graders.engine.worker",
             "graders.trust.protocol", "graders.engine.runner",
             "graders.engine.seeding", "graders.engine.isolation")
FOREIGN = ("_pytest", "pytest", "pluggy", "pytest_timeout")
RESUMABLE = (inspect.CO_GENERATOR | inspect.CO_COROUTINE | inspect.CO_ITERABLE_COROUTINE
             | inspect.CO_ASYNC_GENERATOR)
ATOMS = (str, bytes, bytearray, int, float, complex, bool, type(None), range, slice)
CONTAINERS = (list, tuple, set, frozenset, deque)


def _module_of(value: Any) -> str:
    kind = value if isinstance(value, type) else type(value)
    return str(getattr(kind, "__module__", "") or "")


def _graders(name: str) -> bool:
    return name == "graders" or name.startswith("graders.")


def check_state(value: Any) -> str | None:
    """What `value` is, if it is check state that student code must not reach."""
    if isinstance(value, types.ModuleType):
        return f"the module {value.__name__}" if _graders(value.__name__) else None
    if isinstance(value, types.FrameType):
        return "a frame"
    if isinstance(value, types.FunctionType | types.BuiltinFunctionType):
        module = str(getattr(value, "__module__", "") or "")
        if _within(module, MACHINERY):
            return f"the check machinery's function {module}.{value.__qualname__}"
        return None
    module = _module_of(value)
    if module.split(".")[0] in FOREIGN:
        return f"a pytest object ({module}.{_name(value)})"
    if _graders(module):
        if _within(module, MACHINERY):
            return f"the check machinery ({module}.{_name(value)})"
        kind = value if isinstance(value, type) else type(value)
        if not is_handed(kind):
            what = "the class" if isinstance(value, type) else "an instance of"
            return f"{what} {module}.{_name(value)}"
    return None


def _dunder(name: str) -> bool:
    return name.startswith("__") and name.endswith("__")


def _within(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == package or module.startswith(f"{package}.") for package in packages)


def _name(value: Any) -> str:
    kind = value if isinstance(value, type) else type(value)
    return str(getattr(kind, "__qualname__", "?"))


def _public(value: Any) -> Iterator[tuple[str, Any]]:
    """(name, value) of each attribute student code may read by name."""
    try:
        names = dir(value)
    except Exception:  # noqa: BLE001 - an object whose dir() fails shows nothing
        return
    for name in names:
        if not isinstance(name, str) or rules.attribute_refused(name):
            continue
        try:
            found = getattr(value, name)
        except Exception:  # noqa: BLE001 - a property that raises leads nowhere
            continue
        yield f".{name}", found


def _next(value: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(value, ATOMS) or isinstance(value, types.ModuleType):
        return
    if isinstance(value, types.MethodType):
        yield ".__self__", value.__self__
        return
    if isinstance(value, types.BuiltinMethodType):
        owner = getattr(value, "__self__", None)
        if owner is not None and not isinstance(owner, types.ModuleType):
            yield ".__self__", owner
        return
    if isinstance(value, dict):
        for key, item in list(value.items()):
            yield f"[{_short(key)}]", key
            yield f"[{_short(key)}]", item
    elif isinstance(value, CONTAINERS):
        for index, item in enumerate(list(value)):
            yield f"[{index}]", item
    yield from _public(value)


def _short(key: Any) -> str:
    text = repr(key) if isinstance(key, ATOMS) else type(key).__name__
    return text if len(text) <= 40 else text[:37] + "..."


def walk(roots: dict[str, Any], budget: int = BUDGET) -> list[str]:
    """Paths from `roots` to check state, breadth first: the shortest path to each finding."""
    found: list[str] = []
    seen: set[int] = set()
    keep: list[Any] = []  # ids stay unique while the walk holds what it saw
    queue: deque[tuple[str, Any, int]] = deque((name, value, 0) for name, value in roots.items())
    while queue and budget > 0:
        path, value, depth = queue.popleft()
        if id(value) in seen:
            continue
        seen.add(id(value))
        keep.append(value)
        budget -= 1
        what = check_state(value)
        if what is not None:
            found.append(f"{path} is {what}")
            continue
        if depth >= DEPTH:
            continue
        for step, item in _next(value):
            if id(item) not in seen:
                queue.append((path + step, item, depth + 1))
    if queue and budget <= 0:
        found.append(f"the walk stopped after {BUDGET:,} objects: raise BUDGET or hand less")
    return found


class Handed:
    """Everything handed to student code during one check, by the path it first came by."""

    def __init__(self) -> None:
        self.objects: dict[int, tuple[str, Any]] = {}
        self.calls = 0

    def add(self, where: str, value: Any) -> None:
        if isinstance(value, ATOMS) or id(value) in self.objects:
            return
        self.objects[id(value)] = (where, value)

    def add_frame(self, frame: types.FrameType, what: str, arguments_only: bool = False) -> None:
        code = frame.f_code
        names = _arguments(code) if arguments_only else None
        for name, value in frame.f_locals.items():
            if (names is None or name in names) and not _dunder(name):
                self.add(f"{what} {code.co_name}(): {name}", value)

    def add_globals(self, frame: types.FrameType) -> None:
        """The student module's names, as they are now: a check may have replaced some."""
        for name, value in list(frame.f_globals.items()):
            if not _dunder(name):
                self.add(f"the student module's global {name}", value)

    def roots(self) -> dict[str, Any]:
        return {where: value for where, value in self.objects.values()}


def _arguments(code: types.CodeType) -> tuple[str, ...]:
    count = code.co_argcount + code.co_kwonlyargcount
    count += bool(code.co_flags & 0x04) + bool(code.co_flags & 0x08)  # *args, **kwargs
    return code.co_varnames[:count]


def patched(handed: Handed) -> None:
    """What the check put into a module student code may import, or into one of its classes:
    values of the grader's own (functions, bound methods, mocks) where the library had its own."""
    for name, module in list(sys.modules.items()):
        if not rules.module_allowed(name) or module is None:
            continue
        for attribute, value in list(vars(module).items()):
            if rules.attribute_refused(attribute):
                continue
            _note_patch(handed, f"{name}.{attribute}", value)
            if isinstance(value, type) and value.__module__ == name:
                for member, inner in list(vars(value).items()):
                    if not rules.attribute_refused(member):
                        _note_patch(handed, f"{name}.{attribute}.{member}", inner)


def ambient(handed: Handed) -> None:
    """What student code gets from the public getters of the modules it may import, called where
    it runs: the event loop and what it holds, the current task, the loop policy, the thread."""
    loop = asyncio.events._get_running_loop()
    found: dict[str, Any] = {"asyncio.get_event_loop_policy()": asyncio.get_event_loop_policy(),
                             "threading.current_thread()": threading.current_thread(),
                             "threading.main_thread()": threading.main_thread()}
    if loop is not None:
        found["asyncio.get_running_loop()"] = loop
        found["asyncio.current_task()"] = asyncio.current_task(loop)
        found["loop.get_task_factory()"] = loop.get_task_factory()
        found["loop.get_exception_handler()"] = loop.get_exception_handler()
    for where, value in found.items():
        handed.add(where, value)


def _note_patch(handed: Handed, where: str, value: Any) -> None:
    origin = value.__func__ if isinstance(value, types.MethodType) else value
    module = str(getattr(origin, "__module__", "") or "") if callable(origin) else ""
    if _graders(module) or _graders(_module_of(value)) or _is_mock(value):
        handed.add(f"the patched {where}", value)


def _is_mock(value: Any) -> bool:
    return _module_of(value) == "unittest.mock"


class Tracer:
    """Records, while installed, what reaches student frames on every thread."""

    def __init__(self, handed: Handed) -> None:
        self.handed = handed
        self.scanned: set[types.CodeType] = set()

    def install(self) -> None:
        threading.settrace(self.trace)
        sys.settrace(self.trace)

    def uninstall(self) -> None:
        sys.settrace(None)
        threading.settrace(None)  # type: ignore[arg-type]

    def trace(self, frame: types.FrameType, event: str, arg: Any) -> Callable[..., Any] | None:
        if event != "call":
            return None
        handed = self.handed
        if is_student_file(frame.f_code.co_filename):
            handed.calls += 1
            handed.add_frame(frame, "an argument of")
            handed.add_globals(frame)
            if frame.f_code not in self.scanned or handed.calls % 64 == 0:
                self.scanned.add(frame.f_code)
                patched(handed)
                ambient(handed)
            return self.in_student
        back = frame.f_back
        if back is not None and is_student_file(back.f_code.co_filename):
            # A coroutine or generator runs its first line when student code first awaits or
            # iterates it, not when it is made: its arguments may be the maker's, not the
            # student's (a check's coroutine handed over). What the student passed, it holds.
            if not frame.f_code.co_flags & RESUMABLE:
                handed.add_frame(frame, "what student code passed to", arguments_only=True)
            return self.called_by_student
        return None

    def in_student(self, frame: types.FrameType, event: str, arg: Any) -> Callable[..., Any]:
        if event == "line":
            self.handed.add_frame(frame, "a local of")
        elif event == "exception":
            self.handed.add(f"an exception raised into {frame.f_code.co_name}()", arg[1])
        return self.in_student

    def called_by_student(self, frame: types.FrameType, event: str,
                          arg: Any) -> Callable[..., Any] | None:
        if event == "return":
            self.handed.add(f"what {frame.f_code.co_name}() returned to student code", arg)
        return self.called_by_student


class HandedSpy:
    """The plugin: traces each check's call, walks what was handed, writes the report."""

    def __init__(self, report: Path) -> None:
        self.report = report
        self.checks: dict[str, dict[str, Any]] = {}

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Iterator[None]:
        handed = Handed()
        tracer = Tracer(handed)
        tracer.install()
        try:
            yield
        finally:
            tracer.uninstall()
        findings = walk(handed.roots())
        self.checks[item.name] = {"handed": len(handed.objects), "calls": handed.calls,
                                  "findings": sorted(set(findings))}

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item,
                                  call: pytest.CallInfo[None]) -> Iterator[None]:
        outcome = yield
        report = outcome.get_result()
        if report.when == "call":
            entry = self.checks.setdefault(item.name, {})
            entry["passed"] = report.passed
            entry["message"] = str(getattr(call.excinfo, "value", "") or "")[:500]

    def pytest_sessionfinish(self) -> None:
        self.report.write_text(json.dumps(self.checks, indent=1))


def pytest_configure(config: pytest.Config) -> None:
    set_solutions_dir(Path(os.environ["HANDED_SOLUTIONS"]))
    config.pluginmanager.register(HandedSpy(Path(os.environ["HANDED_REPORT"])), "handed-spy")
