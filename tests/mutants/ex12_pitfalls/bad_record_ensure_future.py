"""Fixes record_sale with asyncio.ensure_future(write_entry(...)) instead of awaiting it.

truth: wrong
breaks: "Write the sale into the journal" (record_sale's docstring) - the write becomes a task that
    nobody awaits (pitfall 2 introduced): when record_sale returns the line is not written yet,
    and if the program ends first it never is. (main can still show the line, since the
    receipt takes time.)

fails: record_sale_awaits_its_coroutine
says: did not wait
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
    return asyncio.run(fetch_price(shop, item))


async def price_basket(shop: Shop, items: list[str]) -> float:
    """The total price of the items, each asked with fetch_price."""
    total = 0.0
    for item in items:
        total += await fetch_price(shop, item)
    return total


async def write_entry(journal: list[str], text: str) -> None:
    """Append a line to the sales journal (it lives on a slow disk)."""
    await asyncio.sleep(0.1)
    journal.append(text)


async def record_sale(journal: list[str], total: float) -> None:
    """Write the sale into the journal: one line, 'sold for <total with 2 decimals>'."""
    asyncio.ensure_future(write_entry(journal, f"sold for {total:.2f}"))  # schedule the write


async def checkout(shop: Shop, items: list[str], journal: list[str]) -> float:
    """Price the basket, record the sale, send the receipt; return the total."""
    total = await price_basket(shop, items)
    await record_sale(journal, total)
    await shop.send_receipt(total)
    return total


def main(shop: Shop, items: list[str], journal: list[str]) -> float:
    """Run a checkout from synchronous code and return the total."""
    return asyncio.run(checkout(shop, items, journal))
