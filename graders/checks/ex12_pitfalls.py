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
import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import looptime

from graders.check import Fail, check, expect, record
from graders.probes import BlockingSpy, InFlight, Outcome, Solution, run_virtual, spy_on_new_loops
from graders.probes import inputs as rand
from graders.probes.handed import handed
from graders.probes.loop import describe_call_error
from graders.probes.spies import BUSY_READS, ClockSpy, LoopFactorySpy, spy_on_clock_reads
from graders.probes.student import describe_exception, location_in_frames, location_of_traceback
from graders.results import Location

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
_loop_time = looptime.LoopTimeEventLoop.time
TOLERANCE = 1e-6
# write_entry's pause: writing a line to the journal's slow disk takes this long.
WRITE_PAUSE = 0.1
# Totals whose journal line shows whether it has two decimals whatever the random data: a whole
# number, one that ends in a zero, and a sum that floats cannot hold exactly (0.1 + 0.2).
JOURNAL_TOTALS = (7.0, 12.5, 0.1 + 0.2)
# A basket whose total depends on the order of the sum in its last bits and ends in a zero.
FIXED_PRICES = (0.1, 0.2, 0.3)


@dataclass
class Request:
    """One price request: when (loop time) and how many pauses worker threads had finished."""

    item: str
    at: float
    thread_pauses: int


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
    requests: list[Request] = field(default_factory=list)
    blocking: BlockingSpy | None = None
    # What the program is given: the shop's pause, price() and send_receipt(), nothing more.
    front: ShopFront = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.front = ShopFront(self.pause, lambda item: self.price(item),
                               lambda total: self.send_receipt(total))

    def basket(self, count: int, prices: tuple[float, ...] = ()) -> list[str]:
        items = [f"{rand.word(5)}-{index}" for index in range(len(prices) or count)]
        for index, item in enumerate(items):
            self.prices[item] = prices[index] if prices else rand.rng.randint(100, 9_999) / 100
        return items

    def thread_pauses(self) -> int:
        """Sleeps of exactly `pause` seconds that worker threads have finished."""
        found = self.blocking.off_loop if self.blocking is not None else []
        return sum(1 for sleep in found if sleep.ended and abs(sleep.seconds - self.pause) < 1e-9)

    async def price(self, item: str) -> float:
        loop = asyncio.get_running_loop()
        self.loops.append(loop)
        self.requests.append(Request(item, _loop_time(loop), self.thread_pauses()))
        async with self.in_flight.track(item):
            await _sleep(self.latency)
        return self.prices[item]

    async def send_receipt(self, total: float) -> None:
        await _sleep(self.receipt_latency)
        self.receipts.append(total)

    def total(self, items: list[str]) -> float:
        return sum(self.prices[item] for item in items)


@handed
class ShopFront:
    """The shop the student's functions get: its `pause`, `price(item)` and
    `send_receipt(total)`. The Shop that records requests, receipts and the blocking spy stays in
    closures, out of reach of public attributes."""

    def __init__(self, pause: float, price: Callable[[str], Awaitable[float]],
                 send_receipt: Callable[[float], Awaitable[None]]) -> None:
        self.pause = pause
        self._price, self._send_receipt = price, send_receipt

    async def price(self, item: str) -> float:
        return await self._price(item)

    async def send_receipt(self, total: float) -> None:
        await self._send_receipt(total)

    def __repr__(self) -> str:
        return "shop"


def _entry(total: float) -> str:
    return f"sold for {total:.2f}"


def _close_to(value: object, expected: float) -> bool:
    return isinstance(value, int | float) and abs(value - expected) < TOLERANCE


def _one_receipt_for(receipts: list[float], expected: float) -> bool:
    return len(receipts) == 1 and _close_to(receipts[0], expected)


def _run(factory: Callable[[], Awaitable[Any]],
         blocking: BlockingSpy | None = None) -> Outcome[Any]:
    """run_virtual, after collecting what earlier checks left: the stub's failed asyncio.run keeps
    a never-awaited coroutine alive in a traceback, and its warning must not land in this run.
    With `blocking`, a time.sleep in a worker thread lasts one turn of this run's loop (and is
    recorded) instead of real seconds."""
    gc.collect()
    loops: list[asyncio.AbstractEventLoop] = []

    async def tracked() -> Any:
        loops.append(asyncio.get_running_loop())
        return await factory()

    if blocking is not None:
        blocking.loop_for_threads = lambda: loops[0] if loops else None
    return run_virtual(tracked)


