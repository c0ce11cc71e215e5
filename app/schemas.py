"""Every REST body and websocket message, in one place.

Allowed values come from the core's registries and limits, so the API, the
OpenAPI schema and the core can never disagree about what is valid.  The
core validates again when the values reach it (it is the authority); these
models exist to document the API and to reject malformed JSON early.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt

from core.activations import ACTIVATIONS, REGULARIZERS
from core.config import (
    HIDEABLE_CONTROLS,
    LECTURE_OPTIONS,
    MAX_BATCH_SIZE,
    MAX_HIDDEN_LAYERS,
    MAX_NEURONS,
    MAX_SEED_LENGTH,
    PROBLEMS,
    PlaygroundConfig,
)
from core.datasets import CLASSIFICATION_DATASETS, REGRESSION_DATASETS
from core.points import MAX_POINTS
from core.scenarios import SCENARIOS

# -- value types ---------------------------------------------------------------

if TYPE_CHECKING:  # the type checker sees plain strings; pydantic sees the registries' names
    from typing import TypeAlias

    ActivationName: TypeAlias = str
    RegularizationName: TypeAlias = str
    DatasetName: TypeAlias = str
    RegDatasetName: TypeAlias = str
    ProblemName: TypeAlias = str
    ControlName: TypeAlias = str
    OutputActivationName: TypeAlias = str
    LossName: TypeAlias = str
    InitName: TypeAlias = str
    ScalingName: TypeAlias = str
    TargetsName: TypeAlias = str
    ScenarioName: TypeAlias = str
else:
    ActivationName = Literal[tuple(ACTIVATIONS)]
    RegularizationName = Literal[tuple(REGULARIZERS)]
    DatasetName = Literal[tuple(CLASSIFICATION_DATASETS)]
    RegDatasetName = Literal[tuple(REGRESSION_DATASETS)]
    ProblemName = Literal[tuple(PROBLEMS)]
    ControlName = Literal[tuple(HIDEABLE_CONTROLS)]
    OutputActivationName = Literal[LECTURE_OPTIONS["outputActivation"]]
    LossName = Literal[LECTURE_OPTIONS["loss"]]
    InitName = Literal[LECTURE_OPTIONS["init"]]
    ScalingName = Literal[LECTURE_OPTIONS["inputScaling"]]
    TargetsName = Literal[LECTURE_OPTIONS["targets"]]
    ScenarioName = Literal[tuple(SCENARIOS)]
Number = StrictInt | StrictFloat
# Non-finite numbers travel as the strings the reference vectors use.
JSONNumber = float | Literal["NaN", "Infinity", "-Infinity"]
Neurons = Annotated[StrictInt, Field(ge=1, le=MAX_NEURONS)]
# Numbers are strict: JSON true and false are not numbers (StrictFloat takes ints, not booleans).
Coordinate = Annotated[StrictFloat, Field(allow_inf_nan=False, ge=-1e6, le=1e6)]
Point = Annotated[list[Coordinate], Field(min_length=3, max_length=3, description="[x, y, label]")]
Finite = Annotated[StrictFloat, Field(allow_inf_nan=False, ge=-1e9, le=1e9)]
MAX_EPOCHS = 10000


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ConfigFields(_Strict):
    """Any subset of the playground's fields (names as in the TF Playground URL hash)."""

    activation: ActivationName | None = None
    regularization: RegularizationName | None = None
    batchSize: Annotated[StrictInt, Field(ge=1, le=MAX_BATCH_SIZE)] | None = None
    dataset: DatasetName | None = None
    regDataset: RegDatasetName | None = None
    learningRate: Annotated[Number, Field(ge=0, le=10, allow_inf_nan=False)] | None = None
    regularizationRate: Annotated[Number, Field(ge=0, le=10, allow_inf_nan=False)] | None = None
    noise: Annotated[Number, Field(ge=0, le=50, allow_inf_nan=False)] | None = None
    networkShape: Annotated[list[Neurons], Field(max_length=MAX_HIDDEN_LAYERS)] | None = None
    seed: Annotated[str, Field(max_length=MAX_SEED_LENGTH, pattern=r"^[!-~]*$")] | None = None
    showTestData: StrictBool | None = None
    discretize: StrictBool | None = None
    percTrainData: Annotated[Number, Field(ge=10, le=90, allow_inf_nan=False)] | None = None
    x: StrictBool | None = None
    y: StrictBool | None = None
    xTimesY: StrictBool | None = None
    xSquared: StrictBool | None = None
    ySquared: StrictBool | None = None
    cosX: StrictBool | None = None
    sinX: StrictBool | None = None
    cosY: StrictBool | None = None
    sinY: StrictBool | None = None
    collectStats: StrictBool | None = None
    tutorial: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")] | None = None
    problem: ProblemName | None = None
    initZero: StrictBool | None = None
    hideText: StrictBool | None = None
    hidden: Annotated[list[ControlName], Field(max_length=len(HIDEABLE_CONTROLS))] | None = None
    outputActivation: OutputActivationName | None = None
    loss: LossName | None = None
    init: InitName | None = None
    inputScaling: ScalingName | None = None
    targets: TargetsName | None = None
    scenario: ScenarioName | None = None

    def given(self) -> dict[str, Any]:
        """Only the fields the caller set."""
        return self.model_dump(exclude_unset=True)


class Pending(_Strict):
    """Gradients accumulated but not yet applied (the original carries a
    batch's remainder into the next epoch)."""

    count: Annotated[StrictInt, Field(ge=0, le=10000)] = 0
    weights: list[list[list[Finite]]]  # same shape as the network's weights
    biases: list[list[Finite]]


