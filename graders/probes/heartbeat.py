"""A heartbeat: a task that ticks at a fixed loop-time interval while other work runs."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field

from graders.probes import stillness

_sleep = asyncio.sleep


@dataclass
class Heartbeat:
    """Ticks every `interval` loop seconds. While the loop is blocked it cannot tick, so a
    worker thread can wait for `ticked` to prove that the loop stays free while it runs."""

    interval: float = 0.01
    ticks: list[float] = field(default_factory=list)
    ticked: threading.Event = field(default_factory=threading.Event)

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        stillness.helper_task(asyncio.current_task())  # its steps run no student code
        while True:
            await _sleep(self.interval)
            self.ticks.append(loop.time())
            self.ticked.set()
