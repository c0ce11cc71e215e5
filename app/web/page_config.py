"""What the page needs from the server: embedded in the page as JSON
(``#page-config``), the languages and this one's messages, the field table as
controls and menus, the limits, the presets, the data-set pictures, the close
codes; for the template, the placed controls by section (``sections``); and
the catalogue keys the page needs from a table (``catalogue_keys``)."""

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
from core.fields import (
    BUTTONS,
    HIDEABLE,
    MAX_HIDDEN_LAYERS,
    MAX_NEURONS,
    TABLE,
    TEMPLATE_WIDGETS,
    Effect,
    Field,
    Kind,
    Section,
    Widget,
)
from core.rng import SeedRandom
from core.scenarios import SCENARIOS

__all__ = ["field_menus", "page_config", "sections", "catalogue_keys"]

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
    pictures = {
        "2": {
            name: [[round(v, 4) for v in point] for point in generator(rng, THUMBNAIL_POINTS, 0.0)]
            for name, generator in DATASETS.items()
        }
    }
    for classes in range(3, MAX_CLASSES + 1):
        pictures[str(classes)] = {
            name: [[round(v, 2) for v in point] for point in generator(rng, THUMBNAIL_POINTS // 2, 0.0, classes)]
            for name, generator in MULTICLASS_DATASETS.items()
        }
    return pictures


def field_menus(table: Sequence[Field] = TABLE) -> list[dict[str, Any]]:
    """Every field of the table as the page needs it to build and wire its controls:
    kind, default, menu values, range, effect, placement, and the catalogue keys of
    the labels the page shows (null where it shows none, or a symbol)."""
    shown = catalogue_keys(table)

    def key(name: str) -> str | None:
        return name if name in shown else None

    menus = []
    for field in table:
        menu: dict[str, Any] = {
            "name": field.name,
            "kind": field.kind,
            "default": sorted(field.default) if isinstance(field.default, frozenset) else field.default,
            "effect": field.effect,
            "optional": field.optional,
            "hideable": field.hideable,
            "labelKey": key(field.label_key),
            "label": field.label,
            "place": _placement(field),
        }
        if field.kind in (Kind.CHOICE, Kind.CONTROLS):  # a hidden control's label is its own: field.<name>
            menu["options"] = [{"value": v, "labelKey": key(field.option_key(v))} for v in field.values]
        if field.kind in (Kind.NUMBER, Kind.INTEGER):
            menu.update(low=field.low, high=field.high, values=list(field.menu_values()))
        menus.append(menu)
    return menus


def _symbol(field: Field) -> bool:
    """Whether a field's label is a symbol (X₁, sin(X₁): core.features), not a message."""
    return field.place is not None and field.place.widget == Widget.NODE


def _placement(field: Field) -> dict[str, Any] | None:
    place = field.place
    if place is None:
        return None
    return {
        "section": place.section,
        "widget": place.widget,
        "order": place.order,
        "id": field.element_id,
        "step": place.step,
        "unit": place.unit,
        "hideUnused": place.hide_unused,
    }


def sections(table: Sequence[Field] = TABLE) -> dict[str, list[dict[str, Any]]]:
    """The controls the template renders (templates/partials/controls.html), by
    section, in their order: every field placed with a menu, slider, checkbox or entry."""
    placed: dict[str, list[dict[str, Any]]] = {section: [] for section in Section}
    for menu in sorted(field_menus(table), key=lambda m: m["place"]["order"] if m["place"] else 0):
        if menu["place"] is not None and menu["place"]["widget"] in TEMPLATE_WIDGETS:
            placed[menu["place"]["section"]].append(menu)
    return placed


def catalogue_keys(table: Sequence[Field] = TABLE) -> set[str]:
    """The catalogue keys the page needs for a table: the label of every control the
    template draws or a classroom link can hide (a feature's is its symbol, not a
    message), and the label of every value a choice's menu or pictures show."""
    keys = {control.label_key for control in BUTTONS}
    for field in table:
        place = field.place
        if _symbol(field):
            continue
        if field.hideable or (place is not None and place.widget in TEMPLATE_WIDGETS):
            keys.add(field.label_key)
        if place is not None and field.kind == Kind.CHOICE and place.widget in (Widget.MENU, Widget.PICTURES):
            keys.update(field.option_key(value) for value in field.values)
    return keys


def page_config(request: Request, lang: str) -> dict[str, Any]:
    return {
        "lang": lang,
        "languages": list(LANGUAGES),
        "messages": catalogue(lang),
        "api": "/api",
        "ws": "/ws/sessions/",
        "fields": field_menus(),
        "liveFields": [field.name for field in TABLE if field.effect == Effect.LIVE],
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
