"""The submission process: the student's module and a thin runtime that does what the judge asks.

Forked from the judge (graders/probes/judge.py) for each check, this process keeps nothing the
judge relies on: it holds one socket to the judge and the student's code. It loads the module,
calls the functions the judge names, and forwards every interaction with the world to the judge
as a message: a handed object's method called (and from which thread or task, as reported), a
value returned or raised, the process idle until a deadline. The judge owns the clock: every
event loop here reads the judge's simulated time, and time moves only when this whole process is
still (every thread parked in a wait this runtime knows) and the judge's world is too.

What the runtime reports about student code (a blocking call, a coroutine never awaited, a loop
left open) is a self-report: it can cost the student points and name the mistake, but the judge
passes no check on it. A submission that replaces this runtime only changes what it sends.
"""

from __future__ import annotations

import _thread
import asyncio
import concurrent.futures
import concurrent.futures.thread as futures_thread
import errno
import functools
import gc
import inspect
import io
import itertools
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import warnings
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from types import FrameType
from typing import Any

from graders.check import Fail
from graders.probes import loop as loops
from graders.probes.loop import Outcome, run_virtual
from graders.probes.spies import BlockingCall, ClockSpy, spy_on_clock_reads
from graders.probes.student import (
    Solution,
    caller_location,
    describe_exception,
    location_of_traceback,
    stop_in_frame,
)
from graders.probes.values import explain
from graders.results import Location
from graders.trust import wire, workercall
from graders.trust.limits import OUTPUT_LIMIT, PRINTS_SHOWN, give_up_privileges

_real_sleep = time.sleep
_thread_start = threading.Thread.start
_thread_join = threading.Thread.join
_pool_submit = concurrent.futures.ThreadPoolExecutor.submit
_pool_shutdown = concurrent.futures.ThreadPoolExecutor.shutdown
_item_run = futures_thread._WorkItem.run
_pool_worker = futures_thread._worker
_get_running_loop = asyncio.events._get_running_loop
_event_wait = threading.Event.wait
_event_set = threading.Event.set
_future_result = concurrent.futures.Future.result
_future_exception = concurrent.futures.Future.exception
_future_changes = {name: getattr(concurrent.futures.Future, name)
                   for name in ("set_result", "set_exception", "cancel")}


# Messages that wait to go with the next one: the judge can answer none of them before this
# process is idle (its replies come with the wake), and it takes a batch one message at a time,
# as it takes messages that come alone, so holding them changes nothing it sees but the count
# of round trips (three world calls and the idle that follows them: one message, not four).
_HELD = frozenset({"invoke", "cancel"})
_MOST_HELD = 256


class Channel:
    """The one socket to the judge. Sends may come from any thread; only a thread that speaks
    for the whole process (`Clock._speak`) or the serving loop receives."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        # Reentrant: a signal handler that interrupts this thread's own send may still get
        # its message out: at once when no message is half written, else right after it.
        self._sending = threading.RLock()
        self._mid = False
        self._deferred: dict[str, Any] | None = None
        self._held: list[bytes] = []  # messages made, sent with the next one that is not held
        self._held_size = 0

    def send(self, message: dict[str, Any]) -> None:
        with self._sending:
            self._mid = True
            data = wire.dumps(message)
            if message["op"] in _HELD and len(self._held) < _MOST_HELD \
                    and self._held_size + len(data) <= wire.MAX_MESSAGE // 2:
                self._held.append(data)
                self._held_size += len(data)
            else:
                self._out(data)
            self._mid = False
            deferred, self._deferred = self._deferred, None
            if deferred is not None:
                self._out(wire.dumps(deferred))

    def _out(self, data: bytes) -> None:
        """Send `data` after the messages held, in one batch when they fit in one."""
        held, self._held, self._held_size = self._held, [], 0
        if held:
            whole = wire.batch([*held, data])
            if len(whole) <= wire.MAX_MESSAGE:
                wire.send_data(self.sock, whole)
                return
            wire.send_data(self.sock, wire.batch(held))
        wire.send_data(self.sock, data)

    def receive(self) -> dict[str, Any]:
        return wire.receive(self.sock)

    def try_send(self, message: dict[str, Any]) -> bool:
        """Send unless another thread's send is half done (from a signal handler: never wait):
        then the message follows that send (the judge asks where the code is the instant it
        has read a message, often before the sender has let go of the lock); interrupting
        this thread's own send, the message follows it."""
        if not self._sending.acquire(blocking=False):
            self._deferred = message  # that thread sends it as its own send ends
            return False
        try:
            if self._mid:
                self._deferred = message
                return True
            self._out(wire.dumps(message))
        finally:
            self._sending.release()
        return True


# A thread starting a thread (it waits for the new one to run: a wait that blocks nothing).
_starting = threading.local()
# On a thread pool's worker thread: the account of its pool's work items (`_PoolAccount`).
_in_pool = threading.local()
# On a thread that shuts a pool down with cancel_futures: the pool's account while the items
# that wait in its queue are dropped (each one's future cancelled, the item never run).
_dropping = threading.local()


@dataclass
class _PoolAccount:
    """A thread pool's work items, as the clock counts them: those submitted that have not
    ended, and of those, how many wait for a worker to be free (not busy until one takes them).

    Kept by the pool's work queue, which its workers hold from their start: never by `id()`,
    which a pool made later may reuse (a count left over by an ended pool then made the new
    one's items wait for a worker that was free, and the clock's busy count went below zero),
    and never looked up by a worker through a table the submitting thread fills after the
    item is queued (a worker that ended its item first found no pool, and left a count)."""

    queued: int = 0
    deferred: int = 0


def _worker_queue(thread: threading.Thread) -> Any:
    """The work queue a thread pool's worker thread takes its items from (an argument of it,
    `_worker(executor_reference, work_queue, ...)`, set before it starts)."""
    args = getattr(thread, "_args", ())
    return args[1] if isinstance(args, tuple) and len(args) > 1 else None


@dataclass
class _Waiter:
    ready: Callable[[], bool]
    deadline: float | None


class Clock:
    """The judge's simulated time, as this process sees it, and the proof that it is still.

    `busy` counts threads doing work (the main thread, a thread started and not ended, a work
    item submitted to a thread pool and not finished). A thread that waits in `park` is not busy.
    When none is busy and no parked thread can go on, the last one to park tells the judge the
    process is idle until the earliest deadline, and applies what the judge answers: the new
    time and the world's replies."""

    def __init__(self, channel: Channel) -> None:
        self.channel = channel
        self.now = 0.0
        self.busy = 1
        self.cond = threading.Condition(threading.RLock())
        self.waiters: list[_Waiter] = []
        self.replies: dict[int, dict[str, Any]] = {}
        self.awaiting: dict[int, tuple[asyncio.AbstractEventLoop, asyncio.Future[Any]]] = {}
        self.speaking = False

    def park(self, ready: Callable[[], bool], deadline: float | None = None,
             loop_idle: bool = False) -> None:
        """Wait, not busy, until `ready()` or the judge's clock reaches `deadline`. A wait on a
        thread that runs an event loop, but the loop's own wait for its next event (`loop_idle`),
        holds that loop: a run watching worker processes tells the judge (`_PoolWatch`)."""
        if not loop_idle and RUNTIME is not None and RUNTIME.pool_watch is not None \
                and _get_running_loop() is not None and not getattr(_starting, "on", False):
            RUNTIME.pool_watch.loop_blocked()
        with self.cond:
            waiter = _Waiter(ready, deadline)
            if self._due(waiter):
                return
            self.waiters.append(waiter)
            self.busy -= 1
            self.cond.notify_all()  # a waiter this thread made ready checks again
            try:
                while not self._due(waiter):
                    if self._still():
                        self._speak()
                    else:
                        self.cond.wait()
            finally:
                self.waiters.remove(waiter)
                self.busy += 1
                self.cond.notify_all()

    def _due(self, waiter: _Waiter) -> bool:
        return waiter.ready() or (waiter.deadline is not None and self.now >= waiter.deadline)

    def _still(self) -> bool:
        return (self.busy == 0 and not self.speaking
                and not any(self._due(waiter) for waiter in self.waiters))

    def _speak(self) -> None:
        deadlines = [waiter.deadline for waiter in self.waiters if waiter.deadline is not None]
        self.speaking = True
        try:
            self.channel.send({"op": "idle", "until": min(deadlines) if deadlines else None})
            answer = self.channel.receive()
            if answer.get("op") != "wake":
                os._exit(3)  # the judge gave up on this process
            self.now = max(self.now, float(answer["now"]))
            for reply in answer.get("replies", []):
                self._deliver(reply)
            for command in answer.get("commands", []):
                if RUNTIME is not None:
                    RUNTIME.command(command)
        finally:
            self.speaking = False
            self.cond.notify_all()

    def _deliver(self, reply: dict[str, Any]) -> None:
        if RUNTIME is not None:
            for handle, shape in reply.get("handles", {}).items():
                RUNTIME.proxy(int(handle), shape)
        number = reply["id"]
        if number in self.awaiting:
            loop, future = self.awaiting.pop(number)
            try:
                loop.call_soon_threadsafe(_settle, future, reply)
            except RuntimeError:  # that loop is closed: nobody waits for the reply any more
                pass
        else:
            self.replies[number] = reply

    def poke(self) -> None:
        with self.cond:
            self.cond.notify_all()

    def started(self) -> None:
        with self.cond:
            self.busy += 1

    def ended(self) -> None:
        with self.cond:
            self.busy -= 1
            self.cond.notify_all()


