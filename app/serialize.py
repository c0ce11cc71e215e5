"""Serialisers: session state as JSON-ready values, and the binary frame layout.

Both are described message by message in docs/protocol.md.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Iterable
from typing import Any

import numpy as np
import orjson
from starlette.responses import Response

from core.boundary import Frame
from core.network import Network
from core.session import Session

__all__ = [
    "json_response", "jsonable", "layers", "network_state", "number", "pack_frame", "pack_node_grid", "session_state",
]  # fmt: skip

FRAME_KIND = 1
NODE_GRID_KIND = 2
VERSION = 1
# kind, version, flags, generation, epoch, loss_train, loss_test, n_w, n_b, n_t, reserved
FRAME_HEADER = struct.Struct("<BBHIdddIIII")
# kind, version, node, generation, epoch
NODE_GRID_HEADER = struct.Struct("<BBHId")
assert FRAME_HEADER.size == 48 and NODE_GRID_HEADER.size == 16


def number(value: float) -> float | str:
    """A float for JSON; non-finite values as the strings the reference vectors use."""
    value = float(value)
    if math.isfinite(value):
        return value
    return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")


def jsonable(value: Any) -> Any:
    """Nested dicts, lists, floats and arrays made strict-JSON safe."""
    if isinstance(value, float):
        return number(value)
    if isinstance(value, np.ndarray):
        return _jsonable(value)
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


def json_response(content: Any, status_code: int = 200, headers: dict[str, str] | None = None) -> Response:
    """Trusted output as JSON, serialised once by orjson and not validated again on the
    way out (the route's response_model still documents it).  Call ``jsonable`` first
    for values that may hold non-finite floats: orjson would write them as null."""
    return Response(orjson.dumps(content), status_code=status_code, headers=headers, media_type="application/json")


def _jsonable(array: np.ndarray) -> Any:
    if array.dtype == np.bool_ or np.isfinite(array).all():
        return array.tolist()
    return np.vectorize(number, otypes=[object])(array).tolist()


def layers(arrays: Iterable[np.ndarray]) -> list[Any]:
    return [_jsonable(a) for a in arrays]


def network_state(network: Network) -> dict[str, Any]:
    """Weights, biases, dead masks and pending gradients, per layer."""
    w_shapes = [w.shape for w in network.weights]
    acc_w, acc_b = [], []
    w_start = b_start = 0
    for shape in w_shapes:
        size = shape[0] * shape[1]
        acc_w.append(network.acc_w[w_start : w_start + size].reshape(shape))
        acc_b.append(network.acc_b[b_start : b_start + shape[1]])
        w_start += size
        b_start += shape[1]
    return {
        "weights": layers(network.weights),
        "biases": layers(network.biases),
        "dead": layers(network.dead),
        "pending": {"count": int(network.counters[0]), "weights": layers(acc_w), "biases": layers(acc_b)},
    }


def session_state(
    session: Session,
    *,
    id: str,
    generation: int,
    playing: bool,
    epochs_per_frame: int,
    watchers: int,
    include: Iterable[str] = (),
) -> dict[str, Any]:
    """The `state` of docs/protocol.md (REST and websocket)."""
    net = session.network
    state: dict[str, Any] = {
        "id": id,
        "generation": generation,
        "config": {**session.config.to_dict(), "hash": session.config.to_hash()},
        "shape": session.shape,
        "epoch": session.epoch,
        "loss_train": number(session.loss_train),
        "loss_test": number(session.loss_test),
        "weights": layers(net.weights),
        "biases": layers(net.biases),
        "dead": layers(net.dead),
        "playing": playing,
        "epochs_per_frame": epochs_per_frame,
        "watchers": watchers,
    }
    include = set(include)
    if "data" in include:
        state["train"] = session.train.tolist()
        state["test"] = session.test.tolist()
    if "history" in include:
        state["history"] = _jsonable(session.history.rows)
    if "pending" in include:
        state["pending"] = network_state(net)["pending"]
    return state


def pack_frame(session: Session, frame: Frame, generation: int, playing: bool) -> bytes:
    """A kind-1 binary frame (docs/protocol.md)."""
    net = session.network
    header = FRAME_HEADER.pack(
        FRAME_KIND, VERSION, 1 if playing else 0, generation & 0xFFFFFFFF,
        float(session.epoch), session.loss_train, session.loss_test,
        net.w.shape[0], net.b.shape[0], frame.thumbnails.shape[0], 0,
    )  # fmt: skip
    return b"".join(
        (
            header,
            net.w.astype("<f8", copy=False).tobytes(),
            net.b.astype("<f8", copy=False).tobytes(),
            net.dead_flat.astype(np.uint8).tobytes(),
            frame.output.tobytes(),
            frame.thumbnails.tobytes(),
        )
    )


def pack_node_grid(frame: Frame, node: int, generation: int, epoch: int) -> bytes:
    """A kind-2 message: one node's full grid."""
    header = NODE_GRID_HEADER.pack(NODE_GRID_KIND, VERSION, node, generation & 0xFFFFFFFF, float(epoch))
    return header + frame.node_grid(node).tobytes()
