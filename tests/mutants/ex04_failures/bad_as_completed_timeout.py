"""as_completed with a "safety" timeout of 5 seconds, just above the Example's 4 s.

truth: wrong
breaks: "Return a tuple of two lists: the results, in the order the awaitables completed, and the
    exceptions" - any job slower than 5 s makes as_completed raise TimeoutError out of collect, so no
    tuple comes back, the finished results are lost and the slow jobs are left running unread; the
    Example finishes in 4 s and looks right.
fails: returns_every_result_and_error
says: raised TimeoutError
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")


TIMEOUT = 5.0


async def collect(aws: list[Awaitable[T]]) -> tuple[list[T], list[Exception]]:
    results: list[T] = []
    errors: list[Exception] = []
    for fut in asyncio.as_completed(aws, timeout=TIMEOUT):
        try:
            results.append(await fut)
        except asyncio.TimeoutError:
            raise
        except Exception as exc:
            errors.append(exc)
    return results, errors