class Runtime:
    """What this process does for the judge: its clock, the handed objects, the reports."""

    def __init__(self, channel: Channel) -> None:
        self.channel = channel
        self.clock = Clock(channel)
        self.numbers = itertools.count(1)
        self.proxies: dict[int, object] = {}
        self.blocking: list[BlockingCall] = []
        self.slept_off_loop = 0.0  # seconds of time.sleep on threads that run no loop, ended
        self.calls = 0  # the judge's calls so far (a loop remembers in which it was made and ran)
        self.kept: dict[int, object] = {}  # objects the judge may use later, by number
        self.tasks: dict[int, asyncio.Task[Any]] = {}  # tasks a scenario started, by number
        self.task_numbers = itertools.count(1)
        self.scenario_loop: asyncio.AbstractEventLoop | None = None
        self.finish: asyncio.Future[None] | None = None
        self.solution: Any = None
        self.loop_spy: Any = None
        self.loops: list[JudgedLoop] = []
        self.finished: set[int] = set()  # idents of threads that ended (for join)
        self.at_return: dict[int, Any] = {}  # values of started tasks, read as they returned
        self.clock_spy: ClockSpy | None = None  # while a call spies on clocks: its loops' too
        self.own: set[asyncio.Task[Any]] = set()  # tasks the runtime runs for the judge
        self.left_at_return: list[Any] = []  # tasks pending when a call's coroutine returned
        self.pools_made: list[Any] = []  # process pools of this check's calls (`_PoolWatch`)
        self.turns: _Observer | None = None  # the call's turns observer (`turns=`), while it runs
        self.pool_watch: _PoolWatch | None = None  # a call that hands work to processes (`processes`)
        self.forged = False  # for the kit's tests: no self-report is sent (as a liar would not)

    # --- handed objects ---------------------------------------------------------------------

    def proxy(self, number: int, shape: dict[str, Any]) -> object:
        if number not in self.proxies:
            self.proxies[number] = _make_proxy(self, number, shape)
        return self.proxies[number]

    def number_of(self, value: object) -> int | None:
        return next((number for number, proxy in self.proxies.items() if proxy is value), None)

    def keep(self, value: object) -> int:
        """Keep `value` for the judge, under a number (the same object keeps its number)."""
        for number, kept in self.kept.items():
            if kept is value:
                return number
        number = len(self.kept) + 1
        self.kept[number] = value
        return number

    def keep_callable(self, value: object) -> int | None:
        return self.keep(value) if callable(value) else None

    def encode(self, value: Any, keep_all: bool = False) -> Any:
        """`value` for the judge: handles by number; callables (and, with `keep_all`, every
        object that is not data) kept here by number."""
        return wire.encode(value, self.number_of, keep=self.keep if keep_all else self.keep_callable)

    def command(self, command: dict[str, Any]) -> None:
        """A scenario's command from the judge: done on the scenario's loop, in order."""
        loop = self.scenario_loop
        if loop is None or loop.is_closed():
            return
        for handle, shape in command.get("handles", {}).items():
            self.proxy(int(handle), shape)
        if command.get("op") == "mark":  # answered from the loop's next turn, before any task
            loop.call_soon_threadsafe(self.channel.send, {"op": "result", "id": command.get("id")})
            return
        loop.call_soon_threadsafe(lambda: self.own.add(_ours(loop.create_task(_perform(self, command)))))

    def arguments(self, data: Any) -> Any:
        """Decoded data from the judge, with each handle replaced by its proxy."""
        value = wire.decode(data)
        return self._with_proxies(value)

    def _with_proxies(self, value: Any) -> Any:
        if isinstance(value, wire.HandleRef):
            return self.proxies[value.number]
        if isinstance(value, wire.Raised):  # an exception the world hands over (an error to report)
            return _rebuilt(value)
        if isinstance(value, wire.CallRef):
            return self.awaitable(value)
        if isinstance(value, list):
            return [self._with_proxies(item) for item in value]
        if isinstance(value, tuple):
            return tuple(self._with_proxies(item) for item in value)
        if isinstance(value, dict):
            return {key: self._with_proxies(item) for key, item in value.items()}
        return value

    def by_reference(self, value: Any) -> Any:
        """`value` for the judge, kept here by number unless it is a plain value (str, int,
        float, bool, None): lists and dicts too, so the judge can act on the object itself."""
        if value is None or type(value) in (str, int, float, bool):
            return wire.encode(value)
        number = self.number_of(value)
        if number is not None:
            return {"$": "handle", "v": number}
        return wire.encode_kept(value, self.keep(value))

    def awaitable(self, ref: wire.CallRef) -> Any:
        """The coroutine of a handed object's async method, as the judge handed it over: bare,
        started as a task, or in a `Later`. Made on the loop that runs the call: decoded before
        any loop runs, it waits in a `_MakeLater` for `_started`."""
        if _get_running_loop() is None:
            return _MakeLater(ref)
        target = self._with_proxies(ref.target)
        coroutine = getattr(target, ref.method)(*(self._with_proxies(arg) for arg in ref.args))
        if ref.wrap == "awaitable":
            return Later(coroutine)
        if ref.wrap == "task":
            return asyncio.ensure_future(coroutine)
        return coroutine

    def invoke(self, number: int, method: str, args: tuple[Any, ...],
               kwargs: dict[str, Any], notify: bool = False, by_reference: bool = False) -> int:
        """Tell the judge a handed object's method was called; the number its reply will carry
        (none for a notification: the caller goes on at once)."""
        call = next(self.numbers)
        loop = _get_running_loop()
        task = asyncio.current_task(loop) if loop is not None else None
        if by_reference:
            encoded_args: Any = [self.by_reference(arg) for arg in args]
            encoded_kwargs: Any = {"$": "dict", "v": [[key, self.by_reference(value)]
                                                       for key, value in kwargs.items()]}
        else:
            encoded_args, encoded_kwargs = self.encode(list(args)), self.encode(dict(kwargs))
        self.channel.send({
            "op": "invoke", "id": call, "handle": number, "method": method,
            "args": encoded_args, "kwargs": encoded_kwargs,
            "thread": threading.current_thread().name, "on_loop": loop is not None,
            "task": task.get_name() if task is not None else None, "notify": notify,
        })
        turns = self.turns
        if turns is not None and number in turns.after:
            turns.wake(loop)
        return call

    async def invoke_async(self, number: int, method: str, args: tuple[Any, ...],
                           kwargs: dict[str, Any], by_reference: bool = False,
                           tidy: bool = False) -> Any:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        with self.clock.cond:
            call = self.invoke(number, method, args, kwargs, by_reference=by_reference)
            self.clock.awaiting[call] = (loop, future)
        try:
            return await future
        except asyncio.CancelledError:
            with self.clock.cond:
                waiting = self.clock.awaiting.pop(call, None)
            self.channel.send({"op": "cancel", "id": call})
            if not tidy or waiting is None:  # (None: the method had ended, its reply was in)
                raise
        # A "tidy" method ends in its own time once cancelled: wait for its end (a second
        # cancellation meanwhile changes nothing), then raise what it ended with.
        while True:
            ended: asyncio.Future[Any] = loop.create_future()
            with self.clock.cond:
                if call in self.clock.replies:
                    return _unpack(self.clock.replies.pop(call))
                self.clock.awaiting[call] = (loop, ended)
            try:
                return await ended
            except asyncio.CancelledError:
                if not ended.cancelled():
                    raise  # the method's own end: a CancelledError it ended with

    def invoke_sync(self, number: int, method: str, args: tuple[Any, ...],
                    kwargs: dict[str, Any], blocks: bool = True) -> Any:
        """A plain method: the calling thread waits for the judge's answer. One that `blocks`
        (takes the world's time) is reported when called on an event loop's thread; a query
        (answered at once) is not."""
        if blocks and _get_running_loop() is not None:
            self.blocking.append(BlockingCall(method, 0, caller_location()))
        call = self.invoke(number, method, args, kwargs)
        self.clock.park(lambda: call in self.clock.replies)
        with self.clock.cond:
            reply = self.clock.replies.pop(call)
        return _unpack(reply)

    # --- time ---------------------------------------------------------------------------------

    def sleep(self, seconds: float) -> None:
        """time.sleep here: the thread waits `seconds` of the judge's time. On a thread that runs
        an event loop it is also reported: it freezes every coroutine meanwhile."""
        seconds = float(seconds)
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        on_loop = _get_running_loop() is not None
        if on_loop:
            self.blocking.append(BlockingCall("time.sleep", seconds, caller_location()))
        deadline = self.clock.now + seconds
        self.clock.park(lambda: False, deadline)
        if not on_loop:
            self.slept_off_loop += seconds

    def new_loop(self) -> JudgedLoop:
        made = JudgedLoop(self)
        self.loops.append(made)
        if self.clock_spy is not None:
            # A busy wait on loop.time() is counted (and ended) as one on time.monotonic() is.
            self.clock_spy.watch_loop(made)
        return made


class Later:
    """An awaitable that is neither a coroutine nor a future: an object with `__await__` (what
    a check hands over as a `wire.CallRef` with wrap="awaitable")."""

    __slots__ = ("_coroutine",)

    def __init__(self, coroutine: Any) -> None:
        self._coroutine = coroutine

    def __await__(self) -> Any:
        return self._coroutine.__await__()


@dataclass
class _MakeLater:
    """An awaitable the judge handed over (a `wire.CallRef`), decoded before any loop ran:
    `_started` makes it on the loop that runs the call, before the student's function is called."""

    ref: wire.CallRef


def _started(value: Any) -> Any:
    """`value` with each `_MakeLater` in it (at any depth of lists, tuples and dicts) made."""
    if isinstance(value, _MakeLater):
        return RUNTIME.awaitable(value.ref) if RUNTIME is not None else None
    if type(value) is list:
        return [_started(item) for item in value]
    if type(value) is tuple:
        return tuple(_started(item) for item in value)
    if type(value) is dict:
        return {key: _started(item) for key, item in value.items()}
    return value


class _Observer:
    """The turns observer of a call (`turns=` on the judge's side): a task on the call's loop,
    woken at once by each call of a watched handed object (on the loop's thread, as the call is
    made; from another thread, through the loop); each time it gets a turn it tells the judge
    (`turn`, a notification), so the judge counts the watched calls made before each turn."""

    def __init__(self, observer: Any, after: set[int]) -> None:
        self.observer, self.after = observer, after
        self.loop: asyncio.AbstractEventLoop | None = None
        self.event: asyncio.Event | None = None

    async def run(self) -> None:
        self.loop, self.event = asyncio.get_running_loop(), asyncio.Event()
        while True:
            await self.event.wait()
            self.event.clear()
            self.observer.turn()

    def wake(self, loop: asyncio.AbstractEventLoop | None) -> None:
        if self.loop is None or self.event is None:
            return
        if loop is self.loop:
            self.event.set()
            return
        try:
            self.loop.call_soon_threadsafe(self.event.set)
        except RuntimeError:  # that loop is closed: the call is over
            pass


def _unpack(reply: dict[str, Any]) -> Any:
    if "error" in reply:
        raise _rebuilt(wire.decode_error(reply["error"]))
    return RUNTIME.arguments(reply.get("value")) if RUNTIME is not None else None


def _settle(future: asyncio.Future[Any], reply: dict[str, Any]) -> None:
    if future.done():
        return
    try:
        future.set_result(_unpack(reply))
    except BaseException as error:  # noqa: BLE001 - the world's error, for the awaiting code
        future.set_exception(error)


_ERRORS: dict[str, type[BaseException]] = {"CancelledError": asyncio.CancelledError,
                                           "InvalidStateError": asyncio.InvalidStateError}


