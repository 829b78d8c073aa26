"""Guards against submissions that reach into the grader instead of solving the exercise.

Three layers, each cheap, none trusted alone:
- the rules every exercise file must follow (graders/trust/rules.py), checked before any of it runs: an
  allow-list of modules, no dunder or private attributes, no introspection or dynamic access, no
  attribute assignment except on self;
- an audit hook (which Python code cannot remove) that notes introspection and class patching done
  from the student's files while checks run;
- a snapshot of the functions and classes that checks rely on, compared after every check.
Whatever is found fails the check with a message saying what was found.
"""

from __future__ import annotations

import gc
import sys
import threading
from collections.abc import Iterable
from types import FrameType, FunctionType, ModuleType
from typing import Any

from graders.results import CheckResult
from graders.trust.student_files import is_student_file

WATCHED_EVENTS = ("gc.get_objects", "gc.get_referrers", "gc.get_referents", "sys._getframe",
                  "object.__setattr__", "object.__delattr__", "open", "ctypes.dlopen",
                  "ctypes.dlsym", "ctypes.cdata")


class AuditLog:
    """Findings of the audit hook, noted only while student code may be running."""

    def __init__(self) -> None:
        self.findings: list[str] = []
        self._busy = threading.local()

    def hook(self, event: str, args: tuple[Any, ...]) -> None:
        if event not in WATCHED_EVENTS or getattr(self._busy, "on", False):
            return
        self._busy.on = True
        try:
            finding = self._judge(event, args)
            if finding:
                self.findings.append(finding)
        finally:
            self._busy.on = False

    def _judge(self, event: str, args: tuple[Any, ...]) -> str | None:
        caller = _caller_frame()
        if caller is None or not is_student_file(caller.f_code.co_filename):
            return None
        where = f"line {caller.f_lineno}"
        if event.startswith("gc."):
            return f"searches the garbage collector ({event}, {where})"
        if event == "sys._getframe":
            return f"inspects stack frames (sys._getframe, {where})"
        if event.startswith("ctypes."):
            return f"uses ctypes ({where})"
        if event == "open":
            path = str(args[0]) if args else ""
            if path.startswith(("/proc/self", "/dev/fd", f"/proc/{_pid()}")):
                return f"opens {path} ({where})"
            return None
        # Class and module attributes are not audited (the snapshot catches those), but swapping
        # a function's code in place is, and keeps the function's identity.
        target = args[0] if args else None
        if isinstance(target, FunctionType) and not is_student_file(target.__code__.co_filename):
            return f"rewrites the code of {target.__module__}.{target.__qualname__} ({where})"
        return None

    def take(self) -> list[str]:
        taken, self.findings = list(dict.fromkeys(self.findings)), []
        return taken


def _pid() -> int:
    import os

    return os.getpid()


