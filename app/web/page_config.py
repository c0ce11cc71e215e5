"""What the page's scripts need from the server, embedded in the page as JSON
(``#page-config``): the languages and this one's messages, the field table as
menus, the limits, the presets, the data-set pictures, the close codes."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from fastapi import Request

from app.protocol.close_codes import FINAL, CloseCode
from app.schemas import MAX_EPOCHS
from app.sessions.deck import SessionDeck
from app.web.i18n import LANGUAGES, catalogue
from core.config import LECTURE_OPTIONS, LECTURE_PRESET
from core.datasets import DATASETS, MAX_CLASSES, MULTICLASS_DATASETS
from core.features import FEATURES
from core.fields import HIDEABLE, MAX_HIDDEN_LAYERS, MAX_NEURONS, TABLE, Field
from core.rng import SeedRandom
from core.scenarios import SCENARIOS

__all__ = ["field_menus", "page_config"]

LECTURE_DECK = SessionDeck().message()

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
        "deck": LECTURE_DECK["scenes"],  # the lecture's scenes, in both languages, until a session has its own
        "thumbnails": _thumbnails(),
        "closeCodes": {code.name: int(code) for code in CloseCode},
        "finalCloseCodes": sorted(int(code) for code in FINAL),
    }
