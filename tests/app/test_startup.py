"""The `playground` command refuses to start, in one line and with a non-zero
status, when it cannot: its port is taken, Redis does not answer, the store
file is not a database.  A Redis-mode process on a busy port used to hang in
"Waiting for application shutdown" and ignore SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.live_server import ROOT, free_port
from tests.services import RedisServer

SIGTERM_GRACE_SECONDS = 5.0


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield int(sock.getsockname()[1])


def start(port: int, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "app", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str], settle: float) -> tuple[int, str]:
    """Let it run ``settle`` seconds (it may exit by itself), then SIGTERM: it must be
    gone within SIGTERM_GRACE_SECONDS.  Returns its status and what it wrote to stderr."""
    try:
        process.wait(settle)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(SIGTERM_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            pytest.fail(f"still running {SIGTERM_GRACE_SECONDS} s after SIGTERM")
    _, stderr = process.communicate()
    return process.returncode, stderr


def test_startup_redis_mode_on_a_busy_port_exits_with_one_line(busy_port: int, tmp_path: Path) -> None:
    redis = RedisServer(tmp_path / "redis")
    redis.start()
    try:
        status, stderr = finish(start(busy_port, PLAYGROUND_REDIS_URL=redis.url), settle=60)
    finally:
        redis.stop()
    assert status != 0
    assert f"cannot listen on 127.0.0.1:{busy_port}" in stderr and "Traceback" not in stderr, stderr


def test_startup_sqlite_mode_on_a_busy_port_exits_with_one_line(busy_port: int, tmp_path: Path) -> None:
    status, stderr = finish(start(busy_port, PLAYGROUND_DATA_DIR=str(tmp_path)), settle=60)
    assert status != 0 and f"cannot listen on 127.0.0.1:{busy_port}" in stderr and "Traceback" not in stderr


def test_startup_with_redis_unreachable_exits_with_one_line(tmp_path: Path) -> None:
    nowhere = f"redis://127.0.0.1:{free_port()}/0"
    status, stderr = finish(start(free_port(), PLAYGROUND_REDIS_URL=nowhere), settle=90)
    assert status != 0
    assert "does not answer" in stderr and "PLAYGROUND_REDIS_URL" in stderr and "Traceback" not in stderr, stderr


def test_startup_waiting_for_redis_honours_sigterm(tmp_path: Path) -> None:
    nowhere = f"redis://127.0.0.1:{free_port()}/0"
    status, _ = finish(start(free_port(), PLAYGROUND_REDIS_URL=nowhere), settle=0.5)
    assert status != 0


def test_startup_with_a_store_file_that_is_not_a_database_exits_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "sessions.sqlite3").write_bytes(b"this is not a database, it is a shopping list\n" * 100)
    status, stderr = finish(start(free_port(), PLAYGROUND_DATA_DIR=str(tmp_path)), settle=60)
    assert status != 0
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot be opened" in lines[0] and "sessions.sqlite3" in lines[0], stderr
