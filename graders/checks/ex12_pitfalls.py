"""Checks for exercise 12: the shop program's four planted pitfalls, one check each, and the
whole program's result.

Each pitfall lives in its own function, and each check calls that function on its own, so a
mistake elsewhere in the file cannot hide (or stand in for) the one a check looks at. `checkout`
calls two other functions of the program; its check replaces them with the judge's working ones
for the same reason.

The student's code runs in a process of its own; the shop and the journal live on the judge's
side, and every price asked, receipt sent and journal line written is a message the judge sees on
its own clock. Evidence each check passes on is in EVIDENCE; what the submission's side reports
(a time.sleep on the loop, a busy wait, a coroutine never awaited, a task left pending, a loop
left open, the loops it made) can only cost points.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from typing import Any, ClassVar

from graders.check import Fail, check, expect, record
from graders.probes import InFlight
from graders.probes import inputs as rand
from graders.probes.judge import Call, Done, Handed, Remote, Run, Submission, describe_raised
from graders.probes.spies import BUSY_READS
from graders.probes.values import shown
from graders.results import Location
from graders.trust import wire

HINTS = {
    "fetch_price_does_not_block": (
        "fetch_price keeps the shop's pause, but the pause must not stop the event loop: which "
        "line waits in a way that no other coroutine can run meanwhile?",
        "Inside a coroutine, wait with a sleep that can be awaited, before asking for the price - "
        "not a loop that watches the clock, and not a lock that makes the clients wait in turn.",
    ),
    "price_basket_stays_in_the_running_loop": (
        "price_basket runs inside an event loop already. Which call starts a new loop (or needs "
        "one of its own) although one is running?",
        "A coroutine that needs another coroutine's result awaits it, rather than going through "
        "a helper meant for synchronous code - in this thread or in another.",
    ),
    "record_sale_awaits_its_coroutine": (
        "Which line of record_sale creates a coroutine without running it? A coroutine runs only "
        "when awaited: a task made of it and never waited for does not count.",
        "The journal line has the total with two decimals, as the lesson shows it: 12.5 is "
        "written 12.50.",
    ),
    "checkout_waits_for_the_receipt": (
        "The receipt must have been sent when checkout returns, or asyncio.run cancels it as the "
        "program ends.",
        "Whatever checkout starts, it waits for before it returns: keeping a reference to the "
        "task, or a sleep(0) to let it start, is not waiting for it.",
    ),
    "main_returns_the_total": (
        "Run `grade exercise 12`: the other failed checks each name their function and the line. "
        "main works once the mistakes in the functions it calls are fixed.",
    ),
    "price_now_for_synchronous_code": (
        "price_now is not one of the mistakes: it serves synchronous callers (a command-line "
        "tool) and must still return one price, running and closing a loop of its own. Only "
        "a coroutine must not call it.",
    ),
}

# Evidence each check's pass rests on: what the judge saw itself.
EVIDENCE = {
    "fetch_price_does_not_block": "the three prices returned (plain data), the shop's clock: each "
                                  "price asked only after the pause, all three in flight at once, "
                                  "pause + latency in all; and a heartbeat on the loop never held up",
    "price_basket_stays_in_the_running_loop": "the total returned, every item's price asked of the "
                                              "shop, and, when price_basket was cancelled while it "
                                              "waited for a price, the shop saw that request "
                                              "cancelled (it was asked in the loop that was "
                                              "cancelled, not a loop of its own)",
    "record_sale_awaits_its_coroutine": "the journal's lines as the judge's journal received them, "
                                        "the simulated time each call took (the disk's 0.1 s), and "
                                        "a heartbeat on the loop never held up, for 4 totals",
    "checkout_waits_for_the_receipt": "the total returned, and the shop had sent exactly one "
                                      "receipt, for that total, when checkout returned",
    "main_returns_the_total": "the total returned, the journal's line and the one receipt, as the "
                              "judge's journal and shop received them, for two baskets",
    "price_now_for_synchronous_code": "the price returned, and the shop was asked for it",
}

TOLERANCE = 1e-6
# write_entry's pause: writing a line to the journal's slow disk takes this long.
WRITE_PAUSE = 0.1
# Totals whose journal line shows whether it has two decimals whatever the random data: a whole
# number, one that ends in a zero, and a sum that floats cannot hold exactly (0.1 + 0.2).
JOURNAL_TOTALS = (7.0, 12.5, 0.1 + 0.2)
# A basket whose total depends on the order of the sum in its last bits and ends in a zero.
FIXED_PRICES = (0.1, 0.2, 0.3)
# Simulated seconds between the heartbeat's beats: a loop held for the journal's 0.1 s misses
# beats, and one held for the shop's pause (0.5 s and more) misses beats of FETCH_BEAT.
BEAT = 0.025
FETCH_BEAT = 0.25
# How the submission describes a coroutine object it kept: "<coroutine object price>".
_COROUTINE_OBJECT = re.compile(r"^<coroutine object (.+)>$")


@dataclass
class Request:
    """One price request, on the judge's clock, and how it ended ("served", "cancelled" or "")."""

    item: str
    at: float
    ended: str = ""


