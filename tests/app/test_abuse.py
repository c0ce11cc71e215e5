"""Hold under abuse: attacks against a real uvicorn process on loopback.

Every loop is bounded.  The assertions are about behaviour (caps, 429s,
what is unloaded, error messages, close codes, where a pause lands),
never about timings.  The server trusts X-Forwarded-For from 127.0.0.1 so
that one test process can play several client addresses; one test checks
that a server which trusts no proxy ignores the header.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import socket
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from app.web.ws_server import CLOSE_TIMEOUT_SECONDS
from tests.app.conftest import parse_frame
from tests.live_server import LiveServer

SPIRAL_6X8 = "dataset=spiral&seed=0.12345&networkShape=8,8,8,8,8,8&percTrainData=90" + "".join(
    f"&{name}=true" for name in ("x", "y", "xSquared", "ySquared", "xTimesY", "sinX", "sinY")
)
ENV = {
    "PLAYGROUND_FORWARDED_ALLOW_IPS": "127.0.0.1",
    "PLAYGROUND_SESSIONS_PER_CLIENT": "5",
    "PLAYGROUND_BODY_TIMEOUT_SECONDS": "1",
    "PLAYGROUND_MAX_BODY_BYTES": "100000",
}


def at(address: str) -> dict[str, str]:
    """Headers that make the trusting test server see ``address`` as the client."""
    return {"X-Forwarded-For": address}


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with LiveServer(env=ENV) as live:
        yield live


def create(http: httpx.Client, address: str, **body: Any) -> tuple[str, dict[str, str]]:
    response = http.post("/api/sessions", json=body, headers=at(address))
    assert response.status_code == 201, response.text
    data = response.json()
    return data["id"], {"Authorization": f"Bearer {data['control_token']}", **at(address)}


async def next_of(ws: ClientConnection, kind: str) -> dict[str, Any]:
    for _ in range(10_000):
        message = await ws.recv()
        if isinstance(message, str) and json.loads(message)["type"] == kind:
            result: dict[str, Any] = json.loads(message)
            return result
    raise AssertionError(f"no {kind!r} message")


async def next_frame(ws: ClientConnection) -> bytes:
    for _ in range(10_000):
        message = await ws.recv()
        if isinstance(message, bytes) and message[0] == 1:
            return message
    raise AssertionError("no frame")


# -- creations, eviction, class codes ---------------------------------------------------


def test_abuse_creations_are_rate_limited_with_retry_after(server: LiveServer) -> None:
    with httpx.Client(base_url=server.url, timeout=30) as http:
        teacher, auth = create(http, "10.1.0.1")
        assert http.post(f"/api/sessions/{teacher}/share", headers=auth).status_code == 200
        created = 0
        for _ in range(600):
            response = http.post("/api/sessions", json={}, headers=at("10.1.0.2"))
            if response.status_code == 429:
                break
            assert response.status_code == 201, response.text
            created += 1
            assert (
                http.delete(
                    f"/api/sessions/{response.json()['id']}",
                    headers={"Authorization": f"Bearer {response.json()['control_token']}", **at("10.1.0.2")},
                ).status_code
                == 204
            )
        assert response.status_code == 429, "600 creations in a row must hit the creation limit"
        assert int(response.headers["Retry-After"]) >= 1
        assert "new sessions" in response.json()["detail"]
        assert created < 600
        assert http.get(f"/api/sessions/{teacher}").status_code == 200
        assert http.post("/api/sessions", json={}, headers=at("10.1.0.3")).status_code == 201  # others unaffected


def test_abuse_sessions_in_use_per_client_unload_the_oldest_idle_one_then_refuse(server: LiveServer) -> None:
    """At its limit of sessions in use, a client's oldest session without a page is
    unloaded (it stays stored), not refused; only when every one has a page open is
    the next refused, naming the limit."""
    with httpx.Client(base_url=server.url, timeout=30) as http:
        made = [create(http, "10.2.0.1")[0] for _ in range(5)]
        assert http.post("/api/sessions", json={}, headers=at("10.2.0.1")).status_code == 201
        assert http.get(f"/api/sessions/{made[0]}").status_code == 200  # loaded again: unloaded, not lost
        assert f"session {made[0]} loaded from the store" in server.log_path.read_text()

    async def scenario() -> None:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
            made = []
            for _ in range(5):
                answer = await http.post("/api/sessions", json={}, headers=at("10.2.0.2"))
                made.append(answer.json()["id"])
            pages = [
                await connect(f"{server.ws_url}/ws/sessions/{session}", additional_headers=at("10.2.0.2"))
                for session in made
            ]
            try:
                for page in pages:
                    await next_of(page, "state")
                refused = await http.post("/api/sessions", json={}, headers=at("10.2.0.2"))
                assert refused.status_code == 429 and refused.json()["limit"] == "sessions"
                assert "5 sessions in use" in refused.json()["detail"]
                assert int(refused.headers["Retry-After"]) == refused.json()["retry_after"] >= 1
            finally:
                for page in pages:
                    await page.close()

    asyncio.run(scenario())


def test_abuse_flood_of_creations_unloads_idle_sessions_and_loses_none() -> None:
    env = {**ENV, "PLAYGROUND_MAX_SESSIONS": "12", "PLAYGROUND_SESSIONS_PER_CLIENT": "100"}
    with LiveServer(env=env) as live, httpx.Client(base_url=live.url, timeout=30) as http:
        teacher, auth = create(http, "10.3.0.1")
        code = http.post(f"/api/sessions/{teacher}/share", headers=auth).json()["code"]
        made = [create(http, f"10.3.1.{n}")[0] for n in range(30)]  # memory holds 12: the idle ones are unloaded
        assert http.get("/healthz").json()["sessions"] <= 12
        for session_id in [teacher, *made[:3]]:  # unloaded, not lost: each comes back on use
            assert http.get(f"/api/sessions/{session_id}").status_code == 200
        assert http.get(f"/s/{code}", follow_redirects=False).status_code == 303
        assert http.post(f"/api/sessions/{teacher}/step", headers=auth).status_code == 200


def test_abuse_code_guesses_wait_their_turn_and_a_valid_code_still_gets_in(server: LiveServer) -> None:
    """Forty guesses at once from one address: ten are looked up (its burst), eight wait
    their turn one at a time at the refill rate, the rest are refused; a valid code from
    that address still gets in, and other addresses are not slowed at all."""

    async def scenario() -> None:
        async with httpx.AsyncClient(base_url=server.url, timeout=120) as http:
            made = (await http.post("/api/sessions", json={}, headers=at("10.4.0.1"))).json()
            auth = {"Authorization": f"Bearer {made['control_token']}", **at("10.4.0.1")}
            code = (await http.post(f"/api/sessions/{made['id']}/share", headers=auth)).json()["code"]
            guesses = [f"ZZZ{n:03d}".replace("0", "A").replace("1", "B") for n in range(40)]
            answers = await asyncio.gather(*(http.get(f"/s/{guess}", headers=at("10.4.0.2")) for guess in guesses))
            statuses = [answer.status_code for answer in answers]
            assert set(statuses) == {404, 429}, statuses
            assert 10 <= statuses.count(404) <= 10 + 8 + 3, statuses  # burst, the line, a little refill meanwhile
            refused = next(answer for answer in answers if answer.status_code == 429)
            assert int(refused.headers["Retry-After"]) >= 1 and "class codes" in refused.text
            valid = await http.get(f"/s/{code}", headers=at("10.4.0.2"))  # the guesser's own class link
            assert valid.status_code == 303
            assert (await http.get(f"/s/{code}", headers=at("10.4.0.3"))).status_code == 303

    asyncio.run(scenario())


def test_abuse_forwarded_address_is_ignored_without_a_trusted_proxy() -> None:
    env = {"PLAYGROUND_CREATIONS_PER_MINUTE": "3"}  # a burst of one
    with LiveServer(env=env) as live, httpx.Client(base_url=live.url, timeout=30) as http:
        statuses = [http.post("/api/sessions", json={}, headers=at(f"10.5.0.{n}")).status_code for n in range(5)]
        assert statuses == [201, 429, 429, 429, 429], "a spoofed X-Forwarded-For must not make new clients"


# -- compute: caps, slices, pauses --------------------------------------------------------


def test_abuse_work_beyond_one_calls_cap_is_refused(server: LiveServer) -> None:
    with httpx.Client(base_url=server.url, timeout=30) as http:
        session, auth = create(http, "10.6.0.1", hash=SPIRAL_6X8 + "&problem=regression")
        response = http.post(f"/api/sessions/{session}/step", json={"epochs": 10000}, headers=auth)
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"][-1] == "epochs"
        assert "weight-passes" in response.json()["detail"][0]["msg"]


@pytest.mark.parametrize("path", ["rest", "websocket"])
def test_abuse_maximal_step_takes_turns_and_stops_within_a_slice(server: LiveServer, path: str) -> None:
    """A legal maximal step (~10 s of one core) on the 6x8 network while a victim
    plays: the victim keeps getting frames, other requests are answered, and a
    pause stops the step within about one slice."""

    async def scenario() -> None:
        async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
            attacker = (await http.post("/api/sessions", json={"hash": SPIRAL_6X8}, headers=at("10.7.0.1"))).json()
            victim = (await http.post("/api/sessions", json={}, headers=at("10.7.0.2"))).json()
            auth = {"Authorization": f"Bearer {attacker['control_token']}", **at("10.7.0.1")}
            async with (
                connect(f"{server.ws_url}/ws/sessions/{victim['id']}") as watcher,
                connect(f"{server.ws_url}/ws/sessions/{attacker['id']}") as control,
            ):
                await next_of(watcher, "state")
                await watcher.send(json.dumps({"type": "auth", "token": victim["control_token"]}))
                await watcher.send(json.dumps({"type": "play"}))
                await next_of(control, "state")
                await control.send(json.dumps({"type": "auth", "token": attacker["control_token"]}))
                await next_of(control, "auth")
                if path == "rest":
                    step = asyncio.create_task(
                        http.post(f"/api/sessions/{attacker['id']}/step", json={"epochs": 10000}, headers=auth)
                    )
                else:
                    await control.send(json.dumps({"type": "step", "epochs": 10000}))
                epochs = [parse_frame(await next_frame(control)).epoch for _ in range(4)]  # four slices went by
                victim_epochs = {parse_frame(await next_frame(watcher)).epoch for _ in range(10)}
                assert len(victim_epochs) >= 5, "the victim keeps playing during the attack"
                assert (await http.get("/healthz")).status_code == 200
                assert (await http.post("/api/sessions", json={}, headers=at("10.7.0.3"))).status_code == 201
                slice_size = max(b - a for a, b in itertools.pairwise(epochs))
                paused_at = (await http.get(f"/api/sessions/{attacker['id']}", headers=auth)).json()["epoch"]
                await control.send(json.dumps({"type": "pause"}))
                if path == "rest":
                    answer = await step
                    assert answer.status_code == 409 and "interrupted" in answer.json()["detail"]
                await asyncio.sleep(0.5)
                final = (await http.get(f"/api/sessions/{attacker['id']}", headers=auth)).json()["epoch"]
                assert 0 < final < 10000
                # What ran after the pause arrived: the slice in progress (and one queued before it).
                assert final - paused_at <= 3 * slice_size + 3, (final, paused_at, slice_size)

    asyncio.run(scenario())


def test_abuse_stateless_maximum_is_capped(server: LiveServer) -> None:
    with httpx.Client(base_url=server.url, timeout=30) as http:
        session, _ = create(http, "10.8.0.1", hash=SPIRAL_6X8 + "&problem=regression")
        network = http.get(f"/api/sessions/{session}").json()
        body = {
            "hash": SPIRAL_6X8 + "&problem=regression",
            "epochs": 10000,
            "network": {"weights": network["weights"], "biases": network["biases"]},
        }
        response = http.post("/api/step", json=body, headers=at("10.8.0.1"))
        assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == "epochs"


def test_abuse_maximal_picture_is_capped_and_cached(server: LiveServer) -> None:
    with httpx.Client(base_url=server.url, timeout=60) as http:
        session, auth = create(http, "10.9.0.1", hash=SPIRAL_6X8)
        big = http.get(f"/api/sessions/{session}/boundary", params={"size": 1000}, headers=auth)
        assert big.status_code == 200 and big.content.startswith(b"\x89PNG")
        again = http.get(f"/api/sessions/{session}/boundary", params={"size": 1000}, headers=auth)
        assert again.content == big.content
        numbers = http.get(f"/api/sessions/{session}/boundary", params={"size": 1000, "format": "json"}, headers=auth)
        assert numbers.status_code == 422 and numbers.json()["detail"][0]["loc"][-1] == "size"
        assert (
            http.get(
                f"/api/sessions/{session}/boundary", params={"size": 200, "format": "json"}, headers=auth
            ).status_code
            == 200
        )


def test_abuse_reads_are_limited_by_what_they_cost_and_cached_ones_are_free(server: LiveServer) -> None:
    """A reader who does not control a session pays for what the server computes: one
    1000-pixel picture of the 6 x 8 network (4 x 10^8 weight-passes) puts it in debt,
    and the next different picture is refused, naming the limit, with a true Retry-After.
    What is computed already is free: the same picture again, the same explanation a
    hundred times.  The session's controller is never limited."""
    with httpx.Client(base_url=server.url, timeout=120) as http:
        session, auth = create(http, "10.10.0.1", hash=SPIRAL_6X8)
        boundary, reader = f"/api/sessions/{session}/boundary", at("10.10.0.2")
        state = http.get(f"/api/sessions/{session}", headers=reader)
        assert state.status_code == 200
        first = http.get(boundary, params={"size": 1000}, headers=reader)
        assert first.status_code == 200
        refused = http.get(boundary, params={"size": 999}, headers=reader)
        assert refused.status_code == 429 and refused.json()["limit"] == "reads", refused.text
        wait = int(refused.headers["Retry-After"])
        assert wait == refused.json()["retry_after"] >= 10  # 3 x 10^8 of debt at 2 x 10^7 a second
        assert http.get(boundary, params={"size": 1000}, headers=reader).content == first.content  # cached: free
        assert http.get(f"/api/sessions/{session}", headers=reader).content == state.content  # the same state: free
        refused_state = http.get(f"/api/sessions/{session}", params={"include": "data"}, headers=reader)
        assert refused_state.status_code == 429  # one not read yet must be computed
        assert http.post(f"/api/sessions/{session}/step", headers=auth).status_code == 200
        assert http.get(f"/api/sessions/{session}", headers=reader).status_code == 429  # changed: computed anew
        explain = f"/api/sessions/{session}/explain"
        params = {"layer": 1, "source": 0, "target": 0}
        statuses = {http.get(explain, params=params, headers=at("10.10.0.3")).status_code for _ in range(100)}
        assert statuses == {200}
        assert http.get(boundary, params={"size": 998}, headers=auth).status_code == 200  # the controller: no limit


