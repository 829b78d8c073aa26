"""Values student code returned, shown as a student should read them in a message.

A coroutine object, a task or a future in place of a result means something was never awaited:
the message says so instead of printing an internal repr with a memory address. `explain` does the
same for the TypeErrors Python raises when a result stands where a coroutine should be, or the
other way round.
"""

from __future__ import annotations

import asyncio
import re
from types import FrameType, TracebackType
from typing import TYPE_CHECKING, Any

from graders.trust.wire import Opaque

if TYPE_CHECKING:
    from graders.probes.loop import Outcome

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
# Python 3.11-3.13: "object int can't be used in 'await' expression"; 3.14: "'int' object can't be
# awaited".
_NOT_AWAITABLE = re.compile(r"^(?:object (\w+) can't be used in 'await' expression|'(\w+)' object "
                            r"can't be awaited)")
# "'coroutine' object is not subscriptable", "cannot unpack non-iterable coroutine object",
# "unsupported operand type(s) for +=: 'float' and 'coroutine'", "'coroutine' object has no
# attribute 'json'", and the same with a task or gather's future.
_USED_AS_RESULT = re.compile(r"'(coroutine|_GatheringFuture|_WatchedTask|Task|Future)'|"
                             r"non-iterable (coroutine|_GatheringFuture|_WatchedTask|Task|Future) "
                             r"object")
_NAMES = {"coroutine": "a coroutine object", "_GatheringFuture": "the future gather returns",
          "_WatchedTask": "a task", "Task": "a task", "Future": "a future"}
# asyncio functions that take coroutines or tasks, and the local that holds what they were given.
_TAKES_AWAITABLES = ("gather", "wait", "as_completed", "wait_for", "shield", "ensure_future",
                     "create_task", "run", "run_until_complete", "run_coroutine_threadsafe")
_GIVEN = ("coro_or_future", "coro", "main", "fut", "arg")
_CORO_ONLY = ("create_task", "run", "run_coroutine_threadsafe")


def as_written(qualname: str, call: str = "()") -> str:
    """A function named as the student wrote it, with `call` after its name: `cook() inside
    make_breakfast` where Python's qualname says `make_breakfast.<locals>.cook`, `a lambda inside
    main`; a method keeps its class (`Wallet.deposit()`)."""
    *outer, inner = qualname.split(".<locals>.")
    shown = "a lambda" if inner == "<lambda>" else f"{inner}{call}"
    return f"{shown} inside {outer[-1].rsplit('.<locals>', 1)[-1]}" if outer else shown


def unawaited(value: Any) -> str | None:
    """What `value` is, if it is a coroutine, task or future standing where a result should be
    (here, or as the submission process described it: a `wire.Opaque`)."""
    if isinstance(value, Opaque):
        return _unawaited_opaque(value)
    if asyncio.iscoroutine(value):
        name = as_written(getattr(value, "__qualname__", "a coroutine function"), "(...)")
        return f"a coroutine object: {name} was called but never awaited, so it never ran"
    if isinstance(value, asyncio.Task):
        name = as_written(getattr(value.get_coro(), "__qualname__", "a coroutine"))
        return f"a task running {name} that was never awaited (await it to get its result)"
    if type(value).__name__ == "_GatheringFuture":
        return ("the future asyncio.gather(...) returns, never awaited (await it to get the "
                "results)")
    if asyncio.isfuture(value):
        return "a future that was never awaited (await it to get its result)"
    return None


def _unawaited_opaque(value: Opaque) -> str | None:
    if value.kind == "coroutine":
        return (f"a coroutine object: {as_written(value.name or 'a coroutine function', '(...)')} "
                f"was called but never awaited, so it never ran")
    if value.kind == "task":
        return (f"a task running {as_written(value.name or 'a coroutine')} that was never awaited "
                f"(await it to get its result)")
    if value.kind == "gathering":
        return ("the future asyncio.gather(...) returns, never awaited (await it to get the "
                "results)")
    if value.kind == "future":
        return "a future that was never awaited (await it to get its result)"
    return None


def is_coroutine(value: Any) -> bool:
    """A coroutine object, here or as the submission process described one."""
    if isinstance(value, Opaque):
        return value.kind == "coroutine"
    return asyncio.iscoroutine(value)


