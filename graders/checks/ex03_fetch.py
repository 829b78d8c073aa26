"""Checks for exercise 3: fetch_url reads one response properly; fetch_all fetches all at once.

The fake HTTP server lives on the judge's side (graders/probes/server.py, `WebServer`): every
request the student's code makes with aiohttp, in a process of its own, is a message to it, and
the judge answers after each route's latency on its own clock, counting requests in flight.
Evidence each check passes on (what the judge saw itself) is in EVIDENCE; what the submission's
side reports (a time.sleep on the loop, sessions opened and left open, responses never released,
work left behind) can only cost points.
"""

from __future__ import annotations

import http
from dataclasses import dataclass
from typing import Any

from graders.check import Fail, check, expect, expect_done_when_needed, record
from graders.probes import inputs as rand
from graders.probes.judge import Run, Submission, describe_raised
from graders.probes.server import Door, WebServer
from graders.probes.values import left_behind, shown
from graders.results import Location
from graders.trust.wire import Raised

HINTS = {
    "fetch_url_returns_body": (
        "fetch_url uses the session it is given: open the request with `async with "
        "session.get(url) as response:` and read the body as text inside that block, then "
        "return it.",
        "Any status below 400 is an answer to read, not only 200. Return the body, not the status "
        "or the response object.",
    ),
    "fetch_url_raises_for_error_status": (
        "Every status from 400 up is an error (4xx: the request was wrong; 5xx: the server "
        "failed), and fetch_url must raise aiohttp.ClientResponseError for each of them.",
        "A response has a method that raises aiohttp.ClientResponseError for a 4xx/5xx status: "
        "call it before you read the body.",
    ),
    "fetch_url_releases_response": (
        "A response holds its connection until it is released. The `async with` block around "
        "session.get(...) releases it when the block ends - also when something in it raises - "
        "so do all the work with the response inside that block.",
    ),
    "fetch_all": (
        "fetch_all: create one session, as an async context manager around all the downloads (so "
        "it is closed when they are done), and get every page with fetch_url, passing it that "
        "session.",
    ),
    "fetch_all_returns_every_body_in_order": (
        "The dict maps each URL to its body, with the keys in the order of `urls` - not the order "
        "the downloads finished in - and every fetch must be awaited to give a body.",
        "asyncio.gather gives the bodies back in the order you passed the calls, whatever order "
        "they finish in: pair each URL with its body to build the dict. It also takes an empty "
        "list of calls, where asyncio.wait refuses an empty set.",
    ),
    "fetch_all_runs_requests_concurrently": (
        "Awaiting each download before starting the next fetches them one at a time. Start every "
        "fetch before you wait for any of them - all of them, with no limit and no pause.",
        "Make one fetch_url call per URL, all sharing the session, and hand them all to gather at "
        "once (a * unpacks a list into arguments).",
    ),
    "fetch_all_uses_one_session": (
        "One ClientSession for the whole of fetch_all, shared by every request: not one per URL, "
        "and not one that fetch_url opens itself.",
        "Open the session with `async with` around all the downloads, so it is closed once they "
        "are done.",
    ),
    "fetch_all_fetches_with_fetch_url": (
        "fetch_all should not talk to the session itself: fetch_url already releases each "
        "response and raises for error pages. Call fetch_url for every URL.",
    ),
    "fetch_all_leaves_nothing_behind": (
        "Everything fetch_all starts - each task, each coroutine - must be awaited before it "
        "returns. Reading a task's result without awaiting it leaves it behind.",
    ),
}