# -- the websocket ------------------------------------------------------------------------


def test_abuse_deeply_nested_json_gets_an_error_and_the_connection_stays(server: LiveServer) -> None:
    async def scenario() -> None:
        with httpx.Client(base_url=server.url) as http:
            session, _ = create(http, "10.11.0.1")
        async with connect(f"{server.ws_url}/ws/sessions/{session}") as ws:
            await next_of(ws, "state")
            for depth in (1000, 5000):
                await ws.send('{"a":' * depth + "1" + "}" * depth)
                error = await next_of(ws, "error")
                assert error["code"] in ("bad_json", "invalid")
            await ws.send(json.dumps({"type": "ping"}))
            await next_of(ws, "pong")

    asyncio.run(scenario())


def test_abuse_message_flood_is_told_then_closed_with_a_documented_code(server: LiveServer) -> None:
    async def flood(url: str) -> tuple[list[str], int | None]:
        async with connect(url, additional_headers=at("10.12.0.2")) as ws:
            ping = json.dumps({"type": "ping"})
            for _ in range(2000):
                try:
                    await ws.send(ping)
                except ConnectionClosed:
                    break
            codes = []
            with pytest.raises(ConnectionClosed) as closed:
                for _ in range(10_000):
                    message = await ws.recv()
                    if isinstance(message, str) and json.loads(message)["type"] == "error":
                        codes.append(json.loads(message)["code"])
            return codes, closed.value.rcvd.code if closed.value.rcvd else None

    async def scenario() -> None:
        with httpx.Client(base_url=server.url) as http:
            session, _ = create(http, "10.12.0.1")
        url = f"{server.ws_url}/ws/sessions/{session}"
        for _ in range(2):  # two strikes: told, then closed
            codes, code = await flood(url)
            assert "rate_limited" in codes and code == 4430
        with pytest.raises(InvalidStatus) as refused:  # a third time: refused before the handshake
            async with connect(url, additional_headers=at("10.12.0.2")):
                pass
        assert refused.value.response.status_code == 429
        assert int(refused.value.response.headers["Retry-After"]) >= 1
        async with connect(url, additional_headers=at("10.12.0.3")) as ws:  # others are not affected
            assert json.loads(await ws.recv())["type"] == "state"

    asyncio.run(scenario())


