"""Your data, your model, your files in the page (issue 12): Save and Open
(file picker and drop; a refusal in the server's words), points added and
removed by click and by tap, CSV download and upload, pictures for slides,
and control of a session made over REST taken with #token=."""

from __future__ import annotations

import json
import struct
import urllib.request
from pathlib import Path

import pytest

from tests.browser.conftest import watch_console
from tests.browser.pageutil import (
    epoch,
    open_page,
    page_token,
    rest_call,
    rest_json,
    rest_state,
    session_id,
    wait_status,
    wait_until,
    with_fields,
)

pytestmark = pytest.mark.browser

DROP = """([name, text, kind, events]) => {
  const data = new DataTransfer();
  data.items.add(new File([text], name, { type: kind }));
  for (const type of events) {
    document.body.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
  }
}"""


def drop(page, name: str, text: str, kind: str = "application/json") -> None:
    """Drop a file on the page, as dragging it from the desktop does."""
    page.evaluate(DROP, [name, text, kind, ["dragenter", "dragover"]])
    assert page.is_visible("#drop-hint"), "the page says what a drop does"
    page.evaluate(DROP, [name, text, kind, ["drop"]])
    assert not page.is_visible("#drop-hint")


def toast_with(page, text: str) -> str:
    """Wait until the page's message says `text`; the whole message."""
    page.wait_for_function(
        "t => { const box = document.getElementById('server-message');"
        " return !box.hidden && box.textContent.includes(t); }",
        arg=text,
        timeout=20_000,
    )
    return str(page.inner_text("#server-message"))


def points(server, sid: str) -> dict[str, list[list[float]]]:
    data = rest_json(server, f"/api/sessions/{sid}?include=data")
    return {"train": data["train"], "test": data["test"]}


def near(rows: list[list[float]], x: float, y: float, label: float | None = None, within: float = 0.1) -> bool:
    return any(abs(p[0] - x) <= within and abs(p[1] - y) <= within and label in (None, p[2]) for p in rows)


def plane_point(page, x: float, y: float) -> tuple[float, float]:
    """Where data point (x, y) is on the screen: the heatmap's 260 px square in its 300-unit box."""
    box = page.locator("#heatmap-svg").bounding_box()
    scale = box["width"] / 300
    return box["x"] + (x + 6) / 12 * 260 * scale, box["y"] + (6 - y) / 12 * 260 * scale


def test_save_then_open_by_picker_and_by_drop(page, live_server, console, tmp_path):
    console.allowed.append("status of 422")  # the foreign document, refused
    open_page(page, live_server, with_fields(seed="0.5", optimizer="adam"))
    first = session_id(page)
    rest_call(live_server, f"/api/sessions/{first}/step", {"epochs": 7}, token=page_token(page))
    wait_until(lambda: epoch(page) == 7)
    with page.expect_download() as download:
        page.click("#save-button")
    assert download.value.suggested_filename == "playground-circle-epoch7.json"
    saved = Path(download.value.path()).read_text(encoding="utf-8")
    doc = json.loads(saved)
    assert (doc["format"], doc["version"], doc["epoch"]) == ("playground-session", 1, 7)
    file = tmp_path / "session.json"
    file.write_text(saved, encoding="utf-8")
    with page.expect_file_chooser() as chooser:
        page.click("#open-button")
    chooser.value.set_files(str(file))
    wait_until(lambda: session_id(page) != first)
    opened = session_id(page)
    wait_status(page, "connected")
    assert page.is_visible("#control-badge"), "a session opened from a file is ours"
    before, after = rest_state(live_server, first), rest_state(live_server, opened)
    assert after["epoch"] == 7 and after["weights"] == before["weights"] and after["config"]["optimizer"] == "adam"
    wait_until(lambda: epoch(page) == 7)
    # The same file dropped on the page opens another.
    drop(page, "session.json", saved)
    wait_until(lambda: session_id(page) not in (first, opened))
    current = session_id(page)
    # A foreign document and a file that is not JSON: the page says why and stays where it is.
    drop(page, "tf.json", json.dumps({"format": "tensorflow-playground", "version": 1}))
    assert "not a session file" in toast_with(page, "tf.json")
    drop(page, "notes.json", "these are my notes")
    assert toast_with(page, "notes.json") == "notes.json is not a session file (not JSON)."
    assert session_id(page) == current