class Shop(Handed):
    """The shop the program talks to: its `pause`, prices with latency, and receipts. The student's
    code gets a stand-in with `pause`, `price(item)` and `send_receipt(total)`; every request and
    receipt is recorded here, on the judge's clock."""

    name: ClassVar[str] = "Shop"
    methods: ClassVar[dict[str, str]] = {"price": "async", "send_receipt": "async"}
    attributes: ClassVar[tuple[str, ...]] = ("pause",)

    def __init__(self) -> None:
        self.pause = rand.delay(0.5, 2.0)
        self.latency = rand.delay(1.0, 3.0)
        self.receipt_latency = rand.delay(1.0, 3.0)
        self.prices: dict[str, float] = {}
        self.receipts: list[float] = []
        self.in_flight = InFlight()
        self.requests: list[Request] = []
        self.asked = asyncio.Event()

    def basket(self, count: int, prices: tuple[float, ...] = ()) -> list[str]:
        items = [f"{rand.word(5)}-{index}" for index in range(len(prices) or count)]
        for index, item in enumerate(items):
            self.prices[item] = prices[index] if prices else rand.rng.randint(100, 9_999) / 100
        return items

    async def price(self, call: Call, item: str) -> float:
        request = Request(item, asyncio.get_running_loop().time())
        self.requests.append(request)
        self.asked.set()
        try:
            async with self.in_flight.track(str(item)):
                await asyncio.sleep(self.latency)
        except asyncio.CancelledError:
            request.ended = "cancelled"
            raise
        request.ended = "served"
        return self.prices[item]

    async def send_receipt(self, call: Call, total: float) -> None:
        await asyncio.sleep(self.receipt_latency)
        self.receipts.append(total)

    def total(self, items: list[str]) -> float:
        return sum(self.prices[item] for item in items)

    def asked_for(self) -> list[str]:
        return sorted(request.item for request in self.requests)

    def __repr__(self) -> str:
        return "shop"


class Journal(Handed):
    """The sales journal: the student's code appends lines to it (`journal.append(text)`); the
    judge keeps them, with when each came on its clock."""

    name: ClassVar[str] = "Journal"
    methods: ClassVar[dict[str, str]] = {"append": "notify"}

    def __init__(self) -> None:
        self.lines: list[Any] = []

    async def append(self, call: Call, text: Any) -> None:
        self.lines.append(text)

    def __repr__(self) -> str:
        return "journal"


class Program(Handed):
    """The judge's working price_basket and record_sale, which checkout calls in its check, so
    that only checkout's own receipt handling is graded."""

    name: ClassVar[str] = "Program"
    methods: ClassVar[dict[str, str]] = {"price_basket": "async", "record_sale": "async"}

    def __init__(self, shop: Shop) -> None:
        self.shop = shop

    async def price_basket(self, call: Call, shop: Any, items: Any) -> float:
        if shop is not self.shop or not isinstance(items, list):
            raise TypeError("price_basket(shop, items) takes the shop and the list of items")
        prices = await asyncio.gather(*(self.shop.price(call, item) for item in items))
        return sum(prices)

    async def record_sale(self, call: Call, journal: Any, total: Any) -> None:
        if not isinstance(journal, Journal) or type(total) not in (int, float):
            raise TypeError("record_sale(journal, total) takes the journal and the total")
        await asyncio.sleep(WRITE_PAUSE)
        journal.lines.append(_entry(total))

    def __repr__(self) -> str:
        return "program"


