from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.live_server import LiveServer


@pytest.fixture(scope="session")
def live_server() -> Iterator[LiveServer]:
    """One real uvicorn server on a free loopback port for the whole run."""
    with LiveServer() as server:
        yield server
