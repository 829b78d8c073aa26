"""Cooks the three dishes at the same time, then waits 2.5 s more before serving them.

All three are on the stove at once, and the list is right: the check looked only at that, and
passed it (issue 22, item 4: extra waiting after the work is over). The lesson: "after 3 s, not
6 s".

truth: wrong
breaks: "Cook all three at the same time" - the example's breakfast is ready after 3 s.
fails: cooks_at_the_same_time
says: more went by than cooking needs
"""

import asyncio


async def make_breakfast(kitchen) -> list[str]:
    dishes = list(await asyncio.gather(kitchen.boil_eggs(), kitchen.toast_bread(), kitchen.brew_coffee()))
    await asyncio.sleep(2.5)
    return dishes
