"""``PlaygroundConfig``: every field of the original's state, its URL hash
format (quirks included) and validation.

Field names are the original's hash keys, so one name is used for a field
everywhere: in the hash, the REST API, the websocket messages and the page.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from core.activations import ACTIVATIONS, LOSSES, REGULARIZERS
from core.datasets import CLASSIFICATION_DATASETS, REGRESSION_DATASETS
from core.errors import InvalidValue
from core.features import FEATURES
from core.jsnum import js_number_str, js_parse_number
from core.network import INITS
from core.rng import random_seed_string
from core.scenarios import SCENARIOS

__all__ = [
    "PlaygroundConfig",
    "PROBLEMS",
    "LEARNING_RATES",
    "REGULARIZATION_RATES",
    "HIDEABLE_CONTROLS",
    "MAX_HIDDEN_LAYERS",
    "MAX_NEURONS",
    "FIELD_EFFECTS",
    "LECTURE_OPTIONS",
    "LECTURE_PRESET",
]

PROBLEMS = ("classification", "regression")
# The values of the original's menus; the hash may carry others, which are
# accepted inside the same range.
LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10)
REGULARIZATION_RATES = (0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10)
MAX_HIDDEN_LAYERS = 6  # the original's page limits; core.network has none
MAX_NEURONS = 8
MAX_BATCH_SIZE = 30
MAX_SEED_LENGTH = 64

# What `<control>_hide=true` can hide, in the order of the original's
# "use it in a classroom" checkboxes; feature names follow.
HIDEABLE_CONTROLS: dict[str, str] = {
    "showTestData": "Show test data",
    "discretize": "Discretize output",
    "playButton": "Play button",
    "stepButton": "Step button",
    "resetButton": "Reset button",
    "learningRate": "Learning rate",
    "activation": "Activation",
    "regularization": "Regularization",
    "regularizationRate": "Regularization rate",
    "problem": "Problem type",
    "dataset": "Which dataset",
    "percTrainData": "Ratio train data",
    "noise": "Noise level",
    "batchSize": "Batch size",
    "numHiddenLayers": "# of hidden layers",
    **{name: feature.label for name, feature in FEATURES.items()},
    "lecture": "Lecture section",  # ours: the explainer and the lecture's options
}

_SEED_CHARS = re.compile(r"[!-~]*")  # printable ASCII; '&', '=', '#' excluded below
_TUTORIAL = re.compile(r"[A-Za-z0-9_-]{1,64}")


@dataclass(frozen=True)
class PlaygroundConfig:
    """The whole state of a playground, with the original's defaults.

    Attributes are listed in the order the original writes them to the hash.
    """

    activation: str = "tanh"  # hidden layers: relu | tanh | sigmoid | linear
    regularization: str = "none"  # none | L1 | L2 (omitted from the hash when none)
    batchSize: int = 10  # points per update, 1..30
    dataset: str = "circle"  # classification data: circle | xor | gauss | spiral
    regDataset: str = "reg-plane"  # regression data: reg-plane | reg-gauss
    learningRate: float = 0.03  # 0..10; applied live, no reset
    regularizationRate: float = 0.0  # 0..10
    noise: float = 0.0  # percent, 0..50
    networkShape: tuple[int, ...] = (4, 2)  # neurons per hidden layer; () for none
    seed: str = field(default_factory=random_seed_string)  # the random stream's seed string
    showTestData: bool = False  # display only
    discretize: bool = False  # display only
    percTrainData: float = 50.0  # percent of the points used for training, 10..90
    x: bool = True  # input features, in the network's input order below
    y: bool = True
    xTimesY: bool = False
    xSquared: bool = False
    ySquared: bool = False
    cosX: bool = False  # kept for the hash; the original offers no cos feature
    sinX: bool = False
    cosY: bool = False
    sinY: bool = False
    collectStats: bool = False  # the original's (unused) statistics switch
    tutorial: str | None = None  # the original's tutorial id, if any
    problem: str = "classification"  # classification | regression
    initZero: bool = False  # all weights and biases 0 (the numbers are still drawn)
    hideText: bool = False  # classroom: hide the explanatory text
    # The lecture's network as options (new hash keys the original ignores;
    # written only when they differ from the original's behaviour).
    outputActivation: str = "auto"  # auto (tanh, or linear for regression) | relu | tanh | sigmoid | linear
    loss: str = "half-square"  # half-square: ½(o − t)² (the original) | square: (t − o)² (the lecture)
    init: str = "uniform"  # uniform: U(−0.5, 0.5) | lecture: U(±1/√fan-in) | normal: N(0, 1/fan-in) (the book)
    inputScaling: str = "raw"  # raw | unit: every feature scaled to 0.01–1.0 over the [−6, 6]² domain
    targets: str = "pm1"  # pm1: labels ±1 | lecture: 0.01 and 0.99 (for a sigmoid output)
    scenario: str | None = None  # a fixed set-up from core.scenarios (e.g. the lecture's worked example)
    hidden: frozenset[str] = frozenset()  # classroom: controls hidden by `<control>_hide=true`

    def __post_init__(self) -> None:
        _validate(self)

    # -- derived ------------------------------------------------------------

    @property
    def features(self) -> tuple[str, ...]:
        """Enabled input features, in the network's input order."""
        return tuple(name for name in FEATURES if getattr(self, name))

    @property
    def data_name(self) -> str:
        """The generator in use: ``dataset`` or ``regDataset`` by problem."""
        return self.dataset if self.problem == "classification" else self.regDataset

    @property
    def output_activation(self) -> str:
        if self.outputActivation != "auto":
            return self.outputActivation
        return "tanh" if self.problem == "classification" else "linear"

    def replace(self, **changes: Any) -> PlaygroundConfig:
        """A copy with ``changes`` applied and validated (unknown names raise)."""
        unknown = sorted(set(changes) - _FIELD_NAMES)
        if unknown:
            raise InvalidValue(unknown[0], f"unknown field; allowed: {', '.join(sorted(_FIELD_NAMES))}")
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values (tuples as lists, the hidden set sorted)."""
        data = asdict(self)
        data["networkShape"] = list(self.networkShape)
        data["hidden"] = [name for name in HIDEABLE_CONTROLS if name in self.hidden]
        return data

    # -- the URL hash ---------------------------------------------------------

    @classmethod
    def from_hash(cls, text: str) -> PlaygroundConfig:
        """Parse the original's URL hash (with or without its leading ``#``).

        Follows the original's rules: the last occurrence of a key wins,
        booleans are true unless exactly ``false``, an empty ``networkShape``
        means no hidden layer, a blank value leaves the default, keys this
        version does not know are ignored.  Invalid values raise ValueError.
        """
        if text.startswith("#"):
            text = text[1:]
        pairs: dict[str, str | None] = {}
        for item in text.split("&"):
            parts = item.split("=")
            pairs[parts[0]] = parts[1] if len(parts) > 1 else None

        def present(name: str) -> bool:
            value = pairs.get(name)
            return value is not None and value.strip() != ""

        values: dict[str, Any] = {}
        for f in fields(cls):
            name = f.name
            kind = _HASH_KINDS.get(name)
            if kind is None:
                continue
            if kind == "string":  # the seed: taken as is, even empty
                if pairs.get(name) is not None:
                    values[name] = pairs[name]
                continue
            if kind == "array":
                raw = pairs.get(name)
                if name in pairs:
                    values[name] = _parse_shape(raw or "")
                continue
            if not present(name):
                continue
            raw = pairs[name]
            assert raw is not None
            if kind == "bool":
                values[name] = raw != "false"
            elif kind == "number":
                try:
                    values[name] = js_parse_number(raw)
                except ValueError:
                    raise InvalidValue(name, f"{raw!r} is not a number") from None
            else:
                values[name] = raw
        if "batchSize" in values:
            values["batchSize"] = _as_int("batchSize", values["batchSize"])
        values["hidden"] = frozenset(
            key[: -len("_hide")]
            for key, value in pairs.items()
            if key.endswith("_hide") and value == "true" and key[: -len("_hide")] in HIDEABLE_CONTROLS
        )
        return cls(**values)

    def to_hash(self) -> str:
        """The hash the original would write for this state (without ``#``)."""
        parts = []
        for name, kind in _HASH_KINDS.items():
            value = getattr(self, name)
            if name == "regularization" and value == "none":
                continue  # the original's null, never written
            if name in LECTURE_OPTIONS and value == LECTURE_OPTIONS[name][0]:
                continue  # the original's behaviour: keep its links unchanged
            if value is None:
                continue
            if kind == "bool":
                text = "true" if value else "false"
            elif kind == "number":
                text = js_number_str(value)
            elif kind == "array":
                text = ",".join(str(n) for n in value)
            else:
                text = str(value)
            parts.append(f"{name}={text}")
        parts.extend(f"{name}_hide=true" for name in HIDEABLE_CONTROLS if name in self.hidden)
        return "&".join(parts)


_FIELD_NAMES = frozenset(f.name for f in fields(PlaygroundConfig))

# How each hash key is read and written, in the original's order.
_HASH_KINDS: dict[str, str] = {
    "activation": "choice",
    "regularization": "choice",
    "batchSize": "number",
    "dataset": "choice",
    "regDataset": "choice",
    "learningRate": "number",
    "regularizationRate": "number",
    "noise": "number",
    "networkShape": "array",
    "seed": "string",
    "showTestData": "bool",
    "discretize": "bool",
    "percTrainData": "number",
    "x": "bool",
    "y": "bool",
    "xTimesY": "bool",
    "xSquared": "bool",
    "ySquared": "bool",
    "cosX": "bool",
    "sinX": "bool",
    "cosY": "bool",
    "sinY": "bool",
    "collectStats": "bool",
    "tutorial": "choice",
    "problem": "choice",
    "initZero": "bool",
    "hideText": "bool",
    "outputActivation": "choice",
    "loss": "choice",
    "init": "choice",
    "inputScaling": "choice",
    "targets": "choice",
    "scenario": "choice",
}

# What changing a field does (spec section 1):
#   live  - applied at once, training continues
#   reset - a new network from the continuing stream
#   data  - a new seed from the stream, new data, then a new network
#   seed  - the stream restarts from the given seed: data, then network
FIELD_EFFECTS: dict[str, str] = {
    "activation": "reset",
    "regularization": "reset",
    "batchSize": "reset",
    "dataset": "data",
    "regDataset": "data",
    "learningRate": "live",
    "regularizationRate": "reset",
    "noise": "data",
    "networkShape": "reset",
    "seed": "seed",
    "showTestData": "live",
    "discretize": "live",
    "percTrainData": "data",
    **{name: "reset" for name in FEATURES},
    "cosX": "live",
    "cosY": "live",
    "collectStats": "live",
    "tutorial": "live",
    "problem": "data",
    "initZero": "reset",
    "hideText": "live",
    "hidden": "live",
    "outputActivation": "reset",
    "loss": "reset",
    "init": "reset",
    "inputScaling": "reset",
    "targets": "reset",
    "scenario": "seed",
}

# Allowed values of the lecture options; the first is the original's behaviour.
LECTURE_OPTIONS: dict[str, tuple[str, ...]] = {
    "outputActivation": ("auto", *ACTIVATIONS),
    "loss": tuple(LOSSES),
    "init": INITS,
    "inputScaling": ("raw", "unit"),
    "targets": ("pm1", "lecture"),
}

# The lecture's network in one click: sigmoid everywhere, (t − o)², weights
# from ±1/√fan-in, inputs scaled to 0.01–1.0, targets 0.01/0.99; and, as in
# the book behind the slides, one hidden layer trained per sample with
# α = 0.3 (with two sigmoid hidden layers and batches of 10 the circle barely
# moves in 300 epochs; this way it reaches a training loss below 0.01).
LECTURE_PRESET: dict[str, object] = {
    "networkShape": (4,),
    "batchSize": 1,
    "learningRate": 0.3,
    "activation": "sigmoid",
    "outputActivation": "sigmoid",
    "loss": "square",
    "init": "lecture",
    "inputScaling": "unit",
    "targets": "lecture",
}


def _parse_shape(raw: str) -> tuple[int, ...]:
    if raw.strip() == "":
        return ()
    shape = []
    for piece in raw.split(","):
        try:
            value = js_parse_number(piece) if piece.strip() else 0.0  # Number("") is 0
        except ValueError:
            raise InvalidValue("networkShape", f"{piece!r} is not a number of neurons") from None
        shape.append(_as_int("networkShape", value))
    return tuple(shape)


def _as_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidValue(name, f"expected an integer, got {value!r}")
    if not math.isfinite(value) or value != int(value):
        raise InvalidValue(name, f"expected an integer, got {value!r}")
    return int(value)


def _choice(name: str, value: Any, allowed: Iterable[str]) -> None:
    allowed = list(allowed)
    if value not in allowed:
        raise InvalidValue(name, f"{value!r} is not allowed; allowed: {', '.join(allowed)}")


def _number(config: PlaygroundConfig, name: str, low: float, high: float) -> None:
    value = getattr(config, name)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidValue(name, f"expected a number from {low:g} to {high:g}, got {value!r}")
    if not math.isfinite(value) or not low <= value <= high:
        raise InvalidValue(name, f"must be a finite number from {low:g} to {high:g}, got {value!r}")
    object.__setattr__(config, name, float(value))


def _validate(config: PlaygroundConfig) -> None:
    """Check every field; normalise number types; raise ValueError naming the field."""
    _choice("activation", config.activation, ACTIVATIONS)
    _choice("regularization", config.regularization, REGULARIZERS)
    _choice("dataset", config.dataset, CLASSIFICATION_DATASETS)
    _choice("regDataset", config.regDataset, REGRESSION_DATASETS)
    _choice("problem", config.problem, PROBLEMS)
    for name, allowed in LECTURE_OPTIONS.items():
        _choice(name, getattr(config, name), allowed)
    if config.scenario is not None:
        _choice("scenario", config.scenario, SCENARIOS)
    batch = _as_int("batchSize", config.batchSize)
    if not 1 <= batch <= MAX_BATCH_SIZE:
        raise InvalidValue("batchSize", f"must be an integer from 1 to {MAX_BATCH_SIZE}, got {batch}")
    object.__setattr__(config, "batchSize", batch)
    _number(config, "learningRate", 0, 10)
    _number(config, "regularizationRate", 0, 10)
    _number(config, "noise", 0, 50)
    _number(config, "percTrainData", 10, 90)
    shape = config.networkShape
    if isinstance(shape, (str, bytes)) or not isinstance(shape, (list, tuple)):
        raise InvalidValue("networkShape", f"expected a list of neuron counts, got {shape!r}")
    shape = tuple(_as_int("networkShape", n) for n in shape)
    if len(shape) > MAX_HIDDEN_LAYERS:
        raise InvalidValue("networkShape", f"at most {MAX_HIDDEN_LAYERS} hidden layers, got {len(shape)}")
    for n in shape:
        if not 1 <= n <= MAX_NEURONS:
            raise InvalidValue("networkShape", f"each hidden layer has 1 to {MAX_NEURONS} neurons, got {n}")
    object.__setattr__(config, "networkShape", shape)
    seed = config.seed
    seed_ok = isinstance(seed, str) and len(seed) <= MAX_SEED_LENGTH and _SEED_CHARS.fullmatch(seed) is not None
    if not seed_ok or any(c in seed for c in "&=#"):
        raise InvalidValue(
            "seed", f"expected up to {MAX_SEED_LENGTH} printable ASCII characters without '&', '=' or '#', got {seed!r}"
        )
    for name, kind in _HASH_KINDS.items():
        if kind == "bool" and not isinstance(getattr(config, name), bool):
            raise InvalidValue(name, f"expected true or false, got {getattr(config, name)!r}")
    tutorial = config.tutorial
    if tutorial is not None and (not isinstance(tutorial, str) or not _TUTORIAL.fullmatch(tutorial)):
        raise InvalidValue("tutorial", f"expected 1 to 64 letters, digits, '-' or '_', got {config.tutorial!r}")
    hidden = config.hidden
    if isinstance(hidden, (str, bytes)) or not isinstance(hidden, (set, frozenset, list, tuple)):
        raise InvalidValue("hidden", f"expected a list of control names, got {hidden!r}")
    for name in hidden:
        _choice("hidden", name, HIDEABLE_CONTROLS)
    object.__setattr__(config, "hidden", frozenset(hidden))
