"""Checks for exercise 7: call_async turns a callback API into an awaitable with a future.

A fake legacy client answers either by itself (a timer on the loop's thread, after a latency in
virtual time) or when the check says so, from a thread: a short-lived executor thread that calls
`on_done` and ends. The check waits for that thread as for any executor job (looptime keeps its
clock still meanwhile), so no thread ever waits on another and nothing sleeps.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from graders.check import Fail, check, expect
from graders.probes import Outcome, Solution, run_virtual
from graders.probes import inputs as rand
from graders.probes.handed import handed
from graders.probes.loopcalls import LoopSpy, spy_on_loop
from graders.probes.student import describe_exception, location_of_stack, location_of_traceback
from graders.results import Location

HINTS = (
    "call_async needs three things: something to await, a callback that fills it when the "
    "client answers, and a wait. The callback can be a small function defined inside call_async, "
    "so that it sees the future.",
    "loop.create_future() gives the box; the callback fills it with set_result or set_exception "
    "depending on which of (result, error) it got; `return await future` waits for it without "
    "polling.",
    "The client may call back from its own thread, where a future must not be touched: have the "
    "callback hand the work to the loop's thread with loop.call_soon_threadsafe(...). By the time "
    "that work runs, call_async may have been cancelled; look at future.cancelled() before "
    "setting anything.",
)

# Real seconds the check waits for on_done to return in the client's thread. Only code that
# blocks for ever there comes near it: a correct on_done returns in microseconds.
PATIENCE = 5.0
# Loop rounds given to work handed to the loop (call_soon_threadsafe and the like) to run.
ROUNDS = 20

_sleep = asyncio.sleep


@handed
class ClientError(Exception):
    """The error the fake client reports for a request that failed."""


@dataclass
class Request:
    text: str
    on_done: Callable[..., Any]


@dataclass
class CallbackError:
    """An exception on_done raised back into the client."""

    error: BaseException
    thread: str
    on_loop_thread: bool

    def describe(self) -> str:
        where = "on the event loop's thread" if self.on_loop_thread else \
            f"on the client's own thread ({self.thread})"
        return f"on_done, called {where}, raised {describe_exception(self.error)}"


@dataclass
class FakeClient:
    """A callback-based client.

    With a `latency` it answers by itself, that many loop seconds after `start`, on the loop's
    thread. Without one it answers when the check calls `answer()` (from whatever thread).
    """

    latency: float | None = None
    fails: bool = False
    token: str = field(default_factory=lambda: rand.word(6))
    requests: list[Request] = field(default_factory=list)
    sent_error: ClientError | None = None
    callback_errors: list[CallbackError] = field(default_factory=list)
    answering_thread: int | None = None
    loop_thread: int = field(default_factory=threading.get_ident)

    def start(self, request: str, on_done: Callable[..., Any]) -> None:
        if not callable(on_done):
            raise TypeError(f"on_done must be a function, not {type(on_done).__name__}")
        self.requests.append(Request(request, on_done))
        if self.latency is not None:
            asyncio.get_running_loop().call_later(self.latency, self.answer)

    def handed(self) -> LegacyClient:
        """What call_async is given: a client whose only public attribute is start()."""
        return LegacyClient(lambda request, on_done: self.start(request, on_done))

    def result_for(self, request: str) -> str:
        return f"{request} -> {self.token}"

    def answer(self) -> None:
        """Call on_done of the first request on this thread; note what it raises."""
        request = self.requests[0]
        if self.fails:
            self.sent_error = ClientError(f"{request.text} failed ({self.token})")
            result, error = None, self.sent_error
        else:
            result, error = self.result_for(request.text), None
        ident = threading.get_ident()
        self.answering_thread = ident
        try:
            request.on_done(result, error)
        except BaseException as raised:  # noqa: BLE001 - what on_done raises is a finding
            self.callback_errors.append(CallbackError(raised, threading.current_thread().name,
                                                      ident == self.loop_thread))
        finally:
            self.answering_thread = None


@handed
class LegacyClient:
    """The client call_async gets: `start(request, on_done)`, and nothing that leads back to the
    FakeClient that records and answers (its start is kept in a closure)."""

    def __init__(self, start: Callable[[str, Callable[..., Any]], None]) -> None:
        self._start = start

    def start(self, request: str, on_done: Callable[..., Any]) -> None:
        self._start(request, on_done)

    def __repr__(self) -> str:
        return "client"


@dataclass
class Run:
    """What happened around one call of call_async."""

    spy: LoopSpy | None = None
    never_started: bool = False
    stuck_in: Location | None = None  # on_done blocked in the client's thread (and where)
    stuck: bool = False
    cancel_reached_first: bool = False
    state: str = ""  # after a cancellation: cancelled, returned, raised or running
    value: Any = None
    error: BaseException | None = None


CallAsync = Callable[[Any, str], Awaitable[Any]]


def _request() -> str:
    return f"GET /{rand.word(6)}"


def _call_text(request: str) -> str:
    return f"call_async(client, {request!r})"


def _call_async(solution: Solution) -> CallAsync:
    return solution.function("call_async", coroutine=True)


# --- the scenarios, each run as the main coroutine of a virtual-time loop -----------------------

async def _answered_by_client(call_async: CallAsync, client: FakeClient, request: str,
                              run: Run) -> Any:
    with spy_on_loop() as run.spy:
        return await call_async(client.handed(), request)


async def _answered_from_thread(call_async: CallAsync, client: FakeClient, request: str,
                                run: Run) -> Any:
    loop = asyncio.get_running_loop()
    with spy_on_loop() as run.spy:
        task = loop.create_task(call_async(client.handed(), request))
        state = await _started(client, task)
        if state == "done":
            return await task
        if state == "waiting":
            run.never_started = True
            return None
        await _answer_in_thread(client, run)
        return await task


async def _cancelled_then_answered(call_async: CallAsync, client: FakeClient, request: str,
                                   run: Run, *, race: bool = False) -> Any:
    """Cancel the waiting call, then let the client answer: by its own timer, from a thread, or
    (`race`) from a thread, with the cancellation reaching the loop just before the answer."""
    loop = asyncio.get_running_loop()
    with spy_on_loop() as run.spy:
        task = loop.create_task(call_async(client.handed(), request))
        state = await _started(client, task)
        if state == "done":
            return await task
        if state == "waiting":
            run.never_started = True
            return None
        if race:
            await _answer_as_cancelled(loop, client, task, run)
        else:
            task.cancel()
            await _rounds(task)
            if client.latency is not None:
                await _sleep(client.latency + 1.0)
            else:
                await _answer_in_thread(client, run)
        await _rounds()
        done, _ = await asyncio.wait([task], timeout=1.0)
        if not done:
            run.state = "running"
            task.cancel()
            await asyncio.wait([task])
        elif task.cancelled():
            run.state = "cancelled"
        elif task.exception() is not None:
            run.state, run.error = "raised", task.exception()
        else:
            run.state, run.value = "returned", task.result()
        # The client is done with on_done: what it still holds (a future filled after the
        # cancellation) can now be thrown away, and the loop reports an error set there and
        # never read ("Future exception was never retrieved") when the run collects it.
        client.requests.clear()
        return None


async def _in_turn(*scenarios: Callable[[], Awaitable[Any]]) -> list[Any]:
    """Scenarios one after the other on one loop (a loop per scenario would slow grading)."""
    return [await scenario() for scenario in scenarios]


async def _capturing(run: Run, scenario: Callable[[], Awaitable[Any]]) -> None:
    """Run a scenario in which call_async is expected to raise; keep what it raised in `run`."""
    try:
        run.value = await scenario()
    except Exception as error:  # noqa: BLE001 - the check judges it
        run.error = error


async def _started(client: FakeClient, task: asyncio.Task[Any]) -> str:
    """'started' once call_async called client.start and is waiting; 'done' if it finished."""
    for _ in range(ROUNDS):
        if client.requests or task.done():
            break
        await _sleep(0)
    if task.done():
        return "done"
    if not client.requests:
        return "waiting"
    await _rounds()  # let call_async reach the point where it waits
    return "done" if task.done() else "started"


async def _rounds(task: asyncio.Task[Any] | None = None) -> None:
    for _ in range(ROUNDS):
        if task is not None and task.done():
            return
        await _sleep(0)


async def _answer_in_thread(client: FakeClient, run: Run) -> None:
    """The client calls on_done from a thread of its own; wait until that call returned."""
    loop = asyncio.get_running_loop()
    job = loop.run_in_executor(None, client.answer)
    try:
        # While the thread runs, looptime's clock follows real time: PATIENCE is real seconds.
        async with asyncio.timeout(PATIENCE):
            await asyncio.shield(job)
    except TimeoutError:
        run.stuck = True
        thread = client.answering_thread
        frames = sys._current_frames().get(thread) if thread else None
        run.stuck_in = location_of_stack(_outwards(frames)) if frames else None
        return
    await _rounds()


def _outwards(frame: Any) -> list[Any]:
    stack = []
    while frame is not None:
        stack.append(frame)
        frame = frame.f_back
    return list(reversed(stack))


async def _answer_as_cancelled(loop: asyncio.AbstractEventLoop, client: FakeClient,
                               task: asyncio.Task[Any], run: Run) -> None:
    """Answer from a thread; the first thing on_done hands to the loop arrives just after the
    task's cancellation, as when the cancel and the answer cross."""
    original = loop.call_soon_threadsafe

    def cancel_first(callback: Any, *args: Any, context: Any = None) -> asyncio.Handle:
        if client.answering_thread == threading.get_ident() and not run.cancel_reached_first:
            run.cancel_reached_first = True
            original(task.cancel)
        return original(callback, *args, context=context)

    loop.call_soon_threadsafe = cancel_first  # type: ignore[method-assign]
    try:
        await _answer_in_thread(client, run)
    finally:
        loop.__dict__.pop("call_soon_threadsafe", None)


