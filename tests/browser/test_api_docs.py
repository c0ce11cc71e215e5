"""/docs and /redoc render in Chromium with every other host blocked, under their
Content-Security-Policy: the documentation works offline and without inline scripts."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser

SITE_CSP = "default-src 'self'"  # the site's policy, for a page that sends none of its own


def _offline(page, live_server) -> list[str]:
    """Route the page's requests: our server's pass (documents get the CSP), any other host is aborted
    and recorded."""
    elsewhere: list[str] = []
    ours = urlsplit(live_server.url).netloc

    def handle(route) -> None:
        url = route.request.url
        if urlsplit(url).netloc != ours or not url.startswith(("http:", "https:")):
            if not url.startswith(("data:", "blob:")):
                elsewhere.append(url)
                route.abort()
                return
            route.continue_()
            return
        if route.request.resource_type == "document":
            response = route.fetch()
            headers = {"content-security-policy": SITE_CSP, **response.headers}
            assert "script-src" not in headers["content-security-policy"]  # scripts: 'self' only
            route.fulfill(response=response, headers=headers)
            return
        route.continue_()

    page.route("**/*", handle)
    return elsewhere


def test_api_docs_swagger_ui_offline(page, live_server, console, screenshots):
    elsewhere = _offline(page, live_server)
    page.goto(f"{live_server.url}/docs")
    page.wait_for_selector(".opblock", timeout=20000)
    schema = page.request.get(f"{live_server.url}/openapi.json").json()
    assert page.locator(".opblock").count() == sum(len(methods) for methods in schema["paths"].values())
    assert page.locator(".opblock-summary-path", has_text="/api/sessions/{session_id}/data.csv").count() == 1
    page.screenshot(path=str(screenshots / "api_docs_swagger.png"))
    assert elsewhere == []
    assert console.errors == []


def test_api_docs_redoc_offline(page, live_server, console, screenshots):
    elsewhere = _offline(page, live_server)
    page.goto(f"{live_server.url}/redoc")
    page.wait_for_selector("text=Replace the points with your own", timeout=30000)
    assert page.locator("h2", has_text="Stateless Step").count() == 1
    page.screenshot(path=str(screenshots / "api_docs_redoc.png"))
    assert elsewhere == []
    assert console.errors == []