def test_abuse_a_client_that_never_answers_a_close_is_dropped_after_the_short_handshake(server: LiveServer) -> None:
    """A client that keeps sending and never reads (a flooder) is cut off
    CLOSE_TIMEOUT_SECONDS after the server's close frame, not uvicorn's 10 s."""
    with httpx.Client(base_url=server.url) as http:
        session, auth = create(http, "10.13.0.2")
        with socket.create_connection(("127.0.0.1", server.port), timeout=20) as raw:
            raw.sendall(
                f"GET /ws/sessions/{session} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                "Sec-WebSocket-Version: 13\r\nX-Forwarded-For: 10.13.0.2\r\n\r\n".encode()
            )
            assert raw.recv(12) == b"HTTP/1.1 101"
            assert http.delete(f"/api/sessions/{session}", headers=auth).status_code == 204
            started = time.monotonic()
            while raw.recv(65536):  # the state, the close frame 4410, then nothing: the server hung up
                pass
            waited = time.monotonic() - started
    assert waited < CLOSE_TIMEOUT_SECONDS + 4, waited  # uvicorn alone waits 10 s


def test_abuse_deleted_session_closes_its_sockets_with_4410(server: LiveServer) -> None:
    async def scenario() -> None:
        with httpx.Client(base_url=server.url) as http:
            session, auth = create(http, "10.13.0.1")
            async with connect(f"{server.ws_url}/ws/sessions/{session}") as ws:
                await next_of(ws, "state")
                assert http.delete(f"/api/sessions/{session}", headers=auth).status_code == 204
                with pytest.raises(ConnectionClosed) as closed:
                    for _ in range(100):
                        await ws.recv()
                assert closed.value.rcvd is not None and closed.value.rcvd.code == 4410

    asyncio.run(scenario())


