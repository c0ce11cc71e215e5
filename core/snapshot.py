"""A session as one versioned document of plain values, and back, bit for bit.

The document holds everything a session needs to continue exactly: the
config, the data (which may be the user's own points), the network's state
(every buffer of ``Network.state_dict()``, by name), the random stream's
position, the epoch, the thinned loss history, the last losses and why the
last step stopped early ("stopped", optional: absent reads as null) and
where the current pass over the training points stands ("position",
optional: absent reads as 0, the start of a pass).  It is
made of dicts, lists, strings, booleans, ints and floats only, so any JSON
library writes it; floats are written as Python's shortest round-trip
digits and read back to the same double, and the non-finite ones travel
as the strings "NaN", "Infinity" and "-Infinity", as the REST API writes
them.

Reading checks every part and raises InvalidValue naming the part and what
is wrong.  Older versions are brought forward by ``MIGRATIONS``, one
version at a time, before they are read.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from core.config import PlaygroundConfig
from core.errors import InvalidValue
from core.fields import FIELDS
from core.history import LossHistory
from core.kernel import STOP_REASONS
from core.network import Network
from core.points import json_points
from core.rng import SeedRandom
from core.scenarios import SCENARIOS
from core.session import Session, network_sizes

__all__ = ["FORMAT", "VERSION", "MIGRATIONS", "MAX_POINTS", "to_document", "from_document"]

FORMAT = "playground-session"
VERSION = 1
MAX_POINTS = 5000  # per set (train, test), before core.points checks the points as an upload
MAX_COUNT = 2**53  # epochs, draws, counters: exact as a double, and within JSON libraries' 64-bit integers

_NON_FINITE = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}
_PARTS = ("config", "data", "network", "random", "epoch", "history", "losses")


def _v0_to_v1(document: dict[str, Any]) -> dict[str, Any]:
    """Version 0 kept no loss history: start one at the saved epoch and losses."""
    epoch = document.get("epoch")
    losses = document.get("losses")
    rows = [[epoch, *losses]] if isinstance(losses, list) else []
    return {**document, "version": 1, "history": {"stride": 1, "rows": rows}}


# version -> function turning a document of that version into the next one.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {0: _v0_to_v1}


# -- writing -----------------------------------------------------------------


def to_document(session: Session, *, arrays: bool = False) -> dict[str, Any]:
    """The session's whole state as plain values (see the module's docstring).

    ``arrays``: keep each array of finite values as a copy of itself, for a
    writer that serialises NumPy arrays (orjson's OPT_SERIALIZE_NUMPY writes
    the same JSON as for the lists): no Python object per number, which
    matters when many playing sessions are saved every few seconds."""
    encode = _copy if arrays else _encode
    seed_state, i, j = session.rng.state()
    return {
        "format": FORMAT,
        "version": VERSION,
        "config": session.config.to_dict(),
        "data": {"train": encode(session.train), "test": encode(session.test)},  # [[x, y, label], ...]
        "network": {
            "sizes": session.shape,
            "state": {name: encode(array.ravel()) for name, array in session.network.state_dict().items()},
        },
        "random": {"seed": session.rng.seed, "state": seed_state.hex(), "i": i, "j": j, "draws": session.rng.draws},
        "epoch": session.epoch,
        "history": {"stride": session.history.stride, "rows": encode(session.history.rows)},
        "losses": _encode(np.array([session.loss_train, session.loss_test])),
        "stopped": session.stopped,  # why the last step ended early; optional (absent: None)
        "position": session.position,  # training points of the current pass done; optional (absent: 0)
    }


def _encode(array: np.ndarray) -> list[Any]:
    """``array.tolist()`` with non-finite floats as their strings."""
    values: list[Any] = array.tolist()
    if array.dtype.kind != "f" or np.isfinite(array).all():
        return values
    if array.ndim == 1:
        return [_encode_float(v) for v in values]
    return [[_encode_float(v) for v in row] for row in values]


def _copy(array: np.ndarray) -> np.ndarray | list[Any]:
    """A contiguous copy of ``array``; ``_encode``'s lists if it holds a non-finite float."""
    if array.dtype.kind == "f" and not np.isfinite(array).all():
        return _encode(array)
    return np.array(array, order="C", copy=True)


