"""Pairs of submissions whose code for an exercise is unusually alike, found with copydetect
(the `similarity` extra): winnowed fingerprints of each file's tokens, with the stub's own
fingerprints left out as boilerplate, compared pair by pair. A pair is listed when each file has
at least `threshold` of its (non-stub) code in the other. Worth a look, never a verdict."""

from __future__ import annotations

import io
import itertools
from pathlib import Path, PurePosixPath
from typing import Any

from graders.instructor.gradebook import Submission
from graders.registry import Exercise
from graders.results import SimilarPair
from graders.trust.submitted import read_file

THRESHOLD = 0.8
NOISE = 25  # copydetect's defaults: k-grams of 25 characters of filtered code, windows of 1
WINDOW = 1
TOOL = "copydetect"


def _fingerprint(name: str, text: str, boilerplate: Any = None) -> Any:
    from copydetect import CodeFingerprint

    return CodeFingerprint(name, NOISE, WINDOW, boilerplate=boilerplate, fp=io.StringIO(text))


def _hashes(found: Any) -> Any:
    """Fingerprints as copydetect's boilerplate takes them: a sorted array, not a set."""
    import numpy

    return numpy.unique(numpy.array(sorted(found), dtype=numpy.int64))


def _source(submission: Submission, exercise: Exercise) -> str | None:
    if submission.root is None:
        return None
    try:
        data = read_file(submission.root, PurePosixPath(submission.inside) / exercise.file_name)
    except (OSError, ValueError):
        return None
    return data.decode("utf-8", errors="replace")


def similar_pairs(found: list[Submission], selection: list[Exercise], stubs: Path,
                  threshold: float = THRESHOLD) -> list[SimilarPair]:
    """Every pair above `threshold`, by exercise, then most alike first."""
    pairs = []
    for exercise in selection:
        stub = _fingerprint(exercise.file_name,
                            (stubs / exercise.file_name).read_text(encoding="utf-8"))
        prints = {}
        for submission in found:
            text = _source(submission, exercise)
            if text is not None:
                prints[submission.name] = _fingerprint(exercise.file_name, text,
                                                       _hashes(stub.hashes))
        pairs += sorted(_alike(exercise.number, prints, threshold),
                        key=lambda pair: (-pair.similarity, pair.first, pair.second))
    return pairs


def _alike(number: int, prints: dict[str, Any], threshold: float) -> list[SimilarPair]:
    from copydetect import compare_files

    found = []
    for (first, one), (second, other) in itertools.combinations(sorted(prints.items()), 2):
        if not len(one.hashes) or not len(other.hashes):  # nothing of its own beyond the stub
            continue
        _, (share_one, share_other), _ = compare_files(one, other)
        alike = float(min(share_one, share_other))
        if alike >= threshold:
            found.append(SimilarPair(number, first, second, alike))
    return found
