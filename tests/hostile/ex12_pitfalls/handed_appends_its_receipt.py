"""Never sends the receipt: checkout writes the total into the shop's list of receipts sent
(shop.receipts used to be public on the shop the program was handed), so a receipt seemed sent.
The shop is now one with pause, price() and send_receipt() only.

fails: checkout_waits_for_the_receipt, main_returns_the_total
says: expected one, for
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
    return await shop.price(item)


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
    receipts = getattr(shop, "receipts", None)
    if receipts is not None:
        receipts.append(total)  # "sent", without the shop ever hearing of it
    return total


def main(shop: Shop, items: list[str], journal: list[str]) -> float:
    """Run a checkout from synchronous code and return the total."""
    return asyncio.run(checkout(shop, items, journal))
