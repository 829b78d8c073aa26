"""Catches func's exception and raises a RuntimeError of its own in its place (from the original).

truth: wrong
breaks: "If `func` raises, the exception must reach the caller of compute_all" - the caller gets a
    different exception, a RuntimeError; func's own is only its __cause__.

fails: exceptions_propagate
says: func's own exception
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
    with ProcessPoolExecutor(max_workers=workers) as pool:
        try:
            return await asyncio.gather(*(loop.run_in_executor(pool, func, i) for i in items))
        except Exception as error:
            raise RuntimeError(f"compute_all failed: {error!r}") from error
