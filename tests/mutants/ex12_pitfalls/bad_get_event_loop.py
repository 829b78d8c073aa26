"""Rewrites price_now with get_event_loop().run_until_complete and keeps price_basket calling it.

truth: wrong
breaks: "Find and fix them" (pitfall 4) - run_until_complete on the loop that is already running
    raises "This event loop is already running": a loop is still started inside the running one.

fails: price_basket_stays_in_the_running_loop
says: event loop started inside a running one
"""

import asyncio
import time
from typing import Protocol


class Shop(Protocol):
    pause: float

    async def price(self, item: str) -> float: ...

    async def send_receipt(self, total: float) -> None: ...


async def fetch_price(shop: Shop, item: str) -> float:
    """Wait `shop.pause` seconds (other clients' requests go on meanwhile), then ask the price."""
    await asyncio.sleep(shop.pause)
    return await shop.price(item)


def price_now(shop: Shop, item: str) -> float:
    """One price, for the synchronous code of the shop's old command-line tool."""
    # reuse the current loop instead of starting a new one with asyncio.run
    loop = asyncio.get_event_loop()
    return loop.run_until_complete(fetch_price(shop, item))


async def price_basket(shop: Shop, items: list[str]) -> float:
    """The total price of the items, each asked with fetch_price."""
    return sum(price_now(shop, item) for item in items)


async def write_entry(journal: list[str], text: str) -> None:
    """Append a line to the sales journal (it lives on a slow disk)."""
    await asyncio.sleep(0.1)
    journal.append(text)


async def record_sale(journal: list[str], total: float) -> None:
    """Write the sale into the journal: one line, 'sold for <total with 2 decimals>'."""
    await write_entry(journal, f"sold for {total:.2f}")


async def checkout(shop: Shop, items: list[str], journal: list[str]) -> float:
    """Price the basket, record the sale, send the receipt; return the total."""
    total = await price_basket(shop, items)
    await record_sale(journal, total)
    await shop.send_receipt(total)
    return total


def main(shop: Shop, items: list[str], journal: list[str]) -> float:
    """Run a checkout from synchronous code and return the total."""
    return asyncio.run(checkout(shop, items, journal))
