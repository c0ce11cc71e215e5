"""The API's documentation pages, /docs (Swagger UI) and /redoc (ReDoc), served from our own files.

Each page carries its own Content-Security-Policy: the site's ``default-src 'self'`` (no inline
script, nothing from another host) plus the least each vendored viewer needs to draw itself —
Swagger UI's stylesheet draws its icons as ``data:`` images; ReDoc (styled-components) writes its
rules into ``<style>`` elements that are empty or hold one fixed rule (allowed by their hashes; the
rules themselves arrive through the CSSOM) and runs its search index in a worker made from a
``blob:`` of its own code.  A site-wide policy must leave these pages' own header in place.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)

# ReDoc 2.5.4's <style> elements: empty, and its one fixed rule.  A new version may need new hashes:
# tests/browser/test_api_docs.py fails on any blocked style and the error names the hash.
REDOC_STYLES = " ".join(
    ("'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='", "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='")
)
POLICIES = {
    "swagger.html": "default-src 'self'; img-src 'self' data:",
    "redoc.html": f"default-src 'self'; img-src 'self' data:; style-src 'self' {REDOC_STYLES}; worker-src blob:",
}


def _page(request: Request, template: str) -> HTMLResponse:
    context = {"title": request.app.title, "openapi_url": request.app.openapi_url}
    response: HTMLResponse = request.app.state.templates.TemplateResponse(request, template, context)
    response.headers["Content-Security-Policy"] = POLICIES[template]
    return response


@router.get("/docs", response_class=HTMLResponse)
async def swagger_ui(request: Request) -> HTMLResponse:
    return _page(request, "swagger.html")


@router.get("/redoc", response_class=HTMLResponse)
async def redoc(request: Request) -> HTMLResponse:
    return _page(request, "redoc.html")