def _error_class(name: str, bases: tuple[str, ...]) -> type[BaseException]:
    """The class of an exception the judge's world raised: Python's own by that name, or one
    made here with that name on the nearest of its bases that is Python's (the checks' own
    exception classes, `JobFailed(Exception)`, are not importable by the student's code)."""
    import builtins

    if name in _ERRORS:
        return _ERRORS[name]
    found = getattr(builtins, name, None)
    if isinstance(found, type) and issubclass(found, BaseException):
        return found
    base = next((_error_class(other, ()) for other in bases[1:]
                 if other in _ERRORS or isinstance(getattr(builtins, other, None), type)),
                Exception)
    made = type(name, (base,), {"__module__": "world"})
    _ERRORS[name] = made
    return made


def _rebuilt(raised: wire.Raised) -> BaseException:
    """The judge's world raised `raised`: the same exception, raised here to the student's code."""
    kind = _error_class(raised.type_name, raised.bases)
    try:
        return kind(*raised.args)
    except Exception:  # noqa: BLE001
        return RuntimeError(raised.text)


def _make_proxy(runtime: Runtime, number: int, shape: dict[str, Any]) -> object:
    """An object whose methods are messages to the judge (its `shape`: class name, methods)."""
    by_reference = shape.get("by_reference") is True
    if isinstance(shape.get("process_func"), dict):
        return _process_func_for(shape["process_func"])
    if shape.get("methods") == {"__call__": "async"}:
        return _function(runtime, number, str(shape["name"]), by_reference)
    namespace: dict[str, Any] = {"__repr__": lambda self: shape.get("repr", shape["name"]),
                                 "__slots__": ()}
    for attribute, data in shape.get("attributes", {}).items():
        if not attribute.startswith("_"):
            namespace[attribute] = wire.decode(data)
    for method, kind in shape.get("methods", {}).items():
        namespace[method] = _method(runtime, number, method, kind, by_reference)
    kind_of_proxy = type(shape["name"], (), namespace)
    return kind_of_proxy()


def _function(runtime: Runtime, number: int, name: str,
              by_reference: bool = False) -> Callable[..., Any]:
    """A handed object whose only method is an "async" `__call__`: a plain coroutine function
    here (`async def`, as a job or a fetch the world hands over is); each call is a message."""
    async def function(*args: Any, **kwargs: Any) -> Any:
        return await runtime.invoke_async(number, "__call__", args, kwargs, by_reference)

    function.__name__ = function.__qualname__ = name
    return function


def _method(runtime: Runtime, number: int, method: str, kind: str,
            by_reference: bool = False) -> Callable[..., Any]:
    if kind in ("async", "tidy"):
        async def call_async(self: object, *args: Any, **kwargs: Any) -> Any:
            return await runtime.invoke_async(number, method, args, kwargs, by_reference,
                                              tidy=kind == "tidy")

        call_async.__name__ = call_async.__qualname__ = method
        return call_async

    if kind == "notify":
        def call_notify(self: object, *args: Any, **kwargs: Any) -> None:
            runtime.invoke(number, method, args, kwargs, notify=True)

        call_notify.__name__ = call_notify.__qualname__ = method
        return call_notify

    def call_sync(self: object, *args: Any, **kwargs: Any) -> Any:
        return runtime.invoke_sync(number, method, args, kwargs, blocks=kind == "sync")

    call_sync.__name__ = call_sync.__qualname__ = method
    return call_sync


class _JudgedSelector:
    """The loop's selector, asked first without waiting; when nothing is ready the loop parks in
    the clock until the judge's time reaches its next timer or someone wakes it."""

    def __init__(self, real: Any, loop: JudgedLoop, clock: Clock) -> None:
        self._real, self._loop, self._clock = real, loop, clock

    def select(self, timeout: float | None = None) -> Any:
        with self._clock.cond:
            events = self._real.select(0)
            if events or timeout == 0 or self._loop.poked:
                self._loop.poked = False
                return events
            deadline = None if timeout is None else self._clock.now + timeout
            self._loop.asleep = True
            try:
                watch = self._loop.pool_watch
                if watch is not None:
                    watch.loop_idle()
                self._clock.park(lambda: self._loop.poked, deadline, loop_idle=True)
            finally:
                self._loop.asleep = False
            self._loop.poked = False
        return self._real.select(0)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


class JudgedLoop(asyncio.SelectorEventLoop):
    """An event loop whose clock is the judge's."""

    def __init__(self, runtime: Runtime) -> None:
        super().__init__()
        self.poked = False
        self.asleep = False  # parked in its selector: nothing to run until woken or a timer
        self.pool_watch: _PoolWatch | None = None  # the run's, on the loop that runs its call
        self._runtime = runtime
        self.made_in = runtime.calls
        self.ran_in: set[int] = set()
        self._clock_of = runtime.clock
        self._selector = _JudgedSelector(self._selector, self, runtime.clock)  # type: ignore[assignment]

    def time(self) -> float:
        return self._clock_of.now

    def run_forever(self) -> None:
        self.ran_in.add(self._runtime.calls)
        super().run_forever()

    def _write_to_self(self) -> None:
        with self._clock_of.cond:
            self.poked = True
            super()._write_to_self()
            self._clock_of.cond.notify_all()


class _JudgedPolicy(asyncio.DefaultEventLoopPolicy):
    """New loops, asyncio.run's among them, are judged loops."""

    def new_event_loop(self) -> asyncio.AbstractEventLoop:
        assert RUNTIME is not None
        return RUNTIME.new_loop()


RUNTIME: Runtime | None = None


