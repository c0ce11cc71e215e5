"""The lecture over REST and the websocket (issue 18): single updates, train=selected,
the deck in the shared session, comparisons, a teacher's own deck, files opened into a session."""

from __future__ import annotations

import struct
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from core.compare import Comparison
from core.snapshot import from_document
from tests.app.conftest import create
from tests.core.test_deck import ORDER

LECTURE_IDS = ORDER  # the lecture's slides in order, written once (tests/core/test_deck.py)


def _weights(state: dict[str, Any]) -> list[np.ndarray]:
    return [np.array(w, dtype=float) for w in state["weights"]]


def test_lecture_step_one_update_is_old_minus_alpha_times_the_batch_gradient(client: TestClient) -> None:
    session_id, auth, before = create(client, hash="seed=0.42&learningRate=0.3")
    expected = {}
    for layer, source, target in [(0, 0, 0), (0, 1, 3), (1, 2, 1), (2, 1, 0)]:
        explained = client.get(
            f"/api/sessions/{session_id}/explain", params={"layer": layer, "source": source, "target": target}
        ).json()
        old = before["weights"][layer][source][target]
        expected[(layer, source, target)] = old - 0.3 * explained["batch"]["gradient"]
    after = client.post(f"/api/sessions/{session_id}/step", json={"updates": 1}, headers=auth).json()
    assert after["epoch"] == 0 and after["position"] == 10  # one batch of the default 10 points
    for (layer, source, target), value in expected.items():
        assert after["weights"][layer][source][target] == pytest.approx(value, abs=1e-12)


def test_lecture_step_takes_epochs_or_updates_not_both(client: TestClient) -> None:
    session_id, auth, _ = create(client, hash="seed=0.42")
    both = client.post(f"/api/sessions/{session_id}/step", json={"epochs": 1, "updates": 1}, headers=auth)
    assert both.status_code == 422 and "epochs or updates" in both.text
    assert client.post(f"/api/sessions/{session_id}/step", json={"updates": 0}, headers=auth).status_code == 422


def test_lecture_train_selected_moves_the_selected_weight_alone(client: TestClient) -> None:
    session_id, auth, _ = create(client, hash="seed=0.42")
    plain = client.post(f"/api/sessions/{session_id}/step", json={"updates": 1}, headers=auth)
    assert plain.status_code == 200  # train=all by default: nothing needs selecting
    client.patch(f"/api/sessions/{session_id}/config", json={"train": "selected"}, headers=auth)
    nothing = client.post(f"/api/sessions/{session_id}/step", json={"updates": 1}, headers=auth)
    assert nothing.status_code == 422 and nothing.json()["detail"][0]["loc"][-1] == "train"
    client.post(f"/api/sessions/{session_id}/select", json={"layer": 1, "source": 2, "target": 1}, headers=auth)
    start = client.get(f"/api/sessions/{session_id}").json()
    after = client.post(f"/api/sessions/{session_id}/step", json={"updates": 5}, headers=auth).json()
    changed = [np.argwhere(a != b).tolist() for a, b in zip(_weights(start), _weights(after), strict=True)]
    assert changed == [[], [[2, 1]], []]
    assert after["biases"] == start["biases"]


def test_lecture_deck_lists_the_scenes_in_both_languages(client: TestClient) -> None:
    korean = client.get("/api/lecture/deck", params={"lang": "ko"}).json()
    english = client.get("/api/lecture/deck").json()
    assert [scene["id"] for scene in korean] == LECTURE_IDS == [scene["id"] for scene in english]
    assert english[0]["title"] != korean[0]["title"] and all(2 <= len(s["caption"]) <= 3 for s in english)
    assert client.get("/api/lecture/deck", params={"lang": "fr"}).status_code == 422


def test_lecture_a_scenario_link_points_at_its_weight(client: TestClient) -> None:
    _, _, state = create(client, hash="scenario=descent&variant=1")
    assert state["config"]["scenario"] == "descent" and state["config"]["variant"] == 1
    assert state["selection"] == {"layer": 0, "source": 0, "target": 0, "point": 0}


def _next(ws: Any, kind: str) -> dict[str, Any]:
    for _ in range(200):
        message = ws.receive()
        if "text" in message and message["text"] and f'"type":"{kind}"' in message["text"]:
            import json

            return json.loads(message["text"])  # type: ignore[no-any-return]
    raise AssertionError(f"no {kind!r} message")


def _next_binary(ws: Any, kind: int) -> bytes:
    for _ in range(200):
        message = ws.receive()
        data = message.get("bytes")
        if data and data[0] == kind:
            return bytes(data)
    raise AssertionError(f"no kind-{kind} frame")


