"""The rules an exercise file must follow, checked before any of its code runs.

An exercise file is graded in the same process as the checks, so it must not be able to reach
them. The rules are an allow-list, as graders of record do it (PrairieLearn's pytest grader
restricts imports and builtins the same way):
- it imports only the modules an asyncio exercise needs (`ALLOWED_MODULES`);
- it reads no dunder or private (leading underscore) attribute, except its own, on `self`/`cls`;
- it uses no introspection or dynamic access: eval/exec/compile, globals/locals/vars,
  setattr/delattr, open, breakpoint; frames, code objects, coroutine internals, the loop's tasks;
- it assigns or deletes attributes only on `self`/`cls`;
- it does not change how the event loop reports errors, reads its clock or runs work.
`check_source` reports the first rule broken, with its line; `restricted_builtins` is what the
file runs with, so that attribute names built at run time (getattr with a computed name) meet
the same rules.

What is allowed is decided by what the lessons, the reference solutions, the correct
alternatives in tests/correct/ and an independent corpus of correct solutions need.
"""

from __future__ import annotations

import ast
import builtins
import functools
import importlib
import importlib.util
import string
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import FunctionType, ModuleType
from typing import Any

# Off only in the kit's own tests of what lies beneath the rules (the audit hook, the snapshot,
# crash and hang handling): a file that breaks a rule never runs, so those need it off to be seen.
ENFORCED = True

# A module is allowed if it is named here, or lies under one of the packages in ALLOWED_PACKAGES.
ALLOWED_MODULES = frozenset({
    "__future__", "abc", "asyncio", "aiohttp", "bisect", "collections", "collections.abc",
    "concurrent", "concurrent.futures", "contextlib", "dataclasses", "decimal", "enum",
    "fractions", "functools", "heapq", "itertools", "json", "math", "operator", "queue", "random",
    "re", "statistics", "string", "threading", "time", "types", "typing",
})
ALLOWED_PACKAGES = ("asyncio", "aiohttp")
# Why a module is refused, for the ones students are most likely to try.
WHY_MODULE = {
    "sys": "it reaches every loaded module, the grader's included, and its stack frames",
    "os": "it reaches processes, files and the grader's pipes",
    "signal": "it changes how the grader stops code that runs too long",
    "inspect": "it reads the grader's stack frames",
    "gc": "it searches memory for the grader's objects",
    "logging": "it reaches the grader's log handlers; use print",
    "subprocess": "it starts processes",
}

