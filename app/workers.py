"""The worker threads that do the CPU work (training, rendering, pictures).

A few threads, as many as there are cores, rather than one per waiting call:
the compiled kernel releases the GIL and runs truly in parallel, and fewer
threads means less time lost passing the GIL around when many sessions play.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

__all__ = ["Workers"]

P = ParamSpec("P")
T = TypeVar("T")


class Workers:
    def __init__(self, threads: int) -> None:
        self.threads = threads
        self._pool: ThreadPoolExecutor | None = None

    async def run(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run ``fn`` in a worker thread and wait for it without blocking the event loop."""
        if self._pool is None:  # started on first use, and again after a shutdown (a new lifespan)
            self._pool = ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix="playground-worker")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, functools.partial(fn, *args, **kwargs))

    def shutdown(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
