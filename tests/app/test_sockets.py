"""Websockets under abuse, against a real uvicorn process: sockets that stop
reading or answering, sockets by the hundred from one address, floods.

The server trusts X-Forwarded-For from 127.0.0.1 (the raw sockets send it in
their handshake) so that one test process can be several addresses.  Every
wait is bounded; nothing asserts on time.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.live_server import LiveServer

HANDSHAKE = (
    "GET /ws/sessions/{session}{query} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nX-Forwarded-For: {address}\r\n\r\n"
)


def raw_socket(server: LiveServer, session: str, address: str, query: str = "", receive_buffer: int = 0
               ) -> socket.socket:  # fmt: skip
    """A websocket that completes its handshake and then never reads nor answers a ping
    (``receive_buffer``: a small SO_RCVBUF, so that the server's writes back up quickly)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if receive_buffer:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    sock.settimeout(30)
    sock.connect(("127.0.0.1", server.port))
    sock.sendall(HANDSHAKE.format(session=session, query=query, address=address).encode())
    return sock


def watchers(http: httpx.Client, session: str) -> int:
    count: int = http.get(f"/api/sessions/{session}", headers={"X-Forwarded-For": "10.250.0.1"}).json()["watchers"]
    return count


def wait_until(condition: object, what: str, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise AssertionError(f"not within {seconds} s: {what}")


@pytest.fixture(scope="module")
def pinging() -> Iterator[LiveServer]:
    """Keepalive pings every second, and a socket that reads nothing for 2 s dropped."""
    env = {"PLAYGROUND_FORWARDED_ALLOW_IPS": "127.0.0.1", "PLAYGROUND_WS_PING_SECONDS": "1",
           "PLAYGROUND_STALLED_SOCKET_SECONDS": "2"}  # fmt: skip
    with LiveServer(env=env) as live:
        yield live


def test_sockets_that_never_answer_a_ping_are_dropped_without_a_traceback(pinging: LiveServer) -> None:
    """80 idle sockets to one session: uvicorn's keepalive closes each while the
    others' leaving still sends them status messages.  That raced ("Unexpected
    ASGI message 'websocket.send', after sending 'websocket.close'") and logged
    tracebacks; now each is dropped quietly and the session counts none."""
    with httpx.Client(base_url=pinging.url, timeout=120) as http:
        session = http.post("/api/sessions", json={}, headers={"X-Forwarded-For": "10.20.0.1"}).json()["id"]
        before = pinging.log_path.read_text().count("Exception in ASGI")
        sockets = [raw_socket(pinging, session, "10.20.0.2") for _ in range(80)]
        try:
            wait_until(lambda: watchers(http, session) == 80, "80 watchers")
            wait_until(lambda: watchers(http, session) == 0, "every silent socket dropped")
        finally:
            for sock in sockets:
                sock.close()
        time.sleep(1.0)  # what the drop logs, it has logged by now
    log = pinging.log_path.read_text()
    assert log.count("Exception in ASGI") == before, log[-3000:]
    assert "Unexpected ASGI message" not in log
