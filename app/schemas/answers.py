"""What the server answers: a session's state, a new session, a share link, health
and readiness, a 429's body, a stateless step's result."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    Field,
)

from app.schemas.values import JSONNumber, NetworkStateOut


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
