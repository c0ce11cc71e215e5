"""A comparison in a shared session: two or three runs that differ in one
setting, trained beside the session whenever it trains (core.compare).

The class sees each run's loss and a small picture of its output with every
frame (a kind-3 binary message, docs/protocol.md), and what the lecture's
captions claim (the output weights' size, the hidden layers' mean slope,
identical nodes) in a `comparison` text message.  A comparison is made from
a recipe (a comparison scene, or a setting and its values) and is made
afresh from it after a reset or a restart: its runs are not stored.
"""

from __future__ import annotations

import struct
from typing import Any

import numpy as np

from core.boundary import grid_axes, quantize
from core.compare import Comparison
from core.errors import InvalidValue
from core.link import Link
from core.session import Session

__all__ = ["LiveComparison", "SIDE", "COMPARISON_KIND"]

COMPARISON_KIND = 3
VERSION = 1
SIDE = 50  # cells per side of each run's picture
HEADER = struct.Struct("<BBHI")  # kind, version, runs, generation
RUN = struct.Struct("<ddd")  # epoch (passes, fractional inside one), loss_train, loss_test


def _grid() -> np.ndarray:
    xs, ys = grid_axes(SIDE)
    gx, gy = np.meshgrid(xs, ys)  # rows from y = +6 (top) down, as every heatmap
    return np.column_stack([gx.ravel(), gy.ravel()])  # (SIDE², 2)


GRID = _grid()


class LiveComparison:
    def __init__(self, recipe: dict[str, Any], comparison: Comparison) -> None:
        self.recipe = recipe  # {"scene": id, "seed": s} or {"field": name, "values": [...]}
        self.comparison = comparison

    @classmethod
    def build(cls, recipe: dict[str, Any], session: Session, only: Link | None) -> LiveComparison:
        """The comparison ``recipe`` describes, made from ``session`` as it is now (a setting's
        runs start from its data and weights; a scene's from the scene's start)."""
        if session.config.output_units > 1:
            raise InvalidValue("compare", "comparisons draw one output unit: 3 or more classes are not compared")
        if "scene" in recipe:
            comparison = Comparison.of_scene(str(recipe["scene"]), seed=session.config.seed)
        else:
            comparison = Comparison.of_field(session, str(recipe["field"]), list(recipe["values"]), only)
        return cls(recipe, comparison)

    @property
    def runs(self) -> int:
        return len(self.comparison.runs)

    def step(self, epochs: int | None = None, updates: int | None = None) -> None:
        """Train every run as much as the session trained (core.compare.Comparison.step)."""
        self.comparison.step(epochs, updates)

    def frame(self, generation: int) -> bytes:
        """The kind-3 message: per run, where it stands, its losses and its output, quantised
        as the big heatmap is (SIDE x SIDE bytes, rows from the top)."""
        parts = [HEADER.pack(COMPARISON_KIND, VERSION, self.runs, generation)]
        for run in self.comparison.runs:
            session = run.session
            done = session.epoch + session.position / max(1, session.train.shape[0])
            parts.append(RUN.pack(done, session.loss_train, session.loss_test))
            with np.errstate(over="ignore", invalid="ignore"):
                parts.append(quantize(session.output(GRID)).tobytes())
        return b"".join(parts)

    def message(self) -> dict[str, Any]:
        """The `comparison` message: what is compared, each run's label (en and ko) and
        the measures its captions quote (core.compare.measures)."""
        runs = self.comparison.summary("en")
        for summary, run in zip(runs, self.comparison.runs, strict=True):
            summary["label"] = dict(run.label)
            del summary["history"]  # the page draws each run's curve from the kind-3 frames
        return {"type": "comparison", "recipe": self.recipe, "side": SIDE, "runs": runs}