# Builtins refused wherever they appear: the reason, then what to write instead.
REFUSED_BUILTINS = {
    "eval": ("runs code built at run time", "write the code itself"),
    "exec": ("runs code built at run time", "write the code itself"),
    "compile": ("runs code built at run time", "write the code itself"),
    "globals": ("introspection", "use the names directly"),
    "locals": ("introspection", "use the names directly"),
    "vars": ("introspection", "use the attributes directly"),
    "setattr": ("dynamic attribute access", "assign the attribute on self"),
    "delattr": ("dynamic attribute access", "delete the attribute on self"),
    "open": ("exercise code reads and writes no files", "keep data in variables"),
    "breakpoint": ("it starts a debugger", "remove it before grading"),
    "__import__": ("dynamic import", "write an import statement"),
    "__builtins__": ("introspection", "use the builtins by name"),
}
# Attribute names refused on any object but the file's own (`self`/`cls`).
REFUSED_ATTRIBUTES = {
    "modules": "introspection: it reaches every loaded module",
    "all_tasks": "introspection: it reaches the grader's tasks",
    "get_coro": "introspection: it reaches the grader's coroutines",
    "get_stack": "introspection: it reads stack frames",
    "print_stack": "introspection: it reads stack frames",
    "get_context": "introspection: it reads the grader's context variables",
    "enumerate": "introspection: it reaches the grader's threads",
    "settrace": "introspection: it watches the grader's code run",
    "setprofile": "introspection: it watches the grader's code run",
    "settrace_all_threads": "introspection: it watches the grader's code run",
    "setprofile_all_threads": "introspection: it watches the grader's code run",
    "attrgetter": "dynamic attribute access",
    "methodcaller": "dynamic attribute access",
    "Formatter": "dynamic attribute access",
    "get_type_hints": "it evaluates text as code",
    "asdict": "introspection: it reads every field, private ones included",
    "astuple": "introspection: it reads every field, private ones included",
    "fget": "it calls a method on an object of another class",
    "fset": "it calls a method on an object of another class",
    "fdel": "it calls a method on an object of another class",
    "set_exception_handler": "it changes how the event loop reports errors",
    "set_debug": "it changes how the event loop reports errors",
    "set_event_loop_policy": "it changes which event loop runs the checks",
    "set_child_watcher": "it changes how the event loop runs processes",
    "set_task_factory": "it changes how the event loop runs work",
    "set_default_executor": "it changes how the event loop runs work; pass your executor to "
                            "run_in_executor instead",
    "setswitchinterval": "it changes how threads take turns",
    "add_signal_handler": "it changes how the grader stops code that runs too long",
    "remove_signal_handler": "it changes how the grader stops code that runs too long",
    "create_subprocess_exec": "it starts processes",
    "create_subprocess_shell": "it starts processes",
    "subprocess_exec": "it starts processes",
    "subprocess_shell": "it starts processes",
}
# Frames (f_back, f_locals), tracebacks (tb_frame), code objects (co_code) and the state of
# coroutines and generators (cr_frame, cr_await, gi_frame, ag_frame).
REFUSED_PREFIXES = ("f_", "tb_", "co_", "cr_", "gi_", "ag_")
REFUSED_KEYWORDS = {
    "debug": "debug mode changes how the event loop reports errors",
    "loop_factory": "it changes which event loop runs the checks",
}
# Dunder names a file may use: reading its own name or docstring, declaring slots or exports.
HARMLESS_DUNDER_NAMES = {"__name__": ast.Load, "__doc__": ast.Load,
                         "__slots__": ast.Store, "__all__": ast.Store}
RECEIVERS = ("self", "cls")
IMPLICIT_CLASSMETHODS = ("__new__", "__init_subclass__", "__class_getitem__")


@dataclass(frozen=True)
class Violation:
    """The first rule a file breaks: the line, what was found, why it is refused, what to do."""

    line: int
    what: str
    why: str
    advice: str = ""

    def message(self, file_name: str) -> str:
        advice = f"; {self.advice}" if self.advice else ""
        return (f"{file_name} line {self.line}: {self.what} is not allowed in exercise files "
                f"({self.why}){advice}.")


class Refused(Exception):
    """Raised by the visitor at the first violation."""

    def __init__(self, violation: Violation) -> None:
        super().__init__(violation.what)
        self.violation = violation


def module_allowed(name: str) -> bool:
    return name in ALLOWED_MODULES or name.startswith(tuple(f"{p}." for p in ALLOWED_PACKAGES))


def attribute_refused(name: str) -> str | None:
    """Why reading attribute `name` of an object that is not the file's own is refused."""
    if name.startswith("__") and name.endswith("__"):
        return "dunder attribute: it reaches the grader's objects"
    if name.startswith("_"):
        return "private attribute of an object that is not your own"
    if name in REFUSED_ATTRIBUTES:
        return REFUSED_ATTRIBUTES[name]
    if name.startswith(REFUSED_PREFIXES):
        return "introspection of frames, code objects or coroutines"
    return None


def presence_refused(name: str) -> str | None:
    """Why asking whether an object has attribute `name` (hasattr) is refused. Asking for a dunder
    is allowed (`hasattr(job, "__await__")`: is it awaitable?): the answer is a bool, never the
    object, so it reaches nothing."""
    if name.startswith("__") and name.endswith("__"):
        return None
    return attribute_refused(name)


def check_source(source: str, file_name: str) -> Violation | None:
    """The first rule `source` breaks, or None; None too if it does not parse (loading says so)."""
    if not ENFORCED:
        return None
    return _first_violation(source, file_name)


