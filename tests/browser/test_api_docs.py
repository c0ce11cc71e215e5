"""/docs and /redoc render in Chromium with every other host blocked, under the
Content-Security-Policy the server sends: the documentation works offline, with no inline script."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from app.web.middleware import CONTENT_SECURITY_POLICY

pytestmark = pytest.mark.browser


def _offline(page, live_server, policies: list[str]) -> list[str]:
    """Route the page's requests: our server's pass (the documents' policies are recorded), any other
    host is aborted and recorded."""
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
            policies.append(response.headers.get("content-security-policy", ""))
            route.fulfill(response=response)
            return
        route.continue_()

    page.route("**/*", handle)
    return elsewhere


def test_api_docs_swagger_ui_offline(page, live_server, console, screenshots):
    policies: list[str] = []
    elsewhere = _offline(page, live_server, policies)
    page.goto(f"{live_server.url}/docs")
    page.wait_for_selector(".opblock", timeout=20000)
    schema = page.request.get(f"{live_server.url}/openapi.json").json()
    assert page.locator(".opblock").count() == sum(len(methods) for methods in schema["paths"].values())
    assert page.locator(".opblock-summary-path", has_text="/api/sessions/{session_id}/data.csv").count() == 1
    page.screenshot(path=str(screenshots / "api_docs_swagger.png"))
    assert elsewhere == []
    assert policies == [CONTENT_SECURITY_POLICY]  # the site's own policy, nothing relaxed
    assert console.errors == []


def test_api_docs_redoc_offline(page, live_server, console, screenshots):
    policies: list[str] = []
    elsewhere = _offline(page, live_server, policies)
    page.goto(f"{live_server.url}/redoc")
    page.wait_for_selector("text=Replace the points with your own", timeout=30000)
    assert page.locator("h2", has_text="Stateless Step").count() == 1
    page.screenshot(path=str(screenshots / "api_docs_redoc.png"))
    assert elsewhere == []
    (policy,) = policies
    assert "script-src 'self';" in policy and "unsafe" not in policy and "default-src 'self'" in policy
    assert console.errors == []
