"""The messages between the judge and the submission process, and the values they carry.

Each message is one JSON object, sent as a 4-byte length and the UTF-8 text. Values cross as
plain data only: the submission side encodes what student code returned or raised with
`encode`, and the judge rebuilds it with `decode` into str, int, float, bool, None, list, tuple,
dict, set and frozenset, plus three records of its own (`Opaque`, `Raised`, `HandleRef`). Nothing
of the submission's objects survives the trip: a `str` subclass with a lying `__eq__` arrives
as a plain `str` (or, if it cannot be read as one, as an `Opaque` that equals nothing), so a
value the judge compares is one it built itself.

The judge trusts nothing of a message but its shape: `decode` refuses (with `WireError`)
anything that is not the encoding below, and `receive` refuses a message over `MAX_MESSAGE`.
"""

from __future__ import annotations

import json
import math
import socket
import struct
from dataclasses import dataclass, field
from typing import Any

MAX_MESSAGE = 4 * 1024 * 1024
# Nesting past this is refused (json.loads itself recurses): no check hands over deeper data.
MAX_DEPTH = 40
_LENGTH = struct.Struct("!I")


class WireError(Exception):
    """A message the judge cannot take: too long, not JSON, or not the encoding of plain data."""


class Closed(WireError):
    """The other side closed the connection (the submission process ended)."""


@dataclass(frozen=True)
class Opaque:
    """Something that is not plain data (a coroutine object, a task, an instance of a class of the
    student's): the judge knows only what kind of thing the submission says it was. It equals
    nothing but itself, so it never passes a comparison with an expected value."""

    kind: str  # "coroutine", "task", "future", "gathering", "object"
    type_name: str
    text: str  # a repr for messages, without addresses, shortened
    name: str = ""  # a coroutine's (or a task's coroutine's) qualified name

    def __eq__(self, other: object) -> bool:
        return self is other

    def __repr__(self) -> str:
        return self.text or f"<{self.type_name}>"

    def __hash__(self) -> int:
        return id(self)


@dataclass(frozen=True)
class Raised:
    """An exception student code raised, as the submission describes it. Its type is a name and
    the names of its bases: a report, enough to say what happened and to tell a TimeoutError from
    a ValueError, never an object of the submission's."""

    type_name: str
    bases: tuple[str, ...]  # the type's MRO names, the type itself first
    args: tuple[Any, ...]
    text: str  # "TypeError: message (ex01_coroutines.py, line 12)", as the submission said it
    location: tuple[str, int] | None = None
    explained: str = ""  # a sentence on a common asyncio mistake, if the submission found one
    status: int | None = None  # an HTTP error's `status` (aiohttp.ClientResponseError's), if any

    def is_a(self, name: str) -> bool:
        return name in self.bases

    def __repr__(self) -> str:
        """As Python shows an exception inside a value: `JobError('job failed')`."""
        return f"{self.type_name}({', '.join(repr(arg) for arg in self.args)})"


@dataclass(frozen=True, eq=False)
class Kept:
    """An object of the submission's (a callback it handed to the world, an instance of the
    student's class) kept there under `number`: the judge can ask for it to be called, or for
    one of its methods to be. What it is, is the submission's word."""

    number: int
    kind: str
    type_name: str
    text: str
    is_callable: bool

    def __repr__(self) -> str:
        return self.text or f"<{self.type_name}>"


@dataclass(frozen=True)
class HandleRef:
    """A world object of the judge's, as it travels: by number."""

    number: int


@dataclass(frozen=True, eq=False)
class CallRef:
    """A call of a judge's world object's async method, handed to student code as an awaitable:
    the submission's side makes it the coroutine of `target.method(*args)` (its proxy's), or,
    with `wrap`, that coroutine already started as a task ("task") or inside a plain object with
    `__await__` ("awaitable"). On the judge's side `target` is the `Handed`; it travels as its
    number and arrives as a `HandleRef`."""

    target: Any
    method: str
    args: tuple[Any, ...] = ()
    wrap: str = "coroutine"  # "coroutine", "task" or "awaitable"


CALL_WRAPS = ("coroutine", "task", "awaitable")


@dataclass
class _Budget:
    depth: int = 0
    items: int = 0
    seen: set[int] = field(default_factory=set)


def send(sock: socket.socket, message: dict[str, Any]) -> None:
    send_data(sock, dumps(message))


def dumps(message: dict[str, Any]) -> bytes:
    return json.dumps(message, separators=(",", ":"), allow_nan=False).encode()


def send_data(sock: socket.socket, data: bytes) -> None:
    """A message already made with `dumps` (or `batch`)."""
    if len(data) > MAX_MESSAGE:
        raise WireError(f"a message of {len(data):,} bytes is over the limit")
    sock.sendall(_LENGTH.pack(len(data)) + data)


