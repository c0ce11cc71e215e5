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
    "json_response",
    "jsonable",
    "layers",
    "network_state",
    "number",
    "pack_frame",
    "pack_node_grid",
    "session_state",
]

FRAME_KIND = 1
NODE_GRID_KIND = 2
VERSION = 2  # of kind-1 frames
NODE_GRID_VERSION = 1
# kind, version, flags, generation, epoch, loss_train, loss_test, n_w, n_b, n_t, n_o, classes, stopped
FRAME_HEADER = struct.Struct("<BBHIdddIIIHBB")
STOP_CODES = {None: 0, "epoch": 1, "loss": 2, "diverged": 3}
# kind, version, node, generation, epoch
NODE_GRID_HEADER = struct.Struct("<BBHId")
ACCURACY = struct.Struct("<dd")  # train, test (NaN: not classification)
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
    """Weights, biases, dead masks, pending gradients and optimizer state, per layer."""
    optimizer = network.optimizer_state()
    return {
        "weights": layers(network.weights),
        "biases": layers(network.biases),
        "dead": layers(network.dead),
        "pending": {
            "count": int(network.counters[0]),
            "weights": layers(layer.pending_weights for layer in network.layers),
            "biases": layers(layer.pending_biases for layer in network.layers),
        },
        "optimizer_state": {
            key: value if key == "updates" else {kind: layers(value[kind]) for kind in ("weights", "biases")}
            for key, value in optimizer.items()
        },
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
        "choices": session.config.choices(),  # what the page's menus may offer now: the rules stay here
        "shape": session.shape,
        "epoch": session.epoch,
        "position": session.position,  # points of the current pass trained on (steps of single updates)
        "initialisation": session.config.initialisation,  # what the init menu shows: what was really used
        "initial_ranges": session.initial_ranges(),  # per weight layer: n, ±1/√n, the range drawn from
        "loss_train": number(session.loss_train),
        "loss_test": number(session.loss_test),
        # one finiteness check of the flat buffers instead of one per layer: a state per REST step
        "weights": [w.tolist() for w in net.weights] if np.isfinite(net.w).all() else layers(net.weights),
        "biases": [b.tolist() for b in net.biases] if np.isfinite(net.b).all() else layers(net.biases),
        "dead": [d.tolist() for d in net.dead],
        "playing": playing,
        "epochs_per_frame": epochs_per_frame,
        "watchers": watchers,
        "stopped": session.stopped,
        **jsonable(session.metrics().to_dict()),
    }
    include = set(include)
    if "data" in include:
        state["train"] = session.train.tolist()
        state["test"] = session.test.tolist()
    if "history" in include:
        state["history"] = _jsonable(session.history.rows)
    if "pending" in include:
        full = network_state(net)
        state["pending"] = full["pending"]
        state["optimizer_state"] = full["optimizer_state"]
    return state


def pack_frame(session: Session, frame: Frame, generation: int, playing: bool) -> bytes:
    """A kind-1 binary frame (docs/protocol.md)."""
    net = session.network
    metrics = session.metrics()
    classes = session.config.n_classes if metrics.confusion_train is not None else 0
    header = FRAME_HEADER.pack(
        FRAME_KIND,
        VERSION,
        1 if playing else 0,
        generation & 0xFFFFFFFF,
        float(session.epoch),
        session.loss_train,
        session.loss_test,
        net.w.shape[0],
        net.b.shape[0],
        frame.thumbnails.shape[0],
        frame.outputs.shape[0],
        classes,
        STOP_CODES[session.stopped],
    )
    accuracy = ACCURACY.pack(*(math.nan if a is None else a for a in (metrics.accuracy_train, metrics.accuracy_test)))
    confusion = [m.astype("<u4").tobytes() for m in (metrics.confusion_train, metrics.confusion_test) if m is not None]
    return b"".join(
        (
            header,
            net.w.astype("<f8", copy=False).tobytes(),
            net.b.astype("<f8", copy=False).tobytes(),
            accuracy,
            *confusion,
            net.dead_flat.astype(np.uint8).tobytes(),
            frame.outputs.tobytes(),
            frame.thumbnails.tobytes(),
        )
    )


def pack_node_grid(frame: Frame, node: int, generation: int, epoch: int) -> bytes:
    """A kind-2 message: one node's full grid."""
    header = NODE_GRID_HEADER.pack(NODE_GRID_KIND, NODE_GRID_VERSION, node, generation & 0xFFFFFFFF, float(epoch))
    return header + frame.node_grid(node).tobytes()