def test_your_data_adds_and_removes_points_by_click_and_by_tap(browser, page, live_server, console, screenshots):
    open_page(page, live_server, with_fields(seed="0.5"))
    sid = session_id(page)
    count = len(points(live_server, sid)["train"])
    page.click("#your-data-button")
    page.mouse.click(*plane_point(page, 2.5, 3.5))
    wait_until(lambda: len(points(live_server, sid)["train"]) == count + 1)
    assert near(points(live_server, sid)["train"], 2.5, 3.5, 1.0), "a blue (+1) point by default"
    page.click("#point-classes [data-label='-1']")
    page.mouse.click(*plane_point(page, -3.0, -2.0))
    wait_until(lambda: near(points(live_server, sid)["train"], -3.0, -2.0, -1.0))
    page.wait_for_function("n => document.querySelectorAll('#heatmap circle.train').length === n", arg=count + 2)
    page.keyboard.down("Shift")  # shift-click takes the nearest point away
    page.mouse.click(*plane_point(page, 2.5, 3.5))
    page.keyboard.up("Shift")
    wait_until(lambda: not near(points(live_server, sid)["train"], 2.5, 3.5, within=0.05))
    assert len(points(live_server, sid)["train"]) == count + 1
    # Regression: a point of the chosen value, among generated labels that reach beyond ±1.
    page.select_option("#problem", "regression")
    wait_until(lambda: rest_state(live_server, sid)["config"]["problem"] == "regression")
    page.wait_for_selector("#point-value-row", state="visible")
    page.fill("#point-value", "-0.4")
    page.dispatch_event("#point-value", "input")
    page.mouse.click(*plane_point(page, 1.0, -1.0))
    wait_until(lambda: near(points(live_server, sid)["train"], 1.0, -1.0, -0.4))
    # A phone with three classes: tap to add a class-2 point, tap with Remove to take it away.
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    touch = phone.new_page()
    watch_console(touch, console)
    open_page(touch, live_server, with_fields(seed="0.5", dataset="gauss", classes=3))
    tid = session_id(touch)
    count = len(points(live_server, tid)["train"])
    touch.locator("#your-data-button").tap()
    touch.locator("#point-classes [data-label='2']").tap()
    touch.locator("#heatmap-svg").scroll_into_view_if_needed()
    touch.touchscreen.tap(*plane_point(touch, 0.5, 5.0))
    wait_until(lambda: near(points(live_server, tid)["train"], 0.5, 5.0, 2.0))
    touch.locator("[data-tool='remove']").tap()
    touch.locator("#heatmap-svg").scroll_into_view_if_needed()  # the DATA column is below it on a phone
    touch.touchscreen.tap(*plane_point(touch, 0.5, 5.0))
    wait_until(lambda: not near(points(live_server, tid)["train"], 0.5, 5.0, within=0.3))
    assert len(points(live_server, tid)["train"]) == count
    touch.locator(".column.data").screenshot(path=str(screenshots / "your_data_phone_en.png"))
    phone.close()