def _refuse_awaitable(value: object, call_text: str, where: Location | None,
                      run: str = "awaiting it") -> None:
    """Fail if the student's coroutine returned a coroutine (or another awaitable) instead of
    awaiting it: `return write_entry(...)` runs nothing."""
    if not inspect.isawaitable(value):
        return
    name = getattr(value, "__qualname__", type(value).__name__)
    origin = getattr(value, "cr_origin", None) or ()
    created = location_in_frames((file, line) for file, line, _ in origin)
    if inspect.iscoroutine(value):
        value.close()  # it never ran; closing it keeps its warning out of later runs
    raise Fail(f"Pitfall: a coroutine never awaited. {call_text} returned the coroutine "
               f"{name}() instead of {run}: its body never ran, and whoever called "
               f"{call_text.split('(')[0]} got a coroutine object instead of its result.",
               created or where)


def _never_awaited(outcome: Outcome[Any], call_text: str, where: Location | None,
                   effect: str) -> None:
    if outcome.never_awaited:
        leak = outcome.never_awaited[0]
        line = f" at line {leak.location.line}" if leak.location else ""
        raise Fail(f"Pitfall: a coroutine never awaited. {call_text} called {leak.text}{line} "
                   f"without awaiting it: its body never ran, so {effect}.",
                   leak.location or where)


@check("fetch_price waits for the shop's pause without blocking the event loop", points=2)
def test_fetch_price_does_not_block(solution: Solution, blocking: BlockingSpy) -> None:
    shop = Shop(blocking=blocking)
    items = shop.basket(3)
    started: list[float] = []
    with spy_on_clock_reads() as clocks:
        fetch_price = solution.function("fetch_price", coroutine=True)

        async def three_at_once() -> list[float]:
            loop = asyncio.get_running_loop()
            clocks.watch_loop(loop)
            started.append(_loop_time(loop))  # type: ignore[arg-type]
            return list(await asyncio.gather(*(fetch_price(shop.front, item) for item in items)))

        outcome = _run(three_at_once, blocking)
    where = solution.definition_of("fetch_price")
    _fetch_price_blocked(blocking, clocks)
    _never_awaited(outcome, "fetch_price(shop, item)", where,
                   "fetch_price did not wait for it")
    record(timeline=shop.in_flight.timeline())
    values = outcome.result("three fetch_price calls at once")
    for value in values:
        _refuse_awaitable(value, "fetch_price(shop, item)", where)
    expected = [shop.prices[item] for item in items]
    expect(values == expected,
           f"fetch_price returned {values!r} for three items; the shop's prices are {expected!r}.",
           where)
    _expect_pause_kept(shop, outcome, started[0] if started else 0.0, where)


def _fetch_price_blocked(blocking: BlockingSpy, clocks: ClockSpy) -> None:
    if blocking.calls:  # (no timeline: the spy skipped the sleeps, so it would look concurrent)
        raise Fail(f"Pitfall: a blocking call. {blocking.message()} Three fetch_price calls at "
                   f"once had to wait for each other's pause.", blocking.calls[0].location)
    if clocks.busy:
        busy = clocks.busy[0]
        raise Fail(f"Pitfall: a blocking call. fetch_price waits for the pause in a busy loop: "
                   f"it read the clock ({busy.describe()}) {BUSY_READS:,} times and more, on "
                   f"the event loop's thread. Watching the clock keeps that thread busy instead of "
                   f"waiting, so three fetch_price calls at once had to wait for each other's "
                   f"pause. Await a non-blocking sleep instead.", busy.location)


