"""Store failures are loud and lose nothing: saves that fail are counted and
logged once, /healthz says degraded and /readyz 503, creates answer 503 with
Retry-After, playing sessions play on and are written when the store takes
writes again; a record that cannot be read is a 410, set aside, never a 500.

Three ways in: a store whose writes fail on demand (injected, always runs);
a real server whose SQLite folder is a small tmpfs that fills up (runs where
tmpfs can be mounted: root with CAP_SYS_ADMIN); a real server whose SQLite
file had garbage written into it while it was stopped.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import random
import subprocess
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.sync.client import connect

from app.main import create_app
from app.persistence import MemoryBackend, StoreUnavailable
from app.persistence.base import Meta
from app.persistence.sqlite import FILENAME
from tests.app.conftest import SETTINGS
from tests.live_server import LiveServer


class FailingStore(MemoryBackend):
    """Memory, whose writes fail while ``failing`` (as a full disk's would)."""

    def __init__(self) -> None:
        super().__init__()
        self.failing = False

    async def _write(
        self, session_id: str, meta: Meta, parts: dict[str, bytes], dropped: set[str] | None, revision: int | None
    ) -> int | None:
        if self.failing:
            raise StoreUnavailable("memory store: [Errno 28] No space left on device")
        return await super()._write(session_id, meta, parts, dropped, revision)

    async def _probe(self) -> None:
        if self.failing:
            raise StoreUnavailable("memory store: [Errno 28] No space left on device")


def wait_for(condition: Any, what: str, seconds: float = 60.0) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"not within {seconds} s: {what}")


def test_store_failure_is_loud_and_nothing_is_lost(caplog: pytest.LogCaptureFixture) -> None:
    from fastapi.testclient import TestClient

    store = FailingStore()
    app = create_app(replace(SETTINGS, snapshot_seconds=0.1), backend=store)
    with TestClient(app) as client, caplog.at_level(logging.INFO, logger="playground"):
        created = client.post("/api/sessions", json={}).json()
        session, token = created["id"], created["control_token"]
        idle = client.post("/api/sessions", json={}).json()["id"]
        with client.websocket_connect(f"/ws/sessions/{session}") as ws:
            ws.send_json({"type": "auth", "token": token})
            ws.send_json({"type": "play"})
            store.failing = True
            health = wait_for(
                lambda: (h := client.get("/healthz").json())["status"] == "degraded" and h, "/healthz degraded"
            )
            assert "saving sessions fails" in health["reason"] and "No space left" in health["reason"]
            wait_for(lambda: client.get("/healthz").json()["unsaved"] >= 1, "the playing session unsaved")
            ready = client.get("/readyz")
            assert ready.status_code == 503 and int(ready.headers["Retry-After"]) >= 1
            refused = client.post("/api/sessions", json={})
            assert refused.status_code == 503 and int(refused.headers["Retry-After"]) >= 1
            assert "try again" in refused.json()["detail"]
            assert client.post(f"/api/sessions/{session}/fork").status_code == 503
            assert client.get(f"/api/sessions/{idle}").status_code == 200  # what is held keeps answering
            epochs = []
            while len(epochs) < 30:  # it plays on in memory, some hundred failed saves later
                message = ws.receive()
                if message.get("bytes"):
                    epochs.append(message["bytes"])
            time.sleep(1.0)  # some more failing passes
            failing_lines = [r for r in caplog.records if "fails" in r.getMessage()]
            assert 1 <= len(failing_lines) <= 2, [r.getMessage() for r in failing_lines]  # write, probe: once each
            store.failing = False
            wait_for(
                lambda: (
                    client.get("/healthz").json() == {"status": "ok", "sessions": 2, "unsaved": 0, "reason": None}
                    or None
                ),
                "every session saved once the store takes writes",
            )
            ws.send_json({"type": "pause"})
        stored = client.portal.call(store.load, session)  # type: ignore[union-attr]
        assert stored is not None
        wait_for(lambda: client.get("/healthz").json()["unsaved"] == 0, "the pause saved")
        stored = client.portal.call(store.load, session)  # type: ignore[union-attr]
        assert stored.document["epoch"] == client.get(f"/api/sessions/{session}").json()["epoch"] > 0
        assert any("works again" in r.getMessage() for r in caplog.records)
        assert client.post("/api/sessions", json={}).status_code == 201


# -- a real server, a real disk ------------------------------------------------------------------


@contextlib.contextmanager
def tmpfs(where: Path, size: str) -> Iterator[Path]:
    where.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True, text=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.strip()}): the injected failure test covers it")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill(folder: Path) -> Path:
    """Write a file until the filesystem is full."""
    filler = folder / "filler"
    with open(filler, "wb") as out, contextlib.suppress(OSError):
        for _ in range(100_000):
            out.write(b"\0" * 65536)
            out.flush()
            os.fsync(out.fileno())
    return filler