def test_lecture_a_scene_moves_every_watcher(client: TestClient) -> None:
    made = client.post("/api/sessions", json={"hash": "seed=0.42"}).json()
    url = f"/ws/sessions/{made['id']}"
    with client.websocket_connect(url) as teacher, client.websocket_connect(url) as student:
        teacher.send_json({"type": "auth", "token": made["control_token"]})
        _next(teacher, "auth")
        teacher.send_json({"type": "scene", "index": 2, "variant": 1})
        for ws in (teacher, student):
            scene = _next(ws, "scene")
            assert scene["index"] == 2 and scene["variant"] == 1 and scene["scene"]["id"] == "overshoot"
            assert set(scene["scene"]["title"]) == {"en", "ko"}
        state = client.get(f"/api/sessions/{made['id']}").json()
        assert state["config"]["scenario"] == "overshoot" and state["config"]["learningRate"] == 0.1
        assert state["selection"] is not None
        student.send_json({"type": "scene", "index": 0})
        assert _next(student, "error")["code"] == "forbidden"


def test_lecture_a_comparison_scene_trains_its_runs_beside_the_session(client: TestClient) -> None:
    session_id, auth, _ = create(client, hash="seed=0.42")
    scene = client.post(
        f"/api/sessions/{session_id}/scene", json={"index": LECTURE_IDS.index("learning-rate")}, headers=auth
    ).json()
    seed = scene["config"]["seed"]
    with client.websocket_connect(f"/ws/sessions/{session_id}") as ws:
        message = _next(ws, "comparison")
        assert message["recipe"] == {"scene": "learning-rate"} and len(message["runs"]) == 3
        client.post(f"/api/sessions/{session_id}/step", json={"epochs": 4}, headers=auth)
        data = _next_binary(ws, 3)
        while struct.unpack_from("<d", data, 8)[0] < 4:  # the greeting's frame came first
            data = _next_binary(ws, 3)
    kind, version, runs, _generation = struct.unpack_from("<BBHI", data)
    assert (kind, version, runs) == (3, 1, 3) and len(data) == 8 + 3 * (24 + 50 * 50)
    reference = Comparison.of_scene("learning-rate", seed=seed)
    reference.step(4)
    for k, run in enumerate(reference.runs):
        epoch, loss_train, loss_test = struct.unpack_from("<ddd", data, 8 + k * (24 + 2500))
        assert (epoch, loss_train, loss_test) == (4.0, run.session.loss_train, run.session.loss_test)


