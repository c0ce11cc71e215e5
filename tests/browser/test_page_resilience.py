"""The page recovers by itself when the server goes away and comes back,
and draws a frame of the largest network well within a display frame."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.conftest import NETWORK_ERRORS
from tests.browser.pageutil import (
    SPIRAL_6X8,
    epoch,
    loss,
    open_page,
    rest_state,
    session_id,
    wait_status,
    wait_until,
)
from tests.live_server import LiveServer

pytestmark = pytest.mark.browser

# What Chromium itself logs while the server is down: expected here only.


@pytest.fixture
def own_server() -> Iterator[LiveServer]:
    """A server this test may kill without disturbing the others."""
    with LiveServer() as server:
        yield server


def test_page_recovers_after_server_restart(page, own_server, console):
    console.allowed.extend(NETWORK_ERRORS)
    open_page(page, own_server)
    old_id = session_id(page)
    page.click("#play-pause-button")
    wait_until(lambda: epoch(page) >= 30, timeout=60)
    own_server.kill()
    wait_status(page, "reconnecting")
    before = epoch(page)
    own_server.start()
    # The server lost the session: the page recreates it from the hash and the
    # last network it drew, and goes on playing.
    wait_status(page, "connected", timeout=30_000)
    wait_until(lambda: session_id(page) != old_id)
    wait_until(lambda: epoch(page) > before + 20, timeout=60)
    state = rest_state(own_server, session_id(page))
    assert state["epoch"] >= before
    assert state["playing"] is True
    page.click("#play-pause-button")
    assert [e for e in console.errors if "pageerror" in e] == []


def test_page_reconnects_after_a_dropped_connection(page, own_server, console):
    console.allowed.extend(NETWORK_ERRORS)
    open_page(page, own_server)
    sid = session_id(page)
    page.evaluate("window.__droppedWs = window.__playground.connection.socket.ws; window.__droppedWs.close()")
    # A new socket (the close event has been seen), authenticated again.
    page.wait_for_function(
        "() => { const ws = window.__playground.connection.socket.ws; return ws && ws !== window.__droppedWs"
        " && document.getElementById('connection-status').dataset.status === 'connected'; }"
    )
    assert session_id(page) == sid, "the same session goes on"
    page.click("#next-step-button")
    wait_until(lambda: epoch(page) == 1)


def test_frame_draw_time_on_the_6x8_spiral_network(page, live_server, screenshots):
    open_page(page, live_server, SPIRAL_6X8)
    assert page.locator(".node.neuron").count() == 48
    assert page.locator("#svg path.link-hover").count() == 7 * 8 + 5 * 8 * 8 + 8
    page.click("#play-pause-button")
    wait_until(lambda: page.evaluate("window.__playgroundStats.frames") >= 300, timeout=120)
    page.click("#play-pause-button")
    stats = page.evaluate("window.__playgroundStats")
    print(
        f"\nframe draw, 6x8 spiral (7 features, 56 thumbnails, 384 links): "
        f"median {stats['drawMsMedian']:.2f} ms, p90 {stats['drawMsP90']:.2f} ms, max {stats['drawMsMax']:.2f} ms "
        f"over {stats['frames']} frames; {stats['epochsPerSec']:.0f} epochs/s, {stats['fps']:.0f} frames/s"
    )
    assert stats["drawMsMedian"] > 0, "the Performance API measured the draws"
    assert loss(page) < 0.45
    page.screenshot(path=str(screenshots / "trained_spiral_6x8.png"))


def test_frame_stats_count_one_painted_frame_per_server_frame(page, live_server):
    """The painted count (issue 13) is requestAnimationFrame callbacks that
    drew a new frame: one per frame the server sends, when the page keeps up."""
    open_page(page, live_server)
    counts = "() => [window.__playground.stats.received, window.__playground.stats.frames]"
    page.wait_for_function("() => window.__playground.stats.frames >= 1")
    for step in range(1, 6):
        received, painted = page.evaluate(counts)
        page.click("#next-step-button")
        wait_until(lambda s=step: epoch(page) == s)
        page.wait_for_function(f"() => window.__playground.stats.frames > {painted}")
        after_received, after_painted = page.evaluate(counts)
        assert after_painted == painted + 1 and after_received == received + 1
        shown = page.evaluate("Number(document.getElementById('iter-number').textContent.replace(/,/g, ''))")
        assert shown == step, "the painted frame is the server's new one"
