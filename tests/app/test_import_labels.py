"""A session file is checked as an upload is: the labels its config allows,
against a real server.  A 3-class file with a label outside 0..2 answered
500 (IndexError), and a 2-class one took labels 7, 1e6, 0.5 or 0 (201)
that PUT .../data refuses."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.live_server import LiveServer


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with LiveServer(env={"PLAYGROUND_CLIENT_LIMITS": "0"}) as live:  # one address makes them all
        yield live


def exported(http: httpx.Client, **body: Any) -> tuple[dict[str, Any], str, dict[str, str]]:
    created = http.post("/api/sessions", json=body)
    assert created.status_code == 201, created.text
    session, token = created.json()["id"], created.json()["control_token"]
    auth = {"Authorization": f"Bearer {token}"}
    document = http.get(f"/api/sessions/{session}/export")
    assert document.status_code == 200
    result: dict[str, Any] = document.json()
    return result, session, auth


CASES = [
    ({"hash": "dataset=spiral&classes=3"}, 7.0),
    ({"hash": "dataset=spiral&classes=3"}, -1.0),
    ({"hash": "dataset=spiral&classes=3"}, 1.5),
    ({"hash": "dataset=xor"}, 7.0),
    ({"hash": "dataset=xor"}, 1e6),
    ({"hash": "dataset=xor"}, 0.5),
    ({"hash": "dataset=xor"}, 0.0),
    ({"hash": "problem=regression"}, 3.0),
]


@pytest.mark.parametrize(("body", "label"), CASES, ids=[f"{b['hash']}:{label:g}" for b, label in CASES])
def test_import_with_a_label_the_config_does_not_allow_is_422_like_an_upload(
    server: LiveServer, body: dict[str, Any], label: float
) -> None:
    with httpx.Client(base_url=server.url, timeout=120) as http:
        document, session, auth = exported(http, **body)
        broken = copy.deepcopy(document)
        x, y, _ = broken["data"]["train"][4]
        broken["data"]["train"][4] = [x, y, label]
        answer = http.post("/api/sessions", json={"import": broken})
        assert answer.status_code == 422, answer.text
        (problem,) = answer.json()["detail"]
        assert problem["loc"] == ["body", "import", "data", "train[4]"]
        # The same point sent as an upload is refused with the same words.
        upload = http.put(f"/api/sessions/{session}/data", json={"train": [[x, y, label]], "test": []}, headers=auth)
        assert upload.status_code == 422, upload.text
        assert problem["msg"].split(": ", 1)[1] == upload.json()["detail"][0]["msg"].split(": ", 1)[1]
        # And the file as it was imports (the check refuses only what it should).
        assert http.post("/api/sessions", json={"import": document}).status_code == 201
