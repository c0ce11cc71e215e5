"""Why the browser tests run in a network namespace of their own
(tests/browser/netns.py), checked on every run: an address changing anywhere
Chromium can see fails a loading page's requests with net::ERR_NETWORK_CHANGED,
and the page never connects; in the tests' namespace nothing but the loopback exists."""

from __future__ import annotations

import subprocess
import threading

import pytest

from tests.browser.netns import OwnNetwork, interfaces
from tests.browser.pageutil import open_page
from tests.services import require_binary

pytestmark = pytest.mark.browser


def test_the_browser_tests_see_only_a_loopback(own_network: OwnNetwork):
    if own_network.home is None:
        pytest.skip(f"not in a namespace of their own: {own_network.why_not}")
    assert interfaces() == ["lo"]


def test_an_address_changing_fails_chromiums_requests_with_network_changed(browser, live_server, own_network):
    """What podman does on the machine, done here in the tests' own namespace (where it
    harms nobody else): a veth pair whose address comes and goes every 20 ms."""
    if own_network.home is None:
        pytest.skip(f"changing interfaces needs the tests' own namespace: {own_network.why_not}")
    ip = require_binary("ip")
    subprocess.run([ip, "link", "add", "hv0", "type", "veth", "peer", "name", "hv1"], check=True)
    stop = threading.Event()

    def flap() -> None:
        subprocess.run([ip, "link", "set", "hv0", "up"], check=True)
        while not stop.is_set():
            for verb in ("add", "del"):
                subprocess.run([ip, "addr", verb, "10.77.0.1/24", "dev", "hv0"], check=True)
                stop.wait(0.02)

    flapping = threading.Thread(target=flap)
    flapping.start()
    context = browser.new_context()  # its console errors are the point: no console check here
    try:
        page = context.new_page()
        failures: list[str] = []
        page.on("requestfailed", lambda request: failures.append(str(request.failure)))
        page.goto(f"{live_server.url}/?lang=en", wait_until="commit")
        page.wait_for_event("requestfailed", timeout=20_000)
        assert any("ERR_NETWORK_CHANGED" in failure for failure in failures), failures
    finally:
        stop.set()
        flapping.join()
        subprocess.run([ip, "link", "del", "hv0"], check=True)
        context.close()
    # Quiet again: the same page loads and connects, no request failing.
    context = browser.new_context()
    try:
        page = context.new_page()
        failures = []
        page.on("requestfailed", lambda request: failures.append(str(request.failure)))
        open_page(page, live_server)
        assert failures == []
    finally:
        context.close()