# --- reading a run ------------------------------------------------------------------------------

def _value(outcome: Outcome[Any], run: Run, call: str, solution: Solution) -> Any:
    value = outcome.result(call)
    if run.never_started:
        raise Fail(f"{call} never called client.start(request, on_done): without it the client "
                   f"never answers.", solution.definition_of("call_async"))
    return value


def _thread_problems(run: Run, client: FakeClient, call: str, solution: Solution) -> None:
    where = solution.definition_of("call_async")
    if run.stuck:
        raise Fail(f"on_done did not return within {PATIENCE:g} s of real time on the client's own "
                   f"thread: it waits there for something (the client's thread is not the event "
                   f"loop's, and blocking it holds up the client).", run.stuck_in or where)
    if client.callback_errors:
        first = client.callback_errors[0]
        raise Fail(f"{first.describe()}: the answer never reached {call}.",
                   location_of_traceback(first.error.__traceback__) or where)
    if run.spy and run.spy.foreign_calls:
        first_call = run.spy.foreign_calls[0]
        raise Fail(f"on_done ran on the client's own thread ({first_call.thread_name}) and "
                   f"touched the future or the event loop directly from there: neither is "
                   f"thread-safe, so the loop may miss the change or corrupt its queue. From "
                   f"another thread, ask the loop to do the work on its own thread.",
                   first_call.location or where)


