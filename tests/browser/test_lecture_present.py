"""Presentation mode shows the lecture (issue 18): at 1024×768 in both
languages and at 1920×1080, the first screen holds the epoch and the output
heatmap, the network, α and the Step control, the loss chart, the scene's
title and caption, the explainer's update line with its numbers when a
weight is selected, and the brute-force count in the brute-force scene."""

from __future__ import annotations

import pytest

from tests.browser.conftest import watch_console
from tests.browser.pageutil import epoch, open_page, wait_until

pytestmark = pytest.mark.browser

# Every element that must be whole inside the first viewport, by selector.
FIRST_SCREEN = {
    "epoch": "#iter-number",
    "heatmap": "#heatmap",
    "network": "#network .node",
    "learning rate": "#learningRate",
    "step": "#next-step-button",
    "loss chart": "#linechart",
    "scene title": "#scene-title",
    "scene caption": "#scene-caption",
}
BOXES = """
sel => [...document.querySelectorAll(sel)].map((el) => {
  const r = el.getBoundingClientRect();
  const visible = el.checkVisibility({ visibilityProperty: true });
  return {left: r.left, top: r.top, right: r.right, bottom: r.bottom, visible};
})
"""


def outside_first_screen(page, selectors: dict[str, str]) -> list[str]:
    """Names of the elements not whole (and visible) inside the first viewport, at the top of the page."""
    width, height = page.evaluate("[innerWidth, innerHeight]")
    wrong = []
    for name, selector in selectors.items():
        boxes = page.evaluate(BOXES, selector)
        if not boxes:
            wrong.append(f"{name}: missing")
        for box in boxes:
            inside = (
                box["left"] >= -0.5
                and box["top"] >= -0.5
                and box["right"] <= width + 0.5
                and box["bottom"] <= height + 0.5
            )
            if not (box["visible"] and inside and box["right"] > box["left"] and box["bottom"] > box["top"]):
                wrong.append(f"{name}: {box}")
    return wrong


def go_to_scene(page, index: int) -> None:
    page.evaluate("i => window.__playground.lesson.deck.go(i, 0)", index)
    page.wait_for_function("i => document.getElementById('deck').dataset.index === String(i)", arg=index)


@pytest.mark.parametrize(("width", "height", "lang"), [(1024, 768, "ko"), (1024, 768, "en"), (1920, 1080, "ko")])
def test_presentation_first_screen_holds_the_lecture(browser, live_server, console, screenshots, width, height, lang):
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    watch_console(page, console)
    open_page(page, live_server, hash="present=true", query=f"?lang={lang}")
    page.wait_for_function("() => window.__playground.connection.controlling")
    assert page.evaluate("document.body.classList.contains('present')")
    # The brute-force scene: its count shows too.
    go_to_scene(page, 0)
    page.wait_for_selector("#scene-count-line:not([hidden])")
    page.wait_for_timeout(300)  # the diagram and heatmap laid out for the scene
    assert outside_first_screen(page, {**FIRST_SCREEN, "brute-force count": "#scene-count-line"}) == []
    assert "18" in page.inner_text("#scene-count-line")
    # The worked example: a weight selected, its update line with numbers on the first screen.
    go_to_scene(page, 8)
    page.wait_for_selector("#present-formula:not([hidden]) [data-source='explain.new_weight']")
    page.click("#next-step-button")  # a point on the loss chart
    wait_until(lambda: epoch(page) >= 1)
    page.wait_for_timeout(300)
    assert outside_first_screen(page, {**FIRST_SCREEN, "update line": "#present-formula"}) == []
    # The line after the step: w = 2.00265 − 0.1·(∂E/∂w), and the new weight, the explainer's numbers.
    shown = page.evaluate(
        "() => Object.fromEntries([...document.querySelectorAll('#present-formula [data-source]')]"
        ".map((el) => [el.dataset.source, Number(el.dataset.value)]))"
    )
    explained = page.evaluate(
        "() => Object.fromEntries([...document.querySelectorAll('#explainer .update .big-math [data-source]')]"
        ".map((el) => [el.dataset.source, Number(el.dataset.value)]))"
    )
    assert shown == explained and shown["explain.learning_rate"] == 0.1
    assert shown["explain.value"] == pytest.approx(2.002650226143704, abs=1e-12), (
        "the worked example's weight after one step"
    )
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), "no sideways scroll"
    page.screenshot(path=str(screenshots / f"present-lecture-{width}x{height}-{lang}.png"))
    page.context.close()


# The screenshots in docs/screenshots (README's table, docs/lecture.md): three scenes in Korean
# on a projector (the teacher, presenting) and a phone (a student by the class link).
SCENES = [(2, "overshoot", 5), (8, "worked-example", 0), (6, "learning-rate", 8)]


def test_three_scenes_in_korean_on_a_projector_and_a_phone(browser, live_server, console, screenshots):
    teacher = browser.new_context(viewport={"width": 1024, "height": 768}).new_page()
    watch_console(teacher, console)
    open_page(teacher, live_server, hash="present=true", query="?lang=ko")
    teacher.wait_for_function("() => window.__playground.connection.controlling")
    sid = teacher.evaluate("window.__playground.connection.sessionId")
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True).new_page()
    watch_console(phone, console)
    open_page(phone, live_server, hash="", query=f"?session={sid}&lang=ko", status="watching")
    for index, name, steps in SCENES:
        go_to_scene(teacher, index)
        phone.wait_for_function("i => document.getElementById('deck').dataset.index === String(i)", arg=index)
        for _ in range(steps):
            teacher.click("#next-step-button")
        wait_until(lambda steps=steps: epoch(phone) >= steps and epoch(teacher) >= steps)
        teacher.wait_for_timeout(500)
        # The phone: the scene's title with the heatmap on the first screen, nothing wider than the screen.
        assert phone.evaluate("document.documentElement.scrollWidth <= innerWidth"), name
        on_phone = {"scene title": "#scene-title", "epoch": "#iter-number", "heatmap": "#heatmap"}
        assert outside_first_screen(phone, on_phone) == [], name
        assert outside_first_screen(teacher, FIRST_SCREEN) == [], name
        if name == "learning-rate":  # the teacher scrolls down to the comparison; so does the student
            for page in (teacher, phone):
                page.wait_for_selector("#comparison.comparing[data-runs='3']")
                page.evaluate("document.getElementById('comparison').scrollIntoView({block: 'center'})")
        teacher.screenshot(path=str(screenshots / f"lecture-{name}-projector-ko.png"))
        phone.screenshot(path=str(screenshots / f"lecture-{name}-phone-ko.png"))
    phone.context.close()
    teacher.context.close()
