"""What a check may hand to student code.

A check hands the student's functions plain data, plain functions (closures keep their state in
cells that no public attribute reaches) and small purpose-built objects: classes marked
`@handed`, whose public attributes are only what the lesson's API promises (a `Client` with
`start()`), their state kept in private attributes or closures. It never hands a probe (an
`InFlight`, a `FakeServer`, a spy), a bound method of one, or anything of the check machinery.
tests/test_handed.py walks every object handed to student code and fails if it reaches one.
"""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T", bound=type)

_HANDED: set[type] = set()


def handed(kind: T) -> T:
    """Mark a class as safe to hand to student code: its public attributes lead nowhere."""
    _HANDED.add(kind)
    return kind


def is_handed(kind: type) -> bool:
    return any(base in _HANDED for base in kind.__mro__)
