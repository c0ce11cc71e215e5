"""Serving a classroom: where students can reach the server, and the two
ways to choose the address (make run HOST=… PORT=…, PLAYGROUND_HOST/PORT)."""

from __future__ import annotations

import ipaddress
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.app.conftest import make_client

ROOT = Path(__file__).resolve().parents[2]


def ip_command_addresses() -> list[str]:
    """IPv4 addresses of the interfaces that are up, read from iproute2 (an
    independent listing), without loopback and link-local ones."""
    out = subprocess.run(["ip", "-4", "-o", "addr", "show", "up"], capture_output=True, text=True, check=True).stdout
    found = []
    for line in out.splitlines():
        address = ipaddress.ip_address(line.split("inet ", 1)[1].split("/", 1)[0])
        if not (address.is_loopback or address.is_link_local):
            found.append(str(address))
    return found


def test_server_reach_on_loopback_says_how_to_start_it() -> None:
    with make_client(host="127.0.0.1", port=8000) as client:
        answer = client.get("/api/server/reach").json()
    assert answer["listening_beyond_loopback"] is False and answer["urls"] == []
    assert "make run HOST=0.0.0.0 PORT=8000" in answer["command"] and "PLAYGROUND_HOST=0.0.0.0" in answer["command"]


@pytest.mark.skipif(shutil.which("ip") is None, reason="needs iproute2's ip to list the interfaces independently")
def test_server_reach_on_all_interfaces_lists_their_addresses() -> None:
    with make_client(host="0.0.0.0", port=8123) as client:
        answer = client.get("/api/server/reach").json()
    assert answer["listening_beyond_loopback"] is True
    assert sorted(answer["urls"]) == sorted(f"http://{ip}:8123" for ip in ip_command_addresses())


def test_server_reach_on_one_address_lists_that_address() -> None:
    with make_client(host="10.1.2.3", port=8000) as client:
        answer = client.get("/api/server/reach").json()
    assert answer["listening_beyond_loopback"] is True and answer["urls"] == ["http://10.1.2.3:8000"]


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_run_passes_host_and_port_else_leaves_the_environment_to_the_server() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("HOST", "PORT")}
    given = subprocess.run(
        ["make", "-n", "run", "HOST=0.0.0.0", "PORT=8123"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "playground --host 0.0.0.0 --port 8123" in given
    from_env = subprocess.run(
        ["make", "-n", "run"],
        cwd=ROOT,
        env={**env, "PLAYGROUND_HOST": "0.0.0.0"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "--host" not in from_env and "--port" not in from_env  # the server reads PLAYGROUND_HOST itself


def test_cli_defaults_come_from_the_environment() -> None:
    env = {**os.environ, "PLAYGROUND_HOST": "0.0.0.0", "PLAYGROUND_PORT": "9123"}
    shown = subprocess.run(
        [sys.executable, "-m", "app", "--help"], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout
    assert "default 0.0.0.0" in shown and "default 9123" in shown


def test_share_base_prefers_a_reachable_address_to_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    from app.web import addresses

    monkeypatch.setattr(addresses, "interface_addresses", lambda: ["192.168.1.20"])
    base = addresses.share_base
    # A teacher on 127.0.0.1, server on every interface: students get the network address.
    assert base("127.0.0.1", "http://127.0.0.1:8000/", "0.0.0.0", 8000, "http") == "http://192.168.1.20:8000"
    # The teacher already used the network address: kept.
    assert base("192.168.1.20", "http://192.168.1.20:8000/", "0.0.0.0", 8000, "http") == "http://192.168.1.20:8000"
    # Only loopback is listened on: nothing better to offer (the dialog says how to fix it).
    assert base("localhost", "http://localhost:8000/", "127.0.0.1", 8000, "http") == "http://localhost:8000"
    # A forged Host never makes it into a class link.
    assert base("evil.example", "http://evil.example/", "0.0.0.0", 8000, "http") == "http://192.168.1.20:8000"
    assert base("evil.example", "http://evil.example/", "127.0.0.1", 8000, "http") == "http://127.0.0.1:8000"
    # PLAYGROUND_PUBLIC_URL wins (behind a proxy).
    assert base("evil.example", "x", "0.0.0.0", 8000, "http", "https://play.example.edu/") == (
        "https://play.example.edu"
    )


def test_server_start_up_freezes_what_it_made_for_the_garbage_collector() -> None:
    """After start-up the server's long-lived objects are frozen, so full
    collections (which hold the GIL) walk only what came since."""
    import asyncio
    import gc

    import uvicorn

    from app.cli import PlaygroundServer
    from app.main import create_app
    from app.settings import Settings
    from tests.live_server import free_port

    async def scenario() -> int:
        settings = Settings.from_env()
        server = PlaygroundServer(
            uvicorn.Config(create_app(settings), host="127.0.0.1", port=free_port(), log_level="warning")
        )
        serving = asyncio.create_task(server.serve())
        while not server.started:
            assert not serving.done(), "the server stopped while starting"
            await asyncio.sleep(0.05)
        frozen = gc.get_freeze_count()
        gc.unfreeze()  # this test process goes on collecting as before
        server.should_exit = True
        await serving
        return frozen

    gc.unfreeze()
    assert asyncio.run(scenario()) > 10_000  # the app and the modules it imported