def _late_problems(run: Run, client: FakeClient, what: str, solution: Solution) -> None:
    where = solution.definition_of("call_async")
    if client.callback_errors:
        problem = client.callback_errors[0]
        raise Fail(f"{what}: {problem.describe()}.",
                   location_of_traceback(problem.error.__traceback__) or where)
    errors = run.spy.exceptions() if run.spy else []
    if errors:
        error = errors[0]
        name = type(error).__name__
        explained = (" - setting a future that was already cancelled" if
                     isinstance(error, asyncio.InvalidStateError) else "")
        raise Fail(f"{what}: the event loop reported {name}{explained} "
                   f"({describe_exception(error)}), in work on_done had handed to it.",
                   location_of_traceback(error.__traceback__) or where)
    if run.stuck:
        _thread_problems(run, client, "call_async", solution)


def _wrong_value(value: Any, client: FakeClient, request: str, call: str) -> str:
    expected = client.result_for(request)
    return f"{call} returned {value!r}; the client's result was {expected!r}."


# --- the checks ---------------------------------------------------------------------------------

@check("call_async returns the client's result", points=2)
def test_returns_the_result(solution: Solution) -> None:
    call_async, request = _call_async(solution), _request()
    client, run = FakeClient(latency=rand.delay(1.0, 4.0)), Run()
    call = _call_text(request)
    outcome = run_virtual(lambda: _answered_by_client(call_async, client, request, run))
    _late_problems(run, client, f"The client answered {call} on the loop's thread", solution)
    value = _value(outcome, run, call, solution)
    expect(value == client.result_for(request), _wrong_value(value, client, request, call),
           solution.definition_of("call_async"))
    outcome.require_clean(call)