def _expect_pause_kept(shop: Shop, outcome: Outcome[Any], start: float,
                       where: Location | None) -> None:
    """Each price is asked only after its pause: in loop time, or slept in a worker thread."""
    requests = sorted(shop.requests, key=lambda request: request.at)
    early = [request for rank, request in enumerate(requests, start=1)
             if request.at - start < shop.pause - TOLERANCE and request.thread_pauses < rank]
    if early:
        waited = early[0].at - start
        raise Fail(f"Three fetch_price calls at once asked the shop for {len(early)} of the "
                   f"{len(requests)} prices before the shop's pause ({shop.pause} s) had passed "
                   f"(the first after {waited:.1f} s of simulated time). fetch_price must keep "
                   f"the pause, before it asks the price, without blocking the event loop.",
                   where)
    most = shop.in_flight.high_water
    expect(most == len(requests),
           f"Three fetch_price calls at once asked the shop for their prices {most} at a time: "
           f"each had to wait for another's pause or price. Other clients' requests must go on "
           f"meanwhile.", where)
    in_threads = [sleep for sleep in shop.blocking.off_loop] if shop.blocking else []
    if in_threads:
        expect(len(in_threads) == len(requests),
               f"Three fetch_price calls at once slept {len(in_threads)} time(s) in worker "
               f"threads; each call waits the shop's pause ({shop.pause} s) once.", where)
        return
    needed = shop.pause + shop.latency
    expect(abs(outcome.elapsed - needed) < 1e-3,
           f"Three fetch_price calls at once took {outcome.elapsed:.1f} s of simulated time; "
           f"each waits the shop's pause ({shop.pause} s) and then the price ({shop.latency} s), "
           f"all at the same time: {needed:.1f} s. fetch_price must keep the pause, without "
           f"blocking the event loop.", where)


@check("price_basket asks for prices in the running event loop, not a new one", points=2)
def test_price_basket_stays_in_the_running_loop(solution: Solution, blocking: BlockingSpy) -> None:
    shop = Shop(blocking=blocking)
    items = shop.basket(rand.rng.randint(2, 4))
    loops: list[asyncio.AbstractEventLoop] = []
    with spy_on_clock_reads() as clocks, spy_on_new_loops() as spy:
        price_basket = solution.function("price_basket", coroutine=True)
        _watch_new_loops(spy, clocks)  # a busy wait left in fetch_price ends at once

        async def basket() -> float:
            loops.append(asyncio.get_running_loop())
            clocks.watch_loop(loops[0])
            return await price_basket(shop.front, items)

        outcome = _run(basket, blocking)
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
    _refuse_awaitable(total, call_text, where)
    foreign = sum(1 for loop in shop.loops if loops and loop is not loops[0])
    if started or foreign:
        raise Fail(f"Pitfall: an event loop started inside a running one. {call_text} started "
                   f"{started} new event loop(s) and asked {foreign} of the {len(items)} prices "
                   f"there (from another thread) instead of in the loop it runs in.", where)
    expected = shop.total(items)
    expect(_close_to(total, expected),
           f"{call_text} returned {total!r}; the prices add up to {expected:.2f}.", where)


def _watch_new_loops(spy: LoopFactorySpy, clocks: ClockSpy) -> None:
    """Count the clock reads of every loop the student's code starts, as of run_virtual's."""
    make = spy.new_event_loop

    def watched() -> asyncio.AbstractEventLoop:
        loop = make()
        clocks.watch_loop(loop)
        return loop

    spy.new_event_loop = watched  # type: ignore[method-assign]


# What asyncio says when a loop is started inside a running one: asyncio.run, run_until_complete
# on the running loop, and run_until_complete on another loop.
NESTED_LOOP_WORDING = ("running event loop", "already running", "another loop is running")


def _is_nested_loop_error(error: RuntimeError) -> bool:
    text = str(error)
    return any(wording in text for wording in NESTED_LOOP_WORDING)


@check("record_sale awaits the coroutine that writes its journal line", points=2)
def test_record_sale_awaits_its_coroutine(solution: Solution, blocking: BlockingSpy) -> None:
    record_sale = solution.function("record_sale", coroutine=True)
    places = (solution.definition_of("record_sale"), solution.definition_of("write_entry"))
    for total in (rand.rng.randint(100, 99_999) / 100, *JOURNAL_TOTALS):
        _record_one_sale(record_sale, total, places, blocking)