EVIDENCE = {
    "fetch_url_returns_body": "the string returned, equal to the body the judge's server sent for "
                              "a 200 and a 201, each requested through the session handed over",
    "fetch_url_raises_for_error_status": "the server answered each URL with a 4xx or 5xx status, "
                                         "and fetch_url raised a ClientResponseError carrying it",
    "fetch_url_releases_response": "the server answered both requests (200 and 404) through the "
                                   "session handed over, and fetch_url returned",
    "fetch_all_returns_every_body_in_order": "the dict returned, equal to the bodies the server "
                                             "sent, keyed in the order of urls, each URL answered "
                                             "by the server (5 and 10 URLs), and {} for no URLs",
    "fetch_all_runs_requests_concurrently": "the server saw every request in flight at once, each "
                                            "URL requested once, a heartbeat on the loop was "
                                            "never held up, and the call took no longer than the "
                                            "slowest URL on the judge's clock",
    "fetch_all_uses_one_session": "the server answered every URL and fetch_all returned",
    "fetch_all_fetches_with_fetch_url": "the server answered every URL; with one URL answering "
                                        "404, fetch_all raised ClientResponseError or returned "
                                        "no error page as data",
    "fetch_all_leaves_nothing_behind": "the server saw each URL requested exactly once and every "
                                       "request answered, none given up while in flight",
}

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


def _where(run: Run, key: str) -> list[Location | None]:
    """The locations of a list the submission reported (a self-report)."""
    found = run.report.get(key)
    return [run.location_of(item) for item in found] if isinstance(found, list) else []


def _count(run: Run, key: str) -> int:
    found = run.report.get(key)
    return len(found) if isinstance(found, list) else 0


@dataclass
class FetchedOne:
    body: str
    url: str
    server: WebServer
    run: Run

    CALL = "fetch_url(session, url)"

    def through_session(self) -> bool:
        """The server answered the URL through the session handed to fetch_url."""
        return any(seen.given and seen.url == self.url for seen in self.server.answered())

    def elsewhere(self) -> int:
        """Requests that did not come through the session fetch_url was given."""
        return sum(not seen.given for seen in self.server.requests)


def _fetch_one(submission: Submission, status: int = 200) -> FetchedOne:
    server, url, body = WebServer(), _urls(1)[0], f"body {rand.word(12)}"
    server.add(url, body, status=status, latency=rand.delay(0.5, 2.0))
    door: Door = server.door()
    run = submission.call("fetch_url", url, coroutine=True, call=FetchedOne.CALL, server=server,
                          session=door)
    return FetchedOne(body, url, server, run)


def _own_session(submission: Submission, fetched: FetchedOne) -> Fail | None:
    """fetch_url opened a session of its own: the judge saw a request come in another way than
    through the session it was given (or the submission said so)."""
    own = _where(fetched.run, "sessions_opened")
    if not own and not fetched.elsewhere():
        return None
    count = len(own) or fetched.elsewhere()
    return Fail(f"fetch_url opened a ClientSession of its own instead of using the session it was "
                f"given ({count} for one URL).",
                next((place for place in own if place), submission.definition_of("fetch_url")))


@check("fetch_url returns the body of the response", points=1)
def test_fetch_url_returns_body(submission: Submission) -> None:
    for status in SUCCESSES:
        fetched = _fetch_one(submission, status)
        run, where = fetched.run, submission.definition_of("fetch_url")
        if run.raised is not None and run.raised.is_a("ClientResponseError"):
            raise Fail(f"For a {_phrase(status)} response fetch_url raised ClientResponseError; a "
                       f"2xx status is a success: return the body.", where)
        value = run.result(FetchedOne.CALL)
        expect(type(value) is str and value == fetched.body,
               f"fetch_url returned {shown(value)}; the server sent {fetched.body!r}.", where)
        failure = _own_session(submission, fetched)
        if failure:
            raise failure
        expect(fetched.through_session(),
               "fetch_url returned the body without the server ever answering its request: get "
               "it with the session it was given.", where)


def _error_statuses() -> list[int]:
    drawn = rand.rng.choice([status.value for status in http.HTTPStatus if status.value >= 400])
    return [*ERRORS, drawn]


