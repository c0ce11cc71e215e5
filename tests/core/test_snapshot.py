"""Snapshots: a session to a document of plain values and back, bit for bit.

The reference for "exact" is the original session itself: the restored copy
must hold the same bits and, stepped side by side with it, produce the same
numbers (training, resets and new data drawing from the random stream).
"""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import orjson
import pytest

from core.config import LECTURE_PRESET, PlaygroundConfig
from core.errors import InvalidValue
from core.rng import SeedRandom
from core.scenarios import SCENARIOS
from core.session import Session
from core.snapshot import FORMAT, MIGRATIONS, VERSION, from_document, to_document
from core.training import TrainingResult


def _step(session: Session, epochs: int) -> TrainingResult:
    """``session.step(epochs)``, with its scenario's selected weight where it trains that alone."""
    only = SCENARIOS[session.config.scenario].selection if session.config.train == "selected" else None
    return session.step(epochs, only=only)


def _trained(config: PlaygroundConfig, epochs: int) -> Session:
    session = Session(config)
    _step(session, epochs)
    return session


def _updated(config: PlaygroundConfig, updates: int) -> Session:
    session = Session(config)
    session.step(updates=updates)
    assert session.position > 0
    return session


def _carried_remainder() -> Session:
    # 250 training points in batches of 7: 5 gradients are carried after every epoch
    session = _trained(PlaygroundConfig(seed="carry", batchSize=7), 3)
    assert session.network.counters[0] == 250 % 7
    assert np.abs(session.network.acc_w).sum() > 0
    return session


def _l1_dead_links() -> Session:
    config = PlaygroundConfig(seed="l1", regularization="L1", regularizationRate=0.03, networkShape=(6, 6))
    session = _trained(config, 40)
    assert session.network.dead_flat.any()
    return session


def _nan_weights() -> Session:
    session = _trained(PlaygroundConfig(seed="nan", batchSize=3), 2)
    session.network.weights[0][1, 2] = math.nan
    session.network.biases[0][0] = math.inf
    session.network.weights[1][0, 0] = -math.inf
    session.step(1)  # losses and the history turn NaN too
    assert math.isnan(session.loss_train)
    return session


def _custom_points() -> Session:
    rng = np.random.default_rng(7)
    train = np.column_stack([rng.uniform(-5, 5, (31, 2)), rng.choice([-1.0, 1.0], 31)])
    test = np.column_stack([rng.uniform(-5, 5, (9, 2)), rng.choice([-1.0, 1.0], 9)])
    session = Session.from_points(PlaygroundConfig(seed="mine", batchSize=4), train, test)
    session.step(11)
    return session


def _no_test_points() -> Session:
    train = [[1.0, 2.0, 1.0], [-3.0, 0.5, -1.0]]
    session = Session.from_points(PlaygroundConfig(seed="alone"), train, np.zeros((0, 3)))
    session.step(3)
    assert math.isnan(session.loss_test)
    return session


def _six_by_eight() -> Session:
    config = PlaygroundConfig(
        seed="big",
        networkShape=(8,) * 6,
        xSquared=True,
        ySquared=True,
        xTimesY=True,
        sinX=True,
        sinY=True,
        dataset="spiral",
        noise=20,
        batchSize=9,
    )
    return _trained(config, 15)


def _thinned_history() -> Session:
    session = _trained(PlaygroundConfig(seed="long", percTrainData=10, networkShape=(2,)), 2100)
    assert session.history.stride > 1
    return session


def _regression_lecture() -> Session:
    return _trained(PlaygroundConfig(seed="lec", problem="regression", regDataset="reg-gauss", **LECTURE_PRESET), 4)


def _scenario(name: str) -> Callable[[], Session]:
    return lambda: _trained(PlaygroundConfig(seed="sc", scenario=name), 3)


SESSIONS: dict[str, Callable[[], Session]] = {
    "carried-remainder": _carried_remainder,
    "l1-dead-links": _l1_dead_links,
    "nan-weights": _nan_weights,
    "custom-points": _custom_points,
    "no-test-points": _no_test_points,
    "6x8": _six_by_eight,
    "thinned-history": _thinned_history,
    "regression-lecture": _regression_lecture,
    "fresh": lambda: Session(PlaygroundConfig(seed="fresh")),
    "adam-three-classes": lambda: _trained(
        PlaygroundConfig(seed="adam", optimizer="adam", classes=3, dataset="spiral", batchSize=7), 3
    ),  # m, v, t and a remainder
    "momentum-stop": lambda: _trained(PlaygroundConfig(seed="mom", optimizer="momentum", momentum=0.5, stopEpoch=2), 3),
    "inside-a-pass": lambda: _updated(PlaygroundConfig(seed="mid", batchSize=7, optimizer="adam"), 40),
    **{f"scenario-{name}": _scenario(name) for name in SCENARIOS},
}


