"""Leaves its event loop open, then empties the list of loops the check keeps, which the loop
policy student code gets (asyncio.get_event_loop_policy()) used to be: the open loop was never
seen. The policy is now a plain one, whose new loops come from a closure.

fails: run_greet_closes_its_loop
says: event loop(s) were left open
"""

import asyncio


async def greet(name: str, delay: float) -> str:
    await asyncio.sleep(delay)
    return f"Hello, {name}!"


def run_greet(name: str, delay: float) -> str:
    loop = asyncio.new_event_loop()
    value = loop.run_until_complete(greet(name, delay))  # and never closed
    records = getattr(asyncio.get_event_loop_policy(), "created", None)
    if records is not None:
        records.clear()
    return value
