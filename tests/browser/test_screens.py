"""Every screen, both languages, the teacher's page and a class link with the
teacher playing (issue 10): no sideways scrolling, the output heatmap whole
in the first screen, the epoch advancing, the right language everywhere, no
text from outside the catalogues; touch on a phone; presentation mode."""

from __future__ import annotations

import json

import pytest

from tests.browser.conftest import watch_console
from tests.browser.pageutil import (
    DEFAULTS,
    SPIRAL_6X8,
    epoch,
    open_page,
    panel_selection,
    rest_state,
    session_id,
    wait_selected,
    wait_status,
    wait_until,
    with_fields,
)
from tests.browser.screens import (
    SCREENS,
    hangul_share,
    heatmap_box,
    no_sideways_scroll,
    small_touch_targets,
    uncatalogued,
)

pytestmark = pytest.mark.browser

LOCALES = {"ko": "ko-KR", "en": "en-US"}
# (name, width, height, phone, the teacher's language, the students',
# classes): each screen sees both languages, and each language both roles;
# three screens show a spiral of three to six classes (their output units,
# legend and confusion matrix), two the original's picture.
SCREEN_SIZES = [
    ("phone", 390, 844, True, "ko", "en", 3),
    ("tablet", 820, 1180, False, "en", "ko", 2),
    ("projector", 1024, 768, False, "ko", "en", 4),
    ("laptop", 1280, 800, False, "en", "ko", 2),
    ("wide", 1920, 1080, False, "ko", "en", 6),
]


def new_page(browser, console, width: int, height: int, lang: str, phone: bool = False):
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale=LOCALES[lang], is_mobile=phone, has_touch=phone
    )
    page = context.new_page()
    watch_console(page, console)
    return page


def check_screen(page, lang: str, label: str) -> None:
    """The checks every screen passes, in the first screen as loaded."""
    assert page.evaluate("document.documentElement.lang") == lang, label
    assert no_sideways_scroll(page), f"{label}: scrolls sideways"
    cut = page.evaluate(
        "() => [...document.querySelectorAll('#page-tools > *, #top-controls *, #run-strip > *')]"
        ".filter((el) => el.checkVisibility()).map((el) => [el.id || el.className, el.getBoundingClientRect()])"
        ".filter(([, r]) => r.width > 0 && (r.left < -0.5 || r.right > innerWidth + 0.5)).map(([n]) => n)"
    )
    assert cut == [], f"{label}: cut off at the sides: {cut}"
    box = heatmap_box(page)
    least = min(250, min(box["vw"], box["vh"]) / 2)
    assert box["width"] >= least, f"{label}: heatmap {box['width']} px"
    inside = box["left"] >= 0 and box["top"] >= 0 and box["right"] <= box["vw"] and box["bottom"] <= box["vh"]
    assert inside, f"{label}: heatmap not whole in the first screen: {box}"
    assert page.is_visible("#iter-number")
    seen = epoch(page)
    wait_until(lambda: epoch(page) > seen, timeout=30)
    share, letters = hangul_share(page)
    assert letters > 100
    if lang == "ko":
        assert share >= 0.6, f"{label}: Hangul {share:.0%} of the visible letters"
    else:
        assert share == 0, f"{label}: Hangul on an English page"
    assert uncatalogued(page, lang) == [], label


