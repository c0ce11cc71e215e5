"""The lecture's server side: scenario, explain, slice, fork, class links, the shared selection."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.app.conftest import create, parse_frame


def test_worked_example_scenario_explained_over_rest(client: TestClient) -> None:
    session_id, auth, state = create(client, scenario="worked-example")
    assert state["config"]["scenario"] == "worked-example" and state["shape"] == [2, 2, 1]
    e = client.get(f"/api/sessions/{session_id}/explain", params={"layer": 1, "source": 0, "target": 0, "point": 0})
    assert e.status_code == 200
    data = e.json()
    assert data["gradient"] == pytest.approx(-0.026502, abs=5e-7)
    assert data["new_weight"] == pytest.approx(2.002650, abs=5e-7)
    assert {"error", "slope", "source_output", "learning_rate", "step", "batch"} <= set(data)
    stepped = client.post(f"/api/sessions/{session_id}/step", json={"epochs": 1}, headers=auth).json()
    assert stepped["weights"][1][0][0] == data["new_weight"]


def test_scenario_survives_in_the_hash(client: TestClient) -> None:
    _, _, state = create(client, scenario="worked-example")
    _, _, again = create(client, hash=state["config"]["hash"])
    assert again["weights"] == state["weights"] and again["train"] == state["train"]


def test_explain_bias_and_bad_addresses(client: TestClient) -> None:
    session_id, _, _ = create(client, hash="seed=0.42")
    bias = client.get(f"/api/sessions/{session_id}/explain", params={"layer": 0, "target": 2}).json()
    assert bias["kind"] == "bias" and bias["source_output"] == 1.0
    bad = client.get(f"/api/sessions/{session_id}/explain", params={"layer": 0, "source": 5, "target": 0})
    assert bad.status_code == 422 and "source" in bad.text
    far = client.get(f"/api/sessions/{session_id}/explain", params={"layer": 0, "source": 0, "target": 0, "point": 999})
    assert far.status_code == 422 and "point" in far.text


def test_slice_over_rest(client: TestClient) -> None:
    session_id, _, state = create(client, hash="seed=0.42")
    data = client.get(f"/api/sessions/{session_id}/slice", params={"layer": 2, "source": 1, "target": 0}).json()
    assert len(data["values"]) == 61
    assert data["current"]["loss"] == pytest.approx(state["loss_train"], abs=1e-15)


def test_fork_copies_weights_and_gives_a_new_token(client: TestClient) -> None:
    session_id, auth, _ = create(client, hash="seed=0.42")
    client.post(f"/api/sessions/{session_id}/step", json={"epochs": 5}, headers=auth)
    teacher = client.get(f"/api/sessions/{session_id}", params={"include": "data"}).json()
    fork = client.post(f"/api/sessions/{session_id}/fork")  # no token: any watcher may fork
    assert fork.status_code == 201
    student = fork.json()
    assert student["id"] != session_id and student["state"]["weights"] == teacher["weights"]
    assert student["state"]["epoch"] == 5 and student["state"]["train"] == teacher["train"]
    own = {"Authorization": f"Bearer {student['control_token']}"}
    client.post(f"/api/sessions/{student['id']}/step", json={"epochs": 3}, headers=own)
    assert client.get(f"/api/sessions/{session_id}").json()["epoch"] == 5
    assert client.post(f"/api/sessions/{session_id}/step", json={}, headers=own).status_code == 403


def test_share_link_redirects_to_a_watch_view(client: TestClient) -> None:
    session_id, auth, _ = create(client)
    assert client.post(f"/api/sessions/{session_id}/share").status_code == 401
    share = client.post(f"/api/sessions/{session_id}/share", headers=auth).json()
    assert share["url"].endswith(f"/s/{share['code']}") and len(share["code"]) == 6
    assert share["qr_svg"].startswith("<svg")
    assert client.post(f"/api/sessions/{session_id}/share", headers=auth).json()["code"] == share["code"]
    hop = client.get(f"/s/{share['code'].lower()}", follow_redirects=False)
    assert hop.status_code == 303 and hop.headers["location"] == f"/?session={session_id}"
    client.delete(f"/api/sessions/{session_id}", headers=auth)
    assert client.get(f"/s/{share['code']}", follow_redirects=False).status_code == 404


def _next(ws: Any, kind: str) -> dict[str, Any]:
    while True:
        message = ws.receive()
        if message.get("text") is not None:
            data: dict[str, Any] = json.loads(message["text"])
            if data["type"] == kind:
                return data


def test_selection_is_broadcast_to_watchers(client: TestClient) -> None:
    response = client.post("/api/sessions", json={"scenario": "worked-example"}).json()
    session_id, token = response["id"], response["control_token"]
    with (
        client.websocket_connect(f"/ws/sessions/{session_id}") as teacher,
        client.websocket_connect(f"/ws/sessions/{session_id}") as student,
    ):
        teacher.receive_json()
        student.receive_json()
        student.send_json({"type": "select", "layer": 1, "source": 0, "target": 0})
        assert _next(student, "error")["code"] == "forbidden"
        teacher.send_json({"type": "auth", "token": token})
        teacher.send_json({"type": "select", "layer": 1, "source": 0, "target": 0, "point": 0})
        seen = _next(student, "explain")
        assert seen["explain"]["new_weight"] == pytest.approx(2.00265, abs=1e-5)
        assert len(seen["slice"]["values"]) == 61
        teacher.send_json({"type": "step", "epochs": 1})
        after = _next(student, "explain")
        assert after["epoch"] == 1 and after["explain"]["value"] == pytest.approx(2.00265, abs=1e-5)
        teacher.send_json({"type": "select", "layer": 7, "source": 0, "target": 0})
        assert _next(teacher, "error")["field"] == "layer"
        teacher.send_json({"type": "config", "fields": {"networkShape": []}})  # layer 1 no longer exists
        assert _next(student, "explain")["selection"] is None
        state = client.get(f"/api/sessions/{session_id}").json()
        assert state["selection"] is None


def test_lecture_options_over_rest(client: TestClient) -> None:
    _, _, state = create(
        client,
        config={
            "outputActivation": "sigmoid",
            "loss": "square",
            "init": "lecture",
            "inputScaling": "unit",
            "targets": "lecture",
            "seed": "1",
        },
    )
    assert "outputActivation=sigmoid" in state["config"]["hash"] and "targets=lecture" in state["config"]["hash"]
    bad = client.post("/api/sessions", json={"config": {"init": "xavier"}})
    assert bad.status_code == 422 and "init" in bad.text
    page = client.get("/").text
    assert '"lecturePreset"' in page


def test_frames_show_lecture_targets_on_the_label_scale(client: TestClient) -> None:
    session_id, auth, _ = create(
        client,
        config={
            "seed": "0.42",
            "outputActivation": "sigmoid",
            "targets": "lecture",
            "learningRate": 1,
            "networkShape": [8],
        },
    )
    client.post(f"/api/sessions/{session_id}/step", json={"epochs": 200}, headers=auth)
    with client.websocket_connect(f"/ws/sessions/{session_id}") as ws:
        ws.receive_json()
        frame = parse_frame(ws.receive_bytes())
    # circle: the centre is +1 (blue, bytes above 127), a corner -1 (orange, below)
    assert frame.output[50, 50] > 200 and frame.output[0, 0] < 60


def test_late_watcher_receives_the_current_explanation(client: TestClient) -> None:
    response = client.post("/api/sessions", json={"scenario": "worked-example"}).json()
    session_id, token = response["id"], response["control_token"]
    with client.websocket_connect(f"/ws/sessions/{session_id}") as teacher:
        teacher.receive_json()
        teacher.send_json({"type": "auth", "token": token})
        teacher.send_json({"type": "select", "layer": 1, "source": 0, "target": 0, "point": 0})
        _next(teacher, "explain")
        with client.websocket_connect(f"/ws/sessions/{session_id}") as late:
            state = late.receive_json()
            assert state["selection"] == {"layer": 1, "source": 0, "target": 0, "point": 0}
            explanation = late.receive_json()
            assert explanation["type"] == "explain"
            assert explanation["explain"]["new_weight"] == pytest.approx(2.00265, abs=1e-5)