def batch(messages: list[bytes]) -> bytes:
    """Several messages made with `dumps` as one, `{"op": "batch", "messages": [...]}`: the
    receiver takes them one by one, in order, as if each had come alone."""
    return b'{"op":"batch","messages":[' + b",".join(messages) + b"]}"


def unbatch(message: dict[str, Any]) -> list[dict[str, Any]]:
    """The messages a received message holds: itself, or those of a batch (never nested)."""
    if message["op"] != "batch":
        return [message]
    messages = message.get("messages")
    if not isinstance(messages, list) or not messages or not all(
            isinstance(item, dict) and isinstance(item.get("op"), str) and item["op"] != "batch"
            for item in messages):
        raise WireError("a batch that is not a list of messages")
    return messages


def receive(sock: socket.socket) -> dict[str, Any]:
    """One message; `Closed` if the other side has gone, `WireError` if it broke the format."""
    (length,) = _LENGTH.unpack(_read(sock, _LENGTH.size))
    if length > MAX_MESSAGE:
        raise WireError(f"a message of {length:,} bytes is over the limit")
    try:
        message = json.loads(_read(sock, length))
    except (ValueError, RecursionError) as error:
        raise WireError(f"a message that is not JSON: {error}") from None
    if not isinstance(message, dict) or not isinstance(message.get("op"), str):
        raise WireError("a message without an operation")
    return message


