"""Runs the calls together, but in a pool of its own with a single worker.

fails: runs_all_at_once
says: max_workers=1
"""

import asyncio
from concurrent.futures import ThreadPoolExecutor


async def offload_all(func, items):
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return list(await asyncio.gather(*(loop.run_in_executor(pool, func, item) for item in items)))
