"""Checks for exercise 3: fetch_url reads one response properly; fetch_all fetches all at once."""

from __future__ import annotations

import asyncio

import aiohttp

from graders.check import Fail, check, expect, record
from graders.probes import BlockingSpy, FakeServer, Outcome, Solution, run_virtual, spy_on_sessions
from graders.probes import inputs as rand
from graders.probes.spies import SessionSpy

HINTS = (
    "fetch_url: open the request with `async with session.get(url) as response:` and read the "
    "body inside that block. For fetch_all, start every fetch before you wait for any of them.",
    "A response has a method that raises aiohttp.ClientResponseError for a 4xx/5xx status. In "
    "fetch_all, create the session once, as an async context manager around all the downloads "
    "(so it is closed when they are done), and pass it to every fetch_url call.",
    "Make one fetch_url call per URL, all sharing the session, and hand them all to gather at "
    "once (a * unpacks a list into arguments). gather gives the bodies back in the order of urls, "
    "whatever order the downloads finish in: pair each URL with its body to build the dict.",
)


def _urls(count: int) -> list[str]:
    return [f"http://{rand.word(6)}.test/{rand.word(4)}/{index}" for index in range(count)]


def _fetch_one(solution: Solution, status: int = 200) -> tuple[FakeServer, str, Outcome[str], int]:
    fetch_url = solution.function("fetch_url", coroutine=True)
    server, url, body = FakeServer(), _urls(1)[0], f"body {rand.word(12)}"
    server.add(url, body, status=status, latency=rand.delay(0.5, 2.0))

    async def with_session() -> str:
        async with aiohttp.ClientSession() as session:
            return await fetch_url(session, url)

    with server.serve():
        outcome = run_virtual(with_session)
        unreleased = server.unreleased()
    return server, body, outcome, unreleased


@check("fetch_url returns the body of the response", points=1)
def test_fetch_url_returns_body(solution: Solution) -> None:
    _, body, outcome, _ = _fetch_one(solution)
    value = outcome.result("fetch_url(session, url)")
    expect(value == body, f"fetch_url returned {value!r}; the server sent {body!r}.",
           solution.definition_of("fetch_url"))


@check("fetch_url raises ClientResponseError for a 4xx or 5xx status", points=2)
def test_fetch_url_raises_for_error_status(solution: Solution) -> None:
    for status in (404, 500):
        _, body, outcome, _ = _fetch_one(solution, status)
        if isinstance(outcome.error, aiohttp.ClientResponseError) and outcome.error.status == status:
            continue
        if outcome.error is None:
            raise Fail(f"For a {status} response fetch_url returned {outcome.value!r} as if it were "
                       f"data; it should raise aiohttp.ClientResponseError so the caller sees the "
                       f"failure.", solution.definition_of("fetch_url"))
        outcome.result(f"fetch_url(session, url) with a {status} response")
        raise Fail(f"For a {status} response fetch_url raised {type(outcome.error).__name__}; it "
                   f"should raise aiohttp.ClientResponseError.", solution.definition_of("fetch_url"))


@check("fetch_url releases the response", points=1)
def test_fetch_url_releases_response(solution: Solution) -> None:
    _, _, outcome, unreleased = _fetch_one(solution)
    outcome.result("fetch_url(session, url)")
    expect(unreleased == 0,
           "fetch_url read the response but never released it, so its connection is not handed "
           "back to the pool. Use the response as an async context manager.",
           solution.definition_of("fetch_url"))


def _fetch_all(solution: Solution, count: int = 5) -> tuple[FakeServer, Outcome[dict[str, str]],
                                                            SessionSpy, list[str]]:
    fetch_all = solution.function("fetch_all", coroutine=True)
    server, urls = FakeServer(), _urls(count)
    # Slowest first: the order downloads finish in is never the order of `urls`.
    for url, latency in zip(urls, sorted(rand.distinct_delays(count, 0.5, 3.0), reverse=True),
                            strict=True):
        server.add(url, f"page {rand.word(10)}", latency=latency)
    with server.serve(), spy_on_sessions() as sessions:
        outcome = run_virtual(lambda: fetch_all(list(urls)))
    return server, outcome, sessions, urls


