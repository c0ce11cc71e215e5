"""The cluster's parts that need no Redis: the frame message between
processes (checked by the layout of docs/protocol.md, through the tests'
own frame parser) and the outbox's order and bounds."""

from __future__ import annotations

import asyncio
from typing import Any

import numpy as np

from app.cluster import wire
from app.cluster.outbox import Outbox
from app.sessions.packets import render_packet
from core.config import PlaygroundConfig
from core.session import Session
from tests.app.conftest import parse_frame, parse_node_grid


def test_cluster_frame_message_carries_the_frame_and_the_grids_asked_for() -> None:
    session = Session(PlaygroundConfig(seed="wire", networkShape=[3, 2]))
    session.step(4)
    packet = render_packet(session, generation=7, version=12, playing=True, focus={2, 5})
    header, body = wire.unpack(wire.frame_message(packet, sid="s1"))
    assert header["sid"] == "s1"
    received = wire.packet_of(header, body)
    frame = parse_frame(received.data)
    assert (frame.generation, frame.epoch, frame.playing) == (7, 4.0, True)
    assert np.array_equal(frame.weights, session.network.w) and np.array_equal(frame.biases, session.network.b)
    assert (received.generation, received.version, received.n_nodes) == (7, 12, packet.n_nodes)
    assert sorted(received.grids) == [2, 5]
    node, generation, epoch, grid = parse_node_grid(received.grids[5])
    assert (node, generation, epoch) == (5, 7, 4.0) and grid.shape == (100, 100)

    header, body = wire.unpack(wire.frame_message(packet, only=2))  # one client's: only its node
    assert sorted(wire.packet_of(header, body).grids) == [2]


class Recorder:
    """Stands in for app.persistence.Bus: records what would be published."""

    def __init__(self) -> None:
        self.published: list[tuple[str, str, bytes]] = []

    async def publish_frame(self, session_id: str, frame: bytes) -> int:
        self.published.append(("frames", session_id, frame))
        return 1

    async def publish_to_node(self, node: str, body: bytes) -> int:
        self.published.append(("node", node, body))
        return 1


def test_cluster_outbox_keeps_order_replaces_unsent_frames_and_stays_bounded() -> None:
    async def scenario() -> tuple[Recorder, Outbox]:
        bus = Recorder()
        outbox = Outbox(bus, limit=5)  # type: ignore[arg-type]
        outbox.to_watchers("s", b"text-1")
        outbox.to_watchers("s", lambda: b"frame-1", frame=True)
        outbox.to_watchers("s", lambda: b"frame-2", frame=True)  # replaces frame-1, never sent
        outbox.to_watchers("s", b"text-2")
        outbox.to_node("n", b"direct")
        for k in range(8):
            outbox.to_node("flood", f"m{k}".encode())  # beyond the limit: the oldest go
        sender = asyncio.create_task(outbox.run())
        await outbox.drained(2.0)
        sender.cancel()
        return bus, outbox

    bus, outbox = asyncio.run(scenario())
    by_channel: dict[str, list[Any]] = {}
    for kind, key, body in bus.published:
        by_channel.setdefault(f"{kind}:{key}", []).append(body)
    assert by_channel["frames:s"] == [b"text-1", b"frame-2", b"text-2"]
    assert by_channel["node:n"] == [b"direct"]
    assert by_channel["node:flood"] == [b"m3", b"m4", b"m5", b"m6", b"m7"]
    assert outbox.dropped == 3
