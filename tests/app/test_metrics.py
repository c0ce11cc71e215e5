"""/metrics and the logs a department reads (issue 20), against real server processes."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from websockets.sync.client import connect

from tests.live_server import LiveServer

TRUSTED = {"PLAYGROUND_FORWARDED_ALLOW_IPS": "127.0.0.1"}  # tests speak for other addresses through it


def at(address: str) -> dict[str, str]:
    return {"X-Forwarded-For": address}


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with LiveServer(env={**TRUSTED, "PLAYGROUND_LOG_FORMAT": "json"}) as live:
        yield live


def _samples(http: httpx.Client) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    answer = http.get("/metrics")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(answer.text)
        for sample in family.samples
    }


def _value(samples: dict, name: str, **labels: str) -> float:
    return sum(v for (n, ls), v in samples.items() if n == name and labels.items() <= dict(ls).items())


def test_metrics_parse_and_count_frames_clients_and_refusals(server: LiveServer) -> None:
    with httpx.Client(base_url=server.url, timeout=30) as http:
        made = http.post("/api/sessions", json={"hash": "seed=0.42"}, headers=at("10.20.0.1")).json()
        before = _samples(http)
        with connect(f"{server.ws_url}/ws/sessions/{made['id']}") as ws:
            ws.send(json.dumps({"type": "auth", "token": made["control_token"]}))
            ws.send(json.dumps({"type": "play"}))
            frames = 0
            while frames < 20:
                if isinstance(ws.recv(timeout=30), bytes):
                    frames += 1
            during = _samples(http)
            ws.send(json.dumps({"type": "pause"}))
        refused = [http.post("/api/sessions", json={}, headers=at("10.20.0.9")).status_code for _ in range(15)]
        assert 429 in refused
        after = _samples(http)
    assert _value(during, "playground_frames_sent_total") >= _value(before, "playground_frames_sent_total") + 20
    assert _value(during, "playground_websocket_clients", role="control") >= 1
    assert _value(during, "playground_sessions", state="playing") >= 1
    assert _value(during, "playground_tick_seconds_count") > _value(before, "playground_tick_seconds_count")
    assert _value(after, "playground_refusals_total") >= _value(before, "playground_refusals_total") + 1
    step = _value(after, "playground_http_request_seconds_count", route="/api/sessions", method="POST", status="201")
    assert step >= 1
    assert _value(after, "playground_store_write_seconds_count", outcome="ok") >= 1  # the sessions were saved
    assert all(dict(labels).get("node") for (_, labels) in after)  # every sample says which process


def test_metrics_are_refused_to_other_addresses_by_default(server: LiveServer) -> None:
    with httpx.Client(base_url=server.url, timeout=30) as http:
        assert http.get("/metrics").status_code == 200  # loopback
        assert http.get("/metrics", headers=at("203.0.113.7")).status_code == 403  # through the trusted proxy


def test_metrics_off_and_on(tmp_path: object) -> None:
    with LiveServer(env={**TRUSTED, "PLAYGROUND_METRICS": "off"}) as off, httpx.Client(base_url=off.url) as http:
        assert http.get("/metrics").status_code == 404
    with LiveServer(env={**TRUSTED, "PLAYGROUND_METRICS": "on"}) as on, httpx.Client(base_url=on.url) as http:
        assert http.get("/metrics", headers=at("203.0.113.7")).status_code == 200


def test_logs_are_json_lines_without_tokens(server: LiveServer) -> None:
    with httpx.Client(base_url=server.url, timeout=30) as http:
        made = http.post("/api/sessions", json={"hash": "seed=0.42"}, headers=at("10.20.0.2")).json()
        token = made["control_token"]
        auth = {"Authorization": f"Bearer {token}", **at("10.20.0.2")}
        http.post(f"/api/sessions/{made['id']}/step", json={"epochs": 2}, headers=auth)
        http.post(f"/api/sessions/{made['id']}/step", json={"epochs": 2}, headers={"Authorization": "Bearer wrong"})
    time.sleep(0.5)  # the log is written by the server process
    lines = [line for line in server.log_path.read_text().splitlines() if line.startswith("{")]
    records = [json.loads(line) for line in lines]
    steps = [r for r in records if r.get("route") == "/api/sessions/{session_id}/step"]
    assert {r["status"] for r in steps} >= {200, 403}
    assert all(r["session"] == made["id"] and r["client"] == "10.20.0.2" for r in steps if r["status"] == 200)
    assert all({"time", "level", "logger", "message"} <= set(r) for r in records)
    assert token not in server.log_path.read_text()
