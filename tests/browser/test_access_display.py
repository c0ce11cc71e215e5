"""What each viewer's screen does for them (issue 19, issue 18 item 2): huge
numbers written one way and nothing overflowing the explainer at 390 px;
reduced motion (the dashes stand still, heatmaps repaint a few times a
second); a student's "pause my view" while the teacher trains on; touch
targets of 24 CSS px for the weights and biases on a phone."""

from __future__ import annotations

import time

import pytest

from tests.browser.conftest import watch_console
from tests.browser.pageutil import (
    SPIRAL_6X8,
    epoch,
    open_page,
    rest_state,
    session_id,
    wait_status,
    wait_until,
    with_fields,
)

pytestmark = pytest.mark.browser

# The overshooting set-up: regression, no hidden layer, linear, a
# whole batch, α = 0.3: the loss is about 10¹⁶ after one step, 10³² after two.
DIVERGING = with_fields(problem="regression", networkShape="", activation="linear", learningRate=0.3, batchSize=30)


def new_page(browser, console, width: int, height: int, phone: bool = False, **options):
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale="ko-KR", is_mobile=phone, has_touch=phone, **options
    )
    page = context.new_page()
    watch_console(page, console)
    return page


def test_huge_numbers_are_written_one_way_and_fit_a_phone(browser, live_server, console, screenshots):
    page = new_page(browser, console, 390, 844, phone=True)
    open_page(page, live_server, DIVERGING)
    for n in (1, 2):
        page.click("#next-step-button")
        wait_until(lambda n=n: epoch(page) == n)
    assert rest_state(live_server, session_id(page))["loss_train"] > 1e30
    # The loss: mantissa × 10 with the power a real superscript, not 7.4e+32 nor 33 digits.
    assert page.inner_text("#loss-train").startswith("7.44\u00d710")
    assert page.locator("#loss-train sup").inner_text() == "32"
    page.locator("#svg path.link-hover[data-index='0']").dispatch_event("click")
    page.wait_for_function("() => document.getElementById('explainer').dataset.selection !== undefined")
    page.wait_for_selector("#explainer [data-source='explain.new_weight']")
    # The value card: short and exact, both as mantissa × 10ⁿ.
    card = page.inner_text("#hovercard")
    assert "e+" not in card and page.locator("#hovercard .exact sup").count() == 1, card
    page.keyboard.press("Escape")
    numbers = page.evaluate(
        "() => [...document.querySelectorAll('#explainer [data-source]')]"
        ".map((el) => [Number(el.dataset.value), el.textContent])"
    )
    huge = [(value, text) for value, text in numbers if abs(value) >= 1e5]
    assert len(huge) >= 5
    for value, text in huge:
        assert "\u00d710" in text and "e+" not in text and len(text) <= 16, (value, text)
    overflow = page.evaluate(
        """() => { const e = document.getElementById('explainer'); const right = e.getBoundingClientRect().right;
                   return [e.scrollWidth - e.clientWidth, [...e.querySelectorAll('*')]
                     .filter((x) => x.getBoundingClientRect().right > right + 0.5).map((x) => x.tagName)]; }"""
    )
    assert overflow == [0, []], overflow
    page.locator("#lecture").screenshot(path=str(screenshots / "diverged_explainer_390_ko.png"))
    page.context.close()


def dash_offsets_and_paints(page, seconds: float) -> tuple[set[float], int, int]:
    """While the session plays: the links' dash offsets seen, the heatmap's
    repaints and the epochs trained in `seconds`."""
    read = "() => [window.__playground.network.linkCanvas.dashOffset, window.__playground.heatmap.paints]"
    offsets = set()
    _, paints0 = page.evaluate(read)
    epoch0 = epoch(page)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        offsets.add(page.evaluate(read)[0])
        time.sleep(0.1)
    _, paints1 = page.evaluate(read)
    return offsets, paints1 - paints0, epoch(page) - epoch0


