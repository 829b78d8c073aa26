"""The judge and the submission (issue 21): the verdict is decided outside the process it judges.

- Values cross as plain data: nothing of the submission's objects reaches a comparison.
- Every known mistake of every judged exercise still loses points when its submission forges
  every self-report to read as the reference's would (`Submission.forge_reports`), except those
  listed in SELF_REPORT_ONLY, whose only sign is one the submission itself reports.
- The judged exercises' checks take the `submission` fixture and say what each pass rests on.
"""

from __future__ import annotations

import importlib
import inspect
import json
import os
import socket
from pathlib import Path

import pytest
from kit import Mutant, grade_file, mutants

from graders.engine import runner
from graders.probes.judge import Submission
from graders.registry import Exercise, exercises
from graders.trust import wire


def judged(exercise: Exercise) -> bool:
    module = importlib.import_module(exercise.checks_module)
    return all("submission" in inspect.signature(getattr(module, spec.function)).parameters
               for spec in runner.check_specs(exercise))


JUDGED = [exercise for exercise in exercises() if judged(exercise)]
JUDGED_MUTANTS = [mutant for mutant in mutants() if mutant.exercise in JUDGED]

# Mistakes whose only sign is in the submission's own process, each with why: forging the
# self-reports hides them (strict: a mistake listed here that loses points anyway fails the test,
# until the entry is removed).
SELF_REPORT_ONLY = {
    "ex01_coroutines/bad_get_or_create_loop": "a loop left open is seen only inside the "
                                              "submission's process; run_greet's results are right",
    "ex01_coroutines/bad_global_loop": "a loop kept open between calls is seen only inside the "
                                       "submission's process",
    "ex01_coroutines/bad_loop_not_closed": "a loop left open is seen only inside the submission's "
                                           "process",
    "ex01_coroutines/loop_never_closed": "a loop left open is seen only inside the submission's "
                                         "process",
    "ex12_pitfalls/price_now_leaves_its_loop_open": "price_now's loop left open (new_event_loop, "
                                                    "never closed) is seen only inside the "
                                                    "submission's process; its price is right and "
                                                    "asked of the shop",
    # Exercise 3: the fake server sends each body whole with its headers, and every session's
    # requests reach it alike, so a release or a session's life reaches no world object.
    "ex03_fetch/never_released": "a response never released is seen only inside the "
                                 "submission's process; its body, status and error are right",
    "ex03_fetch/not_released_on_error": "an error response never released is seen only inside the "
                                        "submission's process; it raises ClientResponseError with "
                                        "the status",
    "ex03_fetch/bad_leak_on_error": "an error response never released is seen only inside the "
                                    "submission's process; it raises ClientResponseError with the "
                                    "status",
    "ex03_fetch/session_never_closed": "a ClientSession left open is seen only inside the "
                                       "submission's process: its requests reach the server as a "
                                       "closed one's do",
    "ex03_fetch/bad_session_never_closed": "a ClientSession left open is seen only inside the "
                                           "submission's process: its requests reach the server as "
                                           "a closed one's do",
    "ex03_fetch/session_per_url": "how many ClientSessions fetch_all opens is seen only inside the "
                                  "submission's process: five sessions' concurrent requests reach "
                                  "the server as one session's do",
    "ex03_fetch/bad_session_per_request": "how many ClientSessions fetch_all opens is seen only "
                                          "inside the submission's process: five sessions' "
                                          "concurrent requests reach the server as one session's do",
    "ex07_futures/bad_no_cancel_check": "the InvalidStateError of setting a cancelled future is "
                                        "raised in a loop callback and goes to the loop's exception "
                                        "handler: the world sees the same calls and the same "
                                        "cancelled task as for a correct call_async",
    "ex07_futures/bad_shield_unretrieved": "the late error sits in a future nobody reads, reported "
                                           "only when the submission's collector frees it; the "
                                           "cancelled task and every call look right to the world",
    "ex07_futures/guard_on_client_thread": "the InvalidStateError (the cancel crossing the answer) "
                                           "is raised in a loop callback, seen only inside the "
                                           "submission's process",
    "ex07_futures/guards_only_the_result": "the InvalidStateError of a late error set on a "
                                           "cancelled future is raised in a loop callback, seen "
                                           "only inside the submission's process",
    "ex07_futures/no_cancelled_guard": "the InvalidStateError of setting a cancelled future is "
                                       "raised in a loop callback, seen only inside the "
                                       "submission's process",
}


# --- values ---------------------------------------------------------------------------------------

class _Liar(str):
    def __eq__(self, other: object) -> bool:
        return True

    def __hash__(self) -> int:
        return 0


