"""The shape of a scene's set-up: a ``Scenario`` and its ``Variant``s (see core.scenarios)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from core.link import Link

__all__ = ["Scenario", "Variant"]

Points = Callable[[], list[list[float]]]  # (x, y, label) rows
Weights = Callable[[], dict[str, Any]]  # {"weights": per layer (n_in, n_out), "biases": per layer}


class Loadable(Protocol):
    """What a scenario sets up in a session (core.session.Session): its points and its weights."""

    def load_points(self, train: Any, test: Any) -> None: ...

    def restore(self, weights: Any, biases: Any) -> None: ...


@dataclass(frozen=True)
class Variant:
    """One start or run of a scenario: the fields it changes, other starting weights, its name."""

    fields: dict[str, Any] = field(default_factory=dict)
    network: Weights | None = None
    label: dict[str, str] = field(default_factory=dict)  # by language: "en", "ko"


@dataclass(frozen=True)
class Scenario:
    fields: dict[str, Any]  # config fields the scenario sets (the rest at their defaults)
    description: str
    points: Points | None = None  # its training (and test) points; None: generated from the seed
    network: Weights | None = None  # weights and biases to start from; None: drawn from the seed
    variants: tuple[Variant, ...] = (Variant(),)
    selection: Link | None = None  # the weight or bias the explainer shows (and train=selected trains)
    point: int = 0  # the training point the explainer starts at

    def fields_for(self, variant: int) -> dict[str, Any]:
        """The fields of the scenario with ``variant``'s changes."""
        return {**self.fields, **self.variants[variant].fields}

    def apply(self, session: Loadable, variant: int = 0) -> None:
        """Give ``session`` (already holding the scenario's config) its points and weights."""
        if self.points is not None:
            points = self.points()
            session.load_points(points, points)
        start = self.variants[variant].network or self.network
        if start is not None:
            weights = start()
            session.restore(weights["weights"], weights["biases"])
