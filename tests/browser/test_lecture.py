"""Lecture mode in the page: the backprop explainer against the REST answer,
the worked example, the loss slice, the options and presets, the
brute-force count."""

from __future__ import annotations

import json

import pytest

from tests.browser.pageutil import (
    click_link,
    epoch,
    lookup,
    loss,
    open_page,
    panel_numbers,
    panel_selection,
    rest_explain,
    rest_state,
    screenshot_between,
    session_id,
    shown_number,
    wait_selected,
    wait_until,
    with_fields,
)

pytestmark = pytest.mark.browser

# Default network 2 -> 4 -> 2 -> 1: links 0-7 leave the inputs, 8-15 hidden
# layer 1, 16-17 hidden layer 2 (index = offset + source * n_out + target).
INPUT_LINK = {"index": 1 * 4 + 2, "layer": 0, "source": 1, "target": 2}
HIDDEN_LINK = {"index": 8 + 2 * 2 + 1, "layer": 1, "source": 2, "target": 1}
OUTPUT_LINK = {"index": 16 + 1, "layer": 2, "source": 1, "target": 0}


# What the panel shows for a hidden node's weight ("-": shown negated, as e and δ).
HIDDEN_NODE_NUMBERS = [
    "explain.dE_da", "explain.slope", "explain.source_output", "explain.gradient", "explain.learning_rate",
    "explain.step", "explain.new_weight", "-explain.backprop.sum", "-explain.backprop.terms.1.delta",
    "explain.batch.gradient", "explain.batch.new_weight",
]  # fmt: skip


def selection_of(link: dict[str, int], point: int = 0) -> dict[str, int | None]:
    return {"layer": link["layer"], "source": link["source"], "target": link["target"], "point": point}


def assert_panel_matches_rest(page, server, sid: str) -> int:
    """Every number the explainer shows equals the REST answer for the same
    selection; returns how many were compared."""
    selection = panel_selection(page)
    assert selection is not None
    answer = {"explain": rest_explain(server, sid, selection)}
    numbers = panel_numbers(page)
    for source, value, text in numbers:
        expected = lookup(answer, source)
        assert value == pytest.approx(expected, rel=1e-12, abs=1e-15), source
        if "\u00d7" not in text and text not in ("NaN", "\u221e"):
            # What is written is the same number, rounded for reading.
            assert shown_number(text) == pytest.approx(expected, rel=5e-3, abs=1e-4), (source, text)
    return len(numbers)


def test_explainer_numbers_equal_the_rest_answer(page, live_server, screenshots):
    open_page(page, live_server)
    sid = session_id(page)
    page.click("#next-step-button")
    wait_until(lambda: epoch(page) == 1)
    # A hidden node's weight: the back-propagated error, term by term.
    click_link(page, INPUT_LINK["index"])
    wait_selected(page, selection_of(INPUT_LINK))
    assert page.locator("#explainer .backprop tbody tr").count() == 2, "one term per node of the next layer"
    sources = {source for source, _, _ in panel_numbers(page)}
    for needed in HIDDEN_NODE_NUMBERS:
        assert needed in sources, needed
    assert assert_panel_matches_rest(page, live_server, sid) >= 20
    assert page.locator("#svg .selected-link").count() == 1, "the diagram marks the selected link"
    screenshot_between(page, str(screenshots / "explainer_hidden_weight.png"), "#run-strip", "#lecture")
    # An output weight: the error term −(t − o) is the server's dE/do.
    click_link(page, OUTPUT_LINK["index"])
    wait_selected(page, selection_of(OUTPUT_LINK))
    assert "explain.dE_do" in {source for source, _, _ in panel_numbers(page)}
    assert page.locator("#explainer .backprop").count() == 0
    assert_panel_matches_rest(page, live_server, sid)
    # A bias: its input is 1.
    page.locator("#svg rect.bias[data-index='0']").dispatch_event("click")
    page.keyboard.press("Escape")
    wait_selected(page, {"layer": 0, "source": None, "target": 0, "point": 0})
    assert_panel_matches_rest(page, live_server, sid)
    assert page.locator("#svg .selected-bias").count() == 1