def _encode_float(value: float) -> float | str:
    if math.isfinite(value):
        return value
    return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")


# -- reading -----------------------------------------------------------------


def from_document(document: Any) -> Session:
    """A session in exactly the state ``document`` describes.

    Raises InvalidValue naming the part at fault (``format``, ``version``,
    ``config.batchSize``, ``network.state.w``, ``random.state``, ...) for a
    broken or foreign document.
    """
    document = _migrate(document)
    for part in _PARTS:
        if part not in document:
            raise InvalidValue(part, "missing")
    config = _config(document["config"])
    train, test = _data(document["data"], config)
    network = _network(document["network"], config)
    rng = _random(document["random"])
    epoch = _count("epoch", document["epoch"])
    history = _history(document["history"])
    loss_train, loss_test = _floats("losses", document["losses"], length=2)
    stopped = document.get("stopped")
    if stopped not in STOP_REASONS:
        raise InvalidValue(
            "stopped", f"expected one of {', '.join(map(str, STOP_REASONS[1:]))} or null, got {_shown(stopped)}"
        )
    position = _count("position", document.get("position", 0))
    if position and position >= len(train):
        raise InvalidValue("position", f"expected a training point of the pass, 0 to {len(train) - 1}, got {position}")
    session = Session.from_parts(config, rng, train, test, network, epoch, history, (loss_train, loss_test), position)
    session.stopped = stopped
    return session


def _migrate(document: Any) -> dict[str, Any]:
    if not isinstance(document, Mapping):
        raise InvalidValue("document", f'expected an object with "format": "{FORMAT}"')
    if document.get("format") != FORMAT:
        raise InvalidValue("format", f"expected {FORMAT!r}, got {_shown(document.get('format'))}: not a session file")
    version = document.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 0:
        raise InvalidValue("version", f"expected a version number, got {_shown(version)}")
    if version > VERSION:
        raise InvalidValue("version", f"version {version} is newer than this server reads (up to {VERSION})")
    current = dict(document)
    while current["version"] < VERSION:
        current = MIGRATIONS[current["version"]](current)
    return current


def _object(part: str, value: Any, keys: tuple[str, ...]) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidValue(part, f"expected an object with {', '.join(keys)}")
    for key in keys:
        if key not in value:
            raise InvalidValue(f"{part}.{key}", "missing")
    return value


def _config(value: Any) -> PlaygroundConfig:
    """Every field as ``PlaygroundConfig.to_dict`` writes it; a missing field
    takes its default, as a field added after the document was written."""
    if not isinstance(value, Mapping):
        raise InvalidValue("config", "expected an object of config fields")
    unknown = sorted(set(value) - set(FIELDS))
    if unknown:
        raise InvalidValue(f"config.{unknown[0]}", "unknown field")
    try:
        return PlaygroundConfig.stored(dict(value))
    except InvalidValue as error:
        raise InvalidValue(f"config.{error.field}", error.message) from None


def _data(value: Any, config: PlaygroundConfig) -> tuple[np.ndarray, np.ndarray]:
    """The points, checked as ``PUT .../data`` checks them (core.points: the labels
    the config's problem allows, coordinates, counts); errors name ``data.train[k]``."""
    data = _object("data", value, ("train", "test"))
    rows = {}
    for name in ("train", "test"):
        part = f"data.{name}"
        if not isinstance(data[name], list) or len(data[name]) > MAX_POINTS:
            raise InvalidValue(part, f"expected a list of up to {MAX_POINTS} points [x, y, label]")
        rows[name] = [_floats(f"{part}[{k}]", row, length=3) for k, row in enumerate(data[name])]
    fixed = _scenario_points(config)
    if fixed is not None and rows["train"] == fixed and rows["test"] == fixed:
        # A scenario's own set-up (the worked example's target lies beyond what an upload may ask for)
        return np.array(fixed, dtype=np.float64).reshape(-1, 3), np.array(fixed, dtype=np.float64).reshape(-1, 3)
    try:
        given = json_points(rows, config)
    except InvalidValue as error:
        raise InvalidValue(f"data.{error.field}", error.message) from None
    assert given.in_train is not None  # train and test were given apart
    train, test = given.points[given.in_train], given.points[~given.in_train]
    if len(train) == 0:
        raise InvalidValue("data.train", "expected at least one training point")
    return train, test