def _entry(total: float) -> str:
    return f"sold for {total:.2f}"


def _close_to(value: object, expected: float) -> bool:
    return type(value) in (int, float) and abs(value - expected) < TOLERANCE  # type: ignore[operator]


def _one_receipt_for(receipts: list[float], expected: float) -> bool:
    return len(receipts) == 1 and _close_to(receipts[0], expected)


def _awaitable(value: Any) -> tuple[str, str] | None:
    """(kind, name) if `value`, as the submission described it, is a coroutine, task or future."""
    if isinstance(value, wire.Opaque | wire.Kept):
        kind = value.kind
        if kind not in ("coroutine", "task", "future", "gathering"):
            return None
        name = value.name if isinstance(value, wire.Opaque) else ""
        if not name and (found := _COROUTINE_OBJECT.search(value.text)):
            name = found.group(1)
        return kind, name or kind
    return None


def _refuse_awaitable(value: object, call_text: str, where: Location | None,
                      run: str = "awaiting it") -> None:
    """Fail if the student's code returned a coroutine (or another awaitable) instead of
    awaiting it: `return write_entry(...)` runs nothing."""
    found = _awaitable(value)
    if found is None:
        return
    kind, name = found
    what = f"the coroutine {name}()" if kind == "coroutine" else f"a {kind} ({name})"
    raise Fail(f"Pitfall: a coroutine never awaited. {call_text} returned {what} instead of "
               f"{run}: its body never ran, and whoever called {call_text.split('(')[0]} got a "
               f"coroutine object instead of its result.", where)


def _never_awaited(run: Run, call_text: str, where: Location | None, effect: str) -> None:
    if run.never_awaited:
        leak = run.never_awaited[0]
        line = f" at line {leak.location.line}" if leak.location else ""
        raise Fail(f"Pitfall: a coroutine never awaited. {call_text} called {leak.text}{line} "
                   f"without awaiting it: its body never ran, so {effect}.",
                   leak.location or where)


def _busy_wait(run: Run) -> tuple[str, Location | None] | None:
    """The first busy wait the submission reported: (the clock read, where), or None."""
    busy = run.report.get("busy_waits")
    if not (isinstance(busy, list) and busy and isinstance(busy[0], dict)):
        return None
    first = busy[0]
    clock = first.get("clock") if type(first.get("clock")) is str else "time.monotonic"
    where = run.location_of(first.get("location"))
    at = f" at line {where.line}" if where else ""
    return f"{clock}(){at}", where


def _raised(call_text: str, done: Done, where: Location | None) -> Fail:
    """A Fail for a command that did not give a task or a result."""
    if done.failed:
        return Fail(done.failed, done.location or where)
    assert done.raised is not None
    return Fail(describe_raised(call_text, done.raised), _location(done.raised) or where)


def _expect_returned(call_text: str, done: Done, where: Location | None) -> None:
    """Fail unless the task `done` reports returned a value."""
    if done.state == "returned":
        return
    if not done.ok:
        raise _raised(call_text, done, where)
    raise Fail(f"{call_text} was {done.state} instead of returning its result.", where)


def _location(raised: wire.Raised) -> Location | None:
    where = raised.location
    return Location(where[0], where[1]) if where else None


async def _start(remote: Remote, function: str, call_text: str, where: Location | None,
                 *args: Any) -> Done:
    started = await remote.start(function, *args)
    if not started.ok:
        raise _raised(call_text, started, where)
    if not started.task:
        raise Fail(f"{function} is not a coroutine function: calling it gave "
                   f"{shown(started.value)}, not a coroutine. Keep it an `async def`.", where)
    return started


# --- fetch_price --------------------------------------------------------------------------------


