"""Learning beyond the original in the page (issue 9): the new menus from the
server's field table, three classes drawn in their colours with a legend and
a confusion matrix, stop conditions shown in both languages, the loss chart's
values on hover and tap, and the explainer following the optimizer and the loss."""

from __future__ import annotations

import re
from statistics import mean

import pytest

from tests.browser.conftest import watch_console
from tests.browser.pageutil import (
    epoch,
    heatmap_rgba,
    lookup,
    open_page,
    page_token,
    panel_numbers,
    rest_call,
    rest_explain,
    rest_json,
    rest_state,
    session_id,
    toast,
    wait_selected,
    wait_until,
    with_fields,
)
from tests.browser.screens import catalogue, no_sideways_scroll

pytestmark = pytest.mark.browser

# What the page promises (static/js/classcolors.js): the Okabe-Ito palette from
# the original's orange and blue, grey where undecided, the heatmap's alpha.
CLASS_COLORS = [
    (0xF5, 0x93, 0x22),
    (0x08, 0x77, 0xBD),
    (0x00, 0x9E, 0x73),
    (0xCC, 0x79, 0xA7),
    (0xD5, 0x5E, 0x00),
    (0x56, 0xB4, 0xE9),
]
NEUTRAL = (0xE8, 0xEA, 0xEB)
ALPHA = 160


def blended(bytes_: list[int]) -> tuple[int, ...]:
    """A cell's colour from its classes' bytes (2p − 1 each), by the documented
    rule: from grey towards class k by q_k = max(0, (K·p_k − 1) / (K − 1))."""
    k_classes = len(bytes_)
    channels = [float(c) for c in NEUTRAL]
    for k, byte in enumerate(bytes_):
        p = min(1.0, max(0.0, (byte - 127) / 254 + 0.5))
        q = max(0.0, (k_classes * p - 1) / (k_classes - 1))
        for c in range(3):
            channels[c] += q * (CLASS_COLORS[k][c] - NEUTRAL[c])
    return tuple(int(v + 0.5) for v in channels)


def options(page, select: str) -> list[list[str]]:
    return list(page.eval_on_selector_all(f"{select} option", "os => os.map(o => [o.value, o.textContent])"))


def test_new_menus_come_from_the_field_table_and_reach_the_session(page, live_server):
    open_page(page, live_server, with_fields(seed="0.5"))
    sid = session_id(page)
    config = lambda: rest_state(live_server, sid)["config"]  # noqa: E731
    fields = {field["name"]: field for field in page.evaluate("window.__playground.config.fields")}
    english = catalogue("en")
    for name in ("optimizer", "loss"):
        assert options(page, f"#{name}") == [[o["value"], english[o["labelKey"]]] for o in fields[name]["options"]]
    classes = fields["classes"]
    assert [v for v, _ in options(page, "#classes")] == [str(n) for n in range(classes["low"], classes["high"] + 1)]
    assert [float(v) for v, _ in options(page, "#momentum")] == fields["momentum"]["values"]
    assert not page.is_visible("#momentum"), "μ is shown with the momentum optimizer only"
    page.select_option("#optimizer", "momentum")
    wait_until(lambda: config()["optimizer"] == "momentum")
    page.wait_for_selector("#momentum", state="visible")
    page.select_option("#momentum", "0.5")
    wait_until(lambda: config()["momentum"] == 0.5)
    page.fill("#stopEpoch", "25")
    page.press("#stopEpoch", "Enter")
    wait_until(lambda: config()["stopEpoch"] == 25)
    page.fill("#stopEpoch", "")
    page.press("#stopEpoch", "Enter")
    wait_until(lambda: config()["stopEpoch"] is None)
    page.select_option("#loss", "cross-entropy")
    wait_until(lambda: config()["loss"] == "cross-entropy")
    page.select_option("#classes", "3")
    wait_until(lambda: rest_state(live_server, sid)["shape"][-1] == 3)
    page.wait_for_function("() => document.querySelectorAll('.node.output-node[data-unit]').length === 3")
    disabled = page.eval_on_selector_all("#loss option", "os => os.filter(o => o.disabled).map(o => o.value)")
    assert disabled == ["half-square", "square"], "three classes train with cross-entropy"
    # xor makes two classes only: its picture is greyed out and says so (the server refuses it too).
    xor = page.locator(".dataset[data-dataset='xor']")
    assert xor.is_disabled() and xor.get_attribute("title") == "Exclusive or makes two classes only"
    assert config()["dataset"] == "circle" and page.locator("#classes").input_value() == "3"
    # The server's refusal shows in the page, and the menus keep the session's values: a link edited by hand.
    page.evaluate("() => { location.hash = location.hash.replace(/classes=3/, 'classes=9'); }")
    assert "classes" in toast(page)
    assert config()["classes"] == 3 and page.locator("#classes").input_value() == "3"
    page.select_option("#loss", "auto")  # cross-entropy is for classification
    wait_until(lambda: config()["loss"] == "auto")
    page.select_option("#problem", "regression")
    wait_until(lambda: config()["problem"] == "regression")
    page.wait_for_function("() => document.getElementById('classes').disabled")


