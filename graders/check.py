"""What a checks module uses to declare checks and fail them with a message for the student."""

from __future__ import annotations

import asyncio
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


def at_line(location: Location | None, before: str = " at ", after: str = "") -> str:
    """`location` as a message says it (" at ex03_fetch.py line 12"), or "" when there is none."""
    return f"{before}{location.file} line {location.line}{after}" if location else ""


def expect_each_item_once(call: str, called: list[object], items: list[str],
                          location: Location | None) -> None:
    """Fail unless func was called once for each item (`called`: the items it was called with)."""
    got, expected = sorted(map(repr, called)), sorted(map(repr, items))
    times = "once" if len(got) == 1 else f"{len(got)} times"
    with_ = f", with {', '.join(got)}" if got else ""
    expect(got == expected, f"{call} called func {times}{with_}; it should call it once for each "
                            f"of the {len(items)} items ({', '.join(expected)}).", location)


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