def _items(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return list(value.values())
    if isinstance(value, list | tuple | set):
        return list(value)
    return []


def shown(value: Any, width: int = 80) -> str:
    """`value` for a message: what was never awaited, or its repr without addresses, shortened."""
    direct = unawaited(value)
    if direct:
        return direct
    inner = [found for found in map(unawaited, _items(value)) if found]
    if inner:
        kind = type(value).__name__
        return f"a {kind} holding {len(inner)} things never awaited (first: {inner[0]})"
    text = value.text if isinstance(value, Opaque) else _ADDRESS.sub("", repr(value))
    return text if len(text) <= width else text[: width - 3] + "..."


def explain(error: BaseException) -> str:
    """A sentence that explains a common asyncio TypeError ('' for any other error)."""
    text = str(error)
    if isinstance(error, TypeError | ValueError) and (taken := _asyncio_call(error.__traceback__)):
        function, given = taken
        if text.startswith(("An asyncio.Future, a coroutine or an awaitable is required",
                            "a coroutine was expected")):
            return _not_a_coroutine(function, given)
        if function == "gather" and text.startswith("unhashable type: 'list'"):
            return _not_a_coroutine(function, [])
    if isinstance(error, TypeError) and (found := _NOT_AWAITABLE.match(text)):
        kind = found.group(1) or found.group(2)
        return (f"`await` was given {_a(kind)}, which cannot be awaited: only coroutines, tasks "
                f"and futures can. A plain function (time.sleep, for one) gives no coroutine, and "
                f"a value that was awaited once is already the result.")
    if isinstance(error, TypeError | AttributeError) and (found := _USED_AS_RESULT.search(text)):
        kind = found.group(1) or found.group(2)
        why = ("calling an async function only creates a coroutine, and its result comes from "
               "awaiting it." if kind == "coroutine" else "its result comes from awaiting it.")
        return f"{_NAMES[kind][0].upper()}{_NAMES[kind][1:]} was used as if it were its result: {why}"
    return ""


def _not_a_coroutine(function: str, given: Any) -> str:
    needs = "a coroutine" if function in _CORO_ONLY else "a coroutine or task"
    kind = _a(type(given).__name__)
    if callable(given):
        return (f"{function}() got the function itself where it needs {needs}: call it, without "
                f"await, to pass its coroutine.")
    if isinstance(given, list | tuple | set | dict) and function == "gather":
        return (f"gather() got {kind} where it needs each coroutine or task as an argument of its "
                f"own: a * before the list passes its items one by one.")
    if isinstance(given, list | tuple | set | dict):
        return f"{function}() got {kind} where it needs {needs}."
    return (f"{function}() got a result ({kind}) where it needs {needs}: you awaited it before "
            f"passing it. Pass the call, without await.")


def _asyncio_call(traceback: TracebackType | None) -> tuple[str, Any] | None:
    """The asyncio function the student's code called that raised, and what it was given: read
    from the frames below the student's last one (asyncio's, and the grader's task factory)."""
    frames = []
    while traceback is not None:
        frames.append(traceback.tb_frame)
        traceback = traceback.tb_next
    tail: list[FrameType] = []
    for frame in reversed(frames):
        path = frame.f_code.co_filename.replace("\\", "/")
        if "/asyncio/" not in path and "/graders/" not in path:
            break
        tail.insert(0, frame)
    inside = [frame for frame in tail if "/asyncio/" in frame.f_code.co_filename.replace("\\", "/")]
    called = next((frame.f_code.co_name for frame in inside
                   if frame.f_code.co_name in _TAKES_AWAITABLES), None)
    if called is None:
        return None
    for frame in reversed(inside):
        for name in _GIVEN:
            if name in frame.f_locals:
                return called, frame.f_locals[name]
    return called, None


def _a(kind: str) -> str:
    if kind == "NoneType":
        return "None"
    return f"an {kind}" if kind[:1].lower() in "aeiou" else f"a {kind}"


def left_behind(outcome: Outcome[Any]) -> str:
    """What a run left behind, grouped and counted, for the end of a message ('' if nothing):
    e.g. '3 tasks were still running when it returned (boil_eggs() at ex02_gather.py line 7, ...)'."""
    groups = [
        ("coroutine", "created and never awaited", [leak.describe() for leak in outcome.never_awaited]),
        ("task", "still running when it returned",
         [task.describe() for task in outcome.leftover_tasks]),
        ("task", "started and never awaited", [task.describe() for task in outcome.unawaited_tasks]),
        ("exception", "never retrieved", [leak.describe() for leak in outcome.unretrieved
                                          if not leak.text.startswith("CancelledError")]),
    ]
    parts = []
    for noun, what, items in groups:
        if items:
            verb = "was" if len(items) == 1 else "were"
            count = f"1 {noun}" if len(items) == 1 else f"{len(items)} {noun}s"
            shown_items = ", ".join(sorted(set(items)))  # the same line once, in one order
            parts.append(f"{count} {verb} {what} ({shown_items})")
    return "; ".join(parts)
