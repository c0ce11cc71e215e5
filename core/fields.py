"""The one table of settings, modelled on TF Playground's ``State.PROPS``.

Every setting a playground has is one ``Field`` row below: its name (the URL
hash key, the REST/websocket field, the page's control), how it is read and
written, its default, what it allows, what a change does, whether the hash
carries it only when it differs from the default, and whether a classroom
link can hide its control.  Everything else derives from this table: the
hash reader and writer and the validation (core.config), the pydantic schema
(app.schemas), the page's menus and live fields (app.routes.pages).

Adding a setting is one row here (plus, of course, the code that uses it).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from core.activations import ACTIVATIONS, LOSSES, REGULARIZERS
from core.datasets import CLASSIFICATION_DATASETS, MAX_CLASSES, REGRESSION_DATASETS
from core.errors import InvalidValue
from core.features import FEATURES, SCALINGS
from core.inits import INITS
from core.optimizers import OPTIMIZERS
from core.scenarios import SCENARIOS
from core.targets import TARGETS

__all__ = [
    "Field",
    "Control",
    "FIELDS",
    "TABLE",
    "HIDEABLE",
    "BUTTONS",
    "hideable_controls",
    "complete",
    "ROWS",
    "KINDS",
    "EFFECTS",
    "MAX_HIDDEN_LAYERS",
    "MAX_NEURONS",
    "MAX_BATCH_SIZE",
    "MAX_SEED_LENGTH",
    "PROBLEMS",
    "MAX_VARIANTS",
    "STEP_UNITS",
    "TRAINED",
]

PROBLEMS = ("classification", "regression")
MAX_HIDDEN_LAYERS = 6  # the original's page limits; core.network has none
MAX_NEURONS = 8
MAX_BATCH_SIZE = 30
MAX_SEED_LENGTH = 64
MAX_STOP_EPOCH = 10**9
MAX_VARIANTS = 3  # runs or starts a scenario may name
STEP_UNITS = ("epoch", "update")
TRAINED = ("all", "selected")

# How a field's value is read, checked and written:
#   choice   one of ``values`` (a string)          number   a float in [low, high]
#   integer  an int in [low, high]                  bool     true / false
#   shape    neurons per hidden layer ("4,2")       text     a string matching ``pattern``
#   controls the names of hidden controls (written as ``<name>_hide=true``)
KINDS = ("choice", "number", "integer", "bool", "shape", "text", "controls")
# What a change does, weakest first (spec section 1):
#   live  - applied at once, training continues
#   reset - a new network from the continuing stream
#   data  - a new seed from the stream, new data, then a new network
#   seed  - the stream restarts from the given seed: data, then network
EFFECTS = ("live", "reset", "data", "seed")


@dataclass(frozen=True)
class Field:
    """One setting.  ``label_key`` names its label in the page's catalogues."""

    name: str
    kind: str
    default: Any
    effect: str
    values: tuple[Any, ...] = ()  # choice: the allowed values; number: the menu's values
    low: float = 0.0  # number / integer: the inclusive range
    high: float = 0.0
    optional: bool = False  # None is allowed and means "not set"
    sparse: bool = False  # written to the hash only when it differs from the default
    hideable: bool = False  # a classroom link may carry `<name>_hide=true`
    label: str = ""  # English fallback for the label (the catalogues own the real text)
    pattern: str = ""  # text: a regular expression the whole value must match
    stored_pattern: str = ""  # text: what an older version allowed, still read back from stores and files

    @property
    def label_key(self) -> str:
        return f"field.{self.name}"

    def option_key(self, value: Any) -> str:
        return f"option.{self.name}.{value}"

    def check(self, value: Any) -> Any:
        """``value`` normalised (ints as floats for numbers, lists as tuples),
        or InvalidValue naming this field and what it allows."""
        if value is None and self.optional:
            return None
        checker = _CHECKERS[self.kind]
        return checker(self, value)

    def check_stored(self, value: Any) -> Any:
        """As ``check``, for a value read back from a store or a session file:
        a text field also takes what an older version allowed (``stored_pattern``)."""
        if self.stored_pattern and isinstance(value, str) and re.fullmatch(self.stored_pattern, value, re.ASCII):
            return value
        return self.check(value)

    def allowed(self) -> str:
        """What this field allows, in words (for error messages and docs)."""
        kind = self.kind
        if kind == "choice":
            text = ", ".join(str(v) for v in self.values)
        elif kind == "number":
            text = f"a finite number from {self.low:g} to {self.high:g}"
        elif kind == "integer":
            text = f"an integer from {self.low:g} to {self.high:g}"
        elif kind == "bool":
            text = "true or false"
        elif kind == "shape":
            text = f"up to {MAX_HIDDEN_LAYERS} hidden layers of 1 to {MAX_NEURONS} neurons"
        elif kind == "text":
            text = f"text matching {self.pattern}"
        else:
            text = "names of hideable controls: " + ", ".join(self.values)
        return text + (" (or null: not set)" if self.optional else "")


