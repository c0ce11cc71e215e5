"""The page's controls come from the field table (issue 21): a made-up row appears
in the page and works there, the step's settings beside the Step button drive
Step, and what the rules between fields refuse or leave unused is greyed out as
the server's state says (the page repeats no rule)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.pageutil import (
    epoch,
    open_page,
    page_token,
    rest_call,
    rest_state,
    session_id,
    wait_until,
    with_fields,
)
from tests.live_server import LiveServer

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def made_up_server() -> Iterator[LiveServer]:
    """The real server with two made-up rows in its table (tests/made_up_fields.py)."""
    with LiveServer(env={"PLAYGROUND_CLIENT_LIMITS": "0"}, module="tests.made_up_fields") as server:
        yield server


def options(page, select: str) -> list[list[str]]:
    return list(page.eval_on_selector_all(f"{select} option", "os => os.map(o => [o.value, o.textContent])"))


def test_a_made_up_row_is_a_working_control_in_the_page(page, made_up_server):
    open_page(page, made_up_server, with_fields(seed="0.5"))
    sid = session_id(page)
    config = lambda: rest_state(made_up_server, sid)["config"]  # noqa: E731
    # Drawn where the row places it, filled from the row, labelled from the catalogue.
    assert page.locator("#beyond #wobble-control label").inner_text() == "Wobble"
    assert options(page, "#wobble") == [["0.25", "0.25"], ["0.5", "0.5"], ["1", "1"]]
    assert options(page, "#lecture-options #flavour") == [["plain", "Plain"], ["salty", "Salty"]]
    assert page.locator("#wobble").input_value() == "0.5"
    # The page sends it (over the websocket, wired by its widget) ...
    page.select_option("#wobble", "0.25")
    wait_until(lambda: config()["wobble"] == 0.25)
    # The server has the value before the page's state arrives over the websocket: wait for it.
    wait_until(lambda: "wobble=0.25" in page.evaluate("location.hash"))
    # ... and shows what REST sets, greyed out where the row says it does not apply.
    token = page_token(page)
    rest_call(made_up_server, f"/api/sessions/{sid}/config", {"flavour": "salty"}, method="PATCH", token=token)
    page.wait_for_function("() => document.getElementById('flavour').value === 'salty'")
    assert not page.is_disabled("#flavour")
    rest_call(made_up_server, f"/api/sessions/{sid}/config", {"problem": "regression"}, method="PATCH", token=token)
    page.wait_for_function("() => document.getElementById('flavour').disabled")
    # A classroom link can hide it (hideable): its whole control goes.
    rest_call(made_up_server, f"/api/sessions/{sid}/config", {"hidden": ["wobble"]}, method="PATCH", token=token)
    page.wait_for_selector("#wobble-control", state="hidden")
    assert page.locator("#hide-wobble").count() == 1  # and the article's classroom grid offers it


def test_step_size_and_what_it_trains_sit_beside_the_step_button_and_drive_step(page, live_server):
    open_page(page, live_server, with_fields(seed="0.5"))
    sid = session_id(page)
    step = page.locator("#next-step-button").bounding_box()
    unit = page.locator("#stepUnit").bounding_box()
    assert abs(unit["y"] - (step["y"] + step["height"])) < 40, (step, unit)  # right under the timeline buttons
    page.select_option("#stepUnit", "update")
    wait_until(lambda: rest_state(live_server, sid)["config"]["stepUnit"] == "update")
    page.click("#next-step-button")  # one update: one mini-batch of 10 points, the epoch goes on
    wait_until(lambda: rest_state(live_server, sid)["position"] == 10)
    page.keyboard.press("s")  # the shortcut steps the same way
    wait_until(lambda: rest_state(live_server, sid)["position"] == 20)
    assert rest_state(live_server, sid)["epoch"] == 0 and epoch(page) == 0
    page.select_option("#stepUnit", "epoch")
    wait_until(lambda: rest_state(live_server, sid)["config"]["stepUnit"] == "epoch")
    page.click("#next-step-button")
    wait_until(lambda: rest_state(live_server, sid)["epoch"] == 1)
    page.select_option("#train", "selected")
    wait_until(lambda: rest_state(live_server, sid)["config"]["train"] == "selected")


def test_what_the_rules_refuse_or_leave_unused_is_greyed_out_as_the_state_says(page, live_server):
    open_page(page, live_server, with_fields(seed="0.5"))
    sid = session_id(page)
    disabled = lambda select: page.eval_on_selector_all(  # noqa: E731
        f"{select} option", "os => os.filter(o => o.disabled).map(o => o.value)"
    )
    # A sigmoid output cannot reach the original's ±1 targets: refused by the server, greyed out here.
    assert disabled("#outputActivation") == ["sigmoid"]
    assert page.is_disabled("#initValue"), "the initial value is init=equal's only"
    page.select_option("#targets", "lecture")
    page.wait_for_function("() => !document.querySelector('#outputActivation option[value=sigmoid]').disabled")
    page.select_option("#outputActivation", "sigmoid")
    wait_until(lambda: rest_state(live_server, sid)["config"]["outputActivation"] == "sigmoid")
    page.wait_for_function("() => document.querySelector('#targets option[value=pm1]').disabled")
    # Every update on the whole training set: the batch size does not apply.
    assert not page.is_disabled("#batchSize")
    page.click("label[for=fullBatch]")
    wait_until(lambda: rest_state(live_server, sid)["config"]["fullBatch"] is True)
    page.wait_for_function("() => document.getElementById('batchSize').disabled")
    page.select_option("#init", "equal")
    page.wait_for_function("() => !document.getElementById('initValue').disabled")


def test_a_component_joins_the_view_with_one_call(page, live_server):
    """What the lecture's next components (a deck, comparisons) hook into: follow() hands a
    component every state and frame drawn, and forgets with the page's session."""
    open_page(page, live_server, with_fields(seed="0.5"))
    page.evaluate(
        """() => { window.__seen = {states: [], frames: [], resets: 0};
                   window.__playground.view.follow({
                     update: (state) => window.__seen.states.push(state.epoch),
                     updateFrame: (frame) => window.__seen.frames.push(frame.epoch),
                     reset: () => { window.__seen.resets += 1; } }); }"""
    )
    page.click("#next-step-button")
    page.wait_for_function("() => window.__seen.frames.includes(1)")
    page.click("#reset-button")  # a new network: a state of epoch 0
    page.wait_for_function("() => window.__seen.states.includes(0)")
    page.click("#worked-example-button")  # the page leaves its session for the worked example's
    page.wait_for_function("() => window.__seen.resets === 1 && window.__playground.view.state !== null")
    assert page.evaluate("window.__playground.view.state.config.scenario") == "worked-example"