# Every check loads the student's file afresh: the same source gets the verdict it got first,
# without walking its tree again (up to 3 ms a check).
@functools.lru_cache(maxsize=32)
def _first_violation(source: str, file_name: str) -> Violation | None:
    try:
        tree = ast.parse(source, file_name)
    except (SyntaxError, ValueError):
        return None
    try:
        _Rules(tree).visit(tree)
    except Refused as refused:
        return refused.violation
    return None


def _loaded(name: str) -> ModuleType | None:
    """The allowed module `name`, imported if it is not yet (nothing else is ever imported)."""
    if not module_allowed(name):
        return None
    try:
        return sys.modules.get(name) or importlib.import_module(name)
    except Exception:  # noqa: BLE001 - the file's own import will report it
        return None


def _member(module: ModuleType, name: str) -> object:
    """`module.name` as the file will find it, without running the module's own __getattr__:
    a submodule not imported yet counts as that submodule (it may be by the time the file runs)."""
    if name in vars(module):
        return vars(module)[name]
    submodule = f"{module.__name__}.{name}"
    try:
        found = importlib.util.find_spec(submodule)
    except (ImportError, ValueError):
        return None
    return ModuleType(submodule) if found else None


def _module_name(value: object) -> str | None:
    return getattr(value, "__name__", "?") if isinstance(value, ModuleType) else None


