"""Editing the network, the URL hash, classroom links and watchers."""

from __future__ import annotations

import json
import time

import pytest

from tests.browser.conftest import watch_console
from tests.browser.pageutil import (
    DEFAULTS,
    epoch,
    heatmap_bytes,
    heatmap_rgba,
    open_page,
    rest_state,
    session_id,
    wait_status,
    wait_until,
    with_fields,
)
from tests.core.conftest import REFERENCE_DIR

pytestmark = pytest.mark.browser
REFERENCE = REFERENCE_DIR  # tests/data/tfplayground


def test_weight_edit_in_the_page_changes_the_server(page, live_server):
    open_page(page, live_server)
    sid = session_id(page)
    # Link 0 of weight layer 1: hidden layer 1 node 0 -> hidden layer 2 node 0.
    index = 2 * 4  # the first 8 links are the inputs'
    hover = page.locator(f"#svg path.link-hover[data-index='{index}']")
    hover.hover(position=None, force=True)
    page.wait_for_selector("#hovercard:not([hidden])")
    shown = page.inner_text("#hovercard .text")
    exact = rest_state(live_server, sid)["weights"][1][0][0]
    assert shown.startswith("Weight is ")
    assert float(shown.removeprefix("Weight is ").rstrip(".")) == pytest.approx(exact, abs=0.06)
    hover.click(force=True)
    page.wait_for_selector("#hovercard .edit:not([hidden])")
    page.fill("#hovercard .edit", "1.5")
    page.press("#hovercard .edit", "Enter")
    wait_until(lambda: rest_state(live_server, sid)["weights"][1][0][0] == 1.5)
    # The bias square edits the bias the same way.
    bias = page.locator("#svg rect.bias[data-index='0']")
    bias.click(force=True)
    page.fill("#hovercard .edit", "-0.25")
    page.press("#hovercard .edit", "Enter")
    wait_until(lambda: rest_state(live_server, sid)["biases"][0][0] == -0.25)
    assert epoch(page) == 0, "an edit does not train or reset"


def test_tf_playground_hash_gives_the_reference_first_weights(page, live_server):
    reference = json.loads((REFERENCE / "spiral_tanh_4-2.json").read_text())
    open_page(page, live_server, with_fields(seed="0.12345", dataset="spiral", networkShape="4,2"))
    state = rest_state(live_server, session_id(page))
    assert state["config"]["seed"] == "0.12345"
    assert state["weights"] == reference["initial"]["weights"]
    assert state["biases"] == reference["initial"]["biases"]
    assert page.locator(".dataset.selected").get_attribute("data-dataset") == "spiral"


def test_hash_edited_by_hand_is_applied_live(page, live_server):
    open_page(page, live_server)
    sid = session_id(page)
    page.evaluate("h => { location.hash = h; }", with_fields(dataset="xor", networkShape="3"))
    page.wait_for_selector(".dataset.selected[data-dataset='xor']")
    wait_until(lambda: page.locator(".node.neuron").count() == 3)
    assert session_id(page) == sid, "same session, no reload"
    state = rest_state(live_server, sid)
    assert state["config"]["dataset"] == "xor" and state["config"]["networkShape"] == [3]
    assert page.evaluate("location.hash.slice(1)") == state["config"]["hash"]


def test_classroom_hide_keys_hide_controls_and_text(page, live_server, screenshots):
    hidden = ["learningRate", "regularization", "regularizationRate", "problem", "stepButton", "noise", "xSquared"]
    hash = with_fields(hideText=True, dataset="xor", networkShape="4") + "".join(f"&{n}_hide=true" for n in hidden)
    open_page(page, live_server, hash)
    for selector in ["#learningRate", "#regularizations", "#regularRate", "#problem", "#next-step-button", "#noise"]:
        assert not page.is_visible(selector), selector
    for selector in ["#activations", "#play-pause-button", "#reset-button", "#batchSize", "#percTrainData"]:
        assert page.is_visible(selector), selector
    assert page.locator(".node.feature[data-feature='xSquared']").count() == 0
    assert page.locator(".node.feature").count() == 6
    assert not page.is_visible("header") and not page.is_visible("#article-text")
    assert "xSquared_hide=true" in page.evaluate("location.hash")
    page.screenshot(path=str(screenshots / "classroom_link.png"))


