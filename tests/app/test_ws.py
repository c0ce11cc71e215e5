"""The websocket protocol with the TestClient (docs/protocol.md)."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession
from starlette.websockets import WebSocketDisconnect

from core.boundary import decode
from core.config import PlaygroundConfig
from core.session import Session
from tests.app.conftest import create, parse_frame, parse_node_grid


def _open(ws: WebSocketTestSession) -> tuple[dict[str, Any], bytes]:
    state = ws.receive_json()
    assert state["type"] == "state"
    frame = ws.receive_bytes()
    return state, frame


def _next_of(ws: WebSocketTestSession, kind: str) -> dict[str, Any]:
    while True:
        message = ws.receive()
        if message.get("text") is not None:
            data: dict[str, Any] = __import__("json").loads(message["text"])
            if data["type"] == kind:
                return data


def _next_frame(ws: WebSocketTestSession) -> bytes:
    while True:
        message = ws.receive()
        if message.get("bytes") is not None and message["bytes"][0] == 1:
            data: bytes = message["bytes"]
            return data


def _authed(client: TestClient, **body: Any) -> tuple[str, str]:
    response = client.post("/api/sessions", json=body).json()
    return response["id"], response["control_token"]


def test_ws_connect_sends_state_then_frame(client: TestClient) -> None:
    session_id, _, _ = create(client, hash="seed=0.42")
    with client.websocket_connect(f"/ws/sessions/{session_id}") as ws:
        state, data = _open(ws)
        assert state["epoch"] == 0 and len(state["train"]) == 250 and state["history"][0][0] == 0
        frame = parse_frame(data)
        direct = Session(PlaygroundConfig.from_hash("seed=0.42"))
        assert np.array_equal(frame.weights, direct.network.w)
        assert frame.generation == state["generation"]
        assert frame.thumbnails.shape == (7 + 4 + 2 + 1, 10, 10)
        assert np.allclose(
            decode(frame.output), direct.frame().grids[-1], atol=1 / 127 + 1e-12
        )  # the sign-keeping nudge costs up to 1/127


def test_ws_unknown_session_closes_4404(client: TestClient) -> None:
    with client.websocket_connect("/ws/sessions/nope") as ws, pytest.raises(WebSocketDisconnect) as info:
        ws.receive_json()
    assert info.value.code == 4404


def test_ws_watcher_command_is_refused_and_connection_stays(client: TestClient) -> None:
    session_id, _, _ = create(client)
    with client.websocket_connect(f"/ws/sessions/{session_id}") as ws:
        _open(ws)
        ws.send_json({"type": "step", "epochs": 3})
        error = _next_of(ws, "error")
        assert error["code"] == "forbidden" and "step" in error["message"]
        ws.send_json({"type": "ping"})
        assert _next_of(ws, "pong") == {"type": "pong"}
    assert client.get(f"/api/sessions/{session_id}").json()["epoch"] == 0


def test_ws_wrong_token_stays_watcher(client: TestClient) -> None:
    session_id, _ = _authed(client)
    with client.websocket_connect(f"/ws/sessions/{session_id}") as ws:
        _open(ws)
        ws.send_json({"type": "auth", "token": "guess"})
        assert _next_of(ws, "error")["field"] == "token"
        ws.send_json({"type": "reset"})
        assert _next_of(ws, "error")["code"] == "forbidden"


def test_ws_step_moves_epoch_by_exactly_n(client: TestClient) -> None:
    session_id, token = _authed(client, hash="seed=0.42")
    with client.websocket_connect(f"/ws/sessions/{session_id}") as ws:
        _open(ws)
        ws.send_json({"type": "auth", "token": token})
        assert _next_of(ws, "auth")["role"] == "control"
        ws.send_json({"type": "step", "epochs": 5})
        frame = parse_frame(_next_frame(ws))
        assert frame.epoch == 5
        direct = Session(PlaygroundConfig.from_hash("seed=0.42"))
        direct.step(5)
        assert np.array_equal(frame.weights, direct.network.w) and frame.loss_train == direct.loss_train


@pytest.mark.parametrize(
    ("message", "code", "field"),
    [
        ("not json", "bad_json", None),
        ("[1, 2]", "invalid", "type"),
        ('{"type": "dance"}', "unknown_type", "type"),
        ('{"type": "step", "epochs": 0}', "invalid", "epochs"),
        ('{"type": "step", "epochs": 20000}', "invalid", "epochs"),
        ('{"type": "config", "fields": {"batchSize": 0}}', "invalid", "fields.batchSize"),
        ('{"type": "config", "fields": {"activation": "softmax"}}', "invalid", "fields.activation"),
        ('{"type": "config", "fields": {"colour": 1}}', "invalid", "fields.colour"),
        ('{"type": "hash", "hash": "noise=80"}', "invalid", "noise"),
        ('{"type": "weight", "layer": 9, "source": 0, "target": 0, "value": 1}', "invalid", "layer"),
        ('{"type": "weight", "layer": 0, "source": 0, "target": 0, "value": NaN}', "bad_json", None),  # not JSON
        ('{"type": "weight", "layer": 0, "source": 0, "target": 0, "value": true}', "invalid", "value"),
        ('{"type": "speed", "epochs_per_frame": 0}', "invalid", "epochs_per_frame"),
        ('{"type": "focus", "node": 99}', "invalid", "node"),
    ],
)
def test_ws_bad_messages_get_errors_and_session_stays_usable(
    client: TestClient, message: str, code: str, field: str | None
) -> None:
    session_id, token = _authed(client)
    with client.websocket_connect(f"/ws/sessions/{session_id}") as ws:
        _open(ws)
        ws.send_json({"type": "auth", "token": token})
        _next_of(ws, "auth")
        ws.send_text(message)
        error = _next_of(ws, "error")
        assert error["code"] == code, error
        if field:
            assert error.get("field") == field, error
        ws.send_json({"type": "step", "epochs": 1})
        assert parse_frame(_next_frame(ws)).epoch == 1


def test_ws_binary_message_is_refused(client: TestClient) -> None:
    session_id, _ = _authed(client)
    with client.websocket_connect(f"/ws/sessions/{session_id}") as ws:
        _open(ws)
        ws.send_bytes(b"\x00\x01")
        assert _next_of(ws, "error")["code"] == "invalid"


def test_ws_config_change_sends_state_with_new_generation(client: TestClient) -> None:
    session_id, token = _authed(client)
    with client.websocket_connect(f"/ws/sessions/{session_id}") as ws:
        first, _ = _open(ws)
        ws.send_json({"type": "auth", "token": token})
        ws.send_json({"type": "config", "fields": {"networkShape": [3, 3, 3]}})
        state = _next_of(ws, "state")
        assert state["shape"] == [2, 3, 3, 3, 1] and state["generation"] == first["generation"] + 1
        assert "train" not in state  # the data did not change
        frame = parse_frame(_next_frame(ws))
        assert frame.generation == state["generation"] and frame.thumbnails.shape[0] == 7 + 9 + 1
        ws.send_json({"type": "config", "fields": {"learningRate": 0.3}})
        live = _next_of(ws, "state")
        assert live["generation"] == state["generation"] and live["config"]["learningRate"] == 0.3
        ws.send_json({"type": "regenerate"})
        regenerated = _next_of(ws, "state")
        assert len(regenerated["train"]) == 250 and regenerated["generation"] == state["generation"] + 1


def test_ws_focus_sends_node_grid(client: TestClient) -> None:
    session_id, _ = _authed(client, hash="seed=0.42")
    with client.websocket_connect(f"/ws/sessions/{session_id}") as ws:
        _open(ws)
        ws.send_json({"type": "focus", "node": 8})  # the second neuron of the first hidden layer
        while True:
            data = ws.receive_bytes()
            if data[0] == 2:
                break
        node, _, epoch, grid = parse_node_grid(data)
        assert node == 8 and epoch == 0
        direct = Session(PlaygroundConfig.from_hash("seed=0.42")).frame()
        assert np.allclose(
            decode(grid), direct.grids[1], atol=1 / 127 + 1e-12
        )  # the sign-keeping nudge costs up to 1/127


def test_ws_play_streams_and_pause_stops(client: TestClient) -> None:
    session_id, token = _authed(client)
    with client.websocket_connect(f"/ws/sessions/{session_id}") as ws:
        _open(ws)
        ws.send_json({"type": "auth", "token": token})
        ws.send_json({"type": "speed", "epochs_per_frame": 10})
        assert _next_of(ws, "status")["epochs_per_frame"] == 10
        ws.send_json({"type": "play"})
        epochs = [parse_frame(_next_frame(ws)).epoch for _ in range(5)]
        assert epochs == sorted(epochs) and epochs[-1] > epochs[0]
        assert all(e % 10 == 0 for e in epochs)
        ws.send_json({"type": "pause"})
        assert _next_of(ws, "status")["playing"] is False


def _play_as_controller(ws: WebSocketTestSession, token: str) -> None:
    """Greeting read, authenticated, playing, one frame received."""
    _open(ws)
    ws.send_json({"type": "auth", "token": token})
    ws.send_json({"type": "play"})
    _next_frame(ws)


def test_ws_reset_pauses_like_the_original(client: TestClient) -> None:
    session_id, token = _authed(client)
    with client.websocket_connect(f"/ws/sessions/{session_id}") as ws:
        _play_as_controller(ws, token)
        ws.send_json({"type": "reset"})
        state = _next_of(ws, "state")
        assert state["epoch"] == 0 and state["playing"] is False


def test_ws_disconnect_pauses_and_keeps_session(client: TestClient) -> None:
    session_id, token = _authed(client)
    with client.websocket_connect(f"/ws/sessions/{session_id}") as ws:
        _play_as_controller(ws, token)
    state = client.get(f"/api/sessions/{session_id}").json()
    assert state["playing"] is False and state["watchers"] == 0 and state["epoch"] >= 1


def test_ws_unexpected_handler_failure_is_logged_and_answered(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from app.protocol import connection

    async def fails(command: object, client: object, live: object) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setitem(connection.CONNECTION, "ping", dataclasses.replace(connection.CONNECTION["ping"], run=fails))
    session_id, token = _authed(client)
    with client.websocket_connect(f"/ws/sessions/{session_id}") as ws:
        _open(ws)
        ws.send_json({"type": "ping"})
        error = _next_of(ws, "error")
        assert error["code"] == "internal" and "'ping'" in error["message"]
        ws.send_json({"type": "auth", "token": token})
        assert _next_of(ws, "auth")["role"] == "control", "the connection stays usable"
    assert any("RecursionError" in (record.exc_text or "") for record in caplog.records)
