"""Exercise 1 - Coroutines, await and asyncio.run

What it is
    A coroutine function is defined with `async def`. Calling it does not run its body: it returns
    a coroutine object, a paused computation. The body runs when the coroutine is awaited
    (`await greet(...)`) inside another coroutine, or when synchronous code hands it to an event
    loop, most simply with `asyncio.run(...)`. Inside a coroutine, `await` is where it may pause
    and let the event loop run something else while it waits.

Why it matters
    A coroutine that waits with `time.sleep` freezes the whole event loop: nothing else can run
    until it returns. `await asyncio.sleep(...)` waits while letting everything else go on. And a
    coroutine that is created but never awaited does nothing at all (Python warns "coroutine ...
    was never awaited").

Your task
    1. `async def greet(name, delay)`: wait `delay` seconds without blocking the event loop, then
       return the string f"Hello, {name}!".
    2. `def run_greet(name, delay)`: an ordinary function that runs `greet` and returns its result.
       It must work when called many times, from any thread (a new thread has no event loop of
       its own), and leave no event loop open behind it.

Example
    >>> run_greet("Ada", 0.1)
    'Hello, Ada!'
    >>> async def main():
    ...     return await greet("Grace", 1.0)   # takes one second, other coroutines keep running

Check your work with `grade exercise 1`; stuck? `grade hint 1`.
"""

import asyncio  # noqa: F401  (you will need it)


async def greet(name: str, delay: float) -> str:
    raise NotImplementedError("write greet")


def run_greet(name: str, delay: float) -> str:
    raise NotImplementedError("write run_greet")


if __name__ == "__main__":
    print("This file is graded, not run: `grade exercise 1` checks it (stuck? `grade hint 1`).")
