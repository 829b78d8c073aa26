"""A fake HTTP server for aiohttp clients, with simulated latency in loop time."""

from __future__ import annotations

import asyncio
import contextvars
import http
import inspect
import os
import re
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, ClassVar
from unittest.mock import patch

from graders.probes.counters import InFlight
from graders.probes.handed import handed
from graders.probes.judge import Call, Handed
from graders.probes.student import caller_location
from graders.results import Location


@contextmanager
def _no_certificate_store() -> Iterator[None]:
    """aiohttp makes its default SSL contexts as it is imported, and each loads every CA
    certificate of the system (about 50 ms, a sixth of grading exercise 3). No request a check
    lets through leaves the process (the fake server answers every one), so aiohttp is imported
    with the store pointed nowhere: a real TLS connection would fail to verify, never succeed."""
    names = ("SSL_CERT_FILE", "SSL_CERT_DIR")
    saved = {name: os.environ.get(name) for name in names}
    os.environ.update(dict.fromkeys(names, "/nonexistent/no-certificates"))
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


with _no_certificate_store():
    from aiohttp import ClientConnectionError, ClientResponse, ClientResponseError, ClientSession
    from aioresponses import CallbackResult, aioresponses

__all__ = ["ClientResponseError", "ClientSession", "Door", "FakeServer", "Route", "Routed", "Served",
           "WebServer"]

_sleep = asyncio.sleep
_REQUEST = inspect.signature(ClientSession._request)


@handed  # what student code gets from `session.get(...)`: aiohttp's ClientResponse and no more
class _Response(ClientResponse):
    """A fake response as aioresponses makes it, but with its stand-in loop out of debug mode:
    in debug mode each response captured the whole stack as it was made (a traceback a fake
    response never reports)."""

    def __init__(self, method: str, url: Any, *, loop: Any, **kwargs: Any) -> None:
        loop.get_debug.return_value = False
        super().__init__(method, url, loop=loop, **kwargs)


_Response.__name__ = _Response.__qualname__ = "ClientResponse"  # as the student knows it


class _StandIn:
    """What aioresponses makes a fake response's loop of, in place of a `unittest.mock.Mock`
    (two per response, each inspecting itself for coroutine methods as it was made): any
    attribute is another stand-in, and a call returns `return_value` (by default a stand-in)."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        child = _StandIn()
        setattr(self, name, child)
        return child

    def __call__(self, *_args: Any, **_kwargs: Any) -> Any:
        return self.__dict__.setdefault("return_value", _StandIn())


class _Responses(aioresponses):
    """aioresponses, with ClientSession._request replaced by a plain function instead of an
    autospec mock: building that autospec at every start was most of a fake request's cost. A
    call is held to _request's signature all the same, raising TypeError as the call is made."""

    def __init__(self, tell_session: bool = False) -> None:
        super().__init__()
        respond = self._request_mock

        def request(session: ClientSession, *args: Any, **kwargs: Any) -> Coroutine[Any, Any, Any]:
            bound = _REQUEST.bind(session, *args, **kwargs)
            if tell_session:  # the callback learns which session made the request, and how
                method = str(bound.arguments.get("method", "GET")).upper()
                return _in_session(session, method, respond(session, *args, **kwargs))
            return respond(session, *args, **kwargs)

        self.patcher = patch("aiohttp.client.ClientSession._request", new=request)
        self.stand_in = patch("aioresponses.core.Mock", new=_StandIn)

    def start(self) -> None:
        self.stand_in.start()
        super().start()

    def stop(self) -> None:
        super().stop()
        self.stand_in.stop()


# The session and method of the request being answered, in the task that awaits it.
_SESSION: contextvars.ContextVar[tuple[ClientSession, str] | None] = contextvars.ContextVar(
    "session", default=None)


async def _in_session(session: ClientSession, method: str,
                      request: Coroutine[Any, Any, Any]) -> Any:
    token = _SESSION.set((session, method))
    try:
        return await request
    finally:
        _SESSION.reset(token)


@dataclass
class Route:
    url: str
    body: str
    status: int = 200
    latency: float = 1.0
    hits: int = 0


