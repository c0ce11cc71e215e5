"""GET data.csv and PUT data: round trips, watchers, and a 422 naming the line for every bad file."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from tests.app.conftest import create

CSV = {"content-type": "text/csv"}


def test_data_csv_round_trip_is_exact(client: TestClient) -> None:
    session_id, _, state = create(client, hash="seed=0.42&dataset=spiral&noise=25")
    text = client.get(f"/api/sessions/{session_id}/data.csv")
    assert text.status_code == 200 and text.headers["content-type"].startswith("text/csv")
    lines = text.text.splitlines()
    assert lines[0] == "x,y,label,set" and len(lines) == 1 + len(state["train"]) + len(state["test"])
    other_id, other_auth, _ = create(client, hash="seed=0.7&dataset=xor")
    put = client.put(f"/api/sessions/{other_id}/data", content=text.text, headers={**other_auth, **CSV})
    assert put.status_code == 200, put.text
    assert put.json()["train"] == state["train"] and put.json()["test"] == state["test"]
    assert client.get(f"/api/sessions/{other_id}/data.csv").text == text.text


def test_data_put_json_and_split(client: TestClient) -> None:
    session_id, auth, _ = create(client, hash="seed=0.42&percTrainData=70")
    points = [[i / 4, -i / 4, 1 if i % 3 else -1] for i in range(10)]
    split = client.put(f"/api/sessions/{session_id}/data", json={"points": points}, headers=auth).json()
    assert len(split["train"]) == 7 and len(split["test"]) == 3
    sets = client.put(f"/api/sessions/{session_id}/data", json={"train": points[:2], "test": []}, headers=auth).json()
    assert sets["train"] == [[float(v) for v in p] for p in points[:2]] and sets["test"] == []


def test_data_put_keeps_the_network_and_tells_watchers(client: TestClient) -> None:
    session_id, auth, state = create(client, hash="seed=0.42")
    with client.websocket_connect(f"/ws/sessions/{session_id}") as ws:
        first = ws.receive_json()
        ws.receive_bytes()
        body = "x,y,label,set\n1,1,1,train\n-1,-1,-1,train\n2,-2,1,test\n"
        answer = client.put(f"/api/sessions/{session_id}/data", content=body, headers={**auth, **CSV}).json()
        seen = ws.receive_json()
        while seen.get("type") != "state":
            seen = ws.receive_json()
    assert seen["train"] == [[1.0, 1.0, 1.0], [-1.0, -1.0, -1.0]] and seen["test"] == [[2.0, -2.0, 1.0]]
    assert seen["generation"] == first["generation"] + 1 == answer["generation"]
    assert answer["weights"] == state["weights"]
    assert answer["loss_train"] != state["loss_train"]  # the same network, measured on the new points


def test_data_regression_takes_values_in_range(client: TestClient) -> None:
    session_id, auth, _ = create(client, config={"problem": "regression", "seed": "3"})
    ok = client.put(f"/api/sessions/{session_id}/data", content="1,2,0.25\n3,4,-0.75\n", headers={**auth, **CSV})
    assert ok.status_code == 200 and sorted(p[2] for p in ok.json()["train"] + ok.json()["test"]) == [-0.75, 0.25]


@pytest.mark.parametrize(
    ("body", "where", "words"),
    [
        (b"x,y,label\n1,2,1\n3,oops,1\n", "line 3", "not a number"),
        (b"1,2,1\n1,2\n", "line 2", "expected 3 values"),
        (b"1,2,0.5\n", "line 1", "not a class of classification"),
        (b"x,y,label\n99,2,1\n", "line 2", "outside [-50, 50]"),
        (b"1,2,1,holdout\n", "line 1", "allowed: train, test"),
        (b"x,y,z\n", "line 1", "unknown column 'z'"),
        (b"", "body", "no points"),
        (b"1,2,1,test\n", "set", "no training point"),
        (b"1,2,\xff\n", "body", "not UTF-8"),
        (b"x,y,label\n" + b"1,1,1\n" * 5001, "line 5002", "more than 5000"),
    ],
)
def test_data_bad_csv_is_422_naming_line_and_problem(client: TestClient, body: bytes, where: str, words: str) -> None:
    session_id, auth, state = create(client, hash="seed=0.42")
    response = client.put(f"/api/sessions/{session_id}/data", content=body, headers={**auth, **CSV})
    assert response.status_code == 422, response.text
    (detail,) = response.json()["detail"]
    assert detail["loc"][-1] == where and words in detail["msg"], detail
    assert client.get(f"/api/sessions/{session_id}", params={"include": "data"}).json()["train"] == state["train"]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"points": [[1, 2]]}, "at least 3"),
        ({"points": [[1, 2, 1]], "test": [[1, 2, 1]]}, "not both"),
        ({"train": [[1, 2, 3]]}, "train[0]: label 3"),
        ({"points": [[1, 2, 1]], "colour": "red"}, "colour"),
        ([1, 2, 1], "object"),
    ],
)
def test_data_bad_json_is_422(client: TestClient, body: object, words: str) -> None:
    session_id, auth, _ = create(client, hash="seed=0.42")
    response = client.put(f"/api/sessions/{session_id}/data", json=body, headers=auth)
    assert response.status_code == 422 and words in json.dumps(response.json()), response.text


def test_data_put_nan_in_json_and_wrong_content_type(client: TestClient) -> None:
    session_id, auth, _ = create(client, hash="seed=0.42")
    nan = client.put(
        f"/api/sessions/{session_id}/data",
        content=b'{"points": [[NaN, 1, 1]]}',
        headers={**auth, "content-type": "application/json"},
    )
    assert nan.status_code == 422
    other = client.put(f"/api/sessions/{session_id}/data", content=b"1,2,1", headers={**auth, "content-type": "text/x"})
    assert other.status_code == 415 and "text/csv" in other.json()["detail"]


def test_data_put_needs_the_token_and_csv_is_public(client: TestClient) -> None:
    session_id, _, _ = create(client, hash="seed=0.42")
    assert client.put(f"/api/sessions/{session_id}/data", content=b"1,2,1\n", headers=CSV).status_code == 401
    assert client.get(f"/api/sessions/{session_id}/data.csv").status_code == 200
    assert client.get("/api/sessions/nope/data.csv").status_code == 404
