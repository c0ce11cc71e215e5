"""The API's documentation pages, /docs (Swagger UI) and /redoc (ReDoc), served from our own files.

Both pages live under the site's Content-Security-Policy (app/web/middleware.py: no inline script,
nothing from another host).  Swagger UI needs nothing more.  ReDoc (styled-components) writes its
rules into ``<style>`` elements that are empty or hold one fixed rule (allowed here by their
hashes; the rules themselves arrive through the CSSOM) and runs its search index in a worker made
from a ``blob:`` of its own code: /redoc sends the site's policy with those two additions, and the
site's middleware keeps a policy a route has set.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.web.middleware import CONTENT_SECURITY_POLICY

router = APIRouter(include_in_schema=False)

# ReDoc 2.5.4's <style> elements: empty, and its one fixed rule.  A new version may need new hashes:
# tests/browser/test_api_docs.py fails on any blocked style, and Chromium's message names the hash.
REDOC_STYLES = " ".join(
    ("'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='", "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='")
)
REDOC_POLICY = CONTENT_SECURITY_POLICY.replace("style-src 'self'", f"style-src 'self' {REDOC_STYLES}") + (
    "; worker-src 'self' blob:"
)
POLICIES = {"swagger.html": None, "redoc.html": REDOC_POLICY}


def _page(request: Request, template: str) -> HTMLResponse:
    context = {"title": request.app.title, "openapi_url": request.app.openapi_url}
    response: HTMLResponse = request.app.state.templates.TemplateResponse(request, template, context)
    policy = POLICIES[template]
    if policy is not None:
        response.headers["Content-Security-Policy"] = policy
    return response


@router.get("/docs", response_class=HTMLResponse)
async def swagger_ui(request: Request) -> HTMLResponse:
    return _page(request, "swagger.html")


@router.get("/redoc", response_class=HTMLResponse)
async def redoc(request: Request) -> HTMLResponse:
    return _page(request, "redoc.html")