@pytest.mark.parametrize(
    ("name", "width", "height", "phone", "teacher_lang", "student_lang", "classes"),
    SCREEN_SIZES,
    ids=[s[0] for s in SCREEN_SIZES],
)
def test_screens_teacher_and_class_link_while_playing(
    browser, live_server, console, name, width, height, phone, teacher_lang, student_lang, classes
):
    SCREENS.mkdir(parents=True, exist_ok=True)
    teacher = new_page(browser, console, width, height, teacher_lang, phone)
    open_page(teacher, live_server, with_fields(dataset="spiral", classes=classes) if classes > 2 else DEFAULTS)
    teacher.click("#your-data-button")  # the teacher's "Your data" panel is on the screen too
    teacher.click("#share-button")
    teacher.wait_for_selector("#share-dialog[open]")
    href = teacher.get_attribute("#share-link", "href")
    teacher.keyboard.press("Escape")
    teacher.wait_for_selector("#share-dialog:not([open])", state="attached")
    teacher.click("#play-pause-button")
    student = new_page(browser, console, width, height, student_lang, phone)
    student.goto(href)
    wait_status(student, "watching")
    student.wait_for_function("() => window.__playground.view.lastFrame !== null")
    try:
        for page, lang, role in [(teacher, teacher_lang, "teacher"), (student, student_lang, "student")]:
            check_screen(page, lang, f"{name} {role} {lang}")
            if name == "laptop":  # the original's measurements at 1280x800 (shared/reference/original-page)
                box = heatmap_box(page)
                header = page.evaluate("document.querySelector('header').getBoundingClientRect().height")
                assert (round(box["left"]), round(box["top"]), round(header)) == (915, 482, 220), (box, header)
            page.screenshot(path=str(SCREENS / f"{name}-{width}x{height}-{role}-{lang}.png"))
        if phone:
            assert small_touch_targets(teacher) == []
            assert small_touch_targets(student) == []
    finally:
        teacher.click("#play-pause-button")
        teacher.context.close()
        student.context.close()


def tap_link(page, index: int) -> None:
    """Tap the middle of link `index` where it is drawn."""
    x, y = page.evaluate(
        """k => { const p = document.querySelector(`#svg path.link-hover[data-index='${k}']`);
                  const pt = p.getPointAtLength(p.getTotalLength() / 2).matrixTransform(p.getScreenCTM());
                  return [pt.x, pt.y]; }""",
        index,
    )
    page.touchscreen.tap(x, y)


def test_phone_tap_selects_and_a_student_looks_closer_on_their_own(browser, live_server, console):
    teacher = new_page(browser, console, 390, 844, "ko", phone=True)
    open_page(teacher, live_server)
    sid = session_id(teacher)
    teacher.locator("#svg path.link-hover[data-index='17']").scroll_into_view_if_needed()
    tap_link(teacher, 17)  # hidden layer 2 node 2 -> the output
    teacher.wait_for_function("() => document.getElementById('explainer').dataset.selection !== undefined")
    chosen = panel_selection(teacher)
    assert chosen is not None and chosen["source"] is not None, "a tap on a link selects a weight"
    wait_until(lambda: rest_state(live_server, sid)["selection"] == chosen)
    assert teacher.is_visible("#hovercard") and not teacher.is_visible("#hovercard .edit"), "no keyboard yet"
    teacher.locator("#hovercard").tap()  # a second tap, on the card, edits
    teacher.wait_for_selector("#hovercard .edit:not([hidden])")
    teacher.keyboard.press("Escape")
    # A tap on a neuron shows it in the big heatmap, as hovering does.
    teacher.locator(".node.neuron").first.tap()
    teacher.wait_for_function("() => window.__playground.view.focus !== null")
    student = new_page(browser, console, 390, 844, "ko", phone=True)
    open_page(student, live_server, hash="", query=f"?session={sid}", status="watching")
    wait_selected(student, chosen)
    student.locator("#svg path.link-hover[data-index='4']").scroll_into_view_if_needed()
    tap_link(student, 4)  # near the middle of the inputs' links: the one drawn there is selected
    teachers = json.dumps(chosen, separators=(",", ":"))
    student.wait_for_function("s => document.getElementById('explainer').dataset.selection !== s", arg=teachers)
    mine = panel_selection(student)
    assert student.is_visible("#hovercard"), "the tap shows the value card"
    assert student.is_visible("#follow-teacher-button")
    student.click("#explainer .point-next")
    wait_selected(student, {**mine, "point": 1})
    assert panel_selection(teacher) == chosen and rest_state(live_server, sid)["selection"] == chosen
    student.click("#follow-teacher-button")
    wait_selected(student, chosen)
    assert not student.is_visible("#follow-teacher-button")
    teacher.context.close()
    student.context.close()