def test_explainer_point_from_the_heatmap_and_the_next_button(page, live_server):
    open_page(page, live_server)
    sid = session_id(page)
    click_link(page, OUTPUT_LINK["index"])
    wait_selected(page, selection_of(OUTPUT_LINK))
    # Click training point 37 where the heatmap draws it.
    x, y = page.evaluate(
        """k => { const [px, py] = window.__playground.view.state.train[k];
                  const box = document.getElementById('heatmap-svg').getBoundingClientRect();
                  return [box.left + (px + 6) / 12 * 260, box.top + (6 - py) / 12 * 260]; }""",
        37,
    )
    page.mouse.click(x, y)
    wait_selected(page, selection_of(OUTPUT_LINK, 37))
    assert page.locator("#heatmap circle.picked").is_visible()
    assert_panel_matches_rest(page, live_server, sid)
    page.click("#explainer .point-next")
    wait_selected(page, selection_of(OUTPUT_LINK, 38))
    assert "Point 39 of 250" in page.inner_text("#explainer .point-label")
    assert_panel_matches_rest(page, live_server, sid)
    page.click("#explainer .point-prev")
    page.click("#explainer .point-prev")
    wait_selected(page, selection_of(OUTPUT_LINK, 36))


def test_worked_example_shows_the_slide_and_step_makes_it_real(page, live_server, screenshots):
    open_page(page, live_server)
    first = session_id(page)
    page.click("#worked-example-button")
    wait_selected(page, {"layer": 1, "source": 0, "target": 0, "point": 0})
    sid = session_id(page)
    assert sid != first, "a session of its own"
    stored = json.loads(page.evaluate("sessionStorage.getItem('playground.session')"))
    assert stored["id"] == sid and stored["control_token"]
    numbers = {source: (value, text) for source, value, text in panel_numbers(page)}
    assert numbers["explain.gradient"][0] == pytest.approx(-0.026502261437, abs=1e-12)
    assert numbers["explain.new_weight"][0] == pytest.approx(2.002650226144, abs=1e-12)
    assert numbers["explain.gradient"][1] == "\u22120.02650"
    assert numbers["explain.new_weight"][1] == "2.00265"
    assert numbers["explain.dE_do"][1] == "\u22120.8000", "the slide's error term, 0.8"
    assert numbers["explain.source_output"][1] == "0.4000"
    # The slide gives the error, not a target: no target a sigmoid cannot reach.
    panel = page.inner_text("#explainer")
    assert "= 0.8 (from the slide)" in panel and "1.709" not in panel and "target" not in panel
    # e₁ as MathML (a subscript, not the Unicode digit Korean fonts draw as a comma).
    assert page.locator("#explainer .point-label math msub").count() == 1
    assert "scenario=worked-example" in page.evaluate("location.hash")
    screenshot_between(page, str(screenshots / "lecture_worked_example.png"), "#run-strip", "#lecture")
    # Step: the predicted weight becomes the weight, on the server and in the page.
    page.click("#next-step-button")
    wait_until(lambda: rest_state(live_server, sid)["epoch"] == 1)
    assert rest_state(live_server, sid)["weights"][1][0][0] == numbers["explain.new_weight"][0]
    page.wait_for_function(
        "() => document.getElementById('explainer').dataset.epoch === '1'"
        " && window.__playground.network.links[4].value > 2.0026"
    )
    value = page.locator("#explainer .explainer-title [data-source='explain.value']")
    assert value.inner_text() == "2.00265"
    assert float(value.get_attribute("data-value")) == numbers["explain.new_weight"][0]


