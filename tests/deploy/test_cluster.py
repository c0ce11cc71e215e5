"""scripts/cluster.sh for real: Redis, two playground processes and nginx on
loopback.  Any process serves any session (forwarding to its owner), nginx
keeps each session's requests on one process, a controller and a watcher
on different processes both get the frames, commands work through any
process, and a Redis restart under load is ridden out."""

from __future__ import annotations

import json
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.deploy.clusterutil import Cluster, PageClient, cluster_script, serve_30_sessions, wait_for
from tests.live_server import free_port
from tests.services import require_binary

MIN_FPS = 20.0
MEASURE_SECONDS = 3.0


def _free_run(count: int) -> int:
    """The first of ``count`` consecutive free loopback ports."""
    for _ in range(100):
        first = free_port()
        if first + count <= 65535 and all(_free(port) for port in range(first, first + count)):
            return first
    raise RuntimeError(f"no {count} consecutive free ports")


def _free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


# The module's cluster runs on ports the test chose (PLAYGROUND_CLUSTER_*PORT).
PORTS = {"PLAYGROUND_CLUSTER_PORT": 0, "PLAYGROUND_CLUSTER_REDIS_PORT": 0, "PLAYGROUND_CLUSTER_APP_PORT": 0}


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    first_app = _free_run(2)
    taken = {first_app, first_app + 1}
    proxy = next(port for port in iter(free_port, None) if port not in taken)
    redis = next(port for port in iter(free_port, None) if port not in taken | {proxy})
    PORTS.update(
        PLAYGROUND_CLUSTER_PORT=proxy, PLAYGROUND_CLUSTER_REDIS_PORT=redis, PLAYGROUND_CLUSTER_APP_PORT=first_app
    )
    running = Cluster(tmp_path_factory.mktemp("cluster") / "run", processes=2, ports=PORTS)
    try:
        yield running
    finally:
        running.down()


def test_cluster_listens_on_the_ports_its_variables_name(cluster: Cluster, http: httpx.Client) -> None:
    assert cluster.proxy == f"127.0.0.1:{PORTS['PLAYGROUND_CLUSTER_PORT']}"
    first = PORTS["PLAYGROUND_CLUSTER_APP_PORT"]
    assert cluster.app_ports == [first, first + 1]
    assert cluster.env["REDIS_URL"] == f"redis://127.0.0.1:{PORTS['PLAYGROUND_CLUSTER_REDIS_PORT']}/0"
    for port in [None, first, first + 1]:
        assert http.get(f"{cluster.url(port)}/healthz").status_code == 200


@pytest.mark.parametrize(
    ("ports", "message"),
    [
        (
            {"PLAYGROUND_CLUSTER_PORT": "80a"},
            "PLAYGROUND_CLUSTER_PORT must be a port number from 1 to 65535, got '80a'",
        ),
        ({"PLAYGROUND_CLUSTER_REDIS_PORT": "0"}, "PLAYGROUND_CLUSTER_REDIS_PORT must be a port number from 1 to 65535"),
        ({"PLAYGROUND_CLUSTER_APP_PORT": "65535"}, "PLAYGROUND_CLUSTER_APP_PORT=65535 leaves no room for 2 processes"),
        ({"PLAYGROUND_CLUSTER_PORT": "30001", "PLAYGROUND_CLUSTER_APP_PORT": "30000"}, "the ports set overlap"),
    ],
)
def test_cluster_refuses_bad_port_variables_before_starting_anything(
    tmp_path: Path, ports: dict[str, str], message: str
) -> None:
    require_binary("redis-server")  # the script checks its binaries first
    require_binary("nginx")
    refused = cluster_script(tmp_path / "run", "up", "2", ports=ports)
    assert refused.returncode != 0 and message in refused.stderr
    assert not (tmp_path / "run").exists()  # nothing started, nothing written


