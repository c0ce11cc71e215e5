"""Every REST body and websocket message, in one place (a session command's websocket
message is its REST body with a ``type``: app/protocol/commands.py).

Allowed values come from the core's registries and limits, so the API, the
OpenAPI schema and the core can never disagree about what is valid.  The
core validates again when the values reach it (it is the authority); these
models exist to document the API and to reject malformed JSON early.
"""

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
    model_validator,
)

from core.config import PlaygroundConfig
from core.fields import MAX_HIDDEN_LAYERS, MAX_NEURONS, TABLE, Kind
from core.fields import Field as Setting
from core.optimizers import OPTIMIZERS
from core.points import MAX_POINTS
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


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ConfigFieldsBase(_Strict):
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


class Pending(_Strict):
    """Gradients accumulated but not yet applied (the original carries a
    batch's remainder into the next epoch)."""

    count: Annotated[Integer, Field(ge=0, le=10000)] = 0
    weights: list[list[list[Finite]]]  # same shape as the network's weights
    biases: list[list[Finite]]


class SlotState(_Strict):
    """One optimizer buffer, shaped like the network's weights and biases."""

    weights: list[list[list[Finite]]]
    biases: list[list[Finite]]


class OptimizerStateBase(_Strict):
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


class NetworkState(_Strict):
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


# -- REST bodies -----------------------------------------------------------------


class _ConfigSource(_Strict):
    """A body that describes a config by fields and/or a TF Playground hash (fields win)."""

    config: ConfigFields | None = None
    hash: Annotated[str, Field(max_length=4000)] | None = None

    def build_config(self) -> PlaygroundConfig:
        base = PlaygroundConfig.from_hash(self.hash) if self.hash is not None else None
        given = self.config.given() if self.config is not None else {}
        if base is None:
            return PlaygroundConfig(**given)
        return base.replace(**given) if given else base


class SessionCreate(_ConfigSource):
    """A new session from config fields or a TF Playground hash (fields win), optionally restoring a network."""

    scenario: ScenarioName | None = Field(default=None, description="a fixed set-up, e.g. the lecture's worked example")
    network: NetworkState | None = None
    epoch: Annotated[Integer, Field(ge=0, le=10**12)] | None = None
    document: dict[str, Any] | None = Field(
        default=None,
        alias="import",
        description='a session file from GET /api/sessions/{id}/export ("format": "playground-session"), sent '
        "alone: the new session continues exactly where that one was",
    )


class EmptyBody(_Strict):
    """A command that takes no fields (reset, regenerate, pause)."""


Epochs = Annotated[Integer, Field(ge=1, le=MAX_EPOCHS, description="whole passes over the training set")]
Updates = Annotated[Integer, Field(ge=1, le=MAX_UPDATES, description="mini-batches (one update each)")]


class _Amount(_Strict):
    """How much to train: ``epochs`` (default 1) or ``updates``, not both."""

    epochs: Epochs = 1
    updates: Updates | None = None

    @model_validator(mode="after")
    def _one_amount(self) -> _Amount:
        if "epochs" in self.model_fields_set and self.updates is not None:
            raise ValueError("give epochs or updates, not both")
        return self

    def amount(self) -> tuple[int | None, int | None]:
        """(epochs, updates) as core.session.Session.step takes them."""
        return (None, self.updates) if self.updates is not None else (self.epochs, None)


class StepRequest(_Amount):
    """Train `epochs` epochs (default 1) or `updates` updates (mini-batches)."""


EpochsPerFrame = Annotated[Integer, Field(ge=1, le=MAX_EPOCHS, description="epochs trained per frame while playing")]


class SpeedRequest(_Strict):
    epochs_per_frame: EpochsPerFrame


class PlayRequest(_Strict):
    epochs_per_frame: EpochsPerFrame | None = None


class SelectRequest(_Strict):
    """The teacher points at a weight (or, without ``source``, a bias); every watcher sees its explanation.
    ``layer`` null clears the selection."""

    layer: Annotated[Integer, Field(ge=0)] | None
    source: Annotated[Integer, Field(ge=0)] | None = None
    target: Annotated[Integer, Field(ge=0)] = 0
    point: Annotated[Integer, Field(ge=0)] = 0

    def selection(self) -> dict[str, Any] | None:
        """What ``LiveSession.select`` takes: the pointer, or None to clear it."""
        if self.layer is None:
            return None
        return {"layer": self.layer, "source": self.source, "target": self.target, "point": self.point}


SceneIndex = Annotated[StrictInt, Field(ge=0, le=1000, description="a scene's place in the session's deck, from 0")]


class SceneRequest(_Strict):
    """Go to scene `index` of the session's deck (the lecture's, until the teacher makes one), `variant` of it."""

    index: SceneIndex
    variant: Annotated[StrictInt, Field(ge=0, le=10)] = 0


class SceneAdd(_Strict):
    """The session as it is now, with its selection, as the deck's last scene."""

    title: Annotated[str, Field(min_length=1, max_length=120)]
    caption: Annotated[str, Field(max_length=600)] = ""
    next: Annotated[str, Field(max_length=300, description="what the teacher does next")] = ""


class SceneMove(_Strict):
    index: SceneIndex
    to: SceneIndex


class SceneDelete(_Strict):
    index: SceneIndex


class CompareRequest(_Strict):
    """Runs that differ only in setting `field` (2 or 3 `values`), trained beside the session;
    `{"field": null}` ends the comparison."""

    field: Annotated[str, Field(max_length=40)] | None
    values: Annotated[list[Any], Field(max_length=3)] = []