def _scenario_points(config: PlaygroundConfig) -> list[list[float]] | None:
    """The points the config's scenario fixes (core.scenarios), if it fixes any."""
    scenario = SCENARIOS.get(config.scenario or "")
    if scenario is None or scenario.points is None:
        return None
    return [[float(v) for v in row] for row in scenario.points()]


def _network(value: Any, config: PlaygroundConfig) -> Network:
    part = _object("network", value, ("sizes", "state"))
    sizes = network_sizes(config)
    if part["sizes"] != sizes:
        raise InvalidValue("network.sizes", f"expected {sizes} for this config, got {_shown(part['sizes'])}")
    network = Network(sizes, config.activation, config.output_activation, config.optimizer)
    template = network.state_dict()
    given = part["state"]
    if not isinstance(given, Mapping):
        raise InvalidValue("network.state", f"expected an object of buffers: {', '.join(template)}")
    state: dict[str, Any] = {}
    for name, values in given.items():
        reference = template.get(name)
        if reference is None:
            state[name] = values  # load_state_dict names what it does not know
            continue
        where = f"network.state.{name}"
        if reference.dtype.kind == "f":
            flat = np.array(_floats(where, values, length=reference.size))
        elif reference.dtype.kind == "b":
            flat = np.array(_sequence(where, values, reference.size, bool, "true or false"), dtype=np.bool_)
        else:
            counts = _sequence(where, values, reference.size, int, "integers")
            flat = np.array([_count(where, n) for n in counts], dtype=reference.dtype)
        state[name] = flat.reshape(reference.shape)
    try:
        network.load_state_dict(state)
    except InvalidValue as error:  # it names the buffer
        raise InvalidValue(f"network.state.{error.field}", error.message) from None
    return network


def _random(value: Any) -> SeedRandom:
    part = _object("random", value, ("seed", "state", "i", "j", "draws"))
    try:
        state = bytes.fromhex(part["state"]) if isinstance(part["state"], str) else None
    except ValueError:
        state = None
    if state is None:
        raise InvalidValue("random.state", "expected 512 hexadecimal digits (ARC4's permutation)")
    _count("random.draws", part["draws"])
    try:
        return SeedRandom.from_state(part["seed"], state, part["i"], part["j"], part["draws"])
    except InvalidValue as error:
        raise InvalidValue(f"random.{error.field}", error.message) from None


def _history(value: Any) -> LossHistory:
    part = _object("history", value, ("stride", "rows"))
    rows = part["rows"]
    history = LossHistory()
    if not isinstance(rows, list) or len(rows) > history.max_points:
        raise InvalidValue("history.rows", f"expected a list of up to {history.max_points} rows")
    array = np.array([_floats(f"history.rows[{k}]", row, length=3) for k, row in enumerate(rows)]).reshape(-1, 3)
    try:
        history.load(array, part["stride"])
    except InvalidValue as error:
        raise InvalidValue(f"history.{error.field}", error.message) from None
    return history


def _count(part: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < MAX_COUNT:
        raise InvalidValue(part, f"expected an integer from 0 to 2**53 - 1, got {_shown(value)}")
    return value


def _sequence(part: str, values: Any, length: int, kind: type, what: str) -> list[Any]:
    if not isinstance(values, list) or len(values) != length:
        raise InvalidValue(part, f"expected a list of {length} {what}")
    for value in values:
        if type(value) is not kind:
            raise InvalidValue(part, f"expected {what}, got {_shown(value)}")
    return values


def _floats(part: str, values: Any, length: int) -> list[float]:
    """``length`` numbers, the non-finite ones as their strings."""
    if not isinstance(values, list) or len(values) != length:
        raise InvalidValue(part, f"expected a list of {length} numbers")
    out = []
    for value in values:
        if type(value) is float or (type(value) is int and abs(value) < MAX_COUNT):
            out.append(float(value))
        elif isinstance(value, str) and value in _NON_FINITE:
            out.append(_NON_FINITE[value])
        else:
            raise InvalidValue(part, f'expected numbers (or "NaN", "Infinity", "-Infinity"), got {_shown(value)}')
    return out


def _shown(value: Any) -> str:
    """A value as an error message quotes it: short, however large the input."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
