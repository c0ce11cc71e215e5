"""Real headless Chromium (Debian's /usr/bin/chromium) driven by Playwright's
sync API, against the real server (tests/live_server.py).

The whole folder runs in a network namespace of its own (tests/browser/netns.py):
the machine's interfaces changing (podman starting a container) would otherwise
fail Chromium's requests with net::ERR_NETWORK_CHANGED. So this folder has its
own server (``live_server``), started inside it.

Every page records console errors and uncaught exceptions; a test fails at
teardown if there were any, unless it declared the ones it expects.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.netns import OwnNetwork
from tests.browser.pageutil import open_page
from tests.live_server import LiveServer

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-output" / "screenshots"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="package", autouse=True)
def own_network() -> Iterator[OwnNetwork]:
    """Everything the browser tests start lives in a network namespace of its own
    (PLAYGROUND_BROWSER_NETNS=0: in the machine's, e.g. to watch a test's server from outside)."""
    network = OwnNetwork()
    if os.environ.get("PLAYGROUND_BROWSER_NETNS") == "0":
        network.why_not = "PLAYGROUND_BROWSER_NETNS=0"
    elif not network.enter():
        warnings.warn(
            f"browser tests in the machine's network namespace ({network.why_not}): "
            "an interface changing meanwhile fails Chromium's requests",
            stacklevel=1,
        )
    yield network
    network.leave()


@pytest.fixture(scope="package")
def live_server(own_network: OwnNetwork) -> Iterator[LiveServer]:
    """The browser tests' own real server, in their network namespace (as tests/conftest.py's)."""
    with LiveServer(env={"PLAYGROUND_CLIENT_LIMITS": "0"}) as server:
        yield server


@pytest.fixture(scope="package")
def browser(own_network: OwnNetwork) -> Iterator[object]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium package (make browser)"
        if os.environ.get("PLAYGROUND_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield browser
        browser.close()


class ConsoleLog:
    """Console errors and page exceptions of one page."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.allowed: list[str] = []  # substrings of errors a test expects

    def record(self, text: str) -> None:
        self.errors.append(text)

    def unexpected(self) -> list[str]:
        return [e for e in self.errors if not any(a in e for a in self.allowed)]


def watch_console(page: object, log: ConsoleLog) -> None:
    page.on("console", lambda message: log.record(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: log.record(f"pageerror: {error}"))


def student_page(browser: Any, console: ConsoleLog, server: Any, session: str, lang: str = "") -> Any:
    """A student's page watching ``session``: another browser (a context of its own: no storage
    shared with the teacher's, who would get control back).  What it sends on its websocket
    is kept in ``window.__sent``."""
    student = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    watch_console(student, console)
    student.add_init_script(
        "window.__sent = []; const send = WebSocket.prototype.send;"
        " WebSocket.prototype.send = function (data) { window.__sent.push(data); return send.call(this, data); };"
    )
    query = f"?session={session}" + (f"&lang={lang}" if lang else "")
    open_page(student, server, hash="", query=query, status="watching")
    return student


@pytest.fixture
def console() -> ConsoleLog:
    return ConsoleLog()


@pytest.fixture
def context(browser: object) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    yield context
    context.close()


@pytest.fixture
def page(context: object, console: ConsoleLog) -> Iterator[object]:
    page = context.new_page()
    watch_console(page, console)
    yield page
    assert console.unexpected() == [], f"console errors: {console.unexpected()}"


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


# What a page logs while its server restarts or a connection drops (tests that do that allow them).
NETWORK_ERRORS = ["WebSocket connection to", "net::ERR_CONNECTION_REFUSED", "Failed to load resource"]


@pytest.fixture
def stored_server(tmp_path: Path) -> Iterator[LiveServer]:
    """A server of its own that keeps its sessions in SQLite, as `make run` does."""
    server = LiveServer(env={"PLAYGROUND_DATA_DIR": str(tmp_path), "PLAYGROUND_CLIENT_LIMITS": "0"})
    server.start()
    try:
        yield server
    finally:
        server.stop()