def test_three_classes_paint_their_colours_legend_and_confusion_matrix(page, live_server, screenshots):
    hash = with_fields(dataset="gauss", classes=3, networkShape="6", optimizer="adam", seed="0.5")
    open_page(page, live_server, hash)
    sid = session_id(page)
    rest_call(live_server, f"/api/sessions/{sid}/step", {"epochs": 200}, token=page_token(page))
    wait_until(lambda: epoch(page) == 200)
    state = rest_json(live_server, f"/api/sessions/{sid}?include=data")
    assert state["accuracy_train"] >= 0.95
    assert page.locator(".node.output-node[data-unit]").count() == 3, "every output unit in the diagram"
    assert page.locator("#class-legend .legend-item").all_inner_texts() == ["Class 0", "Class 1", "Class 2"]
    # Where each class's points are, the heatmap has that class's colour.
    train = state["train"]
    for k in range(3):
        x, y = mean(p[0] for p in train if p[2] == k), mean(p[1] for p in train if p[2] == k)
        r, g, b, a = heatmap_rgba(page, x, y)
        assert a == ALPHA and max(abs(v - c) for v, c in zip((r, g, b), CLASS_COLORS[k], strict=True)) <= 12
    # Every 97th cell, blended from the frame's bytes as documented.
    cells = page.evaluate(
        """() => { const f = window.__playground.view.lastFrame; const c = document.getElementById('heatmap-canvas');
                   const px = c.getContext('2d').getImageData(0, 0, 100, 100).data; const out = [];
                   for (let i = 0; i < 10000; i += 97) out.push([[0, 1, 2].map(k => f.outputs[k * 10000 + i]),
                       Array.from(px.slice(4 * i, 4 * i + 4))]);
                   return out; }"""
    )
    for classes_bytes, rgba in cells:
        expected = blended(classes_bytes)
        assert all(abs(a - b) <= 1 for a, b in zip(rgba[:3], expected, strict=True)), (classes_bytes, rgba)
        assert rgba[3] == ALPHA
    shown = [p for p in train if abs(p[0]) <= 6 and abs(p[1]) <= 6]
    fills = page.eval_on_selector_all("#heatmap .points .train", "cs => cs.map(c => c.getAttribute('fill'))")
    assert fills == ["rgb({},{},{})".format(*CLASS_COLORS[int(p[2])]) for p in shown]

    # The confusion matrix is the server's, the test points' first, then the training points'.
    def matrix() -> list[list[int]]:
        cells = "rows => rows.map(r => [...r.querySelectorAll('td')].map(td => Number(td.textContent)))"
        return list(page.eval_on_selector_all("#confusion tbody tr", cells))

    wait_until(lambda: matrix() == state["confusion_test"], timeout=5)  # shown a few times a second
    page.click("#class-metrics [data-set='train']")
    assert matrix() == state["confusion_train"]
    assert page.inner_text(".accuracy-train") == f"{100 * state['accuracy_train']:.1f}%"
    assert page.inner_text(".accuracy-test") == f"{100 * state['accuracy_test']:.1f}%"
    page.locator(".column.output").screenshot(path=str(screenshots / "three_classes_output_en.png"))
    page.select_option("#lang-select", "ko")
    legend = page.locator("#class-legend .legend-item")
    wait_until(lambda: legend.all_inner_texts() == ["클래스 0", "클래스 1", "클래스 2"])
    page.locator(".column.output").screenshot(path=str(screenshots / "three_classes_output_ko.png"))


