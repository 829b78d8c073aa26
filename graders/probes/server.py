"""A fake HTTP server for aiohttp clients, with simulated latency in loop time."""

from __future__ import annotations

import asyncio
import http
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from aioresponses import CallbackResult, aioresponses

from graders.probes.counters import InFlight

_sleep = asyncio.sleep


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
    _mock: aioresponses | None = None

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
        return CallbackResult(status=route.status, body=route.body, reason=reason)

    @contextmanager
    def serve(self) -> Iterator[FakeServer]:
        # repeat=True: aioresponses races when one registration is fetched concurrently (#165).
        with aioresponses() as mock:
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
