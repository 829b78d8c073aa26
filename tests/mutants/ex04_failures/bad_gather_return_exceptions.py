"""gather(return_exceptions=True), then split the list into values and exceptions.

truth: wrong
breaks: "the results, in the order the awaitables completed, and the exceptions, in the order they
    were raised" - gather returns everything in the order passed (['a', 'c'] in the Example, not
    ['c', 'a']), whatever order things finished in.
fails: results_in_completion_order
says: the order they were passed in
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")


async def collect(aws: list[Awaitable[T]]) -> tuple[list[T], list[Exception]]:
    outcomes = await asyncio.gather(*aws, return_exceptions=True)
    results = [o for o in outcomes if not isinstance(o, BaseException)]
    errors = [o for o in outcomes if isinstance(o, Exception)]
    return results, errors