def _caller_frame() -> FrameType | None:
    """The innermost frame outside this module and the audit machinery."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename == __file__:
        frame = frame.f_back
    return frame


class Snapshot:
    """The identity of every function and class member the checks rely on, to notice patches.

    Armed, it keeps a shallow copy of each namespace (what a fast look compares against); the
    identities a slow look compares are read off those copies only once something changed."""

    def __init__(self, modules: Iterable[ModuleType], classes: Iterable[type] = (),
                 ignore: Iterable[str] = ()) -> None:
        self.ignore = set(ignore)
        self.modules = list(modules)
        self.classes = list(classes)
        self._copies = self._copy()
        self._armed: tuple[dict[str, int], dict[str, int]] | None = None

    def _namespaces(self) -> list[tuple[str, bool, dict[str, object]]]:
        """(prefix of its names, whether it is a class's, namespace) for each watched namespace."""
        found = [(module.__name__, False, vars(module)) for module in self.modules]
        found += [(f"{cls.__module__}.{cls.__qualname__}", True, vars(cls))
                  for cls in self.classes]
        found += [(f"{module.__name__}.{name}", True, vars(value)) for module in self.modules
                  for name, value in list(vars(module).items())
                  if isinstance(value, type) and value.__module__ == module.__name__]
        return found  # type: ignore[return-value]

    def _copy(self) -> list[tuple[str, bool, dict[str, object], dict[str, object], tuple[str, ...]]]:
        ignored = {name.rpartition(".")[0]: name.rpartition(".")[2] for name in self.ignore}
        copies = []
        for prefix, is_class, namespace in self._namespaces():
            # A name the checks swap on purpose (time.sleep) is left out of the fast look too.
            skip = tuple(attribute for owner, attribute in ignored.items()
                         if namespace.get("__name__") == owner and attribute in namespace)
            copies.append((prefix, is_class, namespace, _without(namespace, skip), skip))
        return copies

    def unchanged(self) -> bool:
        """A fast look (dict comparison runs in C): nothing in any namespace changed at all."""
        try:
            return all((_without(namespace, skip) if skip else namespace) == copy
                       for _, _, namespace, copy, skip in self._copies)
        except Exception:  # noqa: BLE001 - a value whose == misbehaves: take the slow look
            return False

    @property
    def functions(self) -> dict[str, int]:
        return self._original()[0]

    @property
    def members(self) -> dict[str, int]:
        return self._original()[1]

    def _original(self) -> tuple[dict[str, int], dict[str, int]]:
        """The identities as armed, from the copies (which keep the armed values alive)."""
        if self._armed is None:
            self._armed = _identities((prefix, is_class, copy)
                                      for prefix, is_class, _, copy, _ in self._copies)
        return self._armed

    def _take(self) -> tuple[dict[str, int], dict[str, int]]:
        return _identities(self._namespaces())

    def changes(self) -> list[str]:
        if self.unchanged():
            return []
        functions, members = self._take()
        replaced = [name for name, ident in self.functions.items() if functions.get(name) != ident]
        replaced += [name for name, ident in self.members.items() if members.get(name) != ident]
        # A member added to a class is a patch too (a new module attribute is not: imports add them).
        replaced += sorted(members.keys() - self.members.keys())
        return [f"replaces {name}" for name in replaced if name not in self.ignore]


def _identities(namespaces: Iterable[tuple[str, bool, dict[str, object]]]
                ) -> tuple[dict[str, int], dict[str, int]]:
    """The ids of the callables of module namespaces and of every member of class namespaces."""
    functions: dict[str, int] = {}
    members: dict[str, int] = {}
    for prefix, is_class, namespace in namespaces:
        for name, value in list(namespace.items()):
            if is_class:
                members[f"{prefix}.{name}"] = id(value)
            elif callable(value):
                functions[f"{prefix}.{name}"] = id(value)
    return functions, members


def _without(namespace: dict[str, object], names: tuple[str, ...]) -> dict[str, object]:
    copy = dict(namespace)
    for name in names:
        copy.pop(name, None)
    return copy


WATCHED_MODULES = ("graders", "asyncio", "looptime", "aioresponses", "aiohttp.client",
                   "_pytest.runner", "_pytest.reports", "_pytest.python", "pluggy", "threading",
                   "time")


def watched_modules() -> list[ModuleType]:
    """The modules whose functions and classes checks rely on (and their submodules)."""
    return [module for name, module in list(sys.modules.items())
            if isinstance(module, ModuleType)
            and any(name == root or name.startswith(root + ".") for root in WATCHED_MODULES)]


class Guard:
    """The integrity checks of one grading process: armed before the first check runs."""

    def __init__(self) -> None:
        self.audit = AuditLog()
        self.snapshot: Snapshot | None = None
        sys.addaudithook(self.audit.hook)

    def arm(self) -> None:
        gc.freeze()  # what pytest set up stays out of the collections the probes make per run
        # time.sleep is swapped by the blocking spy during every check, on purpose.
        self.snapshot = Snapshot(watched_modules(), _virtual_loop_classes(), ignore={"time.sleep"})
        self.audit.take()

    def judge(self, result: CheckResult) -> bool:
        """Fail `result` if the check's run showed tampering; say whether it did."""
        findings = self.audit.take() + (self.snapshot.changes() if self.snapshot else [])
        if findings:
            result.status, result.score = "failed", 0
            result.message = (f"Grading found your code reaching into the grader: it "
                              f"{'; it '.join(findings)}. No check can pass while it does that.")
        return bool(findings)


def _virtual_loop_classes() -> list[type]:
    """The event loop classes looptime derives at run time (they live in no module)."""
    import looptime

    looptime.new_event_loop().close()
    cache = getattr(sys.modules.get("looptime._internal.patchers"), "_class_cache", {})
    return list(cache.values())