# -- HTTP ------------------------------------------------------------------------------------


def _raw(server: LiveServer, request: bytes, then: bytes = b"") -> bytes:
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(request)
        if then:
            try:
                for _ in range(10_000):
                    sock.sendall(then)
            except OSError:
                pass  # the server answered and closed: that is the point
        return sock.recv(4096)


def test_abuse_body_declared_but_never_sent_is_408(server: LiveServer) -> None:
    answer = _raw(
        server,
        b"POST /api/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 50\r\n\r\n",
    )
    assert answer.startswith(b"HTTP/1.1 408")


def test_abuse_chunked_oversized_body_is_413(server: LiveServer) -> None:
    chunk = b"%x\r\n%s\r\n" % (10_000, b"x" * 10_000)
    answer = _raw(
        server,
        b"POST /api/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n",
        then=chunk,
    )
    assert answer.startswith(b"HTTP/1.1 413")


def test_abuse_security_headers_on_pages_and_api(server: LiveServer) -> None:
    with httpx.Client(base_url=server.url) as http:
        for response in (http.get("/"), http.get("/healthz"), http.get("/api/sessions/nope")):
            policy = response.headers["Content-Security-Policy"]
            assert "default-src 'self'" in policy and "frame-ancestors 'self'" in policy
            assert "unsafe-inline" not in policy
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert response.headers["Referrer-Policy"] == "same-origin"


