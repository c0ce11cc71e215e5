"""End to end: a real uvicorn process on a loopback port, real websocket clients."""

from __future__ import annotations

import asyncio
import itertools
import json
import socket
from typing import Any

import httpx
import numpy as np
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from core.features import feature_matrix
from core.network import Network
from core.training import mean_loss
from tests.app.conftest import parse_frame
from tests.live_server import LiveServer


def run(coro: Any) -> Any:
    return asyncio.run(coro)


async def _create(http: httpx.AsyncClient, **body: Any) -> tuple[str, str]:
    response = await http.post("/api/sessions", json=body)
    assert response.status_code == 201, response.text
    data = response.json()
    return data["id"], data["control_token"]


async def _recv_state(ws: ClientConnection) -> dict[str, Any]:
    while True:
        message = await ws.recv()
        if isinstance(message, str):
            data = json.loads(message)
            if data["type"] == "state":
                return data


async def _join(ws: ClientConnection) -> dict[str, Any]:
    """The greeting: the state, then the current frame."""
    state = await _recv_state(ws)
    assert parse_frame(await _recv_frame(ws)).generation == state["generation"]
    return state


async def _recv_type(ws: ClientConnection, kind: str) -> dict[str, Any]:
    while True:
        message = await ws.recv()
        if isinstance(message, str) and json.loads(message)["type"] == kind:
            result: dict[str, Any] = json.loads(message)
            return result


async def _recv_frame(ws: ClientConnection) -> bytes:
    while True:
        message = await ws.recv()
        if isinstance(message, bytes) and message[0] == 1:
            return message


def test_e2e_two_watchers_receive_identical_frames(live_server: LiveServer) -> None:
    async def scenario() -> None:
        async with httpx.AsyncClient(base_url=live_server.url) as http:
            session_id, token = await _create(http, hash="seed=0.42")
        url = f"{live_server.ws_url}/ws/sessions/{session_id}"
        async with connect(url) as teacher, connect(url) as student:
            await _recv_state(teacher)
            await _recv_state(student)
            await teacher.send(json.dumps({"type": "auth", "token": token}))
            await teacher.send(json.dumps({"type": "play"}))

            async def collect(ws: ClientConnection) -> dict[float, bytes]:
                frames: dict[float, bytes] = {}
                while len(frames) < 40:
                    data = await _recv_frame(ws)
                    frames[parse_frame(data).epoch] = data
                return frames

            a, b = await asyncio.gather(collect(teacher), collect(student))
            await teacher.send(json.dumps({"type": "pause"}))
            common = set(a) & set(b) - {0.0}
            assert len(common) >= 20
            assert all(a[epoch] == b[epoch] for epoch in common)
            assert all(parse_frame(a[e]).playing for e in common)

    run(scenario())


def test_e2e_watcher_refused_and_controller_steps_exactly(live_server: LiveServer) -> None:
    async def scenario() -> None:
        async with httpx.AsyncClient(base_url=live_server.url) as http:
            session_id, token = await _create(http)
            url = f"{live_server.ws_url}/ws/sessions/{session_id}"
            async with connect(url) as watcher, connect(url) as controller:
                await _join(watcher)
                await _join(controller)
                await watcher.send(json.dumps({"type": "step", "epochs": 4}))
                assert (await _recv_type(watcher, "error"))["code"] == "forbidden"
                await controller.send(json.dumps({"type": "auth", "token": token}))
                await controller.send(json.dumps({"type": "step", "epochs": 4}))
                assert parse_frame(await _recv_frame(controller)).epoch == 4
                assert parse_frame(await _recv_frame(watcher)).epoch == 4
            assert (await http.get(f"/api/sessions/{session_id}")).json()["epoch"] == 4

    run(scenario())


def test_e2e_unknown_session(live_server: LiveServer) -> None:
    async def scenario() -> None:
        async with connect(f"{live_server.ws_url}/ws/sessions/nope") as ws:
            with pytest.raises(ConnectionClosed) as info:
                await ws.recv()
            assert info.value.rcvd is not None and info.value.rcvd.code == 4404
        async with httpx.AsyncClient(base_url=live_server.url) as http:
            assert (await http.get("/api/sessions/nope")).status_code == 404

    run(scenario())


def test_e2e_oversized_and_malformed_messages(live_server: LiveServer) -> None:
    async def scenario() -> None:
        async with httpx.AsyncClient(base_url=live_server.url) as http:
            session_id, token = await _create(http)
            url = f"{live_server.ws_url}/ws/sessions/{session_id}"
            async with connect(url) as ws:
                await _recv_state(ws)
                await ws.send("{not json")
                assert (await _recv_type(ws, "error"))["code"] == "bad_json"
                await ws.send(json.dumps({"type": "config", "fields": {"seed": "x" * 500}}))
                assert (await _recv_type(ws, "error"))["code"] in ("forbidden", "invalid")
                await ws.send("x" * 200_000)  # beyond PLAYGROUND_MAX_MESSAGE_BYTES: the server closes
                with pytest.raises(ConnectionClosed) as info:
                    while True:
                        await ws.recv()
                assert info.value.rcvd is not None and info.value.rcvd.code == 1009
            # the session is intact and usable
            state = (
                await http.post(
                    f"/api/sessions/{session_id}/step", json={"epochs": 2}, headers={"Authorization": f"Bearer {token}"}
                )
            ).json()
            assert state["epoch"] == 2

    run(scenario())