class DeckFile(_Strict):
    """A deck file from `GET /api/sessions/{id}/deck`: its scenes are checked by the server (app/sessions/deck.py)."""

    format: Literal["playground-deck"]
    version: StrictInt
    scenes: Annotated[list[dict[str, Any]], Field(min_length=1, max_length=40)]


class SessionImport(_Strict):
    """A session file from `GET /api/sessions/{id}/export`, to open into a session."""

    document: dict[str, Any] = Field(alias="import", description='a session file ("format": "playground-session")')


class HashRequest(_Strict):
    hash: Annotated[str, Field(max_length=4000)]


class WeightUpdate(_Strict):
    layer: Annotated[Integer, Field(ge=0, description="0 = the links from the inputs")]
    source: Annotated[Integer, Field(ge=0)]
    target: Annotated[Integer, Field(ge=0)]
    value: Finite


class BiasUpdate(_Strict):
    layer: Annotated[Integer, Field(ge=0, description="0 = the first hidden layer")]
    node: Annotated[Integer, Field(ge=0)]
    value: Finite


class StatelessStep(_ConfigSource):
    """One training call that keeps nothing on the server."""

    network: NetworkState
    train: Annotated[list[Point], Field(max_length=MAX_POINTS)] | None = Field(
        default=None, description="[x, y, label] rows; default: the data the config's seed generates"
    )
    test: Annotated[list[Point], Field(max_length=MAX_POINTS)] | None = None
    epochs: Epochs = 1
    updates: Updates | None = None
    position: Annotated[
        Integer,
        Field(
            ge=0,
            le=MAX_POINTS,
            description="where the current pass stands: the answer's position, to go on inside a pass",
        ),
    ] = 0

    @model_validator(mode="after")
    def _one_amount(self) -> StatelessStep:
        if "epochs" in self.model_fields_set and self.updates is not None:
            raise ValueError("give epochs or updates, not both")
        return self


UserNumber = Annotated[StrictFloat, Field(allow_inf_nan=False)]  # core.points checks the ranges
UserPoint = Annotated[list[UserNumber], Field(min_length=3, max_length=3, description="[x, y, label]")]
UserRows = Annotated[list[UserPoint], Field(max_length=MAX_POINTS)]


class DataPoints(_Strict):
    """Your own points as JSON: `points` (split by `percTrainData`), or `train` and `test`.  Limits and
    labels (±1 for classification, [−2, 2] for regression) are checked by core.points."""

    points: UserRows | None = None
    train: UserRows | None = None
    test: UserRows | None = None


class StatelessStepResult(NetworkStateOut):
    epochs: int
    updates: int
    position: int
    stopped: Literal["epoch", "loss", "diverged"] | None
    loss_train: JSONNumber
    loss_test: JSONNumber | None
    losses: list[list[JSONNumber | None]]


class Choices(BaseModel):
    """What the page's controls may offer in this state (``PlaygroundConfig.choices``)."""

    refused: dict[str, list[Any]]  # by field: the menu's values the rules between fields refuse now
    unused: list[str]  # the fields that do not apply now (momentum without the momentum optimizer...)


class SessionState(BaseModel):
    id: str
    generation: int
    config: dict[str, Any]
    choices: Choices
    shape: list[int]
    epoch: int
    position: int
    initialisation: dict[str, Any]
    initial_ranges: list[dict[str, Any]]
    loss_train: JSONNumber
    loss_test: JSONNumber
    weights: list[list[list[JSONNumber]]]
    biases: list[list[JSONNumber]]
    dead: list[list[list[bool]]]
    playing: bool
    epochs_per_frame: int
    watchers: int
    train: list[list[float]] | None = None
    test: list[list[float]] | None = None
    history: list[list[JSONNumber]] | None = None
    stopped: Literal["epoch", "loss", "diverged"] | None = None
    accuracy_train: JSONNumber | None = None
    accuracy_test: JSONNumber | None = None
    confusion_train: list[list[int]] | None = None
    confusion_test: list[list[int]] | None = None
    pending: dict[str, Any] | None = None
    optimizer_state: dict[str, Any] | None = None
    selection: dict[str, Any] | None = None


class SessionCreated(BaseModel):
    id: str
    control_token: str
    state: SessionState


class ShareLink(BaseModel):
    code: str
    url: str
    qr_svg: str


class Health(BaseModel):
    status: Literal["ok", "degraded"] = Field(description="degraded: the store fails or is damaged (see reason)")
    sessions: int = Field(description="sessions held in memory by this process")
    unsaved: int = Field(description="of those, how many changed since they were last stored")
    reason: str | None = Field(None, description="why it is degraded; null when ok")


class TooMany(BaseModel):
    """A 429: which per-client limit (docs/classroom.md), what to do, and when to try again."""

    detail: str
    limit: Literal["creations", "class_forks", "sessions", "lookups", "reads", "busy", "sockets", "flood"]
    retry_after: Annotated[int, Field(ge=1, description="seconds; the Retry-After header says the same")]


class Readiness(BaseModel):
    status: Literal["ready", "unready"]
    reason: str | None = Field(None, description="why it takes no new sessions now; null when ready")


# -- websocket messages (client -> server) -----------------------------------------
#
# A session command's message is its REST body with a `type` (app/protocol/commands.py);
# these few are the connection's own.


class AuthMessage(_Strict):
    type: Literal["auth"]
    token: Annotated[str, Field(max_length=200)]


class FocusMessage(_Strict):
    type: Literal["focus"]
    node: Annotated[Integer, Field(ge=0)] | None


class PingMessage(_Strict):
    type: Literal["ping"]