def test_cluster_refuses_a_port_in_use(tmp_path: Path) -> None:
    require_binary("redis-server")
    require_binary("nginx")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        refused = cluster_script(tmp_path / "run", "up", "1", ports={"PLAYGROUND_CLUSTER_REDIS_PORT": port})
    assert refused.returncode != 0
    assert f"port {port} (PLAYGROUND_CLUSTER_REDIS_PORT) is in use on 127.0.0.1" in refused.stderr


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=30) as client:
        yield client


def test_cluster_routes_every_name_of_a_session_to_one_process(cluster: Cluster, http: httpx.Client) -> None:
    served = set()
    for _ in range(8):
        session_id, _ = cluster.create(http)
        by_rest = {http.get(f"{cluster.url()}/api/sessions/{session_id}").headers["x-served-by"] for _ in range(3)}
        by_page = http.get(f"{cluster.url()}/", params={"session": session_id}).headers["x-served-by"]
        page = PageClient(cluster.ws(session_id))
        page.start()
        assert wait_for(lambda page=page: page.states)  # greeted with the session's state
        page.stop()
        assert len(by_rest) == 1 and by_rest == {by_page} == set(page.served_by)  # sticky: one process every time
        served |= by_rest
    assert len(served) == 2  # both processes get their share


def test_cluster_serves_30_sessions_created_through_the_proxy(cluster: Cluster, http: httpx.Client) -> None:
    serve_30_sessions(cluster, http)


def test_cluster_controller_and_watcher_on_two_processes_both_get_20_fps(cluster: Cluster, http: httpx.Client) -> None:
    first, second = cluster.app_ports
    session_id, token = cluster.create(http, first)
    controller = PageClient(cluster.ws(session_id, first), token, play=True)
    watcher = PageClient(cluster.ws(session_id, second), focus=3)  # hovering a node: its full grid too
    controller.start()
    watcher.start()
    try:
        assert wait_for(lambda: len(watcher.frames) >= 5 and len(controller.frames) >= 5, 20)
        start = time.monotonic()
        time.sleep(MEASURE_SECONDS)
        end = time.monotonic()
    finally:
        controller.stop()
        watcher.stop()
    rates = controller.rate(start, end), watcher.rate(start, end)
    print(f"\ncontroller on one process {rates[0]:.0f} frames/s, watcher on the other {rates[1]:.0f} frames/s")
    assert min(rates) >= MIN_FPS
    assert watcher.states[0][1]["watchers"] == 2  # the owner counts the relayed watcher
    assert len(watcher.grids) >= 0.8 * len(watcher.frames) and set(watcher.grids) == {3}
    assert not controller.grids  # only the client that asked gets them


def test_cluster_unknown_session_is_4404_through_any_process(cluster: Cluster) -> None:
    for port in [None, *cluster.app_ports]:
        page = PageClient(cluster.ws("no-such-session", port))
        page.start()
        assert wait_for(lambda page=page: page.lost is not None)
        assert page.lost == 4404
        page.stop()


def test_cluster_commands_reach_the_owner_through_any_process(cluster: Cluster, http: httpx.Client) -> None:
    first, second = cluster.app_ports
    session_id, token = cluster.create(http, first, hash="networkShape=3&seed=0.5")
    auth = {"Authorization": f"Bearer {token}"}
    watcher = PageClient(cluster.ws(session_id, first))  # keeps the session on the first process
    watcher.start()
    remote = PageClient(cluster.ws(session_id, second), token)
    remote.start()
    try:
        assert wait_for(lambda: watcher.states and remote.states)
        patched = http.patch(
            f"{cluster.url(second)}/api/sessions/{session_id}/config", json={"networkShape": [4, 2]}, headers=auth
        )
        assert patched.status_code == 200 and patched.headers["x-playground-effect"] == "reset"
        assert wait_for(lambda: watcher.states[-1][1]["shape"] == [2, 4, 2, 1])  # broadcast by the owner
        assert wait_for(lambda: any(t == {"type": "auth", "role": "control"} for t in remote.texts))
        remote_ws_commands = [{"type": "speed", "epochs_per_frame": 7}, {"type": "ping"}]
        for command in remote_ws_commands:
            _send(cluster, session_id, second, token, command)
        assert wait_for(lambda: any(t.get("epochs_per_frame") == 7 for t in watcher.texts if t["type"] == "status"))
        wrong = http.post(
            f"{cluster.url(second)}/api/sessions/{session_id}/reset", headers={"Authorization": "Bearer wrong"}
        )
        assert wrong.status_code == 403
        assert http.get(f"{cluster.url(second)}/api/sessions/{session_id}").json()["epochs_per_frame"] == 7
    finally:
        watcher.stop()
        remote.stop()