@check("fetch_price waits for the shop's pause without blocking the event loop", points=2)
def test_fetch_price_does_not_block(submission: Submission) -> None:
    shop = Shop()
    items = shop.basket(3)
    where = submission.definition_of("fetch_price")
    times: dict[str, float] = {}

    async def three_at_once(remote: Remote) -> list[Done]:
        loop = asyncio.get_running_loop()
        times["start"] = loop.time()
        started = await asyncio.gather(*(_start(remote, "fetch_price", "fetch_price(shop, item)",
                                                where, shop, item) for item in items))
        done = list(await asyncio.gather(*(remote.wait(task.task) for task in started)))
        times["end"] = loop.time()
        return done

    run = submission.scenario(three_at_once, call="three fetch_price calls at once",
                              spy_clocks=True, heartbeat=FETCH_BEAT)
    _fetch_price_blocked(run)
    _never_awaited(run, "fetch_price(shop, item)", where, "fetch_price did not wait for it")
    record(timeline=shop.in_flight.timeline())
    done: list[Done] = run.result("three fetch_price calls at once")
    values = []
    for each in done:
        _expect_returned("fetch_price(shop, item)", each, where)
        _refuse_awaitable(each.value, "fetch_price(shop, item)", where)
        values.append(each.value)
    expected = [shop.prices[item] for item in items]
    expect(values == expected,
           f"fetch_price returned {shown(values)} for three items; the shop's prices are "
           f"{expected!r}.", where)
    _expect_pause_kept(shop, times.get("end", 0.0) - times.get("start", 0.0),
                       times.get("start", 0.0), where)
    if run.stall > 1e-6:
        raise Fail(f"Pitfall: a blocking call. {run.stall_message('Three fetch_price calls at once')}",
                   where)


def _fetch_price_blocked(run: Run) -> None:
    if run.blocking:  # (no timeline: the calls waited for each other's pause)
        raise Fail(f"Pitfall: a blocking call. {run.blocking_message()} Three fetch_price calls "
                   f"at once had to wait for each other's pause.", run.blocking_location())
    busy = _busy_wait(run)
    if busy:
        clock, where = busy
        raise Fail(f"Pitfall: a blocking call. fetch_price waits for the pause in a busy loop: "
                   f"it read the clock ({clock}) {BUSY_READS:,} times and more, on the event "
                   f"loop's thread. Watching the clock keeps that thread busy instead of waiting, "
                   f"so three fetch_price calls at once had to wait for each other's pause. Await "
                   f"a non-blocking sleep instead.", where)


def _expect_pause_kept(shop: Shop, elapsed: float, start: float, where: Location | None) -> None:
    """Each price is asked only after its pause, all three at once, on the judge's clock."""
    requests = sorted(shop.requests, key=lambda request: request.at)
    early = [request for request in requests if request.at - start < shop.pause - TOLERANCE]
    if early:
        waited = early[0].at - start
        raise Fail(f"Three fetch_price calls at once asked the shop for {len(early)} of the "
                   f"{len(requests)} prices before the shop's pause ({shop.pause} s) had passed "
                   f"(the first after {waited:.1f} s of simulated time). fetch_price must keep "
                   f"the pause, before it asks the price, without blocking the event loop.",
                   where)
    most = shop.in_flight.high_water
    expect(len(requests) == 3 and most == 3,
           f"Three fetch_price calls at once asked the shop for their prices {most} at a time "
           f"({len(requests)} asked): each had to wait for another's pause or price. Other "
           f"clients' requests must go on meanwhile.", where)
    needed = shop.pause + shop.latency
    expect(abs(elapsed - needed) < 1e-3,
           f"Three fetch_price calls at once took {elapsed:.1f} s of simulated time; "
           f"each waits the shop's pause ({shop.pause} s) and then the price ({shop.latency} s), "
           f"all at the same time: {needed:.1f} s. fetch_price must keep the pause, without "
           f"blocking the event loop.", where)


# --- price_basket -------------------------------------------------------------------------------

# What asyncio says when a loop is started inside a running one: asyncio.run, run_until_complete
# on the running loop, and run_until_complete on another loop.
NESTED_LOOP_WORDING = ("running event loop", "already running", "another loop is running")


def _is_nested_loop_error(raised: wire.Raised | None) -> bool:
    if raised is None or not raised.is_a("RuntimeError"):
        return False
    return any(wording in raised.text for wording in NESTED_LOOP_WORDING)


