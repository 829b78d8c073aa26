"""greet is a plain function that sleeps, and run_greet just calls it: no coroutine, no loop.

fails: run_greet_returns_result
says: greet is an ordinary function
"""

import time


def greet(name: str, delay: float) -> str:
    time.sleep(delay)
    return f"Hello, {name}!"


def run_greet(name: str, delay: float) -> str:
    return greet(name, delay)