class _Long(list):  # type: ignore[type-arg]
    def __len__(self) -> int:
        return 3


def _crossed(value: object) -> object:
    return wire.decode(json.loads(json.dumps(wire.encode(value))))


def test_a_lying_str_arrives_as_the_plain_str_it_holds() -> None:
    crossed = _crossed(_Liar("nothing"))
    assert type(crossed) is str and crossed == "nothing" and crossed != "anything"


def test_containers_and_numbers_arrive_as_their_plain_types() -> None:
    value = [_Long(), (1, 2.5, True), {"a": None, 3: frozenset({4})}, {5}, float("nan")]
    crossed = _crossed(value)
    assert isinstance(crossed, list)
    assert type(crossed[0]) is list and crossed[0] == []
    assert crossed[1] == (1, 2.5, True) and type(crossed[1]) is tuple
    assert crossed[2] == {"a": None, 3: frozenset({4})} and crossed[3] == {5}
    assert crossed[4] != crossed[4]  # nan


def test_an_object_that_is_not_data_equals_nothing() -> None:
    class Anything:
        def __eq__(self, other: object) -> bool:
            return True

    crossed = _crossed(Anything())
    assert isinstance(crossed, wire.Opaque) and crossed != crossed.text and crossed != "x"


@pytest.mark.parametrize("data", [{"x": 1}, {"$": "dict", "v": [[[], 1]]}, {"$": "nope"},
                                  {"$": "error", "bases": []}, 1.5j])
def test_what_is_not_the_encoding_is_refused(data: object) -> None:
    with pytest.raises(wire.WireError):
        wire.decode(data)


def test_a_message_over_the_limit_is_refused_before_it_is_read() -> None:
    ours, theirs = socket.socketpair()
    with ours, theirs:
        theirs.sendall((wire.MAX_MESSAGE + 1).to_bytes(4, "big"))
        with pytest.raises(wire.WireError, match="over the limit"):
            wire.receive(ours)


# --- every judged check says what its pass rests on ---------------------------------------------

@pytest.mark.parametrize("exercise", JUDGED, ids=[exercise.module_name for exercise in JUDGED])
def test_each_judged_check_names_its_evidence(exercise: Exercise) -> None:
    module = importlib.import_module(exercise.checks_module)
    names = [spec.name for spec in runner.check_specs(exercise)]
    evidence = getattr(module, "EVIDENCE", {})
    assert sorted(evidence) == sorted(names)
    assert all(isinstance(text, str) and text for text in evidence.values())


# --- self-reports forged clean -------------------------------------------------------------------

# Mistakes whose sign on the judge's side is a race, so that forged they lose points on some runs
# and not on others: only the submission's own word decides them, and they are not graded forged.
RACE_ONLY = {
    "ex13_processes/shutdown_without_waiting": "a pool shut down without waiting: its processes "
                                               "end milliseconds after compute_all returns, so "
                                               "whether the judge still sees them is timing; the "
                                               "pools' report (shutdown without wait) decides",
}


def _forged_sample() -> list[Mutant]:
    """Every mutant with KIT_FORGED=all (the release check); else every fourth of each exercise,
    by name, and every one listed in SELF_REPORT_ONLY (each grading costs what a mutant's does,
    and the whole set doubles the suite). Never those in RACE_ONLY."""
    judged = [mutant for mutant in JUDGED_MUTANTS if mutant.id not in RACE_ONLY]
    if os.environ.get("KIT_FORGED") == "all":
        return judged
    return [mutant for index, mutant in enumerate(judged)
            if index % 4 == 0 or mutant.id in SELF_REPORT_ONLY]


FORGED = _forged_sample()


@pytest.mark.parametrize("mutant", FORGED, ids=[mutant.id for mutant in FORGED])
def test_a_mistake_loses_points_with_every_self_report_forged(mutant: Mutant, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Submission, "forge_reports", True)  # forked children inherit it
    result = grade_file(mutant.exercise, mutant.path, tmp_path)
    failed = [check.name for check in result.checks if not check.passed]
    if mutant.id in SELF_REPORT_ONLY:
        assert not failed, f"{mutant.id} now loses points on the judge's evidence: {failed}"
    else:
        assert failed, f"{mutant.id} earned full marks by forging its self-reports"


def test_the_list_of_self_report_only_mistakes_names_known_mistakes() -> None:
    known = {mutant.id for mutant in JUDGED_MUTANTS}
    assert set(SELF_REPORT_ONLY) <= known, set(SELF_REPORT_ONLY) - known
    assert set(RACE_ONLY) <= known, set(RACE_ONLY) - known
