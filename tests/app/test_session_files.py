"""Session files: GET .../export and POST /api/sessions {"import": ...} continue a session exactly;
a broken or foreign document is a 422 naming the part at fault."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.app.conftest import create

SETUPS = {
    # batch 8 over 350 training points: a remainder of 6 carries into the next epoch (pending gradients)
    "remainder-L1": {"seed": "0.5", "percTrainData": 70, "batchSize": 8, "regularization": "L1",
                     "regularizationRate": 0.01, "learningRate": 0.3},
    "relu-L2-features": {"seed": "0.3", "activation": "relu", "networkShape": [5, 4], "regularization": "L2",
                         "regularizationRate": 0.003, "xSquared": True, "sinY": True, "batchSize": 7},
    "lecture": {"seed": "0.7", "networkShape": [4], "batchSize": 1, "learningRate": 0.3, "activation": "sigmoid",
                "outputActivation": "sigmoid", "loss": "square", "init": "lecture", "inputScaling": "unit",
                "targets": "lecture"},
    "regression": {"seed": "0.9", "problem": "regression", "regDataset": "reg-gauss", "batchSize": 9},
}  # fmt: skip
EVERYTHING = {"include": "data,history,pending"}


def _export(client: TestClient, session_id: str) -> dict[str, Any]:
    response = client.get(f"/api/sessions/{session_id}/export")
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"] == 'attachment; filename="playground-session.json"'
    document: dict[str, Any] = response.json()
    assert (document["format"], document["version"]) == ("playground-session", 1)
    return document


def _same(a: dict[str, Any], b: dict[str, Any]) -> None:
    for key in (
        "config",
        "shape",
        "epoch",
        "loss_train",
        "loss_test",
        "weights",
        "biases",
        "dead",
        "train",
        "test",
        "history",
        "pending",
    ):
        assert a[key] == b[key], key


@pytest.mark.parametrize("name", list(SETUPS))
def test_session_file_round_trip_steps_identically(client: TestClient, name: str) -> None:
    session_id, auth, _ = create(client, config=SETUPS[name])
    client.post(f"/api/sessions/{session_id}/step", json={"epochs": 3}, headers=auth)
    imported = client.post("/api/sessions", json={"import": _export(client, session_id)})
    assert imported.status_code == 201, imported.text
    twin_id, twin_auth = imported.json()["id"], {"Authorization": f"Bearer {imported.json()['control_token']}"}
    assert twin_id != session_id
    _same(
        client.get(f"/api/sessions/{session_id}", params=EVERYTHING).json(),
        client.get(f"/api/sessions/{twin_id}", params=EVERYTHING).json(),
    )
    for sid, headers in ((session_id, auth), (twin_id, twin_auth)):
        client.post(f"/api/sessions/{sid}/step", json={"epochs": 4}, headers=headers)
    original = client.get(f"/api/sessions/{session_id}", params=EVERYTHING).json()
    twin = client.get(f"/api/sessions/{twin_id}", params=EVERYTHING).json()
    _same(original, twin)
    assert original["epoch"] == 7
    if name == "remainder-L1":
        assert original["pending"]["count"] > 0  # the carried remainder survived the file
    # the random stream continues from the same place: new weights and new data agree too
    for sid, headers in ((session_id, auth), (twin_id, twin_auth)):
        client.post(f"/api/sessions/{sid}/reset", headers=headers)
        client.post(f"/api/sessions/{sid}/regenerate", headers=headers)
    _same(
        client.get(f"/api/sessions/{session_id}", params=EVERYTHING).json(),
        client.get(f"/api/sessions/{twin_id}", params=EVERYTHING).json(),
    )


def test_session_file_keeps_your_own_points_and_the_scenario(client: TestClient) -> None:
    session_id, auth, _ = create(client, hash="seed=0.42")
    body = "x,y,label,set\n1,1,1,train\n-1,-1,-1,train\n2,-2,1,test\n"
    client.put(f"/api/sessions/{session_id}/data", content=body, headers={**auth, "content-type": "text/csv"})
    twin = client.post("/api/sessions", json={"import": _export(client, session_id)}).json()["state"]
    assert twin["train"] == [[1.0, 1.0, 1.0], [-1.0, -1.0, -1.0]] and twin["test"] == [[2.0, -2.0, 1.0]]
    lecture_id, _, _ = create(client, scenario="worked-example")
    again = client.post("/api/sessions", json={"import": _export(client, lecture_id)}).json()
    e = client.get(f"/api/sessions/{again['id']}/explain", params={"layer": 1, "source": 0, "target": 0}).json()
    assert e["gradient"] == pytest.approx(-0.0265023, abs=5e-8)  # the slide's numbers survive the file


def _broken(document: dict[str, Any]) -> list[tuple[str, Any, str, str]]:
    def edit(path: tuple[str, ...], value: Any) -> dict[str, Any]:
        changed = copy.deepcopy(document)
        target = changed
        for part in path[:-1]:
            target = target[part]
        if value is KeyError:
            del target[path[-1]]
        else:
            target[path[-1]] = value
        return changed

    return [
        ("foreign", {"format": "tensorflow-playground", "version": 1}, "import.format", "not a session file"),
        ("no format", {"weights": []}, "import.format", "not a session file"),
        ("newer", edit(("version",), 99), "import.version", "newer than this server reads"),
        ("missing part", edit(("network",), KeyError), "import.network", "missing"),
        ("bad config", edit(("config", "batchSize"), 0), "import.config.batchSize", "batchSize"),
        ("wrong shape", edit(("network", "sizes"), [2, 3, 1]), "import.network", "network"),
        ("bad stream", edit(("random", "state"), "zz"), "import.random", "random"),
        ("bad epoch", edit(("epoch",), -1), "import.epoch", "epoch"),
    ]


def test_session_file_broken_or_foreign_is_422_naming_the_part(client: TestClient) -> None:
    session_id, _, _ = create(client, hash="seed=0.42")
    document = _export(client, session_id)
    for name, broken, where, words in _broken(document):
        response = client.post("/api/sessions", json={"import": broken})
        assert response.status_code == 422, (name, response.text)
        (detail,) = response.json()["detail"]
        assert ".".join(str(p) for p in detail["loc"][1:]).startswith(where) and words in detail["msg"], (name, detail)
    alone = client.post("/api/sessions", json={"import": document, "hash": "seed=1"})
    assert alone.status_code == 422 and "send the document alone, without hash" in alone.text
    assert client.post("/api/sessions", json={"import": [document]}).status_code == 422
    assert client.get("/api/sessions/nope/export").status_code == 404


def test_session_file_older_version_is_migrated(client: TestClient) -> None:
    session_id, auth, _ = create(client, hash="seed=0.42")
    client.post(f"/api/sessions/{session_id}/step", json={"epochs": 2}, headers=auth)
    document = _export(client, session_id)
    old = {key: value for key, value in document.items() if key != "history"} | {"version": 0}
    response = client.post("/api/sessions", json={"import": old})
    assert response.status_code == 201, response.text
    state = client.get(f"/api/sessions/{response.json()['id']}", params={"include": "history"}).json()
    assert state["weights"] == client.get(f"/api/sessions/{session_id}").json()["weights"] and state["epoch"] == 2
    assert state["history"] == [[2.0, state["loss_train"], state["loss_test"]]]  # version 0 kept no history