@check("price_basket asks for prices in the running event loop, not a new one", points=2)
def test_price_basket_stays_in_the_running_loop(submission: Submission) -> None:
    shop = Shop()
    items = shop.basket(rand.rng.randint(2, 4))
    where = submission.definition_of("price_basket")
    call_text = f"price_basket(shop, <{len(items)} items>)"
    found: dict[str, Any] = {}

    async def basket(remote: Remote) -> Done:
        started = await _start(remote, "price_basket", call_text, where, shop, items)
        found["thread"] = started.thread
        done = await remote.wait(started.task)
        found["asked"] = sorted(request.item for request in shop.requests)
        found["calls"] = len(submission.calls)
        if done.state == "returned" and _close_to(done.value, shop.total(items)):
            found["cancelled"] = await _cancelled_while_asking(remote, shop, items, call_text, where)
        return done

    run = submission.scenario(basket, call=call_text, spy_clocks=True)
    done: Done = run.result(call_text)
    if _is_nested_loop_error(done.raised):
        assert done.raised is not None
        raise Fail(f"Pitfall: an event loop started inside a running one. price_basket runs in "
                   f"an event loop already, and it tried to run another: {done.raised.text}. "
                   f"A coroutine cannot start a loop of its own.", _location(done.raised) or where)
    _expect_returned(call_text, done, where)
    total = done.value
    _refuse_awaitable(total, call_text, where)
    loop_thread = found.get("thread") or "MainThread"
    calls = submission.calls[: found.get("calls", 0)]
    foreign = sum(1 for call in calls if call.method == "price" and call.thread != loop_thread)
    started = int(run.reported("loops_made"))
    if started or foreign:
        raise Fail(f"Pitfall: an event loop started inside a running one. {call_text} started "
                   f"{started} new event loop(s) and asked {foreign} of the {len(items)} prices "
                   f"there (from another thread) instead of in the loop it runs in.", where)
    expected = shop.total(items)
    expect(_close_to(total, expected),
           f"{call_text} returned {shown(total)}; the prices add up to {expected:.2f}.", where)
    asked = found.get("asked", [])
    expect(asked == sorted(items),
           f"{call_text} returned the right total, but the shop was asked for {len(asked)} "
           f"price(s) for the {len(items)} items: the total must come from asking the shop.", where)
    cancelled = found.get("cancelled")
    if cancelled:
        raise Fail(cancelled, where)


async def _cancelled_while_asking(remote: Remote, shop: Shop, items: list[str], call_text: str,
                                  where: Location | None) -> str:
    """Start price_basket again and cancel it while the shop serves a price: work in the loop
    price_basket runs in is cancelled with it. What went wrong ('' if nothing)."""
    first = len(shop.requests)
    shop.asked.clear()
    started = await _start(remote, "price_basket", call_text, where, shop, items)
    try:
        await asyncio.wait_for(shop.asked.wait(), shop.pause + shop.latency + 1.0)
    except TimeoutError:
        await remote.cancel(started.task)
        return (f"Called again, {call_text} asked the shop for no price in "
                f"{shop.pause + shop.latency + 1.0:.1f} s of simulated time.")
    await remote.cancel(started.task)
    await remote.wait(started.task, shop.latency + 1.0)
    await asyncio.sleep(shop.latency + 1.0)  # a request that was not cancelled is served meanwhile
    served = [request for request in shop.requests[first:] if request.ended == "served"]
    if not served:
        return ""
    return (f"Pitfall: an event loop started inside a running one. Cancelled while it waited for "
            f"a price, {call_text} stopped, but the shop went on serving {len(served)} price "
            f"request(s) to the end: they were not asked in the event loop price_basket runs in "
            f"(a new event loop, in another thread?), so cancelling price_basket could not reach "
            f"them.")


# --- record_sale --------------------------------------------------------------------------------


@check("record_sale awaits the coroutine that writes its journal line", points=2)
def test_record_sale_awaits_its_coroutine(submission: Submission) -> None:
    places = (submission.definition_of("record_sale"), submission.definition_of("write_entry"))
    for total in (rand.rng.randint(100, 99_999) / 100, *JOURNAL_TOTALS):
        _record_one_sale(submission, total, places)


