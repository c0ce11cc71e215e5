"""What processes send each other about a session over Redis
(app.cluster.bus), as bytes: a JSON header, a newline, a binary body.

On ``frames:<id>`` the owner sends what every client of the session gets
(``frame``: a rendered frame with the node grids some client looks at;
``text``: a message), encoded once however many processes listen.  On
``node:<process>`` it sends one process what only one of its clients gets,
and the answers to forwarded requests.  Commands to the owner are plain
JSON (``Bus.publish_command``).
"""

from __future__ import annotations

from typing import Any

import orjson

from app.sessions.packets import Packet

__all__ = ["pack", "unpack", "frame_message", "packet_of", "text_message"]


def pack(header: dict[str, Any], body: bytes = b"") -> bytes:
    return orjson.dumps(header) + b"\n" + body  # orjson escapes newlines inside strings: the first one ends the header


def unpack(raw: bytes) -> tuple[dict[str, Any], bytes]:
    end = raw.index(b"\n")
    header: dict[str, Any] = orjson.loads(raw[:end])
    return header, raw[end + 1 :]


def frame_message(packet: Packet, only: int | None = None, **extra: Any) -> bytes:
    """A rendered frame and its node grids (``only``: just that node's, for one client)."""
    grids = [(node, grid) for node, grid in packet.grids.items() if only is None or node == only]
    header = {
        "kind": "frame",
        "generation": packet.generation,
        "version": packet.version,
        "epoch": packet.epoch,
        "n_nodes": packet.n_nodes,
        "data": len(packet.data),
        "comparison": len(packet.comparison or b""),
        "grids": [[node, len(grid)] for node, grid in grids],
        **extra,
    }
    return pack(header, b"".join([packet.data, packet.comparison or b"", *(grid for _, grid in grids)]))


def packet_of(header: dict[str, Any], body: bytes) -> Packet:
    """The Packet a ``frame`` message carries (decoded once per process)."""
    at = int(header["data"])
    compared = int(header.get("comparison", 0))
    comparison = body[at : at + compared] if compared else None
    at += compared
    grids = {}
    for node, size in header["grids"]:
        grids[int(node)] = body[at : at + size]
        at += size
    packet = Packet(
        body[: int(header["data"])],
        int(header["generation"]),
        int(header["version"]),
        int(header["epoch"]),
        int(header["n_nodes"]),
        grids,
    )
    packet.comparison = comparison
    return packet


def text_message(text: str, **extra: Any) -> bytes:
    return pack({"kind": "text", **extra}, text.encode())
