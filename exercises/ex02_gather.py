"""Exercise 2 - Running coroutines at the same time with gather

What it is
    `await` runs one coroutine to its end before the next line starts. To run several at the
    same time, hand them all to the event loop first and then wait for all of them:
    `asyncio.gather(a(), b(), c())` does that and returns their results in the order you passed
    them, whatever order they finished in. (`asyncio.create_task` and `asyncio.TaskGroup` are two
    other ways to start coroutines side by side.)

Why it matters
    While one coroutine waits (for a server, a timer, a disk), others can make progress. Three
    waits of 3, 2 and 1 seconds take 6 seconds one after the other, but only 3 seconds together.

Your task
    `async def make_breakfast(kitchen) -> list[str]`: the kitchen has three coroutine methods,
    `boil_eggs()`, `toast_bread()` and `brew_coffee()`, each of which takes a while and returns a
    string. Cook all three at the same time and return their three results as a list, in that
    order: [eggs, toast, coffee].

Example
    >>> await make_breakfast(kitchen)      # eggs take 3 s, toast 2 s, coffee 1 s
    ['soft-boiled eggs', 'golden toast', 'black coffee']   # after 3 s, not 6 s

Check your work with `grade exercise 2`; stuck? `grade hint 2`.
"""

import asyncio  # noqa: F401  (you will need it)


async def make_breakfast(kitchen) -> list[str]:
    raise NotImplementedError("write make_breakfast")


if __name__ == "__main__":
    print("This file is graded, not run: `grade exercise 2` checks it (stuck? `grade hint 2`).")
