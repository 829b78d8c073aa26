"""offload_all leaves out results that are None or an empty string, as if they were no result.

func returning an empty string for an item is a result like any other: the list comes back one
short. The checks' func never returned a falsy value, and passed it (issue 22, item 4).

truth: wrong
breaks: "Return the results in the order of `items`."
fails: returns_results_in_order
says: an empty string is falsy, but a result like any other
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


async def offload_all(func: Callable[[T], R], items: list[T]) -> list[R]:
    results = await asyncio.gather(*(asyncio.to_thread(func, item) for item in items))
    return [result for result in results if result is not None and result != ""]