def _record_one_sale(submission: Submission, total: float,
                     places: tuple[Location | None, Location | None]) -> None:
    """`places`: where record_sale and write_entry are defined."""
    where, disk = places
    journal = Journal()
    call_text = f"record_sale(journal, {total!r})"
    run = submission.call("record_sale", journal, total, coroutine=True, call=call_text,
                          heartbeat=BEAT)
    lines = journal.lines
    _never_awaited(run, call_text, where, f"the journal got {len(lines)} line(s)")
    _refuse_awaitable(run.result(call_text), call_text, where)
    if run.leftover_tasks and not lines:
        raise Fail(f"{call_text} returned before the journal entry was written: it started a "
                   f"task for it and did not wait ({run.leftover_tasks[0].describe()}).",
                   run.first_leak_location() or where)
    expect(lines == [_entry(total)],
           f"After {call_text} the journal is {shown(lines)}; expected [{_entry(total)!r}]: one "
           f"line, 'sold for <total with 2 decimals>'.", where)
    if run.blocking:
        raise Fail(f"Pitfall: a blocking call. {run.blocking_message()} While {call_text} wrote its "
                   f"line, every other task had to wait.", run.blocking_location())
    if run.stall > 1e-6:
        raise Fail(f"Pitfall: a blocking call. {run.stall_message(call_text)} While it wrote its "
                   f"line, every other task had to wait.", disk or where)
    expect(abs(run.elapsed - WRITE_PAUSE) < 1e-3,
           f"{call_text} took {run.elapsed:.1f} s of simulated time; the journal lives on a slow "
           f"disk where writing a line takes {WRITE_PAUSE} s (write_entry's pause), so recording "
           f"a sale takes {WRITE_PAUSE} s. write_entry is not one of the four mistakes: it must "
           f"keep its pause, without blocking the event loop.", disk or where)
    run.require_clean(call_text)


# --- checkout -----------------------------------------------------------------------------------


@check("checkout waits for the receipt task it starts", points=2)
def test_checkout_waits_for_the_receipt(submission: Submission) -> None:
    shop = Shop()
    items = shop.basket(rand.rng.randint(2, 4))
    journal = Journal()
    program = Program(shop)
    call_text = f"checkout(shop, <{len(items)} items>, journal)"
    run = submission.call("checkout", shop, items, journal, coroutine=True, call=call_text,
                          stand_ins={"price_basket": program, "record_sale": program})
    receipts = list(shop.receipts)  # what the shop had sent when checkout returned
    where = submission.definition_of("checkout")
    _never_awaited(run, call_text, where, _what_checkout_missed(run, receipts, journal))
    total = run.result(call_text)
    _refuse_awaitable(total, call_text, where)
    expected = shop.total(items)
    if run.leftover_tasks:
        task = run.leftover_tasks[0]
        raise Fail(f"Pitfall: a task destroyed while pending. {call_text} returned while a task "
                   f"it started was still pending ({task.describe()}). Nobody waits for it: when "
                   f"the program ends, asyncio.run cancels it (or the closed loop destroys it "
                   f"while pending: \"Task was destroyed but it is pending!\"), and the receipt "
                   f"is never sent. Receipts sent: {len(receipts)}.",
                   task.location or where)
    if run.unawaited_tasks:
        task = run.unawaited_tasks[0]
        raise Fail(f"{call_text} started a task and nobody awaited it ({task.describe()}): had it "
                   f"failed, its error would have been lost. Await the tasks you start.",
                   task.location or where)
    expect(_close_to(total, expected),
           f"{call_text} returned {shown(total)}; the basket costs {expected:.2f}.", where)
    expect(_one_receipt_for(receipts, expected),
           f"When {call_text} returned, the shop had sent {len(receipts)} receipt(s) "
           f"{receipts!r}; expected one, for {expected:.2f}.", where)
    run.require_clean(call_text)


