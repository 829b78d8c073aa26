"""Computes each distinct item once and maps the results back onto the items.

truth: wrong
breaks: "call `func(item)` for every item" - a repeated item is computed only once.

fails: keeps_every_worker_busy
says: though it appears twice in items
"""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")



async def compute_all(func: Callable[[T], R], items: list[T], workers: int) -> list[R]:
    loop = asyncio.get_running_loop()
    distinct = list(dict.fromkeys(items))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        values = await asyncio.gather(*(loop.run_in_executor(pool, func, x) for x in distinct))
    by_item = dict(zip(distinct, values, strict=True))
    return [by_item[item] for item in items]