def _bits(array: np.ndarray) -> bytes:
    return np.ascontiguousarray(array).tobytes()


def assert_same_state(a: Session, b: Session) -> None:
    assert a.config == b.config
    assert _bits(a.train) == _bits(b.train) and _bits(a.test) == _bits(b.test)
    state_a, state_b = a.network.state_dict(), b.network.state_dict()
    assert state_a.keys() == state_b.keys()
    for name in state_a:
        assert state_a[name].dtype == state_b[name].dtype, name
        assert _bits(state_a[name]) == _bits(state_b[name]), name
    assert a.rng.state() == b.rng.state() and (a.rng.seed, a.rng.draws) == (b.rng.seed, b.rng.draws)
    assert (a.epoch, a.position) == (b.epoch, b.position)
    assert _bits(a.history.rows) == _bits(b.history.rows) and a.history.stride == b.history.stride
    assert _bits(np.array([a.loss_train, a.loss_test])) == _bits(np.array([b.loss_train, b.loss_test]))


def _through_json(document: dict[str, Any], library: str) -> Any:
    if library == "orjson":
        return orjson.loads(orjson.dumps(document))
    return json.loads(json.dumps(document, allow_nan=False))  # strict JSON: no bare NaN


@pytest.mark.parametrize("library", ["json", "orjson"])
@pytest.mark.parametrize("name", list(SESSIONS))
def test_snapshot_round_trip_continues_identically(name: str, library: str) -> None:
    original = SESSIONS[name]()
    restored = from_document(_through_json(to_document(original), library))
    assert_same_state(original, restored)
    assert _bits(_step(original, 5).losses) == _bits(_step(restored, 5).losses)
    assert_same_state(original, restored)
    for change in (Session.reset, Session.regenerate):  # both draw from the random stream
        change(original)
        change(restored)
        assert_same_state(original, restored)
    assert _bits(_step(original, 2).losses) == _bits(_step(restored, 2).losses)


def test_snapshot_document_holds_plain_values_only() -> None:
    def check(value: Any, where: str) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                assert isinstance(key, str), where
                check(item, f"{where}.{key}")
        elif isinstance(value, list):
            for k, item in enumerate(value):
                check(item, f"{where}[{k}]")
        else:
            assert value is None or type(value) in (str, bool, int, float), (where, type(value))
            assert type(value) is not float or math.isfinite(value), where

    check(to_document(_nan_weights()), "document")


def test_snapshot_writes_non_finite_numbers_as_strings() -> None:
    session = _trained(PlaygroundConfig(seed="inf", networkShape=(3,)), 1)
    session.network.weights[0][1, 2] = math.nan
    session.network.biases[0][0] = math.inf
    session.network.weights[1][0, 0] = -math.inf
    document = to_document(session)
    state = document["network"]["state"]
    assert state["layers.0.weights"][1 * 3 + 2] == "NaN"  # row-major (n_in, n_out), flattened
    assert state["layers.0.biases"][0] == "Infinity"
    assert state["layers.1.weights"][0] == "-Infinity"
    assert to_document(_nan_weights())["losses"][0] == "NaN"


def test_snapshot_floats_keep_every_bit_through_json() -> None:
    # values whose shortest decimal form is long, tiny or huge
    values = [0.1 + 0.2, 1 / 3, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, -0.0, 123456789.12345679]
    session = Session(PlaygroundConfig(seed="bits", networkShape=(7,)))
    session.network.weights[0][0, :] = values
    for library in ("json", "orjson"):
        restored = from_document(_through_json(to_document(session), library))
        assert _bits(restored.network.weights[0][0]) == _bits(np.array(values))


