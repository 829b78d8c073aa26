"""Checks for exercise 12: the shop program's four planted pitfalls, one check each, and the
whole program's result.

Each pitfall lives in its own function, and each check calls that function on its own, so a
mistake elsewhere in the file cannot hide (or stand in for) the one a check looks at. `checkout`
calls two other functions of the program; its check replaces them with working ones for the
same reason.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from graders.check import Fail, check, expect, record
from graders.probes import BlockingSpy, InFlight, Outcome, Solution, run_virtual, spy_on_new_loops
from graders.probes import inputs as rand
from graders.probes.loop import describe_call_error
from graders.probes.student import describe_exception, location_of_traceback

HINTS = (
    "Take the four pitfalls one at a time, each in its own function: which line creates a "
    "coroutine without running it, which starts a task nobody waits for, which stops the whole "
    "loop, and which starts a loop although one is already running?",
    "Run `grade exercise 12`: each failed check names its function and the line. A coroutine "
    "runs only when awaited; inside a coroutine, wait with a sleep that can be awaited; and a "
    "coroutine that needs another coroutine's result awaits it rather than starting a new loop.",
    "The receipt must have been sent when checkout returns, or asyncio.run cancels it as the "
    "program ends: whatever checkout starts, it waits for before it returns. price_now may stay "
    "for synchronous callers, but a coroutine must not call it.",
)

_sleep = asyncio.sleep
TOLERANCE = 1e-6


@dataclass
class Shop:
    """The shop the program talks to: prices with latency, receipts, and which loop asked."""

    pause: float = field(default_factory=lambda: rand.delay(0.5, 2.0))
    latency: float = field(default_factory=lambda: rand.delay(1.0, 3.0))
    receipt_latency: float = field(default_factory=lambda: rand.delay(1.0, 3.0))
    prices: dict[str, float] = field(default_factory=dict)
    receipts: list[float] = field(default_factory=list)
    loops: list[asyncio.AbstractEventLoop] = field(default_factory=list)
    in_flight: InFlight = field(default_factory=InFlight)

    def basket(self, count: int) -> list[str]:
        items = [f"{rand.word(5)}-{index}" for index in range(count)]
        for item in items:
            self.prices[item] = rand.rng.randint(100, 9_999) / 100
        return items

    async def price(self, item: str) -> float:
        self.loops.append(asyncio.get_running_loop())
        async with self.in_flight.track(item):
            await _sleep(self.latency)
        return self.prices[item]

    async def send_receipt(self, total: float) -> None:
        await _sleep(self.receipt_latency)
        self.receipts.append(total)

    def total(self, items: list[str]) -> float:
        return sum(self.prices[item] for item in items)


def _entry(total: float) -> str:
    return f"sold for {total:.2f}"


def _run(factory: Callable[[], Awaitable[Any]]) -> Outcome[Any]:
    """run_virtual, after collecting what earlier checks left: the stub's failed asyncio.run keeps
    a never-awaited coroutine alive in a traceback, and its warning must not land in this run."""
    gc.collect()
    return run_virtual(factory)


@check("fetch_price waits for the shop's pause without blocking the event loop", points=2)
def test_fetch_price_does_not_block(solution: Solution, blocking: BlockingSpy) -> None:
    fetch_price = solution.function("fetch_price", coroutine=True)
    shop = Shop()
    items = shop.basket(3)

    async def three_at_once() -> list[float]:
        return list(await asyncio.gather(*(fetch_price(shop, item) for item in items)))

    outcome = _run(three_at_once)
    where = solution.definition_of("fetch_price")
    if blocking.calls:  # (no timeline: the spy skipped the sleeps, so it would look concurrent)
        raise Fail(f"Pitfall: a blocking call. {blocking.message()} Three fetch_price calls at "
                   f"once had to wait for each other's pause.", blocking.calls[0].location)
    record(timeline=shop.in_flight.timeline())
    values = outcome.result("three fetch_price calls at once")
    expected = [shop.prices[item] for item in items]
    expect(values == expected,
           f"fetch_price returned {values!r} for three items; the shop's prices are {expected!r}.",
           where)
    needed = shop.pause + shop.latency
    expect(abs(outcome.elapsed - needed) < 1e-3,
           f"Three fetch_price calls at once took {outcome.elapsed:.1f} s of simulated time; "
           f"each waits the shop's pause ({shop.pause} s) and then the price ({shop.latency} s), "
           f"all at the same time: {needed:.1f} s. fetch_price must keep the pause, without "
           f"blocking the event loop.", where)


@check("price_basket asks for prices in the running event loop, not a new one", points=2)
def test_price_basket_stays_in_the_running_loop(solution: Solution) -> None:
    price_basket = solution.function("price_basket", coroutine=True)
    shop = Shop()
    items = shop.basket(rand.rng.randint(2, 4))
    loops: list[asyncio.AbstractEventLoop] = []

    async def basket() -> float:
        loops.append(asyncio.get_running_loop())
        return await price_basket(shop, items)

    with spy_on_new_loops() as spy:
        outcome = _run(basket)
        started = len(spy.created) - 1  # the first is run_virtual's own
    where = solution.definition_of("price_basket")
    error = outcome.error
    if isinstance(error, RuntimeError) and _is_nested_loop_error(error):
        raise Fail(f"Pitfall: an event loop started inside a running one. price_basket runs in "
                   f"an event loop already, and it tried to run another: {describe_exception(error)}. "
                   f"A coroutine cannot start a loop of its own.",
                   location_of_traceback(error.__traceback__) or where)
    call_text = f"price_basket(shop, <{len(items)} items>)"
    total = outcome.result(call_text)
    foreign = sum(1 for loop in shop.loops if loops and loop is not loops[0])
    if started or foreign:
        raise Fail(f"Pitfall: an event loop started inside a running one. {call_text} started "
                   f"{started} new event loop(s) and asked {foreign} of the {len(items)} prices "
                   f"there (from another thread) instead of in the loop it runs in.", where)
    expected = shop.total(items)
    expect(isinstance(total, int | float) and abs(total - expected) < TOLERANCE,
           f"{call_text} returned {total!r}; the prices add up to {expected:.2f}.", where)


def _is_nested_loop_error(error: RuntimeError) -> bool:
    text = str(error)
    return "running event loop" in text or "already running" in text


@check("record_sale awaits the coroutine that writes the journal", points=2)
def test_record_sale_awaits_its_coroutine(solution: Solution) -> None:
    record_sale = solution.function("record_sale", coroutine=True)
    journal: list[str] = []
    total = rand.rng.randint(100, 99_999) / 100
    call_text = f"record_sale(journal, {total})"
    outcome = _run(lambda: record_sale(journal, total))
    where = solution.definition_of("record_sale")
    if outcome.never_awaited:
        leak = outcome.never_awaited[0]
        line = f" at line {leak.location.line}" if leak.location else ""
        raise Fail(f"Pitfall: a coroutine never awaited. {call_text} called {leak.text}{line} "
                   f"without awaiting it: its body never ran, so the journal got {len(journal)} "
                   f"line(s).", leak.location or where)
    outcome.result(call_text)
    if outcome.leftover_tasks and not journal:
        raise Fail(f"{call_text} returned before the journal entry was written: it started a "
                   f"task for it and did not wait ({outcome.leftover_tasks[0].describe()}).",
                   outcome.first_leak_location() or where)
    expect(journal == [_entry(total)],
           f"After {call_text} the journal is {journal!r}; expected [{_entry(total)!r}].", where)
    outcome.require_clean(call_text)


@check("checkout waits for the receipt task it starts", points=2)
def test_checkout_waits_for_the_receipt(solution: Solution) -> None:
    checkout = solution.function("checkout", coroutine=True)
    module = solution.module()
    shop = Shop()
    items = shop.basket(rand.rng.randint(2, 4))
    journal: list[str] = []
    _isolate_checkout(module, shop)
    call_text = f"checkout(shop, <{len(items)} items>, journal)"
    outcome = _run(lambda: checkout(shop, items, journal))
    where = solution.definition_of("checkout")
    total = outcome.result(call_text)
    expected = shop.total(items)
    if outcome.leftover_tasks:
        task = outcome.leftover_tasks[0]
        raise Fail(f"Pitfall: a task destroyed while pending. {call_text} returned while a task "
                   f"it started was still pending ({task.describe()}). Nobody waits for it: when "
                   f"the program ends, asyncio.run cancels it (or the closed loop destroys it "
                   f"while pending: \"Task was destroyed but it is pending!\"), and the receipt "
                   f"is never sent. Receipts sent: {len(shop.receipts)}.",
                   task.location or where)
    if outcome.unawaited_tasks:
        task = outcome.unawaited_tasks[0]
        raise Fail(f"{call_text} started a task and nobody awaited it ({task.describe()}): had it "
                   f"failed, its error would have been lost. Await the tasks you start.",
                   task.location or where)
    expect(isinstance(total, int | float) and abs(total - expected) < TOLERANCE,
           f"{call_text} returned {total!r}; the basket costs {expected:.2f}.", where)
    expect(shop.receipts == [expected],
           f"When {call_text} returned, the shop had sent {len(shop.receipts)} receipt(s) "
           f"{shop.receipts!r}; expected one, for {expected:.2f}.", where)
    outcome.require_clean(call_text)


def _isolate_checkout(module: Any, shop: Shop) -> None:
    """Give checkout working collaborators, so that only its own receipt handling is graded."""

    async def price_basket(_shop: Any, items: list[str]) -> float:
        prices = await asyncio.gather(*(shop.price(item) for item in items))
        return sum(prices)

    async def record_sale(journal: list[str], total: float) -> None:
        await _sleep(0.1)
        journal.append(_entry(total))

    module.price_basket = price_basket
    module.record_sale = record_sale


@check("the whole program (main) returns the total, writes the journal and sends the receipt",
       points=2)
def test_main_returns_the_total(solution: Solution) -> None:
    main: Callable[..., Any] = solution.function("main", coroutine=False)
    shop = Shop()
    items = shop.basket(rand.rng.randint(2, 4))
    journal: list[str] = []
    call_text = f"main(shop, <{len(items)} items>, journal)"
    with spy_on_new_loops() as loops:
        try:
            total = main(shop, items, journal)
        except Exception as error:
            message = describe_call_error(call_text, error)
            if isinstance(error, RuntimeError) and _is_nested_loop_error(error):
                message = f"Pitfall: an event loop started inside a running one. {message}"
            raise Fail(message, location_of_traceback(error.__traceback__)) from None
        left_open = len(loops.left_open())
    where = solution.definition_of("main")
    expected = shop.total(items)
    expect(isinstance(total, int | float) and abs(total - expected) < TOLERANCE,
           f"{call_text} returned {total!r}; the basket costs {expected:.2f}.", where)
    expect(journal == [_entry(expected)],
           f"After {call_text} the journal is {journal!r}; expected [{_entry(expected)!r}].",
           solution.definition_of("record_sale"))
    expect(shop.receipts == [expected],
           f"After {call_text} the shop had sent {len(shop.receipts)} receipt(s); expected one, "
           f"for {expected:.2f}.", solution.definition_of("checkout"))
    expect(left_open == 0, f"{call_text} left {left_open} event loop(s) open.", where)

