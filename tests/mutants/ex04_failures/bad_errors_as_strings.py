"""as_completed loop that logs each failure as a message string instead of keeping the exception.

truth: wrong
breaks: "Return a tuple of two lists: the results ... and the exceptions" - the second list holds
    str(exc) ('b', 'd'), not the exception objects (ValueError('b'), ValueError('d')); type and
    traceback are gone, so nothing can be re-raised or retried.
fails: returns_every_result_and_error
says: very exception objects
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")


async def collect(aws: list[Awaitable[T]]) -> tuple[list[T], list[Exception]]:
    results: list[T] = []
    errors: list = []
    for fut in asyncio.as_completed(aws):
        try:
            results.append(await fut)
        except Exception as exc:
            errors.append(str(exc))
    return results, errors