def test_snapshot_document_names_its_format_and_version() -> None:
    document = to_document(Session(PlaygroundConfig(seed="v")))
    assert (document["format"], document["version"]) == ("playground-session", 1)
    assert set(document) == {
        "format",
        "version",
        "config",
        "data",
        "network",
        "random",
        "epoch",
        "history",
        "losses",
        "stopped",
        "position",
    }


def test_snapshot_random_position_continues_the_stream() -> None:
    session = _trained(PlaygroundConfig(seed="0.5"), 1)
    document = to_document(session)
    independent = SeedRandom("0.5")  # replay the draws: the saved position is the same one
    for _ in range(session.rng.draws):
        independent.random()
    restored = from_document(document)
    assert [restored.rng.random() for _ in range(5)] == [independent.random() for _ in range(5)]


# -- migrations ----------------------------------------------------------------


def _version_0(session: Session) -> dict[str, Any]:
    """The synthetic first form: no loss history."""
    document = to_document(session)
    del document["history"]
    document["version"] = 0
    return document


def test_snapshot_migrations_cover_every_older_version() -> None:
    assert sorted(MIGRATIONS) == list(range(VERSION))


def test_snapshot_reads_version_0_without_history() -> None:
    original = _carried_remainder()
    restored = from_document(json.loads(json.dumps(_version_0(original))))
    rows = restored.history.rows
    assert rows.shape == (1, 3)
    assert rows[0].tolist() == [original.epoch, original.loss_train, original.loss_test]
    assert _bits(original.network.w) == _bits(restored.network.w)
    assert _bits(original.step(3).losses) == _bits(restored.step(3).losses)


# -- broken and foreign documents ------------------------------------------------


def _document() -> dict[str, Any]:
    return to_document(_carried_remainder())


def _keys(path: str) -> list[str]:
    """A dotted path's keys; a network buffer's name (``layers.0.weights``) is one key."""
    parts = path.split(".")
    if parts[:2] == ["network", "state"] and len(parts) > 3:
        return [*parts[:2], ".".join(parts[2:])]
    return parts


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    keys = _keys(path)

    def edit(document: dict[str, Any]) -> None:
        target = document
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value

    return edit


def _delete(path: str) -> Callable[[dict[str, Any]], None]:
    keys = _keys(path)

    def edit(document: dict[str, Any]) -> None:
        target = document
        for key in keys[:-1]:
            target = target[key]
        del target[keys[-1]]

    return edit