def _install(runtime: Runtime) -> None:
    """Route time, threads and new loops of this process through the runtime."""
    global RUNTIME
    RUNTIME = runtime
    clock = runtime.clock

    def sleep(seconds: float) -> None:
        runtime.sleep(seconds)

    leaving: set[int] = set()  # pool workers told to exit: busy until they have
    held: set[int] = set()  # those of them counted busy until they exit
    working: set[int] = set()  # pool workers running a work item (counted busy by the item)

    def start(thread: threading.Thread) -> None:
        counted = getattr(thread, "_target", None) is not _pool_worker
        account = None if counted else pool_account(_worker_queue(thread))
        run = thread.run

        def run_counted() -> None:
            if not counted:
                _in_pool.account = account  # for its work items (`run_item`)
                clock.ended()  # a pool worker that runs: busy now are the work items it takes
            try:
                run()
            finally:
                with clock.cond:
                    runtime.finished.add(id(thread))
                    if counted or id(thread) in held:
                        clock.busy -= 1
                    leaving.discard(id(thread))
                    held.discard(id(thread))
                    clock.cond.notify_all()

        thread.run = run_counted  # type: ignore[method-assign]
        with clock.cond:
            # A thread object may reuse the id of one that ended: this one has neither ended
            # nor been told to leave (else a pool worker's exit would count as a busy thread's).
            runtime.finished.discard(id(thread))
            leaving.discard(id(thread))
            held.discard(id(thread))
        # Every thread is busy from its start, a pool worker until it runs: the thread that
        # starts it parks until it has started, and the process is not still meanwhile (a pool
        # worker counted by nothing let it say it was idle while the new thread was starting).
        clock.started()
        _starting.on = True  # its wait for the thread to start blocks nothing for long
        try:
            _thread_start(thread)
        except BaseException:
            clock.ended()
            raise
        finally:
            _starting.on = False

    def join(thread: threading.Thread, timeout: float | None = None) -> None:
        if thread.ident is not None and thread is not threading.current_thread():
            deadline = None if timeout is None else clock.now + max(0.0, timeout)
            clock.park(lambda: id(thread) in runtime.finished, deadline)
            if id(thread) not in runtime.finished:
                return
        _thread_join(thread, timeout)

    # Per pool, by its work queue: gone with the pool and its workers.
    accounts: weakref.WeakKeyDictionary[Any, _PoolAccount] = weakref.WeakKeyDictionary()

    def pool_account(queue: Any) -> _PoolAccount | None:
        """The account of the pool whose work queue is `queue` (opened on first use)."""
        with clock.cond:
            try:
                account = accounts.get(queue)
                if account is None:
                    account = accounts[queue] = _PoolAccount()
            except TypeError:  # no queue that a weak reference can keep: items count as busy
                return None
            return account

    def submit(pool: Any, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        # The work item is busy from now until it has run, unless every worker of its pool has
        # an item already: then it waits for one of them, and is busy once that item ends.
        account = pool_account(getattr(pool, "_work_queue", None))
        with clock.cond:
            waits = account is not None \
                and account.queued >= getattr(pool, "_max_workers", 1)
            if account is not None:
                account.queued += 1
                account.deferred += waits
            if not waits:
                clock.busy += 1
        try:
            return _pool_submit(pool, fn, *args, **kwargs)
        except BaseException:
            with clock.cond:
                if account is not None:
                    account.queued -= 1
                    account.deferred -= waits
                if not waits:
                    clock.busy -= 1
                clock.cond.notify_all()
            raise

    def shutdown(pool: Any, wait: bool = True, *, cancel_futures: bool = False) -> None:
        # Each idle worker wakes up to exit: busy until it has (a join may be waiting for it).
        with clock.cond:
            for thread in list(getattr(pool, "_threads", ())):
                if id(thread) not in runtime.finished and id(thread) not in leaving:
                    leaving.add(id(thread))
                    # One running a work item is counted busy by it (a call of the world it
                    # waits in parks it): its item's count carries over when the item ends.
                    if id(thread) not in working:
                        held.add(id(thread))
                        clock.busy += 1
        _dropping.on, _dropping.account = cancel_futures, pool_account(
            getattr(pool, "_work_queue", None))
        try:
            _pool_shutdown(pool, wait=wait, cancel_futures=cancel_futures)
        finally:
            _dropping.on, _dropping.account = False, None

    def dropped() -> None:
        """An item of the pool this thread shuts down, dropped from its queue: it will never
        run, so it is counted as ended (else its count held the process busy for ever)."""
        account: _PoolAccount | None = _dropping.account
        with clock.cond:
            if account is not None and account.queued:
                account.queued -= 1
            if account is not None and account.deferred:
                account.deferred -= 1  # one that waited for a worker: counted by nothing
            else:
                clock.busy -= 1
            clock.cond.notify_all()

    def run_item(item: Any) -> None:
        me = id(threading.current_thread())
        account: _PoolAccount | None = getattr(_in_pool, "account", None)
        with clock.cond:
            working.add(me)
        try:
            _item_run(item)
        finally:
            with clock.cond:
                working.discard(me)
                if account is not None and account.queued:
                    account.queued -= 1
                if account is not None and account.deferred:
                    account.deferred -= 1  # this worker takes the next waiting item: still busy
                elif me in leaving and me not in held:
                    held.add(me)  # told to exit meanwhile: busy, now as a leaving thread
                else:
                    clock.busy -= 1
                clock.cond.notify_all()

    def event_wait(event: threading.Event, timeout: float | None = None) -> bool:
        if not event.is_set():
            deadline = None if timeout is None else clock.now + max(0.0, timeout)
            clock.park(event.is_set, deadline)
        return event.is_set()

    def event_set(event: threading.Event) -> None:
        _event_set(event)
        clock.poke()

    def waiting(read: Callable[..., Any]) -> Callable[..., Any]:
        def wait_then_read(future: concurrent.futures.Future[Any],
                           timeout: float | None = None) -> Any:
            if not future.done():
                deadline = None if timeout is None else clock.now + max(0.0, timeout)
                clock.park(future.done, deadline)
            if not future.done():
                raise concurrent.futures.TimeoutError()
            return read(future)

        return wait_then_read

    def poking(change: Callable[..., Any]) -> Callable[..., Any]:
        def changed(future: concurrent.futures.Future[Any], *args: Any) -> Any:
            result = change(future, *args)
            clock.poke()
            return result

        return changed

    def cancelling(future: concurrent.futures.Future[Any]) -> bool:
        # The pool's shutdown cancels each item it drops, and nothing else, while it holds
        # the pool's lock (its joins come after): each cancel made meanwhile is a dropped item.
        result = _future_changes["cancel"](future)
        if getattr(_dropping, "on", False):
            dropped()
        clock.poke()
        return result

    threading.Event.wait = event_wait  # type: ignore[method-assign]
    threading.Event.set = event_set  # type: ignore[method-assign]
    concurrent.futures.Future.result = waiting(_future_result)  # type: ignore[method-assign]
    concurrent.futures.Future.exception = waiting(_future_exception)  # type: ignore[method-assign]
    for name, change in _future_changes.items():
        setattr(concurrent.futures.Future, name, poking(change))
    concurrent.futures.Future.cancel = cancelling  # type: ignore[method-assign]
    time.sleep = sleep
    threading.Thread.start = start  # type: ignore[method-assign]
    threading.Thread.join = join  # type: ignore[method-assign]
    concurrent.futures.ThreadPoolExecutor.submit = submit  # type: ignore[method-assign]
    concurrent.futures.ThreadPoolExecutor.shutdown = shutdown  # type: ignore[method-assign]
    futures_thread._WorkItem.run = run_item  # type: ignore[method-assign]
    asyncio.set_event_loop_policy(_JudgedPolicy())
    loops.JUDGED.new_loop = runtime.new_loop


# --- work handed to worker processes (exercise 13) ----------------------------------------------

# The process that serves the judge (a process forked from it runs worker processes' calls).
_SUBMISSION_PID = 0
# Sockets of this runtime that no process forked from it may use (the judge's, a beat's).
_RUNTIME_SOCKETS: list[socket.socket] = []


def _process_func_for(shape: dict[str, Any]) -> workercall.ProcessFunc:
    token, address = str(shape.get("token", "")), str(shape.get("address", ""))
    workercall.ADDRESSES[token] = address
    return workercall.ProcessFunc(token)


def _describe_caller() -> dict[str, Any]:
    """What a call of func adds to its message from a process forked from this one (a
    self-report, for the judge's messages): the thread, whether a loop runs there, and in this
    process itself the line of the student's code."""
    described: dict[str, Any] = {"thread": threading.current_thread().name,
                                 "on_loop": _get_running_loop() is not None}
    if os.getpid() == _SUBMISSION_PID:
        described["location"] = _where(caller_location())
    return described


class _PoolWatch:
    """A call whose func goes to worker processes (`processes` in the request). While it runs:
    a pool made without max_workers is sized for `cpus` cores (the same on every machine), and
    pools start their workers by fork; the pools made are noted (a self-report, for messages).
    It tells the judge (self-reports, which can only cost: a submission that hides them waits
    for ever instead) when the loop's thread waits in a blocking call, and when the loop has
    nothing to do while every call submitted, all from the loop's thread, fits in fewer than
    `barrier` worker processes at once. With `beat`, a thread of the runtime answers the judge's
    pings through the loop: the answer comes only from a turn the loop gets."""

    def __init__(self, runtime: Runtime, options: dict[str, Any]) -> None:
        self.runtime = runtime
        self.barrier = int(options.get("barrier") or 0)
        self.cpus = int(options.get("cpus") or 2)
        self.beat_address = options.get("beat") if type(options.get("beat")) is str else None
        self.hold = options.get("hold") is True
        self.pending_told: int | None = None
        self.pools: list[dict[str, Any]] = []  # process pools, in the order made
        self.thread_pools: list[dict[str, Any]] = []
        self._executors: list[Any] = []  # the process pools themselves (by position)
        self.elsewhere = False  # a submission came from another thread than the loop's
        self.loop: asyncio.AbstractEventLoop | None = None
        self.loop_thread = 0
        self.noted: set[str] = set()
        self.beat: socket.socket | None = None
        self.pinged: Any = None  # held while the thread that passes pings runs

    def note(self, kind: str, **data: Any) -> None:
        if kind in self.noted or self.runtime.forged:
            return
        self.noted.add(kind)
        try:
            self.runtime.channel.send({"op": "note", "kind": kind, **data})
        except OSError:
            pass

    def loop_blocked(self) -> None:
        if _get_running_loop() is self.loop and self.loop is not None:
            self.note("loop_blocked", location=_where(caller_location()))

    def loop_idle(self) -> None:
        if self.hold:
            self._tell_pending()
        if self.barrier <= 0 or self.elsewhere or "settled" in self.noted:
            return
        at_once = sum(min(pool["max_workers"], pool["submitted"]) for pool in self.pools)
        if 0 < at_once < self.barrier:
            self.note("settled", at_once=at_once)

    def _tell_pending(self) -> None:
        """How many calls submitted to the pools are unfinished, each time it changes while the
        loop has nothing to do (the judge holds one call and gives it up once it is the only
        one). Told only while no thread but the loop's could submit more (a pool's own threads
        never do): the count is then the loop's last word until the loop runs again, and a
        count that a thread could raise at any moment is never told, so the judge never gives
        up a call on a count gone stale."""
        if self.runtime.forged or self.elsewhere or not self._only_the_loop_submits():
            return
        pending = sum(len(getattr(executor, "_pending_work_items", None) or ())
                      for executor in self._executors)
        if pending == self.pending_told:
            return
        self.pending_told = pending
        try:
            self.runtime.channel.send({"op": "note", "kind": "pending", "count": pending})
        except OSError:
            pass

    def _only_the_loop_submits(self) -> bool:
        """Whether every thread alive but the loop's is the runtime's or a process pool's own
        (its manager, its queues' feeders): none of those submits work."""
        from concurrent.futures.process import _ExecutorManagerThread

        for thread in threading.enumerate():
            if thread.ident == self.loop_thread or thread.ident in _OWN_THREADS \
                    or thread is threading.main_thread():  # the runtime's, serving the judge
                continue
            if isinstance(thread, _ExecutorManagerThread) or thread.name == "QueueFeederThread":
                continue
            return False
        return True

    # the run --------------------------------------------------------------------------------

    @contextmanager
    def patched(self) -> Iterator[None]:
        import multiprocessing

        pools, threads = concurrent.futures.ProcessPoolExecutor, concurrent.futures.ThreadPoolExecutor
        originals = [(pools, "__init__", pools.__dict__["__init__"]),
                     (pools, "submit", pools.__dict__["submit"]),
                     (pools, "shutdown", pools.__dict__["shutdown"]),
                     (threads, "__init__", threads.__dict__["__init__"]),
                     (os, "cpu_count", os.cpu_count)]
        if hasattr(os, "process_cpu_count"):
            originals.append((os, "process_cpu_count", os.process_cpu_count))
        method = multiprocessing.get_start_method(allow_none=True)
        watch = self

        def pool_init(executor: Any, max_workers: int | None = None, *args: Any,
                      **kwargs: Any) -> None:
            originals[0][2](executor, max_workers, *args, **kwargs)
            context = getattr(executor, "_mp_context", None)
            watch._executors.append(executor)
            watch.pools.append({"max_workers": int(getattr(executor, "_max_workers", 1)),
                                "asked": max_workers if type(max_workers) is int else None,
                                "location": _where(caller_location()),
                                "forks": context is None or context.get_start_method() == "fork",
                                "submitted": 0, "shut_down": False})

        def pool_submit(executor: Any, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
            if threading.get_ident() != watch.loop_thread:
                watch.elsewhere = True
            future = originals[1][2](executor, fn, *args, **kwargs)
            for made, pool in zip(watch._executors, watch.pools, strict=False):
                if made is executor:
                    pool["submitted"] += 1
            return future

        def pool_shutdown(executor: Any, *args: Any, **kwargs: Any) -> Any:
            waits = bool(args[0] if args else kwargs.get("wait", True))
            for made, pool in zip(watch._executors, watch.pools, strict=False):
                if made is executor and not pool["shut_down"]:
                    pool["shut_down"] = True
                    pool["waited"] = pool.get("waited") is True or waits
                    # Where, and whether it waited for calls still running on the loop's
                    # thread (for a message: a with-block left before its calls were awaited).
                    pool["shut_down_at"] = _where(caller_location())
                    pool["by_with"] = sys._getframe(1).f_code.co_name == "__exit__"
                    pool["busy_on_loop"] = waits and threading.get_ident() == watch.loop_thread \
                        and bool(getattr(executor, "_pending_work_items", None))
            return originals[2][2](executor, *args, **kwargs)

        def thread_init(executor: Any, max_workers: int | None = None, *args: Any,
                        **kwargs: Any) -> None:
            originals[3][2](executor, max_workers, *args, **kwargs)
            watch.thread_pools.append({"max_workers": int(getattr(executor, "_max_workers", 1)),
                                       "location": _where(caller_location())})

        replaced = [pool_init, pool_submit, pool_shutdown, thread_init, lambda: watch.cpus,
                    lambda: watch.cpus]
        for (owner, name, _), replacement in zip(originals, replaced, strict=False):
            setattr(owner, name, replacement)
        multiprocessing.set_start_method("fork", force=True)
        _fresh_interpreters_stay_light()
        try:
            yield
        finally:
            for owner, name, original in originals:
                setattr(owner, name, original)
            multiprocessing.set_start_method(method, force=True)
            # Each pool made stays referenced until the next check: one the student's code never
            # shut down would otherwise be shut down by the collector as its last reference goes,
            # sooner or later after compute_all returned, and the judge, which looks at its
            # worker processes then, would see them running or not by chance.
            self.runtime.pools_made.extend(self._executors)

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        """On the loop that runs the call, as the student's coroutine starts."""
        self.loop, self.loop_thread = loop, threading.get_ident()
        if isinstance(loop, JudgedLoop):
            loop.pool_watch = self
        if self.beat_address is None:
            return
        beat = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            beat.connect("\0" + self.beat_address)
            wire.send(beat, {"op": "beat"})
        except OSError:
            beat.close()
            return
        self.beat = beat
        _RUNTIME_SOCKETS.append(beat)
        # The runtime's own thread, which no clock counts and threading does not list (a bare
        # thread: starting a threading.Thread waits on an Event the clock would count): it only
        # passes pings to the loop. Its lock is held until it ends.
        self.pinged = _thread.allocate_lock()
        self.pinged.acquire()
        _thread.start_new_thread(self._pass_pings, (beat, loop, self.pinged))

    def _pass_pings(self, beat: socket.socket, loop: asyncio.AbstractEventLoop,
                    running: Any) -> None:
        try:
            while True:
                ping = wire.receive(beat)
                loop.call_soon_threadsafe(self._pong, beat, ping.get("ping"))
        except (wire.WireError, OSError, RuntimeError):
            return
        finally:
            running.release()

    @staticmethod
    def _pong(beat: socket.socket, number: Any) -> None:
        try:
            wire.send(beat, {"op": "pong", "pong": number})
        except OSError:
            pass

    def stop(self) -> None:
        if isinstance(self.loop, JudgedLoop):
            self.loop.pool_watch = None
        beat, self.beat = self.beat, None
        if beat is not None:
            try:
                beat.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            beat.close()
            if beat in _RUNTIME_SOCKETS:
                _RUNTIME_SOCKETS.remove(beat)
        if self.pinged is not None:
            self.pinged.acquire(timeout=5.0)  # it ends as its socket closes
            self.pinged = None

    def report(self) -> dict[str, Any]:
        return {"process_pools": [dict(pool) for pool in self.pools],
                "thread_pools": [dict(pool) for pool in self.thread_pools]}


def _fresh_interpreters_stay_light() -> None:
    """Let a pool whose worker processes start a fresh interpreter (max_tasks_per_child, a spawn
    context) work here as in a program of the student's own, at no cost to the judge's view.

    - A fresh interpreter imports the parent's __main__ first; in this process that is the
      grading command, whose imports would cost each worker process a second of a loaded
      machine. The student's module is not __main__ here, so it loses nothing by skipping it.
    - Such a pool starts multiprocessing's resource tracker, a process that outlives the pool
      (it ends with this process): the judge, which holds every child of this process seen
      during a call to having ended once compute_all returns, would count it as a worker left
      running. The tracker only unlinks named semaphores left behind by a process that died;
      this process unlinks them as it stops (`_unlink_semaphores`), so it needs none.
    Installed once, for the process's life: a pool collected after its check still unregisters
    its semaphores, which would start the tracker then."""
    import multiprocessing.resource_tracker as tracker
    import multiprocessing.spawn as spawn

    if getattr(spawn.get_preparation_data, "stays_light", False):
        return
    preparation = spawn.get_preparation_data

    def light_preparation(name: str) -> dict[str, Any]:
        data = preparation(name)
        data.pop("init_main_from_path", None)
        data.pop("init_main_from_name", None)
        return data

    light_preparation.stays_light = True  # type: ignore[attr-defined]
    spawn.get_preparation_data = light_preparation
    nowhere = os.open(os.devnull, os.O_WRONLY)
    tracker.register = tracker.unregister = lambda name, rtype: None
    tracker.ensure_running = lambda: None
    tracker.getfd = lambda: nowhere


def _unlink_semaphores() -> None:
    """Unlink the named semaphores of pools that started fresh interpreters (no resource tracker
    does it here, `_fresh_interpreters_stay_light`): they would outlive this process."""
    util = sys.modules.get("multiprocessing.util")
    if util is not None:
        try:
            util._run_finalizers(0)
        except Exception:  # noqa: BLE001 - the process is ending: nothing may keep it
            pass


def _watching_pools(runtime: Runtime, function: Callable[..., Any],
                    watch: _PoolWatch) -> Callable[..., Any]:
    async def watched(*args: Any, **kwargs: Any) -> Any:
        watch.start(asyncio.get_running_loop())
        try:
            return await function(*args, **kwargs)
        finally:
            watch.stop()

    return watched


def _after_fork_in_child() -> None:
    """In a process forked from this one (a worker process of a pool): nothing of the runtime
    goes on there. Its sockets are closed (that process must not write to the judge's) and time,
    threads and futures are Python's own again."""
    global RUNTIME
    if RUNTIME is None:
        return
    RUNTIME = None
    for sock in _RUNTIME_SOCKETS:
        try:
            sock.close()
        except OSError:
            pass
    _RUNTIME_SOCKETS.clear()
    time.sleep = _real_sleep
    threading.Thread.start = _thread_start  # type: ignore[method-assign]
    threading.Thread.join = _thread_join  # type: ignore[method-assign]
    threading.Event.wait = _event_wait  # type: ignore[method-assign]
    threading.Event.set = _event_set  # type: ignore[method-assign]
    concurrent.futures.Future.result = _future_result  # type: ignore[method-assign]
    concurrent.futures.Future.exception = _future_exception  # type: ignore[method-assign]
    for name, change in _future_changes.items():
        setattr(concurrent.futures.Future, name, change)
    concurrent.futures.ThreadPoolExecutor.submit = _pool_submit  # type: ignore[method-assign]
    concurrent.futures.ThreadPoolExecutor.shutdown = _pool_shutdown  # type: ignore[method-assign]
    futures_thread._WorkItem.run = _item_run  # type: ignore[method-assign]
    asyncio.set_event_loop_policy(None)


# --- serving the judge --------------------------------------------------------------------------


def serve(sock: socket.socket, module_name: str, forged_reports: bool = False) -> None:
    """The submission process's life: answer the judge's requests until it says stop."""
    global _SUBMISSION_PID
    runtime = Runtime(Channel(sock))
    runtime.forged = forged_reports
    _install(runtime)
    _SUBMISSION_PID = os.getpid()
    workercall.DESCRIBE_CALLER = _describe_caller
    _RUNTIME_SOCKETS.append(sock)
    if hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=_after_fork_in_child)
    if hasattr(signal, "SIGUSR1"):
        signal.signal(signal.SIGUSR1, lambda _signal, frame: _tell_where(runtime, frame))
    solution = Solution(module_name)
    # What the judge's process held when it forked this one is no garbage of the student's: the
    # collections each run makes (to find what it leaked) skip it.
    gc.freeze()
    while True:
        try:
            request = runtime.channel.receive()
        except wire.WireError:
            os._exit(0)  # the judge has gone
        if request["op"] == "stop":
            _unlink_semaphores()
            os._exit(0)
        if request["op"] == "reset":  # the next check of this exercise: this process serves on
            clean = _nothing_goes_on() and _at_rest(runtime.clock)
            if clean:
                solution = Solution(module_name)
                _forget_the_last_check(runtime, module_name)
            runtime.channel.send({"op": "reset", "clean": clean})
            continue
        runtime.clock.now = float(request.get("now", runtime.clock.now))
        answer = _answer(runtime, solution, request)
        if forged_reports:
            answer = _as_a_clean_run(answer)
        runtime.channel.send(_with_prints(answer))


# Threads of this runtime that live as long as the process (not the student's).
_OWN_THREADS: set[int] = set()


def _nothing_goes_on() -> bool:
    """No thread but the runtime's own is alive and no child process: nothing of the last
    check can go on into the next."""
    if any(thread.ident not in _OWN_THREADS and thread is not threading.main_thread()
           for thread in threading.enumerate()):
        return False
    if hasattr(os, "WNOHANG"):
        try:
            os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return True
        return False
    return True


def _at_rest(clock: Clock) -> bool:
    """The clock's accounts closed as a fresh process's open: only this thread busy, nobody
    waiting, no reply pending (a count left over would hold the next check's runs busy, or idle,
    for ever)."""
    with clock.cond:
        return (clock.busy == 1 and not clock.waiters and not clock.awaiting
                and not clock.replies and not clock.speaking)


def _forget_the_last_check(runtime: Runtime, module_name: str) -> None:
    """As a fresh process would start the next check: the student's module unloaded (loaded
    again on first use), nothing of the judge's last world held, the output limit anew."""
    sys.modules.pop(module_name, None)
    runtime.pools_made.clear()
    runtime.proxies.clear()
    runtime.kept.clear()
    runtime.tasks.clear()
    runtime.loops.clear()
    runtime.finished.clear()
    runtime.blocking.clear()
    runtime.scenario_loop = runtime.finish = runtime.solution = runtime.loop_spy = None
    # A loop the last check's code installed as the thread's own is not the next one's (a fresh
    # policy, as a fresh process has: no loop set, none closed).
    asyncio.set_event_loop_policy(_JudgedPolicy())
    with warnings.catch_warnings():  # what the last check left is not the next one's to report
        warnings.simplefilter("ignore")
        gc.collect()
    gc.freeze()  # what is left is the runtime's: the collections each run makes skip it
    sys.stdout = sys.__stdout__ = _CappedOutput()
    sys.stderr = sys.__stderr__ = _CappedOutput()
    PRINTS.take()  # printed after the last check's answer: too late to show with it


def _tell_where(runtime: Runtime, frame: FrameType | None) -> None:
    """The judge ran out of patience: tell it where the student's code is (a self-report, for
    the message only)."""
    stop = stop_in_frame(frame)
    runtime.channel.try_send(_with_prints({
        "op": "where", "location": _where(stop.location), "function": stop.function,
        "code": stop.code, "loop_blocked": stop.loop_blocked}))


def _answer(runtime: Runtime, solution: Solution, request: dict[str, Any]) -> dict[str, Any]:
    runtime.blocking.clear()
    runtime.slept_off_loop = 0.0
    try:
        if request["op"] == "load":
            solution.module()
            return {"op": "done"}
        if request["op"] == "kinds":
            return {"op": "done", "kinds": _kinds(solution, request.get("names", [])),
                    "report": {"expected": request.get("expected", {})}}
        runtime.calls += 1
        watched = _watch(solution, request.get("watch", []))
        for number, shape in request.get("handles", {}).items():
            runtime.proxy(int(number), shape)
        _stand_in(runtime, solution, request.get("stand_ins", {}))
        if request.get("spy_pools"):
            return _spying_pools(runtime, solution, request, watched)
        if request.get("scenario"):
            answer = _run_scenario(runtime, solution, request)
            answer["report"]["watched"] = {name: [wire.encode(list(args)) for args in calls]
                                           for name, calls in watched.items()}
            return answer
        function = solution.function(request["function"], coroutine=request["coroutine"])
        args = runtime.arguments(request.get("args", []))
        kwargs = runtime.arguments(request.get("kwargs", {"$": "dict", "v": []}))
        if request["coroutine"]:
            if request.get("spy_loop"):
                function = _spied(runtime, function, request)
            answer = _run_coroutine(runtime, function, args, kwargs, request)
        else:
            answer = _run_function(runtime, function, args, kwargs, request)
        answer["report"]["watched"] = {name: [wire.encode(list(args)) for args in calls]
                                       for name, calls in watched.items()}
        return answer
    except Fail as failure:
        return {"op": "failed", "message": failure.message,
                "location": _where(failure.location)}


def _stand_in(runtime: Runtime, solution: Solution, stand_ins: dict[str, Any]) -> None:
    """Module functions replaced, for this run, by a handed object's method: the student's code
    calls the judge's version by the same name (or the method a stand-in names)."""
    if not stand_ins:
        return
    module = solution.module()
    for name, given in stand_ins.items():
        number, method = given if isinstance(given, list | tuple) else (given, name)
        setattr(module, name, getattr(runtime.proxies[int(number)], method))


def _spying_pools(runtime: Runtime, solution: Solution, request: dict[str, Any],
                  watched: dict[str, list[tuple[Any, ...]]]) -> dict[str, Any]:
    """The call, with the thread pools it makes (the module's own among them) reported."""
    from graders.probes.threads import spy_on_executors

    with spy_on_executors() as pools:
        answer = _answer(runtime, solution, {**request, "spy_pools": False, "watch": []})
        runtime.calls -= 1  # one call, not two
    report = answer.get("report")
    if isinstance(report, dict):
        report["pools"] = [{"max_workers": pool.max_workers, "location": _where(pool.location)}
                           for pool in pools.created]
        report["watched"] = {name: [wire.encode(list(args)) for args in calls]
                             for name, calls in watched.items()}
    return answer


def _run_scenario(runtime: Runtime, solution: Solution, request: dict[str, Any]) -> dict[str, Any]:
    """A scenario: the judge's script drives this loop by commands (start the student's
    coroutine as a task, cancel it, wait for it, call a kept callback from a new thread...);
    the loop runs until the judge says the script is over."""
    runtime.solution = solution

    async def executor() -> None:
        loop = asyncio.get_running_loop()
        runtime.scenario_loop, runtime.finish = loop, loop.create_future()
        runtime.own = {asyncio.current_task()}  # type: ignore[arg-type]
        try:
            with _loop_spy(request) as spy:
                runtime.loop_spy = spy
                await runtime.finish
        finally:
            runtime.scenario_loop = runtime.finish = None

    return _run_coroutine(runtime, executor, [], {}, request)


async def _perform(runtime: Runtime, command: dict[str, Any]) -> None:
    """Do one command of the judge's script and send back what came of it."""
    result: dict[str, Any] = {"op": "result", "id": command.get("id")}
    if command.get("op") == "callback" and command.get("quiet") and command.get("thread") == "new":
        _quiet_callback(runtime, command)  # its thread sends the result itself
        return
    try:
        result.update(await _do(runtime, command))
    except Fail as failure:
        result["failed"] = failure.message
        result["location"] = _where(failure.location)
    except BaseException as error:  # noqa: BLE001 - the student's code raised: the judge's to read
        result["error"] = _error_of(error)
    runtime.channel.send(result)


async def _do(runtime: Runtime, command: dict[str, Any]) -> dict[str, Any]:
    op = command["op"]
    if op == "finish":
        if runtime.finish is not None and not runtime.finish.done():
            runtime.finish.set_result(None)
        return {}
    if op == "rounds":
        for _ in range(int(command.get("n", 1))):
            await asyncio.sleep(0)
        return {}
    if op in ("start", "call"):
        target = _target(runtime, command)
        args = runtime.arguments(command.get("args", []))
        kwargs = runtime.arguments(command.get("kwargs", {"$": "dict", "v": []}))
        if op == "call":
            return {"value": runtime.encode(target(*args, **kwargs), keep_all=True)}
        made = target(*args, **kwargs)
        if not asyncio.iscoroutine(made):
            return {"value": runtime.encode(made, keep_all=True), "not_a_coroutine": True}
        number = next(runtime.task_numbers)
        if command.get("at_return"):
            made = _read_at_return(runtime, made, number)
        if "ended" in command:
            made = _telling(made, runtime.arguments(command["ended"]))
        task = _ours(asyncio.get_running_loop().create_task(made))
        runtime.tasks[number] = task
        return {"task": number, "thread": threading.current_thread().name}
    if op == "release":
        number = int(command.get("kept") or 0)
        if number in runtime.kept:
            runtime.kept[number] = None  # the number stays taken; the object goes
        runtime.tasks.pop(int(command.get("task") or 0), None)  # a task, and what it holds
        return {}
    task = runtime.tasks[int(command["task"])] if "task" in command else None
    if op == "cancel" and task is not None:
        return {"cancelled": task.cancel()}
    if op == "wait" and task is not None:
        timeout = command.get("timeout")
        await asyncio.wait([task], timeout=None if timeout is None else float(timeout))
        return _task_state(runtime, task)
    if op == "state" and task is not None:
        return _task_state(runtime, task)
    if op == "callback":
        return await _callback(runtime, command)
    if op == "tasks":
        return {"value": wire.encode(_other_tasks(runtime, asyncio.current_task()))}
    raise ValueError(f"no command {op!r}")


async def _telling(made: Any, told: Any) -> Any:
    """The student's coroutine, and the world told (`told.ended()`, a notification) in the very
    step it returns or raises, before anything it left behind runs again."""
    try:
        return await made
    finally:
        told.ended()


async def _read_at_return(runtime: Runtime, coroutine: Any, number: int) -> Any:
    """The coroutine, with the value it returns read the moment it returns."""
    value = await coroutine
    runtime.at_return[number] = runtime.encode(value, keep_all=True)
    return value


def _ours(task: asyncio.Task[Any]) -> asyncio.Task[Any]:
    """A task the runtime made for the judge (a command, a coroutine the judge started and waits
    for its own way), which the judge reads or that reports itself: never one "started and
    nobody awaited it" in the run's report."""
    if hasattr(task, "_observed"):
        task._observed = True  # type: ignore[attr-defined]
    return task


def _other_tasks(runtime: Runtime, me: asyncio.Task[Any] | None) -> list[dict[str, Any]]:
    """The tasks pending on the running loop but the runtime's own, those the judge started
    and `me`: each with its name, where it waits and its cancellations pending (a self-report)."""
    ours = {me, *runtime.own, *runtime.tasks.values()}
    found = []
    for task in asyncio.all_tasks():
        if task in ours or task.done() or _is_helper(task):
            continue
        pending = loops.snapshot(task)
        found.append({"name": task.get_name(), "text": pending.name,
                      "location": _where(pending.location), "cancelling": task.cancelling()})
    return found


def _is_helper(task: asyncio.Task[Any]) -> bool:
    """A background task of run_virtual's (a heartbeat): not the student's."""
    return getattr(task.get_coro(), "__qualname__", "") == "_quiet"


def _quiet_callback(runtime: Runtime, command: dict[str, Any]) -> None:
    """Call a kept callable from a new thread that sends the judge what came of it itself: the
    loop is woken only by what the callable does (call_soon_threadsafe wakes it; call_soon or
    setting a future from there does not)."""
    function = runtime.kept[int(command["kept"])]
    args = runtime.arguments(command.get("args", []))
    loop = asyncio.get_running_loop()
    begin, undo = _cancel_first(runtime, loop, command)

    def in_thread() -> None:
        # The client answers once the loop is asleep, as a later answer would: whether the loop
        # then notices it depends on on_done alone, not on a race with the loop's thread.
        runtime.clock.park(lambda: getattr(loop, "asleep", True))
        begin()
        result: dict[str, Any] = {"op": "result", "id": command.get("id")}
        try:
            result["value"] = runtime.encode(function(*args))  # type: ignore[operator]
        except BaseException as error:  # noqa: BLE001 - reported to the judge
            result["error"] = _error_of(error)
        finally:
            undo()
        result["thread"] = threading.current_thread().name
        runtime.channel.send(result)

    threading.Thread(target=in_thread, name=_thread_name(command, function)).start()


def _cancel_first(runtime: Runtime, loop: asyncio.AbstractEventLoop,
                  command: dict[str, Any]) -> tuple[Callable[[], None], Callable[[], None]]:
    """With `cancel_first`: the first call_soon_threadsafe from the callback's thread is preceded
    by the cancellation of that task, as when a cancel and the answer cross. Returns what the
    thread calls first (it names the thread) and what undoes it."""
    task = runtime.tasks.get(int(command.get("cancel_first") or 0))
    if task is None:
        return (lambda: None), (lambda: None)
    original = loop.call_soon_threadsafe
    state = {"thread": -1, "done": False}

    def cancel_first(callback: Any, *args: Any, context: Any = None) -> asyncio.Handle:
        if threading.get_ident() == state["thread"] and not state["done"]:
            state["done"] = True
            original(task.cancel)
        return original(callback, *args, context=context)

    def begin() -> None:
        state["thread"] = threading.get_ident()

    def undo() -> None:
        loop.__dict__.pop("call_soon_threadsafe", None)

    loop.call_soon_threadsafe = cancel_first  # type: ignore[method-assign]
    return begin, undo


def _target(runtime: Runtime, command: dict[str, Any]) -> Callable[..., Any]:
    """What a command calls: a function of the student's module, a kept object's method or a
    kept callable."""
    if "kept" in command:
        kept = runtime.kept[int(command["kept"])]
        method = command.get("method")
        return getattr(kept, method) if isinstance(method, str) else kept  # type: ignore[return-value]
    return runtime.solution.function(command["function"], coroutine=command.get("coroutine", True))


def _task_state(runtime: Runtime, task: asyncio.Task[Any]) -> dict[str, Any]:
    if not task.done():  # where it waits: a self-report, for a message only
        return {"state": "pending", "where": _pending(loops.snapshot(task))}
    if task.cancelled():
        return {"state": "cancelled"}
    error = task.exception()
    if error is not None:
        return {"state": "raised", "error": _error_of(error)}
    for number, kept in runtime.tasks.items():
        if kept is task and number in runtime.at_return:
            return {"state": "returned", "value": runtime.at_return[number]}
    return {"state": "returned", "value": runtime.encode(task.result(), keep_all=True)}


async def _callback(runtime: Runtime, command: dict[str, Any]) -> dict[str, Any]:
    """Call a kept callable with the judge's arguments: here on the loop's thread, or from a new
    thread (as a library's own thread would)."""
    function = runtime.kept[int(command["kept"])]
    args = runtime.arguments(command.get("args", []))
    if command.get("thread") != "new":
        value = function(*args)  # type: ignore[operator]
        return {"value": runtime.encode(value), "thread": threading.current_thread().name}
    loop = asyncio.get_running_loop()
    ended: asyncio.Future[dict[str, Any]] = loop.create_future()

    def in_thread() -> None:
        try:
            outcome = {"value": runtime.encode(function(*args))}  # type: ignore[operator]
        except BaseException as error:  # noqa: BLE001 - reported to the judge
            outcome = {"error": _error_of(error)}
        outcome["thread"] = threading.current_thread().name
        loop.call_soon_threadsafe(lambda: ended.done() or ended.set_result(outcome))

    threading.Thread(target=in_thread, name=_thread_name(command, function)).start()
    return await ended


def _thread_name(command: dict[str, Any], function: Any) -> str:
    """A thread is named by what it runs (the callback it calls, as the student named it), which
    is what the student's own error reads ("no current event loop in thread 'on_done'")."""
    name = command.get("name") or getattr(function, "__name__", "")
    return name if isinstance(name, str) and name.isidentifier() else "callback"


def _error_of(error: BaseException) -> dict[str, Any]:
    where = location_of_traceback(error.__traceback__)
    return wire.encode_error(error, describe_exception(error), _where(where), explain(error))


@contextmanager
def _loop_spy(request: dict[str, Any]) -> Iterator[Any]:
    if not request.get("spy_loop"):
        yield None
        return
    from graders.probes.loopcalls import spy_on_loop

    with spy_on_loop() as spy:
        yield spy


def _spied(runtime: Runtime, function: Callable[..., Any],
           request: dict[str, Any]) -> Callable[..., Any]:
    async def spied(*args: Any, **kwargs: Any) -> Any:
        with _loop_spy(request) as spy:
            runtime.loop_spy = spy
            return await function(*args, **kwargs)

    return spied


def _loop_report(spy: Any) -> dict[str, Any]:
    """What the loop spy saw, as plain data (a self-report)."""
    return {"foreign_calls": [{"method": call.method, "thread": call.thread_name,
                               "location": _where(call.location)} for call in spy.foreign_calls],
            "student_timers": [_where(where) for where in spy.student_timers],
            "loop_errors": [_error_of(error) for error in spy.exceptions()]}


def _kinds(solution: Solution, names: list[str]) -> dict[str, str]:
    """What the module's names are: "async", "def", "missing" or "other"."""
    module = solution.module()
    kinds = {}
    for name in names:
        found = getattr(module, name, None)
        kinds[name] = ("missing" if found is None else "async" if inspect.iscoroutinefunction(found)
                       else "def" if callable(found) else "other")
    return kinds


def _watch(solution: Solution, names: list[str]) -> dict[str, list[tuple[Any, ...]]]:
    """Wrap each coroutine function `names` of the module so that the arguments of every call
    that runs to its end are recorded (the student's own code calls the wrapper by its name)."""
    if not names:
        return {}
    module, watched = solution.module(), {}
    for name in names:
        original = getattr(module, name, None)
        if not inspect.iscoroutinefunction(original):
            continue
        calls: list[tuple[Any, ...]] = []
        watched[name] = calls
        setattr(module, name, _recording(original, calls))
    return watched


def _recording(original: Callable[..., Any], calls: list[tuple[Any, ...]]) -> Callable[..., Any]:
    signature = inspect.signature(original)

    @functools.wraps(original)
    async def recorded(*args: Any, **kwargs: Any) -> Any:
        value = await original(*args, **kwargs)
        try:
            calls.append(signature.bind(*args, **kwargs).args)
        except TypeError:
            calls.append(args)
        return value

    return recorded


def _run_coroutine(runtime: Runtime, function: Callable[..., Any], args: list[Any],
                   kwargs: dict[str, Any], request: dict[str, Any]) -> dict[str, Any]:
    background = []
    if "heartbeat" in request:
        heart = runtime.arguments(request["heartbeat"])

        async def beat() -> None:
            while True:
                await heart.beat()

        background.append(beat)
    if "turns" in request:
        turns = request["turns"]
        observer = _Observer(runtime.arguments(turns["observer"]),
                             {int(number) for number in turns.get("after", [])})
        runtime.turns = observer
        background.append(observer.run)
    if "ended" in request:
        function = _telling_the_end(function, runtime.arguments(request["ended"]))
    returned: dict[str, Any] = {}
    if request.get("at_return"):
        function = _reading_at_return(runtime, function, returned)
    if request.get("tasks_at_return"):
        function = _noting_tasks_at_return(runtime, function)
    runtime.left_at_return = []
    waits: list[dict[str, Any]] = []
    loops_before = len(runtime.loops)
    served: dict[str, Any] = {}
    watch = _PoolWatch(runtime, request["processes"]) \
        if isinstance(request.get("processes"), dict) else None
    if watch is not None:
        function = _watching_pools(runtime, function, watch)
    runtime.pool_watch = watch
    with _clock_spy(request) as clocks, _routed(runtime, request) as routed, \
            _queue_spy(request, waits), watch.patched() if watch else _nothing():
        if routed is not None and "session" in request:
            function = routed.with_session(function)
        outcome: Outcome[Any] = run_virtual(lambda: function(*_started(args), **_started(kwargs)),
                                            limit=float(request.get("limit", 120.0)),
                                            background=background,
                                            spin_rounds=int(request.get("spin_rounds",
                                                                        loops.SPIN_ROUNDS)))
        if routed is not None:
            served = _served_report(routed)
    report = {
        "spun": outcome.spun, "timed_out": outcome.timed_out, "limit": outcome.limit,
        "spin_rounds": outcome.spin_rounds, "asked_for": outcome.asked_for,
        "stuck": [_pending(task) for task in outcome.stuck],
        "leftover_tasks": [_pending(task) for task in outcome.leftover_tasks],
        "unawaited_tasks": [_pending(task) for task in outcome.unawaited_tasks],
        "never_awaited": [_pending(leak) for leak in outcome.never_awaited],
        "unretrieved": [_pending(leak) for leak in outcome.unretrieved],
        # Loops the student's code made meanwhile (run_virtual's own is the first).
        "loops_made": max(0, len(runtime.loops) - loops_before - 1),
    }
    report.update(served)
    if watch is not None:
        report.update(watch.report())
    runtime.pool_watch = None
    runtime.turns = None
    spy = getattr(runtime, "loop_spy", None)
    if spy is not None:
        report.update(_loop_report(spy))
        runtime.loop_spy = None
    if "running" in returned:
        report["running_at_return"] = returned["running"]
    if request.get("spy_queues"):
        report["queue_waits"] = waits
    if request.get("tasks_at_return"):
        report["left_at_return"] = [_pending(task) for task in runtime.left_at_return]
    answer = _done(runtime, outcome.value, outcome.error, report, clocks)
    if "value" in returned and "value" in answer:
        answer["value"] = returned["value"]
    return answer


def _reading_at_return(runtime: Runtime, function: Callable[..., Any],
                       returned: dict[str, Any]) -> Callable[..., Any]:
    """`function`, with the value it returns read the moment it returns, and the tasks still
    running then (but the runtime's own) noted (a self-report)."""
    async def reading(*args: Any, **kwargs: Any) -> Any:
        value = await function(*args, **kwargs)
        returned["value"] = runtime.encode(value)
        current = asyncio.current_task()
        returned["running"] = [
            _pending(loops.snapshot(task)) for task in asyncio.all_tasks()
            if task is not current and not task.done()
            and getattr(task.get_coro(), "__qualname__", "") != "_quiet"]
        return value

    return reading


def _noting_tasks_at_return(runtime: Runtime, function: Callable[..., Any]) -> Callable[..., Any]:
    """`function`, noting the tasks still pending at the very moment its coroutine returned,
    before any other task could run (a self-report)."""
    async def noted(*args: Any, **kwargs: Any) -> Any:
        value = await function(*args, **kwargs)
        me = asyncio.current_task()
        runtime.left_at_return = [loops.snapshot(task) for task in asyncio.all_tasks()
                                  if task is not me and not task.done() and not _is_helper(task)]
        return value

    return noted


@contextmanager
def _nothing() -> Iterator[None]:
    yield


@contextmanager
def _queue_spy(request: dict[str, Any], waits: list[dict[str, Any]]) -> Iterator[None]:
    """With `spy_queues`: an asyncio.Queue's state each time a `join()` or `put()` waiting on
    it is stopped (the deadline of a deadlocked run cancels the task waiting in it), which says
    why it waited (a self-report, for the message)."""
    if not request.get("spy_queues"):
        yield
        return
    original_join, original_put = asyncio.Queue.join, asyncio.Queue.put

    def note(method: str, queue: asyncio.Queue[Any]) -> None:
        waits.append({"method": method,
                      "unfinished": queue._unfinished_tasks,  # type: ignore[attr-defined]
                      "waiting": queue.qsize(), "getters": len(queue._getters)})  # type: ignore[attr-defined]

    async def join(queue: asyncio.Queue[Any]) -> None:
        try:
            await original_join(queue)
        except asyncio.CancelledError:
            note("join", queue)
            raise

    async def put(queue: asyncio.Queue[Any], item: Any) -> None:
        try:
            await original_put(queue, item)
        except asyncio.CancelledError:
            note("put", queue)
            raise

    asyncio.Queue.join, asyncio.Queue.put = join, put  # type: ignore[method-assign]
    try:
        yield
    finally:
        asyncio.Queue.join, asyncio.Queue.put = original_join, original_put  # type: ignore[method-assign]


def _telling_the_end(function: Callable[..., Any], marker: Any) -> Callable[..., Any]:
    """`function`, telling the judge (`marker.ended()`, a notification) when its coroutine has
    ended, returned or raised, before the runtime cancels what it left running."""
    async def told(*args: Any, **kwargs: Any) -> Any:
        try:
            return await function(*args, **kwargs)
        finally:
            marker.ended()

    return told


def _run_function(runtime: Runtime, function: Callable[..., Any], args: list[Any],
                  kwargs: dict[str, Any], request: dict[str, Any]) -> dict[str, Any]:
    box: dict[str, Any] = {}

    def call() -> None:
        try:
            box["value"] = function(*args, **kwargs)
        except BaseException as error:  # noqa: BLE001 - reported to the judge
            box["error"] = error

    first_loop = len(runtime.loops)
    with _clock_spy(request) as clocks:
        if request.get("thread") == "new":
            # Named by what it runs, as a student's thread would be.
            thread = threading.Thread(target=call, name=_thread_name({}, function))
            thread.start()
            thread.join()
        else:
            call()
    now = runtime.calls
    report = {"call": now, "loops_made": len(runtime.loops) - first_loop,
              "loops_ran": sum(now in loop.ran_in for loop in runtime.loops),
              "loops": [[loop.made_in, sorted(loop.ran_in), loop.is_closed()]
                        for loop in runtime.loops]}
    return _done(runtime, box.get("value"), box.get("error"), report, clocks)


def _done(runtime: Runtime, value: Any, error: BaseException | None, report: dict[str, Any],
          clocks: ClockSpy | None) -> dict[str, Any]:
    report["blocking"] = [asdict(call) for call in runtime.blocking]
    report["slept_off_loop"] = runtime.slept_off_loop
    report["busy_waits"] = [asdict(busy) for busy in clocks.busy] if clocks else []
    answer: dict[str, Any] = {"op": "done", "report": report}
    if error is not None:
        answer["error"] = _error_of(error)
    else:
        answer["value"] = runtime.encode(value)
    return answer


@contextmanager
def _routed(runtime: Runtime, request: dict[str, Any]) -> Iterator[Any]:
    """With `server`: every aiohttp request of the run goes to the judge's server (and those of
    the session handed to the call, with `session`, through its door)."""
    if "server" not in request:
        yield None
        return
    from graders.probes.server import Routed

    door = runtime.arguments(request["session"]) if "session" in request else None
    with Routed(runtime.arguments(request["server"]), door).serving() as routed:
        yield routed


def _served_report(routed: Any) -> dict[str, Any]:
    """What this side saw of the run's requests (self-reports: sessions the student's code
    opened, those left open, responses never released)."""
    served = routed.report()
    return {"sessions_opened": [_where(where) for where in served.sessions],
            "sessions_unclosed": [_where(where) for where in served.unclosed],
            "unreleased": list(served.unreleased)}


@contextmanager
def _clock_spy(request: dict[str, Any]) -> Iterator[ClockSpy | None]:
    if not request.get("spy_clocks"):
        yield None
        return
    with spy_on_clock_reads() as spy:
        if RUNTIME is not None:
            RUNTIME.clock_spy = spy
        try:
            yield spy
        finally:
            if RUNTIME is not None:
                RUNTIME.clock_spy = None


def _pending(item: Any) -> dict[str, Any]:
    text = getattr(item, "name", None) or getattr(item, "text", "")
    return {"text": text, "location": _where(item.location)}


def _where(location: Location | None) -> list[Any] | None:
    return [location.file, location.line] if location else None


def _as_a_clean_run(answer: dict[str, Any]) -> dict[str, Any]:
    """Every self-report as the reference's would read (for the kit's own tests: a mistake must
    still lose points when the submission hides what only it can see)."""
    report = answer.get("report")
    if "kinds" in answer and isinstance(report, dict):
        answer["kinds"] = report.pop("expected", {})
    elif isinstance(report, dict):
        for key, value in report.items():
            if isinstance(value, list):
                report[key] = []
            elif isinstance(value, bool):
                report[key] = False
        report["slept_off_loop"] = 0.0
        report["watched"] = {}
        report.pop("loops_made", None)
        report.pop("loops_ran", None)
    return answer


class SubmissionProcess:
    """The judge's hold on a submission process, forked or started afresh."""

    def __init__(self, pid: int = 0, popen: subprocess.Popen[bytes] | None = None) -> None:
        self.pid, self.popen = pid or (popen.pid if popen else 0), popen

    def ask_where(self) -> bool:
        """Ask the process where its student code is (a signal; not where there is none)."""
        if not hasattr(signal, "SIGUSR1"):
            return False
        try:
            os.kill(self.pid, signal.SIGUSR1)
        except OSError:
            return False
        return True

    def end(self) -> int | None:
        """Kill it and reap it: its wait status (None if it was already gone)."""
        if self.popen is not None:
            self.popen.kill()
            return _status(self.popen.wait())
        for child in descendants(self.pid):  # worker processes it started (exercise 13)
            try:
                os.kill(child, signal.SIGKILL)
            except OSError:
                pass
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        return self.reap()

    def reap(self) -> int | None:
        """Wait for it to end by itself (it closed its end of the socket)."""
        if self.popen is not None:
            return _status(self.popen.wait())
        try:
            return os.waitpid(self.pid, 0)[1]
        except ChildProcessError:
            return None


def children(pid: int) -> list[int]:
    """The child processes of `pid`, as Linux's /proc lists them (none where there is no /proc)."""
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as listed:
                found += [int(number) for number in listed.read().split()]
        except (OSError, ValueError):
            continue
    return found


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (its children, theirs, ...), as /proc lists them."""
    found, todo = [], children(pid)
    while todo:
        child = todo.pop()
        if child not in found:
            found.append(child)
            todo += children(child)
    return found


def _status(returncode: int) -> int:
    """A Popen return code as a wait status (a negative code is the signal that ended it)."""
    return -returncode if returncode < 0 else returncode << 8


# Real seconds a submission process started afresh has to connect (it imports the grading stack).
CONNECT_PATIENCE = 60.0


def start(module_name: str, forged_reports: bool = False) -> tuple[SubmissionProcess, socket.socket]:
    """Start the submission process (forked where the platform can, else afresh); the judge
    keeps the returned process and socket."""
    if not hasattr(os, "fork"):
        return _spawn(module_name, forged_reports)
    judge_end, submission_end = socket.socketpair()
    pid = os.fork()
    if pid:
        submission_end.close()
        return SubmissionProcess(pid), judge_end
    try:
        judge_end.close()
        _leave_the_judge(submission_end)
        serve(submission_end, module_name, forged_reports)
    finally:
        os._exit(0)


@dataclass
class Spawning:
    """A submission process started afresh that has yet to connect: started before the checks
    run (its imports cost more than most checks), taken when the first check needs it."""

    process: subprocess.Popen[bytes]
    listener: socket.socket
    token: str

    def connect(self) -> tuple[SubmissionProcess, socket.socket]:
        try:
            while True:
                connection, _ = self.listener.accept()
                connection.settimeout(CONNECT_PATIENCE)
                if connection.recv(len(self.token) + 1) == self.token.encode() + b"\n":
                    connection.settimeout(None)
                    _no_delay(connection)
                    return SubmissionProcess(popen=self.process), connection
                connection.close()  # not ours: another process of this machine knocked
        except OSError:
            self.process.kill()
            self.process.wait()
            raise
        finally:
            self.listener.close()


def _no_delay(sock: socket.socket) -> None:
    """Each message goes out as it is sent: over loopback TCP, a small message sent right after
    another (an invoke, then idle) otherwise waits for the first one's delayed acknowledgement,
    up to 40 ms a round trip (a check that calls the world hundreds of times took seconds)."""
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except OSError:
        pass


def spawn(module_name: str, forged_reports: bool = False) -> Spawning:
    """Where there is no fork (Windows): `python -m graders.probes.submission`, told on its stdin
    where to connect and with which token, and watching that pipe to end with the judge."""
    from graders.trust import rules
    from graders.trust.student_files import solutions_dir

    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(CONNECT_PATIENCE)
    token = secrets.token_hex(16)
    process = subprocess.Popen([sys.executable, "-B", "-m", "graders.probes.submission"],
                               stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    assert process.stdin is not None
    plan = {"port": listener.getsockname()[1], "token": token, "module": module_name,
            "solutions": str(solutions_dir()), "rules": rules.ENFORCED, "forge": forged_reports}
    process.stdin.write(json.dumps(plan).encode() + b"\n")
    process.stdin.flush()
    return Spawning(process, listener, token)


def _spawn(module_name: str, forged_reports: bool) -> tuple[SubmissionProcess, socket.socket]:
    return spawn(module_name, forged_reports).connect()


def main() -> None:
    """The submission process started afresh (see `_spawn`)."""
    from pathlib import Path

    from graders.trust import rules
    from graders.trust.student_files import set_solutions_dir

    plan = json.loads(sys.stdin.buffer.readline())
    rules.ENFORCED = plan["rules"]
    set_solutions_dir(Path(plan["solutions"]))
    sock = socket.create_connection(("127.0.0.1", plan["port"]))
    _no_delay(sock)
    sock.sendall(plan["token"].encode() + b"\n")
    watched = os.dup(0)
    watcher = threading.Thread(target=_exit_with_the_judge, args=(watched,), daemon=True)
    watcher.start()
    _OWN_THREADS.add(watcher.ident or 0)
    sys.stdout = sys.__stdout__ = _CappedOutput()
    sys.stderr = sys.__stderr__ = _CappedOutput()
    give_up_privileges()
    serve(sock, plan["module"], plan["forge"])


def _exit_with_the_judge(fd: int) -> None:
    try:
        while os.read(fd, 1024):
            pass
    except OSError:
        pass
    os._exit(0)


def _leave_the_judge(keep: socket.socket) -> None:
    """Close every descriptor but the judge's socket and the standard ones (which go nowhere):
    the results pipe and everything else of the grading process stay out of reach."""
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)
    os.closerange(3, keep.fileno())
    os.closerange(keep.fileno() + 1, 65536)
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    signal.setitimer(signal.ITIMER_REAL, 0)
    _die_with_parent()
    give_up_privileges()
    sys.stdout = sys.__stdout__ = _CappedOutput()
    sys.stderr = sys.__stderr__ = _CappedOutput()


class _Prints:
    """What the student's code printed (stdout and stderr, in order) since the judge last heard:
    the first SHOWN characters of it, and how many more there were. The judge shows it under
    the check, as the student's own output (a self-report: it decides nothing)."""

    SHOWN = PRINTS_SHOWN

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = self.more = 0
        self.lock = threading.Lock()

    def add(self, text: str) -> None:
        with self.lock:
            room = max(0, self.SHOWN - self.size)
            self.parts.append(text[:room])
            self.size += min(len(text), room)
            self.more += max(0, len(text) - room)

    def take(self) -> str:
        with self.lock:
            text = "".join(self.parts)
            if self.more:
                text += f"\n... ({self.more:,} more characters)"
            self.parts, self.size, self.more = [], 0, 0
            return text


PRINTS = _Prints()


def _with_prints(message: dict[str, Any]) -> dict[str, Any]:
    printed = PRINTS.take()
    return {**message, "printed": printed} if printed else message


class _CappedOutput(io.TextIOBase):
    """Where the student's prints go: kept for the judge to show (`PRINTS`), up to the output
    limit, past which a print fails as a full disk would (EFBIG), and the check says so."""

    def __init__(self) -> None:
        self.written = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.written += len(text)
        if self.written > OUTPUT_LIMIT:
            raise OSError(errno.EFBIG, "File too large")
        PRINTS.add(str(text))
        return len(text)


def _die_with_parent() -> None:
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


if __name__ == "__main__":
    main()
