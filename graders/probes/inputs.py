"""Randomized inputs, so that an answer hard-coded to one example fails."""

from __future__ import annotations

import random
import string

_NAMES = ("Ada", "Grace", "Alan", "Barbara", "Edsger", "Margaret", "Guido", "Katherine",
          "Dennis", "Frances", "Linus", "Radia", "Ken", "Hedy", "Donald", "Lovelace")

rng = random.Random()


def name() -> str:
    return f"{rng.choice(_NAMES)}{rng.randint(2, 999)}"


def word(length: int = 8) -> str:
    return "".join(rng.choices(string.ascii_lowercase, k=length))


def distinct_words(count: int, length: int = 5) -> list[str]:
    """`count` different random words."""
    words: list[str] = []
    while len(words) < count:
        if (drawn := word(length)) not in words:
            words.append(drawn)
    return words


def delay(low: float = 1.0, high: float = 5.0) -> float:
    """A latency in tenths of a second, so messages show it exactly."""
    return round(rng.uniform(low, high), 1)


def distinct_delays(count: int, low: float = 1.0, high: float = 5.0) -> list[float]:
    """`count` different latencies in tenths of a second, in random order."""
    steps = rng.sample(range(round(low * 10), round(high * 10) + 1), count)
    return [step / 10 for step in steps]
