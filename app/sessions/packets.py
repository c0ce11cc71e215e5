"""Frames as the server keeps them: bytes only.

A frame is rendered and packed in a worker thread, once per tick, and the
same bytes go to every client of the session.  The float64 node grids it
was made from are dropped at once (a 6x8 network's are ~4 MB); only the
full grids of nodes some client is looking at (``focus``) are quantised and
kept beside it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

import numpy as np

from app.output.serialize import pack_frame, pack_node_grid
from core.session import Session

__all__ = ["Packet", "render_packet"]

_thread = threading.local()


def _scratch(size: int) -> np.ndarray:
    """This thread's float32 buffer, ``size`` values or more (grown, never shrunk: at most 2 MB)."""
    buffer: np.ndarray | None = getattr(_thread, "scratch", None)
    if buffer is None or buffer.size < size:
        buffer = _thread.scratch = np.empty(size, dtype=np.float32)
    return buffer


class Packet:
    """One rendered frame, shared by every client of a session."""

    __slots__ = ("data", "epoch", "generation", "version", "n_nodes", "grids", "comparison", "messages")

    def __init__(
        self, data: bytes, generation: int, version: int, epoch: int, n_nodes: int, grids: dict[int, bytes]
    ) -> None:
        self.data = data
        self.generation = generation
        self.version = version  # the session's version it shows (app.sessions.live)
        self.epoch = epoch
        self.n_nodes = n_nodes  # features and neurons: the valid `focus` indices
        self.grids = grids  # node -> kind-2 message, for the nodes in focus when it was made
        self.comparison: bytes | None = None  # the kind-3 message of a comparison beside the session, if any
        self.messages: list[dict[str, Any]] = []  # text messages made with it (an explanation...), sent with it

    def node_grid(self, node: int) -> bytes | None:
        return self.grids.get(node)

    @property
    def nbytes(self) -> int:
        return len(self.data) + len(self.comparison or b"") + sum(len(grid) for grid in self.grids.values())


def render_packet(session: Session, generation: int, version: int, playing: bool, focus: Iterable[int] = ()) -> Packet:
    """Render ``session``'s heatmaps and pack them (worker thread; the session is ours meanwhile).

    The float32 grids are computed in this thread's scratch buffer, reused
    frame after frame: everything kept (the packet) is copied out of it."""
    frame = session.frame(_scratch)
    n_nodes = int(frame.thumbnails.shape[0])
    grids = {node: pack_node_grid(frame, node, generation, session.epoch) for node in set(focus) if 0 <= node < n_nodes}
    data = pack_frame(session, frame, generation, playing)
    return Packet(data, generation, version, session.epoch, n_nodes, grids)
