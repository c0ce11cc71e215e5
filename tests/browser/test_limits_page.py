"""A limit the page meets (a 429) is told in the page's language, with what to do
and when: here a class that used up its forks for the hour, on a Korean page."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from app.web.i18n import translator
from tests.browser.pageutil import open_page, toast
from tests.live_server import LiveServer

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def small_class() -> Iterator[LiveServer]:
    with LiveServer(env={"PLAYGROUND_MAX_WATCHERS": "3"}) as live:  # a class budget of 3 forks an hour
        yield live


def test_a_refused_fork_is_told_in_the_pages_language(page, console, small_class: LiveServer) -> None:
    console.allowed.append("status of 429")  # Chromium logs the refused request itself
    with httpx.Client(base_url=small_class.url, timeout=60) as http:
        made = http.post("/api/sessions", json={}).json()
        auth = {"Authorization": f"Bearer {made['control_token']}"}
        assert http.post(f"/api/sessions/{made['id']}/share", headers=auth).status_code == 200
        for _ in range(3):  # the class's forks for the hour, made by others
            assert http.post(f"/api/sessions/{made['id']}/fork").status_code == 201
        refused = http.post(f"/api/sessions/{made['id']}/fork")
        assert refused.status_code == 429 and refused.json()["limit"] == "class_forks"
    open_page(page, small_class, hash="", query=f"?session={made['id']}&lang=ko", status="watching")
    page.click("#fork-button")
    shown = toast(page)
    seconds = re.search(r"(\d+)초 뒤에", shown)
    assert seconds is not None and int(seconds.group(1)) >= 1, shown
    assert translator("ko")("limit.class_forks", seconds=seconds.group(1)) in shown, shown
