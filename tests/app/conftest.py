from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings

# The TestClient is one client address for every test: per-client limits are
# checked in tests/app/test_abuse.py against a real server.
SETTINGS = Settings(max_fps=60.0, sweep_seconds=3600.0, client_limits=False, data_dir=":memory:")


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app(SETTINGS)) as test_client:
        yield test_client


def make_client(**overrides: Any) -> TestClient:
    return TestClient(create_app(replace(SETTINGS, **overrides)))


def create(client: TestClient, **body: Any) -> tuple[str, dict[str, str], dict[str, Any]]:
    """A new session: (id, auth headers, state)."""
    response = client.post("/api/sessions", json=body)
    assert response.status_code == 201, response.text
    data = response.json()
    return data["id"], {"Authorization": f"Bearer {data['control_token']}"}, data["state"]


@dataclass
class ParsedFrame:
    """A kind-1 frame, read by the layout in docs/protocol.md (independently of app/output/serialize.py)."""

    playing: bool
    generation: int
    epoch: float
    loss_train: float
    loss_test: float
    weights: np.ndarray
    biases: np.ndarray
    dead: np.ndarray
    output: np.ndarray  # the last output unit's heatmap (the only one but for a softmax)
    thumbnails: np.ndarray
    outputs: np.ndarray  # (output units, 100, 100)
    classes: int  # 0 for regression
    stopped: int  # 0 none, 1 epoch, 2 loss, 3 diverged
    accuracy: tuple[float, float]  # train, test (NaN: none)
    confusion: tuple[np.ndarray, np.ndarray]  # train, test: (classes, classes)


def parse_frame(data: bytes) -> ParsedFrame:
    assert data[0] == 1 and data[1] == 2
    flags, generation = struct.unpack_from("<HI", data, 2)
    epoch, loss_train, loss_test = struct.unpack_from("<ddd", data, 8)
    n_w, n_b, n_t, n_o, classes, stopped = struct.unpack_from("<IIIHBB", data, 32)
    offset = 48
    weights = np.frombuffer(data, "<f8", n_w, offset)
    offset += 8 * n_w
    biases = np.frombuffer(data, "<f8", n_b, offset)
    offset += 8 * n_b
    accuracy = struct.unpack_from("<dd", data, offset)
    offset += 16
    confusion = []
    for _ in range(2):
        confusion.append(np.frombuffer(data, "<u4", classes * classes, offset).reshape(classes, classes))
        offset += 4 * classes * classes
    dead = np.frombuffer(data, np.uint8, n_w, offset).astype(bool)
    offset += n_w
    outputs = np.frombuffer(data, np.uint8, 10000 * n_o, offset).reshape(n_o, 100, 100)
    offset += 10000 * n_o
    thumbnails = np.frombuffer(data, np.uint8, 100 * n_t, offset).reshape(n_t, 10, 10)
    assert offset + 100 * n_t == len(data)
    return ParsedFrame(
        bool(flags & 1),
        generation,
        epoch,
        loss_train,
        loss_test,
        weights,
        biases,
        dead,
        outputs[-1],
        thumbnails,
        outputs,
        classes,
        stopped,
        accuracy,
        (confusion[0], confusion[1]),
    )


def parse_node_grid(data: bytes) -> tuple[int, int, float, np.ndarray]:
    assert data[0] == 2 and data[1] == 1 and len(data) == 16 + 10000
    node, generation = struct.unpack_from("<HI", data, 2)
    (epoch,) = struct.unpack_from("<d", data, 8)
    return node, generation, epoch, np.frombuffer(data, np.uint8, 10000, 16).reshape(100, 100)