def _send(cluster: Cluster, session_id: str, port: int, token: str, command: dict[str, object]) -> None:
    """One command from a controller connected to ``port``; waits for its answer or effect."""
    from websockets.sync.client import connect

    with connect(cluster.ws(session_id, port), open_timeout=10) as ws:
        ws.send(json.dumps({"type": "auth", "token": token}))
        ws.send(json.dumps(command))
        expected = "pong" if command["type"] == "ping" else "status"
        for _ in range(1000):
            message = ws.recv(timeout=10)
            if isinstance(message, str) and json.loads(message)["type"] == expected:
                return
    raise AssertionError(f"no {expected} for {command}")


def test_cluster_rides_out_a_redis_restart_under_load(cluster: Cluster, http: httpx.Client) -> None:
    first, second = cluster.app_ports
    session_id, token = cluster.create(http, first)
    controller = PageClient(cluster.ws(session_id, first), token, play=True)
    watcher = PageClient(cluster.ws(session_id, second), focus=3)  # hovering a node: its full grid too
    controller.start()
    watcher.start()
    try:
        assert wait_for(lambda: len(watcher.frames) >= 5)
        restarted = cluster_script(cluster.run_dir, "restart-redis")
        assert restarted.returncode == 0, restarted.stderr
        after = time.monotonic()
        # Both processes reconnect: the watcher across processes gets frames again, new sessions work.
        assert wait_for(lambda: any(arrived > after + 0.5 for arrived, _ in watcher.frames), 20)
        assert wait_for(lambda: http.post(f"{cluster.url()}/api/sessions", json={}).status_code == 201, 20)
        assert sorted(cluster.alive()) == sorted(cluster.app_ports)
        for port in cluster.app_ports:
            assert http.get(f"{cluster.url(port)}/api/sessions/{session_id}").status_code == 200
    finally:
        controller.stop()
        watcher.stop()
    for k in (1, 2):
        assert "Traceback" not in (cluster.run_dir / f"app-{k}.log").read_text()


def test_cluster_refuses_to_start_twice(cluster: Cluster) -> None:
    again = cluster_script(cluster.run_dir, "up", "1")
    assert again.returncode != 0 and "already running" in again.stderr
    assert sorted(cluster.alive()) == sorted(cluster.app_ports)  # the running cluster is untouched


def test_cluster_down_leaves_no_process_behind(cluster: Cluster) -> None:
    # Last in this file: it stops the module's cluster (the fixture's own
    # `down` then finds nothing to do), rather than paying for another start.
    import socket

    pids = cluster.pids()
    redis_port = int(cluster.env["REDIS_URL"].rsplit(":", 1)[1].split("/")[0])
    ports = [int(cluster.env["NGINX_PORT"]), redis_port, *cluster.app_ports]
    workers = subprocess.run(["pgrep", "-P", str(pids["nginx"])], capture_output=True, text=True).stdout.split()

    def listening(port: int) -> bool:
        with socket.socket() as sock:
            return sock.connect_ex(("127.0.0.1", port)) == 0

    assert set(pids) == {"redis", "app-1", "app-2", "nginx"} and workers and all(map(listening, ports))
    stopped = cluster_script(cluster.run_dir, "down")
    assert stopped.returncode == 0, stopped.stderr
    assert not any(map(listening, ports))
    assert not list(cluster.run_dir.glob("*.pid"))
    assert (cluster.run_dir / "redis" / "appendonlydir").is_dir()  # AOF was on
    assert "sessions saved" in (cluster.run_dir / "app-1.log").read_text()  # SIGTERM: saved before exiting
