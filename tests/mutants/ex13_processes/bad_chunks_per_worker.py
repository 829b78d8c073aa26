"""Splits the items into one chunk per worker and sends a top-level helper that runs func over a chunk.

truth: wrong
breaks: "`func` is a top-level function: send it, and each item, to the pool as they are" - items go
    in chunks, run one after another inside one process: a slow item holds up the rest of its
    chunk while other processes sit idle.

fails: keeps_every_worker_busy
says: a worker process that takes a share of the items
"""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")



def run_chunk(func: Callable[[T], R], chunk: list[T]) -> list[R]:
    return [func(item) for item in chunk]


async def compute_all(func: Callable[[T], R], items: list[T], workers: int) -> list[R]:
    loop = asyncio.get_running_loop()
    size = max(1, -(-len(items) // workers))
    chunks = [items[i:i + size] for i in range(0, len(items), size)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        parts = await asyncio.gather(*(loop.run_in_executor(pool, run_chunk, func, c) for c in chunks))
    return [result for part in parts for result in part]
