"""The new fields (optimizer, momentum, loss, classes, stopEpoch, stopLoss)
through REST (session and stateless) and the websocket."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from core.config import PlaygroundConfig
from core.session import Session
from tests.app.conftest import create, parse_frame
from tests.app.test_ws import _next_frame, _next_of, _open


def test_rest_session_with_adam_and_three_classes_reports_metrics(client: TestClient) -> None:
    sid, auth, state = create(client, config={"optimizer": "adam", "classes": 3, "dataset": "spiral", "seed": "0.2"})
    assert state["shape"][-1] == 3 and state["config"]["loss"] == "auto"
    assert "optimizer=adam&classes=3" in state["config"]["hash"]
    state = client.post(f"/api/sessions/{sid}/step", json={"epochs": 20}, headers=auth).json()
    direct = Session(PlaygroundConfig(seed="0.2", optimizer="adam", classes=3, dataset="spiral"))
    direct.step(20)
    metrics = direct.metrics()
    assert state["accuracy_train"] == metrics.accuracy_train
    assert state["confusion_test"] == metrics.confusion_test.tolist()
    assert state["stopped"] is None
    pending = client.get(f"/api/sessions/{sid}?include=pending").json()
    assert set(pending["optimizer_state"]) == {"updates", "m", "v"}
    assert pending["optimizer_state"]["updates"] == int(direct.network.counters[1])


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"classes": 3, "loss": "square"}, "loss"),
        ({"classes": 3, "dataset": "xor"}, "classes"),
        ({"optimizer": "nesterov"}, "optimizer"),
        ({"momentum": True}, "momentum"),
        ({"stopEpoch": 2.5}, "stopEpoch"),
        ({"classes": 9}, "classes"),
        ({"loss": None}, "loss"),  # null only where the table allows "not set"
    ],
)
def test_rest_rejects_bad_new_fields_naming_them(client: TestClient, config: dict[str, Any], field: str) -> None:
    response = client.post("/api/sessions", json={"config": config})
    assert response.status_code == 422
    assert field in response.text


def test_rest_step_stops_at_stop_epoch_and_says_why(client: TestClient) -> None:
    sid, auth, _ = create(client, config={"seed": "0.2", "stopEpoch": 30})
    state = client.post(f"/api/sessions/{sid}/step", json={"epochs": 100}, headers=auth).json()
    assert (state["epoch"], state["stopped"]) == (30, "epoch")
    state = client.post(f"/api/sessions/{sid}/step", json={"epochs": 5}, headers=auth).json()
    assert (state["epoch"], state["stopped"]) == (35, None)


@pytest.mark.parametrize("optimizer", ["momentum", "rmsprop", "adam"])
def test_stateless_step_two_calls_equal_one_call_of_two_epochs(client: TestClient, optimizer: str) -> None:
    config = {"seed": "0.9", "optimizer": optimizer, "loss": "cross-entropy", "batchSize": 7}
    _, _, state = create(client, config=config)
    start = {"weights": state["weights"], "biases": state["biases"]}
    once = client.post("/api/step", json={"config": config, "network": start, "epochs": 2}).json()
    first = client.post("/api/step", json={"config": config, "network": start, "epochs": 1}).json()
    carried = {key: first[key] for key in ("weights", "biases", "dead", "pending", "optimizer_state")}
    second = client.post("/api/step", json={"config": config, "network": carried, "epochs": 1}).json()
    for key in ("weights", "biases", "dead", "pending", "optimizer_state"):
        assert second[key] == once[key], key
    assert once["losses"][1] == second["losses"][0]


def test_stateless_step_rejects_a_slot_the_optimizer_does_not_use(client: TestClient) -> None:
    _, _, state = create(client, config={"seed": "0.9"})
    network = {
        "weights": state["weights"],
        "biases": state["biases"],
        "optimizer_state": {"m": {"weights": state["weights"], "biases": state["biases"]}},
    }
    response = client.post("/api/step", json={"config": {"seed": "0.9"}, "network": network})
    assert response.status_code == 422 and "optimizer_state.m" in response.text


def test_ws_config_and_play_stop_at_stop_epoch_with_a_status_and_frames_carry_metrics(client: TestClient) -> None:
    response = client.post("/api/sessions", json={"config": {"seed": "0.3", "classes": 4, "dataset": "gauss"}}).json()
    with client.websocket_connect(f"/ws/sessions/{response['id']}") as ws:
        _open(ws)
        ws.send_json({"type": "auth", "token": response["control_token"]})
        _next_of(ws, "auth")
        ws.send_json({"type": "config", "fields": {"stopEpoch": 7, "optimizer": "adam"}})
        state = _next_of(ws, "state")
        assert state["config"]["stopEpoch"] == 7 and state["config"]["optimizer"] == "adam"
        ws.send_json({"type": "speed", "epochs_per_frame": 5})
        ws.send_json({"type": "play"})
        status = _next_of(ws, "status")
        while not status["playing"]:  # the speed's status, then play's
            status = _next_of(ws, "status")
        while status["playing"]:
            status = _next_of(ws, "status")
        assert status["stopped"] == "epoch"
        state = client.get(f"/api/sessions/{response['id']}").json()
        assert (state["epoch"], state["playing"], state["stopped"]) == (7, False, "epoch")
        ws.send_json({"type": "step"})
        frame = parse_frame(_next_frame(ws))
        assert frame.classes == 4 and frame.outputs.shape == (4, 100, 100)
        assert frame.confusion[0].sum() == 250 and frame.confusion[0].shape == (4, 4)
        assert np.isclose(np.trace(frame.confusion[0]) / 250, frame.accuracy[0])


def test_ws_bad_new_field_gets_an_error_naming_it(client: TestClient) -> None:
    response = client.post("/api/sessions", json={}).json()
    with client.websocket_connect(f"/ws/sessions/{response['id']}") as ws:
        _open(ws)
        ws.send_json({"type": "auth", "token": response["control_token"]})
        _next_of(ws, "auth")
        ws.send_json({"type": "config", "fields": {"classes": 3, "dataset": "xor"}})
        error = _next_of(ws, "error")
        assert error["field"] == "classes"


def test_rest_pictures_of_three_classes_are_a_422_naming_classes(client: TestClient) -> None:
    sid, _, _ = create(client, config={"classes": 3, "dataset": "gauss", "seed": "0.2"})
    response = client.get(f"/api/sessions/{sid}/boundary?format=json&size=10")
    assert response.status_code == 422 and "classes" in response.text


def test_rest_points_with_three_classes_take_labels_0_to_2(client: TestClient) -> None:
    sid, auth, _ = create(client, config={"classes": 3, "dataset": "gauss", "seed": "0.2"})
    good = {"train": [[0.5, 1.0, 0], [1.0, -2.0, 2], [-1.0, 0.0, 1]], "test": [[0.0, 0.0, 1]]}
    assert client.put(f"/api/sessions/{sid}/data", json=good, headers=auth).status_code == 200
    bad = {"train": [[0.5, 1.0, -1]], "test": []}
    response = client.put(f"/api/sessions/{sid}/data", json=bad, headers=auth)
    assert response.status_code == 422 and "0, 1, 2" in response.text
