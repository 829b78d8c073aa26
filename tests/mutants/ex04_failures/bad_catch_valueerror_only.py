"""as_completed loop that only catches ValueError, the exception type of the Example.

truth: wrong
breaks: "One failure must not stop, cancel or lose the others, and no exception may be left
    unread" - any other exception (TypeError, OSError, ...) escapes collect, abandoning the jobs
    still running and the results already gathered; the Example (only ValueError) still passes.
fails: returns_every_result_and_error
says: escape
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")


async def collect(aws: list[Awaitable[T]]) -> tuple[list[T], list[Exception]]:
    results: list[T] = []
    errors: list[Exception] = []
    for fut in asyncio.as_completed(aws):
        try:
            results.append(await fut)
        except ValueError as exc:
            errors.append(exc)
    return results, errors