def test_data_set_pictures_show_as_many_classes_as_the_setting(page, live_server):
    """With four classes the DATA column's pictures are four-class data (xor,
    which makes two only, is greyed out); back at two, the original's."""

    def colours(name: str) -> set[tuple[int, int, int]]:
        """The palette colours that whole squares of the picture have (edges
        between squares are blends, and are not counted)."""
        pixels = page.evaluate(
            """(name) => { const c = document.querySelector(`.dataset[data-dataset="${name}"] canvas`);
                           const px = c.getContext('2d').getImageData(0, 0, 100, 100).data; const out = [];
                           for (let i = 0; i < px.length; i += 4) {
                             if (px[i + 3] === 255) out.push([px[i], px[i + 1], px[i + 2]]);
                           }
                           return out; }""",
            name,
        )
        counts = {colour: 0 for colour in CLASS_COLORS}
        for pixel in pixels:
            for colour in CLASS_COLORS:
                if max(abs(a - b) for a, b in zip(pixel, colour, strict=True)) <= 2:
                    counts[colour] += 1
        return {colour for colour, count in counts.items() if count >= 40}

    open_page(page, live_server, with_fields(dataset="spiral", classes=4, networkShape="4", seed="0.5"))
    for name in ("spiral", "gauss", "circle"):
        assert colours(name) == set(CLASS_COLORS[:4]), name
    xor = page.locator('.dataset[data-dataset="xor"]')
    assert xor.is_disabled() and xor.get_attribute("title") == "Exclusive or makes two classes only"
    rest_call(
        live_server, f"/api/sessions/{session_id(page)}/config", {"classes": 2}, method="PATCH", token=page_token(page)
    )
    wait_until(lambda: colours("spiral") == set(CLASS_COLORS[:2]))
    assert not xor.is_disabled() and colours("xor") == set(CLASS_COLORS[:2])


def test_stop_conditions_are_shown_in_both_languages(page, live_server, screenshots):
    open_page(page, live_server, with_fields(seed="0.5", stopEpoch=30))
    sid = session_id(page)
    notice = page.locator("#stop-notice")
    page.click("#speed button[data-speed='10']")
    page.click("#play-pause-button")
    page.wait_for_selector("#stop-notice:not([hidden])")
    assert notice.inner_text() == "Stopped at epoch 30" and notice.get_attribute("data-reason") == "epoch"
    state = rest_state(live_server, sid)
    assert (state["epoch"], state["playing"], state["stopped"]) == (30, False, "epoch")
    page.select_option("#lang-select", "ko")
    wait_until(lambda: notice.inner_text() == "에포크 30에서 멈췄습니다")
    page.select_option("#lang-select", "en")
    # A test loss to reach, typed in; playing goes on past stopEpoch, then stops there.
    page.fill("#stopLoss", "0.35")
    page.press("#stopLoss", "Enter")
    wait_until(lambda: rest_state(live_server, sid)["config"]["stopLoss"] == 0.35)
    wait_until(lambda: not notice.is_visible())  # a change clears the reason (the page hears it after REST does)
    page.click("#play-pause-button")
    page.wait_for_selector("#stop-notice[data-reason='loss']", timeout=60_000)
    state = rest_state(live_server, sid)
    assert state["stopped"] == "loss" and state["loss_test"] <= 0.35
    found = re.fullmatch(r"Reached test loss ([0-9.]+) at epoch ([0-9,]+)", notice.inner_text())
    assert found and float(found[1]) == pytest.approx(state["loss_test"], rel=5e-3)
    assert int(found[2].replace(",", "")) == state["epoch"]
    # A diverging loss: regression at a learning rate of 10 turns NaN within a few epochs.
    page.fill("#stopLoss", "")
    page.press("#stopLoss", "Enter")
    wait_until(lambda: rest_state(live_server, sid)["config"]["stopLoss"] is None)
    page.select_option("#problem", "regression")
    page.select_option("#learningRate", "10")
    wait_until(lambda: rest_state(live_server, sid)["config"]["learningRate"] == 10)
    page.click("#play-pause-button")
    page.wait_for_selector("#stop-notice[data-reason='diverged']", timeout=60_000)
    assert re.fullmatch(r"Diverged at epoch [0-9,]+: the loss is no longer a finite number", notice.inner_text())
    assert rest_state(live_server, sid)["stopped"] == "diverged"
    page.select_option("#lang-select", "ko")
    wait_until(lambda: "발산" in notice.inner_text())
    page.set_viewport_size({"width": 1024, "height": 768})  # the narrowest desktop strip holds it
    page.wait_for_function("() => window.innerWidth === 1024")
    assert no_sideways_scroll(page) and notice.is_visible()
    page.locator("#run-strip").screenshot(path=str(screenshots / "stop_diverged_ko.png"))


def tip_matches_chart(page) -> None:
    """The tip names a point the chart holds, with its two losses."""
    epoch_shown = float(page.get_attribute("#chart-tip", "data-epoch"))
    points = {p[0]: p for p in page.evaluate("window.__playground.chart.points")}
    _, train, test = points[epoch_shown]
    text = page.inner_text("#chart-tip")
    found = re.fullmatch(r"Epoch ([0-9,]+) · training loss (\S+) · test loss (\S+)", text)
    assert found, text
    assert int(found[1].replace(",", "")) == epoch_shown
    assert float(found[2]) == pytest.approx(train, rel=5e-3) and float(found[3]) == pytest.approx(test, rel=5e-3)


