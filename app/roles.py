"""The explicit states of a connection and of a session's training."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Role", "PlayState"]


class Role(StrEnum):
    """What a client of a session may do."""

    WATCH = "watch"  # anyone with the session id: read, follow, fork
    CONTROL = "control"  # the holder of the control token: change it too


class PlayState(StrEnum):
    """Whether a session trains by itself."""

    PAUSED = "paused"
    PLAYING = "playing"
