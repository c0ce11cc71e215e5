"""What clients send: REST bodies, and the websocket's own messages (a session
command's message is its REST body with a ``type``: app/protocol/commands.py)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    Field,
    StrictFloat,
    StrictInt,
    model_validator,
)

from app.schemas.values import (
    MAX_EPOCHS,
    MAX_UPDATES,
    ConfigFields,
    Finite,
    Integer,
    NetworkState,
    Point,
    ScenarioName,
    StrictModel,
)
from core.config import PlaygroundConfig
from core.points import MAX_POINTS

# -- REST bodies -----------------------------------------------------------------


class _ConfigSource(StrictModel):
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


class EmptyBody(StrictModel):
    """A command that takes no fields (reset, regenerate, pause)."""


Epochs = Annotated[Integer, Field(ge=1, le=MAX_EPOCHS, description="whole passes over the training set")]
Updates = Annotated[Integer, Field(ge=1, le=MAX_UPDATES, description="mini-batches (one update each)")]


class _Amount(StrictModel):
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


class SpeedRequest(StrictModel):
    epochs_per_frame: EpochsPerFrame


class PlayRequest(StrictModel):
    epochs_per_frame: EpochsPerFrame | None = None


class SelectRequest(StrictModel):
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


class SceneRequest(StrictModel):
    """Go to scene `index` of the session's deck (the lecture's, until the teacher makes one), `variant` of it."""

    index: SceneIndex
    variant: Annotated[StrictInt, Field(ge=0, le=10)] = 0


class SceneAdd(StrictModel):
    """The session as it is now, with its selection, as the deck's last scene."""

    title: Annotated[str, Field(min_length=1, max_length=120)]
    caption: Annotated[str, Field(max_length=600)] = ""
    next: Annotated[str, Field(max_length=300, description="what the teacher does next")] = ""


class SceneMove(StrictModel):
    index: SceneIndex
    to: SceneIndex


class SceneDelete(StrictModel):
    index: SceneIndex


class CompareRequest(StrictModel):
    """Runs that differ only in setting `field` (2 or 3 `values`), trained beside the session;
    `{"field": null}` ends the comparison."""

    field: Annotated[str, Field(max_length=40)] | None
    values: Annotated[list[Any], Field(max_length=3)] = Field(default_factory=list)


class DeckFile(StrictModel):
    """A deck file from `GET /api/sessions/{id}/deck`: its scenes are checked by the server (app/sessions/deck.py)."""

    format: Literal["playground-deck"]
    version: StrictInt
    scenes: Annotated[list[dict[str, Any]], Field(min_length=1, max_length=40)]


class SessionImport(StrictModel):
    """A session file from `GET /api/sessions/{id}/export`, to open into a session."""

    document: dict[str, Any] = Field(alias="import", description='a session file ("format": "playground-session")')


class HashRequest(StrictModel):
    hash: Annotated[str, Field(max_length=4000)]


class WeightUpdate(StrictModel):
    layer: Annotated[Integer, Field(ge=0, description="0 = the links from the inputs")]
    source: Annotated[Integer, Field(ge=0)]
    target: Annotated[Integer, Field(ge=0)]
    value: Finite


class BiasUpdate(StrictModel):
    layer: Annotated[Integer, Field(ge=0, description="0 = the first hidden layer")]
    node: Annotated[Integer, Field(ge=0)]
    value: Finite


class StatelessStep(_ConfigSource, _Amount):
    """One training call that keeps nothing on the server."""

    network: NetworkState
    train: Annotated[list[Point], Field(max_length=MAX_POINTS)] | None = Field(
        default=None, description="[x, y, label] rows; default: the data the config's seed generates"
    )
    test: Annotated[list[Point], Field(max_length=MAX_POINTS)] | None = None
    position: Annotated[
        Integer,
        Field(
            ge=0,
            le=MAX_POINTS,
            description="where the current pass stands: the answer's position, to go on inside a pass",
        ),
    ] = 0


UserNumber = Annotated[StrictFloat, Field(allow_inf_nan=False)]  # core.points checks the ranges
UserPoint = Annotated[list[UserNumber], Field(min_length=3, max_length=3, description="[x, y, label]")]
UserRows = Annotated[list[UserPoint], Field(max_length=MAX_POINTS)]


class DataPoints(StrictModel):
    """Your own points as JSON: `points` (split by `percTrainData`), or `train` and `test`.  Limits and
    labels (±1 for classification, [−2, 2] for regression) are checked by core.points."""

    points: UserRows | None = None
    train: UserRows | None = None
    test: UserRows | None = None


# -- websocket messages (client -> server) -----------------------------------------
#
# A session command's message is its REST body with a `type` (app/protocol/commands.py);
# these few are the connection's own.


class AuthMessage(StrictModel):
    type: Literal["auth"]
    token: Annotated[str, Field(max_length=200)]


class FocusMessage(StrictModel):
    type: Literal["focus"]
    node: Annotated[Integer, Field(ge=0)] | None


class PingMessage(StrictModel):
    type: Literal["ping"]
