"""Websockets under abuse, against a real uvicorn process: sockets that stop
reading or answering, sockets by the hundred from one address, floods.

The server trusts X-Forwarded-For from 127.0.0.1 (the raw sockets send it in
their handshake) so that one test process can be several addresses.  Every
wait is bounded; nothing asserts on time.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.live_server import LiveServer

HANDSHAKE = (
    "GET /ws/sessions/{session}{query} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nX-Forwarded-For: {address}\r\n\r\n"
)


def raw_socket(
    server: LiveServer, session: str, address: str, query: str = "", receive_buffer: int = 0
) -> socket.socket:
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
    env = {
        "PLAYGROUND_FORWARDED_ALLOW_IPS": "127.0.0.1",
        "PLAYGROUND_WS_PING_SECONDS": "1",
        "PLAYGROUND_STALLED_SOCKET_SECONDS": "2",
    }
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


# -- many sockets from one address ------------------------------------------------------------


@pytest.fixture(scope="module")
def stalling() -> Iterator[LiveServer]:
    """Sockets that read nothing for 2 s are dropped; keepalive as in production (20 s)."""
    env = {"PLAYGROUND_FORWARDED_ALLOW_IPS": "127.0.0.1", "PLAYGROUND_STALLED_SOCKET_SECONDS": "2"}
    with LiveServer(env=env) as live:
        yield live


def at(address: str) -> dict[str, str]:
    return {"X-Forwarded-For": address}


async def first_state(ws: ClientConnection) -> dict[str, Any]:
    for _ in range(1000):
        message = await ws.recv()
        if isinstance(message, str) and json.loads(message)["type"] == "state":
            state: dict[str, Any] = json.loads(message)
            return state
    raise AssertionError("no state")


async def reader(ws: ClientConnection) -> None:
    """Read everything, as a page does, until the connection closes."""
    with contextlib.suppress(ConnectionClosed):
        async for _ in ws:
            pass


def test_300_sockets_from_one_address_leave_the_teacher_and_others_room(stalling: LiveServer) -> None:
    """One address opens 300 sockets to a playing class session and reads nothing: the
    session is full, yet the teacher's second page gets in at once (it shows the control
    token), and a student from another address gets in as soon as the silent sockets,
    whose writes back up, are dropped.  A page that reads keeps its place meanwhile."""

    async def scenario() -> None:
        async with httpx.AsyncClient(base_url=stalling.url, timeout=120) as http:
            made = (await http.post("/api/sessions", json={}, headers=at("10.30.0.1"))).json()
            session, token = made["id"], made["control_token"]
            url = f"{stalling.ws_url}/ws/sessions/{session}"
            teacher = await connect(url, additional_headers=at("10.30.0.1"), max_size=None)
            await teacher.send(json.dumps({"type": "auth", "token": token}))
            await teacher.send(json.dumps({"type": "play"}))
            reading = asyncio.create_task(reader(teacher))
            student = await connect(url, additional_headers=at("10.30.0.4"), max_size=None)
            await first_state(student)
            student_reading = asyncio.create_task(reader(student))
            hogs = [raw_socket(stalling, session, "10.30.0.2", receive_buffer=4096) for _ in range(300)]
            try:
                deadline = time.monotonic() + 120
                while (await http.get(f"/api/sessions/{session}", headers=at("10.30.0.9"))).json()["watchers"] < 300:
                    assert time.monotonic() < deadline, "the hogs never filled the session"
                    await asyncio.sleep(0.2)
                second = await connect(url, additional_headers=at("10.30.0.1"), max_size=None)
                await second.send(json.dumps({"type": "auth", "token": token}))
                assert (await first_state(second))["id"] == session  # the teacher's own page: let in at once
                await second.close()
                admitted = None
                while admitted is None:  # full at first (4429); in once the silent sockets are dropped
                    assert time.monotonic() < deadline, "no room for a student of another address"
                    attempt = await connect(url, additional_headers=at("10.30.0.3"), max_size=None)
                    try:
                        admitted = await first_state(attempt)
                    except ConnectionClosed as closed:
                        assert closed.rcvd is not None and closed.rcvd.code == 4429
                    finally:
                        await attempt.close()
                assert not student_reading.done(), "the reading student kept its place"
            finally:
                for hog in hogs:
                    hog.close()
                reading.cancel()
                student_reading.cancel()
                await teacher.close()
                await student.close()

    asyncio.run(scenario())


@pytest.fixture(scope="module")
def capped() -> Iterator[LiveServer]:
    env = {"PLAYGROUND_FORWARDED_ALLOW_IPS": "127.0.0.1", "PLAYGROUND_SOCKETS_PER_CLIENT": "5"}
    with LiveServer(env=env) as live:
        yield live


def test_sockets_per_address_are_capped_but_the_control_token_gets_in(capped: LiveServer) -> None:
    async def scenario() -> None:
        async with httpx.AsyncClient(base_url=capped.url, timeout=120) as http:
            made = (await http.post("/api/sessions", json={}, headers=at("10.31.0.1"))).json()
            url = f"{capped.ws_url}/ws/sessions/{made['id']}"
            five = [await connect(url, additional_headers=at("10.31.0.2")) for _ in range(5)]
            for ws in five:
                await first_state(ws)
            sixth = await connect(url, additional_headers=at("10.31.0.2"))
            with pytest.raises(ConnectionClosed) as closed:
                await first_state(sixth)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 4431  # retried later by the page
            teacher = await connect(url, additional_headers=at("10.31.0.2"))  # the same crowded address
            await teacher.send(json.dumps({"type": "auth", "token": made["control_token"]}))
            await first_state(teacher)
            pending = [await connect(url, additional_headers=at("10.31.0.2")) for _ in range(7)]  # waiting to show
            with pytest.raises(InvalidStatus) as refused:  # beyond the cap and those: refused at the handshake
                await connect(url, additional_headers=at("10.31.0.2"))
            assert refused.value.response.status_code == 429
            assert int(refused.value.response.headers["Retry-After"]) >= 1
            elsewhere = await connect(url, additional_headers=at("10.31.0.3"))  # other addresses: not affected
            await first_state(elsewhere)
            for ws in [*five, teacher, *pending, elsewhere]:
                await ws.close()

    asyncio.run(scenario())


# -- floods -------------------------------------------------------------------------------------


async def flood(url: str, headers: dict[str, str]) -> int | None:
    """Send pings without reading until closed; the close code."""
    async with connect(url, additional_headers=headers) as ws:
        ping = json.dumps({"type": "ping"})
        for _ in range(3000):
            try:
                await ws.send(ping)
            except ConnectionClosed:
                break
        with contextlib.suppress(ConnectionClosed):
            async for _ in ws:
                pass
        return ws.close_code


def test_a_flooding_browser_is_locked_out_not_its_address(capped: LiveServer) -> None:
    """A browser (client id) closed twice for flooding is refused at the handshake; another
    browser of its address, and a page reconnecting meanwhile, get in as before."""

    async def scenario() -> None:
        async with httpx.AsyncClient(base_url=capped.url, timeout=120) as http:
            session = (await http.post("/api/sessions", json={}, headers=at("10.32.0.1"))).json()["id"]
        url = f"{capped.ws_url}/ws/sessions/{session}"
        flooder = f"{url}?client=flooder0123456789"
        for _ in range(2):
            assert await flood(flooder, at("10.32.0.2")) == 4430
        with pytest.raises(InvalidStatus) as refused:
            await connect(flooder, additional_headers=at("10.32.0.2"))
        assert refused.value.response.status_code == 429
        assert json.loads(refused.value.response.body)["limit"] == "flood"
        for n in range(3):  # a classmate behind the same address, again and again
            async with connect(f"{url}?client=classmate{n}abcdefgh", additional_headers=at("10.32.0.2")) as ws:
                assert (await first_state(ws))["id"] == session

    asyncio.run(scenario())
