"""gather(..., return_exceptions=True): a failing call's exception ends up inside the list.

truth: wrong
breaks: "If `func` raises, the exception must reach the caller of offload_all" - it is
    returned as a list element instead of being raised.

fails: exceptions_propagate
says: was swallowed
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


async def offload_all(func: Callable[[T], R], items: list[T]) -> list[R]:
    return list(await asyncio.gather(
        *(asyncio.to_thread(func, item) for item in items),
        return_exceptions=True,
    ))