@dataclass
class FakeServer:
    """Answers GET requests for its routes after each route's latency; counts requests in flight.

    Use inside `serve()`; read `in_flight`, `hits` and `unreleased()` before leaving it (leaving
    releases every response).
    """

    routes: dict[str, Route] = field(default_factory=dict)
    in_flight: InFlight = field(default_factory=InFlight)
    _mock: _Responses | None = None

    def add(self, url: str, body: str, *, status: int = 200, latency: float = 1.0) -> Route:
        route = Route(url, body, status, latency)
        self.routes[url] = route
        return route

    async def _answer(self, url: Any, **_: Any) -> CallbackResult:
        route = self.routes[str(url)]
        route.hits += 1
        async with self.in_flight.track(f"GET {route.url}"):
            await _sleep(route.latency)
        # aiohttp's raise_for_status() asserts a reason phrase, which aioresponses leaves out.
        reason = http.HTTPStatus(route.status).phrase
        return CallbackResult(status=route.status, body=route.body, reason=reason,
                              response_class=_Response)

    @contextmanager
    def serve(self) -> Iterator[FakeServer]:
        # repeat=True: aioresponses races when one registration is fetched concurrently (#165).
        with _Responses() as mock:
            self._mock = mock
            # A closure, not the bound method: aioresponses keeps the callback, and what it
            # keeps must not lead to this server's routes and counters.
            answer = self._answer

            async def callback(url: Any, **kwargs: Any) -> CallbackResult:
                return await answer(url, **kwargs)

            for url in self.routes:
                mock.get(url, callback=callback, repeat=True)
            try:
                yield self
            finally:
                self._mock = None

    def unreleased(self) -> int:
        """How many responses the client got and never released."""
        assert self._mock is not None, "read unreleased() inside serve()"
        return sum(1 for response in self._mock._responses if not response._released)


# --- the fake server judged from outside (graders/probes/judge.py) -----------------------------
#
# The judge's half, `WebServer`, is a world object: it lives in the judge's process, answers each
# request after its route's latency on the judge's clock and records what it saw. The
# submission's half, `Routed`, patches aiohttp in the submission's process for one run: every
# request of every ClientSession becomes a call of the judge's server, and its answer (plain
# data) is built there into a ClientResponse as aioresponses builds one.


@dataclass
class Request:
    """One request as the judge's server saw it, on the judge's clock."""

    method: str
    url: str
    given: bool  # it came through the session the judge handed over (a `Door`)
    start: float
    end: float | None = None
    status: int | None = None  # None: no route (connection refused)
    cancelled: bool = False  # the client gave up on it before its answer


class WebServer(Handed):
    """A fake HTTP server on the judge's side: routes with a body, a status and a latency in
    simulated seconds; counts requests in flight and keeps every request it got."""

    name: ClassVar[str] = "Server"
    methods: ClassVar[dict[str, str]] = {"request": "async"}

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.in_flight = InFlight()
        self.requests: list[Request] = []

    def add(self, url: str, body: str, *, status: int = 200, latency: float = 1.0) -> Route:
        route = Route(url, body, status, latency)
        self.routes[url] = route
        return route

    def door(self) -> Door:
        """A session for the student's code to be handed: its requests come in through it."""
        return Door(self)

    async def request(self, call: Call, method: str, url: str) -> dict[str, Any]:
        return await self.answer(str(method), str(url), given=False)

    async def answer(self, method: str, url: str, given: bool) -> dict[str, Any]:
        loop = asyncio.get_running_loop()
        seen = Request(method, url, given, loop.time())
        self.requests.append(seen)
        route = self.routes.get(url) if method.upper() == "GET" else None
        if route is None:
            seen.end = loop.time()
            return {"refused": True}
        route.hits += 1
        try:
            async with self.in_flight.track(f"GET {route.url}"):
                await asyncio.sleep(route.latency)
        except asyncio.CancelledError:
            seen.cancelled, seen.end = True, loop.time()
            raise
        seen.end, seen.status = loop.time(), route.status
        return {"status": route.status, "reason": http.HTTPStatus(route.status).phrase,
                "body": route.body, "headers": {}}

    def made(self, url: str | None = None) -> list[Request]:
        """The requests the server got (for `url`), cancelled or not."""
        return [seen for seen in self.requests if url is None or seen.url == url]

    def answered(self) -> list[Request]:
        """The requests the server answered (the client waited for them to the end)."""
        return [seen for seen in self.requests if seen.status is not None and not seen.cancelled]

    def __repr__(self) -> str:
        return "server"


