"""The page's message catalogues (``static/i18n/<lang>.json``), one per
language, shared by the server-rendered template and the page's scripts.

The language of a first render: ``?lang=`` if it names a catalogue, else the
first of the browser's ``Accept-Language`` we have, else English.  The page
then applies the reader's saved choice itself (it lives in the browser)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

__all__ = ["LANGUAGES", "DEFAULT_LANGUAGE", "catalogue", "choose_language", "translator"]

CATALOGUES = Path(__file__).resolve().parents[2] / "static" / "i18n"
LANGUAGES = ("en", "ko")
DEFAULT_LANGUAGE = "en"
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@lru_cache(maxsize=len(LANGUAGES))
def catalogue(lang: str) -> dict[str, str]:
    """Every message of one language, by key."""
    if lang not in LANGUAGES:
        raise KeyError(f"no catalogue for language {lang!r}; have {', '.join(LANGUAGES)}")
    with open(CATALOGUES / f"{lang}.json", encoding="utf-8") as file:
        messages: dict[str, str] = json.load(file)
    return messages


def choose_language(query: str | None, accept_language: str | None) -> str:
    """``query`` (the ``lang`` parameter) if we have it, else the best of an
    Accept-Language header (``ko-KR,ko;q=0.9,en;q=0.8``), else English."""
    if query in LANGUAGES:
        return query
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")[:20]):  # bounded: a header is user input
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        base = tag.strip().lower().split("-")[0]
        if base in LANGUAGES and quality > 0:
            ranked.append((-quality, position, base))
    return min(ranked)[2] if ranked else DEFAULT_LANGUAGE


def translator(lang: str) -> Callable[..., str]:
    """``t(key, **params)`` for templates: the message with {name} filled in."""
    messages = catalogue(lang)

    def t(key: str, **params: object) -> str:
        text = messages[key]  # a missing key is a bug: fail the render, a test walks every key
        return _PLACEHOLDER.sub(lambda m: str(params[m.group(1)]) if m.group(1) in params else m.group(0), text)

    return t
