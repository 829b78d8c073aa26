"""Starts a task per dish, never awaits them, and returns the empty list of results.

fails: returns_results_in_order
says: 3 tasks were still running when it returned (boil_eggs() at ex02_gather.py line 13, brew_coffee()
"""

import asyncio


async def make_breakfast(kitchen) -> list[str]:
    results = []
    for dish in (kitchen.boil_eggs, kitchen.toast_bread, kitchen.brew_coffee):
        asyncio.create_task(dish())
    return results
