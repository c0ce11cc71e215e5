"""A cluster from scripts/cluster.sh, and websocket clients that behave like
the page: synchronous (a browser test's Playwright may own this thread's
event loop), each in a thread of its own, every loop bounded."""

from __future__ import annotations

import json
import os
import shlex
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import httpx
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus
from websockets.sync.client import connect

from app.protocol.close_codes import FINAL
from tests.services import require_binary

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "cluster.sh"
LOST_CODES = frozenset(int(code) for code in FINAL)  # the page gives up on these; it retries any other


def cluster_script(
    run_dir: Path, *args: str, ports: Mapping[str, int | str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``ports``: PLAYGROUND_CLUSTER_*PORT variables (scripts/cluster.sh); the rest are picked at random."""
    env = {
        **os.environ,
        "PLAYGROUND_CLUSTER_DIR": str(run_dir),
        "PLAYGROUND_PYTHON": sys.executable,
        "PLAYGROUND_CLIENT_LIMITS": "0",
    }
    env.update({name: str(port) for name, port in (ports or {}).items()})
    return subprocess.run(["bash", str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=240)


class Cluster:
    """``scripts/cluster.sh up N`` in ``run_dir``; ``down`` when done."""

    def __init__(self, run_dir: Path, processes: int, ports: Mapping[str, int | str] | None = None) -> None:
        require_binary("redis-server")
        require_binary("nginx")
        self.run_dir = run_dir
        started = cluster_script(run_dir, "up", str(processes), ports=ports)
        if started.returncode != 0:
            cluster_script(run_dir, "down")
            raise RuntimeError(started.stderr + started.stdout)
        pairs = (line.split("=", 1) for line in (run_dir / "cluster.env").read_text().splitlines())
        self.env = {key: " ".join(shlex.split(value)) for key, value in pairs}
        self.app_ports = [int(port) for port in self.env["APP_PORTS"].split()]
        self.proxy = f"127.0.0.1:{self.env['NGINX_PORT']}"

    def url(self, port: int | None = None) -> str:
        return f"http://{self.proxy}" if port is None else f"http://127.0.0.1:{port}"

    def ws(self, session_id: str, port: int | None = None) -> str:
        return f"ws://{self.proxy if port is None else f'127.0.0.1:{port}'}/ws/sessions/{session_id}"

    def pids(self) -> dict[str, int]:
        return {path.stem: int(path.read_text()) for path in self.run_dir.glob("*.pid")}

    def port_of(self, served_by: str) -> int:
        return int(served_by.rsplit(":", 1)[1])

    def kill(self, port: int) -> None:
        """kill -9 the process on ``port``, as a crash would."""
        k = self.app_ports.index(port) + 1
        os.kill(self.pids()[f"app-{k}"], 9)

    def stop(self, port: int, timeout: float = 30.0) -> None:
        """SIGTERM the process on ``port``, as a rolling restart does, and wait for it to exit."""
        pid = self.pids()[f"app-{self.app_ports.index(port) + 1}"]
        os.kill(pid, 15)
        deadline = time.monotonic() + timeout
        while _running(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _running(pid), f"pid {pid} did not exit within {timeout} s of SIGTERM"

    def alive(self) -> list[int]:
        """The ports of the processes still running."""
        pids = self.pids()
        return [port for k, port in enumerate(self.app_ports, start=1) if _running(pids.get(f"app-{k}"))]

    def create(self, http: httpx.Client, port: int | None = None, **body: Any) -> tuple[str, str]:
        response = http.post(f"{self.url(port)}/api/sessions", json=body)
        assert response.status_code == 201, response.text
        return response.json()["id"], response.json()["control_token"]

    def down(self) -> None:
        cluster_script(self.run_dir, "down")


def _running(pid: int | None) -> bool:
    """Alive, and not a zombie nobody reaped yet (a container's init may not)."""
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (ProcessLookupError, FileNotFoundError):
        return False


class PageClient(threading.Thread):
    """What the page does with its websocket: connect, authenticate if it has
    the token, play if asked, count frames, and reconnect after any close the
    page retries (with its backoff), until ``stop``."""

    BACKOFF = (0.1, 0.25, 0.5, 1.0, 2.0)  # static/js/socket.js

    def __init__(self, url: str, token: str | None = None, play: bool = False, focus: int | None = None) -> None:
        super().__init__(daemon=True)
        self.url, self.token, self.play, self.focus = url, token, play, focus
        self.frames: list[tuple[float, float]] = []  # (arrival, epoch)
        self.grids: list[int] = []  # the node of every node grid (kind 2) received
        self.states: list[tuple[float, dict[str, Any]]] = []
        self.texts: list[dict[str, Any]] = []
        self.closes: list[int | None] = []
        self.served_by: list[str] = []
        self.lost: int | None = None  # a close code the page would not retry
        self._done = threading.Event()

    def stop(self) -> None:
        self._done.set()
        self.join(20)

    def rate(self, since: float, until: float) -> float:
        """Frames per second received in [since, until]."""
        return sum(1 for arrived, _ in self.frames if since <= arrived <= until) / (until - since)

    def run(self) -> None:
        attempt = 0
        while not self._done.is_set() and self.lost is None:
            try:
                with connect(self.url, open_timeout=10, close_timeout=2) as ws:
                    self.served_by.append(ws.response.headers.get("x-served-by", ""))
                    attempt = 0
                    if self.token:
                        ws.send(json.dumps({"type": "auth", "token": self.token}))
                    if self.focus is not None:
                        ws.send(json.dumps({"type": "focus", "node": self.focus}))
                    self._read(ws)
            except ConnectionClosed as closed:
                code = closed.rcvd.code if closed.rcvd is not None else None
                self.closes.append(code)
                if code in LOST_CODES:
                    self.lost = code
                    return
            except (OSError, InvalidHandshake, InvalidStatus, TimeoutError):
                self.closes.append(None)
            self._done.wait(self.BACKOFF[min(attempt, len(self.BACKOFF) - 1)])
            attempt += 1

    def _read(self, ws: Any) -> None:
        while not self._done.is_set():
            try:
                message = ws.recv(timeout=0.2)
            except TimeoutError:
                continue
            now = time.monotonic()
            if isinstance(message, bytes):
                if message[0] == 1:  # a frame: its epoch is at byte 8 (docs/protocol.md)
                    self.frames.append((now, struct.unpack_from("<d", message, 8)[0]))
                elif message[0] == 2:  # a node grid: the node at byte 2
                    self.grids.append(struct.unpack_from("<H", message, 2)[0])
                continue
            data = json.loads(message)
            self.texts.append(data)
            if data.get("type") == "state":
                self.states.append((now, data))
            if data.get("type") == "auth" and self.play:
                ws.send(json.dumps({"type": "play"}))
        ws.close()


def wait_for(condition: Callable[[], object], seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return bool(condition())


def serve_30_sessions(cluster: Cluster, http: httpx.Client) -> None:
    """30 sessions created through the proxy: each trains over REST through the
    proxy and answers on every process; ten play to a page through the proxy."""
    sessions = [cluster.create(http) for _ in range(30)]
    for session_id, token in sessions:
        auth = {"Authorization": f"Bearer {token}"}
        stepped = http.post(f"{cluster.url()}/api/sessions/{session_id}/step", json={"epochs": 3}, headers=auth)
        assert stepped.status_code == 200 and stepped.json()["epoch"] == 3
    for session_id, _ in sessions[:6]:
        for port in cluster.app_ports:
            assert http.get(f"{cluster.url(port)}/api/sessions/{session_id}").json()["epoch"] == 3
    pages = [PageClient(cluster.ws(session_id), token, play=True) for session_id, token in sessions[:10]]
    for page in pages:
        page.start()
    try:
        assert wait_for(lambda: all(len(page.frames) >= 10 for page in pages), 30)
    finally:
        for page in pages:
            page.stop()
