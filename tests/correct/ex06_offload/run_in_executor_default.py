"""A correct alternative: run_in_executor on the loop's default pool, then gather."""

import asyncio


async def offload_all(func, items):
    loop = asyncio.get_running_loop()
    return list(await asyncio.gather(*[loop.run_in_executor(None, func, item) for item in items]))
