"""The judge's side of work handed to worker processes (exercise 13): func, a listening socket
of the judge's, and what the operating system says of the processes that call it.

`Workers` is the func a check hands to the student's code. What the code gets is a picklable
stand-in (graders/trust/workercall.py `ProcessFunc`) that carries only the address of a UNIX
socket the judge listens on for this check (in the abstract namespace: no file). Called in a
worker process, it connects and sends the item; the judge learns the caller's process from the
connection itself (SO_PEERCRED, the kernel's word), and from /proc whether that process descends
from the submission's process or is that process (func ran on the loop's process: it never
reached a worker process). It answers each call when its world decides:
- with `barrier`, a call from a worker process is held until `barrier` calls are in flight at
  once from distinct worker processes;
- with `finish_order` (once the barrier filled), the calls are answered one after another in
  that order, each when the worker process of the one before has taken its answer;
- with `beat`, a call is answered only once the loop that runs the student's call has answered a
  ping the judge sent after the call began (a thread of the submission's runtime passes each
  ping to that loop, and only a turn of the loop answers it): a loop blocked while func's calls
  run can never have them answered.
- with `hold` (an item, and `total`, the number of items), the first call for that item from a
  worker process is held while the other calls come and are answered: it is answered once all
  `total - 1` others have been (`held_through`), or once nothing else can come while it is held
  (the submission says its loop has nothing to do and no call submitted to its pools is
  unfinished but this one, and no other call is in flight here): the others then waited for it;
- `failures`: items for which func raises ComputeError(message).

The submission's notes (self-reports) only end a wait the world would otherwise hold for ever,
never earn a pass: "loop_blocked" (the loop's thread waits in a blocking call: the calls held
for a beat are answered, and the run is marked stalled) and "settled" (the loop has nothing to
do and the calls submitted fit in fewer worker processes than the barrier: it is given up),
"pending" (the calls submitted to its pools not yet finished, each time the loop has nothing to
do: a held call is given up when it is the only one).

When the call has ended, `ended` notes which of the processes seen (every worker process that
called, every child of the submission's process listed at each call) are still running at once
(a pool shut down with waiting has joined its processes before compute_all returns), and then
ends them.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import socket
import struct
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from graders.probes.judge import Handed, Run, Submission, _location
from graders.probes.submission import children
from graders.results import Location
from graders.trust import wire

# Real seconds a connection has to say what it is (it says it at once: this only stops a liar).
PATIENCE = 5.0
# The cores a pool made without max_workers is sized for in the submission's process.
CPUS = 2


def supported() -> bool:
    """Whether the judge can learn a caller's process here (Linux: SO_PEERCRED and /proc)."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_PEERCRED")


def peer_pid(conn: socket.socket) -> int:
    """The process at the other end of a UNIX socket, as the kernel says (SO_PEERCRED)."""
    data = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    return struct.unpack("3i", data)[0]