class _Rules(ast.NodeVisitor):
    """Walks a file's tree, raising Refused at the first rule broken."""

    def __init__(self, tree: ast.Module) -> None:
        self.parents: dict[ast.AST, ast.AST] = {
            child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        self.modules: dict[str, str] = {}  # local name -> module bound to it by an import
        self.methods: dict[str, set[str]] = {}  # the file's classes -> their plain methods
        self.receivers: list[str | None] = []  # the receiver of each enclosing function
        for node in ast.walk(tree):
            self._note(node)

    # What the file binds -------------------------------------------------------------------

    def _note(self, node: ast.AST) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                bound = alias.asname or alias.name.split(".")[0]
                self.modules[bound] = alias.name if alias.asname else bound
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            base = _loaded(node.module)
            for alias in node.names:
                found = _member(base, alias.name) if base else None
                name = _module_name(found)
                if name:
                    self.modules[alias.asname or alias.name] = name
        elif isinstance(node, ast.ClassDef):
            self.methods[node.name] = {
                item.name for item in node.body
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
                and not any(_decorator_name(d) in ("classmethod", "staticmethod", "property")
                            for d in item.decorator_list)}

    def refuse(self, node: ast.AST, what: str, why: str, advice: str = "") -> None:
        raise Refused(Violation(getattr(node, "lineno", 1), what, why, advice))

    # Imports -------------------------------------------------------------------------------

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._allow_module(node, alias.name)
            self._allow_binding(node, alias.asname or alias.name.split(".")[0], module=True)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level or not node.module:
            self.refuse(node, "a relative import", "exercise files import only standard modules",
                        "import the module by its full name")
        assert node.module is not None
        self._allow_module(node, node.module)
        base = _loaded(node.module)
        for alias in node.names:
            if alias.name == "*":
                self.refuse(node, f"from {node.module} import *", "it imports names unseen",
                            "import the names you use")
            found = _member(base, alias.name) if base else None
            name = _module_name(found)
            if name is not None:
                self._allow_module(node, name, via=f"{node.module}.{alias.name}")
            else:
                self._allow_attribute(node, alias.name, f"{node.module}.{alias.name}")
            self._allow_binding(node, alias.asname or alias.name, module=name is not None)

    def _allow_module(self, node: ast.AST, name: str, via: str = "") -> None:
        if module_allowed(name):
            return
        root = name.split(".")[0]
        why = WHY_MODULE.get(root, "exercise files import only the modules the lessons use")
        what = f"importing {name}" if not via else f"{via} (the module {name})"
        self.refuse(node, what, why)

    # Names ---------------------------------------------------------------------------------

    def _allow_binding(self, node: ast.AST, name: str, module: bool = False) -> None:
        if name in RECEIVERS:
            self.refuse(node, f"binding the name {name}",
                        f"{name} names only the object a method is called on",
                        "choose another name")
        if name in self.modules and not module:
            self.refuse(node, f"reusing the name {name}", f"{name} is an imported module",
                        "choose another name")
        if _is_dunder(name) and HARMLESS_DUNDER_NAMES.get(name) is not ast.Store:
            self.refuse(node, f"binding {name}", "dunder names belong to Python",
                        "choose another name")

    def visit_Name(self, node: ast.Name) -> None:
        name = node.id
        if isinstance(node.ctx, ast.Store | ast.Del):
            self._allow_binding(node, name)
            return
        if name in REFUSED_BUILTINS:
            why, advice = REFUSED_BUILTINS[name]
            self.refuse(node, name, why, advice)
        if _is_dunder(name) and HARMLESS_DUNDER_NAMES.get(name) is not ast.Load:
            self.refuse(node, name, "introspection", "exercise code needs no dunder names")
        if name in RECEIVERS and name != self._receiver():
            self.refuse(node, name, f"{name} is allowed only as the first parameter of a method",
                        "write it inside a method of your class")
        parent = self.parents.get(node)
        if name in self.modules and not (isinstance(parent, ast.Attribute)
                                         and parent.value is node):
            self.refuse(node, f"using the module {name} as a value",
                        "a module is only for reaching its functions and classes",
                        f"write {name}.something")
        if name == "type" and not self._harmless_type(node):
            self.refuse(node, "type(...) outside a comparison", "introspection",
                        "use isinstance(value, SomeClass)")
        if name == "super" and isinstance(parent, ast.Call) and (parent.args or parent.keywords):
            self.refuse(node, "super(...) with arguments",
                        "it calls methods of another object's class", "write super()")

    def _harmless_type(self, node: ast.Name) -> bool:
        parent = self.parents.get(node)
        if isinstance(parent, ast.Subscript) and parent.value is node:
            return True  # an annotation: type[Job]
        if isinstance(parent, ast.Call) and parent.func is node and len(parent.args) == 1:
            return isinstance(self.parents.get(parent), ast.Compare)
        return False

    def visit_Global(self, node: ast.Global) -> None:
        for name in node.names:
            self._allow_binding(node, name)

    def visit_Nonlocal(self, node: ast.Nonlocal) -> None:
        for name in node.names:
            self._allow_binding(node, name)

    # Functions and classes -----------------------------------------------------------------

    def _receiver(self) -> str | None:
        for receiver in reversed(self.receivers):
            if receiver is not None:
                return receiver
        return None

    def _method_receiver(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> str:
        """The receiver a method binds ('self' or 'cls'), or '' if `node` is no method."""
        if isinstance(node, ast.Lambda) or not isinstance(self.parents.get(node), ast.ClassDef):
            return ""
        positional = node.args.posonlyargs + node.args.args
        first = positional[0].arg if positional else ""
        decorators = {_decorator_name(d) for d in node.decorator_list}
        if "staticmethod" in decorators:
            return ""
        if first == "cls" and ("classmethod" in decorators or node.name in IMPLICIT_CLASSMETHODS):
            return "cls"
        return "self" if first == "self" and "classmethod" not in decorators else ""

    def _visit_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        receiver = self._method_receiver(node)
        in_class = isinstance(self.parents.get(node), ast.ClassDef)
        if not isinstance(node, ast.Lambda) and not (in_class and _is_dunder(node.name)):
            self._allow_binding(node, node.name)  # a class may define __init__, __aenter__...
        arguments = node.args
        every = arguments.posonlyargs + arguments.args + arguments.kwonlyargs + [
            a for a in (arguments.vararg, arguments.kwarg) if a is not None]
        for argument in every:
            if not (receiver and argument is (arguments.posonlyargs + arguments.args)[0]):
                self._allow_binding(argument, argument.arg)
        # Decorators, defaults and annotations run in the enclosing scope.
        for outer in [*getattr(node, "decorator_list", []), *arguments.defaults,
                      *[d for d in arguments.kw_defaults if d is not None]]:
            self.visit(outer)
        self.receivers.append(receiver or None)
        try:
            for argument in every:
                if argument.annotation is not None:
                    self.visit(argument.annotation)
            returns = getattr(node, "returns", None)
            if returns is not None:
                self.visit(returns)
            body = node.body if isinstance(node.body, list) else [node.body]
            for statement in body:
                self.visit(statement)
        finally:
            self.receivers.pop()

    visit_FunctionDef = _visit_function
    visit_AsyncFunctionDef = _visit_function
    visit_Lambda = _visit_function

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._allow_binding(node, node.name)
        self.receivers.append(None)
        try:
            self.generic_visit(node)
        finally:
            self.receivers.pop()

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name:
            self._allow_binding(node, node.name)
        self.generic_visit(node)

    def visit_alias(self, node: ast.alias) -> None:
        return  # checked with their import statement

    def visit_MatchAs(self, node: ast.MatchAs) -> None:
        if node.name:
            self._allow_binding(node, node.name)
        self.generic_visit(node)

    def visit_MatchStar(self, node: ast.MatchStar) -> None:
        if node.name:
            self._allow_binding(node, node.name)

    def visit_MatchMapping(self, node: ast.MatchMapping) -> None:
        if node.rest:
            self._allow_binding(node, node.rest)
        self.generic_visit(node)

    def visit_MatchClass(self, node: ast.MatchClass) -> None:
        for name in node.kwd_attrs:  # `case Job(name=x)` reads the attribute `name`
            self._allow_attribute(node, name, name)
        self.generic_visit(node)

    # Attributes and calls ------------------------------------------------------------------

    def _own(self, node: ast.expr) -> bool:
        """Whether `node` is the receiver of the method being defined (self or cls)."""
        return isinstance(node, ast.Name) and node.id in RECEIVERS and node.id == self._receiver()

    def _allow_attribute(self, node: ast.AST, name: str, shown: str,
                         refused: Callable[[str], str | None] = attribute_refused) -> None:
        why = refused(name)
        if why:
            self.refuse(node, shown, why, "exercise code needs only public names"
                        if name.startswith("_") else "")

    def visit_Attribute(self, node: ast.Attribute) -> None:
        base = node.value
        shown = f"{_short(base)}.{node.attr}"
        if isinstance(node.ctx, ast.Store | ast.Del) and not self._own(base):
            verb = "assigning" if isinstance(node.ctx, ast.Store) else "deleting"
            self.refuse(node, f"{verb} {shown}",
                        "attributes may be changed only on self, in your own class",
                        "keep your state in your own variables or objects")
        if self._own(base):
            if node.attr.startswith("__") and node.attr.endswith("__"):
                self._allow_attribute(node, node.attr, shown)
        elif not _is_super_call(base) or not node.attr.startswith("__"):
            self._allow_attribute(node, node.attr, shown)
        if isinstance(base, ast.Name) and node.attr in self.methods.get(base.id, ()):
            self.refuse(node, shown, "it calls a method on an object of another class",
                        f"call it on an instance: {base.id}(...).{node.attr}(...)")
        self._allow_module_chain(node)
        self.generic_visit(node)

    def _allow_module_chain(self, node: ast.Attribute) -> None:
        """`typing.sys` or `asyncio.events.os`: an allowed module's attribute that is a module."""
        chain: list[str] = []
        current: ast.expr = node
        while isinstance(current, ast.Attribute):
            chain.append(current.attr)
            current = current.value
        if not isinstance(current, ast.Name) or current.id not in self.modules:
            return
        value: object = _loaded(self.modules[current.id])
        shown = current.id
        for attr in reversed(chain):
            if not isinstance(value, ModuleType):
                return
            value = _member(value, attr)
            shown += f".{attr}"
            name = _module_name(value)
            if name is not None:
                self._allow_module(node, name, via=shown)

    def visit_Call(self, node: ast.Call) -> None:
        for keyword in node.keywords:
            if keyword.arg in REFUSED_KEYWORDS:
                self.refuse(node, f"the keyword {keyword.arg}=", REFUSED_KEYWORDS[keyword.arg])
        function = node.func
        if isinstance(function, ast.Name) and function.id in ("getattr", "hasattr") \
                and len(node.args) >= 2:
            name = node.args[1]
            if isinstance(name, ast.Constant) and isinstance(name.value, str):
                self._allow_attribute(node, name.value, f"{function.id}(..., {name.value!r})",
                                      presence_refused if function.id == "hasattr" else
                                      attribute_refused)
        formats = isinstance(function, ast.Attribute) and function.attr in ("format",
                                                                              "format_map")
        if formats and isinstance(function.value, ast.Name) and function.value.id == "str":
            self.refuse(node, "str.format(...)", "dynamic attribute access",
                        "write 'text {}'.format(...) or an f-string")
        if formats and isinstance(function.value, ast.Constant) \
                and isinstance(function.value.value, str):
            for field in _format_attributes(function.value.value):
                self._allow_attribute(node, field, f"the format field .{field}")
        self.generic_visit(node)


def _is_dunder(name: str) -> bool:
    return name.startswith("__") and name.endswith("__") and len(name) > 4


def _decorator_name(node: ast.expr) -> str:
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _is_super_call(node: ast.expr) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id == "super" and not node.args and not node.keywords)


def _short(node: ast.expr) -> str:
    text = ast.unparse(node)
    return text if len(text) <= 30 else "..."


def _format_attributes(text: str) -> Iterator[str]:
    """The attribute names a format string reads: '{0.name}' reads name, '{0:{1.width}}' width."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        return
    for _, field, spec, _ in parsed:
        for part in (field or "").split(".")[1:]:
            yield part.split("[")[0]
        if spec and "{" in spec:
            yield from _format_attributes(spec)


# At run time ---------------------------------------------------------------------------------

class RuleError(AttributeError):
    """What a computed getattr or hasattr breaking the rules raises in student code."""


def restricted_builtins(own_file: str) -> dict[str, Any]:
    """The builtins an exercise file runs with: the refused ones removed; getattr and hasattr
    applying the rules to attribute names only known at run time."""
    if not ENFORCED:
        return vars(builtins)
    allowed = {name: value for name, value in vars(builtins).items()
               if name not in REFUSED_BUILTINS or name == "__import__"}
    allowed["getattr"] = _guarded_getattr(own_file)
    allowed["hasattr"] = _guarded_hasattr
    # __import__ stays as it is: import statements are checked before the file runs, and C code
    # (the warning that a coroutine was never awaited) imports through the running frame's
    # builtins, so a guarded one would silence it.
    return allowed


def _refuse_name(name: object, call: str,
                 refused: Callable[[str], str | None] = attribute_refused) -> str:
    if type(name) is not str:
        raise RuleError(f"{call} takes a plain str attribute name")
    why = refused(name)
    if why:
        raise RuleError(f"{call}(..., {name!r}) is not allowed in exercise files ({why})")
    return name


def _guarded_getattr(own_file: str) -> Callable[..., Any]:
    def getattr(obj: object, name: str, *default: object) -> Any:  # noqa: A001 - its stand-in
        found = builtins.getattr(obj, _refuse_name(name, "getattr"), *default)
        module = _module_name(found)
        if module is not None and not module_allowed(module):
            raise RuleError(f"getattr(..., {name!r}) reaches the module {module}, which is not "
                            f"allowed in exercise files")
        if isinstance(obj, type) and isinstance(found, FunctionType) \
                and found.__code__.co_filename == own_file:
            raise RuleError(f"getattr(..., {name!r}) on a class is not allowed in exercise files "
                            f"(it calls a method on an object of another class)")
        return found

    return getattr


def _guarded_hasattr(obj: object, name: str) -> bool:
    return builtins.hasattr(obj, _refuse_name(name, "hasattr", presence_refused))