def test_lecture_compare_any_setting_from_the_session_as_it_is(client: TestClient) -> None:
    session_id, auth, _ = create(client, hash="seed=0.42")
    client.post(f"/api/sessions/{session_id}/step", json={"epochs": 3}, headers=auth)
    body = {"field": "activation", "values": ["tanh", "relu"]}
    answer = client.post(f"/api/sessions/{session_id}/compare", json=body, headers=auth)
    assert answer.status_code == 200
    bad = client.post(
        f"/api/sessions/{session_id}/compare", json={"field": "dataset", "values": ["xor", "circle"]}, headers=auth
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "field"
    assert client.post(f"/api/sessions/{session_id}/compare", json={"field": None}, headers=auth).status_code == 200


def test_lecture_a_teachers_deck_is_made_saved_and_opened_elsewhere(client: TestClient) -> None:
    session_id, auth, _ = create(client, hash="seed=0.42&networkShape=3")
    client.post(f"/api/sessions/{session_id}/step", json={"epochs": 7}, headers=auth)
    client.post(f"/api/sessions/{session_id}/select", json={"layer": 1, "source": 0, "target": 0}, headers=auth)
    trained = client.get(f"/api/sessions/{session_id}").json()
    texts = {"title": "<b>My</b> scene", "caption": "line 1\nline 2", "next": "Step"}
    added = client.post(f"/api/sessions/{session_id}/deck/scenes", json=texts, headers=auth)
    assert added.status_code == 200
    deck = client.get(f"/api/sessions/{session_id}/deck").json()
    assert deck["format"] == "playground-deck" and len(deck["scenes"]) == len(LECTURE_IDS) + 1
    assert deck["scenes"][-1]["title"] == "<b>My</b> scene"  # text stays text: the page never parses it
    client.post(f"/api/sessions/{session_id}/deck/move", json={"index": len(LECTURE_IDS), "to": 0}, headers=auth)
    client.post(f"/api/sessions/{session_id}/deck/delete", json={"index": 14}, headers=auth)  # the last built-in
    deck = client.get(f"/api/sessions/{session_id}/deck").json()
    assert deck["scenes"][0]["title"] == "<b>My</b> scene" and len(deck["scenes"]) == len(LECTURE_IDS)

    other_id, other_auth, _ = create(client, hash="seed=0.9")
    assert client.put(f"/api/sessions/{other_id}/deck", json=deck, headers=other_auth).status_code == 204
    shown = client.post(f"/api/sessions/{other_id}/scene", json={"index": 0}, headers=other_auth).json()
    assert shown["weights"] == trained["weights"] and shown["epoch"] == 7
    assert shown["selection"] == {"layer": 1, "source": 0, "target": 0, "point": 0}
    broken = {**deck, "scenes": [{**deck["scenes"][0], "session": {"format": "nope"}}]}
    answer = client.put(f"/api/sessions/{other_id}/deck", json=broken, headers=other_auth)
    assert answer.status_code == 422 and answer.json()["detail"][0]["loc"][1:3] == ["deck", "scenes[0]"]


def test_lecture_a_session_file_opens_into_the_shared_session(client: TestClient) -> None:
    source_id, source_auth, _ = create(client, hash="seed=0.5&networkShape=5")
    client.post(f"/api/sessions/{source_id}/step", json={"epochs": 4}, headers=source_auth)
    document = client.get(f"/api/sessions/{source_id}/export").json()
    made = client.post("/api/sessions", json={"hash": "seed=0.42"}).json()
    auth = {"Authorization": f"Bearer {made['control_token']}"}
    with client.websocket_connect(f"/ws/sessions/{made['id']}") as student:
        _next(student, "state")
        answer = client.post(f"/api/sessions/{made['id']}/load", json={"import": document}, headers=auth)
        assert answer.status_code == 200 and answer.json()["id"] == made["id"]
        followed = _next(student, "state")
    expected = from_document(document)
    assert followed["shape"] == expected.shape and followed["epoch"] == 4
    assert np.array_equal(np.array(followed["weights"][0]), expected.network.weights[0])
    refused = client.post(f"/api/sessions/{made['id']}/load", json={"import": {"format": "x"}}, headers=auth)
    assert refused.status_code == 422


def test_lecture_stateless_updates_go_on_inside_a_pass(client: TestClient) -> None:
    session = client.post("/api/sessions", json={"hash": "seed=0.42"}).json()["state"]
    network = {"weights": session["weights"], "biases": session["biases"]}
    body = {"hash": "seed=0.42", "network": network}
    whole = client.post("/api/step", json={**body, "updates": 30}).json()
    half = client.post("/api/step", json={**body, "updates": 12}).json()
    assert half["position"] == 120 and half["updates"] == 12 and half["epochs"] == 0
    network = {k: half[k] for k in ("weights", "biases", "dead", "pending")}
    rest = client.post("/api/step", json={"hash": "seed=0.42", "updates": 18, "position": 120, "network": network})
    assert rest.status_code == 200, rest.text
    assert rest.json()["weights"] == whole["weights"] and rest.json()["position"] == whole["position"]


def test_lecture_play_with_train_selected_needs_a_selection(client: TestClient) -> None:
    made = client.post("/api/sessions", json={"hash": "seed=0.42&train=selected"}).json()
    with client.websocket_connect(f"/ws/sessions/{made['id']}") as ws:
        ws.send_json({"type": "auth", "token": made["control_token"]})
        _next(ws, "auth")
        ws.send_json({"type": "play"})
        error = _next(ws, "error")
        assert error["field"] == "train" and "select" in error["message"]


def test_lecture_the_matrix_view_is_the_next_update_at_batch_one(client: TestClient) -> None:
    """The explain message's matrix (the slide's ΔW = α·(E∘o(1−o))·oᵀ) is what Step then adds, to 1e-12."""
    made = client.post("/api/sessions", json={"hash": "scenario=chain-rule"}).json()
    auth = {"Authorization": f"Bearer {made['control_token']}"}
    assert made["state"]["config"]["batchSize"] == 1 and made["state"]["selection"] is not None
    with client.websocket_connect(f"/ws/sessions/{made['id']}") as ws:
        view = _next(ws, "explain")["matrix"]
    assert view["mean"] is False and view["equals_next_update"] is True
    layer = view["layer"]
    before = np.array(made["state"]["weights"][layer])
    after = np.array(
        client.post(f"/api/sessions/{made['id']}/step", json={"updates": 1}, headers=auth).json()["weights"][layer]
    )
    assert np.allclose(after - before, np.array(view["matrix"]).T, rtol=0, atol=1e-12)
    column, row = np.array(view["columns"])[:, 0], np.array(view["rows"])[0]
    assert np.allclose(np.array(view["matrix"]), view["learning_rate"] * np.outer(column, row), rtol=0, atol=1e-15)
