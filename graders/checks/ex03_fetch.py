"""Checks for exercise 3: fetch_url reads one response properly; fetch_all fetches all at once."""

from __future__ import annotations

import http
from dataclasses import dataclass

from graders.check import Fail, check, expect, record
from graders.probes import BlockingSpy, FakeServer, Outcome, Solution, run_virtual, spy_on_sessions
from graders.probes import inputs as rand
from graders.probes.loop import describe_call_error
from graders.probes.server import ClientResponseError, ClientSession
from graders.probes.spies import SessionSpy
from graders.probes.student import location_of_traceback
from graders.probes.values import left_behind, shown

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

# Statuses every run checks, whatever the random draw: the edges of each range and the usual ones,
# so `status == 404`, `status > 400` or `status >= 500` cannot pass by luck.
SUCCESSES = (200, 201)
ERRORS = (400, 404, 500, 503)
# URLs of the extra order run: a set of 10 (tasks or URLs) comes out in the order of urls by luck
# about once in 3.6 million.
MANY = 10


def _urls(count: int) -> list[str]:
    return [f"http://{rand.word(6)}.test/{rand.word(4)}/{index}" for index in range(count)]


def _phrase(status: int) -> str:
    return f"{status} ({http.HTTPStatus(status).phrase})"


@dataclass
class FetchedOne:
    body: str
    outcome: Outcome[str]
    unreleased: int
    own_sessions: list[object]


def _fetch_one(solution: Solution, status: int = 200) -> FetchedOne:
    fetch_url = solution.function("fetch_url", coroutine=True)
    server, url, body = FakeServer(), _urls(1)[0], f"body {rand.word(12)}"
    server.add(url, body, status=status, latency=rand.delay(0.5, 2.0))
    spies: list[SessionSpy] = []

    async def with_session() -> str:
        async with ClientSession() as session:
            with spy_on_sessions() as sessions:  # only the sessions fetch_url opens
                spies.append(sessions)
                return await fetch_url(session, url)

    with server.serve():
        outcome = run_virtual(with_session)
        unreleased = server.unreleased()
    own = [where for spy in spies for where in spy.locations]
    return FetchedOne(body, outcome, unreleased, own)


@check("fetch_url returns the body of the response", points=1)
def test_fetch_url_returns_body(solution: Solution) -> None:
    for status in SUCCESSES:
        fetched = _fetch_one(solution, status)
        where = solution.definition_of("fetch_url")
        if isinstance(fetched.outcome.error, ClientResponseError):
            raise Fail(f"For a {_phrase(status)} response fetch_url raised ClientResponseError; a "
                       f"2xx status is a success: return the body.", where)
        value = fetched.outcome.result("fetch_url(session, url)")
        expect(value == fetched.body, f"fetch_url returned {shown(value)}; the server sent "
                                      f"{fetched.body!r}.", where)
        expect(not fetched.own_sessions,
               f"fetch_url opened a ClientSession of its own instead of using the session it was "
               f"given ({len(fetched.own_sessions)} for one URL).",
               next((place for place in fetched.own_sessions if place), where))


def _error_statuses() -> list[int]:
    drawn = rand.rng.choice([status.value for status in http.HTTPStatus if status.value >= 400])
    return [*ERRORS, drawn]


@check("fetch_url raises ClientResponseError for a 4xx or 5xx status", points=2)
def test_fetch_url_raises_for_error_status(solution: Solution) -> None:
    for status in _error_statuses():
        outcome = _fetch_one(solution, status).outcome
        if isinstance(outcome.error, ClientResponseError) and outcome.error.status == status:
            continue
        if outcome.error is None:
            raise Fail(f"For a {_phrase(status)} response fetch_url returned {shown(outcome.value)} "
                       f"as if it were data; it should raise aiohttp.ClientResponseError so the "
                       f"caller sees the failure.", solution.definition_of("fetch_url"))
        if isinstance(outcome.error, ClientResponseError):
            raise Fail(f"For a {_phrase(status)} response fetch_url raised ClientResponseError with "
                       f"status {outcome.error.status}; it should carry the response's status.",
                       solution.definition_of("fetch_url"))
        outcome.result(f"fetch_url(session, url) with a {status} response")
        raise Fail(f"For a {_phrase(status)} response fetch_url raised "
                   f"{type(outcome.error).__name__}; it should raise "
                   f"aiohttp.ClientResponseError.", solution.definition_of("fetch_url"))


