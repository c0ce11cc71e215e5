"""A class following live: the share dialog and its link, the watcher count,
a student's view-only page, Fork and Back to the teacher."""

from __future__ import annotations

import json
import time

import pytest

from tests.browser.conftest import student_page, watch_console
from tests.browser.pageutil import (
    click_link,
    epoch,
    open_page,
    rest_state,
    screenshot_between,
    session_id,
    wait_selected,
    wait_status,
    wait_until,
)

pytestmark = pytest.mark.browser

# Default network: link 8 + 1·2 + 0 is hidden layer 1 node 2 -> hidden layer 2 node 1.
LINK = {"index": 10, "selection": {"layer": 1, "source": 1, "target": 0, "point": 0}}

# Commands that change a session; a watcher's page must send none of them.
CONTROL_TYPES = {"play", "pause", "step", "reset", "regenerate", "config", "hash", "weight", "bias", "speed", "select"}


def sent_types(page) -> list[str]:
    return [json.loads(text)["type"] for text in page.evaluate("window.__sent")]


def test_share_dialog_link_opens_the_watcher_view_and_counts_watchers(browser, page, live_server, console):
    open_page(page, live_server)
    sid = session_id(page)
    assert page.is_visible("#share-button") and not page.is_visible("#fork-button")
    page.click("#share-button")
    page.wait_for_selector("#share-dialog[open]")
    href = page.get_attribute("#share-link", "href")
    assert href is not None and "/s/" in href
    assert page.input_value("#share-url") == href
    assert page.locator("#share-qr svg").count() == 1, "the QR code, drawn by the server"
    wait_until(lambda: page.get_attribute("#share-watchers", "data-count") == "1")
    student = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    watch_console(student, console)
    student.goto(href)  # the short link redirects to ?session=<id>
    wait_status(student, "watching")
    assert session_id(student) == sid
    assert f"session={sid}" in student.url
    wait_until(lambda: page.get_attribute("#share-watchers", "data-count") == "2")
    assert "2 connected" in page.inner_text("#share-watchers")
    assert page.get_attribute("#watcher-count", "data-count") == "2"
    page.click("#share-dialog form button")
    page.wait_for_selector("#share-dialog:not([open])", state="attached")
    student.context.close()
    wait_until(lambda: page.get_attribute("#watcher-count", "data-count") == "1")


def test_watcher_follows_frames_and_selection_but_has_no_working_controls(
    browser, page, live_server, console, screenshots
):
    open_page(page, live_server)
    sid = session_id(page)
    click_link(page, LINK["index"])
    wait_selected(page, LINK["selection"])
    student = student_page(browser, console, live_server, sid)
    # A student who joins after the selection sees it at once (paused teacher).
    wait_selected(student, LINK["selection"])
    page.click("#play-pause-button")
    wait_until(lambda: epoch(student) > 30, timeout=60)
    # The explainer follows training on the student's page too.
    wait_until(lambda: int(student.get_attribute("#explainer", "data-epoch") or 0) > 30, timeout=30)
    assert student.locator("#svg .selected-link").count() == 1
    screenshot_between(student, str(screenshots / "student_watcher_view.png"), "#run-strip", "#lecture")
    page.click("#play-pause-button")
    page.wait_for_selector("#play-pause-button:not(.playing)")
    before = rest_state(live_server, sid)  # read after any tick still running (the session's lane)
    assert not before["playing"]
    assert student.is_visible("#fork-button") and not student.is_visible("#share-button")
    # Every control, clicked on the element itself (disabled ones are inert
    # to the mouse, so this is stricter than a person could be).
    for selector in [
        "#play-pause-button",
        "#next-step-button",
        "#reset-button",
        "#data-regen-button",
        ".node.feature[data-feature='xSquared']",
        "#lecture-preset-button",
        "#original-preset-button",
        "#worked-example-button",
        "#explainer .point-next",
        ".dataset[data-dataset='xor']",
        "#add-layers",
        f"#svg path.link-hover[data-index='{LINK['index'] + 1}']",
    ]:
        student.locator(selector).first.dispatch_event("click")
    student.keyboard.press("s")
    student.keyboard.press("r")
    student.keyboard.press(" ")
    student.locator("#heatmap-svg").click(position={"x": 130, "y": 130}, force=True)
    time.sleep(1.0)  # a command sent would have reached the server meanwhile (none may be: sent_types below)
    after = rest_state(live_server, sid)
    for key in ["epoch", "weights", "biases", "config", "playing", "selection", "generation"]:
        assert after[key] == before[key], key
    assert [t for t in sent_types(student) if t in CONTROL_TYPES] == [], "a watcher sends no commands"
    assert session_id(student) == sid, "still watching the teacher"
    student.context.close()