def _record_one_sale(record_sale: Callable[..., Awaitable[Any]], total: float,
                     places: tuple[Location | None, Location | None],
                     blocking: BlockingSpy) -> None:
    """`places`: where record_sale and write_entry are defined."""
    where, disk = places
    journal: list[str] = []
    call_text = f"record_sale(journal, {total!r})"
    slept_before = len(blocking.off_loop)
    outcome = _run(lambda: record_sale(journal, total), blocking)
    _never_awaited(outcome, call_text, where, f"the journal got {len(journal)} line(s)")
    _refuse_awaitable(outcome.result(call_text), call_text, where)
    if outcome.leftover_tasks and not journal:
        raise Fail(f"{call_text} returned before the journal entry was written: it started a "
                   f"task for it and did not wait ({outcome.leftover_tasks[0].describe()}).",
                   outcome.first_leak_location() or where)
    expect(journal == [_entry(total)],
           f"After {call_text} the journal is {journal!r}; expected [{_entry(total)!r}]: one "
           f"line, 'sold for <total with 2 decimals>'.", where)
    if blocking.calls:
        raise Fail(f"Pitfall: a blocking call. {blocking.message()} While {call_text} wrote its "
                   f"line, every other task had to wait.", blocking.calls[0].location)
    _expect_disk_pause(call_text, outcome.elapsed, blocking.off_loop[slept_before:],
                       disk or where)
    outcome.require_clean(call_text)


def _expect_disk_pause(call_text: str, elapsed: float, in_threads: list[Any],
                       where: Location | None) -> None:
    """The slow disk: writing the line takes WRITE_PAUSE, in loop time or slept in a thread."""
    took = elapsed + sum(sleep.seconds for sleep in in_threads if sleep.ended)
    expect(abs(took - WRITE_PAUSE) < 1e-3,
           f"{call_text} took {took:.1f} s of simulated time; the journal lives on a slow disk "
           f"where writing a line takes {WRITE_PAUSE} s (write_entry's pause), so recording a "
           f"sale takes {WRITE_PAUSE} s. write_entry is not one of the four mistakes: it must "
           f"keep its pause, without blocking the event loop.", where)


@check("checkout waits for the receipt task it starts", points=2)
def test_checkout_waits_for_the_receipt(solution: Solution) -> None:
    checkout = solution.function("checkout", coroutine=True)
    module = solution.module()
    shop = Shop()
    items = shop.basket(rand.rng.randint(2, 4))
    journal: list[str] = []
    _isolate_checkout(module, shop)
    call_text = f"checkout(shop, <{len(items)} items>, journal)"
    outcome = _run(lambda: checkout(shop.front, items, journal))
    where = solution.definition_of("checkout")
    _never_awaited(outcome, call_text, where, _what_checkout_missed(outcome, shop, journal))
    total = outcome.result(call_text)
    _refuse_awaitable(total, call_text, where)
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
    expect(_close_to(total, expected),
           f"{call_text} returned {total!r}; the basket costs {expected:.2f}.", where)
    expect(_one_receipt_for(shop.receipts, expected),
           f"When {call_text} returned, the shop had sent {len(shop.receipts)} receipt(s) "
           f"{shop.receipts!r}; expected one, for {expected:.2f}.", where)
    outcome.require_clean(call_text)


def _what_checkout_missed(outcome: Outcome[Any], shop: Shop, journal: list[str]) -> str:
    """What a coroutine checkout never awaited left undone, by the coroutine's name."""
    name = outcome.never_awaited[0].text if outcome.never_awaited else ""
    if "record_sale" in name or "write_entry" in name:
        return f"the sale was not recorded: the journal got {len(journal)} line(s)"
    return f"the shop sent {len(shop.receipts)} receipt(s) instead of one"


def _isolate_checkout(module: Any, shop: Shop) -> None:
    """Give checkout working collaborators, so that only its own receipt handling is graded."""

    async def price_basket(_shop: Any, items: list[str]) -> float:
        prices = await asyncio.gather(*(shop.price(item) for item in items))
        return sum(prices)

    async def record_sale(journal: list[str], total: float) -> None:
        await _sleep(0.1)
        journal.append(_entry(total))

    for stand_in, name in ((price_basket, "price_basket"), (record_sale, "record_sale")):
        # Named as the student's own, so a message about a call of it reads naturally.
        stand_in.__name__ = stand_in.__qualname__ = name
        setattr(module, name, stand_in)