@check("fetch_url releases the response", points=1)
def test_fetch_url_releases_response(solution: Solution) -> None:
    fetched = _fetch_one(solution)
    fetched.outcome.result("fetch_url(session, url)")
    expect(fetched.unreleased == 0,
           "fetch_url read the response but never released it, so its connection is not handed "
           "back to the pool. Use the response as an async context manager.",
           solution.definition_of("fetch_url"))
    failed = _fetch_one(solution, 404)
    expect(failed.unreleased == 0,
           f"For a {_phrase(404)} response fetch_url never released the response, so its "
           f"connection is not handed back to the pool: a response must be released on every "
           f"path out of fetch_url, the error too. Use the response as an async context manager.",
           solution.definition_of("fetch_url"))


@dataclass
class FetchedAll:
    server: FakeServer
    outcome: Outcome[dict[str, str]]
    sessions: SessionSpy
    urls: list[str]
    unreleased: int

    def finish_order(self) -> list[str]:
        return sorted(self.urls, key=lambda url: self.server.routes[url].latency)


def _fetch_all(solution: Solution, count: int = 5, failing: int | None = None) -> FetchedAll:
    """fetch_all over `count` URLs whose downloads finish in the reverse order of `urls`; the one
    at index `failing`, if any, answers 404 with an error page, last of all."""
    fetch_all = solution.function("fetch_all", coroutine=True)
    server, urls = FakeServer(), _urls(count)
    # Slowest first: the order downloads finish in is never the order of `urls`.
    latencies = sorted(rand.distinct_delays(count, 0.5, 3.0), reverse=True)
    for index, (url, latency) in enumerate(zip(urls, latencies, strict=True)):
        if index == failing:
            server.add(url, f"<h1>Not Found</h1> {rand.word(8)}", status=404, latency=3.5)
        else:
            server.add(url, f"page {rand.word(10)}", latency=latency)
    with server.serve(), spy_on_sessions() as sessions:
        outcome = run_virtual(lambda: fetch_all(list(urls)))
        unreleased = server.unreleased()
    return FetchedAll(server, outcome, sessions, urls, unreleased)


def _check_bodies(solution: Solution, fetched: FetchedAll, when: str) -> None:
    value, urls = fetched.outcome.result("fetch_all(urls)"), fetched.urls
    expected = {url: fetched.server.routes[url].body for url in urls}
    where = solution.definition_of("fetch_all")
    if not isinstance(value, dict):
        raise Fail(f"{when}fetch_all returned {shown(value)}; it should return a dict "
                   f"{{url: body}}.", where)
    wrong = [url for url in urls if value.get(url) != expected[url]]
    if wrong:
        raise Fail(f"{when}fetch_all returned a wrong or missing body for {len(wrong)} of "
                   f"{len(urls)} URLs (first: {wrong[0]!r} -> {shown(value.get(wrong[0]))}).",
                   where)
    extra = [key for key in value if key not in expected]
    expect(not extra, f"{when}fetch_all returned keys that are not among urls: {extra[:3]!r}.",
           where)
    how = (" (they follow the order the downloads finished in)"
           if list(value) == fetched.finish_order() else "")
    expect(list(value) == urls,
           f"{when}fetch_all returned the right bodies but its keys are not in the order of "
           f"urls{how}.", where)


@check("fetch_all returns every body, keyed by URL in the order of urls", points=2)
def test_fetch_all_returns_every_body_in_order(solution: Solution) -> None:
    _check_bodies(solution, _fetch_all(solution), "")
    _check_bodies(solution, _fetch_all(solution, MANY), f"With {MANY} URLs, ")
    fetch_all = solution.function("fetch_all", coroutine=True)
    with spy_on_sessions():
        outcome = run_virtual(lambda: fetch_all([]))
    if outcome.error is not None and not outcome.timed_out and not outcome.spun:
        raise Fail(f"{describe_call_error('fetch_all([])', outcome.error)} With no URLs there is "
                   f"nothing to fetch: it should return {{}}.",
                   location_of_traceback(outcome.error.__traceback__))
    value = outcome.result("fetch_all([])")
    expect(value == {}, f"fetch_all([]) returned {shown(value)}; with no URLs there is nothing to "
                        f"fetch: it should return {{}}.", solution.definition_of("fetch_all"))


