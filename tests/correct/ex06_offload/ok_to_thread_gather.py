"""One asyncio.to_thread call per item, all awaited together with gather.

truth: correct
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


async def offload_all(func: Callable[[T], R], items: list[T]) -> list[R]:
    return list(await asyncio.gather(*(asyncio.to_thread(func, item) for item in items)))
