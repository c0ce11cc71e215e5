"""A record cut into parts and put back together, and what a damaged one says."""

from __future__ import annotations

import dataclasses
import zlib
from typing import Any

import orjson
import pytest

from app.persistence.record import HISTORY_BLOCK, RecordDamaged, decode_parts, encode_parts
from tests.app.persistence.conftest import record_of, trained


def _decode(parts: dict[str, bytes]) -> object:
    return decode_parts("s1", parts, "hash", 1.0, 2.0)


def _json(body: bytes) -> Any:
    return orjson.loads(zlib.decompress(body[1:]) if body[:1] == b"z" else body[1:])


def test_record_parts_are_head_data_and_history_blocks() -> None:
    session = trained(2 * HISTORY_BLOCK + 30)
    record = record_of(session)
    parts = encode_parts(record)
    rows = len(session.history)
    assert rows == 2 * HISTORY_BLOCK + 31  # epoch 0 and every epoch since
    assert sorted(parts) == ["data", "head", "history.0", "history.1", "history.2"]
    assert _json(parts["history.2"]) == session.history.rows[2 * HISTORY_BLOCK :].tolist()
    head = _json(parts["head"])
    assert "data" not in head["core"] and "rows" not in head["core"]["history"]
    assert head["app"] == record.app


def test_record_round_trips_through_its_parts() -> None:
    record = record_of(trained(250))
    back = decode_parts(record.id, encode_parts(record), record.token_hash, record.created, record.last_active)
    assert back == record


def test_record_large_parts_are_compressed_small_ones_not() -> None:
    parts = encode_parts(record_of(trained(20)))
    assert parts["data"][:1] == b"z"  # 500 points: several kilobytes of JSON
    assert len(zlib.decompress(parts["data"][1:])) >= 4096
    assert parts["history.0"][:1] == b"j"  # 21 rows: about a kilobyte
    assert len(parts["history.0"]) < 4096


def test_record_missing_part_is_damaged() -> None:
    parts = encode_parts(record_of(trained(150)))
    del parts["history.1"]
    with pytest.raises(RecordDamaged, match=r"part 'history.1' is missing"):
        _decode(parts)


@pytest.mark.parametrize(
    ("name", "body", "message"),
    [
        ("head", b"z" + b"not zlib", "head"),
        ("data", b"j{broken", "data"),
        ("data", b"?" + b"{}", "unknown encoding"),
        ("head", b"j" + orjson.dumps({"core": {}}), "head"),
    ],
)
def test_record_unreadable_part_is_damaged(name: str, body: bytes, message: str) -> None:
    parts = encode_parts(record_of(trained(5)))
    parts[name] = body
    with pytest.raises(RecordDamaged, match=message):
        _decode(parts)


@pytest.mark.parametrize(
    "config",
    [
        {},  # the default: every array finite, history with test losses
        {"percTrainData": 90, "optimizer": "adam", "networkShape": [8, 8]},
        # diverges: ±inf / NaN losses in the history
        {"learningRate": 10, "activation": "relu", "problem": "regression", "regDataset": "reg-plane"},
    ],
)
def test_record_parts_of_a_snapshot_with_arrays_are_the_same_bytes(config: dict[str, Any]) -> None:
    """The saver snapshots with ``arrays=True`` (no Python object per number);
    what it stores must be byte for byte what the plain lists give."""
    from core.snapshot import to_document

    session = trained(2 * HISTORY_BLOCK + 30, **config)
    plain = record_of(session)
    with_arrays = dataclasses.replace(plain, document=to_document(session, arrays=True))
    assert encode_parts(with_arrays) == encode_parts(plain)
