"""Backups of the SQLite store as docs/deploy.md gives them ("Backups"): taken
online from a live server while a session plays (and so is saved every 2 s),
with sqlite3's `.backup` and with Python's sqlite3 backup API (the image has
no sqlite3 command), then restored into a second server that serves the
sessions: a trained one byte for byte, the playing one as of its last save."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.deploy.clusterutil import PageClient, wait_for
from tests.live_server import LiveServer
from tests.services import require_binary

HASH = "seed=0.6180&networkShape=3,2&batchSize=7"
STORE = "sessions.sqlite3"
Backup = Callable[[Path, Path], None]  # (the live store, the backup to write)
PLAYED_SECONDS = 3.0  # longer than PLAYGROUND_SNAPSHOT_SECONDS (2 s): the playing session has been saved


def backup_with_sqlite3_command(store: Path, target: Path) -> None:
    sqlite = require_binary("sqlite3")
    done = subprocess.run([sqlite, str(store), f".backup '{target}'"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def backup_with_python(store: Path, target: Path) -> None:
    # The command docs/deploy.md gives for inside the container, run the same way.
    code = (
        "import sqlite3, sys; source = sqlite3.connect(sys.argv[1]); target = sqlite3.connect(sys.argv[2]); "
        "source.backup(target); target.close(); source.close()"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(store), str(target)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("backup", [backup_with_sqlite3_command, backup_with_python])
def test_backup_of_a_live_store_restores_into_a_second_server(tmp_path: Path, backup: Backup) -> None:
    live_dir, restored_dir = tmp_path / "live", tmp_path / "restored"
    limits = {"PLAYGROUND_CLIENT_LIMITS": "0"}
    with LiveServer(env={"PLAYGROUND_DATA_DIR": str(live_dir), **limits}) as live, httpx.Client(timeout=60) as http:
        trained = http.post(f"{live.url}/api/sessions", json={"hash": HASH}).json()
        auth = {"Authorization": f"Bearer {trained['control_token']}"}
        assert (
            http.post(f"{live.url}/api/sessions/{trained['id']}/step", json={"epochs": 30}, headers=auth).status_code
            == 200
        )
        reference = http.get(f"{live.url}/api/sessions/{trained['id']}/export").content
        playing = http.post(f"{live.url}/api/sessions", json={"hash": HASH}).json()
        page = PageClient(f"{live.ws_url}/ws/sessions/{playing['id']}", playing["control_token"], play=True)
        page.start()
        try:
            assert wait_for(lambda: page.frames and page.frames[-1][0] - page.frames[0][0] >= PLAYED_SECONDS, 60)
            backup(live_dir / STORE, tmp_path / "backup.sqlite3")  # while it plays, and so writes
            backed_up = time.monotonic()
            assert wait_for(lambda: page.frames[-1][0] > backed_up) and page.lost is None  # it played on
        finally:
            page.stop()

    with sqlite3.connect(tmp_path / "backup.sqlite3") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    restored_dir.mkdir()
    (tmp_path / "backup.sqlite3").rename(restored_dir / STORE)  # the restore: the backup as the store, alone
    restored_env = {"PLAYGROUND_DATA_DIR": str(restored_dir), **limits}
    with LiveServer(env=restored_env) as restored, httpx.Client(timeout=60) as http:
        assert http.get(f"{restored.url}/api/sessions/{trained['id']}/export").content == reference
        state = http.get(f"{restored.url}/api/sessions/{playing['id']}").json()
        assert state["epoch"] > 0 and state["restored"] is True  # saved while playing: offered to resume
        stepped = http.post(f"{restored.url}/api/sessions/{trained['id']}/step", json={"epochs": 1}, headers=auth)
        assert stepped.status_code == 200 and stepped.json()["epoch"] == 31  # the control token came back too