def test_fork_copies_the_teachers_weights_and_back_rejoins(browser, page, live_server, console):
    open_page(page, live_server)
    teacher = session_id(page)
    page.click("#next-step-button")
    wait_until(lambda: rest_state(live_server, teacher)["epoch"] == 1)
    page.click("#next-step-button")
    wait_until(lambda: rest_state(live_server, teacher)["epoch"] == 2)
    click_link(page, LINK["index"])
    wait_selected(page, LINK["selection"])
    student = student_page(browser, console, live_server, teacher)
    student.click("#fork-button")
    wait_until(lambda: session_id(student) != teacher)
    wait_status(student, "connected")
    fork = session_id(student)
    stored = json.loads(student.evaluate("sessionStorage.getItem('playground.session')"))
    assert stored["id"] == fork and stored["control_token"]
    assert student.evaluate("sessionStorage.getItem('playground.teacher')") == teacher
    assert "session=" not in student.url, "a reload keeps the student's own session"
    mine, theirs = rest_state(live_server, fork), rest_state(live_server, teacher)
    for key in ["weights", "biases", "epoch", "config"]:
        assert mine[key] == theirs[key], key
    # The fork explains the weight the teacher pointed at.
    wait_selected(student, LINK["selection"])
    assert student.is_visible("#teacher-button") and not student.is_visible("#fork-button")
    # The student tinkers: only their copy changes.
    student.click("#next-step-button")
    wait_until(lambda: rest_state(live_server, fork)["epoch"] == 3)
    assert rest_state(live_server, teacher)["epoch"] == 2
    student.reload()
    wait_status(student, "connected")
    assert session_id(student) == fork
    student.click("#teacher-button")
    wait_status(student, "watching")
    assert session_id(student) == teacher
    assert f"session={teacher}" in student.url
    wait_until(lambda: epoch(student) == 2)
    wait_selected(student, LINK["selection"])
    assert student.is_visible("#fork-button")
    student.context.close()


def test_worked_example_while_students_watch_loads_into_the_shared_session(browser, page, live_server, console):
    open_page(page, live_server)
    teacher = session_id(page)
    student = student_page(browser, console, live_server, teacher)
    wait_until(lambda: page.get_attribute("#watcher-count", "data-count") == "2")
    page.click("#worked-example-button")
    selection = {"layer": 1, "source": 0, "target": 0, "point": 0}
    wait_selected(page, selection)
    assert session_id(page) == teacher, "the class link still points at the session shown"
    assert rest_state(live_server, teacher)["config"]["scenario"] == "worked-example"
    wait_selected(student, selection)
    shown = student.locator("#explainer [data-source='explain.new_weight']").first.text_content()
    assert shown == "2.00265"
    # A watcher's hover card says it cannot edit.
    student.locator("#svg path.link-hover[data-index='4']").dispatch_event("mouseover")
    student.wait_for_selector("#hovercard:not([hidden])")
    assert "View only" in student.inner_text("#hovercard .hint")
    student.context.close()


def test_teacher_reopening_the_session_or_its_class_link_controls_it_again(
    context, browser, page, live_server, console
):
    open_page(page, live_server)
    sid = session_id(page)
    assert page.is_visible("#control-badge")
    page.click("#share-button")
    page.wait_for_selector("#share-dialog[open]")
    href = page.get_attribute("#share-link", "href")
    # The test server listens on 127.0.0.1 only: the dialog says so, and how to start it for a class.
    assert page.is_visible("#share-reach")
    assert "HOST=0.0.0.0" in page.inner_text("#share-reach .reach-command")
    page.keyboard.press("Escape")
    page.close()  # the tab is gone; its sessionStorage with it
    for address in [f"{live_server.url}/?session={sid}", href]:
        again = context.new_page()
        watch_console(again, console)
        again.goto(address)
        wait_status(again, "connected")
        assert session_id(again) == sid and again.is_visible("#control-badge")
        again.click("#next-step-button")  # and it works: the server took the token
        wait_until(lambda: rest_state(live_server, sid)["epoch"] >= 1)
        again.close()
    mine = context.new_page()
    watch_console(mine, console)
    open_page(mine, live_server)
    mine.click("#my-sessions-button")
    mine.wait_for_selector("#sessions-dialog[open]")
    assert mine.locator(f"#sessions-list a[data-session='{sid}']").count() == 1
    mine.close()
    # Another browser has no token: it watches.
    student = student_page(browser, console, live_server, sid)
    assert not student.is_visible("#control-badge")
    student.context.close()
