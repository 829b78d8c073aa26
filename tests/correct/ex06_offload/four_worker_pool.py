"""A correct alternative: a pool of its own with four workers, shut down on the way out (after an
error too) by waiting for its threads in another thread, so the loop stays free meanwhile.

(This file used to leave the pool through `with ThreadPoolExecutor(...) as pool:`. That waits for
the pool's threads on the loop's thread: after one call raises, the loop stands still until the
other calls end, which the lesson rules out; tests/mutants/ex06_offload/
bad_with_executor_blocks_on_error.py is that mistake.)
"""

import asyncio
from concurrent.futures import ThreadPoolExecutor


async def offload_all(func, items):
    loop = asyncio.get_running_loop()
    pool = ThreadPoolExecutor(max_workers=4)
    try:
        futures = [loop.run_in_executor(pool, func, item) for item in items]
        return list(await asyncio.gather(*futures))
    finally:
        await asyncio.to_thread(pool.shutdown)
