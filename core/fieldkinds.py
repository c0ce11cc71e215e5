"""What one row of the field table (core.fields) is made of: how a value is read
and checked (``Kind``), what a change does (``Effect``), where the page puts the
field's control (``Placement``), and the ``Field`` row itself with its checks.

Kinds, effects, sections and widgets are str enums: each member is its own
name as the hash, the API, the page config and the catalogues write it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from core.errors import InvalidValue

__all__ = [
    "Kind",
    "Effect",
    "EFFECTS",
    "Section",
    "Widget",
    "TEMPLATE_WIDGETS",
    "Placement",
    "Field",
    "MAX_HIDDEN_LAYERS",
    "MAX_NEURONS",
]

MAX_HIDDEN_LAYERS = 6  # the original's page limits; core.network has none
MAX_NEURONS = 8
MAX_RANGE_MENU = 20  # an integer field with a shorter range is a menu of every value


class Kind(StrEnum):
    """How a field's value is read, checked and written."""

    CHOICE = "choice"  # one of ``values`` (a string)
    NUMBER = "number"  # a float in [low, high]
    INTEGER = "integer"  # an int in [low, high]
    BOOL = "bool"  # true / false
    SHAPE = "shape"  # neurons per hidden layer ("4,2")
    TEXT = "text"  # a string matching ``pattern``
    CONTROLS = "controls"  # the names of hidden controls (written as ``<name>_hide=true``)


class Effect(StrEnum):
    """What a change does, weakest first (spec section 1).  NONE is only ever the
    outcome of a change that changed nothing; every field has one of the others."""

    NONE = "none"
    LIVE = "live"  # applied at once, training continues
    RESET = "reset"  # a new network from the continuing stream
    DATA = "data"  # a new seed from the stream, new data, then a new network
    SEED = "seed"  # the stream restarts from the given seed: data, then network


EFFECTS: tuple[Effect, ...] = tuple(Effect)  # weakest first: a change's effect is its fields' strongest


class Section(StrEnum):
    """Where on the page a control goes (templates/index.html and its partials)."""

    BAR = "bar"  # the top bar's menus, as the original
    STEP = "step"  # beside the Step button: what one step does
    DATA = "data"  # the DATA column
    FEATURES = "features"  # the diagram's input nodes
    NETWORK = "network"  # the hidden layers' + / − buttons
    OUTPUT = "output"  # under the output heatmap
    BEYOND = "beyond"  # "Beyond the original", under the columns
    LECTURE = "lecture"  # the lecture's section, its options row
    CLASSROOM = "classroom"  # the article's "use it in a classroom" grid


class Widget(StrEnum):
    """What the control is.  The template renders the first four from the table
    (templates/partials/controls.html) and static/js/controls.js wires them by
    widget; the others belong to one component each, which reads the table."""

    MENU = "menu"  # a <select>: a choice's values, a number's menu values, an integer's range
    SLIDER = "slider"  # a range input with its value beside the label
    CHECKBOX = "checkbox"
    ENTRY = "entry"  # a number typed in (empty: not set)
    PICTURES = "pictures"  # the data sets' pictures, a radio group (controls.js)
    NODE = "node"  # a feature's node in the diagram (network.js)
    LAYERS = "layers"  # the + / − buttons of the layers and their neurons (network.js)
    GRID = "grid"  # the classroom grid of hideable controls (hashstate.js)


TEMPLATE_WIDGETS = (Widget.MENU, Widget.SLIDER, Widget.CHECKBOX, Widget.ENTRY)


@dataclass(frozen=True)
class Placement:
    """Where a field's control goes and how it is drawn.  ``order``: its place in
    the section; ``element_id``: the control's id where it is not the field's name
    (the original's ids, which links, tests and users' scripts know); ``step`` and
    ``unit``: a slider's step and what follows its value; ``hide_unused``: hide the
    control while the field does not apply (``Field.used_when``), instead of greying it."""

    section: Section
    widget: Widget
    order: int = 0
    element_id: str = ""
    step: float = 0.0
    unit: str = ""
    hide_unused: bool = False


