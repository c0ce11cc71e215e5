"""Sessions that outlive memory: unloaded and loaded back bit for bit, with
their token, class code and selection; kept across an app restart on
SQLite; deleted for good.  The reference for "bit for bit" is a twin
session that never left memory, trained the same way."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.auth import token_digest
from app.persistence import MemoryBackend, SessionRecord, WriteResult
from app.sessions.live import LiveSession
from app.sessions.player import Player
from app.sessions.saver import Saver
from app.sessions.scheduler import Scheduler
from app.settings import Settings
from core.config import PlaygroundConfig
from core.session import Session
from tests.app.conftest import create, make_client

HASH = "dataset=spiral&seed=0.4242&networkShape=5,3&batchSize=7&activation=tanh&learningRate=0.03"
FULL = {"include": "data,history,pending"}


def _store(client: TestClient) -> Any:
    return client.app.state.store  # type: ignore[attr-defined]


def _unload(client: TestClient, session_id: str) -> bool:
    store = _store(client)
    live = store.get(session_id)
    for _ in range(200):  # a websocket just closed is detached by the server a moment later
        if not live.watchers and not live.jobs:
            break
        time.sleep(0.01)
    return bool(client.portal.call(store.unload, live))  # type: ignore[union-attr]


def _state(client: TestClient, session_id: str) -> dict[str, Any]:
    response = client.get(f"/api/sessions/{session_id}", params=FULL)
    assert response.status_code == 200, response.text
    state: dict[str, Any] = response.json()
    state.pop("watchers")
    return state


def test_store_unloaded_session_comes_back_bit_for_bit() -> None:
    with make_client() as client:
        twin, twin_auth, _ = create(client, hash=HASH)
        moved, moved_auth, _ = create(client, hash=HASH)
        for session_id, auth in ((twin, twin_auth), (moved, moved_auth)):
            # 7 epochs of 250 points in batches of 7: a remainder's gradients are pending
            assert client.post(f"/api/sessions/{session_id}/step", json={"epochs": 7}, headers=auth).status_code == 200
        before = _state(client, moved)
        assert before["pending"]["count"] > 0
        assert _unload(client, moved)
        assert len(_store(client)) == 1
        after = _state(client, moved)  # loaded on first use
        assert after == before
        for session_id, auth in ((twin, twin_auth), (moved, moved_auth)):
            assert client.post(f"/api/sessions/{session_id}/step", json={"epochs": 13}, headers=auth).status_code == 200
        twin_state, moved_state = _state(client, twin), _state(client, moved)
        assert twin_state.pop("id") == twin and moved_state.pop("id") == moved
        assert moved_state == twin_state  # the random stream, the remainder and the history went on exactly


def test_store_unloaded_session_keeps_its_token_code_and_selection() -> None:
    with make_client() as client:
        session_id, auth, _ = create(client, hash=HASH)
        code = client.post(f"/api/sessions/{session_id}/share", headers=auth).json()["code"]
        with client.websocket_connect(f"/ws/sessions/{session_id}") as ws:
            ws.receive_json()
            ws.send_json({"type": "auth", "token": auth["Authorization"].split()[1]})
            ws.send_json({"type": "select", "layer": 1, "source": 0, "target": 1, "point": 3})
            ws.send_json({"type": "speed", "epochs_per_frame": 10})
            while '"status"' not in (ws.receive().get("text") or ""):
                pass  # frames and the explanation come first
        assert _unload(client, session_id)
        redirect = client.get(f"/s/{code}", follow_redirects=False)
        assert redirect.status_code == 303 and redirect.headers["location"] == f"/?session={session_id}"
        state = _state(client, session_id)
        assert state["selection"] == {"layer": 1, "source": 0, "target": 1, "point": 3}
        assert state["epochs_per_frame"] == 10 and state["playing"] is False and state["restored"] is False
        wrong = {"Authorization": "Bearer not-the-token"}
        assert client.post(f"/api/sessions/{session_id}/step", headers=wrong).status_code == 403
        assert client.post(f"/api/sessions/{session_id}/step", headers=auth).status_code == 200
        again = client.post(f"/api/sessions/{session_id}/share", headers=auth).json()["code"]
        assert again == code


def test_store_full_unloads_the_longest_idle_session() -> None:
    with make_client(max_sessions=2) as client:
        first, _, first_state = create(client, hash=HASH)
        create(client)
        create(client)  # memory is full: the first, idle longest and without clients, is unloaded
        assert client.get("/healthz").json()["sessions"] == 2
        assert first not in {live.id for live in _store(client).local()}
        state = _state(client, first)  # and comes back on use, unloading another
        assert state["weights"] == first_state["weights"]
        assert client.get("/healthz").json()["sessions"] == 2


def test_store_idle_sessions_unload_and_come_back() -> None:
    with make_client(idle_seconds=0.0) as client:
        session_id, auth, _ = create(client, hash=HASH)
        client.post(f"/api/sessions/{session_id}/step", json={"epochs": 3}, headers=auth)
        store = _store(client)
        assert client.portal.call(store.sweep) == 1
        assert client.get("/healthz").json()["sessions"] == 0
        assert _state(client, session_id)["epoch"] == 3


def test_store_deleted_session_is_gone_from_the_store() -> None:
    with make_client() as client:
        session_id, auth, _ = create(client)
        code = client.post(f"/api/sessions/{session_id}/share", headers=auth).json()["code"]
        assert client.delete(f"/api/sessions/{session_id}", headers=auth).status_code == 204
        assert client.get(f"/api/sessions/{session_id}").status_code == 404
        assert client.get(f"/s/{code}", follow_redirects=False).status_code == 404
        backend = _store(client).backend
        assert not client.portal.call(backend.exists, session_id)


def test_store_sessions_survive_an_app_restart_on_sqlite(tmp_path: Path) -> None:
    with make_client(data_dir=str(tmp_path)) as client:
        session_id, auth, _ = create(client, hash=HASH)
        client.post(f"/api/sessions/{session_id}/step", json={"epochs": 11}, headers=auth)
        code = client.post(f"/api/sessions/{session_id}/share", headers=auth).json()["code"]
        before = _state(client, session_id)
    assert (tmp_path / "sessions.sqlite3").is_file()
    with make_client(data_dir=str(tmp_path)) as client:
        assert client.get("/healthz").json()["sessions"] == 0  # nothing is loaded until it is used
        assert client.get(f"/s/{code}", follow_redirects=False).headers["location"] == f"/?session={session_id}"
        assert _state(client, session_id) == before
        assert client.post(f"/api/sessions/{session_id}/reset", headers=auth).status_code == 200


def test_store_unknown_session_is_404_everywhere() -> None:
    with make_client() as client:
        assert client.get("/api/sessions/no-such-session").status_code == 404
        assert client.post("/api/sessions/no-such-session/fork").status_code == 404
        with client.websocket_connect("/ws/sessions/no-such-session") as ws:
            message = ws.receive()
            assert message["type"] == "websocket.close" and message["code"] == 4404


# -- the saver on its own: one save at a time per session, coalesced ------------------


class SlowBackend(MemoryBackend):
    """A store whose writes take a while, counting how many overlap."""

    def __init__(self) -> None:
        super().__init__()
        self.writing = 0
        self.most_at_once = 0
        self.epochs: list[int] = []

    async def save(self, record: SessionRecord) -> WriteResult:
        self.writing += 1
        self.most_at_once = max(self.most_at_once, self.writing)
        try:
            await asyncio.sleep(0.02)
            self.epochs.append(record.document["epoch"])
            return await super().save(record)
        finally:
            self.writing -= 1


def test_saver_serialises_and_coalesces_saves() -> None:
    async def scenario() -> tuple[SlowBackend, int]:
        scheduler = Scheduler(2)
        settings = Settings(data_dir=":memory:")
        session = Session(PlaygroundConfig(seed="saver", batchSize=5))
        live = LiveSession("s1", token_digest("t"), session, settings, scheduler, Player(scheduler, 60.0), "c")
        backend = SlowBackend()
        saver = Saver(backend, settings)
        live.on_change = saver.request
        try:
            for _ in range(30):
                await live.step("c", 1)  # each completed step asks for a save
            await saver.save(live)  # and this one waits for the last
        finally:
            scheduler.shutdown()
        return backend, saver.writes

    backend, writes = asyncio.run(scenario())
    assert backend.most_at_once == 1
    assert writes < 30  # asks made while a save was being written were folded into the next one
    assert backend.epochs[-1] == 30  # the last save holds the last change
    record = asyncio.run(backend.load("s1"))
    assert record is not None and record.document["epoch"] == 30


@pytest.mark.parametrize("playing", [False, True])
def test_saver_records_whether_a_session_was_playing(playing: bool) -> None:
    from app.sessions.saver import app_section

    scheduler = Scheduler(1)
    settings = Settings(data_dir=":memory:")
    live = LiveSession(
        "s2", "digest", Session(PlaygroundConfig(seed="x")), settings, scheduler, Player(scheduler, 60.0), "c"
    )
    live.halted = playing  # what a shutdown sets for a session it stopped
    assert app_section(live)["playing"] is playing
