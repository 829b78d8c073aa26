"""A picture of what ran when, in loop time: one row per request, task or thread, a bar from its
start to its end. Sequential work draws a staircase; concurrent work draws bars stacked over the
same columns. A pure function of the intervals a check measured (`details["timeline"]`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TypeGuard

BAR = "█"
UNFINISHED = "▒"  # still running when the call under test returned
EMPTY = "·"
MAX_ROWS = 20
MAX_LABEL = 28


@dataclass(frozen=True)
class Span:
    label: str
    start: float
    end: float | None  # None: never finished


def spans(timeline: Iterable[object]) -> list[Span]:
    """The well-formed intervals of a timeline (a list of {label, start, end}), by start time."""
    found = []
    for item in timeline:
        if not isinstance(item, Mapping):
            continue
        start, end = item.get("start"), item.get("end")
        if not _is_number(start) or not (end is None or _is_number(end)):
            continue
        found.append(Span(str(item.get("label", "?")), float(start), None if end is None else float(end)))
    return sorted(found, key=lambda span: span.start)


def most_at_once(items: list[Span]) -> int:
    """The largest number of intervals running at the same moment (touching ones do not overlap)."""
    events = sorted([(span.start, 1) for span in items]
                    + [(math.inf if span.end is None else span.end, -1) for span in items],
                    key=lambda event: (event[0], event[1]))
    now = peak = 0
    for _, step in events:
        now += step
        peak = max(peak, now)
    return peak


def draw(timeline: Iterable[object], width: int = 40) -> list[str]:
    """Lines of text picturing `timeline`; [] if it holds nothing with a duration to draw."""
    items = spans(timeline)
    if not items:
        return []
    first = items[0].start
    last = max(max(span.start, span.end or span.start) for span in items)
    if last <= first:
        return []
    label_width = min(MAX_LABEL, max(len(span.label) for span in items))
    heading = (f"What ran when (loop time, 0 to {last - first:.1f} s): at most "
               f"{most_at_once(items)} of {len(items)} at once")
    rows = [_row(span, first, last - first, width, label_width) for span in items[:MAX_ROWS]]
    if len(items) > MAX_ROWS:
        rows.append(f"... and {len(items) - MAX_ROWS} more")
    axis = " " * label_width + "  0 s" + f"{last - first:.1f} s".rjust(width - 3)
    return [heading, *rows, axis]


def _row(span: Span, origin: float, scale: float, width: int, label_width: int) -> str:
    begin = min(width - 1, _column(span.start - origin, scale, width))
    if span.end is None:
        bar = EMPTY * begin + UNFINISHED * (width - begin)
        times = f"{span.start - origin:.1f} s - never finished"
    else:
        end = min(width, max(begin + 1, _column(span.end - origin, scale, width)))
        bar = EMPTY * begin + BAR * (end - begin) + EMPTY * (width - end)
        times = f"{span.start - origin:.1f}-{span.end - origin:.1f} s"
    return f"{_shorten(span.label, label_width).ljust(label_width)}  {bar}  {times}"


def _column(offset: float, scale: float, width: int) -> int:
    return round(offset / scale * width)


def _shorten(label: str, limit: int) -> str:
    """`label` cut in the middle to `limit` characters (the ends tell URLs and tasks apart)."""
    if len(label) <= limit:
        return label
    head = (limit - 1) // 2
    return label[:head] + "…" + label[len(label) - (limit - 1 - head):]


def _is_number(value: object) -> TypeGuard[float]:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
