"""Progress of a long command on stderr: one live line on a terminal, a plain line per step otherwise."""

from __future__ import annotations

import sys
from typing import TextIO


class Progress:
    """Counts finished items: "graded 3/10 submissions"."""

    def __init__(self, total: int, verb: str, noun: str, stream: TextIO | None = None) -> None:
        self.total, self.verb, self.noun = total, verb, noun
        self.stream = stream if stream is not None else sys.stderr
        self.live = self.stream.isatty()
        self.count = 0

    def line(self) -> str:
        return f"{self.verb} {self.count}/{self.total} {self.noun}"

    def step(self) -> None:
        self.count += 1
        if self.live:
            self.stream.write("\r\x1b[K" + self.line())
        else:
            self.stream.write(self.line() + "\n")
        self.stream.flush()

    def done(self) -> None:
        """End the live line, so what follows starts on a line of its own."""
        if self.live and self.count:
            self.stream.write("\n")
            self.stream.flush()
