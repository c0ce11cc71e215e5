"""Play, pause, step, reset and the changes that do or do not reset."""

from __future__ import annotations

import time

import pytest

from tests.browser.pageutil import (
    epoch,
    generation,
    heatmap_bytes,
    loss,
    open_page,
    rest_state,
    session_id,
    thumbnail_count,
    wait_until,
)

pytestmark = pytest.mark.browser


def test_play_raises_epoch_and_lowers_loss_then_pause_stops(page, live_server):
    open_page(page, live_server)
    first_loss = loss(page)
    page.click("#play-pause-button")
    wait_until(lambda: epoch(page) >= 150, timeout=60)
    assert page.locator("#play-pause-button.playing").count() == 1
    assert loss(page) < first_loss - 0.1, "the training loss falls on circle"
    # The dashes drift with the epoch (the pattern's offset is -epoch / 3, as the original's).
    offset, shown = page.evaluate(
        "[window.__playground.network.linkCanvas.dashOffset,"
        " Number(document.getElementById('iter-number').textContent.replace(/,/g, ''))]"
    )
    assert offset == pytest.approx(-shown / 3, abs=0.01)
    # Where the pattern "9 on, 1 off" at that offset puts a gap, the page's
    # background shows; half a period away, the link's colour. Along the widest link.
    gap, dash = page.evaluate(
        """() => { const net = window.__playground.network; const c = net.linkCanvas;
            const link = net.links.filter((l) => l.line).sort((a, b) => b.width - a.width)[0];
            const { xs, ys, at } = link.line; const o = c.dashOffset; const r = c.canvas.width / c.width;
            const around = (s) => { let k = 1; while (at[k] < s) k += 1;  // the 3x3 pixels at arc length s
                const t = (s - at[k - 1]) / (at[k] - at[k - 1]);
                const x = xs[k - 1] + (xs[k] - xs[k - 1]) * t, y = ys[k - 1] + (ys[k] - ys[k - 1]) * t;
                const d = c.ctx.getImageData(Math.floor(x * r) - 1, Math.floor(y * r) - 1, 3, 3).data;
                return [...Array(9).keys()].map((i) => Array.from(d.slice(4 * i, 4 * i + 4))); };
            const first = (((9 - o) % 10) + 10) % 10 + 40.5;
            return [around(first), around(first - 5)[4]]; }"""
    )
    # The 1 px gap crosses the curve at an angle, anti-aliased over its
    # neighbours: the one nearest the background is much nearer than the dash is.
    distance = lambda rgba: max(abs(a - b) for a, b in zip(rgba, [0xF7, 0xF7, 0xF7, 255], strict=True))  # noqa: E731
    assert distance(dash) > 100 and min(map(distance, gap)) < 0.6 * distance(dash), (gap, dash)
    page.click("#play-pause-button")
    page.wait_for_selector("#play-pause-button:not(.playing)")
    # The server reads its state after any tick still running (in the session's lane);
    # the page then shows that epoch once the tick's frame lands.
    paused = rest_state(live_server, session_id(page))
    assert paused["playing"] is False
    wait_until(lambda: epoch(page) == paused["epoch"])
    time.sleep(1.0)  # nothing may happen meanwhile
    assert epoch(page) == paused["epoch"], "pause stops training"
    assert rest_state(live_server, session_id(page))["epoch"] == paused["epoch"]


def test_step_adds_exactly_one_epoch_and_reset_returns_to_zero(page, live_server):
    open_page(page, live_server)
    page.click("#next-step-button")
    wait_until(lambda: epoch(page) == 1)
    page.click("#next-step-button")
    page.click("#next-step-button")
    wait_until(lambda: epoch(page) == 3)
    time.sleep(0.5)
    assert epoch(page) == 3
    assert rest_state(live_server, session_id(page))["epoch"] == 3
    before = heatmap_bytes(page)
    old_generation = generation(page)
    page.click("#reset-button")
    wait_until(lambda: epoch(page) == 0 and generation(page) > old_generation)
    wait_until(lambda: heatmap_bytes(page) != before)  # new weights drawn


