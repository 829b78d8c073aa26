"""collect runs every job at the same time, then waits 2.5 s more before returning.

Every job was in flight at once and both lists are right: the check looked only at that, and
passed it (issue 22, item 4: extra waiting after the work is over). The lesson: "after 4 s,
not 10 s".

truth: wrong
breaks: "run every awaitable in `aws` at the same time" - collect is done when the slowest is.
fails: runs_everything_at_once
says: more went by than the jobs need
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")


async def collect(aws: list[Awaitable[T]]) -> tuple[list[T], list[Exception]]:
    results: list[T] = []
    errors: list[Exception] = []
    for next_done in asyncio.as_completed(aws):
        try:
            results.append(await next_done)
        except Exception as error:
            errors.append(error)
    await asyncio.sleep(2.5)
    return results, errors