def _what_checkout_missed(run: Run, receipts: list[float], journal: Journal) -> str:
    """What a coroutine checkout never awaited left undone, by the coroutine's name."""
    name = run.never_awaited[0].text if run.never_awaited else ""
    if "record_sale" in name or "write_entry" in name:
        return f"the sale was not recorded: the journal got {len(journal.lines)} line(s)"
    return f"the shop sent {len(receipts)} receipt(s) instead of one"


# --- main and price_now -------------------------------------------------------------------------


@check("the whole program (main) returns the total, writes the journal and sends the receipt",
       points=2)
def test_main_returns_the_total(submission: Submission) -> None:
    for prices in (FIXED_PRICES, ()):
        _run_main(submission, prices)


def _run_main(submission: Submission, prices: tuple[float, ...]) -> None:
    shop = Shop()
    items = shop.basket(rand.rng.randint(2, 4), prices)
    journal = Journal()
    call_text = f"main(shop, <{len(items)} items>, journal)"
    run = submission.call("main", shop, items, journal, coroutine=False, call=call_text,
                          spy_clocks=True)
    where = submission.definition_of("main")
    total = _from_sync(run, call_text)
    _refuse_awaitable(total, call_text, where)
    expected = shop.total(items)
    expect(_close_to(total, expected),
           f"{call_text} returned {shown(total)}; the basket costs {expected:.2f}.", where)
    expect(shop.asked_for() == sorted(items),
           f"{call_text} returned the right total, but the shop was asked for {len(shop.requests)} "
           f"price(s) for the {len(items)} items: the total must come from asking the shop.", where)
    expect(journal.lines == [_entry(expected)],
           f"After {call_text} the journal is {shown(journal.lines)}; expected "
           f"[{_entry(expected)!r}].", submission.definition_of("record_sale"))
    expect(_one_receipt_for(shop.receipts, expected),
           f"After {call_text} the shop had sent {len(shop.receipts)} receipt(s) "
           f"{shop.receipts!r}; expected one, for {expected:.2f}.",
           submission.definition_of("checkout"))
    left_open = _left_open(run)
    expect(left_open == 0, f"{call_text} left {left_open} event loop(s) open.", where)


def _from_sync(run: Run, call_text: str) -> Any:
    """What one of the program's synchronous entry points returned; a Fail naming what it
    raised, an event loop started inside a running one first."""
    if run.raised is not None:
        message = describe_raised(call_text, run.raised)
        if _is_nested_loop_error(run.raised):
            message = f"Pitfall: an event loop started inside a running one. {message}"
        raise Fail(message, _location(run.raised))
    return run.result(call_text)


def _left_open(run: Run) -> int:
    """Event loops made during the call and still open when it returned (reported)."""
    loops, call = run.report.get("loops"), run.report.get("call")
    if not isinstance(loops, list):
        return 0
    return sum(1 for loop in loops if isinstance(loop, list) and len(loop) == 3
               and loop[0] == call and loop[2] is False)


@check("price_now still gives one price to synchronous code", points=1)
def test_price_now_for_synchronous_code(submission: Submission) -> None:
    shop = Shop()
    item = shop.basket(1)[0]
    call_text = f"price_now(shop, {item!r})"
    run = submission.call("price_now", shop, item, coroutine=False, call=call_text,
                          spy_clocks=True)
    price = _from_sync(run, call_text)
    where = submission.definition_of("price_now")
    if run.blocking:
        raise Fail(f"Pitfall: a blocking call. {run.blocking_message()} It ran in the event loop "
                   f"that {call_text} started.", run.blocking_location())
    _refuse_awaitable(price, call_text, where, "running it to its end")
    expected = shop.prices[item]
    expect(_close_to(price, expected),
           f"{call_text}, called from synchronous code, returned {shown(price)}; the shop's price "
           f"is {expected:.2f}. price_now is how the shop's old command-line tool gets a price: it "
           f"must keep doing what its docstring says.", where)
    expect(shop.asked_for() == [item],
           f"{call_text} returned the right price, but the shop was asked for "
           f"{len(shop.requests)} price(s): the price must come from asking the shop.", where)
    left_open = _left_open(run)
    expect(left_open == 0,
           f"{call_text} left {left_open} event loop(s) open: a loop it starts must be closed "
           f"once the price is in.", where)
