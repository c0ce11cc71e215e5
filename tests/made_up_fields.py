"""Made-up settings, to show that a new setting is one row of core/fields.py: the
hash, the validation, the REST schema, the websocket, the page's control and the
catalogue keys all follow from the row (tests/app/test_fields.py,
tests/browser/test_page_fields.py).

``python -m tests.made_up_fields --host 127.0.0.1 --port N`` serves the playground
with these rows added to the table, as if they were written in it: an import hook
adds them while core.fields is first imported, before any module reads the table.
Their labels join the catalogues the server renders the page with (the real files
lack them: that the catalogue test would demand them is tested too).
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import Any

# Their labels, in both languages (what a real row would add to static/i18n/*.json).
LABELS = {
    "en": {"field.wobble": "Wobble", "field.flavour": "Flavour", "option.flavour.plain": "Plain",
           "option.flavour.salty": "Salty"},
    "ko": {"field.wobble": "흔들림", "field.flavour": "맛", "option.flavour.plain": "담백함",
           "option.flavour.salty": "짭짤함"},
}  # fmt: skip


def made_up_rows(fields: ModuleType) -> tuple[Any, ...]:
    """Two rows, built from core.fields' own names (so that they can be made while it loads):
    a live number in a menu of "Beyond the original" that a classroom link can hide, and
    a choice in the lecture's options that applies to classification only."""
    Field, Kind, Effect, Placement, Section, Widget = (  # the classes, under their own names
        fields.Field,
        fields.Kind,
        fields.Effect,
        fields.Placement,
        fields.Section,
        fields.Widget,
    )
    return (
        Field(
            "wobble",
            Kind.NUMBER,
            0.5,
            Effect.LIVE,
            (0.25, 0.5, 1),
            0,
            1,
            sparse=True,
            hideable=True,
            label="Wobble",
            place=Placement(Section.BEYOND, Widget.MENU, 7),
        ),
        Field(
            "flavour",
            Kind.CHOICE,
            "plain",
            Effect.RESET,
            ("plain", "salty"),
            sparse=True,
            label="Flavour",
            place=Placement(Section.LECTURE, Widget.MENU, 9),
            used_when=("problem", ("classification",)),
        ),
    )


def extended_table(fields: ModuleType) -> tuple[Any, ...]:
    """A copy of the table with the made-up rows."""
    rows: Sequence[Any] = (*fields.ROWS, *made_up_rows(fields))
    return tuple(fields.complete(rows))


class _AddRows(importlib.abc.MetaPathFinder):
    """Loads core.fields as usual, then adds the made-up rows to its table."""

    def find_spec(self, name: str, path: Any, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        if name != "core.fields":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        assert spec is not None and spec.loader is not None
        load = spec.loader.exec_module

        def exec_module(module: ModuleType) -> None:
            load(module)
            module.TABLE = extended_table(module)
            module.FIELDS = {field.name: field for field in module.TABLE}
            module.HIDEABLE = module.hideable_controls(module.TABLE)

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def main() -> None:
    assert "core" not in sys.modules, "the rows must join the table before anything reads it"
    sys.meta_path.insert(0, _AddRows())
    from app.cli import main as serve
    from app.web.i18n import LANGUAGES, catalogue

    for lang in LANGUAGES:
        catalogue(lang).update(LABELS[lang])  # the cached catalogue every render reads
    serve()


if __name__ == "__main__":
    main()
