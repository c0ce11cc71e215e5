"""The value types every model shares: strict numbers, the config's fields (one
pydantic type per row of the field table), a network's state."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    create_model,
)

from core.fields import MAX_HIDDEN_LAYERS, MAX_NEURONS, TABLE, Kind
from core.fields import Field as Setting
from core.optimizers import OPTIMIZERS
from core.scenarios import SCENARIOS

# -- value types ---------------------------------------------------------------

if TYPE_CHECKING:  # the type checker sees plain strings; pydantic sees the registries' names
    from typing import TypeAlias

    ScenarioName: TypeAlias = str
else:
    ScenarioName = Literal[tuple(SCENARIOS)]


def _integral(value: Any) -> Any:
    """JSON Schema counts 102.0 as an integer: an integral float is taken as the int it is.
    Strings and booleans stay refused (StrictInt), as do 102.5, NaN and infinity."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


Integer = Annotated[StrictInt, BeforeValidator(_integral)]
Number = StrictInt | StrictFloat
# Non-finite numbers travel as the strings the reference vectors use.
JSONNumber = float | Literal["NaN", "Infinity", "-Infinity"]
# Numbers are strict: JSON true and false are not numbers (StrictFloat takes ints, not booleans).
Coordinate = Annotated[StrictFloat, Field(allow_inf_nan=False, ge=-1e6, le=1e6)]
Point = Annotated[list[Coordinate], Field(min_length=3, max_length=3, description="[x, y, label]")]
Finite = Annotated[StrictFloat, Field(allow_inf_nan=False, ge=-1e9, le=1e9)]
MAX_EPOCHS = 10000
MAX_UPDATES = 100_000  # one call's updates (its work is bounded by PLAYGROUND_MAX_WORK too)


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ConfigFieldsBase(StrictModel):
    """Any subset of the playground's fields (names as in the TF Playground URL hash)."""

    def given(self) -> dict[str, Any]:
        """Only the fields the caller set."""
        return self.model_dump(exclude_unset=True)


def _value_type(setting: Setting) -> Any:
    """The pydantic type of one setting's value, from its row in the table."""
    kind = setting.kind
    description = setting.label or None
    if kind == Kind.CHOICE:
        value: Any = Literal[setting.values]
    elif kind == Kind.NUMBER:
        value = Annotated[Number, Field(ge=setting.low, le=setting.high, allow_inf_nan=False)]
    elif kind == Kind.INTEGER:
        value = Annotated[Integer, Field(ge=int(setting.low), le=int(setting.high))]
    elif kind == Kind.BOOL:
        value = StrictBool
    elif kind == Kind.SHAPE:
        neurons = Annotated[Integer, Field(ge=1, le=MAX_NEURONS)]
        value = Annotated[list[neurons], Field(max_length=MAX_HIDDEN_LAYERS)]  # type: ignore[valid-type]
    elif kind == Kind.TEXT:
        value = Annotated[str, Field(pattern=f"^{setting.pattern}$")]
    else:
        names: Any = Literal[setting.values]
        value = Annotated[list[names], Field(max_length=len(setting.values))]
    if setting.optional:
        value = value | None
    return Annotated[value, Field(description=description)]


def config_fields_model(table: Sequence[Setting] = TABLE) -> type[ConfigFieldsBase]:
    """A model of any subset of ``table``'s fields: each field's type, range
    and choices come from its row.  A field left out is not set; null is
    accepted only where the table allows "not set"."""
    fields: dict[str, Any] = {setting.name: (_value_type(setting), None) for setting in table}
    return create_model("ConfigFields", __base__=ConfigFieldsBase, **fields)


if TYPE_CHECKING:  # the type checker sees the base; pydantic sees every field of the table
    ConfigFields = ConfigFieldsBase
else:
    ConfigFields = config_fields_model()


class Pending(StrictModel):
    """Gradients accumulated but not yet applied (the original carries a
    batch's remainder into the next epoch)."""

    count: Annotated[Integer, Field(ge=0, le=10000)] = 0
    weights: list[list[list[Finite]]]  # same shape as the network's weights
    biases: list[list[Finite]]


class SlotState(StrictModel):
    """One optimizer buffer, shaped like the network's weights and biases."""

    weights: list[list[list[Finite]]]
    biases: list[list[Finite]]


class OptimizerStateBase(StrictModel):
    """The optimizer's state: `updates` (t, the updates made so far) and its buffers by name."""

    updates: Annotated[Integer, Field(ge=0, le=10**12)] = 0

    def given(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True)


if TYPE_CHECKING:
    OptimizerState = OptimizerStateBase
else:  # one optional buffer per slot name any optimizer uses (velocity, s, m, v)
    OptimizerState = create_model(
        "OptimizerState",
        __base__=OptimizerStateBase,
        **{slot: (SlotState | None, None) for optimizer in OPTIMIZERS.values() for slot in optimizer.slots},
    )


class NetworkState(StrictModel):
    """A network's trainable state; `weights[l][i][j]` links node i of layer l to node j of layer l + 1."""

    weights: list[list[list[Finite]]]
    biases: list[list[Finite]]
    dead: list[list[list[StrictBool]]] | None = None
    pending: Pending | None = None
    optimizer_state: OptimizerState | None = None

    def restore_args(self) -> dict[str, Any]:
        """Keyword arguments for ``Session.restore``."""
        pending = self.pending
        return {
            "weights": self.weights,
            "biases": self.biases,
            "dead": self.dead,
            "pending": None if pending is None else (pending.count, pending.weights, pending.biases),
            "optimizer_state": None if self.optimizer_state is None else self.optimizer_state.given(),
        }


class NetworkStateOut(BaseModel):
    weights: list[list[list[JSONNumber]]]
    biases: list[list[JSONNumber]]
    dead: list[list[list[bool]]]
    pending: dict[str, Any]
    optimizer_state: dict[str, Any]
