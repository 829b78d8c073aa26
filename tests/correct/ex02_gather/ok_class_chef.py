"""A small Chef class that starts every dish as a task and serves them in menu order.

truth: correct
"""

import asyncio


class Chef:
    def __init__(self, kitchen) -> None:
        self.kitchen = kitchen

    def _start_all(self) -> list[asyncio.Task]:
        k = self.kitchen
        return [
            asyncio.create_task(k.boil_eggs(), name="eggs"),
            asyncio.create_task(k.toast_bread(), name="toast"),
            asyncio.create_task(k.brew_coffee(), name="coffee"),
        ]

    async def serve(self) -> list[str]:
        tasks = self._start_all()
        try:
            return list(await asyncio.gather(*tasks))
        finally:
            for task in tasks:
                if not task.done():
                    task.cancel()


async def make_breakfast(kitchen) -> list[str]:
    return await Chef(kitchen).serve()