def test_learning_rate_change_keeps_epoch_but_activation_resets(page, live_server):
    open_page(page, live_server)
    for _ in range(5):
        page.click("#next-step-button")
    wait_until(lambda: epoch(page) == 5)
    page.select_option("#learningRate", "0.1")
    wait_until(lambda: "learningRate=0.1&" in page.evaluate("location.hash"))
    assert epoch(page) == 5
    assert rest_state(live_server, session_id(page))["config"]["learningRate"] == 0.1
    page.select_option("#activations", "relu")
    wait_until(lambda: epoch(page) == 0)
    assert "activation=relu" in page.evaluate("location.hash")


def test_layer_and_neuron_buttons_add_thumbnails(page, live_server):
    open_page(page, live_server)
    assert thumbnail_count(page) == 6
    page.click("#add-layers")
    wait_until(lambda: thumbnail_count(page) == 8)  # a new layer gets 2 neurons
    assert page.inner_text("#num-layers") == "3"
    page.locator(".layer-controls").nth(2).locator("button", has_text="+").click()
    wait_until(lambda: thumbnail_count(page) == 9)
    assert page.locator(".layer-controls .label").nth(2).inner_text() == "3 neurons"
    page.click("#remove-layers")
    wait_until(lambda: thumbnail_count(page) == 6)
    state = rest_state(live_server, session_id(page))
    assert state["config"]["networkShape"] == [4, 2]
    # Frames of the new shape are drawn: every thumbnail painted.
    wait_until(
        lambda: page.evaluate(
            "[...document.querySelectorAll('#network .node')].every(n =>"
            " (window.__playground.network.thumbnailPixels(Number(n.dataset.thumb)) || [])[3] === 160)"
        )
    )


def test_feature_click_toggles_an_input(page, live_server):
    open_page(page, live_server)
    node = page.locator(".node.feature[data-feature='xSquared']")
    assert "inactive" in (node.get_attribute("class") or "")
    links_before = page.locator("#svg path.link-hover").count()
    node.click()
    page.wait_for_selector(".node.feature.active[data-feature='xSquared']")
    state = rest_state(live_server, session_id(page))
    assert state["config"]["xSquared"] is True and state["shape"][0] == 3
    assert page.locator("#svg path.link-hover").count() == links_before + 4
    page.locator(".node.feature[data-feature='x']").click()
    page.wait_for_selector(".node.feature.inactive[data-feature='x']")
    assert rest_state(live_server, session_id(page))["shape"][0] == 2


def test_keyboard_space_plays_s_steps_r_resets(page, live_server):
    open_page(page, live_server)
    page.keyboard.press("s")
    wait_until(lambda: epoch(page) == 1)
    page.keyboard.press(" ")
    wait_until(lambda: epoch(page) > 5)
    page.keyboard.press(" ")
    page.wait_for_selector("#play-pause-button:not(.playing)")
    page.keyboard.press("r")
    wait_until(lambda: epoch(page) == 0)
    # Space on a focused button presses that button (issue 19): here a step, not play.
    page.focus("#next-step-button")
    page.keyboard.press(" ")
    wait_until(lambda: epoch(page) == 1)
    time.sleep(0.5)
    assert page.locator("#play-pause-button.playing").count() == 0 and epoch(page) == 1
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("r")
    wait_until(lambda: epoch(page) == 0)
    # Typing in an input is not a shortcut.
    page.focus("#noise")
    page.keyboard.press("s")
    time.sleep(0.5)
    assert epoch(page) == 0


def test_speed_control_trains_more_epochs_per_frame(page, live_server):
    open_page(page, live_server)
    page.click("#speed button[data-speed='100']")
    page.wait_for_selector("#speed button[data-speed='100'][aria-pressed='true']")
    page.click("#play-pause-button")
    wait_until(lambda: epoch(page) >= 1000, timeout=60)
    # The readout is published twice a second: read it while frames still come.
    stats = wait_until(lambda: (s := page.evaluate("window.__playgroundStats"))["fps"] > 0 and s, timeout=10)
    page.click("#play-pause-button")
    assert rest_state(live_server, session_id(page))["epochs_per_frame"] == 100
    assert stats["frames"] > 1 and stats["epochsPerSec"] > stats["fps"]