def test_csv_download_and_upload(page, live_server, console, tmp_path):
    console.allowed.append("status of 422")  # the bad file, refused
    open_page(page, live_server, with_fields(seed="0.5"))
    sid = session_id(page)
    page.click("#your-data-button")
    with page.expect_download() as download:
        page.click("#csv-download")
    saved = Path(download.value.path()).read_bytes()
    with urllib.request.urlopen(f"{live_server.url}/api/sessions/{sid}/data.csv", timeout=10) as response:
        assert saved == response.read(), "the server's file, byte for byte"
    lines = saved.decode("utf-8").splitlines()
    assert lines[0] == "x,y,label,set" and len(lines) == 1 + 500
    mine = tmp_path / "mine.csv"
    mine.write_text("x,y,label,set\n1.5,2.0,1,train\n-3.25,0.5,-1,train\n2.0,-4.0,1,train\n0.0,-1.0,-1,test\n")
    with page.expect_file_chooser() as chooser:
        page.click("#csv-upload")
    chooser.value.set_files(str(mine))
    wait_until(lambda: len(points(live_server, sid)["train"]) == 3)
    assert points(live_server, sid) == {
        "train": [[1.5, 2.0, 1.0], [-3.25, 0.5, -1.0], [2.0, -4.0, 1.0]],
        "test": [[0.0, -1.0, -1.0]],
    }
    page.wait_for_function("() => document.querySelectorAll('#heatmap circle.train').length === 3")
    drop(page, "bad.csv", "x,y,label\n1,2,1\n3,4,0.5\n", "text/csv")
    assert "line 3" in toast_with(page, "bad.csv")
    assert len(points(live_server, sid)["train"]) == 3, "a refused file changes nothing"


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def download_picture(page, what: str, fmt: str) -> tuple[str, bytes]:
    with page.expect_download() as download:
        page.click(f"#picture-dialog [data-picture='{what}'][data-format='{fmt}']")
    return download.value.suggested_filename, Path(download.value.path()).read_bytes()


def test_pictures_download_as_svg_and_png(page, live_server):
    open_page(page, live_server, with_fields(seed="0.5"))
    sid = session_id(page)
    rest_call(live_server, f"/api/sessions/{sid}/step", {"epochs": 20}, token=page_token(page))
    wait_until(lambda: epoch(page) == 20)
    page.click("#picture-button")
    page.wait_for_selector("#picture-dialog[open]")
    name, svg = download_picture(page, "boundary", "svg")
    assert name == "playground-circle-epoch20-boundary.svg" and b"<svg" in svg[:200] and b"<image" in svg
    name, png = download_picture(page, "boundary", "png")
    assert name.endswith(".png") and png_size(png)[0] >= 600, "the server's figure with axes"
    _, chart = download_picture(page, "chart", "svg")
    assert chart.count(b"<path") == 2 and b"Training loss" in chart
    _, chart_png = download_picture(page, "chart", "png")
    assert png_size(chart_png) == (1280, 720)
    # Three classes: the page draws the output as it shows it.
    page.keyboard.press("Escape")
    page.select_option("#classes", "3")
    wait_until(lambda: rest_state(live_server, sid)["shape"][-1] == 3)
    page.wait_for_function("() => window.__playground.view.lastFrame.outputCount === 3")
    page.click("#picture-button")
    _, classes_svg = download_picture(page, "boundary", "svg")
    assert b"Class 2" in classes_svg and b"data:image/png;base64," in classes_svg
    _, classes_png = download_picture(page, "boundary", "png")
    assert png_size(classes_png)[0] >= 1000


def test_token_in_the_address_takes_control(browser, page, live_server, console):
    created = rest_call(live_server, "/api/sessions", {"config": {"seed": "0.5"}})
    sid, token = created["id"], created["control_token"]
    page.goto(f"{live_server.url}/?session={sid}#token={token}")
    wait_status(page, "connected")
    assert page.is_visible("#control-badge")
    assert token not in page.url and "token=" not in page.url, "the token leaves the address"
    assert json.loads(page.evaluate("localStorage.getItem('playground.tokens')"))[sid]["token"] == token
    page.click("#play-pause-button")
    wait_until(lambda: rest_state(live_server, sid)["playing"])
    page.click("#play-pause-button")
    wait_until(lambda: not rest_state(live_server, sid)["playing"])
    # A wrong token: the page watches, and does not keep it.
    other = browser.new_context()
    stranger = other.new_page()
    watch_console(stranger, console)
    stranger.goto(f"{live_server.url}/?session={sid}#token=not-the-token")
    wait_status(stranger, "watching")
    assert "token=" not in stranger.url and not stranger.is_visible("#control-badge")
    wait_until(lambda: sid not in json.loads(stranger.evaluate("localStorage.getItem('playground.tokens') || '{}'")))
    other.close()