@check("fetch_all runs every request at the same time", points=3)
def test_fetch_all_runs_requests_concurrently(solution: Solution, blocking: BlockingSpy) -> None:
    fetched = _fetch_all(solution)
    server, outcome, urls = fetched.server, fetched.outcome, fetched.urls
    outcome.result("fetch_all(urls)")
    if blocking.calls:
        raise Fail(blocking.message(), blocking.calls[0].location)
    most, count = server.in_flight.high_water, len(urls)
    needed = max(route.latency for route in server.routes.values())
    where = solution.definition_of("fetch_all")
    record(timeline=server.in_flight.timeline())
    if most == 0:
        left = left_behind(outcome)
        raise Fail(f"fetch_all made no request at all for {count} URLs ({outcome.elapsed:.1f} s of "
                   f"simulated time passed). A coroutine such as fetch_url(...) runs only when it "
                   f"is awaited (directly or through gather).{f' Meanwhile {left}.' if left else ''}",
                   where)
    if most < count:
        how = "one at a time" if most <= 1 else f"at most {most} at a time"
        raise Fail(f"{count} requests ran {how}: {outcome.elapsed:.1f} s of simulated time; a "
                   f"concurrent version needs {needed:.1f} s.", where)
    hits = sum(route.hits for route in server.routes.values())
    expect(hits == count, f"fetch_all made {hits} requests for {count} URLs; it should fetch each "
                          f"URL once.", where)


@check("fetch_all opens one ClientSession and closes it", points=2)
def test_fetch_all_uses_one_session(solution: Solution) -> None:
    fetched = _fetch_all(solution)
    fetched.outcome.result("fetch_all(urls)")
    sessions = fetched.sessions
    made = len(sessions.sessions)
    where = next((place for place in sessions.locations if place), None)
    expect(made == 1, f"fetch_all opened {made} ClientSessions for {len(fetched.urls)} URLs; open "
                      f"one and share it between all requests.", where)
    expect(not sessions.unclosed, "fetch_all left its ClientSession open; close it when the "
                                  "downloads are done.", where)


def _in_group(error: BaseException | None) -> bool:
    """Whether `error` is a ClientResponseError, or a group (a TaskGroup's) that holds one."""
    if isinstance(error, ClientResponseError):
        return True
    if isinstance(error, BaseExceptionGroup):
        return any(_in_group(inner) for inner in error.exceptions)
    return False


@check("fetch_all fetches with fetch_url: responses released, error pages not taken as data",
       points=2)
def test_fetch_all_fetches_with_fetch_url(solution: Solution) -> None:
    fetched, where = _fetch_all(solution), solution.definition_of("fetch_all")
    fetched.outcome.result("fetch_all(urls)")
    count = len(fetched.urls)
    expect(fetched.unreleased == 0,
           f"fetch_all left {fetched.unreleased} of the {count} responses unreleased, so their "
           f"connections never go back to the pool. Fetch each URL with fetch_url, which "
           f"releases its response.", where)
    failing = rand.rng.randrange(1, count - 1)
    fetched = _fetch_all(solution, failing=failing)
    bad_url = fetched.urls[failing]
    error_page = fetched.server.routes[bad_url].body
    outcome = fetched.outcome
    if outcome.error is not None and _in_group(outcome.error):
        return
    if outcome.error is not None:
        outcome.result(f"fetch_all(urls) with one URL answering {_phrase(404)}")
    value = outcome.value
    expect(not (isinstance(value, dict) and value.get(bad_url) == error_page),
           f"With one URL answering {_phrase(404)}, fetch_all returned its error page as if it "
           f"were data ({bad_url!r} -> {shown(error_page)}). Fetch each URL with fetch_url, "
           f"which raises for a 4xx or 5xx status.", where)


@check("fetch_all awaits everything it starts", points=1)
def test_fetch_all_leaves_nothing_behind(solution: Solution) -> None:
    outcome = _fetch_all(solution).outcome
    left = left_behind(outcome)
    if left:
        raise Fail(f"fetch_all(urls) left work behind: {left}.", outcome.first_leak_location())
    outcome.result("fetch_all(urls)")
