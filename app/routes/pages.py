"""The page: one template, with what the scripts need embedded as JSON (app/web/page_config.py);
and the class links that lead to it."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.routes.deps import ClientKey, Limits
from app.sessions.store import SessionDamaged, UnknownSession
from app.web.client_limits import TooManyRequests
from app.web.i18n import LANGUAGES, choose_language, translator
from app.web.page_config import page_config, sections

router = APIRouter(include_in_schema=False)


def _language(request: Request) -> str:
    return choose_language(request.query_params.get("lang"), request.headers.get("accept-language"))


@router.get("/s/{code}")
async def class_link(code: str, request: Request, key: ClientKey, limits: Limits) -> Response:
    """A class link: open the session view-only.  A code that finds its session is never
    refused nor counted (a class behind one address all get in); codes that find nothing
    are limited per client, so codes cannot be guessed by trying them all."""
    try:
        async with limits.lookup(key) as found:
            session_id = await request.app.state.store.resolve_code(code)
            found()
    except TooManyRequests as refused:
        lang = _language(request)
        t = translator(lang)
        return HTMLResponse(
            f'<!doctype html><html lang="{lang}"><title>{t("limit.title")}</title>'
            f"<p>{t('limit.lookups', seconds=refused.retry_after)}</p></html>",
            status_code=429,
            headers={"Retry-After": str(refused.retry_after)},
        )
    except (UnknownSession, SessionDamaged) as gone:
        lang = _language(request)
        t = translator(lang)
        return HTMLResponse(
            f'<!doctype html><html lang="{lang}"><title>{t("classlink.expired_title")}</title>'
            f"<p>{t('classlink.expired_html')}</p></html>",
            status_code=404 if isinstance(gone, UnknownSession) else 410,
        )
    asked = request.query_params.get("lang")
    keep = f"&lang={asked}" if asked in LANGUAGES else ""  # a class link in the teacher's chosen language
    return RedirectResponse(f"/?session={session_id}{keep}", status_code=303)


@router.get("/", response_class=HTMLResponse)
async def index(request: Request) -> HTMLResponse:
    templates = request.app.state.templates
    lang = _language(request)
    context = {
        "page_config": page_config(request, lang),
        "controls": sections(),  # the field table's controls by section (templates/partials/controls.html)
        "lang": lang,
        "languages": LANGUAGES,
        "t": translator(lang),
    }
    response: HTMLResponse = templates.TemplateResponse(request, "index.html", context)
    return response
