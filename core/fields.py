"""The one table of settings, modelled on TF Playground's ``State.PROPS``.

Every setting a playground has is one ``Field`` row below (core.fieldkinds):
its name (the URL hash key, the REST/websocket field, the page's control), how
it is read and written, its default, what it allows, what a change does,
whether the hash carries it only when it differs from the default, whether a
classroom link can hide its control, where the page puts that control, and
when it applies.  Everything else derives from this table: the hash reader
and writer, the validation and the allowed values of each state
(core.config), the pydantic schema (app.schemas), the page's controls, menus
and live fields (app.web.page_config, templates/partials/controls.html,
static/js/controls.js) and the catalogue keys the page needs.

Adding a setting is one row here (plus, of course, the code that uses it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from core.activations import ACTIVATIONS, LOSSES, REGULARIZERS
from core.datasets import CLASSIFICATION_DATASETS, MAX_CLASSES, REGRESSION_DATASETS
from core.features import FEATURES, SCALINGS
from core.fieldkinds import (
    EFFECTS,
    MAX_HIDDEN_LAYERS,
    MAX_NEURONS,
    TEMPLATE_WIDGETS,
    Effect,
    Field,
    Kind,
    Placement,
    Section,
    Widget,
)
from core.inits import INITS
from core.optimizers import OPTIMIZERS
from core.scenarios import SCENARIOS
from core.targets import TARGETS

__all__ = [
    "Field",
    "Kind",
    "Effect",
    "Section",
    "Widget",
    "Placement",
    "Control",
    "FIELDS",
    "TABLE",
    "HIDEABLE",
    "BUTTONS",
    "TEMPLATE_WIDGETS",
    "hideable_controls",
    "complete",
    "ROWS",
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
MAX_BATCH_SIZE = 30
MAX_SEED_LENGTH = 64
MAX_STOP_EPOCH = 10**9
MAX_VARIANTS = 3  # runs or starts a scenario may name
STEP_UNITS = ("epoch", "update")
TRAINED = ("all", "selected")

# A seed is a word: the original writes digits and a point ("0.12345"), people type
# words; nothing that can quote, escape, bracket or separate anything (issue 22: a seed
# with quotes and parentheses once reached a generated Python file).
SEED_PATTERN = r"[0-9A-Za-z._-]{0," + str(MAX_SEED_LENGTH) + "}"
# What seeds were until then (printable ASCII but '&', '=' and '#'): sessions stored
# or saved with such a seed still load, and everything that repeats it escapes it.
STORED_SEED_PATTERN = r"[!-\"$-%'-<>-~]{0," + str(MAX_SEED_LENGTH) + "}"
LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10)
REGULARIZATION_RATES = (0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10)

# The rows' words, short.
CHOICE, NUMBER, INTEGER, BOOL, SHAPE, TEXT = Kind.CHOICE, Kind.NUMBER, Kind.INTEGER, Kind.BOOL, Kind.SHAPE, Kind.TEXT
LIVE, RESET, DATA, SEED = Effect.LIVE, Effect.RESET, Effect.DATA, Effect.SEED
BAR, STEP, BEYOND, LECTURE, OUTPUT = Section.BAR, Section.STEP, Section.BEYOND, Section.LECTURE, Section.OUTPUT
PICTURES = Placement(Section.DATA, Widget.PICTURES)
NODE = Placement(Section.FEATURES, Widget.NODE)


def _menu(section: Section, order: int, element_id: str = "", hide_unused: bool = False) -> Placement:
    return Placement(section, Widget.MENU, order, element_id, hide_unused=hide_unused)


def _slider(order: int, step: float, unit: str = "") -> Placement:
    return Placement(Section.DATA, Widget.SLIDER, order, step=step, unit=unit)


def _checkbox(section: Section, order: int, element_id: str = "") -> Placement:
    return Placement(section, Widget.CHECKBOX, order, element_id)


def _bool(
    name: str, default: bool, effect: Effect, label: str = "", hideable: bool = False, place: Placement | None = None
) -> Field:
    return Field(name, BOOL, default, effect, hideable=hideable, label=label, place=place)


@dataclass(frozen=True)
class Control:
    """A control that is not a setting but that a classroom link can hide."""

    name: str
    label: str

    @property
    def label_key(self) -> str:
        return f"field.{self.name}"


# Hideable controls that are buttons or parts of a control, not settings.
BUTTONS = (
    Control("playButton", "Play button"),
    Control("stepButton", "Step button"),
    Control("resetButton", "Reset button"),
    Control("numHiddenLayers", "# of hidden layers"),
    Control("lecture", "Lecture section"),  # ours: the explainer and the lecture's options
)

# The table, in the order the original writes its hash; new fields follow.  A
# placement's element id is the original's where it differs from the name.
ROWS: tuple[Field, ...] = (
    Field("activation", CHOICE, "tanh", RESET, tuple(ACTIVATIONS), hideable=True, label="Activation",
          place=_menu(BAR, 2, "activations")),
    Field("regularization", CHOICE, "none", RESET, tuple(REGULARIZERS), sparse=True, hideable=True,
          label="Regularization", place=_menu(BAR, 3, "regularizations")),  # the original's null: never written
    Field("batchSize", INTEGER, 10, RESET, low=1, high=MAX_BATCH_SIZE, hideable=True, label="Batch size",
          place=_slider(3, step=1), used_when=("fullBatch", (False,))),
    Field("dataset", CHOICE, "circle", DATA, tuple(CLASSIFICATION_DATASETS), hideable=True,
          label="Which dataset", place=PICTURES, used_when=("problem", ("classification",))),
    Field("regDataset", CHOICE, "reg-plane", DATA, tuple(REGRESSION_DATASETS), label="Which dataset",
          place=PICTURES, used_when=("problem", ("regression",)), options_of="dataset"),
    Field("learningRate", NUMBER, 0.03, LIVE, LEARNING_RATES, 0, 10, hideable=True, label="Learning rate",
          place=_menu(BAR, 1)),
    Field("regularizationRate", NUMBER, 0.0, RESET, REGULARIZATION_RATES, 0, 10, hideable=True,
          label="Regularization rate", place=_menu(BAR, 4, "regularRate")),
    Field("noise", NUMBER, 0.0, DATA, low=0, high=50, hideable=True, label="Noise level", place=_slider(2, step=5)),
    Field("networkShape", SHAPE, (4, 2), RESET, label="Neurons per hidden layer",
          place=Placement(Section.NETWORK, Widget.LAYERS)),
    Field("seed", TEXT, None, SEED, pattern=SEED_PATTERN, stored_pattern=STORED_SEED_PATTERN,
          label="Seed"),  # default: a fresh random seed
    _bool("showTestData", False, LIVE, "Show test data", hideable=True, place=_checkbox(OUTPUT, 1, "show-test-data")),
    _bool("discretize", False, LIVE, "Discretize output", hideable=True, place=_checkbox(OUTPUT, 2)),
    Field("percTrainData", NUMBER, 50.0, DATA, low=10, high=90, hideable=True, label="Ratio train data",
          place=_slider(1, step=10, unit="%")),
    *(_bool(name, name in ("x", "y"), RESET, FEATURES[name].label, hideable=True, place=NODE)
      for name in ("x", "y", "xTimesY", "xSquared", "ySquared")),
    _bool("cosX", False, LIVE),  # kept for the hash; the original offers no cos feature
    _bool("sinX", False, RESET, FEATURES["sinX"].label, hideable=True, place=NODE),
    _bool("cosY", False, LIVE),
    _bool("sinY", False, RESET, FEATURES["sinY"].label, hideable=True, place=NODE),
    _bool("collectStats", False, LIVE),  # the original's (unused) statistics switch
    Field("tutorial", TEXT, None, LIVE, optional=True, pattern=r"[A-Za-z0-9_-]{1,64}", label="Tutorial"),
    Field("problem", CHOICE, "classification", DATA, PROBLEMS, hideable=True, label="Problem type",
          place=_menu(BAR, 5)),
    _bool("initZero", False, RESET, "Initialise to zero"),  # the same state as init=equal&initValue=0 (core.config)
    _bool("hideText", False, LIVE, "Hide the text"),
    # The lecture's network as options (hash keys the original ignores; written only when not default).
    Field("outputActivation", CHOICE, "auto", RESET, ("auto", *ACTIVATIONS), sparse=True, label="Output activation",
          place=_menu(LECTURE, 1)),  # auto: tanh, linear for regression, sigmoid/softmax for cross-entropy
    Field("loss", CHOICE, "auto", RESET, ("auto", *LOSSES), sparse=True, label="Loss",
          place=_menu(BEYOND, 3)),  # auto: half-square (the original) for 2 classes, cross-entropy for more
    Field("init", CHOICE, "uniform", RESET, INITS, sparse=True, label="Weight initialisation", place=_menu(LECTURE, 2)),
    Field("inputScaling", CHOICE, "raw", RESET, SCALINGS, sparse=True, label="Input scaling", place=_menu(LECTURE, 4)),
    Field("targets", CHOICE, "pm1", RESET, tuple(TARGETS), sparse=True, label="Targets", place=_menu(LECTURE, 5)),
    Field("scenario", CHOICE, None, SEED, tuple(SCENARIOS), optional=True, label="Scenario"),  # the deck sets it
    # Learning beyond the original (issue 9).
    Field("optimizer", CHOICE, "sgd", RESET, tuple(OPTIMIZERS), sparse=True, hideable=True, label="Optimizer",
          place=_menu(BEYOND, 1)),
    Field("momentum", NUMBER, 0.9, LIVE, (0, 0.5, 0.9, 0.99), 0, 0.999, sparse=True, label="Momentum",
          place=_menu(BEYOND, 2, hide_unused=True), used_when=("optimizer", ("momentum",))),
    Field("classes", INTEGER, 2, DATA, low=2, high=MAX_CLASSES, sparse=True, hideable=True, label="Classes",
          place=_menu(BEYOND, 4), used_when=("problem", ("classification",))),
    Field("stopEpoch", INTEGER, None, LIVE, low=1, high=MAX_STOP_EPOCH, optional=True, sparse=True,
          label="Stop at epoch", place=Placement(BEYOND, Widget.ENTRY, 5)),
    Field("stopLoss", NUMBER, None, LIVE, low=0, high=1e6, optional=True, sparse=True,
          label="Stop at test loss", place=Placement(BEYOND, Widget.ENTRY, 6)),
    # The lecture's demonstrations (issue 18).
    Field("stepUnit", CHOICE, "epoch", LIVE, STEP_UNITS, sparse=True, hideable=True, label="Step size",
          place=_menu(STEP, 1)),  # what one Step trains: an epoch, or one update (one mini-batch); the page's setting
    Field("fullBatch", BOOL, False, RESET, sparse=True, hideable=True, label="Whole training set per update",
          place=_checkbox(LECTURE, 6)),  # true: every update uses every training point (batchSize unused)
    Field("train", CHOICE, "all", LIVE, TRAINED, sparse=True, hideable=True, label="Train",
          place=_menu(STEP, 2)),  # selected: only the selected weight or bias learns; every other parameter stays
    Field("initValue", NUMBER, 0.5, RESET, (0, 0.1, 0.5, 1), -1, 1, sparse=True, label="Initial value (init=equal)",
          place=_menu(LECTURE, 3), used_when=("init", ("equal",))),  # every weight and bias; 0 is initZero
    Field("variant", INTEGER, 0, SEED, low=0, high=MAX_VARIANTS - 1, sparse=True,
          label="Variant"),  # which start or run of the scenario (core.scenarios); the deck sets it
    Field("hidden", Kind.CONTROLS, frozenset(), LIVE, label="Hidden controls",
          place=Placement(Section.CLASSROOM, Widget.GRID)),  # written as `<name>_hide=true`
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
    return tuple(replace(field, values=names) if field.kind == Kind.CONTROLS else field for field in rows)


TABLE = complete(ROWS)
FIELDS: dict[str, Field] = {field.name: field for field in TABLE}
HIDEABLE = hideable_controls(TABLE)
