"""The page from the keyboard alone (issue 19): from page load, play, pause,
step, α, the activation, a data set, a neuron added and removed with the
focus kept; an output weight and then a hidden weight selected in the diagram
and shown by the explainer; the share dialog opened and closed; a visible
focus ring on each kind of control; space pressing the focused button; the
live region's epoch and losses after a pause."""

from __future__ import annotations

import json

import pytest

from tests.browser.pageutil import epoch, open_page, rest_state, session_id, wait_selected, wait_until

pytestmark = pytest.mark.browser


def tab_to(page, selector: str, limit: int = 150) -> None:
    """Press Tab (only) until the focused element matches `selector`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def focused(page, selector: str) -> bool:
    return bool(page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector))


# The focus ring of the focused control: an outline (or, for the diagram's
# weights, their stroke; for a checkbox, the box drawn beside the hidden
# input), and its contrast with the page's background.
RING = """
() => {
  const el = document.activeElement;
  const lum = (css) => {
    const [r, g, b] = css.match(/[\\d.]+/g).slice(0, 3).map(Number).map((v) => v / 255)
      .map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const contrast = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const page = 'rgb(247, 247, 247)';
  const target = el.type === 'checkbox' ? el.nextElementSibling : el;
  const style = getComputedStyle(target);
  if (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2) {
    return { how: 'outline', width: parseFloat(style.outlineWidth), contrast: contrast(style.outlineColor, page) };
  }
  if (el instanceof SVGElement && style.stroke !== 'none' && !style.stroke.includes('rgba(0, 0, 0, 0)')) {
    const solid = style.stroke.replace(/rgba\\(([^,]+),([^,]+),([^,]+),[^)]+\\)/, 'rgb($1,$2,$3)');
    return { how: 'stroke', width: parseFloat(style.strokeWidth), contrast: contrast(solid, page) };
  }
  return { how: 'none', width: 0, contrast: 0 };
}
"""


def assert_ring(page, what: str) -> None:
    ring = page.evaluate(RING)
    assert ring["how"] != "none" and ring["width"] >= 2 and ring["contrast"] >= 3, (what, ring)


def test_the_whole_lesson_from_the_keyboard(page, live_server, screenshots):
    open_page(page, live_server)
    sid = session_id(page)
    state = lambda: rest_state(live_server, sid)  # noqa: E731
    # Play and pause: space and Enter press the focused play button.
    tab_to(page, "#play-pause-button")
    assert_ring(page, "a button")
    page.keyboard.press(" ")
    page.wait_for_selector("#play-pause-button[aria-pressed='true']")
    wait_until(lambda: epoch(page) > 5)
    page.keyboard.press("Enter")
    page.wait_for_selector("#play-pause-button[aria-pressed='false']")
    # The live region says where it paused, with the losses shown.
    page.wait_for_function("() => /^Paused at epoch /.test(document.getElementById('live-region').textContent)")
    wait_until(lambda: state()["epoch"] == epoch(page))
    live = page.inner_text("#live-region")
    shown = (f"{epoch(page):,}", page.inner_text("#loss-train"), page.inner_text("#loss-test"))
    assert live == f"Paused at epoch {shown[0]}. Training loss {shown[1]}, test loss {shown[2]}.", live
    # Step: space on the focused step button steps (it does not play).
    paused_at = epoch(page)
    page.keyboard.press("Tab")
    assert focused(page, "#next-step-button")
    page.keyboard.press(" ")
    wait_until(lambda: epoch(page) == paused_at + 1)
    wanted = f"Epoch {paused_at + 1:,}."
    wait_until(lambda: page.inner_text("#live-region").startswith(wanted), timeout=10)
    assert not state()["playing"]
    # α and the activation: menus, changed with the arrow keys.
    tab_to(page, "#learningRate")
    assert_ring(page, "a menu")
    page.keyboard.press("ArrowDown")
    wait_until(lambda: state()["config"]["learningRate"] == 0.1)
    tab_to(page, "#activations")
    page.keyboard.press("ArrowDown")
    wait_until(lambda: state()["config"]["activation"] != "tanh")
    # A data set: a radio group, one tab stop, arrows choose.
    tab_to(page, "#dataset-list [role='radio'][aria-checked='true']")
    assert_ring(page, "a data set")
    page.keyboard.press("ArrowRight")
    wait_until(lambda: state()["config"]["dataset"] != "circle")
    chosen = state()["config"]["dataset"]
    page.wait_for_selector(f"#dataset-list [data-dataset='{chosen}'][aria-checked='true']")
    assert focused(page, f"[data-dataset='{chosen}']")
    tab_to(page, "#noise")
    assert_ring(page, "a slider")
    tab_to(page, "#show-test-data")
    assert_ring(page, "a checkbox")
    # A neuron added and removed: the focus stays on the button through the rebuild.
    page.evaluate("document.getElementById('top-controls').focus()")  # the skip link's target: back to the top
    tab_to(page, ".layer-controls button[data-layer='0'][data-delta='1']")
    page.keyboard.press("Enter")
    wait_until(lambda: state()["config"]["networkShape"] == [5, 2])
    page.wait_for_function("() => document.querySelectorAll('#network .node.neuron[data-layer=\"0\"]').length === 5")
    assert focused(page, ".layer-controls button[data-layer='0'][data-delta='1']"), "the focus went elsewhere"
    page.keyboard.press("Tab")
    assert focused(page, ".layer-controls button[data-layer='0'][data-delta='-1']")
    page.keyboard.press(" ")
    wait_until(lambda: state()["config"]["networkShape"] == [4, 2])
    page.wait_for_function("() => document.querySelectorAll('#network .node.neuron[data-layer=\"0\"]').length === 4")
    assert focused(page, ".layer-controls button[data-layer='0'][data-delta='-1']")
    # Hidden layers: removing the last one disables "−"; the focus moves to "+", not to the page.
    page.evaluate("document.getElementById('top-controls').focus()")
    tab_to(page, "#remove-layers")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.getElementById('num-layers').textContent === '1'")  # the page's state too
    assert focused(page, "#remove-layers")
    page.keyboard.press("Enter")
    wait_until(lambda: state()["config"]["networkShape"] == [])
    page.wait_for_selector("#remove-layers[disabled]")
    assert focused(page, "#add-layers"), "the focus went to the page"
    page.keyboard.press("Enter")
    wait_until(lambda: state()["config"]["networkShape"] == [2])


def test_weights_selected_in_the_diagram_from_the_keyboard(page, live_server, screenshots):
    open_page(page, live_server)
    sid = session_id(page)
    tab_to(page, "#network .node.feature[data-feature='x']")
    assert_ring(page, "a node of the diagram")
    name = page.get_attribute("#network .node.feature[data-feature='x']", "aria-label")
    assert name == "Input x one, on. Enter turns it off.", "X₁ is read as x one, not X1"
    # X₁ → its first weight → hidden 1 → … → the output's weight from the second layer's node 1.
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    assert focused(page, "#svg path.link-hover"), "on the output weight"
    assert_ring(page, "a weight")
    label = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert label.startswith("Weight from Hidden layer 2, neuron 1 to Output: "), label
    page.keyboard.press("Enter")
    output_weight = {"layer": 2, "source": 0, "target": 0, "point": 0}
    wait_selected(page, output_weight)
    title = page.locator("#explainer h3.explainer-title").inner_text()
    assert page.is_visible("#hovercard") and "Weight from hidden node 1 of layer 2 to the output" in title, title
    # Back to its source node, then along that node's incoming weights to the second one.
    page.keyboard.press("ArrowLeft")
    assert focused(page, "#network .node.neuron[data-layer='1'][data-index='0']")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    hidden_weight = {"layer": 1, "source": 1, "target": 0, "point": 0}
    wait_selected(page, hidden_weight)
    assert rest_state(live_server, sid)["selection"] == hidden_weight
    assert page.locator("#explainer .backprop").count() == 1, "a hidden weight's explainer: the error sent back"
    # e edits the value; Escape leaves the editor and the focus comes back to the weight.
    page.keyboard.press("e")
    page.wait_for_selector("#hovercard .edit:not([hidden])")
    assert focused(page, "#hovercard .edit")
    page.keyboard.press("Escape")
    assert focused(page, "#svg path.link-hover"), "the focus is back in the diagram"
    page.locator("#lecture").screenshot(path=str(screenshots / "keyboard_hidden_weight.png"))


def test_share_dialog_and_keyboard_help_from_the_keyboard(page, live_server):
    open_page(page, live_server)
    tab_to(page, "#share-button")
    page.keyboard.press("Enter")
    page.wait_for_selector("#share-dialog[open]")
    assert page.evaluate("document.getElementById('share-dialog').contains(document.activeElement)")
    tab_to(page, "#share-url")
    assert_ring(page, "a text field")
    page.keyboard.press("Escape")
    page.wait_for_selector("#share-dialog:not([open])", state="attached")
    assert focused(page, "#share-button"), "the focus comes back to the button that opened it"
    # ? opens the keyboard dialog (the focus is on a button, which does not use ?).
    page.keyboard.press("?")
    page.wait_for_selector("#keys-dialog[open]")
    assert page.locator("#keys-dialog tbody tr").count() == 8  # six one-key shortcuts, the deck's next and previous
    assert focused(page, "#shortcuts-enabled"), "the dialog's first control has the focus"
    page.keyboard.press(" ")  # one-key shortcuts off
    assert json.loads(page.evaluate("JSON.stringify(localStorage.getItem('playground.shortcuts'))")) == "off"
    page.keyboard.press("Escape")
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("s")
    page.wait_for_timeout(500)
    assert epoch(page) == 0, "the shortcuts are off"
    page.keyboard.press("?")
    page.wait_for_timeout(300)
    assert page.locator("#keys-dialog[open]").count() == 0