@dataclass(frozen=True)
class Control:
    """A control that is not a setting but that a classroom link can hide."""

    name: str
    label: str

    @property
    def label_key(self) -> str:
        return f"field.{self.name}"


def _fail(field: Field, value: Any) -> InvalidValue:
    return InvalidValue(field.name, f"{value!r} is not allowed; allowed: {field.allowed()}")


def _check_choice(field: Field, value: Any) -> Any:
    if not isinstance(value, str) or value not in field.values:
        raise _fail(field, value)
    return value


def _check_number(field: Field, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _fail(field, value)
    if not math.isfinite(value) or not field.low <= value <= field.high:
        raise _fail(field, value)
    return float(value)


def _as_int(field: Field, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _fail(field, value)
    if not math.isfinite(value) or value != int(value):
        raise InvalidValue(field.name, f"expected an integer, got {value!r}")
    return int(value)


def _check_integer(field: Field, value: Any) -> int:
    number = _as_int(field, value)
    if not field.low <= number <= field.high:
        raise _fail(field, value)
    return number


def _check_bool(field: Field, value: Any) -> bool:
    if not isinstance(value, bool):
        raise InvalidValue(field.name, f"expected true or false, got {value!r}")
    return value


def _check_shape(field: Field, value: Any) -> tuple[int, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
        raise InvalidValue(field.name, f"expected a list of neuron counts, got {value!r}")
    shape = tuple(_as_int(field, n) for n in value)
    if len(shape) > MAX_HIDDEN_LAYERS:
        raise InvalidValue(field.name, f"at most {MAX_HIDDEN_LAYERS} hidden layers, got {len(shape)}")
    for n in shape:
        if not 1 <= n <= MAX_NEURONS:
            raise InvalidValue(field.name, f"each hidden layer has 1 to {MAX_NEURONS} neurons, got {n}")
    return shape


def _check_text(field: Field, value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(field.pattern, value, flags=re.ASCII):
        raise _fail(field, value)
    return value


def _check_controls(field: Field, value: Any) -> frozenset[str]:
    if isinstance(value, (str, bytes)) or not isinstance(value, (set, frozenset, list, tuple)):
        raise InvalidValue(field.name, f"expected a list of control names, got {value!r}")
    for name in value:
        if name not in field.values:
            raise InvalidValue(field.name, f"{name!r} is not allowed; allowed: {', '.join(field.values)}")
    return frozenset(value)


_CHECKERS = {
    "choice": _check_choice,
    "number": _check_number,
    "integer": _check_integer,
    "bool": _check_bool,
    "shape": _check_shape,
    "text": _check_text,
    "controls": _check_controls,
}

# A seed is a word: the original writes digits and a point ("0.12345"), people type
# words; nothing that can quote, escape, bracket or separate anything (issue 22: a seed
# with quotes and parentheses once reached a generated Python file).
SEED_PATTERN = r"[0-9A-Za-z._-]{0," + str(MAX_SEED_LENGTH) + "}"
# What seeds were until then (printable ASCII but '&', '=' and '#'): sessions stored
# or saved with such a seed still load, and everything that repeats it escapes it.
STORED_SEED_PATTERN = r"[!-\"$-%'-<>-~]{0," + str(MAX_SEED_LENGTH) + "}"
LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10)
REGULARIZATION_RATES = (0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10)


def _bool(name: str, default: bool, effect: str, label: str = "", hideable: bool = False) -> Field:
    return Field(name, "bool", default, effect, hideable=hideable, label=label)


# Hideable controls that are buttons or parts of a control, not settings.
BUTTONS = (
    Control("playButton", "Play button"),
    Control("stepButton", "Step button"),
    Control("resetButton", "Reset button"),
    Control("numHiddenLayers", "# of hidden layers"),
    Control("lecture", "Lecture section"),  # ours: the explainer and the lecture's options
)

# The table, in the order the original writes its hash; new fields follow.
ROWS: tuple[Field, ...] = (
    Field("activation", "choice", "tanh", "reset", tuple(ACTIVATIONS), hideable=True, label="Activation"),
    Field("regularization", "choice", "none", "reset", tuple(REGULARIZERS), sparse=True, hideable=True,
          label="Regularization"),  # the original's null: never written
    Field("batchSize", "integer", 10, "reset", low=1, high=MAX_BATCH_SIZE, hideable=True, label="Batch size"),
    Field("dataset", "choice", "circle", "data", tuple(CLASSIFICATION_DATASETS), hideable=True,
          label="Which dataset"),
    Field("regDataset", "choice", "reg-plane", "data", tuple(REGRESSION_DATASETS), label="Which dataset"),
    Field("learningRate", "number", 0.03, "live", LEARNING_RATES, 0, 10, hideable=True, label="Learning rate"),
    Field("regularizationRate", "number", 0.0, "reset", REGULARIZATION_RATES, 0, 10, hideable=True,
          label="Regularization rate"),
    Field("noise", "number", 0.0, "data", low=0, high=50, hideable=True, label="Noise level"),
    Field("networkShape", "shape", (4, 2), "reset", label="Neurons per hidden layer"),
    Field("seed", "text", None, "seed", pattern=SEED_PATTERN, stored_pattern=STORED_SEED_PATTERN,
          label="Seed"),  # default: a fresh random seed
    _bool("showTestData", False, "live", "Show test data", hideable=True),
    _bool("discretize", False, "live", "Discretize output", hideable=True),
    Field("percTrainData", "number", 50.0, "data", low=10, high=90, hideable=True, label="Ratio train data"),
    *(_bool(name, name in ("x", "y"), "reset", FEATURES[name].label, hideable=True)
      for name in ("x", "y", "xTimesY", "xSquared", "ySquared")),
    _bool("cosX", False, "live"),  # kept for the hash; the original offers no cos feature
    _bool("sinX", False, "reset", FEATURES["sinX"].label, hideable=True),
    _bool("cosY", False, "live"),
    _bool("sinY", False, "reset", FEATURES["sinY"].label, hideable=True),
    _bool("collectStats", False, "live"),  # the original's (unused) statistics switch
    Field("tutorial", "text", None, "live", optional=True, pattern=r"[A-Za-z0-9_-]{1,64}", label="Tutorial"),
    Field("problem", "choice", "classification", "data", PROBLEMS, hideable=True, label="Problem type"),
    _bool("initZero", False, "reset", "Initialise to zero"),  # the same state as init=equal&initValue=0 (core.config)
    _bool("hideText", False, "live", "Hide the text"),
    # The lecture's network as options (hash keys the original ignores; written only when not default).
    Field("outputActivation", "choice", "auto", "reset", ("auto", *ACTIVATIONS), sparse=True,
          label="Output activation"),  # auto: tanh, linear for regression, sigmoid/softmax for cross-entropy
    Field("loss", "choice", "auto", "reset", ("auto", *LOSSES), sparse=True,
          label="Loss"),  # auto: half-square (the original) for 2 classes, cross-entropy for more
    Field("init", "choice", "uniform", "reset", INITS, sparse=True, label="Weight initialisation"),
    Field("inputScaling", "choice", "raw", "reset", SCALINGS, sparse=True, label="Input scaling"),
    Field("targets", "choice", "pm1", "reset", tuple(TARGETS), sparse=True, label="Targets"),
    Field("scenario", "choice", None, "seed", tuple(SCENARIOS), optional=True, label="Scenario"),
    # Learning beyond the original (issue 9).
    Field("optimizer", "choice", "sgd", "reset", tuple(OPTIMIZERS), sparse=True, hideable=True, label="Optimizer"),
    Field("momentum", "number", 0.9, "live", (0, 0.5, 0.9, 0.99), 0, 0.999, sparse=True, label="Momentum"),
    Field("classes", "integer", 2, "data", low=2, high=MAX_CLASSES, sparse=True, hideable=True, label="Classes"),
    Field("stopEpoch", "integer", None, "live", low=1, high=MAX_STOP_EPOCH, optional=True, sparse=True,
          label="Stop at epoch"),
    Field("stopLoss", "number", None, "live", low=0, high=1e6, optional=True, sparse=True,
          label="Stop at test loss"),
    # The lecture's demonstrations (issue 18).
    Field("stepUnit", "choice", "epoch", "live", STEP_UNITS, sparse=True, hideable=True,
          label="Step size"),  # what one Step trains: an epoch, or one update (one mini-batch); the page's setting
    Field("fullBatch", "bool", False, "reset", sparse=True, hideable=True,
          label="Whole training set per update"),  # true: every update uses every training point (batchSize unused)
    Field("train", "choice", "all", "live", TRAINED, sparse=True, hideable=True,
          label="Train"),  # selected: only the selected weight or bias learns; every other parameter stays
    Field("initValue", "number", 0.5, "reset", (0, 0.1, 0.5, 1), -1, 1, sparse=True,
          label="Initial value (init=equal)"),  # every weight and bias; 0 is the original's initZero
    Field("variant", "integer", 0, "seed", low=0, high=MAX_VARIANTS - 1, sparse=True,
          label="Variant"),  # which start or run of the scenario (core.scenarios)
    Field("hidden", "controls", frozenset(), "live", label="Hidden controls"),  # written as `<name>_hide=true`
)  # fmt: skip



def hideable_controls(table: Sequence[Field]) -> dict[str, str]:
    """Everything a classroom link can hide, name -> English label: the
    buttons first, then the table's hideable fields in table order."""
    return {
        **{control.name: control.label for control in BUTTONS},
        **{field.name: field.label for field in table if field.hideable},
    }


def complete(rows: Sequence[Field]) -> tuple[Field, ...]:
    """The rows as a table: the ``controls`` field allows every hideable control of these rows."""
    names = tuple(hideable_controls(rows))
    return tuple(replace(field, values=names) if field.kind == "controls" else field for field in rows)


TABLE = complete(ROWS)
FIELDS: dict[str, Field] = {field.name: field for field in TABLE}
HIDEABLE = hideable_controls(TABLE)