@check("the whole program (main) returns the total, writes the journal and sends the receipt",
       points=2)
def test_main_returns_the_total(solution: Solution, blocking: BlockingSpy) -> None:
    with spy_on_clock_reads() as clocks:  # a busy wait left in fetch_price ends at once
        main: Callable[..., Any] = solution.function("main", coroutine=False)
        for prices in (FIXED_PRICES, ()):
            _run_main(solution, main, (blocking, clocks), prices)


def _run_main(solution: Solution, main: Callable[..., Any], spies: tuple[BlockingSpy, ClockSpy],
              prices: tuple[float, ...]) -> None:
    shop = Shop(blocking=spies[0])
    items = shop.basket(rand.rng.randint(2, 4), prices)
    journal: list[str] = []
    call_text = f"main(shop, <{len(items)} items>, journal)"
    total, left_open = _call_from_sync(lambda: main(shop.front, items, journal), call_text, spies)
    where = solution.definition_of("main")
    _refuse_awaitable(total, call_text, where)
    expected = shop.total(items)
    expect(_close_to(total, expected),
           f"{call_text} returned {total!r}; the basket costs {expected:.2f}.", where)
    expect(journal == [_entry(expected)],
           f"After {call_text} the journal is {journal!r}; expected [{_entry(expected)!r}].",
           solution.definition_of("record_sale"))
    expect(_one_receipt_for(shop.receipts, expected),
           f"After {call_text} the shop had sent {len(shop.receipts)} receipt(s) "
           f"{shop.receipts!r}; expected one, for {expected:.2f}.",
           solution.definition_of("checkout"))
    expect(left_open == 0, f"{call_text} left {left_open} event loop(s) open.", where)


def _call_from_sync(call: Callable[[], Any], call_text: str,
                    spies: tuple[BlockingSpy, ClockSpy]) -> tuple[Any, int]:
    """Call one of the program's synchronous entry points, as synchronous code does: what it
    returned, and how many of the event loops it started it left open."""
    blocking, clocks = spies
    with spy_on_new_loops() as loops:
        _watch_new_loops(loops, clocks)
        blocking.loop_for_threads = lambda: next(
            (loop for loop in reversed(loops.created) if loop.is_running()), None)
        gc.collect()
        try:
            value = call()
        except Exception as error:
            message = describe_call_error(call_text, error)
            if isinstance(error, RuntimeError) and _is_nested_loop_error(error):
                message = f"Pitfall: an event loop started inside a running one. {message}"
            raise Fail(message, location_of_traceback(error.__traceback__)) from None
        return value, len(loops.left_open())


@check("price_now still gives one price to synchronous code", points=1)
def test_price_now_for_synchronous_code(solution: Solution, blocking: BlockingSpy) -> None:
    with spy_on_clock_reads() as clocks:  # a busy wait left in fetch_price ends at once
        price_now: Callable[..., Any] = solution.function("price_now", coroutine=False)
        shop = Shop(blocking=blocking)
        item = shop.basket(1)[0]
        call_text = f"price_now(shop, {item!r})"
        price, left_open = _call_from_sync(lambda: price_now(shop.front, item), call_text,
                                           (blocking, clocks))
    where = solution.definition_of("price_now")
    if blocking.calls:
        raise Fail(f"Pitfall: a blocking call. {blocking.message()} It ran in the event loop "
                   f"that {call_text} started.", blocking.calls[0].location)
    _refuse_awaitable(price, call_text, where, "running it to its end")
    expected = shop.prices[item]
    expect(_close_to(price, expected),
           f"{call_text}, called from synchronous code, returned {price!r}; the shop's price is "
           f"{expected:.2f}. price_now is how the shop's old command-line tool gets a price: it "
           f"must keep doing what its docstring says.", where)
    expect(left_open == 0,
           f"{call_text} left {left_open} event loop(s) open: a loop it starts must be closed "
           f"once the price is in.", where)