def test_abuse_cross_site_writes_are_refused(server: LiveServer) -> None:
    with httpx.Client(base_url=server.url) as http:
        evil = http.post("/api/sessions", json={}, headers={"Origin": "http://evil.example", **at("10.14.0.1")})
        assert evil.status_code == 403
        form = http.post(
            "/api/sessions",
            content=b"a=1",
            headers={"Sec-Fetch-Site": "cross-site", "Content-Type": "application/x-www-form-urlencoded"},
        )
        assert form.status_code == 403
        own = http.post("/api/sessions", json={}, headers={"Origin": server.url, **at("10.14.0.2")})
        assert own.status_code == 201


def test_abuse_head_and_allow_headers(server: LiveServer) -> None:
    with httpx.Client(base_url=server.url) as http:
        head = http.head("/")
        assert head.status_code == 200 and head.content == b""
        assert http.head("/healthz").status_code == 200
        wrong = http.put("/api/sessions/some-id")
        assert wrong.status_code == 405
        assert wrong.headers["Allow"] == "DELETE, GET, HEAD"


def test_abuse_booleans_are_not_weights(server: LiveServer) -> None:
    with httpx.Client(base_url=server.url) as http:
        session, auth = create(http, "10.15.0.1")
        body = {"layer": 0, "source": 0, "target": 0, "value": True}
        response = http.put(f"/api/sessions/{session}/weights", json=body, headers=auth)
        assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == "value"


def test_abuse_share_url_ignores_a_forged_host(server: LiveServer) -> None:
    with httpx.Client(base_url=server.url) as http:
        session, auth = create(http, "10.16.0.1")
        forged = http.post(f"/api/sessions/{session}/share", headers={**auth, "Host": "evil.example"}).json()
        assert "evil.example" not in forged["url"]
        assert forged["url"] == f"http://127.0.0.1:{server.port}/s/{forged['code']}"  # where it listens
        honest = http.post(f"/api/sessions/{session}/share", headers={**auth, "Host": f"localhost:{server.port}"})
        assert honest.json()["url"] == f"http://localhost:{server.port}/s/{forged['code']}"
