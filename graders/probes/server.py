"""A fake HTTP server for aiohttp clients, with simulated latency in loop time."""

from __future__ import annotations

import asyncio
import http
import inspect
import os
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from unittest.mock import patch

from graders.probes.counters import InFlight
from graders.probes.handed import handed


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
    from aiohttp import ClientResponse, ClientResponseError, ClientSession
    from aioresponses import CallbackResult, aioresponses

__all__ = ["ClientResponseError", "ClientSession", "FakeServer", "Route"]

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

    def __init__(self) -> None:
        super().__init__()
        respond = self._request_mock

        def request(session: ClientSession, *args: Any, **kwargs: Any) -> Coroutine[Any, Any, Any]:
            _REQUEST.bind(session, *args, **kwargs)
            return respond(session, *args, **kwargs)

        self.patcher = patch("aiohttp.client.ClientSession._request", new=request)
        self.stand_in = patch("aioresponses.core.Mock", new=_StandIn)

    def start(self) -> None:
        self.stand_in.start()
        super().start()

    def stop(self) -> None:
        super().stop()
        self.stand_in.stop()


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