def _read(sock: socket.socket, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = sock.recv(min(left, 1 << 20))
        if not chunk:
            raise Closed("the connection closed")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


# --- the submission's side: any object to plain data ------------------------------------------


def encode(value: Any, handles: Any = None, _depth: int = 0, keep: Any = None) -> Any:
    """`value` as plain JSON data. Exact types only: a subclass of str or int is read through
    the base type's own methods, so what crosses is the base value, never the subclass's say.
    `handles(value)` gives the number of a judge's object handed over earlier (or None);
    `keep(value)`, on the submission's side, the number under which an object that is not data
    (a callback, an instance of the student's class) is kept there for the judge to use later
    (or None: it crosses as an `Opaque` description)."""
    if _depth > MAX_DEPTH:
        return _opaque("object", value)
    kind = type(value)
    if value is None or kind is bool:
        return value
    if kind is int or (isinstance(value, int) and not isinstance(value, bool)):
        return int.__int__(value) if kind is not int else value
    if isinstance(value, float):
        number = float.__float__(value)
        return number if math.isfinite(number) else {"$": "float", "v": repr(number)}
    if isinstance(value, str):
        return str.__str__(value)
    if handles is not None and (number := handles(value)) is not None:
        return {"$": "handle", "v": number}
    if isinstance(value, CallRef) and handles is not None and \
            (number := handles(value.target)) is not None:
        return {"$": "call", "v": number, "method": value.method, "wrap": value.wrap,
                "args": [encode(item, handles, _depth + 1, keep) for item in value.args]}

    def inner(item: Any) -> Any:
        return encode(item, handles, _depth + 1, keep)

    if isinstance(value, list):
        return [inner(item) for item in list.__iter__(value)]
    if isinstance(value, tuple):
        return {"$": "tuple", "v": [inner(item) for item in tuple.__iter__(value)]}
    if isinstance(value, dict):
        return {"$": "dict", "v": [[inner(key), inner(item)] for key, item in dict.items(value)]}
    if isinstance(value, set):
        return {"$": "set", "v": [inner(item) for item in set.__iter__(value)]}
    if isinstance(value, frozenset):
        return {"$": "frozenset", "v": [inner(item) for item in frozenset.__iter__(value)]}
    if isinstance(value, BaseException):
        return encode_error(value, "")
    described = _opaque(_kind_of(value), value)
    if keep is not None and (number := keep(value)) is not None:
        return encode_kept(value, number, described)
    return described


def encode_kept(value: Any, number: int, described: dict[str, Any] | None = None) -> dict[str, Any]:
    """`value`, kept on the submission's side under `number`, as the judge gets it (a `Kept`):
    any object, a list or a dict too when it is handed over by reference."""
    described = described or _opaque(_kind_of(value), value)
    return {"$": "kept", "v": number, "kind": described["kind"], "type": described["type"],
            "text": described["text"], "callable": callable(value)}


def encode_error(error: BaseException, text: str, location: tuple[str, int] | None = None,
                 explained: str = "") -> dict[str, Any]:
    bases = [klass.__name__ for klass in type(error).__mro__]
    try:
        args = [encode(arg, None, MAX_DEPTH - 2) for arg in tuple(error.args)[:8]]
    except Exception:  # noqa: BLE001 - args of student code's own exception class
        args = []
    encoded = {"$": "error", "type": type(error).__name__, "bases": bases, "args": args,
               "text": text, "location": list(location) if location else None,
               "explained": explained}
    try:  # aiohttp's ClientResponseError keeps its status out of args
        status = getattr(error, "status", None)
    except Exception:  # noqa: BLE001 - an attribute of student code's own exception class
        status = None
    if isinstance(status, int) and not isinstance(status, bool):
        encoded["status"] = int.__int__(status)
    return encoded


def _kind_of(value: Any) -> str:
    import asyncio

    if asyncio.iscoroutine(value):
        return "coroutine"
    if type(value).__name__ == "_GatheringFuture":
        return "gathering"
    if isinstance(value, asyncio.Task):
        return "task"
    if asyncio.isfuture(value):
        return "future"
    return "object"


def _opaque(kind: str, value: Any) -> dict[str, Any]:
    import re

    try:
        text = re.sub(r" at 0x[0-9a-fA-F]+", "", object.__repr__(value) if kind == "object"
                      else repr(value))
    except Exception:  # noqa: BLE001 - a repr of student code's
        text = f"<{type(value).__name__}>"
    name = getattr(value, "__qualname__", "") if kind == "coroutine" else ""
    if kind == "task":
        coro = getattr(value, "get_coro", lambda: None)()
        name = getattr(coro, "__qualname__", "")
    return {"$": "opaque", "kind": kind, "type": type(value).__name__,
            "text": text[:200], "name": name if isinstance(name, str) else ""}


# --- the judge's side: plain data, or WireError -----------------------------------------------


def decode(data: Any) -> Any:
    """Plain data back from its encoding; anything else is a `WireError`."""
    return _decode(data, _Budget())


def _decode(data: Any, budget: _Budget) -> Any:
    budget.items += 1
    if budget.items > 1_000_000:
        raise WireError("too many values")
    if data is None or type(data) in (bool, int, str):
        return data
    if type(data) is float:
        return data
    if type(data) is list:
        return [_decode(item, budget) for item in data]
    if type(data) is not dict or not isinstance(data.get("$"), str):
        raise WireError(f"not a value: {str(data)[:80]}")
    return _decode_tagged(data["$"], data, budget)


def _decode_tagged(tag: str, data: dict[str, Any], budget: _Budget) -> Any:
    inner = data.get("v")
    if tag == "float" and inner in ("nan", "inf", "-inf"):
        return float(inner)
    if tag == "handle" and type(inner) is int:
        return HandleRef(inner)
    if tag == "call" and type(inner) is int and type(data.get("method")) is str \
            and data.get("wrap") in CALL_WRAPS and type(data.get("args")) is list:
        return CallRef(HandleRef(inner), data["method"],
                       tuple(_decode(item, budget) for item in data["args"]), data["wrap"])
    if tag == "kept" and type(inner) is int:
        return Kept(inner, _text(data.get("kind")), _text(data.get("type")), _text(data.get("text")),
                    data.get("callable") is True)
    if tag in ("tuple", "set", "frozenset", "dict") and type(inner) is list:
        items = [_decode(item, budget) for item in inner]
        try:
            if tag == "tuple":
                return tuple(items)
            if tag == "set":
                return set(items)
            if tag == "frozenset":
                return frozenset(items)
            if all(type(pair) is list and len(pair) == 2 for pair in items):
                return {key: value for key, value in items}
        except TypeError:  # unhashable keys or items
            pass
        raise WireError(f"a {tag} that cannot be built")
    if tag == "opaque":
        return Opaque(_text(data.get("kind")), _text(data.get("type")), _text(data.get("text")),
                      _text(data.get("name")))
    if tag == "error":
        return decode_error(data, budget)
    raise WireError(f"an unknown value tag {tag!r}")


def decode_error(data: dict[str, Any], budget: _Budget | None = None) -> Raised:
    budget = budget or _Budget()
    bases = data.get("bases")
    if type(bases) is not list or not all(type(name) is str for name in bases) or not bases:
        raise WireError("an exception without its type")
    args = data.get("args")
    location = data.get("location")
    where = None
    if (type(location) is list and len(location) == 2 and type(location[0]) is str
            and type(location[1]) is int):
        where = (location[0], location[1])
    status = data.get("status")
    return Raised(_text(data.get("type")) or bases[0], tuple(bases),
                  tuple(_decode(arg, budget) for arg in args) if type(args) is list else (),
                  _text(data.get("text")), where, _text(data.get("explained")),
                  status if type(status) is int else None)


def _text(value: Any) -> str:
    return value if type(value) is str else ""