@check("call_async raises the client's error", points=2)
def test_raises_the_error(solution: Solution) -> None:
    call_async, request = _call_async(solution), _request()
    client, run = FakeClient(latency=rand.delay(1.0, 4.0), fails=True), Run()
    call = _call_text(request)
    outcome = run_virtual(lambda: _answered_by_client(call_async, client, request, run))
    where = solution.definition_of("call_async")
    if client.callback_errors:
        first = client.callback_errors[0]
        raise Fail(f"The client reported an error for {call}, and {first.describe()}: the error "
                   f"went back into the client instead of reaching the coroutine that waits.",
                   location_of_traceback(first.error.__traceback__) or where)
    sent, raised = client.sent_error, outcome.error
    if raised is not None and sent is not None and _same_error(raised, sent):
        return
    if (raised is None or sent is None or outcome.timed_out or outcome.spun
            or isinstance(raised, NotImplementedError | asyncio.CancelledError)):
        value = _value(outcome, run, call, solution)  # fails first if the run itself went wrong
        raise Fail(f"The client reported {_show(sent)} for {call}, but call_async returned "
                   f"{value!r}: the error should be raised in the coroutine that awaits "
                   f"call_async.", where)
    raise Fail(f"The client reported {_show(sent)} for {call}, but call_async raised "
               f"{describe_exception(raised)}: it should raise the client's own error.",
               location_of_traceback(raised.__traceback__) or where)


def _show(error: BaseException | None) -> str:
    return f"{type(error).__name__}({str(error)!r})" if error is not None else "an error"


def _same_error(raised: BaseException, sent: BaseException) -> bool:
    return raised is sent or (type(raised) is type(sent) and raised.args == sent.args)


@check("an answer from the client's own thread reaches call_async", points=3)
def test_callback_from_another_thread(solution: Solution) -> None:
    call_async = _call_async(solution)
    good, bad = _request(), _request()
    good_client, good_run, bad_client, bad_run = FakeClient(), Run(), FakeClient(fails=True), Run()
    outcome = run_virtual(partial(
        _in_turn, partial(_answered_from_thread, call_async, good_client, good, good_run),
        partial(_capturing, bad_run, partial(_answered_from_thread, call_async, bad_client, bad,
                                             bad_run))))
    _thread_problems(good_run, good_client, _call_text(good), solution)
    _thread_problems(bad_run, bad_client, _call_text(bad), solution)
    value = _value(outcome, good_run, _call_text(good), solution)[0]
    where = solution.definition_of("call_async")
    expect(value == good_client.result_for(good),
           _wrong_value(value, good_client, good, _call_text(good)) + " It came from the client's "
           "own thread.", where)
    _value(outcome, bad_run, _call_text(bad), solution)
    sent, raised = bad_client.sent_error, bad_run.error
    if raised is not None and sent is not None and _same_error(raised, sent):
        return
    if raised is not None:
        raise Fail(f"{_call_text(bad)} raised {describe_exception(raised)}, but the client had "
                   f"reported {_show(sent)} from its own thread: it should raise the client's own "
                   f"error.", location_of_traceback(raised.__traceback__) or where)
    raise Fail(f"The client reported {_show(sent)} from its own thread, but {_call_text(bad)} "
               f"returned {bad_run.value!r} instead of raising it.", where)