def _edit_list(path: str, index: int, value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(document: dict[str, Any]) -> None:
        target: Any = document
        for key in _keys(path):
            target = target[key]
        target[index] = value

    return edit


BROKEN: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("foreign format", _set("format", "tf-playground"), "format"),
    ("no format", _delete("format"), "format"),
    ("version as text", _set("version", "1"), "version"),
    ("negative version", _set("version", -1), "version"),
    ("newer version", _set("version", VERSION + 1), "version"),
    ("no config", _delete("config"), "config"),
    ("no data", _delete("data"), "data"),
    ("no network", _delete("network"), "network"),
    ("no random", _delete("random"), "random"),
    ("no epoch", _delete("epoch"), "epoch"),
    ("no history", _delete("history"), "history"),
    ("no losses", _delete("losses"), "losses"),
    ("config not an object", _set("config", [1, 2]), "config"),
    ("bad batch size", _set("config.batchSize", 0), "config.batchSize"),
    ("unknown config field", _set("config.colour", "red"), "config.colour"),
    ("bad activation", _set("config.activation", "softmax"), "config.activation"),
    ("data not an object", _set("data", []), "data"),
    ("no test set", _delete("data.test"), "data.test"),
    ("train not a list", _set("data.train", "points"), "data.train"),
    ("short row", _edit_list("data.train", 3, [1.0, 2.0]), "data.train[3]"),
    ("text coordinate", _edit_list("data.test", 0, [1.0, "2", 1.0]), "data.test[0]"),
    ("NaN coordinate", _edit_list("data.train", 0, [1.0, "NaN", 1.0]), "data.train[0]"),
    ("far coordinate", _edit_list("data.train", 0, [1e7, 0.0, 1.0]), "data.train[0]"),
    ("label not a class", _edit_list("data.train", 2, [1.0, 1.0, 0.5]), "data.train[2]"),
    ("label far off", _edit_list("data.test", 1, [1.0, 1.0, 1e6]), "data.test[1]"),
    ("no training points", _set("data.train", []), "data.train"),
    ("too many points", _set("data.test", [[0.0, 0.0, 1.0]] * 5001), "data.test"),
    ("network not an object", _set("network", 3), "network"),
    ("no sizes", _delete("network.sizes"), "network.sizes"),
    ("sizes against config", _set("network.sizes", [2, 3, 1]), "network.sizes"),
    ("state not an object", _set("network.state", []), "network.state"),
    ("short weights", _set("network.state.layers.0.weights", [0.5] * 3), "network.state.layers.0.weights"),
    ("text weight", _edit_list("network.state.layers.0.weights", 0, "half"), "network.state.layers.0.weights"),
    ("boolean weight", _edit_list("network.state.layers.0.biases", 0, True), "network.state.layers.0.biases"),
    ("huge integer weight", _edit_list("network.state.layers.1.weights", 0, 10**400), "network.state.layers.1.weights"),
    ("missing buffer", _delete("network.state.layers.0.pending.biases"), "network.state.layers.0.pending.biases"),
    ("unknown buffer", _set("network.state.momentum", [0.0]), "network.state.momentum"),
    ("dead link as number", _edit_list("network.state.layers.0.dead", 0, 1), "network.state.layers.0.dead"),
    ("negative counter", _edit_list("network.state.pending.count", 0, -1), "network.state.pending.count"),
    ("fractional counter", _edit_list("network.state.updates", 0, 2.5), "network.state.updates"),
    ("random not an object", _set("random", "seed"), "random"),
    ("no stream state", _delete("random.state"), "random.state"),
    ("stream not a permutation", _set("random.state", "00" * 256), "random.state"),
    ("stream not hex", _set("random.state", "zz" * 256), "random.state"),
    ("stream index out of range", _set("random.i", 256), "random.i"),
    ("seed not text", _set("random.seed", 5), "random.seed"),
    ("negative draws", _set("random.draws", -3), "random.draws"),
    ("negative epoch", _set("epoch", -1), "epoch"),
    ("fractional epoch", _set("epoch", 1.5), "epoch"),
    ("epoch beyond 2**53", _set("epoch", 2**53), "epoch"),
    ("history not an object", _set("history", []), "history"),
    ("stride not a power of two", _set("history.stride", 3), "history.stride"),
    ("rows not a list", _set("history.rows", {}), "history.rows"),
    ("history row of text", _edit_list("history.rows", 0, ["a", "b", "c"]), "history.rows[0]"),
    ("negative history epoch", _edit_list("history.rows", 0, [-1, 0.5, 0.5]), "history.rows"),
    ("one loss", _set("losses", [0.5]), "losses"),
]


@pytest.mark.parametrize(("edit", "part"), [case[1:] for case in BROKEN], ids=[case[0] for case in BROKEN])
def test_snapshot_broken_document_names_the_part(edit: Callable[[dict[str, Any]], None], part: str) -> None:
    document = copy.deepcopy(_document())
    edit(document)
    with pytest.raises(InvalidValue) as caught:
        from_document(document)
    assert caught.value.field == part, str(caught.value)
    assert str(caught.value).startswith(f"{part}: ") and len(caught.value.message) > 5


@pytest.mark.parametrize("document", [None, [], "playground-session", 1.5, {"format": FORMAT}])
def test_snapshot_foreign_value_is_invalid(document: Any) -> None:
    with pytest.raises(InvalidValue) as caught:
        from_document(document)
    assert caught.value.field in ("document", "version")


def test_snapshot_error_quotes_a_huge_value_briefly() -> None:
    document = _document()
    document["format"] = "x" * 100_000
    with pytest.raises(InvalidValue) as caught:
        from_document(document)
    assert caught.value.field == "format" and len(str(caught.value)) < 200


def test_snapshot_keeps_why_the_session_stopped_and_reads_documents_without_it() -> None:
    session = Session(PlaygroundConfig.from_hash("seed=0.3&stopEpoch=3"))
    session.step(5)
    assert session.stopped == "epoch"  # the stop condition, not this test, decided it
    document = json.loads(json.dumps(to_document(session)))
    assert from_document(document).stopped == "epoch"
    del document["stopped"]  # written before the key existed
    assert from_document(document).stopped is None
    document["stopped"] = "tired"
    with pytest.raises(InvalidValue) as wrong:
        from_document(document)
    assert wrong.value.field == "stopped"
