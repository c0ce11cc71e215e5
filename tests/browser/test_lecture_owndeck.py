"""A deck of the teacher's own (issue 18): the current state added as a
scene with a title and caption, moved and deleted, saved as a file, opened
again into another session, kept through a server restart; a deck opened
from a link (/?deck=<id>) after a confirmation; and a session file opened
while students watch, loaded into the shared session after a confirmation
that says they follow."""

from __future__ import annotations

import json

import pytest

from tests.browser.conftest import NETWORK_ERRORS, ConsoleLog, watch_console
from tests.browser.pageutil import open_page, rest_state, session_id, wait_status, wait_until, with_fields
from tests.live_server import LiveServer

pytestmark = pytest.mark.browser


def titles(page) -> list[str]:
    return [t.strip() for t in page.locator("#deck-scenes .deck-scene-title").all_inner_texts()]


def test_own_deck_made_saved_reopened_and_kept_through_a_restart(browser, page, console, stored_server, tmp_path):
    console.allowed.extend(NETWORK_ERRORS)
    open_page(page, stored_server, hash=with_fields(learningRate=0.3, networkShape="3"), query="?lang=en")
    sid = session_id(page)
    page.click("#deck-edit-button")
    page.wait_for_selector("#deck-dialog[open]")
    assert len(titles(page)) == 14
    page.fill("#scene-add-title", "Our circle")
    page.fill("#scene-add-caption", "Three hidden nodes.\nα = 0.3.")
    page.fill("#scene-add-next", "Press Play")
    page.click("#scene-add-button")
    wait_until(lambda: len(titles(page)) == 15)
    assert titles(page)[-1] == "Our circle"
    assert "own deck" in page.inner_text("#deck-dialog-kind")
    # Moved to the front, and a built-in scene deleted.
    page.click("#deck-scenes li[data-index='14'] button[aria-label='Move “Our circle” up']")
    wait_until(lambda: titles(page)[13] == "Our circle")
    for _ in range(13):
        index = titles(page).index("Our circle")
        page.click(f"#deck-scenes li[data-index='{index}'] button:has-text('\u2191')")
        wait_until(lambda index=index: titles(page).index("Our circle") == index - 1)
    page.click("#deck-scenes li[data-index='1'] button:has-text('\u00d7')")  # brute force, now second
    wait_until(lambda: len(titles(page)) == 14)
    assert titles(page)[:2] == ["Our circle", "Gradient descent on one weight"]
    # Saved as a file.
    with page.expect_download() as download:
        page.click("#deck-save")
    saved = tmp_path / "deck.json"
    download.value.save_as(saved)
    doc = json.loads(saved.read_text())
    assert doc["format"] == "playground-deck" and doc["scenes"][0]["title"] == "Our circle"
    assert doc["scenes"][0]["caption"] == "Three hidden nodes.\nα = 0.3."
    # Back to the lecture's deck, then the file opened again.
    page.click("#deck-lecture")
    wait_until(lambda: len(titles(page)) == 14 and titles(page)[0] == "Brute force: 18 weights")
    page.set_input_files("#deck-file", str(saved))
    wait_until(lambda: titles(page)[0] == "Our circle")
    page.click("#deck-dialog form[method='dialog'] button")
    # The class goes to the teacher's scene: its settings come back, its caption shows.
    page.click("#deck-start")
    page.wait_for_function("() => document.getElementById('deck').dataset.index === '0'")
    assert page.inner_text("#scene-title") == "Our circle"
    assert page.locator("#scene-caption p").all_inner_texts() == ["Three hidden nodes.", "α = 0.3."]
    assert rest_state(stored_server, sid)["config"]["networkShape"] == [3]
    # A restart keeps the deck (the session store).
    stored_server.stop()
    wait_status(page, "reconnecting")
    stored_server.start()
    wait_status(page, "connected", timeout=30_000)
    assert session_id(page) == sid
    with open_deck(stored_server, sid) as kept:
        assert [s.get("title") for s in kept["scenes"][:1]] == ["Our circle"] and len(kept["scenes"]) == 14
    page.click("#deck-edit-button")
    wait_until(lambda: titles(page)[:1] == ["Our circle"])


class open_deck:
    def __init__(self, server: LiveServer, sid: str) -> None:
        import urllib.request

        self.response = urllib.request.urlopen(f"{server.url}/api/sessions/{sid}/deck", timeout=10)

    def __enter__(self) -> dict:
        return json.load(self.response)

    def __exit__(self, *exc: object) -> None:
        self.response.close()


def test_deck_from_a_link_and_a_file_loaded_while_students_watch(browser, page, live_server, console, tmp_path):
    # A teacher's deck in one session...
    open_page(page, live_server, query="?lang=en")
    source = session_id(page)
    page.click("#deck-edit-button")
    page.fill("#scene-add-title", "From the link")
    page.click("#scene-add-button")
    wait_until(lambda: titles(page)[-1:] == ["From the link"])
    page.keyboard.press("Escape")
    page.wait_for_selector("#deck-dialog:not([open])", state="attached")
    with page.expect_download() as download:
        page.click("#save-button")  # the session file, opened below while students watch
    session_file = tmp_path / "lesson.json"
    download.value.save_as(session_file)
    # ...opened from a link in another browser: asked first, then loaded into that session.
    other = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    watch_console(other, ConsoleLog())
    other.goto(f"{live_server.url}/?deck={source}&lang=en")
    other.wait_for_selector("#class-load-dialog[open]")
    assert "deck" in other.inner_text("#class-load-dialog").lower()
    assert other.is_hidden("#class-load-own")
    other.click("#class-load-class")
    other.wait_for_function("() => window.__playground.lesson.deck.scenes.length === 15")
    assert "deck=" not in other.url, "a reload does not ask again"
    mine = session_id(other)
    assert mine != source
    with open_deck(live_server, mine) as loaded:
        assert loaded["scenes"][-1]["title"] == "From the link"
    # A session file opened while a student watches: the confirmation says they follow; loaded into the shared session.
    student = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    watch_console(student, console)
    open_page(student, live_server, hash="", query=f"?session={mine}", status="watching")
    wait_until(lambda: rest_state(live_server, mine)["watchers"] >= 2)
    other.wait_for_function("() => window.__playground.view.state.watchers >= 2")
    before = rest_state(live_server, mine)["config"]["hash"]
    other.set_input_files("#open-file", str(session_file))
    other.wait_for_selector("#class-load-dialog[open]")
    assert "every student's page follows" in other.inner_text("#class-load-text")
    other.click("#class-load-class")
    wait_until(lambda: rest_state(live_server, mine)["config"]["hash"] != before)
    assert session_id(other) == mine and session_id(student) == mine, "the same shared session"
    expected = json.loads(session_file.read_text())
    wait_until(lambda: rest_state(live_server, mine)["weights"] == rest_state(live_server, source)["weights"])
    assert expected["format"] == "playground-session"
    student.context.close()
    other.context.close()
