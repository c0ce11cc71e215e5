"""The player's share of CPU per tick: a whole slice alone, a short one beside others."""

from __future__ import annotations

import asyncio
from typing import Any

from app.sessions.player import SHARED_TICK_SECONDS, Player
from app.sessions.scheduler import SLICE_SECONDS


class _Scheduler:
    """Runs nothing: records what each submitted tick would be given."""

    def __init__(self) -> None:
        self.jobs: list[Any] = []

    def submit(self, fn: Any, done: Any, **_: Any) -> None:
        self.jobs.append(fn)


class _Live:
    """The parts of a LiveSession the player reads."""

    def __init__(self, name: str) -> None:
        self.id = self.owner = name
        self.playing, self.closed, self.watchers, self.ticking = True, False, 1, False
        self.next_tick, self.generation = 0.0, 1
        self.seconds: list[float] = []

    def focus(self) -> frozenset[int]:
        return frozenset()

    def tick(self, focus: frozenset[int], generation: int, seconds: float) -> None:
        self.seconds.append(seconds)


def test_a_tick_gets_a_whole_slice_alone_and_a_short_one_beside_other_players() -> None:
    async def scenario() -> tuple[list[float], list[float]]:
        scheduler = _Scheduler()
        player = Player(scheduler, max_fps=60)  # type: ignore[arg-type]
        first, second = _Live("a"), _Live("b")
        player.add(first)
        await asyncio.sleep(0)
        scheduler.jobs.pop()()  # alone: a whole slice
        player.add(second)
        await asyncio.sleep(0)
        scheduler.jobs.pop()()  # two play: each tick gets the short share
        return first.seconds, second.seconds

    alone, beside = asyncio.run(scenario())
    assert alone == [SLICE_SECONDS]
    assert beside == [SHARED_TICK_SECONDS]
    assert SHARED_TICK_SECONDS < SLICE_SECONDS