def test_store_on_a_full_tmpfs_degrades_refuses_creates_and_saves_all_once_there_is_room(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "data", "16m") as data:
        env = {"PLAYGROUND_DATA_DIR": str(data), "PLAYGROUND_SNAPSHOT_SECONDS": "0.5", "PLAYGROUND_CLIENT_LIMITS": "0"}
        server = LiveServer(env=env)
        server.start()
        try:
            with httpx.Client(base_url=server.url, timeout=60) as http:
                made = [http.post("/api/sessions", json={}).json() for _ in range(8)]
                player = made[0]
                with connect(f"{server.ws_url}/ws/sessions/{player['id']}", max_size=None) as ws:
                    ws.send(json.dumps({"type": "auth", "token": player["control_token"]}))
                    ws.send(json.dumps({"type": "play"}))
                    filler = fill(data)
                    for other in made[1:]:  # changes while full: they wait in memory
                        auth = {"Authorization": f"Bearer {other['control_token']}"}
                        assert (
                            http.post(f"/api/sessions/{other['id']}/step", json={"epochs": 3}, headers=auth).status_code
                            == 200
                        )
                    health = wait_for(
                        lambda: (h := http.get("/healthz").json())["status"] == "degraded" and h, "/healthz degraded"
                    )
                    assert "full" in health["reason"] or "space" in health["reason"], health
                    assert http.get("/readyz").status_code == 503
                    refused = http.post("/api/sessions", json={})
                    assert refused.status_code == 503 and int(refused.headers["Retry-After"]) >= 1
                    frames = sum(1 for _ in range(60) if isinstance(ws.recv(timeout=30), bytes))
                    assert frames > 0  # it plays on
                    filler.unlink()
                    wait_for(
                        lambda: (h := http.get("/healthz").json())["status"] == "ok" and h["unsaved"] == 0,
                        "every session saved once there is room",
                    )
                    ws.send(json.dumps({"type": "pause"}))
                    time.sleep(1.0)
                epochs = {s["id"]: http.get(f"/api/sessions/{s['id']}").json()["epoch"] for s in made}
                assert http.post("/api/sessions", json={}).status_code == 201
            log = server.log_path.read_text()
            server.kill()  # no shutdown save: what is on the disk is what the failure left and the recovery wrote
            server.start()
            with httpx.Client(base_url=server.url, timeout=60) as http:
                for session_id, epoch in epochs.items():
                    answer = http.get(f"/api/sessions/{session_id}")
                    assert answer.status_code == 200 and answer.json()["epoch"] == epoch, (session_id, epoch)
        finally:
            server.stop()
    assert log.count("saving sessions fails") == 1, "logged once, then counted"
    assert "saving sessions works again" in log


def test_store_with_garbage_in_its_file_answers_410_never_500(tmp_path: Path) -> None:
    env = {"PLAYGROUND_DATA_DIR": str(tmp_path), "PLAYGROUND_CLIENT_LIMITS": "0"}
    server = LiveServer(env=env)
    server.start()
    try:
        with httpx.Client(base_url=server.url, timeout=60) as http:
            ids = []
            for n in range(19):
                made = http.post("/api/sessions", json={"hash": f"seed=s{n}"}).json()
                auth = {"Authorization": f"Bearer {made['control_token']}"}
                assert http.post(f"/api/sessions/{made['id']}/step", json={"epochs": 200}, headers=auth).is_success
                ids.append(made["id"])
        server.stop()  # saved, and the write-ahead log folded into the file
        path = tmp_path / FILENAME
        size = path.stat().st_size
        pages = size // 4096
        rng = random.Random(22)
        with open(path, "r+b") as file:  # garbage over a third of the pages past the first few
            for page in rng.sample(range(4, pages), max(1, pages // 3)):
                file.seek(page * 4096)
                file.write(rng.randbytes(4096))
        server.start()
        with httpx.Client(base_url=server.url, timeout=60) as http:
            health = http.get("/healthz").json()
            assert health["status"] == "degraded" and "quick_check" in health["reason"], health
            statuses = [http.get(f"/api/sessions/{session_id}").status_code for session_id in ids]
            assert all(code in (200, 404, 410) for code in statuses), statuses
            assert 410 in statuses, statuses
            damaged = [session_id for session_id, code in zip(ids, statuses, strict=True) if code == 410]
            again = http.get(f"/api/sessions/{damaged[0]}")
            assert again.status_code == 410 and "set aside" in again.json()["detail"]
            with contextlib.suppress(Exception), connect(f"{server.ws_url}/ws/sessions/{damaged[0]}") as ws:
                ws.recv(timeout=10)
            assert http.post("/api/sessions", json={}).status_code in (201, 503)  # never a 500 either
    finally:
        server.stop()
    log = server.log_path.read_text()
    assert "Exception in ASGI" not in log and "Traceback" not in log, log[-3000:]
    assert "quick_check found damage" in log and "set aside" in log


def test_store_empty_where_the_last_run_held_sessions_is_warned_of(tmp_path: Path) -> None:
    env = {"PLAYGROUND_DATA_DIR": str(tmp_path), "PLAYGROUND_CLIENT_LIMITS": "0"}
    server = LiveServer(env=env)
    server.start()
    try:
        with httpx.Client(base_url=server.url, timeout=60) as http:
            for _ in range(3):
                assert http.post("/api/sessions", json={}).status_code == 201
        server.stop()
        (tmp_path / FILENAME).write_bytes(b"")  # truncated to nothing
        for extra in ("-wal", "-shm"):
            (tmp_path / (FILENAME + extra)).unlink(missing_ok=True)
        server.start()
    finally:
        server.stop()
    assert "holds no sessions, but held 3 when the last run stopped" in server.log_path.read_text()
