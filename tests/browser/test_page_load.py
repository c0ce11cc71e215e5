"""Loading the page: the first frame, the original's ids, and the colours
of a trained circle."""

from __future__ import annotations

import pytest

from tests.browser.pageutil import (
    DEFAULTS,
    heatmap_bytes,
    heatmap_rgba,
    loss,
    open_page,
    rest_state,
    session_id,
    wait_until,
    with_fields,
)

pytestmark = pytest.mark.browser

ORIGINAL_IDS = [
    "reset-button", "play-pause-button", "next-step-button", "iter-number", "learningRate", "activations",
    "regularizations", "regularRate", "problem", "percTrainData", "noise", "batchSize", "data-regen-button",
    "show-test-data", "discretize", "loss-train", "loss-test", "heatmap",
]  # fmt: skip


def test_page_keeps_the_original_element_ids(page, live_server):
    open_page(page, live_server)
    missing = [i for i in ORIGINAL_IDS if page.locator(f"#{i}").count() != 1]
    assert missing == []
    assert page.locator("#learningRate").input_value() == "0.03"
    assert page.locator("#activations").input_value() == "tanh"
    assert page.inner_text("#iter-number") == "000,000"


def test_page_draws_the_first_frame(page, live_server, screenshots):
    open_page(page, live_server)
    pixels = heatmap_bytes(page)
    alphas = set(pixels[3::4])
    colours = {tuple(pixels[k : k + 3]) for k in range(0, len(pixels), 4)}
    assert alphas == {160}, "every cell painted with the original's alpha"
    assert len(colours) >= 5, "a fresh network's output is not one flat colour"
    # All seven features are drawn, X1 and X2 active; 4 + 2 hidden thumbnails.
    assert page.locator(".node.feature").count() == 7
    assert page.locator(".node.feature.active").count() == 2
    assert page.locator(".node.neuron").count() == 6
    thumb_alpha = page.evaluate(
        "() => window.__playground.network.thumbnailPixels(Number(document.querySelector('.node.neuron')"
        ".dataset.thumb)).filter((v, i) => i % 4 === 3)"
    )
    assert set(thumb_alpha) == {160}
    # Links: one per weight, painted on the canvas, each with its hit path.
    assert page.locator("#svg path.link-hover").count() == 2 * 4 + 4 * 2 + 2 * 1
    assert page.evaluate("window.__playground.network.links.every(l => l.shape && l.color.startsWith('rgb'))")
    assert page.locator("#heatmap circle.train").count() == 250
    assert page.locator("#heatmap circle.test").count() == 0
    page.screenshot(path=str(screenshots / "default_1280x800.png"))


def test_page_shows_test_points_and_discretizes(page, live_server):
    open_page(page, live_server)
    page.click("label[for=show-test-data]")
    page.wait_for_function("document.querySelectorAll('#heatmap circle.test').length === 250")
    before = heatmap_bytes(page)
    page.click("label[for=discretize]")
    wait_until(lambda: heatmap_bytes(page) != before)
    after = heatmap_bytes(page)
    colours = {tuple(after[k : k + 3]) for k in range(0, len(after), 4)}
    ends = [(0xF5, 0x93, 0x22), (0x08, 0x77, 0xBD)]
    # Canvas pixels round-trip through premultiplied alpha: allow 2 units.
    stray = [c for c in colours if not any(max(abs(a - b) for a, b in zip(c, e, strict=True)) <= 2 for e in ends)]
    assert stray == [], "discretized: only the two end colours"
    assert len(colours) >= 2
    wait_until(lambda: "discretize=true" in page.evaluate("location.hash"))
    config = rest_state(live_server, session_id(page))["config"]
    assert config["showTestData"] is True and config["discretize"] is True


def test_page_trained_circle_is_blue_inside_orange_outside(page, live_server, screenshots):
    open_page(page, live_server, with_fields(xSquared=True, ySquared=True, x=False, y=False))
    page.click("#speed button[data-speed='10']")
    page.click("#play-pause-button")
    wait_until(lambda: loss(page) < 0.02, timeout=60)
    page.click("#play-pause-button")
    centre = heatmap_rgba(page, 0, 0)
    corner = heatmap_rgba(page, -5.8, 5.8)
    assert centre[2] > centre[0] + 60, f"centre should be blue-ish, got {centre}"
    assert corner[0] > corner[2] + 60, f"corner should be orange-ish, got {corner}"
    page.screenshot(path=str(screenshots / "trained_circle.png"))


def test_page_defaults_hash_opens_the_same_setup(page, live_server):
    open_page(page, live_server, DEFAULTS)
    state = rest_state(live_server, session_id(page))
    assert state["config"]["seed"] == "0.42"
    assert page.evaluate("location.hash.slice(1)") == state["config"]["hash"]


def test_page_static_urls_are_paths_not_absolute(page, live_server):
    # Absolute http:// URLs break behind a TLS proxy (mixed content).
    open_page(page, live_server)
    urls = page.evaluate(
        "() => [...document.querySelectorAll('link[href], script[src]')]"
        ".map(e => e.getAttribute('href') || e.getAttribute('src'))"
    )
    assert urls and all(url.startswith("/static/") for url in urls), urls