class NetworkState(_Strict):
    """A network's trainable state; `weights[l][i][j]` links node i of layer l to node j of layer l + 1."""

    weights: list[list[list[Finite]]]
    biases: list[list[Finite]]
    dead: list[list[list[StrictBool]]] | None = None
    pending: Pending | None = None

    def restore_args(self) -> dict[str, Any]:
        """Keyword arguments for ``Session.restore``."""
        pending = self.pending
        return {
            "weights": self.weights,
            "biases": self.biases,
            "dead": self.dead,
            "pending": None if pending is None else (pending.count, pending.weights, pending.biases),
        }


class NetworkStateOut(BaseModel):
    weights: list[list[list[JSONNumber]]]
    biases: list[list[JSONNumber]]
    dead: list[list[list[bool]]]
    pending: dict[str, Any]


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
    epoch: Annotated[StrictInt, Field(ge=0, le=10**12)] | None = None
    document: dict[str, Any] | None = Field(
        default=None,
        alias="import",
        description='a session file from GET /api/sessions/{id}/export ("format": "playground-session"), sent '
        "alone: the new session continues exactly where that one was",
    )


class StepRequest(_Strict):
    epochs: Annotated[StrictInt, Field(ge=1, le=MAX_EPOCHS)] = 1


EpochsPerFrame = Annotated[StrictInt, Field(ge=1, le=MAX_EPOCHS, description="epochs trained per frame while playing")]


class SpeedRequest(_Strict):
    epochs_per_frame: EpochsPerFrame


class PlayRequest(_Strict):
    epochs_per_frame: EpochsPerFrame | None = None


class SelectRequest(_Strict):
    """The teacher points at a weight (or, without ``source``, a bias); every watcher sees its explanation.
    ``layer`` null clears the selection."""

    layer: Annotated[StrictInt, Field(ge=0)] | None
    source: Annotated[StrictInt, Field(ge=0)] | None = None
    target: Annotated[StrictInt, Field(ge=0)] = 0
    point: Annotated[StrictInt, Field(ge=0)] = 0

    def selection(self) -> dict[str, Any] | None:
        """What ``LiveSession.select`` takes: the pointer, or None to clear it."""
        if self.layer is None:
            return None
        return {"layer": self.layer, "source": self.source, "target": self.target, "point": self.point}


class HashRequest(_Strict):
    hash: Annotated[str, Field(max_length=4000)]


class WeightUpdate(_Strict):
    layer: Annotated[StrictInt, Field(ge=0, description="0 = the links from the inputs")]
    source: Annotated[StrictInt, Field(ge=0)]
    target: Annotated[StrictInt, Field(ge=0)]
    value: Finite


class BiasUpdate(_Strict):
    layer: Annotated[StrictInt, Field(ge=0, description="0 = the first hidden layer")]
    node: Annotated[StrictInt, Field(ge=0)]
    value: Finite


class StatelessStep(_ConfigSource):
    """One training call that keeps nothing on the server."""

    network: NetworkState
    train: Annotated[list[Point], Field(max_length=MAX_POINTS)] | None = Field(
        default=None, description="[x, y, label] rows; default: the data the config's seed generates"
    )
    test: Annotated[list[Point], Field(max_length=MAX_POINTS)] | None = None
    epochs: Annotated[StrictInt, Field(ge=1, le=MAX_EPOCHS)] = 1


UserNumber = Annotated[StrictFloat, Field(allow_inf_nan=False)]  # core.points checks the ranges
UserPoint = Annotated[list[UserNumber], Field(min_length=3, max_length=3, description="[x, y, label]")]
UserRows = Annotated[list[UserPoint], Field(max_length=MAX_POINTS)]


class DataPoints(_Strict):
    """Your own points as JSON: `points` (split by `percTrainData`), or `train` and `test`.  Limits and
    labels (±1 for classification, [−1, 1] for regression) are checked by core.points."""

    points: UserRows | None = None
    train: UserRows | None = None
    test: UserRows | None = None


class StatelessStepResult(NetworkStateOut):
    epochs: int
    loss_train: JSONNumber
    loss_test: JSONNumber | None
    losses: list[list[JSONNumber | None]]


class SessionState(BaseModel):
    id: str
    generation: int
    config: dict[str, Any]
    shape: list[int]
    epoch: int
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
    pending: dict[str, Any] | None = None
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
    status: str
    sessions: int


# -- websocket messages (client -> server) -----------------------------------------


class AuthMessage(_Strict):
    type: Literal["auth"]
    token: Annotated[str, Field(max_length=200)]


class PlayMessage(_Strict):
    type: Literal["play"]


class PauseMessage(_Strict):
    type: Literal["pause"]


class StepMessage(_Strict):
    type: Literal["step"]
    epochs: Annotated[StrictInt, Field(ge=1, le=MAX_EPOCHS)] = 1


class ResetMessage(_Strict):
    type: Literal["reset"]


class RegenerateMessage(_Strict):
    type: Literal["regenerate"]


class ConfigMessage(_Strict):
    type: Literal["config"]
    fields: ConfigFields


class HashMessage(_Strict):
    type: Literal["hash"]
    hash: Annotated[str, Field(max_length=4000)]


class WeightMessage(WeightUpdate):
    type: Literal["weight"]


class BiasMessage(BiasUpdate):
    type: Literal["bias"]


class SpeedMessage(SpeedRequest):
    type: Literal["speed"]


class FocusMessage(_Strict):
    type: Literal["focus"]
    node: Annotated[StrictInt, Field(ge=0)] | None


class PingMessage(_Strict):
    type: Literal["ping"]


class SelectMessage(SelectRequest):
    type: Literal["select"]