def parent_of(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            text = stat.read()
    except OSError:
        return 0
    # "pid (name) state ppid ...": the name may hold spaces and parentheses.
    fields = text[text.rfind(")") + 2:].split()
    return int(fields[1]) if len(fields) > 1 and fields[1].isdigit() else 0


def descends_from(pid: int, ancestor: int) -> bool:
    seen = 0
    while pid > 1 and seen < 64:
        pid = parent_of(pid)
        if pid == ancestor:
            return True
        seen += 1
    return False


def running(pid: int) -> bool:
    """Whether process `pid` exists and has not ended (a zombie has ended: it runs nothing)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            text = stat.read()
    except OSError:
        return False
    fields = text[text.rfind(")") + 2:].split()
    return bool(fields) and fields[0] not in ("Z", "X")


@dataclass(frozen=True)
class WorkerCall:
    """One call of func. `pid` and `in_worker` are the judge's own findings; the thread and the
    line a call from the submission's own process came from are that process's word."""

    item: Any
    pid: int
    in_worker: bool  # from a process below the submission's, not the submission's own
    on_loop: bool = False
    thread: str = ""
    location: Location | None = None


@dataclass(eq=False)
class Workers(Handed):
    """func for work in worker processes (see the module's docstring)."""

    name: ClassVar[str] = "func"
    methods: ClassVar[dict[str, str]] = {}

    answers: dict[Any, Any]
    failures: dict[Any, str] = field(default_factory=dict)
    barrier: int = 0
    finish_order: list[Any] = field(default_factory=list)
    beat: bool = False
    calls: list[WorkerCall] = field(default_factory=list)
    high_water: int = 0  # the most worker processes with a call in flight at once
    barrier_met: bool = False
    barrier_broken: bool = False
    stalled: bool = False  # a call held for a beat was answered because the loop was blocked
    blocked_at: Location | None = None  # where the loop's thread waited (reported)
    settled_at: int = 0  # the calls at once the submission said its pools allow (reported)
    processes_seen: set[int] = field(default_factory=set)  # children of the submission's process
    # The most children of the submission's process running at one look (a pool whose worker
    # processes are replaced, max_tasks_per_child, starts more than it ever runs at once).
    most_at_once: int = 0
    left_running: list[int] = field(default_factory=list)  # still running after the call
    failed_for: list[Any] = field(default_factory=list)  # items func raised for, in a worker
    hold: Any = None
    total: int = 0
    held: bool = False  # the call for `hold` came from a worker process and was held
    held_through: bool = False  # every other call was answered while it was held
    called_while_held: list[Any] = field(default_factory=list)  # items called when it ended

    def __post_init__(self) -> None:
        self.token = secrets.token_hex(8)
        self.address = f"kit-func-{os.getpid()}-{self.token}"
        self._rank = {item: rank for rank, item in enumerate(self.finish_order)}
        self._listener: socket.socket | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._submission_pid = 0
        self._flying: dict[int, int] = {}  # worker pid -> its calls in flight
        self._delivered = 0  # ranked answers taken by their worker process
        self._answered = 0  # calls answered
        self._beat: socket.socket | None = None
        self._pinged = 0
        self._ponged = 0
        self._blocked = False
        self._changed: asyncio.Event | None = None
        self._pending: int | None = None  # the calls its pools have not finished (reported)
        self._open: list[socket.socket] = []
        self._tasks: list[asyncio.Task[None]] = []

    def shape(self) -> dict[str, Any]:
        return {"name": self.name, "repr": "func", "methods": {},
                "process_func": {"address": self.address, "token": self.token}}

    def __repr__(self) -> str:
        return "func"

    # --- the judge's side of the call ----------------------------------------------------------

    def options(self) -> dict[str, Any]:
        return {"barrier": self.barrier, "cpus": CPUS, "beat": self.address if self.beat else None,
                "hold": self.hold is not None}

    def open(self, submission: Submission) -> None:
        """Listen, on the judge's loop, for the check's calls (before the student's call)."""
        if submission.loop is None or submission.process is None:
            return  # the submission's process is gone: the call reports that, at once
        self._loop, self._submission_pid = submission.loop, submission.process.pid
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind("\0" + self.address)
        listener.listen(64)
        listener.setblocking(False)
        self._listener = listener
        self._loop.add_reader(listener.fileno(), self._accept)

    def note(self, message: dict[str, Any]) -> None:
        """A note of the submission's (a self-report): it may only end a wait."""
        kind = message.get("kind")
        if kind == "loop_blocked" and not self._blocked:
            self._blocked = True
            self.blocked_at = _location(message.get("location"))
        elif kind == "settled" and not self.barrier_met:
            self.barrier_broken = True
            at_once = message.get("at_once")
            self.settled_at = at_once if type(at_once) is int else 0
        elif kind == "pending" and type(message.get("count")) is int:
            self._pending = message["count"]
        self._wake()

    def _accept(self) -> None:
        assert self._listener is not None and self._loop is not None
        try:
            conn, _ = self._listener.accept()
        except OSError:
            return
        try:
            pid = peer_pid(conn)
        except OSError:
            conn.close()
            return
        self._open.append(conn)
        self._loop.add_reader(conn.fileno(), self._hello, conn, pid)

    def _hello(self, conn: socket.socket, pid: int) -> None:
        """The connection's first message: a call of func, or the loop's beat."""
        assert self._loop is not None
        self._loop.remove_reader(conn.fileno())
        try:
            conn.settimeout(PATIENCE)  # the sender wrote it whole: this only stops a liar
            message = wire.receive(conn)
            conn.setblocking(False)
        except (OSError, wire.WireError):
            self._drop(conn)
            return
        if message.get("op") == "beat" and pid == self._submission_pid and self._beat is None:
            self._beat = conn
            self._loop.add_reader(conn.fileno(), self._pong, conn)
            return
        if message.get("op") != "call":
            self._drop(conn)
            return
        self._tasks.append(self._loop.create_task(self._serve(conn, pid, message)))

    def _pong(self, conn: socket.socket) -> None:
        assert self._loop is not None
        try:
            conn.setblocking(True)
            conn.settimeout(PATIENCE)
            message = wire.receive(conn)
            conn.setblocking(False)
        except (OSError, wire.WireError):
            self._loop.remove_reader(conn.fileno())
            return
        number = message.get("pong")
        if type(number) is int and number > self._ponged:
            self._ponged = number
            self._wake()

    def _drop(self, conn: socket.socket) -> None:
        if conn in self._open:
            self._open.remove(conn)
        conn.close()

    # --- a call -------------------------------------------------------------------------------

    async def _serve(self, conn: socket.socket, pid: int, message: dict[str, Any]) -> None:
        assert self._loop is not None
        try:
            item = wire.decode(message.get("item"))
        except wire.WireError:
            item = wire.Opaque("object", "object", "an unreadable item")
        own = pid == self._submission_pid
        in_worker = not own and descends_from(pid, self._submission_pid)
        self._look_at_processes()
        self.calls.append(WorkerCall(item, pid, in_worker,
                                     own and message.get("on_loop") is True,
                                     str(message.get("thread", ""))[:100] if own else "",
                                     _location(message.get("location")) if own else None))
        key = item if _hashable(item) else None
        ranked = False
        if in_worker:
            self._flying[pid] = self._flying.get(pid, 0) + 1
            self.high_water = max(self.high_water, len(self._flying))
            self._wake()
            met = await self._meet()
            if self.beat:
                await self._see_the_loop_turn()
            if self.hold is not None and key == self.hold and not self.held:
                await self._hold_back()
            if met and key in self._rank:
                ranked = True
                await self._until(lambda: self._delivered >= self._rank[key])
        reply: dict[str, Any]
        if key in self.failures:
            reply = {"op": "reply", "error": self.failures[key]}
            if in_worker:
                self.failed_for.append(key)
        else:
            reply = {"op": "reply", "value": wire.encode(self.answers.get(key))}
        try:
            conn.setblocking(True)
            wire.send(conn, reply)
            conn.setblocking(False)
            if ranked:  # taken when its worker process has closed the connection
                await self._loop.sock_recv(conn, 1)
        except OSError:
            pass
        finally:
            if in_worker:
                self._flying[pid] -= 1
                if not self._flying[pid]:
                    del self._flying[pid]
            if ranked:
                self._delivered += 1
            self._answered += 1
            self._drop(conn)
            self._wake()

    async def _meet(self) -> bool:
        """Wait for `barrier` calls in flight at once; once the submission said its pools allow
        fewer (`settled_at`), for that many (or the items left), so that the most in flight at
        once is what the pools allow, not what the machine's timing let through."""
        if not self.barrier:
            return False

        def together() -> bool:
            if self.barrier_met or len(self._flying) >= self.barrier:
                return True
            left = len(self.answers) - self._answered
            return self.barrier_broken and len(self._flying) >= min(max(1, self.settled_at), left)

        await self._until(together)
        if len(self._flying) >= self.barrier and not self.barrier_broken:
            self.barrier_met = True
        return self.barrier_met

    async def _hold_back(self) -> None:
        """Hold this call while the others come and are answered; give up once the submission
        says no other call it submitted is unfinished and none is in flight here (only its word
        ends the wait early, and ending it early can only cost the submission)."""
        self.held = True

        def others_done() -> bool:
            return self._answered >= self.total - 1

        def nothing_else_comes() -> bool:
            others_flying = sum(self._flying.values()) - 1
            return self._pending is not None and self._pending <= 1 and others_flying <= 0

        await self._until(lambda: others_done() or nothing_else_comes())
        self.held_through = others_done()
        self.called_while_held = self.items_called

    async def _see_the_loop_turn(self) -> None:
        """Ping the loop; wait for its answer (or the submission's word that it is blocked)."""
        self._pinged += 1
        number = self._pinged
        if self._beat is not None:
            try:
                self._beat.setblocking(True)
                wire.send(self._beat, {"op": "ping", "ping": number})
                self._beat.setblocking(False)
            except OSError:
                pass
        await self._until(lambda: self._ponged >= number or self._blocked)
        if self._ponged < number:
            self.stalled = True

    async def _until(self, condition: Any) -> None:
        while not condition():
            if self._changed is None:
                self._changed = asyncio.Event()
            changed = self._changed
            await changed.wait()

    def _wake(self) -> None:
        changed, self._changed = self._changed, None
        if changed is not None:
            changed.set()

    def _look_at_processes(self) -> None:
        alive = [pid for pid in children(self._submission_pid) if running(pid)]
        self.processes_seen.update(alive)
        self.most_at_once = max(self.most_at_once, len(alive))

    # --- after the call -------------------------------------------------------------------------

    def ended(self, submission: Submission, run: Run) -> None:
        """The call has ended: which processes seen still run (given a pool that was shut down
        time to end its own), then end them."""
        self._look_at_processes()
        self._hang_up()
        pids = self.processes_seen | self.worker_pids
        # No grace: a pool shut down with waiting (the default, a with-block) has joined its
        # processes before compute_all returns, so what runs now was left running.
        self.left_running = sorted(pid for pid in pids if running(pid))

    def _hang_up(self) -> None:
        """No call of func is answered once the call has ended: calls still held (the others of
        one that raised) and calls to come end at once in their workers, which a pool shut down
        without waiting then lets go (held, they would run until the check ends them)."""
        for task in self._tasks:
            task.cancel()
        loop = self._loop
        for sock in [self._listener, *self._open]:
            if sock is None:
                continue
            if loop is not None and not loop.is_closed() and sock.fileno() >= 0:
                loop.remove_reader(sock.fileno())
            sock.close()
        self._open.clear()
        self._listener = None

    def close(self, submission: Submission) -> None:
        """The check's world ends: every process of the call still running is ended, and every
        connection closed."""
        for pid in [*self.processes_seen, *self.worker_pids]:
            if running(pid) and descends_from(pid, self._submission_pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
        self._hang_up()
        beat, self._beat = self._beat, None
        if beat is not None:
            if self._loop is not None and not self._loop.is_closed() and beat.fileno() >= 0:
                self._loop.remove_reader(beat.fileno())
            beat.close()

    # --- what was seen ---------------------------------------------------------------------------

    @property
    def worker_pids(self) -> set[int]:
        return {call.pid for call in self.calls if call.in_worker}

    @property
    def outside(self) -> list[WorkerCall]:
        """Calls that came from no worker process."""
        return [call for call in self.calls if not call.in_worker]

    @property
    def items_called(self) -> list[Any]:
        return [call.item for call in self.calls]


def _pools(run: Run) -> Iterator[dict[str, Any]]:
    pools = run.report.get("process_pools")
    for pool in pools if isinstance(pools, list) else []:
        if isinstance(pool, dict):
            yield pool


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True