@check("fetch_all returns every body, keyed by URL in the order of urls", points=2)
def test_fetch_all_returns_every_body_in_order(solution: Solution) -> None:
    server, outcome, _, urls = _fetch_all(solution)
    value = outcome.result("fetch_all(urls)")
    expected = {url: server.routes[url].body for url in urls}
    where = solution.definition_of("fetch_all")
    if not isinstance(value, dict):
        raise Fail(f"fetch_all returned a {type(value).__name__}; it should return a dict "
                   f"{{url: body}}.", where)
    wrong = [url for url in urls if value.get(url) != expected[url]]
    if wrong:
        raise Fail(f"fetch_all returned a wrong or missing body for {len(wrong)} of {len(urls)} "
                   f"URLs (first: {wrong[0]!r} -> {_shown(value.get(wrong[0]))}).", where)
    extra = [key for key in value if key not in expected]
    expect(not extra, f"fetch_all returned keys that are not among urls: {extra[:3]!r}.", where)
    expect(list(value) == urls,
           "fetch_all returned the right bodies but its keys are not in the order of urls (they "
           "follow the order the downloads finished in).", where)


@check("fetch_all runs every request at the same time", points=3)
def test_fetch_all_runs_requests_concurrently(solution: Solution, blocking: BlockingSpy) -> None:
    server, outcome, _, urls = _fetch_all(solution)
    outcome.result("fetch_all(urls)")
    if blocking.calls:
        raise Fail(blocking.message(), blocking.calls[0].location)
    most, count = server.in_flight.high_water, len(urls)
    needed = max(route.latency for route in server.routes.values())
    where = solution.definition_of("fetch_all")
    record(timeline=server.in_flight.timeline())
    if most == 0:
        raise Fail(f"fetch_all made no request at all for {count} URLs ({outcome.elapsed:.1f} s of "
                   f"simulated time passed). A coroutine such as fetch_url(...) runs only when it "
                   f"is awaited (directly or through gather).", where)
    if most < count:
        how = "one at a time" if most <= 1 else f"at most {most} at a time"
        raise Fail(f"{count} requests ran {how}: {outcome.elapsed:.1f} s of simulated time; a "
                   f"concurrent version needs {needed:.1f} s.", where)
    hits = sum(route.hits for route in server.routes.values())
    expect(hits == count, f"fetch_all made {hits} requests for {count} URLs; it should fetch each "
                          f"URL once.", where)


@check("fetch_all opens one ClientSession and closes it", points=2)
def test_fetch_all_uses_one_session(solution: Solution) -> None:
    _, outcome, sessions, urls = _fetch_all(solution)
    outcome.result("fetch_all(urls)")
    made = len(sessions.sessions)
    where = next((place for place in sessions.locations if place), None)
    expect(made == 1, f"fetch_all opened {made} ClientSessions for {len(urls)} URLs; open one and "
                      f"share it between all requests.", where)
    expect(not sessions.unclosed, "fetch_all left its ClientSession open; close it when the "
                                  "downloads are done.", where)


@check("fetch_all awaits everything it starts", points=1)
def test_fetch_all_leaves_nothing_behind(solution: Solution) -> None:
    _, outcome, _, _ = _fetch_all(solution)
    outcome.require_clean("fetch_all(urls)")
    outcome.result("fetch_all(urls)")


def _shown(value: object) -> str:
    """A value as the student should read it in a message, without memory addresses."""
    if asyncio.iscoroutine(value):
        return (f"a coroutine object: {value.__qualname__}(...) was called but never awaited, so "
                f"it never ran")
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
