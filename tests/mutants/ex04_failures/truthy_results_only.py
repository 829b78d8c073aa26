"""collect keeps a result only when it is truthy (`if value := await next_done:`).

A job that returns an empty string lands in neither list. The checks' jobs never returned a falsy
value, and passed it (issue 22, item 4: a falsy result is a real result).

truth: wrong
breaks: "Return a tuple of two lists: the results, in the order the awaitables completed"
fails: returns_every_result_and_error
says: an empty string is falsy, but a result like any other
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
            if value := await next_done:
                results.append(value)
        except Exception as error:
            errors.append(error)
    return results, errors
