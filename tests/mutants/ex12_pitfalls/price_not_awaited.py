"""fetch_price keeps the pause but returns shop.price(item) without awaiting it.

fails: fetch_price_does_not_block
says: returned the coroutine
"""

import asyncio
from typing import Protocol


class Shop(Protocol):
    pause: float

    async def price(self, item: str) -> float: ...

    async def send_receipt(self, total: float) -> None: ...


async def fetch_price(shop: Shop, item: str) -> float:
    """Wait `shop.pause` seconds (other clients' requests go on meanwhile), then ask the price."""
    await asyncio.sleep(shop.pause)  # was time.sleep: it froze the event loop
    return shop.price(item)  # type: ignore[return-value]


def price_now(shop: Shop, item: str) -> float:
    """One price, for the synchronous code of the shop's old command-line tool."""
    return asyncio.run(fetch_price(shop, item))


async def price_basket(shop: Shop, items: list[str]) -> float:
    """The total price of the items, each asked with fetch_price."""
    total = 0.0
    for item in items:
        total += await fetch_price(shop, item)  # was price_now: a loop inside the running loop
    return total


async def write_entry(journal: list[str], text: str) -> None:
    """Append a line to the sales journal (it lives on a slow disk)."""
    await asyncio.sleep(0.1)
    journal.append(text)


async def record_sale(journal: list[str], total: float) -> None:
    """Write the sale into the journal: one line, 'sold for <total with 2 decimals>'."""
    await write_entry(journal, f"sold for {total:.2f}")  # was never awaited


async def checkout(shop: Shop, items: list[str], journal: list[str]) -> float:
    """Price the basket, record the sale, send the receipt; return the total."""
    total = await price_basket(shop, items)
    await record_sale(journal, total)
    await shop.send_receipt(total)  # was a task nobody waited for
    return total


def main(shop: Shop, items: list[str], journal: list[str]) -> float:
    """Run a checkout from synchronous code and return the total."""
    return asyncio.run(checkout(shop, items, journal))
