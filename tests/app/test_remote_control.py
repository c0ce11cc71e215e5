"""REST play, pause, speed and select: the websocket commands' effects, seen by a watcher."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession

from tests.app.conftest import create, parse_frame


def _next(ws: WebSocketTestSession, kind: str) -> dict[str, Any]:
    while True:
        message = ws.receive()
        if message.get("text") is not None:
            data: dict[str, Any] = json.loads(message["text"])
            if data["type"] == kind:
                return data


def _next_frame(ws: WebSocketTestSession) -> bytes:
    while True:
        message = ws.receive()
        if message.get("bytes") is not None and message["bytes"][0] == 1:
            data: bytes = message["bytes"]
            return data


def test_rest_play_without_watchers_is_409(client: TestClient) -> None:
    session_id, auth, _ = create(client, hash="seed=0.42")
    response = client.post(f"/api/sessions/{session_id}/play", headers=auth)
    assert response.status_code == 409 and "watch" in response.json()["detail"]
    assert client.get(f"/api/sessions/{session_id}").json()["playing"] is False


def test_rest_play_speed_pause_reach_a_watcher(client: TestClient) -> None:
    session_id, auth, _ = create(client, hash="seed=0.42")
    base = f"/api/sessions/{session_id}"
    with client.websocket_connect(f"/ws/sessions/{session_id}") as ws:
        ws.receive_json()
        ws.receive_bytes()
        speed = client.post(f"{base}/speed", json={"epochs_per_frame": 5}, headers=auth)
        assert speed.status_code == 200 and speed.json()["epochs_per_frame"] == 5
        assert _next(ws, "status")["epochs_per_frame"] == 5
        played = client.post(f"{base}/play", json={"epochs_per_frame": 10}, headers=auth)
        assert played.status_code == 200 and played.json()["playing"] is True
        assert played.json()["epochs_per_frame"] == 10
        epochs = [parse_frame(_next_frame(ws)).epoch for _ in range(3)]
        assert epochs == sorted(epochs) and epochs[-1] > epochs[0] and all(e % 10 == 0 for e in epochs)
        paused = client.post(f"{base}/pause", headers=auth)
        assert paused.status_code == 200 and paused.json()["playing"] is False
        status = _next(ws, "status")
        while status["playing"]:
            status = _next(ws, "status")
        assert status["playing"] is False


@pytest.mark.parametrize(
    ("path", "body"),
    [("play", None), ("pause", None), ("speed", {"epochs_per_frame": 2}), ("select", {"layer": None})],
)
def test_rest_remote_control_needs_the_token(client: TestClient, path: str, body: dict | None) -> None:
    session_id, _, _ = create(client, hash="seed=0.42")
    assert client.post(f"/api/sessions/{session_id}/{path}", json=body).status_code == 401
    wrong = {"Authorization": "Bearer not-the-token"}
    assert client.post(f"/api/sessions/{session_id}/{path}", json=body, headers=wrong).status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"epochs_per_frame": 0}, "epochs_per_frame"),
        ({"epochs_per_frame": 10001}, "epochs_per_frame"),
        ({}, "epochs_per_frame"),
        ({"epochs_per_frame": 2, "extra": 1}, "extra"),
    ],
)
def test_rest_speed_invalid_names_field(client: TestClient, body: dict, field: str) -> None:
    session_id, auth, _ = create(client, hash="seed=0.42")
    response = client.post(f"/api/sessions/{session_id}/speed", json=body, headers=auth)
    assert response.status_code == 422 and field in json.dumps(response.json()["detail"])


def test_rest_select_broadcasts_the_explanation_and_clears(client: TestClient) -> None:
    session_id, auth, _ = create(client, scenario="worked-example")
    base = f"/api/sessions/{session_id}"
    with client.websocket_connect(f"/ws/sessions/{session_id}") as student:
        student.receive_json()
        # the scenario points at its weight from the start (issue 18): the greeting explains w₁₁
        assert _next(student, "explain")["selection"] == {"layer": 1, "source": 0, "target": 0, "point": 0}
        chosen = client.post(f"{base}/select", json={"layer": 1, "source": 0, "target": 0}, headers=auth)
        assert chosen.status_code == 200
        assert chosen.json()["selection"] == {"layer": 1, "source": 0, "target": 0, "point": 0}
        seen = _next(student, "explain")
        # the lecture's slide: ∂E/∂w₁₁ = −0.0265023, new w₁₁ = 2.0026502
        assert seen["explain"]["gradient"] == pytest.approx(-0.0265023, abs=5e-8)
        assert seen["explain"]["new_weight"] == pytest.approx(2.0026502, abs=5e-8)
        bias = client.post(f"{base}/select", json={"layer": 0, "target": 1}, headers=auth)
        assert bias.json()["selection"]["source"] is None and _next(student, "explain")["explain"]["kind"] == "bias"
        bad = client.post(f"{base}/select", json={"layer": 5, "source": 0, "target": 0}, headers=auth)
        assert bad.status_code == 422 and "layer" in bad.text
        cleared = client.post(f"{base}/select", json={"layer": None}, headers=auth)
        assert cleared.json()["selection"] is None and _next(student, "explain")["selection"] is None
