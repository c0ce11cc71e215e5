"""``PlaygroundConfig``: the whole state of a playground, read from and
written to the original's URL hash (quirks included) and validated, all
derived from the field table in core.fields.

Field names are the original's hash keys, so one name is used for a field
everywhere: in the hash, the REST API, the websocket messages and the page.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from core.datasets import MULTICLASS_DATASETS
from core.errors import InvalidValue
from core.features import FEATURES
from core.fields import FIELDS, HIDEABLE, TABLE, Effect, Field, Kind, Widget
from core.preset import LECTURE_PRESET
from core.rng import random_seed_string
from core.scenarios import SCENARIOS
from core.urlhash import read_hash, write_hash

__all__ = [
    "PlaygroundConfig",
    "FIELD_EFFECTS",
    "LECTURE_OPTIONS",
    "LECTURE_PRESET",
    "check_values",
    "read_hash",
    "write_hash",
    "attribute_types",
]

FIELD_EFFECTS: dict[str, Effect] = {field.name: field.effect for field in TABLE}

# The lecture's options, grouped on the page; each field's first value is the original's behaviour.
LECTURE_OPTIONS: dict[str, tuple[str, ...]] = {
    name: FIELDS[name].values for name in ("outputActivation", "loss", "init", "inputScaling", "targets")
}


class PlaygroundConfig:
    """An immutable, validated set of every field in core.fields.TABLE.

    ``PlaygroundConfig(**fields)``: unknown names and invalid values raise
    InvalidValue naming the field; missing ones take the table's default
    (the seed: a fresh random one, as the original).  Fields read as
    attributes: ``config.learningRate``.
    """

    # Each field's type, for the type checker: ``attribute_types(TABLE)`` writes this
    # block from the table's kinds, and tests/core/test_config.py checks it is the same.
    activation: str
    regularization: str
    batchSize: int
    dataset: str
    regDataset: str
    learningRate: float
    regularizationRate: float
    noise: float
    networkShape: tuple[int, ...]
    seed: str
    showTestData: bool
    discretize: bool
    percTrainData: float
    x: bool
    y: bool
    xTimesY: bool
    xSquared: bool
    ySquared: bool
    cosX: bool
    sinX: bool
    cosY: bool
    sinY: bool
    collectStats: bool
    tutorial: str | None
    problem: str
    initZero: bool
    hideText: bool
    outputActivation: str
    loss: str
    init: str
    inputScaling: str
    targets: str
    scenario: str | None
    optimizer: str
    momentum: float
    classes: int
    stopEpoch: int | None
    stopLoss: float | None
    stepUnit: str
    fullBatch: bool
    train: str
    initValue: float
    variant: int
    hidden: frozenset[str]

    _values: dict[str, Any]
    _features: tuple[str, ...]

    def __init__(self, **values: Any) -> None:
        if "seed" not in values:
            values["seed"] = random_seed_string()
        self._take(check_values(values), setting_up=True)

    @classmethod
    def stored(cls, values: dict[str, Any]) -> PlaygroundConfig:
        """A config read back from a store or a session file: as the constructor,
        but a field may also hold what an older version allowed (``Field.check_stored``)."""
        config = cls.__new__(cls)
        config._take(check_values({"seed": random_seed_string(), **values}, stored=True), stored=True)
        return config

    def _take(self, checked: dict[str, Any], stored: bool = False, setting_up: bool = False) -> None:
        _settle(checked, stored, setting_up)
        object.__setattr__(self, "_values", checked)
        for name, value in checked.items():  # plain attributes: read at full speed in the training loop
            object.__setattr__(self, name, value)
        object.__setattr__(self, "_features", tuple(name for name in FEATURES if checked[name]))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("a PlaygroundConfig is immutable: use replace()")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PlaygroundConfig) and self._values == other._values

    def __hash__(self) -> int:
        return hash(tuple(self._values.items()))

    def __repr__(self) -> str:
        return f"PlaygroundConfig({', '.join(f'{k}={v!r}' for k, v in self._values.items())})"

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        return iter(self._values.items())

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self._values,))

    # -- derived ------------------------------------------------------------

    @property
    def features(self) -> tuple[str, ...]:
        """Enabled input features, in the network's input order (read every frame: kept)."""
        return self._features

    @property
    def initialisation(self) -> dict[str, Any]:
        """What a new network's weights really are, for the page's menu: ``scheme`` (init) and,
        for "equal", ``value`` (initValue; 0 also when a TF link said initZero=true)."""
        equal = self.init == "equal"
        return {"scheme": self.init, "value": self.initValue if equal else None, "zero": self.initZero}

    @property
    def data_name(self) -> str:
        """The generator in use: ``dataset`` or ``regDataset`` by problem."""
        return str(self.dataset if self.problem == "classification" else self.regDataset)

    @property
    def n_classes(self) -> int:
        """Classes of the data: ``classes`` for classification; 2 (±1 labels) for regression."""
        return _classes(self._values)

    @property
    def output_units(self) -> int:
        """One output unit, or one per class for three or more classes (softmax)."""
        return self.n_classes if self.n_classes > 2 else 1

    @property
    def loss_function(self) -> str:
        """The loss in use: ``loss``, with auto resolved."""
        return _loss(self._values)

    @property
    def output_activation(self) -> str:
        """The output unit's function: ``outputActivation``, with auto resolved."""
        chosen = str(self.outputActivation)
        if self.loss_function == "cross-entropy":
            return "softmax" if self.n_classes > 2 else "sigmoid"
        if chosen != "auto":
            return chosen
        return "tanh" if self.problem == "classification" else "linear"

    def replace(self, **changes: Any) -> PlaygroundConfig:
        """A copy with ``changes`` applied and validated (unknown names raise);
        the fields not changed keep their values as they were checked."""
        config = PlaygroundConfig.__new__(PlaygroundConfig)
        config._take(*self._merge(check_values(changes, defaults=False)))
        return config

    def _merge(self, checked: dict[str, Any]) -> tuple[dict[str, Any], bool, bool]:
        """The values ``replace`` checks for these (checked) changes, and how: whether
        they may keep a stored sigmoid-and-pm1 pair, whether they set a scenario up."""
        merged = {**self._values, **checked}
        chooses_init = "init" in checked or "initValue" in checked
        if checked.get("initZero") is False and not chooses_init and self.initZero:
            merged["init"], merged["initValue"] = FIELDS["init"].default, FIELDS["initValue"].default
        elif "initZero" not in checked and chooses_init:
            merged["initZero"] = False  # init and initValue say what it is now (the zero case sets it again)
        kept = _unreachable_targets(self._values) and _unreachable_targets(merged)
        return merged, kept, "scenario" in checked or "variant" in checked

    def choices(self) -> dict[str, Any]:
        """What the page's controls may offer in this state, so that the rules between
        fields live here only: ``refused``, by field, the values of its menu (or
        pictures) that ``replace`` would refuse now; ``unused``, the fields that do not
        apply now (``Field.used_when``).  Worked out once per config."""
        known: dict[str, Any] | None = self.__dict__.get("_choices")
        if known is None:
            refused = {}
            for field in TABLE:
                if field.place is not None and field.place.widget in (Widget.MENU, Widget.PICTURES):
                    now = self._values[field.name]
                    values = [value for value in field.menu_values() if value != now and not self._allows(field, value)]
                    if values:
                        refused[field.name] = values
            unused = [field.name for field in TABLE if field.used_when and not _applies(field, self._values)]
            known = {"refused": refused, "unused": unused}
            object.__setattr__(self, "_choices", known)
        return known

    def _allows(self, field: Field, value: Any) -> bool:
        """Whether ``replace`` would take ``value`` for ``field`` (a value the field allows)."""
        merged, stored, setting_up = self._merge({field.name: value})
        try:
            _settle(merged, stored, setting_up)
        except InvalidValue:
            return False
        return True

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values (tuples as lists, the hidden set in table order)."""
        data = dict(self._values)
        data["networkShape"] = list(self.networkShape)
        data["hidden"] = [name for name in HIDEABLE if name in self.hidden]
        return data

    # -- the URL hash ---------------------------------------------------------

    @classmethod
    def from_hash(cls, text: str) -> PlaygroundConfig:
        """Parse the original's URL hash (with or without its leading ``#``).

        Follows the original's rules: the last occurrence of a key wins,
        booleans are true unless exactly ``false``, an empty ``networkShape``
        means no hidden layer, a blank value leaves the default (but a blank
        seed is a seed), keys this version does not know are ignored.
        Invalid values raise InvalidValue naming the key.
        """
        return cls(**read_hash(text))

    def to_hash(self) -> str:
        """The hash the original would write for this state (without ``#``); written
        once per config (every state message carries it)."""
        text: str | None = self.__dict__.get("_hash")
        if text is None:
            text = write_hash(self._values)
            object.__setattr__(self, "_hash", text)
        return text


def _rebuild(values: dict[str, Any]) -> PlaygroundConfig:
    return PlaygroundConfig.stored(values)


def check_values(
    values: dict[str, Any], table: Sequence[Field] = TABLE, *, stored: bool = False, defaults: bool = True
) -> dict[str, Any]:
    """Every field of ``table``: the given values checked, the others at their
    defaults (or left out: ``defaults=False``).  ``stored``: values read back
    from a store or a file (``Field.check_stored``)."""
    names = {field.name for field in table}
    unknown = sorted(set(values) - names)
    if unknown:
        raise InvalidValue(unknown[0], f"unknown field; allowed: {', '.join(sorted(names))}")
    checked = {}
    for field in table:
        if field.name in values:
            value = values[field.name]
            checked[field.name] = field.check_stored(value) if stored else field.check(value)
        elif defaults:
            checked[field.name] = field.default
    return checked


def _classes(values: dict[str, Any]) -> int:
    return int(values["classes"]) if values["problem"] == "classification" else 2


def _loss(values: dict[str, Any]) -> str:
    if values["loss"] != "auto":
        return str(values["loss"])
    return "cross-entropy" if _classes(values) > 2 else "half-square"


def _settle(values: dict[str, Any], stored: bool, setting_up: bool) -> None:
    """The rules between fields, applied to a whole set of checked values: the zero
    initialisation's two spellings made one, then every combination rule."""
    _one_zero_init(values)
    _check_combination(values, stored, setting_up)


def _applies(field: Field, values: dict[str, Any]) -> bool:
    """Whether ``field`` matters with these values (``Field.used_when``)."""
    if field.used_when is None:
        return True
    other, among = field.used_when
    return values[other] in among


def attribute_types(table: Sequence[Field] = TABLE) -> list[str]:
    """``PlaygroundConfig``'s typed attributes as its class body declares them, one
    line per field, from each field's kind (its checker's result)."""
    types = {
        Kind.CHOICE: "str",
        Kind.NUMBER: "float",
        Kind.INTEGER: "int",
        Kind.BOOL: "bool",
        Kind.SHAPE: "tuple[int, ...]",
        Kind.TEXT: "str",
        Kind.CONTROLS: "frozenset[str]",
    }
    return [f"{field.name}: {types[field.kind]}{' | None' if field.optional else ''}" for field in table]


def _one_zero_init(values: dict[str, Any]) -> None:
    """The original's ``initZero=true`` and ``init=equal&initValue=0`` are one state, written
    with both (so a TF Playground reading the hash zeroes too) and read back from either:
    ``initZero`` is true exactly when every weight and bias starts at 0.  Turning initZero
    off (``replace``) returns to the original's uniform scheme."""
    if values["initZero"] or (values["init"] == "equal" and values["initValue"] == 0):
        values["init"], values["initValue"], values["initZero"] = "equal", 0.0, True


def _unreachable_targets(values: dict[str, Any]) -> bool:
    """A sigmoid output trained towards −1 and +1 (not by cross-entropy, which reads them as 0/1)."""
    return _loss(values) != "cross-entropy" and values["outputActivation"] == "sigmoid" and values["targets"] == "pm1"


def _check_combination(values: dict[str, Any], stored: bool = False, setting_up: bool = False) -> None:
    """Rules between fields, each naming the field to change.  ``stored``: a config read
    back as an older version saved it (or changed in other fields since) may keep a sigmoid
    output with pm1 targets, refused since: its session goes on training as it did.
    ``setting_up``: a config that names a scenario to set up (a new one, or a change of
    scenario or variant) is checked as the scenario will set it (core.session), so a link
    to a scene written before the scene changed its targets still opens it."""
    classes = _classes(values)
    loss = _loss(values)
    scenario = SCENARIOS.get(values["scenario"] or "")
    runs = len(scenario.variants) if scenario is not None else 1
    if values["variant"] >= runs:
        where = f"scenario {values['scenario']} has" if scenario is not None else "without a scenario there is"
        raise InvalidValue("variant", f"{where} {runs} variant(s): allowed 0 to {runs - 1}, got {values['variant']}")
    as_set_up = {**values, **scenario.fields_for(values["variant"])} if setting_up and scenario else values
    if _unreachable_targets(as_set_up) and not stored:
        raise InvalidValue(
            "targets",
            "a sigmoid output only reaches 0 to 1, so it cannot learn targets -1 and +1; "
            "allowed with a sigmoid output: lecture (0.01/0.99), zero-one (0/1)",
        )
    if classes > 2 and loss != "cross-entropy":
        raise InvalidValue(
            "loss",
            f"{classes} classes train with cross-entropy (a softmax output); "
            f"allowed: auto, cross-entropy, got {values['loss']!r}",
        )
    if loss == "cross-entropy" and values["problem"] != "classification":
        raise InvalidValue("loss", "cross-entropy needs problem=classification; allowed: auto, half-square, square")
    if loss == "cross-entropy" and values["outputActivation"] not in ("auto", "sigmoid" if classes == 2 else "auto"):
        allowed = "auto, sigmoid" if classes == 2 else "auto (softmax)"
        raise InvalidValue(
            "outputActivation",
            f"cross-entropy sets the output unit; allowed: {allowed}, got {values['outputActivation']!r}",
        )
    if classes > 2 and values["targets"] != "pm1":
        raise InvalidValue("targets", f"{classes} classes train towards one-hot targets; allowed: pm1")
    if classes > 2 and values["dataset"] not in MULTICLASS_DATASETS:
        raise InvalidValue(
            "classes", f"{values['dataset']} data has 2 classes; 3 or more classes: {', '.join(MULTICLASS_DATASETS)}"
        )