@check("fetch_url raises ClientResponseError for a 4xx or 5xx status", points=2)
def test_fetch_url_raises_for_error_status(submission: Submission) -> None:
    where = submission.definition_of("fetch_url")
    for status in _error_statuses():
        fetched = _fetch_one(submission, status)
        run, raised = fetched.run, fetched.run.raised
        if raised is not None and raised.is_a("ClientResponseError") and raised.status == status:
            expect(fetched.through_session(),
                   f"fetch_url raised ClientResponseError for a {_phrase(status)} response the "
                   f"server never sent: get it with the session it was given.", where)
            continue
        if raised is None:
            value = run.result(f"fetch_url(session, url) with a {status} response")
            raise Fail(f"For a {_phrase(status)} response fetch_url returned {shown(value)} "
                       f"as if it were data; it should raise aiohttp.ClientResponseError so the "
                       f"caller sees the failure.", where)
        if raised.is_a("ClientResponseError"):
            raise Fail(f"For a {_phrase(status)} response fetch_url raised ClientResponseError with "
                       f"status {raised.status}; it should carry the response's status.", where)
        run.result(f"fetch_url(session, url) with a {status} response")
        raise Fail(f"For a {_phrase(status)} response fetch_url raised {raised.type_name}; it "
                   f"should raise aiohttp.ClientResponseError.", where)


@check("fetch_url releases the response", points=1)
def test_fetch_url_releases_response(submission: Submission) -> None:
    where = submission.definition_of("fetch_url")
    fetched = _fetch_one(submission)
    fetched.run.result(FetchedOne.CALL)
    expect(not _count(fetched.run, "unreleased"),
           "fetch_url read the response but never released it: the task asks it to release "
           "every response, which hands the connection back to the pool whatever happens (reading "
           "the body to its end does so only if nothing goes wrong first). Use the response as an "
           "async context manager.", where)
    failed = _fetch_one(submission, 404)
    expect(not _count(failed.run, "unreleased"),
           f"For a {_phrase(404)} response fetch_url never released the response: a response "
           f"must be released on every path out of fetch_url, the error too. Use the response as "
           f"an async context manager.",
           where)
    expect(fetched.through_session() and failed.through_session(),
           "fetch_url returned without the server ever answering its request: get it with the "
           "session it was given.", where)


@dataclass
class FetchedAll:
    server: WebServer
    run: Run
    urls: list[str]

    def finish_order(self) -> list[str]:
        return sorted(self.urls, key=lambda url: self.server.routes[url].latency)

    def unanswered(self) -> list[str]:
        """The URLs the server never answered."""
        answered = {seen.url for seen in self.server.answered()}
        return [url for url in self.urls if url not in answered]


# Simulated seconds between the heartbeat's beats (downloads take 0.5 to 3.5 s).
BEAT = 0.25


def _fetch_all(submission: Submission, count: int = 5, failing: int | None = None,
               heartbeat: float | None = None, empty: int | None = None) -> FetchedAll:
    """fetch_all over `count` URLs whose downloads finish in the reverse order of `urls`; the one
    at index `failing`, if any, answers 404 with an error page, last of all; the one at `empty`
    answers 200 with an empty page."""
    server, urls = WebServer(), _urls(count)
    # Slowest first: the order downloads finish in is never the order of `urls`.
    latencies = sorted(rand.distinct_delays(count, 0.5, 3.0), reverse=True)
    for index, (url, latency) in enumerate(zip(urls, latencies, strict=True)):
        if index == failing:
            server.add(url, f"<h1>Not Found</h1> {rand.word(8)}", status=404, latency=3.5)
        else:
            server.add(url, "" if index == empty else f"page {rand.word(10)}", latency=latency)
    run = submission.call("fetch_all", list(urls), coroutine=True, call="fetch_all(urls)",
                          server=server, heartbeat=heartbeat)
    return FetchedAll(server, run, urls)


def _require_answered(submission: Submission, fetched: FetchedAll, when: str = "") -> None:
    missing = fetched.unanswered()
    expect(not missing, f"{when}fetch_all returned, but the server never answered {len(missing)} "
                        f"of the {len(fetched.urls)} URLs (first: {missing[0]!r}): fetch each "
                        f"URL with fetch_url." if missing else "",
           submission.definition_of("fetch_all"))