def test_reduced_motion_stops_the_dashes_and_slows_the_heatmaps(browser, live_server, console):
    calm = new_page(browser, console, 1280, 800, reduced_motion="reduce")
    usual = new_page(browser, console, 1280, 800)
    for page in (calm, usual):
        open_page(page, live_server)
        page.click("#play-pause-button")
        wait_until(lambda page=page: epoch(page) > 10)
    offsets, paints, epochs = dash_offsets_and_paints(calm, 3.0)
    assert offsets == {0}, offsets
    assert epochs > 30, "the session trained meanwhile"
    assert paints <= 3.0 / 0.3 + 2, f"{paints} heatmap repaints in 3 s with reduced motion"
    offsets, paints, epochs = dash_offsets_and_paints(usual, 3.0)
    assert len(offsets) > 5, "without reduced motion the dashes drift"
    assert paints > 30, f"without reduced motion every frame repaints ({paints})"
    for page in (calm, usual):
        page.click("#play-pause-button")
        page.context.close()


def test_a_student_pauses_their_own_view_while_the_teacher_trains(browser, page, live_server, console):
    open_page(page, live_server)
    sid = session_id(page)
    page.click("#share-button")
    page.wait_for_selector("#share-dialog[open]")
    href = page.get_attribute("#share-link", "href")
    page.keyboard.press("Escape")
    student = new_page(browser, console, 1280, 800)
    student.goto(href)
    wait_status(student, "watching")
    student.wait_for_function("() => window.__playground.view.lastFrame !== null")
    page.click("#play-pause-button")
    wait_until(lambda: epoch(student) > 10)
    student.keyboard.press("v")  # "pause my view", from the keyboard
    student.wait_for_selector("#pause-view-button[aria-pressed='true']")
    assert student.is_visible("#view-paused")
    frozen = epoch(student)
    drawn = student.evaluate("[window.__playground.view.lastFrame.epoch, window.__playground.heatmap.paints]")
    teacher_at = rest_state(live_server, sid)["epoch"]
    wait_until(lambda: rest_state(live_server, sid)["epoch"] > teacher_at + 50)
    assert epoch(student) == frozen, "the student's screen stays where it was paused"
    time.sleep(0.5)
    now = student.evaluate("[window.__playground.view.lastFrame.epoch, window.__playground.heatmap.paints]")
    assert now == drawn, "no frame was drawn"
    assert student.evaluate("window.__playground.pauseView.held") > 10, "the frames kept coming"
    assert rest_state(live_server, sid)["playing"], "the session was not touched"
    student.click("#pause-view-button")
    wait_until(lambda: epoch(student) > teacher_at + 50)
    assert not student.is_visible("#view-paused")
    page.click("#play-pause-button")
    student.context.close()


def test_weight_and_bias_targets_take_24_px_on_a_phone(browser, live_server, console):
    page = new_page(browser, console, 390, 844, phone=True)
    open_page(page, live_server, SPIRAL_6X8)  # six hidden layers: the diagram is scaled down to fit
    sizes = page.evaluate(
        """() => { const svg = document.getElementById('svg');
                   const scale = svg.getBoundingClientRect().width / svg.width.baseVal.value;
                   return { scale,
                            links: [...svg.querySelectorAll('path.link-hover')]
                              .map((p) => parseFloat(getComputedStyle(p).strokeWidth) * scale),
                            biases: [...svg.querySelectorAll('rect.bias')].map((r) => r.getBoundingClientRect())
                              .map((b) => Math.min(b.width, b.height)) }; }"""
    )
    assert sizes["scale"] < 1, "the diagram is scaled down on a phone"
    assert len(sizes["links"]) == 7 * 8 + 5 * 64 + 8 and min(sizes["links"]) >= 24 - 0.01, sizes["scale"]
    assert len(sizes["biases"]) == 6 * 8 + 1 and min(sizes["biases"]) >= 24 - 0.01, sizes["scale"]
    page.context.close()


def test_the_live_region_says_why_training_stopped(page, live_server):
    """A stop condition is said once, with its reason and the losses; nothing while it plays."""
    open_page(page, live_server, with_fields(stopEpoch=30))
    page.click("#play-pause-button")
    wait_until(lambda: 0 < epoch(page) < 30)
    assert page.inner_text("#live-region") == "", "nothing is said while it plays"
    said = "() => document.getElementById('live-region').textContent"
    page.wait_for_function(f"() => ({said})().startsWith('Stopped at epoch 30.')")
    said = page.inner_text("#live-region")
    losses = (page.inner_text("#loss-train"), page.inner_text("#loss-test"))
    assert said == f"Stopped at epoch 30. Training loss {losses[0]}, test loss {losses[1]}.", said