def test_slice_plot_passes_through_the_current_loss_and_follows_training(page, live_server, screenshots):
    open_page(page, live_server)
    sid = session_id(page)
    click_link(page, HIDDEN_LINK["index"])
    wait_selected(page, selection_of(HIDDEN_LINK))
    page.click("#speed button[data-speed='10']")
    page.click("#play-pause-button")
    drawn = set()
    # Redrawn from every explain message while playing (up to 10 a second).
    wait_until(lambda: drawn.add(page.get_attribute("#slice-plot", "data-current")) or len(drawn) >= 5, timeout=60)
    page.click("#play-pause-button")
    page.wait_for_selector("#play-pause-button:not(.playing)")
    state = rest_state(live_server, sid)  # read after any tick still running (the session's lane)
    page.click("#next-step-button")  # an explanation of the paused network, at a known epoch
    wait_until(lambda: page.get_attribute("#explainer", "data-epoch") == str(state["epoch"] + 1))
    state = rest_state(live_server, sid)
    domain = json.loads(page.get_attribute("#slice-plot", "data-domain"))
    path = page.get_attribute("#slice-plot path.curve", "d")
    points = [tuple(map(float, p.split(","))) for p in path.replace("M", "L").split("L") if p]
    (x0, x1), (y0, y1) = domain["x"], domain["y"]
    (left, right), (bottom, top) = domain["px"], domain["py"]
    data = [
        (x0 + (px - left) / (right - left) * (x1 - x0), y0 + (bottom - py) / (bottom - top) * (y1 - y0))
        for px, py in points
    ]
    weight = state["weights"][1][2][1]
    before = max(p for p in data if p[0] <= weight)
    after = min(p for p in data if p[0] >= weight)
    t = 0.0 if after[0] == before[0] else (weight - before[0]) / (after[0] - before[0])
    curve_at_weight = before[1] + t * (after[1] - before[1])
    assert curve_at_weight == pytest.approx(state["loss_train"], abs=(y1 - y0) * 1e-3)
    dot = page.locator("#slice-plot circle.current")
    cx, cy = float(dot.get_attribute("cx")), float(dot.get_attribute("cy"))
    assert x0 + (cx - left) / (right - left) * (x1 - x0) == pytest.approx(weight, abs=(x1 - x0) * 1e-3)
    assert y0 + (bottom - cy) / (bottom - top) * (y1 - y0) == pytest.approx(state["loss_train"], abs=(y1 - y0) * 1e-3)
    assert page.locator("#slice-plot line.tangent").is_visible()
    page.locator("#slice").screenshot(path=str(screenshots / "slice_plot.png"))


def test_lecture_preset_sets_the_fields_and_trains_circle(page, live_server):
    open_page(page, live_server, with_fields(seed="0.7"))
    sid = session_id(page)
    preset = page.evaluate("window.__playground.config.lecturePreset")
    page.click("#lecture-preset-button")
    wait_until(lambda: rest_state(live_server, sid)["config"]["loss"] == "square")
    config = rest_state(live_server, sid)["config"]
    for name, value in preset.items():
        assert config[name] == (list(value) if isinstance(value, list) else value), name
    wait_until(lambda: page.locator("#loss").input_value() == "square")
    assert page.locator("#targets").input_value() == "lecture"
    wait_until(lambda: "loss=square" in page.evaluate("location.hash"))
    assert page.locator(".node.neuron").count() == 4
    page.click("#speed button[data-speed='10']")
    page.click("#play-pause-button")
    wait_until(lambda: loss(page) < 0.02, timeout=90)
    page.click("#play-pause-button")
    # "Original" puts the original's behaviour back, option by option.
    page.click("#original-preset-button")
    wait_until(lambda: rest_state(live_server, sid)["config"]["loss"] == "auto")
    config = rest_state(live_server, sid)["config"]
    options = page.evaluate("window.__playground.config.lectureOptions")
    assert {name: config[name] for name in options} == {name: values[0] for name, values in options.items()}
    wait_until(lambda: "loss=" not in page.evaluate("location.hash"))
    # One option on its own, through its menu.
    page.select_option("#init", "normal")
    wait_until(lambda: rest_state(live_server, sid)["config"]["init"] == "normal")


def test_brute_force_count_follows_the_network(page, live_server):
    open_page(page, live_server)
    count = page.locator("#brute-force")
    assert count.get_attribute("data-weights") == "18", "2·4 + 4·2 + 2·1, the lecture's 18"
    assert count.locator("sup").all_inner_texts() == ["18", "54"], "1000¹⁸ = 10⁵⁴ with real superscripts"
    assert "18 \u00d7 1,000" in (count.get_attribute("title") or "")
    page.locator(".layer-controls").first.locator("button[title='Add a neuron']").click()
    wait_until(lambda: count.get_attribute("data-weights") == "22")
    assert count.locator("sup").all_inner_texts() == ["22", "66"]
