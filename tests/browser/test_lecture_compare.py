"""Comparisons on the page (issue 18): a setting and its values chosen
outside the deck, every run's loss on one chart in distinct colours and
dashes, a picture and the measures per run, the run with the session's own
value matching the session itself; the end of it; and axe on presentation
mode with a scene and the comparison panel."""

from __future__ import annotations

import pytest

from tests.browser.axeutil import violations
from tests.browser.pageutil import epoch, open_page, rest_state, session_id, wait_until, with_fields

pytestmark = pytest.mark.browser


def test_compare_a_setting_outside_the_deck_and_end_it(page, live_server):
    open_page(page, live_server, hash=with_fields(learningRate=0.03), query="?lang=en")
    sid = session_id(page)
    page.select_option("#compare-field", "learningRate")
    menus = page.locator("#compare-values select")
    menus.nth(0).select_option("0.03")  # the session's own value
    menus.nth(1).select_option("1")
    menus.nth(2).select_option("")
    page.click("#compare-start")
    page.wait_for_selector("#comparison.comparing[data-runs='2']")
    labels = [page.inner_text(f".run-card[data-run='{k}'] h4") for k in range(2)]
    assert labels == ["Learning rate: 0.03", "Learning rate: 1"]
    for _ in range(3):
        page.click("#next-step-button")
    wait_until(lambda: epoch(page) == 3)
    page.wait_for_function("() => document.querySelectorAll('#comparison-chart .run-curve').length === 2")
    wait_until(lambda: page.get_attribute("#comparison-chart .run-curve[data-run='0']", "d").count("L") >= 3)
    curves = page.locator("#comparison-chart .run-curve")
    colours = {curves.nth(k).get_attribute("stroke") for k in range(2)}
    dashes = {curves.nth(k).get_attribute("stroke-dasharray") for k in range(2)}
    assert len(colours) == 2 and len(dashes) == 2, "told apart by colour and by dash"
    # The run with the session's own α trains exactly as the session does.
    state = rest_state(live_server, sid)
    wait_until(
        lambda: page.get_attribute(".run-card[data-run='0'] [data-measure='loss_train']", "data-value") is not None
    )
    shown = float(page.get_attribute(".run-card[data-run='0'] [data-measure='loss_train']", "data-value"))
    assert shown == pytest.approx(state["loss_train"], rel=1e-12)
    other = float(page.get_attribute(".run-card[data-run='1'] [data-measure='loss_train']", "data-value"))
    assert other != pytest.approx(state["loss_train"], rel=1e-6), "α = 1 trains differently"
    # Each run's picture is painted (not the blank canvas).
    painted = page.evaluate(
        "() => [...document.querySelectorAll('.run-output')].map((c) =>"
        " c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some((v, i) => i % 4 === 3 && v > 0))"
    )
    assert painted == [True, True]
    page.click("#compare-end")
    page.wait_for_selector("#comparison:not(.comparing)")
    assert page.is_hidden(".comparison-figure")


def test_axe_presentation_mode_with_a_scene_and_the_comparison_panel(page, live_server):
    open_page(page, live_server, hash="present=true", query="?lang=ko")
    page.wait_for_function("() => window.__playground.connection.controlling")
    page.evaluate("window.__playground.lesson.deck.go(6, 0)")  # the learning rate: three runs compared
    page.wait_for_selector("#comparison.comparing[data-runs='3']")
    page.click("#next-step-button")
    wait_until(lambda: epoch(page) >= 1)
    page.wait_for_selector("#present-formula:not([hidden])")
    page.locator("#comparison").scroll_into_view_if_needed()
    assert violations(page) == []