def test_e2e_hundred_sessions_created_concurrently(live_server: LiveServer) -> None:
    async def scenario() -> None:
        async with httpx.AsyncClient(base_url=live_server.url, timeout=60) as http:
            results = await asyncio.gather(*[_create(http, config={"seed": str(k)}) for k in range(100)])
            ids = {session_id for session_id, _ in results}
            tokens = {token for _, token in results}
            assert len(ids) == 100 and len(tokens) == 100
            states = await asyncio.gather(*[http.get(f"/api/sessions/{sid}") for sid in list(ids)[:10]])
            assert all(s.status_code == 200 for s in states)
            for session_id, token in results:
                await http.delete(f"/api/sessions/{session_id}", headers={"Authorization": f"Bearer {token}"})

    run(scenario())


def _consistent(
    state_weights: list[Any], biases: list[Any], config: dict[str, Any], train: np.ndarray, loss: float
) -> bool:
    """Weights, biases and loss of one snapshot belong together (no torn read)."""
    sizes = [len(state_weights[0]), *[len(b) for b in biases]]
    net = Network(sizes, config["activation"], "tanh")
    net.assign(state_weights, biases)
    features = tuple(name for name in ("x", "y", "xSquared", "ySquared", "xTimesY", "sinX", "sinY") if config[name])
    X = feature_matrix(features, train[:, 0], train[:, 1])
    return bool(abs(mean_loss(net, X, train[:, 2:3]) - loss) <= 1e-12)


def test_e2e_rest_and_websocket_interleaved_never_corrupt_state(live_server: LiveServer) -> None:
    async def scenario() -> None:
        async with httpx.AsyncClient(base_url=live_server.url, timeout=60) as http:
            session_id, token = await _create(http, hash="seed=0.7")
            auth = {"Authorization": f"Bearer {token}"}
            url = f"{live_server.ws_url}/ws/sessions/{session_id}"
            async with connect(url) as ws:
                first = await _recv_state(ws)
                train = np.array(first["train"])
                config = first["config"]
                await ws.send(json.dumps({"type": "auth", "token": token}))
                await ws.send(json.dumps({"type": "speed", "epochs_per_frame": 7}))
                await ws.send(json.dumps({"type": "play"}))
                frames: list[bytes] = []

                async def watch() -> None:
                    while len(frames) < 60:
                        frames.append(await _recv_frame(ws))

                async def poke() -> list[dict[str, Any]]:
                    seen = []
                    for k in range(15):
                        step = await http.post(f"/api/sessions/{session_id}/step", json={"epochs": 3}, headers=auth)
                        seen.append(step.json())
                        await ws.send(json.dumps({"type": "play"}))  # a REST step pauses, as the step button does
                        lr = [0.01, 0.03][k % 2]
                        await http.patch(f"/api/sessions/{session_id}/config", json={"learningRate": lr}, headers=auth)
                    return seen

                _, rest_states = await asyncio.gather(watch(), poke())
                await ws.send(json.dumps({"type": "pause"}))
            for state in rest_states:
                assert _consistent(state["weights"], state["biases"], config, train, state["loss_train"])
            epochs = []
            for data in frames:
                frame = parse_frame(data)
                weights, offset = [], 0
                sizes = first["shape"]
                for n_in, n_out in itertools.pairwise(sizes):
                    weights.append(frame.weights[offset : offset + n_in * n_out].reshape(n_in, n_out).tolist())
                    offset += n_in * n_out
                biases, offset = [], 0
                for n_out in sizes[1:]:
                    biases.append(frame.biases[offset : offset + n_out].tolist())
                    offset += n_out
                assert _consistent(weights, biases, config, train, frame.loss_train)
                epochs.append(frame.epoch)
            assert epochs == sorted(epochs)
            final = (await http.get(f"/api/sessions/{session_id}")).json()
            assert final["epoch"] >= 45 and not final["playing"]

    run(scenario())


def test_e2e_stateless_step_equals_session_step(live_server: LiveServer) -> None:
    async def scenario() -> None:
        async with httpx.AsyncClient(base_url=live_server.url) as http:
            config = {"seed": "0.9", "dataset": "xor", "networkShape": [5, 3], "batchSize": 4, "activation": "relu"}
            session_id, token = await _create(http, config=config)
            before = (await http.get(f"/api/sessions/{session_id}", params={"include": "pending"})).json()
            after = (
                await http.post(
                    f"/api/sessions/{session_id}/step", json={"epochs": 5}, headers={"Authorization": f"Bearer {token}"}
                )
            ).json()
            network = {k: before[k] for k in ("weights", "biases", "dead", "pending")}
            result = (await http.post("/api/step", json={"config": config, "network": network, "epochs": 5})).json()
            assert result["weights"] == after["weights"] and result["loss_test"] == after["loss_test"]

    run(scenario())


def test_e2e_session_survives_client_dropping_mid_frame(live_server: LiveServer) -> None:
    async def scenario() -> None:
        async with httpx.AsyncClient(base_url=live_server.url) as http:
            session_id, token = await _create(http, hash="networkShape=8,8,8,8,8,8&seed=0.1")
            url = f"{live_server.ws_url}/ws/sessions/{session_id}"
            ws = await connect(url, max_size=None)
            await _recv_state(ws)
            await ws.send(json.dumps({"type": "auth", "token": token}))
            await ws.send(json.dumps({"type": "play"}))
            while parse_frame(await _recv_frame(ws)).epoch < 1:  # the greeting's frame is epoch 0
                pass
            # cut the TCP connection under the websocket while frames are in flight
            transport_socket = ws.transport.get_extra_info("socket")
            transport_socket.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            ws.transport.abort()
            await asyncio.sleep(0.5)
            state = (await http.get(f"/api/sessions/{session_id}")).json()
            assert state["watchers"] == 0 and state["playing"] is False and state["epoch"] >= 1
            async with connect(url) as again:
                assert (await _recv_state(again))["epoch"] == state["epoch"]
            health = await http.get("/healthz")
            assert health.status_code == 200

    run(scenario())