def _check_bodies(submission: Submission, fetched: FetchedAll, when: str) -> None:
    value, urls = fetched.run.result("fetch_all(urls)"), fetched.urls
    expected = {url: fetched.server.routes[url].body for url in urls}
    where = submission.definition_of("fetch_all")
    if type(value) is not dict:
        raise Fail(f"{when}fetch_all returned {shown(value)}; it should return a dict "
                   f"{{url: body}}.", where)
    wrong = [url for url in urls if not (type(value.get(url)) is str and value.get(url) == expected[url])]
    if wrong:
        empty = next((f" The server sent an empty page for {url!r}: falsy, but a body like any "
                      f"other." for url in wrong if expected[url] == ""), "")
        raise Fail(f"{when}fetch_all returned a wrong or missing body for {len(wrong)} of "
                   f"{len(urls)} URLs (first: {wrong[0]!r} -> {shown(value.get(wrong[0]))}).{empty}",
                   where)
    extra = [key for key in value if key not in expected]
    expect(not extra, f"{when}fetch_all returned keys that are not among urls: {extra[:3]!r}.",
           where)
    how = (" (they follow the order the downloads finished in)"
           if list(value) == fetched.finish_order() else "")
    expect(list(value) == urls,
           f"{when}fetch_all returned the right bodies but its keys are not in the order of "
           f"urls{how}.", where)
    _require_answered(submission, fetched, when)


@check("fetch_all returns every body, keyed by URL in the order of urls", points=2)
def test_fetch_all_returns_every_body_in_order(submission: Submission) -> None:
    _check_bodies(submission, _fetch_all(submission), "")
    # One page among many is empty: falsy, and as real a body as any other.
    _check_bodies(submission, _fetch_all(submission, MANY, empty=rand.rng.randrange(MANY)),
                  f"With {MANY} URLs, ")
    run = submission.call("fetch_all", [], coroutine=True, call="fetch_all([])",
                          server=WebServer())
    if run.raised is not None and not run.timed_out and not run.spun and not run.broken:
        raise Fail(f"{describe_raised('fetch_all([])', run.raised)} With no URLs there is "
                   f"nothing to fetch: it should return {{}}.",
                   run.location_of(list(run.raised.location) if run.raised.location else None))
    value = run.result("fetch_all([])")
    expect(type(value) is dict and value == {},
           f"fetch_all([]) returned {shown(value)}; with no URLs there is nothing to "
           f"fetch: it should return {{}}.", submission.definition_of("fetch_all"))


@check("fetch_all runs every request at the same time", points=3)
def test_fetch_all_runs_requests_concurrently(submission: Submission) -> None:
    fetched = _fetch_all(submission, heartbeat=BEAT)
    server, run, urls = fetched.server, fetched.run, fetched.urls
    run.result("fetch_all(urls)")
    if run.blocking:
        raise Fail(run.blocking_message(), run.blocking_location())
    where = submission.definition_of("fetch_all")
    if run.stall > 1e-6:
        raise Fail(run.stall_message("fetch_all(urls)"), where)
    most, count = server.in_flight.high_water, len(urls)
    needed = max(route.latency for route in server.routes.values())
    record(timeline=server.in_flight.timeline())
    if most == 0:
        left = left_behind(run)
        raise Fail(f"fetch_all made no request at all for {count} URLs ({run.elapsed:.1f} s of "
                   f"simulated time passed). A coroutine such as fetch_url(...) runs only when it "
                   f"is awaited (directly or through gather).{f' Meanwhile {left}.' if left else ''}",
                   where)
    if most < count:
        how = "one at a time" if most <= 1 else f"at most {most} at a time"
        raise Fail(f"{count} requests ran {how}: {run.elapsed:.1f} s of simulated time; a "
                   f"concurrent version needs {needed:.1f} s.", where)
    hits = sum(route.hits for route in server.routes.values())
    expect(hits == count, f"fetch_all made {hits} requests for {count} URLs; it should fetch each "
                          f"URL once.", where)
    _require_answered(submission, fetched)
    # In flight at once is not all: the downloads are over when the slowest one is.
    expect_done_when_needed(
        run.elapsed, needed,
        f"The {count} requests ran at the same time, but fetch_all returned after "
        f"{run.elapsed:.1f} s of simulated time; the slowest URL answers in {needed:.1f} s, and "
        f"fetching them all is over when it is", "the downloads need", where)