@dataclass(frozen=True)
class Field:
    """One setting.  ``label_key`` names its label in the page's catalogues."""

    name: str
    kind: Kind
    default: Any
    effect: Effect
    values: tuple[Any, ...] = ()  # choice: the allowed values; number: the menu's values
    low: float = 0.0  # number / integer: the inclusive range
    high: float = 0.0
    optional: bool = False  # None is allowed and means "not set"
    sparse: bool = False  # written to the hash only when it differs from the default
    hideable: bool = False  # a classroom link may carry `<name>_hide=true`
    label: str = ""  # English fallback for the label (the catalogues own the real text)
    pattern: str = ""  # text: a regular expression the whole value must match
    stored_pattern: str = ""  # text: what an older version allowed, still read back from stores and files
    place: Placement | None = None  # where the page puts its control; None: no control of its own
    used_when: tuple[str, tuple[Any, ...]] | None = None  # it matters only while that field has one of these values
    options_of: str = ""  # its values' labels are another field's (regDataset: the data sets' names)

    @property
    def label_key(self) -> str:
        return f"field.{self.name}"

    def option_key(self, value: Any) -> str:
        """The catalogue key of one value's label: ``option.<field>.<value>``; a hidden
        control's is its own label (``field.<name>``)."""
        if self.kind == Kind.CONTROLS:
            return f"field.{value}"
        return f"option.{self.options_of or self.name}.{value}"

    @property
    def element_id(self) -> str:
        """The id of its control in the page."""
        return (self.place.element_id if self.place else "") or self.name

    def menu_values(self) -> tuple[Any, ...]:
        """What a menu of this field lists, in order: a choice's values, a number's menu
        values, every integer of a short range (none for a long one)."""
        if self.kind == Kind.INTEGER and self.high - self.low < MAX_RANGE_MENU:
            return tuple(range(int(self.low), int(self.high) + 1))
        return self.values if self.kind in (Kind.CHOICE, Kind.NUMBER) else ()

    def check(self, value: Any) -> Any:
        """``value`` normalised (ints as floats for numbers, lists as tuples),
        or InvalidValue naming this field and what it allows."""
        if value is None and self.optional:
            return None
        return _CHECKERS[self.kind](self, value)

    def check_stored(self, value: Any) -> Any:
        """As ``check``, for a value read back from a store or a session file:
        a text field also takes what an older version allowed (``stored_pattern``)."""
        if self.stored_pattern and isinstance(value, str) and re.fullmatch(self.stored_pattern, value, re.ASCII):
            return value
        return self.check(value)

    def allowed(self) -> str:
        """What this field allows, in words (for error messages and docs)."""
        kind = self.kind
        if kind == Kind.CHOICE:
            text = ", ".join(str(v) for v in self.values)
        elif kind == Kind.NUMBER:
            text = f"a finite number from {self.low:g} to {self.high:g}"
        elif kind == Kind.INTEGER:
            text = f"an integer from {self.low:g} to {self.high:g}"
        elif kind == Kind.BOOL:
            text = "true or false"
        elif kind == Kind.SHAPE:
            text = f"up to {MAX_HIDDEN_LAYERS} hidden layers of 1 to {MAX_NEURONS} neurons"
        elif kind == Kind.TEXT:
            text = f"text matching {self.pattern}"
        else:
            text = "names of hideable controls: " + ", ".join(self.values)
        return text + (" (or null: not set)" if self.optional else "")


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
    Kind.CHOICE: _check_choice,
    Kind.NUMBER: _check_number,
    Kind.INTEGER: _check_integer,
    Kind.BOOL: _check_bool,
    Kind.SHAPE: _check_shape,
    Kind.TEXT: _check_text,
    Kind.CONTROLS: _check_controls,
}