@pytest.mark.parametrize(("width", "height", "how"), [(1024, 768, "key"), (1920, 1080, "hash")])
def test_presentation_mode_enlarges_without_overflow(browser, live_server, console, width, height, how):
    page = new_page(browser, console, width, height, "en")
    if how == "hash":
        open_page(page, live_server, hash="present=true")
    else:
        open_page(page, live_server)
        page.keyboard.press("p")
    page.wait_for_function("() => document.body.classList.contains('present')")
    assert "present=true" in page.evaluate("location.hash")
    page.locator("#svg path.link-hover[data-index='17']").dispatch_event("click")
    page.keyboard.press("Escape")
    wait_selected(page, {"layer": 2, "source": 1, "target": 0, "point": 0})
    assert no_sideways_scroll(page)
    box = heatmap_box(page)
    assert box["width"] >= 380 and box["bottom"] <= height and box["right"] <= width
    sizes = page.evaluate(
        """() => ({epoch: parseFloat(getComputedStyle(document.getElementById('iter-number')).fontSize),
                  body: Math.min(...[...document.querySelectorAll('#explainer p, #explainer .factor .label')]
                        .filter((el) => el.checkVisibility()).map((el) => parseFloat(getComputedStyle(el).fontSize))),
                  sub: Math.min(...[...document.querySelectorAll('#explainer msub > :last-child')]
                        .filter((el) => el.getBoundingClientRect().height > 0)
                        .map((el) => parseFloat(getComputedStyle(el).fontSize)))})"""
    )
    assert sizes["epoch"] >= 28 and sizes["body"] >= 18 and sizes["sub"] >= 14, sizes
    assert not page.is_visible("#article-text") and not page.is_visible(".column.data")
    nothing_cut = page.evaluate(
        "() => [...document.querySelectorAll('#main-part *, #lecture *')].filter((el) => el.checkVisibility())"
        ".every((el) => el.getBoundingClientRect().right <= innerWidth + 0.5)"
    )
    assert nothing_cut
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"present-{width}x{height}-en.png"))
    page.keyboard.press("p")
    page.wait_for_function("() => !document.body.classList.contains('present')")
    assert "present=true" not in page.evaluate("location.hash")
    page.context.close()


def test_language_switch_is_live_and_remembered(browser, live_server, console):
    page = new_page(browser, console, 1280, 800, "en")
    open_page(page, live_server)
    sid = session_id(page)
    page.click("#next-step-button")
    wait_until(lambda: epoch(page) == 1)
    page.select_option("#lang-select", "ko")
    page.wait_for_function("() => document.documentElement.lang === 'ko'")
    assert page.inner_text(".epoch-control .label") == "에포크"
    assert page.locator("#activations option:checked").inner_text() == "Tanh"
    assert page.locator("#regularizations option:checked").inner_text() == "없음"
    assert session_id(page) == sid and epoch(page) == 1, "the session goes on"
    assert hangul_share(page)[0] >= 0.6 and uncatalogued(page, "ko") == []
    page.reload()  # the saved choice wins over the browser's English
    wait_status(page, "connected")
    page.wait_for_function("() => document.documentElement.lang === 'ko'")
    page.goto(page.url.split("#")[0].split("?")[0] + "?lang=en")  # and ?lang= over the saved choice
    wait_status(page, "connected")
    assert page.evaluate("document.documentElement.lang") == "en"
    page.context.close()


# Every layout's edges, and browser zoom (125 % of 1280 is 1024 CSS px).
WIDTHS = [320, 360, 414, 600, 601, 768, 999, 1000, 1024, 1179, 1180, 1399, 1400, 1920, 2560]


def test_no_width_from_320_to_2560_scrolls_sideways(browser, live_server, console):
    page = new_page(browser, console, 320, 800, "ko")
    # The widest network: 7 inputs, 6 layers of 8, 6 output units.
    open_page(page, live_server, hash=f"{SPIRAL_6X8}&classes=6")
    page.click("#your-data-button")
    wide = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        page.wait_for_function(
            "w => window.innerWidth === w && document.getElementById('network').offsetWidth > 0", arg=width
        )
        page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
        if not no_sideways_scroll(page):
            wide.append((width, page.evaluate("document.documentElement.scrollWidth")))
    assert wide == []
    page.context.close()
