"""A real server restarted under its users: SIGTERM loses nothing, kill -9
loses at most the last snapshot interval of play.  The reference for the
numbers is the core session built from the same hash in this process and
trained the same epochs: it never went through a store."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from app.output.serialize import network_state
from core.config import PlaygroundConfig
from core.session import Session
from tests.app.conftest import parse_frame
from tests.live_server import LiveServer

HASH = "dataset=xor&seed=0.777&networkShape=4,3&batchSize=9&activation=tanh&learningRate=0.03"
FULL = {"include": "data,history,pending"}
SNAPSHOT_SECONDS = 2.0  # the default PLAYGROUND_SNAPSHOT_SECONDS


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    """A server keeping its sessions in SQLite under tmp_path, restartable."""
    live = LiveServer(env={"PLAYGROUND_DATA_DIR": str(tmp_path), "PLAYGROUND_CLIENT_LIMITS": "0"})
    live.start()
    try:
        yield live
    finally:
        live.stop()


def create(server: LiveServer) -> tuple[str, str]:
    response = httpx.post(f"{server.url}/api/sessions", json={"hash": HASH}, timeout=30)
    assert response.status_code == 201, response.text
    return response.json()["id"], response.json()["control_token"]


def state(server: LiveServer, session_id: str) -> dict[str, Any]:
    response = httpx.get(f"{server.url}/api/sessions/{session_id}", params=FULL, timeout=30)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    data.pop("watchers")
    return data


def step(server: LiveServer, session_id: str, token: str, epochs: int) -> None:
    response = httpx.post(
        f"{server.url}/api/sessions/{session_id}/step",
        json={"epochs": epochs},
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    )
    assert response.status_code == 200, response.text


@contextlib.contextmanager
def controller(server: LiveServer, session_id: str, token: str) -> Iterator[ClientConnection]:
    with connect(f"{server.ws_url}/ws/sessions/{session_id}", open_timeout=20) as ws:
        ws.send(f'{{"type": "auth", "token": "{token}"}}')
        yield ws


def frames_until_closed(ws: ClientConnection, seconds: float) -> tuple[list[tuple[float, float]], int | None]:
    """(arrival time, epoch) of every frame for ``seconds`` or until the server
    closes; and the close code if it did."""
    frames: list[tuple[float, float]] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            message = ws.recv(timeout=max(0.01, deadline - time.monotonic()))
        except TimeoutError:
            break
        except ConnectionClosed as closed:
            return frames, closed.rcvd.code if closed.rcvd is not None else None
        if isinstance(message, bytes) and message[0] == 1:
            frames.append((time.monotonic(), parse_frame(message).epoch))
    return frames, None


def test_restart_sigterm_keeps_a_session_bit_for_bit(server: LiveServer) -> None:
    session_id, token = create(server)
    step(server, session_id, token, 7)  # 7 epochs in batches of 9: a remainder's gradients are pending
    code = httpx.post(
        f"{server.url}/api/sessions/{session_id}/share", headers={"Authorization": f"Bearer {token}"}, timeout=30
    ).json()["code"]
    before = state(server, session_id)
    assert before["pending"]["count"] > 0

    server.stop()  # SIGTERM
    server.start()

    assert state(server, session_id) == before
    link = httpx.get(f"{server.url}/s/{code}", follow_redirects=False, timeout=30)
    assert link.status_code == 303 and link.headers["location"] == f"/?session={session_id}"
    step(server, session_id, token, 13)  # the same token still controls it
    after = state(server, session_id)

    reference = Session(PlaygroundConfig.from_hash(HASH))
    reference.step(7)
    reference.step(13)
    expected = network_state(reference.network)
    assert after["epoch"] == reference.epoch == 20
    assert after["weights"] == expected["weights"] and after["biases"] == expected["biases"]
    assert after["pending"] == expected["pending"]
    assert (after["loss_train"], after["loss_test"]) == (reference.loss_train, reference.loss_test)
    assert after["history"] == reference.history.rows.tolist()


def test_restart_sigterm_while_playing_closes_with_1012_and_offers_to_resume(server: LiveServer) -> None:
    session_id, token = create(server)
    with controller(server, session_id, token) as ws:
        ws.send('{"type": "play"}')
        frames, _ = frames_until_closed(ws, 1.5)
        assert frames, "frames arrive while playing"
        server.stop()  # SIGTERM: saves first, then closes every websocket with 1012
        more, code = frames_until_closed(ws, 30)
    assert code == 1012
    last_seen = (frames + more)[-1][1]
    server.start()
    restored = state(server, session_id)
    assert restored["playing"] is False and restored["restored"] is True
    assert restored["epoch"] >= last_seen  # nothing trained before the stop was lost
    with controller(server, session_id, token) as ws:
        ws.send('{"type": "play"}')  # Resume
        frames, _ = frames_until_closed(ws, 1.0)
    assert frames and frames[-1][1] > restored["epoch"]
    assert state(server, session_id)["restored"] is False


def test_restart_kill_9_while_playing_loses_at_most_the_snapshot_interval(server: LiveServer) -> None:
    session_id, token = create(server)
    with controller(server, session_id, token) as ws:
        ws.send('{"type": "play"}')
        frames, _ = frames_until_closed(ws, 3 * SNAPSHOT_SECONDS)
        killed_at = time.monotonic()
        server.kill()
    server.start()
    restored = state(server, session_id)
    # Frames arrive within milliseconds of being made; allow one more second of scheduling noise.
    kept_by = killed_at - SNAPSHOT_SECONDS - 1.0
    floor = max(epoch for arrived, epoch in frames if arrived <= kept_by)
    print(
        f"\nkill -9: last frame at epoch {frames[-1][1]:.0f}, restored at {restored['epoch']}, required >= {floor:.0f}"
    )
    assert floor <= restored["epoch"] <= frames[-1][1] + 100
    assert restored["restored"] is True and restored["playing"] is False
