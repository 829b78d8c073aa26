"""Values student code returned, shown as a student should read them in a message.

A coroutine object, a task or a future in place of a result means something was never awaited:
the message says so instead of printing an internal repr with a memory address.
"""

from __future__ import annotations

import asyncio
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from graders.probes.loop import Outcome

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def unawaited(value: Any) -> str | None:
    """What `value` is, if it is a coroutine, task or future standing where a result should be."""
    if asyncio.iscoroutine(value):
        name = getattr(value, "__qualname__", "a coroutine function")
        return f"a coroutine object: {name}(...) was called but never awaited, so it never ran"
    if isinstance(value, asyncio.Task):
        name = getattr(value.get_coro(), "__qualname__", "a coroutine")
        return f"a task running {name}() that was never awaited (await it to get its result)"
    if type(value).__name__ == "_GatheringFuture":
        return ("the future asyncio.gather(...) returns, never awaited (await it to get the "
                "results)")
    if asyncio.isfuture(value):
        return "a future that was never awaited (await it to get its result)"
    return None


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
    text = _ADDRESS.sub("", repr(value))
    return text if len(text) <= width else text[: width - 3] + "..."


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
            shown_items = ", ".join(dict.fromkeys(items))  # the same line once
            parts.append(f"{count} {verb} {what} ({shown_items})")
    return "; ".join(parts)
