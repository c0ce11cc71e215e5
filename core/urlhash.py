"""The original's URL hash (spec section 6), read and written by the field table's
rules: the last occurrence of a key wins, booleans are true unless exactly
``false``, numbers are read and written as JavaScript does, hidden controls
are ``<name>_hide=true``.  core.config validates what it reads."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from core.errors import InvalidValue
from core.fields import TABLE, Field, Kind, hideable_controls
from core.jsnum import js_number_str, js_parse_number

__all__ = ["read_hash", "write_hash"]

_HIDE = "_hide"


def read_hash(text: str, table: Sequence[Field] = TABLE) -> dict[str, Any]:
    """The values a hash gives, by the original's rules (see ``PlaygroundConfig.from_hash``)."""
    if text.startswith("#"):
        text = text[1:]
    pairs: dict[str, str | None] = {}
    for item in text.split("&"):
        parts = item.split("=")
        pairs[parts[0]] = parts[1] if len(parts) > 1 else None
    values: dict[str, Any] = {}
    for field in table:
        raw = pairs.get(field.name)
        if field.kind == Kind.CONTROLS or (raw is None and not (field.kind == Kind.SHAPE and field.name in pairs)):
            continue
        if field.kind == Kind.SHAPE:
            values[field.name] = _parse_shape(field, raw or "")
        elif field.name == "seed":
            values["seed"] = raw  # taken as is, even empty
        elif raw is not None and raw.strip() != "":
            values[field.name] = _read(field, raw)
    hideable = hideable_controls(table)  # the names the table's controls field allows
    values["hidden"] = frozenset(
        key[: -len(_HIDE)]
        for key, value in pairs.items()
        if key.endswith(_HIDE) and value == "true" and key[: -len(_HIDE)] in hideable
    )
    return values


def write_hash(values: dict[str, Any], table: Sequence[Field] = TABLE) -> str:
    """The hash the original would write for these (checked) values, without ``#``."""
    parts = []
    for field in table:
        value = values[field.name]
        if field.kind == Kind.CONTROLS or value is None or (field.sparse and value == field.default):
            continue
        parts.append(f"{field.name}={_write(field, value)}")
    parts.extend(f"{name}{_HIDE}=true" for name in hideable_controls(table) if name in values["hidden"])
    return "&".join(parts)


def _read(field: Field, raw: str) -> Any:
    if field.kind == Kind.BOOL:
        return raw != "false"
    if field.kind in (Kind.NUMBER, Kind.INTEGER):
        try:
            return js_parse_number(raw)
        except ValueError:
            raise InvalidValue(field.name, f"{raw!r} is not a number") from None
    return raw


def _write(field: Field, value: Any) -> str:
    if field.kind == Kind.BOOL:
        return "true" if value else "false"
    if field.kind in (Kind.NUMBER, Kind.INTEGER):
        return js_number_str(value)
    if field.kind == Kind.SHAPE:
        return ",".join(str(n) for n in value)
    return str(value)


def _parse_shape(field: Field, raw: str) -> tuple[int, ...]:
    if raw.strip() == "":
        return ()
    shape: list[Any] = []
    for piece in raw.split(","):
        try:
            shape.append(js_parse_number(piece) if piece.strip() else 0.0)  # Number("") is 0
        except ValueError:
            raise InvalidValue(field.name, f"{piece!r} is not a number of neurons") from None
    return field.check(shape)  # type: ignore[no-any-return]
