"""A session's deck: the scenes a class steps through, and the one it is on.

Until the teacher makes one of their own, a session's deck is the lecture's
(core.deck: fourteen scenes, each set up by its scenario).  A deck of one's
own holds built-in scenes and the teacher's: a scene of one's own is the
session as it was when added (a session file, core.snapshot), the weight
selected then, and the teacher's title, caption and next step.  A deck
travels as a file (``playground-deck``), is kept with its session in the
store, and every client hears of it (`deck` and `scene` messages).
"""

from __future__ import annotations

from typing import Any

from core.deck import DECK, deck
from core.errors import InvalidValue
from core.snapshot import from_document

__all__ = ["SessionDeck", "FORMAT", "MAX_SCENES", "TEXT_LIMITS"]

FORMAT = "playground-deck"
VERSION = 1
MAX_SCENES = 40
TEXT_LIMITS = {"title": 120, "caption": 600, "next": 300}  # characters of a teacher's scene's texts
BUILT_IN = {scene.id: scene for scene in DECK}
_LISTINGS = {lang: {entry["id"]: entry for entry in deck(lang)} for lang in ("en", "ko")}


def _text(name: str, value: Any) -> str:
    """A teacher's text: a string within its limit, printable (new lines allowed in a caption)."""
    if not isinstance(value, str) or len(value) > TEXT_LIMITS[name]:
        raise InvalidValue(name, f"expected text of at most {TEXT_LIMITS[name]} characters")
    allowed = "\n" if name == "caption" else ""
    if any(ord(c) < 32 and c not in allowed for c in value):
        raise InvalidValue(name, "control characters are not allowed" + (" (new lines are)" if allowed else ""))
    return value


def _selection(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) != {"layer", "source", "target", "point"}:
        raise InvalidValue("selection", "expected null or {layer, source, target, point}")
    for key in ("layer", "target", "point"):
        if isinstance(value[key], bool) or not isinstance(value[key], int) or value[key] < 0:
            raise InvalidValue(f"selection.{key}", "expected a non-negative integer")
    if value["source"] is not None and (
        isinstance(value["source"], bool) or not isinstance(value["source"], int) or value["source"] < 0
    ):
        raise InvalidValue("selection.source", "expected a non-negative integer or null (a bias)")
    return dict(value)


def check_entry(entry: Any, where: str = "scene") -> dict[str, Any]:
    """One scene of a deck file, checked: {"scene": <built-in id>} or a scene of one's own
    (title, caption, next, session: a session file, selection)."""
    if isinstance(entry, dict) and set(entry) == {"scene"}:
        if entry["scene"] not in BUILT_IN:
            raise InvalidValue(f"{where}.scene", f"{entry['scene']!r} is not allowed; allowed: {', '.join(BUILT_IN)}")
        return {"scene": entry["scene"]}
    keys = {"title", "caption", "next", "session", "selection"}
    if not isinstance(entry, dict) or set(entry) != keys:
        raise InvalidValue(where, 'expected {"scene": <built-in id>} or {' + ", ".join(sorted(keys)) + "}")
    try:
        texts = {name: _text(name, entry[name]) for name in TEXT_LIMITS}
        selection = _selection(entry["selection"])
        from_document(entry["session"])  # a broken session file is refused now, not when the class gets there
    except InvalidValue as error:
        raise InvalidValue(f"{where}.{error.field}", error.message) from None
    return {**texts, "session": entry["session"], "selection": selection}


