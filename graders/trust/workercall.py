"""func as a worker process runs it (exercise 13): each call is one connection to the judge.

A process pool pickles func to send it to its worker processes. A worker process forked from the
submission's process finds func's address in what it copied; one started afresh (a pool that
spawns: `max_tasks_per_child`, a spawn or forkserver context) imports this module by name and
takes the address the pickle carries. That is why this module imports nothing but the wire
format: a fresh interpreter imports it for each worker process, and the grading stack's imports
(pytest, the probes) would cost each one a second of a loaded machine.

The address is no secret: the judge learns who calls from the kernel (SO_PEERCRED), not from
anything sent, and answers only processes that descend from the submission's process.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

from graders.trust import wire

# Each func's address at the judge, by its token.
ADDRESSES: dict[str, str] = {}
# Set by the submission's runtime: what a call made in its own process adds to its message (the
# thread, whether a loop runs there, the line in the student's code), for the judge's messages.
DESCRIBE_CALLER: Callable[[], dict[str, Any]] | None = None


class ComputeError(Exception):
    """What func raises where the judge's world says it fails (it pickles: it crosses from a
    worker process back to the caller's)."""


def rebuild(token: str, address: str = "") -> ProcessFunc:
    """How a ProcessFunc is rebuilt in a worker process (pickled by this function's name)."""
    if token not in ADDRESSES and address:
        ADDRESSES[token] = address
    return ProcessFunc(token)


class ProcessFunc:
    """func for work that goes to worker processes: each call connects to the judge, which
    learns the caller's process from the connection itself and answers when its world decides.
    It pickles as its token and address."""

    __slots__ = ("_token",)

    def __init__(self, token: str) -> None:
        self._token = token

    def __call__(self, item: Any) -> Any:
        address = ADDRESSES.get(self._token)
        if address is None:
            raise ComputeError("func cannot reach the grader from this process")
        message: dict[str, Any] = {"op": "call", "item": wire.encode(item)}
        if DESCRIBE_CALLER is not None:
            message.update(DESCRIBE_CALLER())
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.connect("\0" + address)
            wire.send(sock, message)
            reply = wire.receive(sock)
        if "error" in reply:
            raise ComputeError(str(reply["error"]))
        return wire.decode(reply.get("value"))

    def __reduce__(self) -> tuple[Callable[[str, str], ProcessFunc], tuple[str, str]]:
        return rebuild, (self._token, ADDRESSES.get(self._token, ""))

    def __repr__(self) -> str:
        return "func"
