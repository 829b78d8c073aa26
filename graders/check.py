"""What a checks module uses to declare checks and fail them with a message for the student."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any, TypeVar

from graders.results import Location

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class CheckSpec:
    name: str
    title: str
    points: float
    function: str  # the pytest function, for selecting it by node id


def check(title: str, points: float = 1) -> Callable[[F], F]:
    """Declare a pytest function as a graded check worth `points`."""

    def mark(function: F) -> F:
        name = function.__name__.removeprefix("test_")
        spec = CheckSpec(name=name, title=title, points=points, function=function.__name__)
        function.__check__ = spec  # type: ignore[attr-defined]
        return function

    return mark


def specs(module: ModuleType) -> list[CheckSpec]:
    """The checks a module declares, in the order they are defined."""
    found = [getattr(value, "__check__", None) for value in vars(module).values()]
    return [spec for spec in found if isinstance(spec, CheckSpec)]


class Fail(Exception):
    """A check's verdict against the student's code; the message is shown as it is."""

    def __init__(
        self,
        message: str,
        location: Location | None = None,
        details: dict[str, Any] | None = None,
        status: str = "failed",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.location = location
        self.details = details or {}
        self.status = status  # "error": the student's process crashed or exited


def expect(condition: object, message: str, location: Location | None = None) -> None:
    """Fail with `message` unless `condition` holds."""
    if not condition:
        raise Fail(message, location)


def expect_done_when_needed(elapsed: float, needed: float, ran: str, need: str,
                             location: Location | None = None,
                             details: dict[str, Any] | None = None,
                             tolerance: float = 1e-3) -> None:
    """Fail unless work that ran at the same time let the call end when it was over: `elapsed`
    s of simulated time for work that needs `needed`. `ran` says what ran at once and when the
    call is done; the message ends with how much more went by than `need` (the work needs)."""
    if elapsed > needed + tolerance:
        raise Fail(f"{ran}: {elapsed - needed:.1f} s more went by than {need}.", location, details)


def falsy_result(who: str, given: str = "") -> str:
    """That `who` returned '' (for `given`, if said), and that it is a result all the same: code
    that tells results by their truth drops it."""
    for_given = f" for {given}" if given else ""
    return f"{who} returned ''{for_given}: an empty string is falsy, but a result like any other"


def at_line(location: Location | None, before: str = " at ", after: str = "") -> str:
    """`location` as a message says it (" at ex03_fetch.py line 12"), or "" when there is none."""
    return f"{before}{location.file} line {location.line}{after}" if location else ""


def times(count: int) -> str:
    """How often, in words: never, once, twice, 3 times."""
    return {0: "never", 1: "once", 2: "twice"}.get(count, f"{count} times")


def expect_each_item_once(call: str, called: list[object], items: list[Any],
                          location: Location | None) -> None:
    """Fail unless func was called with each item itself, once for each time the item appears
    in `items` (`called`: the items it was called with), saying what it was called with."""
    wanted, got = Counter(map(repr, items)), Counter(map(repr, called))
    if got == wanted:
        return
    listed = ", ".join(map(repr, items))
    strangers = [shown for shown in dict.fromkeys(map(repr, called)) if shown not in wanted]
    if strangers:
        raise Fail(f"{call} called func with {', '.join(strangers)}, not with the items "
                   f"themselves ([{listed}]): func must be called with each item as it is, "
                   f"func(item).", location)
    repeated = ", an item that appears twice, twice" if max(wanted.values()) > 1 else ""
    rule = f"it must call func once for each item of [{listed}]{repeated}."
    if not called:
        raise Fail(f"{call} never called func: {rule}", location)
    wrong = [f"for {item} {times(got[item])}" + (f", though it appears {times(count)} in items"
                                                 if count > 1 or got[item] > count else "")
             for item, count in wanted.items() if got[item] != count]
    raise Fail(f"{call} called func {times(len(called))} for {len(items)} items, "
               f"{'; '.join(wrong)}: {rule}", location)


def refuse_awaitables(call: str, value: object, location: Location | None) -> None:
    """Fail if `value` is a list or tuple holding coroutines or futures, not func's results."""
    if isinstance(value, list | tuple) and any(
            asyncio.iscoroutine(item) or asyncio.isfuture(item) for item in value):
        raise Fail(f"{call} returned coroutines or futures instead of func's results: each one "
                   f"must be awaited to get its result.", location)


_recorded: dict[str, Any] = {}


def record(**details: Any) -> None:
    """Attach measured figures (e.g. `timeline=in_flight.timeline()`) to this check's result,
    whether it passes or fails; a renderer may draw them. A `Fail`'s own details win."""
    _recorded.update(details)


def take_recorded() -> dict[str, Any]:
    """What the running check recorded, cleared for the next check (the plugin calls this)."""
    taken = dict(_recorded)
    _recorded.clear()
    return taken
