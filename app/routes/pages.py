"""The page: one template, with what the scripts need embedded as JSON."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.closecodes import FINAL, CloseCode
from app.deps import ClientKey, Limits
from app.i18n import LANGUAGES, catalogue, choose_language, translator
from app.schemas import MAX_EPOCHS
from app.store import UnknownSession
from core.config import LECTURE_OPTIONS, LECTURE_PRESET
from core.datasets import DATASETS, MAX_CLASSES, MULTICLASS_DATASETS
from core.features import FEATURES
from core.fields import HIDEABLE, MAX_HIDDEN_LAYERS, MAX_NEURONS, TABLE, Field
from core.rng import SeedRandom
from core.scenarios import SCENARIOS

router = APIRouter(include_in_schema=False)
THUMBNAIL_POINTS = 200
SPEEDS = (1, 10, 100, 1000)


@lru_cache(maxsize=1)
def _thumbnails() -> dict[str, dict[str, list[list[float]]]]:
    """Points for the data-set pictures, by class count: the real generators,
    noise 0, as the original draws them ("2": every data set; "3" and up: the
    ones that make that many classes, with fewer points, which a 100-px
    picture does not miss)."""
    rng = SeedRandom("thumbnails")
    pictures = {"2": {name: [[round(v, 4) for v in point] for point in generator(rng, THUMBNAIL_POINTS, 0.0)]
                      for name, generator in DATASETS.items()}}  # fmt: skip
    for classes in range(3, MAX_CLASSES + 1):
        pictures[str(classes)] = {
            name: [[round(v, 2) for v in point] for point in generator(rng, THUMBNAIL_POINTS // 2, 0.0, classes)]
            for name, generator in MULTICLASS_DATASETS.items()
        }
    return pictures


def field_menus(table: Sequence[Field] = TABLE) -> list[dict[str, Any]]:
    """Every field of the table as the page needs it to build its controls:
    kind, default, menu values with their label keys, range, effect."""
    menus = []
    for field in table:
        menu: dict[str, Any] = {
            "name": field.name,
            "kind": field.kind,
            "default": sorted(field.default) if isinstance(field.default, frozenset) else field.default,
            "effect": field.effect,
            "optional": field.optional,
            "hideable": field.hideable,
            "labelKey": field.label_key,
            "label": field.label,
        }
        if field.kind in ("choice", "controls"):
            menu["options"] = [{"value": v, "labelKey": field.option_key(v)} for v in field.values]
        if field.kind in ("number", "integer"):
            menu.update(low=field.low, high=field.high, values=list(field.values))
        menus.append(menu)
    return menus


def page_config(request: Request, lang: str) -> dict[str, Any]:
    return {
        "lang": lang,
        "languages": list(LANGUAGES),
        "messages": catalogue(lang),
        "api": "/api",
        "ws": "/ws/sessions/",
        "fields": field_menus(),
        "liveFields": [field.name for field in TABLE if field.effect == "live"],
        "features": [{"name": f.name, "label": f.label} for f in FEATURES.values()],
        "hideable": [{"name": name, "label": label, "labelKey": f"field.{name}"} for name, label in HIDEABLE.items()],
        "maxHiddenLayers": MAX_HIDDEN_LAYERS,
        "maxNeurons": MAX_NEURONS,
        "maxEpochsPerFrame": min(MAX_EPOCHS, request.app.state.settings.max_epochs_per_frame),
        "speeds": list(SPEEDS),
        "lectureOptions": {name: list(values) for name, values in LECTURE_OPTIONS.items()},
        "lecturePreset": LECTURE_PRESET,
        "scenarios": {name: scenario.description for name, scenario in SCENARIOS.items()},
        "thumbnails": _thumbnails(),
        "closeCodes": {code.name: int(code) for code in CloseCode},
        "finalCloseCodes": sorted(int(code) for code in FINAL),
    }


def _language(request: Request) -> str:
    return choose_language(request.query_params.get("lang"), request.headers.get("accept-language"))


@router.get("/s/{code}")
async def class_link(code: str, request: Request, key: ClientKey, limits: Limits) -> Response:
    """A class link: open the session view-only.  Lookups are rate-limited per
    client, so codes cannot be guessed by trying them all."""
    limits.lookup(key)
    try:
        session_id = await request.app.state.store.resolve_code(code)
    except UnknownSession:
        lang = _language(request)
        t = translator(lang)
        return HTMLResponse(
            f'<!doctype html><html lang="{lang}"><title>{t("classlink.expired_title")}</title>'
            f"<p>{t('classlink.expired_html')}</p></html>",
            status_code=404,
        )
    return RedirectResponse(f"/?session={session_id}", status_code=303)


@router.get("/", response_class=HTMLResponse)
async def index(request: Request) -> HTMLResponse:
    templates = request.app.state.templates
    lang = _language(request)
    context = {"page_config": page_config(request, lang), "lang": lang, "languages": LANGUAGES, "t": translator(lang)}
    response: HTMLResponse = templates.TemplateResponse(request, "index.html", context)
    return response
