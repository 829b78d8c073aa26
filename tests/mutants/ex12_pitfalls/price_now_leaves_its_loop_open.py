"""price_now runs its own loop with run_until_complete and never closes it.

fails: price_now_for_synchronous_code
says: left 1 event loop(s) open
"""

import asyncio
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
    loop = asyncio.new_event_loop()
    return loop.run_until_complete(fetch_price(shop, item))


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
