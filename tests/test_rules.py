"""The rules an exercise file must follow (graders/trust/rules.py), checked before any of it runs.

Every correct approach the kit knows passes them; each class of rule refuses what it is for and
names the line; what a file runs with applies the same rules to names only known at run time.
"""

from __future__ import annotations

import gc
import textwrap
from pathlib import Path

import pytest
from kit import CORRECT, MUTANTS, REFERENCE, STUBS

from graders.trust.rules import RuleError, check_source, restricted_builtins

KNOWN = sorted([*REFERENCE.glob("ex*.py"), *STUBS.glob("ex*.py"), *CORRECT.glob("ex*/*.py"),
                *MUTANTS.glob("ex*/*.py")])


def _id(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


@pytest.mark.parametrize("path", KNOWN, ids=[_id(path) for path in KNOWN])
def test_every_file_the_kit_knows_follows_the_rules(path: Path) -> None:
    # References, stubs and correct alternatives must get full marks; mutants must reach the
    # checks that judge them. None may be refused before it runs.
    broken = check_source(path.read_text(encoding="utf-8"), path.name)
    assert broken is None, broken.message(path.name)


def refused(source: str) -> str:
    broken = check_source(textwrap.dedent(source), "ex01_coroutines.py")
    assert broken is not None, "not refused"
    return broken.message("ex01_coroutines.py")


# (source, its line that breaks a rule, phrase of the message)
REFUSED = {
    # Modules: an allow-list.
    "import sys": ("import asyncio\nimport sys\n", 2, "importing sys is not allowed"),
    "import os": ("import os.path\n", 1, "importing os.path"),
    "from graders": ("from graders.check import Fail\n", 1, "importing graders.check"),
    "import signal": ("import signal\n", 1, "importing signal"),
    "import logging": ("import logging\n", 1, "use print"),
    "relative import": ("from . import ex02_gather\n", 1, "a relative import"),
    "star import": ("from asyncio import *\n", 1, "from asyncio import *"),
    "module through a module": ("import typing\nm = typing.sys\n", 2, "typing.sys (the module sys)"),
    "module imported from a module": ("from dataclasses import sys\n", 1, "the module sys"),
    "submodule's import": ("import asyncio\nasyncio.base_events.os.getpid()\n", 2, "module os"),
    "submodule not imported yet": ("import concurrent.futures as cf\ncf.thread.os\n", 2,
                                   "cf.thread (the module concurrent.futures.thread)"),
    "unbound str.format": ("def f(job, text):\n    return str.format(text, job)\n", 2,
                           "str.format(...)"),
    "module as a value": ("import asyncio\nm = asyncio\n", 2, "using the module asyncio as a value"),
    "module name reused": ("import time\ndef f(time):\n    return time\n", 2,
                           "reusing the name time"),
    # Dunder and private attributes.
    "dunder attribute": ("def f(job):\n    return job.__class__\n", 2, "job.__class__"),
    "private attribute": ("def f(job):\n    return job._count\n", 2, "job._count"),
    "private on a call": ("import asyncio\nasyncio.get_running_loop()._ready\n", 2, "_ready"),
    "dunder on self": ("class A:\n    def f(self):\n        return self.__dict__\n", 3,
                       "self.__dict__"),
    "self outside a method": ("def f(self):\n    return self._x\n", 1, "binding the name self"),
    "self rebound": ("class A:\n    def f(self, job):\n        self = job\n", 3,
                     "binding the name self"),
    "method through the class": (
        "class A:\n    def f(self):\n        return self._x\n\ndef g(job):\n    return A.f(job)\n",
        6, "calls a method on an object of another class"),
    "dunder name": ("print(__builtins__)\n", 1, "__builtins__ is not allowed"),
    "dunder name loader": ("print(__loader__)\n", 1, "__loader__"),
    "format field": ("def f(job):\n    return '{0.__class__}'.format(job)\n", 2,
                     "format field .__class__"),
    "match attribute": ("def f(job):\n    match job:\n        case object(__class__=c):\n"
                        "            return c\n", 3, "__class__"),
    # Introspection and dynamic access.
    "getattr dunder": ("def f(job):\n    return getattr(job, '__dict__')\n", 2,
                       "getattr(..., '__dict__')"),
    "setattr": ("def f(job):\n    setattr(job, 'count', 0)\n", 2, "setattr is not allowed"),
    "vars": ("import asyncio\nvars(asyncio)\n", 2, "vars is not allowed"),
    "eval": ("eval('1')\n", 1, "eval is not allowed"),
    "exec": ("exec('x = 1')\n", 1, "exec is not allowed"),
    "compile": ("compile('1', 'f', 'eval')\n", 1, "compile is not allowed"),
    "globals": ("globals()\n", 1, "globals is not allowed"),
    "open": ("open('/tmp/x', 'w')\n", 1, "open is not allowed"),
    "breakpoint": ("breakpoint()\n", 1, "breakpoint"),
    "frames": ("import asyncio\nasync def f():\n    t = asyncio.current_task()\n"
               "    return t.get_coro()\n", 4, "t.get_coro"),
    "frame attribute": ("def f(error):\n    return error.tb_frame\n", 2, "error.tb_frame"),
    "coroutine frame": ("def f(coro):\n    return coro.cr_frame.f_back\n", 2, "cr_frame"),
    "all tasks": ("import asyncio\nasyncio.all_tasks()\n", 2, "asyncio.all_tasks"),
    "all tasks imported": ("from asyncio import all_tasks\n", 1, "asyncio.all_tasks"),
    "attrgetter": ("import operator\noperator.attrgetter('x')\n", 2, "attrgetter"),
    "threads": ("import threading\nthreading.enumerate()\n", 2, "threading.enumerate"),
    "settrace": ("import threading\nthreading.settrace(print)\n", 2, "threading.settrace"),
    "type attribute": ("def f(loop):\n    return type(loop).time\n", 2, "type(...) outside"),
    "super with arguments": ("class A:\n    def f(self, job):\n        return super(A, job).f()\n",
                             3, "super(...) with arguments"),
    "type hints": ("import typing\ntyping.get_type_hints(print)\n", 2, "get_type_hints"),
    # Attribute assignment only on self.
    "assign module attribute": ("import asyncio\nasyncio.sleep = print\n", 2,
                                "assigning asyncio.sleep"),
    "assign class attribute": ("def f(loop):\n    type(loop).time = 0\n", 2, "assigning"),
    "assign handed object": ("def f(job):\n    job.count += 1\n", 2, "assigning job.count"),
    "delete attribute": ("import asyncio\ndel asyncio.sleep\n", 2, "deleting asyncio.sleep"),
    # What the loop does.
    "exception handler": ("import asyncio\nasync def f():\n    loop = asyncio.get_running_loop()\n"
                          "    loop.set_exception_handler(None)\n", 4, "reports errors"),
    "debug": ("import asyncio\nasync def f():\n    asyncio.get_running_loop().set_debug(True)\n",
              3, "set_debug"),
    "debug keyword": ("import asyncio\nasyncio.run(print(), debug=True)\n", 2, "debug="),
    "loop factory": ("import asyncio\nasyncio.Runner(loop_factory=print)\n", 2, "loop_factory="),
    "policy": ("import asyncio\nasyncio.set_event_loop_policy(None)\n", 2, "set_event_loop_policy"),
    "default executor": ("import asyncio\nasyncio.get_event_loop().set_default_executor(None)\n",
                         2, "set_default_executor"),
    "signal handler": ("import asyncio\nasyncio.get_event_loop().add_signal_handler(14, print)\n",
                       2, "add_signal_handler"),
    "subprocess": ("import asyncio\nasyncio.create_subprocess_exec('ls')\n", 2, "starts processes"),
    # A process pool is allowed (exercise 13), but not choosing how its processes start: the
    # checks of exercise 13 choose it.
    "multiprocessing": ("import multiprocessing\n", 1, "importing multiprocessing"),
    "pool internals": ("import concurrent.futures\nconcurrent.futures.process.mp\n", 2,
                       "concurrent.futures.process"),
}


@pytest.mark.parametrize(("source", "line", "phrase"), REFUSED.values(), ids=REFUSED.keys())
def test_a_rule_broken_is_named_with_its_line(source: str, line: int, phrase: str) -> None:
    message = refused(source)
    assert message.startswith(f"ex01_coroutines.py line {line}: "), message
    assert phrase in message and "is not allowed in exercise files" in message, message


ALLOWED = {
    # Exercise 13 runs work in a process pool of the file's own.
    "process pool": ("from concurrent.futures import ProcessPoolExecutor\n"
                     "import concurrent.futures\n"
                     "POOLS = (ProcessPoolExecutor, concurrent.futures.ProcessPoolExecutor)\n"),
    "main guard": "if __name__ == '__main__':\n    print(__doc__)\n",
    "own private state": ("import asyncio\nclass A:\n    __slots__ = ('_lock',)\n"
                          "    def __init__(self):\n        super().__init__()\n"
                          "        self._lock = asyncio.Lock()\n"
                          "    async def __aenter__(self):\n        await self._lock.acquire()\n"
                          "        return self\n    def later(self):\n"
                          "        return lambda: self._lock.locked()\n"),
    "class state": ("class A:\n    made = 0\n    @classmethod\n    def make(cls):\n"
                    "        cls.made += 1\n        return cls()\n"),
    "type compared": "def f(x):\n    return type(x) is int\n",
    "type annotation": "def f(x: type[int]) -> None:\n    pass\n",
    "format": "print('{:.2f} {name}'.format(1.5, name='x'))\n",
    "getattr public": "def f(kitchen):\n    return getattr(kitchen, 'boil_eggs')\n",
    "getattr computed": "def f(kitchen, step):\n    return getattr(kitchen, step)()\n",
    "loop by hand": ("import asyncio\nloop = asyncio.new_event_loop()\nasyncio.set_event_loop(loop)\n"
                     "asyncio.set_event_loop(None)\nloop.close()\n"),
    "runner": "import asyncio\nwith asyncio.Runner() as runner:\n    pass\n",
    "thread pool": ("import concurrent.futures\n"
                    "pool = concurrent.futures.ThreadPoolExecutor(max_workers=4)\n"),
    "current task": "import asyncio\nasync def f():\n    return asyncio.current_task()\n",
    "dataclass": ("from dataclasses import dataclass, field\n@dataclass\nclass Job:\n"
                  "    name: str\n    tags: list[str] = field(default_factory=list)\n"),
    "nonlocal": "def f():\n    n = 0\n    def g():\n        nonlocal n\n        n += 1\n",
}


@pytest.mark.parametrize("source", ALLOWED.values(), ids=ALLOWED.keys())
def test_what_is_harmless_is_allowed(source: str) -> None:
    broken = check_source(source, "ex01_coroutines.py")
    assert broken is None, broken.message("ex01_coroutines.py")


def run(source: str) -> dict[str, object]:
    """Run `source` as an exercise file runs: with the restricted builtins."""
    namespace: dict[str, object] = {"__builtins__": restricted_builtins("<exercise>"),
                                    "__name__": "exercise"}
    exec(compile(textwrap.dedent(source), "<exercise>", "exec", dont_inherit=True), namespace)
    return namespace


@pytest.mark.parametrize("source", [
    "import asyncio\ngetattr(asyncio, '_' + '_loader__')",
    "import asyncio\ngetattr(asyncio.get_event_loop_policy(), '_' + 'local')",
    "import typing\ngetattr(typing, 's' + 'ys')",
    "import asyncio\nhasattr(asyncio, '_' + 'get_running_loop')",
    "import asyncio\ngetattr(asyncio, 'all_' + 'tasks')",
    "class S(str):\n    def startswith(self, *a):\n        return False\n"
    "getattr(print, S('__self__'))",
])
def test_names_built_at_run_time_meet_the_same_rules(source: str) -> None:
    with pytest.raises(RuleError, match="not allowed in exercise files|plain str"):
        run(source)


def test_asking_whether_an_object_has_a_dunder_is_allowed_reading_it_is_not() -> None:
    source = ("class Later:\n    def __await__(self):\n        yield\n"
              "def awaitable(x):\n    return hasattr(x, '__await__')\n"
              "answers = awaitable(Later()), awaitable(1), hasattr(1, '_' + '_add__')\n")
    assert check_source(source, "ex04_failures.py") is None
    assert run(source)["answers"] == (True, False, True)
    refused = check_source("x = getattr(1, '__add__')\n", "ex04_failures.py")
    assert refused is not None and "dunder" in refused.why
    assert check_source("hasattr(1, '_private')\n", "ex04_failures.py") is not None


def test_a_method_read_through_its_class_at_run_time_is_refused() -> None:
    with pytest.raises(RuleError, match="another class"):
        run("class A:\n    def peek(self):\n        return self\ngetattr(A, 'pe' + 'ek')")


def test_what_is_harmless_runs_with_the_restricted_builtins() -> None:
    found = run("""
        import asyncio
        from dataclasses import dataclass, field
        from collections import namedtuple

        @dataclass(frozen=True)
        class Job:
            name: str
            tags: list[str] = field(default_factory=list)

        Pair = namedtuple("Pair", "a b")

        async def main(kitchen):
            return [getattr(kitchen, step) for step in ("upper", "lower")]

        result = (Job("x"), Pair(1, 2), asyncio.run(main("Ab")))
        """)
    job, pair, methods = found["result"]  # type: ignore[misc]
    assert job.name == "x" and pair.b == 2 and [m() for m in methods] == ["AB", "ab"]
    for refused_name in ("eval", "exec", "open", "vars", "setattr", "globals"):
        assert refused_name not in run("")["__builtins__"]  # type: ignore[operator]


def test_a_coroutine_never_awaited_is_still_reported() -> None:
    # C code imports `warnings` through the running frame's builtins to report it.
    with pytest.warns(RuntimeWarning, match="never awaited"):
        run("import asyncio\n\nasync def main():\n    asyncio.sleep(1)\n\nasyncio.run(main())\n")
        gc.collect()
