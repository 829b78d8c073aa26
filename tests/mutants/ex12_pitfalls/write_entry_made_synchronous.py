"""Fixes the never-awaited write by making write_entry an ordinary function: the line is in the
journal, but the slow disk's pause is gone, though write_entry had no mistake.

fails: record_sale_awaits_its_coroutine
says: write_entry is not one of the four mistakes
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
    return asyncio.run(fetch_price(shop, item))


async def price_basket(shop: Shop, items: list[str]) -> float:
    """The total price of the items, each asked with fetch_price."""
    prices = [await fetch_price(shop, item) for item in items]
    return sum(prices)


def write_entry(journal: list[str], text: str) -> None:
    """Append a line to the sales journal."""
    journal.append(text)


async def record_sale(journal: list[str], total: float) -> None:
    """Write the sale into the journal: one line, 'sold for <total with 2 decimals>'."""
    write_entry(journal, f"sold for {total:.2f}")


async def checkout(shop: Shop, items: list[str], journal: list[str]) -> float:
    """Price the basket, record the sale, send the receipt; return the total."""
    total = await price_basket(shop, items)
    receipt = asyncio.create_task(shop.send_receipt(total))
    await record_sale(journal, total)
    await receipt
    return total


def main(shop: Shop, items: list[str], journal: list[str]) -> float:
    """Run a checkout from synchronous code and return the total."""
    with asyncio.Runner() as runner:
        return runner.run(checkout(shop, items, journal))
