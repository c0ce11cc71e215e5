from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import settings

from tests.live_server import LiveServer

# Tests never assert on time: Hypothesis's default 200 ms deadline per example
# failed test_config_hash_round_trip on a loaded machine (a kernel compiling
# beside it), so no example has a deadline.
settings.register_profile("playground", deadline=None)
settings.load_profile("playground")


@pytest.fixture(scope="session")
def live_server() -> Iterator[LiveServer]:
    """One real uvicorn server on a free loopback port for the whole run.

    Every test talks to it from 127.0.0.1, so the per-client limits (which
    tests/app/test_abuse.py checks on a server of its own) are off here.
    """
    with LiveServer(env={"PLAYGROUND_CLIENT_LIMITS": "0"}) as server:
        yield server
