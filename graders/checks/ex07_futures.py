"""Checks for exercise 7: call_async turns a callback API into an awaitable with a future.

The student's code runs in a process of its own; the legacy client lives on the judge's side.
call_async gets a stand-in whose `start(request, on_done)` is a message to the judge and returns
at once; the judge keeps `on_done` (a callable the submission keeps for it) and later has it
called: on the loop's thread when the client's own timer fires (after a latency on the judge's
clock), or from a new thread of the client's, which tells the judge itself when on_done returned
and wakes nothing (so a loop that on_done did not wake stays asleep, and the judge sees it).
Evidence each check passes on (what the judge saw itself) is in EVIDENCE; what the submission's
side reports (the loop's errors, calls from a foreign thread, timers, errors never retrieved)
can only cost points.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, ClassVar

from graders.check import Fail, check, expect
from graders.probes import inputs as rand
from graders.probes.judge import Call, Done, Handed, Remote, Run, Submission, describe_raised
from graders.probes.values import shown
from graders.results import Location
from graders.trust import wire

HINTS = {
    "returns_the_result": (
        "call_async needs three things: something to await, a callback that fills it when the "
        "client answers, and a wait. The callback can be a small function defined inside "
        "call_async, so that it sees the future.",
        "loop.create_future() gives the box; the callback fills it with set_result when it gets "
        "a result, and `return await future` waits for it - without blocking the loop (no "
        "threading.Event, no time.sleep) - and returns the result as the client gave it.",
    ),
    "raises_the_error": (
        "When the client reports an error, call_async raises that same exception object: put it "
        "in the future with set_exception, and awaiting the future raises it. Do not raise it in "
        "the callback (that goes back to the client) or wrap it in an exception of your own.",
    ),
    "callback_from_another_thread": (
        "The client may call back from its own thread, where a future must not be touched and "
        "there is no current event loop to look up. Get the loop in call_async, before you call "
        "the client.",
        "Have the callback hand the work to the loop's thread with loop.call_soon_threadsafe(...) "
        "(plain call_soon is not safe from another thread).",
    ),
    "cancelled_call_stays_cancelled": (
        "When call_async is cancelled while it waits, the CancelledError must go on out of it: do "
        "not catch it around the await to return something instead.",
    ),
    "late_callback_is_harmless": (
        "By the time the work handed to the loop runs, call_async may have been cancelled, and "
        "setting a cancelled future raises.",
        "Look at future.cancelled() on the loop's thread, just before setting anything - the "
        "result and the exception alike.",
    ),
    "waits_without_polling": (
        "call_async should not look at a box again and again with short sleeps: awaiting the "
        "future suspends it until the callback fills it, and wakes it at once.",
    ),
}

EVIDENCE = {
    "returns_the_result": "the value the task returned (plain data) equals the client's result, "
                          "and it returned after the client's on_done call on the judge's clock",
    "raises_the_error": "the task raised an exception named ClientError with the client's own "
                        "message, after the client reported it on the judge's clock",
    "callback_from_another_thread": "the value (and the ClientError) the tasks ended with, at the "
                                    "judge's time on_done was called from the client's thread: the "
                                    "loop woke without anything else waking it",
    "cancelled_call_stays_cancelled": "the state of the task the judge cancelled, as the judge's "
                                      "wait for it answered: cancelled, not returned or raised",
    "late_callback_is_harmless": "every on_done call the judge made after a cancellation returned "
                                 "and each task the judge cancelled ended; an error inside the "
                                 "submission's loop is seen only there (it can only cost points)",
    "waits_without_polling": "the judge's clock: the task returned at the moment the client "
                             "answered, and the process never woke on a timer of its own meanwhile",
}

# Simulated seconds the judge waits for call_async to go on after the client's answer, and for
# on_done to return in the client's thread. A correct call_async takes no time at all.
PATIENCE = 5.0
# Loop rounds given to call_async to reach client.start, and to work handed to the loop.
ROUNDS = 20


class ClientError(Exception):
    """The error the fake client reports for a request that failed (raised in the student's
    process under this name)."""


@dataclass
class Request:
    text: str
    on_done: Any  # a wire.Kept: the callable the submission keeps for the judge
    at: float


@dataclass
class CallbackError:
    """What on_done raised back into the client (the submission's report of the call)."""

    raised: wire.Raised
    thread: str
    on_loop_thread: bool

    def describe(self) -> str:
        where = "on the event loop's thread" if self.on_loop_thread else \
            "on the client's own thread"
        return f"on_done, called {where}, raised {self.raised.text}"


class Client(Handed):
    """A callback-based client, on the judge's side.

    With a `latency` it answers by itself, that many seconds of the judge's clock after `start`,
    on the loop's thread. Without one it answers when the check calls `answer()`.
    """

    name: ClassVar[str] = "LegacyClient"
    methods: ClassVar[dict[str, str]] = {"start": "notify"}

    def __init__(self, latency: float | None = None, fails: bool = False,
                 empty: bool = False) -> None:
        self.latency, self.fails = latency, fails
        self.empty = empty  # its result is '': a real answer, though falsy
        self.token = rand.word(6)
        self.requests: list[Request] = []
        self.not_callable: list[Any] = []
        self.sent_error: ClientError | None = None
        self.callback_errors: list[CallbackError] = []
        self.answered_at: float | None = None  # the judge's clock when on_done was called
        self.returned_at: float | None = None  # ... and when it had returned
        self.stuck = False  # on_done did not return in the client's thread within PATIENCE
        self.remote: Remote | None = None

    async def start(self, call: Call, request: Any, on_done: Any) -> None:
        if not isinstance(on_done, wire.Kept) or not on_done.is_callable:
            self.not_callable.append(on_done)
            return
        self.requests.append(Request(str(request), on_done, call.at))
        if self.latency is not None:
            await asyncio.sleep(self.latency)
            await self.answer()

    def result_for(self, request: str) -> str:
        return "" if self.empty else f"{request} -> {self.token}"

    async def answer(self, *, thread: str = "loop", cancel_first: int = 0) -> Done | None:
        """Call on_done of the first request: on the loop's thread, or from a thread of the
        client's own (which wakes nothing itself); note what it raised."""
        assert self.remote is not None
        request = self.requests[0]
        if self.fails:
            self.sent_error = ClientError(f"{request.text} failed ({self.token})")
            result, error = None, self.sent_error
        else:
            result, error = self.result_for(request.text), None
        self.answered_at = asyncio.get_running_loop().time()
        calling = self.remote.call_back(request.on_done, result, error, thread=thread,
                                        quiet=thread == "new", cancel_first=cancel_first)
        try:
            done = await asyncio.wait_for(calling, PATIENCE)
        except TimeoutError:
            self.stuck = True
            return None
        self.returned_at = asyncio.get_running_loop().time()
        if done.raised is not None:
            self.callback_errors.append(CallbackError(done.raised, done.thread or "?",
                                                      thread != "new"))
        return done

    async def forget(self) -> None:
        """The client is done with on_done: the submission may throw away what it still holds
        (a future filled after the cancellation), and asyncio reports an error set there and
        never read ("Future exception was never retrieved") when it is collected."""
        assert self.remote is not None
        for request in self.requests:
            await self.remote.release(request.on_done)

    def __repr__(self) -> str:
        return "client"


@dataclass
class Seen:
    """What the judge saw of one call of call_async."""

    never_started: bool = False
    done: Done = field(default_factory=Done)
    ended_at: float | None = None  # the judge's clock when its wait for the task answered
    late: float = 0.0  # after an answer from the client's thread: how long until it went on
    state: str = ""  # after a cancellation: cancelled, returned, raised or running


def _request() -> str:
    return f"GET /{rand.word(6)}"


def _call_text(request: str) -> str:
    return f"call_async(client, {request!r})"


def _now() -> float:
    return asyncio.get_running_loop().time()


# --- the scenarios: scripts on the judge's loop -------------------------------------------------

async def _start(remote: Remote, client: Client, request: str, seen: Seen) -> int:
    """Start call_async(client, request) as a task there; its number once it called
    client.start and waits (0 if it never did, or ended at once: `seen` says which)."""
    client.remote = remote
    started = await remote.start("call_async", client, request)
    if started.failed:
        raise Fail(started.failed, started.location)
    if not started.task:
        raise Fail(f"{_call_text(request)} returned {shown(started.value)} at once: call_async "
                   f"must be a coroutine function (`async def`).")
    await remote.rounds(ROUNDS)
    state = await remote.state(started.task)
    if state.state != "pending":
        seen.done, seen.ended_at = state, _now()
        return 0
    if not client.requests:
        seen.never_started = True
        return 0
    return started.task


async def _answered_by_client(remote: Remote, client: Client, request: str) -> Seen:
    """The client's own timer answers on the loop's thread; wait for call_async."""
    seen = Seen()
    task = await _start(remote, client, request, seen)
    if task:
        assert client.latency is not None
        seen.done = await remote.wait(task, client.latency + PATIENCE)
        seen.ended_at = _now()
    return seen


async def _answered_from_thread(remote: Remote, client: Client, request: str) -> Seen:
    """The client answers from a thread of its own, which wakes nothing: a loop that on_done
    woke goes on at once; one it did not sleeps until its next timer (the wait's timeout)."""
    seen = Seen()
    task = await _start(remote, client, request, seen)
    if not task:
        return seen
    waiting = asyncio.ensure_future(remote.wait(task, PATIENCE))
    await asyncio.sleep(0)  # the wait is in place on the submission's loop before the answer
    called = _now()
    await client.answer(thread="new")
    seen.done = await waiting
    if seen.done.state == "pending" and not client.stuck:
        seen.done = await remote.wait(task, 1.0)  # woken by the timeout: did it go on then?
    seen.ended_at = _now()
    seen.late = seen.ended_at - called if seen.done.state != "pending" else PATIENCE
    return seen


async def _cancelled_then_answered(remote: Remote, client: Client, request: str, *,
                                   thread: bool, race: bool = False) -> Seen:
    """Cancel the waiting call, then let the client answer: by its own timer, from a thread,
    or (`race`) from a thread, with the cancellation reaching the loop just before the answer."""
    seen = Seen()
    task = await _start(remote, client, request, seen)
    if not task:
        return seen
    if race:
        await client.answer(thread="new", cancel_first=task)
    else:
        await remote.cancel(task)
        await remote.rounds(ROUNDS)
        if not thread:
            assert client.latency is not None
            await asyncio.sleep(client.latency + 1.0)  # the client's own timer answers meanwhile
        else:
            await client.answer(thread="new")
    await remote.rounds(ROUNDS)
    done = await remote.wait(task, 1.0)
    seen.done, seen.ended_at = done, _now()
    seen.state = "running" if done.state == "pending" else done.state
    if done.state == "pending":
        await remote.cancel(task)
        await remote.wait(task, 1.0)
    await client.forget()
    await remote.release(task=task)
    return seen


# --- reading what the judge saw -----------------------------------------------------------------

def _where(submission: Submission) -> Location | None:
    return submission.definition_of("call_async")


def _value(run: Run, seen: Seen, call: str, submission: Submission) -> Any:
    """What call_async returned; a Fail naming what it did instead."""
    run.result(call)  # the run itself: broken, spun, out of time
    where = _where(submission)
    if seen.never_started:
        raise Fail(f"{call} never called client.start(request, on_done): without it the client "
                   f"never answers.", where)
    done = seen.done
    if done.failed:
        raise Fail(done.failed, done.location or where)
    if done.state == "raised" and done.raised is not None:
        raise Fail(describe_raised(call, done.raised), run.location_of(done.raised.location) or where)
    if done.state == "cancelled":
        raise Fail(f"{call} was cancelled (CancelledError escaped from it).", where)
    if done.state == "pending":
        raise Fail(f"{call} had not returned {PATIENCE:g} s of simulated time after the client "
                   f"answered: the answer never reached the coroutine that waits.", where)
    return done.value


def _raised(run: Run, seen: Seen, call: str, submission: Submission) -> wire.Raised | None:
    """What call_async raised (None if it returned); a Fail if the run itself went wrong."""
    run.result(call)
    if seen.done.state == "raised" and seen.done.raised is not None \
            and not seen.done.raised.is_a("NotImplementedError"):
        return seen.done.raised
    return None


def _same_error(raised: wire.Raised, sent: ClientError | None) -> bool:
    return (sent is not None and raised.type_name == "ClientError"
            and tuple(raised.args) == tuple(sent.args))


def _show(error: BaseException | None) -> str:
    return f"{type(error).__name__}({str(error)!r})" if error is not None else "an error"


def _foreign_calls(run: Run) -> list[dict[str, Any]]:
    calls = run.report.get("foreign_calls")
    return [item for item in calls if isinstance(item, dict)] if isinstance(calls, list) else []


def _thread_problems(run: Run, seen: Seen, client: Client, call: str,
                     submission: Submission) -> None:
    where = _where(submission)
    if client.not_callable:
        raise Fail(f"{call} gave client.start {shown(client.not_callable[0])} as on_done: it must "
                   f"be a function the client can call.", where)
    if client.stuck:
        raise Fail(f"on_done did not return within {PATIENCE:g} s of simulated time on the "
                   f"client's own thread: it waits there for something (the client's thread is "
                   f"not the event loop's, and blocking it holds up the client).", where)
    if client.callback_errors:
        first = client.callback_errors[0]
        raise Fail(f"{first.describe()}: the answer never reached {call}.",
                   run.location_of(first.raised.location) or where)
    foreign = _foreign_calls(run)
    if foreign:
        raise Fail("on_done ran on the client's own thread and "
                   "touched the future or the event loop directly from there: neither is "
                   "thread-safe, so the loop may miss the change or corrupt its queue. From "
                   "another thread, ask the loop to do the work on its own thread.",
                   run.location_of(foreign[0].get("location")) or where)
    if seen.late > 1e-3 and not seen.never_started:
        when = (f"only {seen.late:.2f} s of simulated time later, when its event loop woke up for "
                f"another reason" if seen.done.state != "pending" else
                f"not at all in the {PATIENCE:g} s of simulated time that followed")
        raise Fail(f"on_done was called on the client's own thread and returned, but {call} went "
                   f"on {when}: on_done touched the future or the event loop directly from there, "
                   f"which does not wake the loop (neither is thread-safe). From another thread, "
                   f"ask the loop to do the work on its own thread.", where)


def _late_problems(run: Run, client: Client, what: str, submission: Submission) -> None:
    where = _where(submission)
    if client.callback_errors:
        problem = client.callback_errors[0]
        raise Fail(f"{what}: {problem.describe()}.", run.location_of(problem.raised.location) or where)
    errors = run.report.get("loop_errors")
    for item in errors if isinstance(errors, list) else []:
        try:
            error = wire.decode_error(item)
        except (wire.WireError, AttributeError, TypeError):
            continue
        explained = (" - setting a future that was already cancelled"
                     if error.is_a("InvalidStateError") else "")
        raise Fail(f"{what}: the event loop reported {error.type_name}{explained} "
                   f"({error.text}), in work on_done had handed to it.",
                   run.location_of(error.location) or where)
    if client.stuck:
        raise Fail(f"{what}: on_done did not return within {PATIENCE:g} s of simulated time on "
                   f"the client's own thread: it waits there for something.", where)


def _wrong_value(value: Any, client: Client, request: str, call: str) -> str:
    expected = client.result_for(request)
    empty = (" (an empty string: falsy, but a result like any other, with error None)"
             if client.empty else "")
    return f"{call} returned {shown(value)}; the client's result was {expected!r}{empty}."


def _not_before_the_answer(seen: Seen, client: Client, call: str, submission: Submission) -> None:
    """A result counts only if it came after the client gave it (on the judge's clock)."""
    expect(client.answered_at is not None and seen.ended_at is not None
           and seen.ended_at >= client.answered_at,
           f"{call} ended before the client had answered: its result must be the client's "
           f"answer, awaited.", _where(submission))


# --- the checks ---------------------------------------------------------------------------------

@check("call_async returns the client's result", points=2)
def test_returns_the_result(submission: Submission) -> None:
    # Then an empty result: falsy, and as real an answer as any other.
    for empty in (False, True):
        _check_result(submission, Client(latency=rand.delay(1.0, 4.0), empty=empty))


def _check_result(submission: Submission, client: Client) -> None:
    request = _request()
    call = _call_text(request)
    run = submission.scenario(lambda remote: _answered_by_client(remote, client, request),
                              call=call, spy_loop=True)
    seen: Seen = run.result(call)
    try:
        _late_problems(run, client, f"The client answered {call} on the loop's thread",
                       submission)
        value = _value(run, seen, call, submission)
    except Fail as failure:
        if not client.empty:
            raise
        raise Fail(f"The client called on_done('', None): its result was an empty string, "
                   f"falsy but a result like any other, and no error. {failure.message}",
                   failure.location, failure.details) from None
    expect(type(value) is str and value == client.result_for(request),
           _wrong_value(value, client, request, call), _where(submission))
    _not_before_the_answer(seen, client, call, submission)
    run.require_clean(call)


@check("call_async raises the client's error", points=2)
def test_raises_the_error(submission: Submission) -> None:
    request = _request()
    client, call = Client(latency=rand.delay(1.0, 4.0), fails=True), _call_text(request)
    run = submission.scenario(lambda remote: _answered_by_client(remote, client, request),
                              call=call, spy_loop=True)
    seen: Seen = run.result(call)
    where = _where(submission)
    if client.callback_errors:
        first = client.callback_errors[0]
        raise Fail(f"The client reported an error for {call}, and {first.describe()}: the error "
                   f"went back into the client instead of reaching the coroutine that waits.",
                   run.location_of(first.raised.location) or where)
    sent, raised = client.sent_error, _raised(run, seen, call, submission)
    if raised is not None and _same_error(raised, sent):
        _not_before_the_answer(seen, client, call, submission)
        return
    if raised is None or raised.is_a("CancelledError"):
        value = _value(run, seen, call, submission)  # fails first if the run itself went wrong
        raise Fail(f"The client reported {_show(sent)} for {call}, but call_async returned "
                   f"{shown(value)}: the error should be raised in the coroutine that awaits "
                   f"call_async.", where)
    raise Fail(f"The client reported {_show(sent)} for {call}, but call_async raised "
               f"{raised.text}: it should raise the client's own error.",
               run.location_of(raised.location) or where)


@check("an answer from the client's own thread reaches call_async", points=3)
def test_callback_from_another_thread(submission: Submission) -> None:
    good, bad = _request(), _request()
    good_client, bad_client = Client(), Client(fails=True)

    async def script(remote: Remote) -> tuple[Seen, Seen]:
        return (await _answered_from_thread(remote, good_client, good),
                await _answered_from_thread(remote, bad_client, bad))

    run = submission.scenario(script, call=_call_text(good), spy_loop=True)
    good_seen, bad_seen = run.result(_call_text(good))
    _thread_problems(run, good_seen, good_client, _call_text(good), submission)
    _thread_problems(run, bad_seen, bad_client, _call_text(bad), submission)
    value = _value(run, good_seen, _call_text(good), submission)
    where = _where(submission)
    expect(type(value) is str and value == good_client.result_for(good),
           _wrong_value(value, good_client, good, _call_text(good)) + " It came from the client's "
           "own thread.", where)
    sent, raised = bad_client.sent_error, _raised(run, bad_seen, _call_text(bad), submission)
    if raised is not None and _same_error(raised, sent):
        return
    if raised is not None:
        raise Fail(f"{_call_text(bad)} raised {raised.text}, but the client had "
                   f"reported {_show(sent)} from its own thread: it should raise the client's own "
                   f"error.", run.location_of(raised.location) or where)
    value = _value(run, bad_seen, _call_text(bad), submission)
    raise Fail(f"The client reported {_show(sent)} from its own thread, but {_call_text(bad)} "
               f"returned {shown(value)} instead of raising it.", where)


@check("a cancelled call_async stays cancelled", points=1)
def test_cancelled_call_stays_cancelled(submission: Submission) -> None:
    request = _request()
    client, call = Client(latency=rand.delay(1.0, 4.0)), _call_text(request)
    run = submission.scenario(
        lambda remote: _cancelled_then_answered(remote, client, request, thread=False),
        call=call, spy_loop=True)
    seen: Seen = run.result(call)
    where = _where(submission)
    if not seen.state:
        _value(run, seen, call, submission)  # it ended before it could be cancelled: why
    if seen.state == "returned":
        raise Fail(f"{call} was cancelled while it waited, and it returned {shown(seen.done.value)} "
                   f"instead of ending cancelled: it swallowed the cancellation (an `except` that "
                   f"catches CancelledError, or BaseException, and carries on). The code that "
                   f"cancelled it must see it cancelled.", where)
    if seen.state == "raised" and seen.done.raised is not None:
        raise Fail(f"{call} was cancelled while it waited, and it raised {seen.done.raised.text} "
                   f"instead of ending cancelled.",
                   run.location_of(seen.done.raised.location) or where)
    expect(seen.state == "cancelled",
           f"{call} was cancelled while it waited, but it kept running: 1 s of simulated time "
           f"after the client's answer it had still not ended.", where)


@check("an answer that comes after a cancellation causes no error", points=2)
def test_late_callback_is_harmless(submission: Submission) -> None:
    scenarios = [
        (what.format(answer=answer), client, thread, race)
        for fails, answer in ((False, "answered"), (True, "reported an error"))
        for what, client, thread, race in (
            ("call_async was cancelled, and later the client {answer} on the loop's thread",
             Client(latency=rand.delay(1.0, 4.0), fails=fails), False, False),
            ("call_async was cancelled, then the client {answer} from its own thread",
             Client(fails=fails), True, False),
            ("The client {answer} from its own thread just as call_async was cancelled (the "
             "cancellation reached the loop first)", Client(fails=fails), True, True),
        )
    ]
    runs = [(what, client, thread, race, _request()) for what, client, thread, race in scenarios]
    for what, client, thread, race, request in runs:
        call = _call_text(request)
        run = submission.scenario(
            lambda remote, client=client, request=request, thread=thread, race=race:
            _cancelled_then_answered(remote, client, request, thread=thread, race=race),
            call=call, spy_loop=True)
        seen: Seen = run.result(call)
        if not seen.state:
            _value(run, seen, call, submission)
        _late_problems(run, client, what, submission)
        _require_error_not_left_unread(run, client, what, submission)
        if run.unretrieved:
            leak = run.unretrieved[0]
            raise Fail(f"After the cancelled calls, asyncio reported an exception that was never "
                       f"retrieved: {leak.describe()}. An answer that comes after a cancellation "
                       f"must cause no error anywhere.", leak.location or _where(submission))
        expect(seen.state != "running",
               f"{what}, and 1 s of simulated time later call_async had still not ended.",
               _where(submission))


def _require_error_not_left_unread(run: Run, client: Client, what: str,
                                   submission: Submission) -> None:
    """The client's late error put into a future nobody awaits: reported when it is collected."""
    if client.sent_error is None:
        return
    sent = f"ClientError: {client.sent_error}"
    if any(leak.text.startswith(sent) for leak in run.unretrieved):
        raise Fail(f"{what}: the error was put into a future that nobody awaits any more, and "
                   f"asyncio reported \"Future exception was never retrieved\" ({sent}) when that "
                   f"future was thrown away. Once the call is cancelled, nobody reads the answer: "
                   f"look at whether it was cancelled before passing the answer on.",
                   _where(submission))


@check("call_async waits for the answer without polling", points=2)
def test_waits_without_polling(submission: Submission) -> None:
    request = _request()
    latency = round(rand.rng.uniform(1.5, 4.5), 2)
    client, call = Client(latency=latency), _call_text(request)
    marks: dict[str, float] = {}

    async def script(remote: Remote) -> Seen:
        marks["start"] = _now()
        return await _answered_by_client(remote, client, request)

    run = submission.scenario(script, call=call, spy_loop=True)
    seen: Seen = run.result(call)
    _value(run, seen, call, submission)
    where = _where(submission)
    answered = client.answered_at if client.answered_at is not None else float("inf")
    woken = [at for at in submission.woken if marks.get("start", 0.0) <= at < answered]
    timers = run.report.get("student_timers")
    timers = timers if isinstance(timers, list) else []
    first = run.location_of(timers[0]) if timers else None
    if len(timers) >= 3:
        raise Fail(f"{call} set {len(timers)} timers of its own while it waited {latency:.2f} s "
                   f"for the client: it polls, waking up again and again to look for the answer. "
                   f"A future wakes the coroutine that awaits it once, when it is set.", first)
    if len(woken) >= 3:
        raise Fail(f"{call} woke up {len(woken)} times on timers of its own while it waited "
                   f"{latency:.2f} s for the client: it polls, waking up again and again to look "
                   f"for the answer. A future wakes the coroutine that awaits it once, when it is "
                   f"set.", first or where)
    late = (seen.ended_at or 0.0) - answered
    expect(late < 1e-3,
           f"{call} returned {late:.2f} s after the client answered (the client took "
           f"{latency:.2f} s): it noticed the answer late, as code that polls does.",
           first or where)
