"""Calls func directly in the coroutine: it runs on the event loop's own thread and blocks it.

fails: keeps_the_loop_free
says: event loop's own thread
"""


async def offload_all(func, items):
    return [func(item) for item in items]
