"""scripts/cluster.sh for real: Redis, two playground processes and nginx on
loopback.  Each process still keeps its sessions in its own memory, so a
request reaches a session only on the process that holds it: that makes
nginx's stickiness visible.  Every way of naming a session (REST path,
websocket path, ?session=) must reach the same process, every time."""

from __future__ import annotations

import os
import shlex
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from app.closecodes import CloseCode
from tests.services import require_binary

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "cluster.sh"
SESSIONS_PER_PROCESS = 8


def _cluster(run_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PLAYGROUND_CLUSTER_DIR": str(run_dir), "PLAYGROUND_PYTHON": sys.executable}
    return subprocess.run(["bash", str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=240)


def _env(run_dir: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in (run_dir / "cluster.env").read_text().splitlines())
    return {key: " ".join(shlex.split(value)) for key, value in pairs}


def _pids(run_dir: Path) -> dict[str, int]:
    return {path.stem: int(path.read_text()) for path in run_dir.glob("*.pid")}


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    require_binary("redis-server")
    require_binary("nginx")
    run_dir = tmp_path_factory.mktemp("cluster") / "run"
    started = _cluster(run_dir, "up", "2")
    try:
        assert started.returncode == 0, started.stderr + started.stdout
        yield run_dir
    finally:
        _cluster(run_dir, "down")


def _ws_reaches(url: str) -> bool:
    """True if the websocket greets with the session's state, False if it is closed as unknown.

    The synchronous client: a browser test's Playwright may own this thread's event loop."""
    with connect(url, open_timeout=20) as ws:
        try:
            first = ws.recv(timeout=20)
        except ConnectionClosed as closed:
            assert closed.rcvd is not None and closed.rcvd.code == CloseCode.UNKNOWN_SESSION
            return False
        assert isinstance(first, str) and '"state"' in first
        return True


def test_cluster_routes_every_name_of_a_session_to_one_process(cluster: Path) -> None:
    env = _env(cluster)
    app_ports = [int(port) for port in env["APP_PORTS"].split()]
    proxy = f"127.0.0.1:{env['NGINX_PORT']}"
    holder: dict[str, int] = {}
    for port in app_ports:  # sessions made on each process directly
        for _ in range(SESSIONS_PER_PROCESS):
            response = httpx.post(f"http://127.0.0.1:{port}/api/sessions", json={}, timeout=30)
            assert response.status_code == 201, response.text
            holder[response.json()["id"]] = port

    served_by: dict[str, int] = {}
    with httpx.Client(base_url=f"http://{proxy}", timeout=30) as http:
        for session_id, port in holder.items():
            statuses = {http.get(f"/api/sessions/{session_id}").status_code for _ in range(3)}
            assert statuses in ({200}, {404}), (session_id, statuses)  # sticky: the same process every time
            other = next(p for p in app_ports if p != port)
            served_by[session_id] = port if statuses == {200} else other
            assert _ws_reaches(f"ws://{proxy}/ws/sessions/{session_id}") == (statuses == {200})
            assert http.get("/", params={"session": session_id}).status_code == 200

    assert set(served_by.values()) == set(app_ports)  # both processes get their share
    for k, port in enumerate(app_ports, start=1):  # the page request went where the session's REST calls go
        log = (cluster / f"app-{k}.log").read_text()
        for session_id, served in served_by.items():
            assert (f"GET /?session={session_id} " in log) == (served == port), (session_id, port)


def test_cluster_refuses_to_start_twice(cluster: Path) -> None:
    again = _cluster(cluster, "up", "1")
    assert again.returncode != 0 and "already running" in again.stderr
    assert all(_running(pid) for pid in _pids(cluster).values())  # the running cluster is untouched


def test_cluster_down_leaves_no_process_behind(cluster: Path) -> None:
    # Last in this file: it stops the module's cluster (the fixture's own
    # `down` then finds nothing to do), rather than paying for another start.
    env, pids = _env(cluster), _pids(cluster)
    redis_port = int(env["REDIS_URL"].rsplit(":", 1)[1].split("/")[0])
    ports = [int(env["NGINX_PORT"]), redis_port, *map(int, env["APP_PORTS"].split())]
    workers = subprocess.run(["pgrep", "-P", str(pids["nginx"])], capture_output=True, text=True).stdout.split()
    assert set(pids) == {"redis", "app-1", "app-2", "nginx"} and workers and all(map(_listening, ports))
    stopped = _cluster(cluster, "down")
    assert stopped.returncode == 0, stopped.stderr
    assert not any(_running(pid) for pid in [*pids.values(), *map(int, workers)])
    assert not any(map(_listening, ports))
    assert not list(cluster.glob("*.pid"))
    assert (cluster / "redis" / "appendonlydir").is_dir()  # AOF was on
