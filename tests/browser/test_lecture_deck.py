"""The lecture's deck in the shared session (issue 18): the teacher moves the
class through scenes with the arrow keys and PageDown / PageUp (what
presentation clickers send), and two watchers follow every change, one of
them brought back from a weight of their own to the teacher's; in Korean,
no scene shows an unresolved particle; a class link keeps ?lang=."""

from __future__ import annotations

import re
import urllib.error
import urllib.request

import pytest

from tests.browser.conftest import student_page, watch_console
from tests.browser.pageutil import open_page, rest_json, rest_state, session_id, wait_until

pytestmark = pytest.mark.browser

# Unresolved Korean particles, as tests/app/test_korean_text.py writes them.
PARTICLE = "(?:으|을|를|이|가|은|는|과|와)"
UNRESOLVED = re.compile(rf"\({PARTICLE}\)|{PARTICLE}\({PARTICLE}\)")


def on_scene(page, index: int) -> None:
    script = "i => document.getElementById('deck').dataset.index === String(i)"
    page.wait_for_function(script, arg=index, timeout=30_000)


def test_arrow_keys_and_pagedown_move_the_class_and_watchers_follow(browser, page, live_server, console):
    deck = rest_json(live_server, "/api/lecture/deck?lang=en")
    open_page(page, live_server, query="?lang=en")
    sid = session_id(page)
    students = [student_page(browser, console, live_server, sid, lang="en") for _ in range(2)]
    # Before the class is on a scene, the arrows are the page's (they scroll), not the deck's.
    page.locator("body").press("ArrowRight")
    assert page.get_attribute("#deck", "data-index") == ""
    page.click("#deck-start")  # the lecture section starts the deck at its first scene
    for p in [page, *students]:
        on_scene(p, 0)
    # One watcher looks closer at a weight of their own.
    students[1].locator("#svg path.link-hover[data-index='0']").dispatch_event("click")
    students[1].wait_for_selector("#explainer .local-view:not([hidden])")
    page.locator("#scene-title").click()  # the focus on nothing that uses the keys
    steps = [("ArrowRight", 1), ("PageDown", 2), ("ArrowDown", 3), ("PageUp", 2), ("ArrowLeft", 1)]
    for key, index in steps:
        page.keyboard.press(key)
        for p in [page, *students]:
            on_scene(p, index)
            assert p.inner_text("#scene-title") == deck[index]["title"]
            assert deck[index]["caption"][0] in p.inner_text("#scene-caption")
        assert rest_state(live_server, sid)["config"]["scenario"] == deck[index]["id"]
    # The watcher who looked at their own weight follows the teacher's again.
    assert students[1].is_hidden("#explainer .local-view")
    wait_until(lambda: students[1].get_attribute("#explainer", "data-selection") is not None)
    teacher_selection = rest_state(live_server, sid)["selection"]
    teacher_shows = page.get_attribute("#explainer", "data-selection")
    assert students[1].get_attribute("#explainer", "data-selection") == teacher_shows
    assert teacher_selection is not None
    # A variant: every page shows the one chosen.
    page.click("#scene-variants button[data-variant='1']")
    for p in [page, *students]:
        p.wait_for_selector("#scene-variants button[data-variant='1'][aria-pressed='true']")
    # Keys in a control that uses them stay the control's: the explainer region scrolls with them.
    page.focus("#explainer")
    page.keyboard.press("PageDown")
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(500)
    assert page.get_attribute("#deck", "data-index") == "1"
    # A watcher's keys and buttons move nobody.
    students[0].locator("body").press("PageDown")
    students[0].locator("#scene-next").dispatch_event("click")
    students[0].wait_for_timeout(500)
    assert rest_state(live_server, sid)["config"]["scenario"] == deck[1]["id"]
    assert "scene" not in students[0].evaluate("window.__sent.map((m) => JSON.parse(m).type)")
    for student in students:
        student.context.close()


def test_every_scene_in_korean_has_no_unresolved_particle(page, live_server):
    deck = rest_json(live_server, "/api/lecture/deck?lang=ko")
    open_page(page, live_server, query="?lang=ko")
    page.click("#deck-start")
    on_scene(page, 0)
    page.locator("#scene-title").click()
    for index, scene in enumerate(deck):
        if index:
            page.keyboard.press("PageDown")
            on_scene(page, index)
        page.wait_for_timeout(300)  # the scene's state and explanation drawn
        assert page.inner_text("#scene-title") == scene["title"]
        text = page.evaluate("document.body.innerText")
        found = UNRESOLVED.findall(text)
        assert found == [], f"scene {scene['id']}: {found}"
        assert re.search("[\uac00-\ud7a3]", page.inner_text("#scene-caption")), scene["id"]


def test_class_link_keeps_the_language_through_its_redirect(browser, page, live_server, console):
    open_page(page, live_server, query="?lang=ko")
    page.click("#share-button")
    page.wait_for_selector("#share-dialog[open]")
    href = page.get_attribute("#share-link", "href")
    assert re.search(r"/s/[A-Z0-9]+$", href), href
    request = urllib.request.Request(f"{href}?lang=en", method="GET")
    opener = urllib.request.build_opener(NoRedirect())
    with pytest.raises(urllib.error.HTTPError) as redirect:
        opener.open(request, timeout=10)
    assert "lang=en" in redirect.value.headers["location"]
    student = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ko-KR").new_page()
    watch_console(student, console)
    student.goto(f"{href}?lang=en")
    student.wait_for_function("() => document.getElementById('connection-status').dataset.status === 'watching'")
    assert student.evaluate("document.documentElement.lang") == "en"
    assert student.inner_text("#deck .scene-title") == "The lecture, scene by scene"
    student.context.close()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