@check("a cancelled call_async stays cancelled", points=1)
def test_cancelled_call_stays_cancelled(solution: Solution) -> None:
    call_async, request = _call_async(solution), _request()
    client, run = FakeClient(latency=rand.delay(1.0, 4.0)), Run()
    call = _call_text(request)
    outcome = run_virtual(lambda: _cancelled_then_answered(call_async, client, request, run))
    _value(outcome, run, call, solution)
    where = solution.definition_of("call_async")
    if run.state == "returned":
        raise Fail(f"{call} was cancelled while it waited, and it returned {run.value!r} instead "
                   f"of ending cancelled: it swallowed the cancellation (an `except` that catches "
                   f"CancelledError, or BaseException, and carries on). The code that cancelled it "
                   f"must see it cancelled.", where)
    if run.state == "raised" and run.error is not None:
        raise Fail(f"{call} was cancelled while it waited, and it raised "
                   f"{describe_exception(run.error)} instead of ending cancelled.",
                   location_of_traceback(run.error.__traceback__) or where)
    expect(run.state == "cancelled",
           f"{call} was cancelled while it waited, but it kept running: 1 s of simulated time "
           f"after the client's answer it had still not ended.", where)


@check("an answer that comes after a cancellation causes no error", points=2)
def test_late_callback_is_harmless(solution: Solution) -> None:
    call_async = _call_async(solution)
    scenarios = [
        (what.format(answer=answer), client, race)
        for fails, answer in ((False, "answered"), (True, "reported an error"))
        for what, client, race in (
            ("call_async was cancelled, and later the client {answer} on the loop's thread",
             FakeClient(latency=rand.delay(1.0, 4.0), fails=fails), False),
            ("call_async was cancelled, then the client {answer} from its own thread",
             FakeClient(fails=fails), False),
            ("The client {answer} from its own thread just as call_async was cancelled (the "
             "cancellation reached the loop first)", FakeClient(fails=fails), True),
        )
    ]
    runs = [(what, client, race, _request(), Run()) for what, client, race in scenarios]
    outcome = run_virtual(partial(_in_turn, *(
        partial(_cancelled_then_answered, call_async, client, request, run, race=race)
        for _, client, race, request, run in runs)))
    for what, client, _, request, run in runs:
        _value(outcome, run, _call_text(request), solution)
        _late_problems(run, client, what, solution)
    for what, client, _, _, _ in runs:
        _require_error_not_left_unread(outcome, client, what, solution)
    if outcome.unretrieved:
        leak = outcome.unretrieved[0]
        raise Fail(f"After the cancelled calls, asyncio reported an exception that was never "
                   f"retrieved: {leak.describe()}. An answer that comes after a cancellation must "
                   f"cause no error anywhere.", leak.location or solution.definition_of("call_async"))


def _require_error_not_left_unread(outcome: Outcome[Any], client: FakeClient, what: str,
                                   solution: Solution) -> None:
    """The client's late error put into a future nobody awaits: reported when it is collected."""
    if client.sent_error is None:
        return
    sent = describe_exception(client.sent_error)
    if any(leak.text == sent for leak in outcome.unretrieved):
        raise Fail(f"{what}: the error was put into a future that nobody awaits any more, and "
                   f"asyncio reported \"Future exception was never retrieved\" ({sent}) when that "
                   f"future was thrown away. Once the call is cancelled, nobody reads the answer: "
                   f"look at whether it was cancelled before passing the answer on.",
                   solution.definition_of("call_async"))


@check("call_async waits for the answer without polling", points=2)
def test_waits_without_polling(solution: Solution) -> None:
    call_async, request = _call_async(solution), _request()
    latency = round(rand.rng.uniform(1.5, 4.5), 2)
    client, run = FakeClient(latency=latency), Run()
    call = _call_text(request)
    outcome = run_virtual(lambda: _answered_by_client(call_async, client, request, run))
    _value(outcome, run, call, solution)
    timers = run.spy.student_timers if run.spy else []
    if len(timers) >= 3:
        raise Fail(f"{call} set {len(timers)} timers of its own while it waited {latency:.2f} s "
                   f"for the client: it polls, waking up again and again to look for the answer. "
                   f"A future wakes the coroutine that awaits it once, when it is set.", timers[0])
    late = outcome.elapsed - latency
    expect(late < 1e-3,
           f"{call} returned {late:.2f} s after the client answered (the client took "
           f"{latency:.2f} s): it noticed the answer late, as code that polls does.",
           timers[0] if timers else solution.definition_of("call_async"))