class SessionDeck:
    def __init__(self, entries: list[dict[str, Any]] | None = None, index: int | None = None) -> None:
        self.entries = entries  # None: the lecture's deck
        self.index = index  # the scene the class is on (None: none chosen yet)
        self.variant = 0

    @property
    def own(self) -> bool:
        return self.entries is not None

    def all_entries(self) -> list[dict[str, Any]]:
        return self.entries if self.entries is not None else [{"scene": scene.id} for scene in DECK]

    def entry(self, index: int) -> dict[str, Any]:
        entries = self.all_entries()
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(entries):
            raise InvalidValue("index", f"expected a scene from 0 to {len(entries) - 1}, got {index!r}")
        return entries[index]

    # -- what clients see ------------------------------------------------------------------

    def listing(self, index: int) -> dict[str, Any]:
        """Scene ``index`` as the page shows it: built-in texts in both languages (a dict by
        language), a teacher's as they wrote them (a string); variants and comparisons."""
        entry = self.entry(index)
        if "scene" not in entry:
            return {
                "index": index,
                "id": None,
                "title": entry["title"],
                "caption": entry["caption"],
                "next": entry["next"],
                "variants": [],
                "compare": False,
            }
        scene_id = entry["scene"]
        shown = {lang: listing[scene_id] for lang, listing in _LISTINGS.items()}
        variants = [
            {"variant": k, "label": {lang: shown[lang]["variants"][k]["label"] for lang in shown}}
            for k in range(len(shown["en"]["variants"]))
        ]
        scene: dict[str, Any] = {
            "index": index,
            "id": scene_id,
            **{key: {lang: shown[lang][key] for lang in shown} for key in ("title", "caption", "next")},
            "variants": variants,
            "compare": shown["en"]["compare"],
        }
        if "count" in shown["en"]:
            scene["count"] = shown["en"]["count"]  # the brute-force scene's numbers
        return scene

    def message(self) -> dict[str, Any]:
        """The `deck` message: every scene's listing and the one the class is on."""
        scenes = [self.listing(k) for k in range(len(self.all_entries()))]
        return {"type": "deck", "own": self.own, "scenes": scenes, "index": self.index, "variant": self.variant}

    def scene_message(self) -> dict[str, Any]:
        """The `scene` message: the scene the class moved to (or none)."""
        scene = None if self.index is None else self.listing(self.index)
        return {"type": "scene", "index": self.index, "variant": self.variant, "scene": scene}

    # -- changes -------------------------------------------------------------------------------

    def _editable(self) -> list[dict[str, Any]]:
        if self.entries is None:
            self.entries = self.all_entries()  # a deck of one's own starts as a copy of the lecture's
        return self.entries

    def add(self, entry: dict[str, Any]) -> int:
        entries = self._editable()
        if len(entries) >= MAX_SCENES:
            raise InvalidValue("deck", f"a deck holds at most {MAX_SCENES} scenes; delete one first")
        entries.append(entry)
        return len(entries) - 1

    def move(self, source: int, target: int) -> None:
        self.entry(source)
        self.entry(target)
        entries = self._editable()
        entries.insert(target, entries.pop(source))
        if self.index is not None:  # the class stays on the same scene
            order = list(range(len(entries)))
            order.insert(target, order.pop(source))
            self.index = order.index(self.index)

    def delete(self, index: int) -> None:
        self.entry(index)
        entries = self._editable()
        if len(entries) == 1:
            raise InvalidValue("index", "a deck keeps at least one scene")
        del entries[index]
        if self.index is not None:
            self.index = None if self.index == index else self.index - (self.index > index)

    # -- files and the store ---------------------------------------------------------------------

    def document(self) -> dict[str, Any]:
        return {"format": FORMAT, "version": VERSION, "scenes": self.all_entries()}

    @classmethod
    def parse(cls, document: Any) -> SessionDeck:
        """A deck from its file; InvalidValue naming the part at fault."""
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise InvalidValue("format", f"expected {FORMAT!r}: not a deck file")
        if document.get("version") != VERSION:
            raise InvalidValue("version", f"expected {VERSION}, got {document.get('version')!r}")
        scenes = document.get("scenes")
        if not isinstance(scenes, list) or not 1 <= len(scenes) <= MAX_SCENES:
            raise InvalidValue("scenes", f"expected a list of 1 to {MAX_SCENES} scenes")
        return cls([check_entry(entry, f"scenes[{k}]") for k, entry in enumerate(scenes)])

    def to_record(self) -> dict[str, Any]:
        return {"entries": self.entries, "index": self.index, "variant": self.variant}

    @classmethod
    def from_record(cls, record: dict[str, Any] | None) -> SessionDeck:
        """As ``to_record`` wrote it (entries were checked when they came in)."""
        if not record:
            return cls()
        deck_ = cls(record.get("entries"), record.get("index"))
        deck_.variant = int(record.get("variant") or 0)
        return deck_