@check("fetch_all opens one ClientSession and closes it", points=2)
def test_fetch_all_uses_one_session(submission: Submission) -> None:
    fetched = _fetch_all(submission)
    run = fetched.run
    run.result("fetch_all(urls)")
    opened = _where(run, "sessions_opened")
    where = next((place for place in opened if place), None)
    # What the submission reports of its sessions can only cost points: more than one, or one
    # left open.
    expect(len(opened) <= 1, f"fetch_all opened {len(opened)} ClientSessions for "
                             f"{len(fetched.urls)} URLs; open one and share it between all "
                             f"requests.", where)
    expect(not _count(run, "sessions_unclosed"),
           "fetch_all left its ClientSession open; close it when the downloads are done.", where)
    _require_answered(submission, fetched)


def _in_group(raised: Any) -> bool:
    """Whether `raised` is a ClientResponseError, or a group (a TaskGroup's) that holds one."""
    if not isinstance(raised, Raised):
        return False
    if raised.is_a("ClientResponseError"):
        return True
    if raised.is_a("BaseExceptionGroup") and len(raised.args) == 2 and \
            isinstance(raised.args[1], list | tuple):
        return any(_in_group(inner) for inner in raised.args[1])
    return False


@check("fetch_all fetches with fetch_url: responses released, error pages not taken as data",
       points=2)
def test_fetch_all_fetches_with_fetch_url(submission: Submission) -> None:
    fetched, where = _fetch_all(submission), submission.definition_of("fetch_all")
    fetched.run.result("fetch_all(urls)")
    count, unreleased = len(fetched.urls), _count(fetched.run, "unreleased")
    expect(unreleased == 0,
           f"fetch_all left {unreleased} of the {count} responses unreleased: the task asks for "
           f"every response to be released. Fetch each URL with fetch_url, which releases its "
           f"response.", where)
    _require_answered(submission, fetched)
    failing = rand.rng.randrange(1, count - 1)
    fetched = _fetch_all(submission, failing=failing)
    bad_url = fetched.urls[failing]
    error_page = fetched.server.routes[bad_url].body
    run = fetched.run
    if run.raised is not None and _in_group(run.raised):
        expect(any(seen.url == bad_url for seen in fetched.server.answered()),
               f"fetch_all raised ClientResponseError, but the server never answered "
               f"{bad_url!r} (the URL answering {_phrase(404)}).", where)
        return
    value = run.result(f"fetch_all(urls) with one URL answering {_phrase(404)}")
    expect(not (isinstance(value, dict) and value.get(bad_url) == error_page),
           f"With one URL answering {_phrase(404)}, fetch_all returned its error page as if it "
           f"were data ({bad_url!r} -> {shown(error_page)}). Fetch each URL with fetch_url, "
           f"which raises for a 4xx or 5xx status.", where)
    _require_answered(submission, fetched, f"With one URL answering {_phrase(404)}, ")


@check("fetch_all awaits everything it starts", points=1)
def test_fetch_all_leaves_nothing_behind(submission: Submission) -> None:
    fetched = _fetch_all(submission)
    run, server, where = fetched.run, fetched.server, submission.definition_of("fetch_all")
    left = left_behind(run)
    if left:
        raise Fail(f"fetch_all(urls) left work behind: {left}.", run.first_leak_location())
    run.result("fetch_all(urls)")
    given_up = [seen for seen in server.requests if seen.cancelled or seen.end is None]
    expect(not given_up,
           f"fetch_all(urls) left work behind: {len(given_up)} of its requests were still in "
           f"flight when it returned (first: {given_up[0].url!r}), so they were never awaited."
           if given_up else "", where)
    made = len(server.requests)
    expect(made == len(fetched.urls),
           f"fetch_all made {made} requests for {len(fetched.urls)} URLs: each URL should be "
           f"fetched once, and everything fetch_all starts awaited.", where)
    _require_answered(submission, fetched)
