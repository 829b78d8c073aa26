"""The results protocol between a grading child and `grade`: what a child may send, and when.

A child sends signed JSON lines (graders/engine/plugin.py's Channel): `{"event": "start", ...}` as a
check begins, that check's result as it ends, and `{"event": "end"}` when its session is over.
`grade` holds each child to that order:

- a result for a check that is not the one running, a second result for a check, a start while
  a check is running or of a check not planned (or started twice) is tampering: the running check
  fails, its message names what was sent, and the child is stopped (a fresh one goes on);
- only such a valid line that moves grading on resets the silence limit (the isolation layer's);
- a line that is not signed with the child's key did not come from the kit. When the child's
  pipe is reachable only by its own submission (sandboxed, or a single submission graded) it is
  that submission's tampering; otherwise (an unsandboxed batch, where another submission could
  have written it) it is ignored, so that no submission can change another's grade.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

from graders.results import CheckResult, check_from_dict

CheckKey = tuple[str, str]  # (exercise module name, check name)


@dataclass
class Tampering:
    check: CheckKey | None  # the check it is charged to (None: before any check started)
    message: str


@dataclass
class Session:
    """What one child sent, judged line by line."""

    sign: Callable[[bytes], bytes]
    titles: dict[CheckKey, str]  # of the checks this child was asked to run
    attributable: bool  # whether unsigned lines can only come from this submission
    running: CheckKey | None = None
    finished: list[CheckKey] = field(default_factory=list)
    results: dict[CheckKey, CheckResult] = field(default_factory=dict)
    started: set[CheckKey] = field(default_factory=set)
    clean_end: bool = False
    tampering: Tampering | None = None
    ignored: int = 0  # unsigned lines not attributed to this child

    def hear(self, line: bytes) -> Heard:
        if self.tampering is not None:
            return Heard.NOTHING
        data, _, signature = line.rpartition(b"\t")
        if not (data and hmac.compare_digest(self.sign(data), signature)):
            if not self.attributable:
                self.ignored += 1
                return Heard.NOTHING
            return self._tamper(_unsigned())
        try:
            message = json.loads(data)
        except ValueError:
            message = None
        if not isinstance(message, dict):
            return self._tamper("Grading received a signed line that is not a result: your "
                                "code writes to the grader's channel. That fails this check.")
        event = message.get("event")
        if event == "start":
            return self._start((str(message.get("exercise")), str(message.get("name"))))
        if event == "end":
            if self.running is not None:
                return self._tamper("Grading was told the checks had ended while this one was "
                                    "running: your code writes to the grader's channel.")
            self.clean_end = True
            return Heard.PROGRESS
        return self._result(message)

    def _start(self, check: CheckKey) -> Heard:
        if self.running is not None or check not in self.titles or check in self.started:
            return self._tamper(f"Grading was told the check \"{self._title(check)}\" started "
                                f"out of turn: your code writes to the grader's channel.")
        self.running = check
        self.started.add(check)
        return Heard.PROGRESS

    def _result(self, message: dict[str, object]) -> Heard:
        exercise = str(message.pop("exercise", ""))
        try:
            result = check_from_dict(message)
        except (KeyError, TypeError, ValueError):
            return self._tamper("Grading received a malformed result: your code writes to the "
                                "grader's channel. That fails this check.")
        check = (exercise, result.name)
        if check != self.running:
            again = "a second result" if check in self.results else "a result"
            return self._tamper(f"Grading received {again} for the check "
                                f"\"{self._title(check)}\" while it was not the check running: "
                                f"your code sends results through the grader's channel. That is "
                                f"tampering, and it fails this check.")
        self.results[check] = result
        self.finished.append(check)
        self.running = None
        return Heard.PROGRESS

    def _tamper(self, message: str) -> Heard:
        # Charged to the check running, or else to the one that just ran (its code may still
        # be running, in a thread, after its result was sent).
        blamed = self.running or (self.finished[-1] if self.finished else None)
        self.tampering = Tampering(blamed, message)
        return Heard.TAMPERING

    def _title(self, check: CheckKey) -> str:
        return self.titles.get(check, check[1])


class Heard(Enum):
    """What a line the child sent did to its grading."""

    NOTHING = "nothing"  # ignored: the silence limit keeps running
    PROGRESS = "progress"  # moved grading on: the silence limit starts again
    TAMPERING = "tampering"  # the child is stopped at once


def _unsigned() -> str:
    return ("Grading received result line(s) it did not send: your code writes to the grader's "
            "channel. No check can pass while it does that.")