def test_loss_chart_tells_values_on_hover_and_on_tap(browser, live_server, page, console):
    open_page(page, live_server, with_fields(seed="0.5"))
    rest_call(live_server, f"/api/sessions/{session_id(page)}/step", {"epochs": 60}, token=page_token(page))
    wait_until(lambda: epoch(page) == 60)
    box = page.locator("#linechart").bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + 10)
    page.wait_for_selector("#chart-tip:not([hidden])")
    tip_matches_chart(page)
    page.mouse.move(box["x"] + box["width"] - 1, box["y"] + 10)
    wait_until(lambda: page.get_attribute("#chart-tip", "data-epoch") == "60")
    page.mouse.move(box["x"] - 200, box["y"] + 200)
    page.wait_for_selector("#chart-tip", state="hidden")
    # A phone: a tap shows the values, which stay until a tap elsewhere.
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    touch = phone.new_page()
    watch_console(touch, console)
    open_page(touch, live_server, with_fields(seed="0.5"))
    rest_call(live_server, f"/api/sessions/{session_id(touch)}/step", {"epochs": 40}, token=page_token(touch))
    wait_until(lambda: epoch(touch) == 40)
    box = touch.locator("#linechart").bounding_box()
    touch.touchscreen.tap(box["x"] + box["width"] * 0.5, box["y"] + box["height"] / 2)
    touch.wait_for_selector("#chart-tip:not([hidden])")
    tip_matches_chart(touch)
    touch.wait_for_timeout(300)
    assert touch.is_visible("#chart-tip"), "a tap's values stay"
    touch.touchscreen.tap(20, 400)
    touch.wait_for_selector("#chart-tip", state="hidden")
    phone.close()


OUTPUT_LINK = {"layer": 1, "source": 0, "target": 2, "point": 0}  # hidden node 1 -> class 2's unit


def explained_numbers_match(page, live_server, sid: str, selection: dict[str, int]) -> dict[str, float]:
    """Every number the panel shows is the server's (its data-source path in GET /explain)."""
    data = {"explain": rest_explain(live_server, sid, selection)}
    shown = {}
    for source, value, _ in panel_numbers(page):
        assert value == pytest.approx(lookup(data, source), rel=1e-9, abs=1e-15), source
        shown[source] = value
    return shown


@pytest.mark.parametrize(
    ("fields", "link", "optimizer", "terms"),
    [
        (
            dict(dataset="gauss", classes=3, networkShape="4", optimizer="adam"),
            10,
            "adam",
            ["m", "v", "m_hat", "v_hat", "t", "step"],
        ),
        (dict(loss="cross-entropy", optimizer="rmsprop"), 17, "rmsprop", ["rho", "s", "new_s", "gradient", "step"]),
        (dict(optimizer="momentum", momentum=0.5), 17, "momentum", ["momentum", "velocity", "new_velocity", "step"]),
    ],
    ids=["adam-softmax", "rmsprop-sigmoid", "momentum"],
)
def test_explainer_follows_the_optimizer_and_the_loss(page, live_server, screenshots, fields, link, optimizer, terms):
    open_page(page, live_server, with_fields(seed="0.5", **fields))
    sid = session_id(page)
    rest_call(live_server, f"/api/sessions/{sid}/step", {"epochs": 3}, token=page_token(page))
    wait_until(lambda: epoch(page) == 3)
    page.locator(f"#svg path.link-hover[data-index='{link}']").dispatch_event("click")
    page.keyboard.press("Escape")
    page.wait_for_function("() => document.getElementById('explainer').dataset.selection !== undefined")
    selection = page.evaluate("JSON.parse(document.getElementById('explainer').dataset.selection)")
    wait_selected(page, selection)
    shown = explained_numbers_match(page, live_server, sid, selection)
    for term in terms:
        assert f"explain.batch.optimizer.{term}" in shown, term
    assert page.locator(f"#explainer .optimizer[data-optimizer='{optimizer}']").is_visible()
    assert "explain.batch.gradient" in shown, "the raw mean gradient comes first"
    ex = rest_explain(live_server, sid, selection)
    if fields.get("loss") == "cross-entropy" or fields.get("classes", 2) > 2:
        assert ex["combined"] and "explain.delta" in shown and "explain.slope" not in shown, "δ = o − t, no f′"
        assert shown["explain.delta"] == pytest.approx(ex["output"] - ex["point"]["target"], abs=1e-12)
    if fields.get("classes", 2) > 2:
        assert re.search(r"→ class [0-2]", page.inner_text("#explainer .point-label"))
    page.locator("#explainer").screenshot(path=str(screenshots / f"explainer_{optimizer}_en.png"))
    page.select_option("#lang-select", "ko")
    page.wait_for_function("() => document.documentElement.lang === 'ko'")
    page.locator("#explainer").screenshot(path=str(screenshots / f"explainer_{optimizer}_ko.png"))
