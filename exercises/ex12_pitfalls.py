"""Exercise 12 - Pitfalls: fixing a broken asyncio program

What it is
    Four mistakes turn up in almost every asyncio tutorial's "common errors" section:
    1. A coroutine that is called but never awaited. `write(...)` without `await` only creates a
       coroutine object; its body never runs, and Python warns
       "RuntimeWarning: coroutine 'write' was never awaited".
    2. A task started and forgotten. `asyncio.create_task(...)` starts work in the background,
       but if nobody waits for it, the program may end first: asyncio.run cancels it, or the loop
       is closed under it ("Task was destroyed but it is pending!"), and its work never happens.
    3. A blocking call in a coroutine: `time.sleep`, a synchronous HTTP request, a long
       computation. While it runs, the whole event loop stands still.
    4. Starting an event loop inside a running one: `asyncio.run(...)` or
       `loop.run_until_complete(...)` called from code that already runs in a loop fails with
       "RuntimeError: asyncio.run() cannot be called from a running event loop" (or "This event
       loop is already running", or "Cannot run the event loop while another loop is running"
       when the second loop is a new one).

Why it matters
    None of these is a syntax error, and some of them do not even raise: the program runs, but a
    line is missing from a file, an e-mail is never sent, or every client waits for one. Knowing
    their symptoms is how you find them in real code.

Your task
    The shop program below has each of the four mistakes exactly once. Find and fix them. Keep
    every function's name and parameters, and what its docstring says it does. The checks call
    `fetch_price`, `price_basket`, `record_sale` and `checkout` each on its own (one check per
    mistake), then run the whole program with `main`, and call `price_now` from synchronous
    code, as the shop's old command-line tool does. `write_entry` has no mistake: the journal
    lives on a slow disk where writing a line takes 0.1 s, during which other tasks run; keep
    that pause.
    The shop (given to you) has `shop.pause`, the seconds it asks clients to wait before each
    request, and two coroutine methods: `await shop.price(item)` returns an item's price and
    `await shop.send_receipt(total)` e-mails the receipt.

Example
    >>> journal = []
    >>> main(shop, ["tea", "jam"], journal)   # tea costs 3.50, jam 2.25
    5.75
    >>> journal                               # and shop.send_receipt(5.75) has been awaited
    ['sold for 5.75']

Check your work with `grade exercise 12`; stuck? `grade hint 12`.
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
    time.sleep(shop.pause)
    return await shop.price(item)


def price_now(shop: Shop, item: str) -> float:
    """One price, for the synchronous code of the shop's old command-line tool."""
    return asyncio.run(fetch_price(shop, item))


async def price_basket(shop: Shop, items: list[str]) -> float:
    """The total price of the items, each asked with fetch_price."""
    return sum(price_now(shop, item) for item in items)


async def write_entry(journal: list[str], text: str) -> None:
    """Append a line to the sales journal (it lives on a slow disk)."""
    await asyncio.sleep(0.1)
    journal.append(text)


async def record_sale(journal: list[str], total: float) -> None:
    """Write the sale into the journal: one line, 'sold for <total with 2 decimals>'."""
    write_entry(journal, f"sold for {total:.2f}")


async def checkout(shop: Shop, items: list[str], journal: list[str]) -> float:
    """Price the basket, record the sale, send the receipt; return the total."""
    total = await price_basket(shop, items)
    await record_sale(journal, total)
    asyncio.create_task(shop.send_receipt(total))  # the customer need not wait for the e-mail
    return total


def main(shop: Shop, items: list[str], journal: list[str]) -> float:
    """Run a checkout from synchronous code and return the total."""
    return asyncio.run(checkout(shop, items, journal))


if __name__ == "__main__":
    print("This file is graded, not run: `grade exercise 12` checks it (stuck? `grade hint 12`).")
