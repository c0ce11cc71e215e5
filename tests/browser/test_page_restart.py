"""A server restarted (SIGTERM, as a service manager or a deploy does) under
a teacher's page and a student's: both pages reconnect by themselves to the
same session, nothing is recreated, and the teacher is offered to resume."""

from __future__ import annotations

import pytest

from tests.browser.conftest import NETWORK_ERRORS, ConsoleLog, watch_console
from tests.browser.pageutil import epoch, open_page, rest_state, session_id, wait_status, wait_until

pytestmark = pytest.mark.browser


def test_page_restart_keeps_the_session_and_offers_to_resume(browser, page, console, stored_server, screenshots):
    console.allowed.extend(NETWORK_ERRORS)
    open_page(page, stored_server)
    teacher_session = session_id(page)
    student_context = browser.new_context(viewport={"width": 390, "height": 844})  # another device: no token
    student_log = ConsoleLog()
    student_log.allowed.extend(NETWORK_ERRORS)
    student = student_context.new_page()
    watch_console(student, student_log)
    try:
        open_page(student, stored_server, hash="", query=f"?session={teacher_session}", status="watching")
        page.click("#play-pause-button")
        wait_until(lambda: epoch(page) >= 30 and epoch(student) >= 30, timeout=60)

        stored_server.stop()  # SIGTERM: every session is saved, then every websocket closed with 1012
        wait_status(page, "reconnecting")
        stored_server.start()

        wait_status(page, "connected", timeout=30_000)
        wait_status(student, "watching", timeout=30_000)
        assert session_id(page) == teacher_session and session_id(student) == teacher_session  # not recreated
        state = rest_state(stored_server, teacher_session)
        stopped_at = epoch(page)
        assert state["restored"] is True and state["playing"] is False
        assert state["epoch"] >= 30 and stopped_at == state["epoch"]
        page.wait_for_selector("#resume-offer:not([hidden])")
        assert student.locator("#resume-offer").is_hidden()  # only the controller is offered to resume
        page.screenshot(path=str(screenshots / "restart_resume_offer.png"))

        page.click("#resume-button")
        wait_until(lambda: epoch(page) > stopped_at + 20 and epoch(student) > stopped_at + 20, timeout=60)
        page.wait_for_selector("#resume-offer", state="hidden")
        page.click("#play-pause-button")
        assert student_log.unexpected() == []
    finally:
        student_context.close()
