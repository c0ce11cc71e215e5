"""What the store keeps for one session, and how it is cut into parts.

A record is the core's snapshot document (core.snapshot) plus the app's own
section (selection, speed, ...: opaque here) and metadata.  It is stored as
named parts so that the common write, a snapshot of a playing session every
few seconds, writes only what changed:

- ``head``: the app section and the snapshot without its bulk (config,
  network, random stream, epoch, losses): small, rewritten every time;
- ``data``: the training and test points, rewritten only when they change;
- ``history.0``, ``history.1``, ...: the loss history in blocks of
  HISTORY_BLOCK rows.  A playing session appends rows, which changes only
  the last block; thinning (the stride doubles) or a reset rewrites all.

Each part is JSON (orjson: floats keep every bit), zlib-compressed when
that pays; its first byte says which.  Parts are compared by a digest of
their JSON, so only the changed ones are compressed and sent.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass
from typing import Any

import orjson

__all__ = [
    "SessionRecord",
    "RecordInfo",
    "RecordDamaged",
    "HISTORY_BLOCK",
    "split_parts",
    "pack",
    "encode_parts",
    "decode_parts",
    "part_digest",
]

HISTORY_BLOCK = 100  # loss-history rows per stored part
COMPRESS_FROM = 4096  # bytes of JSON from which a part is compressed
_JSON, _ZLIB = b"j", b"z"


class RecordDamaged(ValueError):
    """A stored record cannot be read back (a part is missing or unreadable).

    The session cannot be restored from it; the caller treats it as lost.
    """


@dataclass
class SessionRecord:
    """One session as the store keeps it."""

    id: str
    document: dict[str, Any]  # core.snapshot.to_document(session)
    app: dict[str, Any]  # the app's own section (selection, class code, speed, ...), plain values
    token_hash: str  # app.auth.token_digest(control token): a leaked store does not give control
    created: float  # unix time
    last_active: float  # unix time of the last change or client; retention counts from it


@dataclass(frozen=True)
class RecordInfo:
    """What retention needs to know about a stored record."""

    id: str
    created: float
    last_active: float
    shared: bool  # holds a class code: never dropped to make room
    size: int  # bytes stored for it


def part_digest(body: bytes) -> bytes:
    return hashlib.blake2b(body, digest_size=16).digest()


def split_parts(record: SessionRecord) -> dict[str, bytes]:
    """The record's parts as plain JSON (see the module's docstring); metadata
    travels apart.  ``pack`` turns a part into what is stored."""
    document = record.document
    history = document["history"]
    rows = history["rows"]
    blocks = [rows[k : k + HISTORY_BLOCK] for k in range(0, len(rows), HISTORY_BLOCK)]
    core = {key: value for key, value in document.items() if key != "data"}
    core["history"] = {key: value for key, value in history.items() if key != "rows"}
    head = {"core": core, "app": record.app, "history_blocks": len(blocks)}
    parts = {"head": _json(head), "data": _json(document["data"])}
    for k, block in enumerate(blocks):
        parts[f"history.{k}"] = _json(block)
    return parts


def _json(value: Any) -> bytes:
    """JSON of plain values and NumPy arrays (``to_document(..., arrays=True)``):
    an array's JSON is its list's."""
    return orjson.dumps(value, option=orjson.OPT_SERIALIZE_NUMPY)


def encode_parts(record: SessionRecord) -> dict[str, bytes]:
    """The record's parts as stored."""
    return {name: pack(body) for name, body in split_parts(record).items()}


def decode_parts(
    session_id: str, parts: dict[str, bytes], token_hash: str, created: float, last_active: float
) -> SessionRecord:
    """The record that ``encode_parts`` cut up; RecordDamaged if a part is missing or unreadable."""
    head = _unpack(session_id, "head", parts)
    try:
        core, app, n_blocks = head["core"], head["app"], int(head["history_blocks"])
        document = dict(core)
        document["data"] = _unpack(session_id, "data", parts)
        rows: list[Any] = []
        for k in range(n_blocks):
            rows.extend(_unpack(session_id, f"history.{k}", parts))
        document["history"] = {**core["history"], "rows": rows}
    except (KeyError, TypeError, ValueError) as error:
        raise RecordDamaged(f"session {session_id}: head: {error}") from None
    return SessionRecord(session_id, document, app, token_hash, created, last_active)


def pack(body: bytes) -> bytes:
    """A part's JSON as stored: compressed when that pays, with a leading byte saying which."""
    if len(body) >= COMPRESS_FROM:
        return _ZLIB + zlib.compress(body, 1)  # level 1: most of the saving for a fraction of the time
    return _JSON + body


def _unpack(session_id: str, name: str, parts: dict[str, bytes]) -> Any:
    body = parts.get(name)
    if body is None:
        raise RecordDamaged(f"session {session_id}: part {name!r} is missing")
    try:
        if body[:1] == _ZLIB:
            return orjson.loads(zlib.decompress(body[1:]))
        if body[:1] == _JSON:
            return orjson.loads(body[1:])
    except (zlib.error, orjson.JSONDecodeError) as error:
        raise RecordDamaged(f"session {session_id}: part {name!r}: {error}") from None
    raise RecordDamaged(f"session {session_id}: part {name!r} has an unknown encoding")
