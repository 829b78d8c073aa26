"""A correct alternative: a pool of its own with four workers."""

import asyncio
from concurrent.futures import ThreadPoolExecutor


async def offload_all(func, items):
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = [loop.run_in_executor(pool, func, item) for item in items]
        return list(await asyncio.gather(*futures))
