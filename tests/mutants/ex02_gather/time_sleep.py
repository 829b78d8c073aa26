"""Waits with time.sleep before serving.

fails: cooks_at_the_same_time
says: time.sleep
"""

import asyncio
import time


async def make_breakfast(kitchen) -> list[str]:
    time.sleep(0.5)
    return list(await asyncio.gather(kitchen.boil_eggs(), kitchen.toast_bread(), kitchen.brew_coffee()))