def test_classroom_checkboxes_build_the_link(page, live_server):
    open_page(page, live_server)
    page.locator("label[for='hide-noise']").scroll_into_view_if_needed()
    page.click("label[for='hide-noise']")
    wait_until(lambda: "noise_hide=true" in page.evaluate("location.hash"))
    assert not page.is_visible("#noise")
    href = page.get_attribute("#classroom-link", "href")
    assert href is not None and "noise_hide=true" in href
    assert rest_state(live_server, session_id(page))["config"]["hidden"] == ["noise"]


def test_watcher_sees_frames_but_cannot_command(browser, page, live_server, console):
    open_page(page, live_server)
    sid = session_id(page)
    watcher = browser.new_context().new_page()  # another browser: the teacher's tokens are not in it
    watch_console(watcher, console)
    open_page(watcher, live_server, hash="", query=f"?session={sid}", status="watching")
    assert watcher.is_disabled("#play-pause-button")
    assert watcher.evaluate("document.body.classList.contains('watching')")
    page.click("#play-pause-button")
    wait_until(lambda: epoch(watcher) > 20, timeout=60)
    page.click("#play-pause-button")
    assert watcher.evaluate("sessionStorage.getItem('playground.session')") is None
    watcher.keyboard.press("r")
    time.sleep(0.5)
    assert epoch(page) > 0, "a watcher's keys do nothing"
    watcher.context.close()


def test_reload_keeps_the_tab_session(page, live_server):
    open_page(page, live_server, DEFAULTS)
    sid = session_id(page)
    page.click("#next-step-button")
    wait_until(lambda: epoch(page) == 1)
    page.reload()
    wait_status(page, "connected")
    assert session_id(page) == sid
    wait_until(lambda: epoch(page) == 1)


def test_hovering_a_neuron_shows_its_output_in_the_heatmap(page, live_server):
    open_page(page, live_server)
    output = heatmap_bytes(page)
    node = page.locator(".node.neuron[data-layer='0'][data-index='0']")
    node.hover()
    assert "hovered" in (node.get_attribute("class") or "")
    wait_until(lambda: heatmap_bytes(page) != output)
    page.mouse.move(5, 5)
    wait_until(lambda: heatmap_bytes(page) == output)
    assert "hovered" not in (node.get_attribute("class") or "")
    # A feature shows its input the same way: X1 is orange left, blue right.
    page.locator(".node.feature[data-feature='x']").hover()
    wait_until(lambda: heatmap_rgba(page, -5, 0)[0] > heatmap_rgba(page, -5, 0)[2] + 60)
    right = heatmap_rgba(page, 5, 0)
    assert right[2] > right[0] + 60


def test_regression_shows_two_data_sets_and_nan_is_drawn_grey(page, live_server):
    open_page(page, live_server)
    page.select_option("#problem", "regression")
    page.wait_for_selector(".dataset.selected[data-dataset='reg-plane']")
    assert page.locator(".dataset:visible").count() == 2
    # A learning rate of 10 on regression diverges: NaN output is grey, no errors.
    page.select_option("#learningRate", "10")
    page.click("#speed button[data-speed='10']")
    page.click("#play-pause-button")
    wait_until(lambda: page.inner_text("#loss-train") in ("NaN", "Infinity"), timeout=60)
    page.click("#play-pause-button")
    wait_until(lambda: heatmap_rgba(page, 0, 0)[:3] in ([0x99, 0x99, 0x99], [0x98, 0x98, 0x98], [0x9A, 0x9A, 0x9A]))


def test_lecture_hide_hides_the_lecture_section_and_its_link(page, live_server):
    open_page(page, live_server, with_fields(lecture_hide="true"))
    assert not page.is_visible("#lecture") and not page.is_visible("#page-tools a[href='#lecture']")
    assert page.is_visible("#heatmap")
    assert page.locator("#hide-lecture").is_checked() is False, "the classroom grid has its checkbox"
