"""Python as on Windows, as far as grading can tell: no os.fork, no fcntl or resource, no
SIGALRM, and multiprocessing with the spawn start method only. On PYTHONPATH (tests/test_spawn.py), every
Python started with it - `grade` and each grading child - is made so as it starts."""

import multiprocessing.context as _context
import os
import signal
import sys

sys.modules["fcntl"] = None  # type: ignore[assignment]
sys.modules["resource"] = None  # type: ignore[assignment]
del os.fork
del signal.SIGALRM, signal.setitimer  # pytest-timeout: no signal method
for _name in ("fork", "forkserver"):
    _context._concrete_contexts.pop(_name, None)
_context._default_context._default_context = _context._concrete_contexts["spawn"]
