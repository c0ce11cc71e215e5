"""The numbers as the slides write them (issue 18): σ(z) and z as its sum of
terms in the worked example, checked against the slide and the sigmoid's
formula; the matrix form ΔW = α·(E∘f′(z))·oᵀ equal to what Step then does
(batch 1), and the mean over a batch said; the slice's mini-batch curve with
the next update on it; each layer's initial range; the sigmoid-and-±1 rule."""

from __future__ import annotations

import math

import pytest

from tests.browser.pageutil import (
    open_page,
    panel_numbers,
    rest_explain,
    rest_state,
    session_id,
    wait_selected,
    wait_until,
    with_fields,
)

pytestmark = pytest.mark.browser

WORKED = {"layer": 1, "source": 0, "target": 0, "point": 0}


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def test_worked_example_prints_sigma_and_z_terms_and_the_matrix_is_the_next_update(page, live_server):
    open_page(page, live_server, hash="scenario=worked-example", query="?lang=en")
    sid = session_id(page)
    page.evaluate("s => window.__playground.select(s)", WORKED)
    wait_selected(page, WORKED)
    numbers = {source: (value, text) for source, value, text in panel_numbers(page)}
    # The slide: z = 2.0·0.4 + 3.0·0.5 = 2.3 and σ(2.3) = 0.909.
    line = page.inner_text("#explainer .z-line")
    assert "2.0\u00b70.4+3.0\u00b70.5=2.3" in line.replace(" ", "").replace("\n", ""), line
    assert numbers["explain.node_output"][1] == "0.909"
    assert numbers["explain.node_output"][0] == pytest.approx(sigmoid(2.0 * 0.4 + 3.0 * 0.5), abs=1e-15)
    assert numbers["explain.z_terms.sum"][0] == pytest.approx(2.3, abs=1e-15)
    # The matrix form: one point, and its entry for the selected weight is the update Step makes.
    matrix = {source: value for source, value, _ in panel_numbers(page, ".matrix-form [data-source]")}
    assert matrix["matrix.rows.0.0"] == pytest.approx(0.4, abs=1e-15)
    assert matrix["matrix.rows.0.1"] == pytest.approx(0.5, abs=1e-15)
    # E∘f′(z) = e·σ(z)(1 − σ(z)) with the slide's e = 0.8.
    o = sigmoid(2.3)
    assert matrix["matrix.columns.0.0"] == pytest.approx(0.8 * o * (1 - o), rel=1e-12)
    assert "One point" in page.inner_text(".matrix-form")
    before = [w[0] for w in rest_state(live_server, sid)["weights"][1]]  # weights[layer][source][target]
    page.click("#next-step-button")
    wait_until(lambda: rest_state(live_server, sid)["epoch"] == 1)
    after = [w[0] for w in rest_state(live_server, sid)["weights"][1]]
    for j in range(2):
        assert after[j] - before[j] == pytest.approx(matrix[f"matrix.matrix.0.{j}"], abs=1e-12), j
    # The explainer of a weight of this layer names its initial range.
    assert "Weights into the output: n = 2, \u00b10.707" in page.inner_text("#explainer")


def test_matrix_says_the_batch_mean_and_the_slice_draws_the_batch_curve(page, live_server):
    selection = {"layer": 0, "source": 1, "target": 2, "point": 0}
    open_page(page, live_server, hash=with_fields(batchSize=3, networkShape="3"), query="?lang=en")
    sid = session_id(page)
    page.evaluate("s => window.__playground.select(s)", selection)
    wait_selected(page, selection)
    page.wait_for_selector(".matrix-form .matrix-note")
    assert "The mean over the batch of 3 points" in page.inner_text(".matrix-form")
    matrix = {source: value for source, value, _ in panel_numbers(page, ".matrix-form [data-source]")}
    # ΔW for the selected weight: α · mean over the batch's points of (E∘f′)·o, from the columns and rows shown.
    alpha = matrix["matrix.learning_rate"]
    mean = sum(matrix[f"matrix.columns.{p}.2"] * matrix[f"matrix.rows.{p}.1"] for p in range(3)) / 3
    assert matrix["matrix.matrix.2.1"] == pytest.approx(alpha * mean, rel=1e-12)
    explain = rest_explain(live_server, sid, selection)
    assert matrix["matrix.matrix.2.1"] == pytest.approx(explain["batch"]["new_weight"] - explain["value"], abs=1e-12)
    # The slice: which loss, and the batch's own curve with the next update on it.
    caption = page.inner_text("#slice-caption")
    assert "all 250 training points" in caption and "mini-batch (3 points: 1\u20133)" in caption
    assert page.get_attribute("#slice-plot .batch-curve", "d").count("L") > 10
    assert page.is_visible("#slice-legend-batch")
    batch = rest_explain(live_server, sid, selection, what="slice")["batch"]
    drawn = page.evaluate("JSON.parse(document.getElementById('slice-plot').dataset.batch)")
    assert drawn["current"][1] == pytest.approx(batch["current"], rel=1e-12)
    assert drawn["next"][1] == pytest.approx(batch["next"]["loss"], rel=1e-12)
    assert drawn["next"][1] <= drawn["current"][1], "the next update goes down its own batch's curve"


def test_initial_ranges_and_the_sigmoid_targets_rule_in_both_languages(page, live_server):
    open_page(page, live_server, hash=with_fields(networkShape="3,2", init="lecture"), query="?lang=en")
    ranges = page.locator("#init-ranges li")
    assert ranges.count() == 3
    first = "Weights into hidden layer 1: n = 2, \u00b10.707; drawn from U(\u22120.707, 0.707)"
    assert ranges.nth(0).inner_text() == first
    assert ranges.nth(1).inner_text().startswith("Weights into hidden layer 2: n = 3, \u00b10.577")
    assert ranges.nth(2).inner_text().startswith("Weights into the output: n = 2, \u00b10.707")
    assert page.is_hidden("#targets-rule"), "the original's output with ±1 targets says nothing"
    # A sigmoid output greys ±1 out, and the page says why.
    page.select_option("#targets", "lecture")
    page.wait_for_function("() => window.__playground.view.state.config.targets === 'lecture'")
    page.select_option("#outputActivation", "sigmoid")
    page.wait_for_selector("#targets-rule:not([hidden])")
    assert page.is_disabled("#targets option[value='pm1']")
    assert "cannot learn targets \u22121 and +1" in page.inner_text("#targets-rule").replace("can never", "cannot")
    # The server's refusal of the pair (a hand-made hash) is said in the page's language.
    page.evaluate("window.__playground.command({type: 'config', fields: {targets: 'pm1'}})")
    page.wait_for_selector("#server-message:not([hidden])")
    assert "A sigmoid output only reaches 0 to 1" in page.inner_text("#server-message")
    page.select_option("#lang-select", "ko")
    page.wait_for_function("() => document.documentElement.lang === 'ko'")
    assert "시그모이드 출력은 0과 1 사이" in page.inner_text("#targets-rule")
    assert page.locator("#init-ranges li").nth(0).inner_text().startswith("은닉 계층 1에 들어오는 가중치: n = 2")
    page.evaluate("window.__playground.command({type: 'config', fields: {targets: 'pm1'}})")
    page.wait_for_function("() => document.getElementById('server-message').textContent.includes('시그모이드')")