class Door(Handed):
    """The way in for the requests of the one ClientSession the judge hands the student's code
    (`submission.call(..., server=server, session=server.door())`): the server tells them from
    the requests of sessions the student's code opened itself."""

    name: ClassVar[str] = "Door"
    methods: ClassVar[dict[str, str]] = {"request": "async"}

    def __init__(self, server: WebServer) -> None:
        self._server = server

    async def request(self, call: Call, method: str, url: str) -> dict[str, Any]:
        return await self._server.answer(str(method), str(url), given=True)

    def __repr__(self) -> str:
        return "session"


# Every method aiohttp's ClientSession has a shortcut for: each request reaches the judge.
_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


@dataclass
class Served:
    """What the submission's side saw of the requests of one run (self-reports, plain data)."""

    sessions: list[Location | None]  # where each ClientSession the student's code opened was made
    unclosed: list[Location | None]  # ... and those still open
    unreleased: list[str]  # the URL of each response never released


class Routed:
    """In the submission's process, for one run: every request of every ClientSession is sent to
    the judge's server (`remote.request(method, url)`, a handed stand-in), or to the door with
    `session` for the session handed to the call; its answer comes back as a ClientResponse."""

    def __init__(self, remote: Any, door: Any = None) -> None:
        self._remote, self._door = remote, door
        self.given: ClientSession | None = None
        self._made: list[tuple[ClientSession, Location | None]] = []
        self._mock: _Responses | None = None

    @contextmanager
    def serving(self) -> Iterator[Routed]:
        answer = self._answer

        async def callback(url: Any, **_kwargs: Any) -> CallbackResult:
            return await answer(url)

        made, original_init = self._made, ClientSession.__init__

        def recording_init(session: ClientSession, *args: Any, **kwargs: Any) -> None:
            original_init(session, *args, **kwargs)
            made.append((session, caller_location()))

        with _Responses(tell_session=True) as mock, \
                patch.object(ClientSession, "__init__", recording_init):
            self._mock = mock
            anything = re.compile(".*")
            for method in _METHODS:
                mock.add(anything, method=method, callback=callback, repeat=True)
            try:
                yield self
            finally:
                self._mock = None

    async def _answer(self, url: Any) -> CallbackResult:
        session, method = _SESSION.get() or (None, "GET")
        through = self._door if self._door is not None and session is self.given else self._remote
        data = await through.request(method, str(url))
        if not isinstance(data, dict) or data.get("refused") or type(data.get("status")) is not int:
            raise ClientConnectionError(f"Connection refused: {method} {url}")
        headers = data.get("headers") if isinstance(data.get("headers"), dict) else {}
        return CallbackResult(method=method, status=data["status"], body=str(data.get("body", "")),
                              reason=str(data.get("reason", "")), headers=headers,
                              content_type=str(headers.get("Content-Type", "application/json")),
                              response_class=_Response)

    def with_session(self, function: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        """`function` called with a ClientSession opened (and closed) around the call as its first
        argument: the session handed to the student's code, not one of its own."""

        async def call(*args: Any, **kwargs: Any) -> Any:
            async with ClientSession() as session:
                self.given = session
                return await function(session, *args, **kwargs)

        return call

    def report(self) -> Served:
        """Read inside `serving()` (leaving releases every response)."""
        own = [(session, where) for session, where in self._made if session is not self.given]
        responses = self._mock._responses if self._mock is not None else []
        return Served([where for _, where in own],
                      [where for session, where in own if not session.closed],
                      [str(response.url) for response in responses if not response._released])
