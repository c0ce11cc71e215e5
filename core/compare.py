"""Two or three runs side by side that differ in one setting: the deck's
comparison scenes (their variants), or any setting and its values.

Every run is a session of its own, with the same data, and the same initial
weights wherever the varied setting allows (not where it changes the
network's shape or how its weights are drawn).  ``step`` trains them all
alike; ``summary`` gives what the page draws and what the captions claim:
the losses and their history, and the measures of the lecture's advice
(the output weights' size, the hidden layers' mean slope, whether a layer's
nodes are identical).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.activations import ACTIVATIONS
from core.config import PlaygroundConfig
from core.errors import InvalidValue
from core.fields import FIELDS
from core.link import Link
from core.scenarios import SCENARIOS
from core.session import Session, network_sizes
from core.training import TrainingResult

__all__ = ["Run", "Comparison", "MAX_RUNS", "measures"]

MAX_RUNS = 3
# Settings whose purpose is to draw other initial weights: runs that vary them keep their own.
_DRAWS = ("init", "initValue", "initZero")


@dataclass
class Run:
    label: dict[str, str]  # by language ("en", "ko"); a setting's runs are labelled "name=value" in both
    session: Session


class Comparison:
    """Runs trained together.  ``only``: the weight or bias that runs with ``train=selected`` train."""

    def __init__(self, runs: Sequence[Run], only: Link | None = None) -> None:
        if not 2 <= len(runs) <= MAX_RUNS:
            raise InvalidValue("runs", f"a comparison has 2 to {MAX_RUNS} runs, got {len(runs)}")
        self.runs = list(runs)
        self.only = only

    @classmethod
    def of_scene(cls, scenario: str, seed: str | None = None) -> Comparison:
        """One run per variant of ``scenario`` (its runs, e.g. three learning rates), all from
        the same seed (the scene's own, if it fixes one; else ``seed``, or one drawn for all)."""
        if scenario not in SCENARIOS:
            raise InvalidValue("scenario", f"{scenario!r} is not allowed; allowed: {', '.join(SCENARIOS)}")
        first = PlaygroundConfig(scenario=scenario) if seed is None else PlaygroundConfig(seed=seed, scenario=scenario)
        setup = SCENARIOS[scenario]
        runs = [Run(dict(variant.label), Session(first.replace(variant=k))) for k, variant in enumerate(setup.variants)]
        return cls(runs, setup.selection)

    @classmethod
    def of_field(cls, base: Session, field: str, values: Sequence[Any], only: Link | None = None) -> Comparison:
        """One run per value of setting ``field``, each from ``base`` as it is now: its data,
        and its weights and biases unless the setting changes the network's shape or draws
        other weights (init, initValue, initZero).  A live setting keeps all of ``base``'s
        state (pending gradients, optimizer state); one that resets the network starts with
        nothing pending.  Settings that change the data (or the seed) cannot be compared."""
        setting = FIELDS.get(field)
        if setting is None or setting.kind == "controls" or setting.effect in ("data", "seed"):
            comparable = [f.name for f in FIELDS.values() if f.effect in ("live", "reset") and f.kind != "controls"]
            raise InvalidValue(
                "field", f"{field!r} cannot be compared (a comparison keeps the data); allowed: {', '.join(comparable)}"
            )
        if not 2 <= len(values) <= MAX_RUNS:
            raise InvalidValue("values", f"a comparison has 2 to {MAX_RUNS} values, got {len(values)}")
        runs = []
        for value in values:
            run = base.copy()
            effect = run.update(**{field: value})  # InvalidValue names the field
            shape_kept = network_sizes(run.config) == network_sizes(base.config)
            if effect == "reset" and shape_kept and field not in _DRAWS:
                net = base.network
                run.restore(
                    [w.copy() for w in net.weights],
                    [b.copy() for b in net.biases],
                    [d.copy() for d in net.dead],
                    epoch=base.epoch,
                )
            run.restart_history()
            text = f"{field}={value}"
            runs.append(Run({"en": text, "ko": text}, run))
        return cls(runs, only)

    def step(self, epochs: int | None = None, updates: int | None = None) -> list[TrainingResult]:
        """Train every run alike (see ``Session.step``); a run that stopped by itself
        (stopEpoch, stopLoss, diverged) trains again only when asked again."""
        return [run.session.step(epochs, updates, self.only) for run in self.runs]

    def summary(self, lang: str = "en") -> list[dict[str, Any]]:
        """Per run: its label in ``lang``, epoch, position, both losses, why it stopped,
        its loss history (rows of epoch, train, test) and ``measures``."""
        return [
            {
                "label": run.label.get(lang, run.label.get("en", "")),
                "epoch": run.session.epoch,
                "position": run.session.position,
                "loss_train": run.session.loss_train,
                "loss_test": run.session.loss_test,
                "stopped": run.session.stopped,
                "history": run.session.history.rows.tolist(),
                **measures(run.session),
            }
            for run in self.runs
        ]


def measures(session: Session) -> dict[str, Any]:
    """What the advice scenes claim, on the training points: ``output_weight_norm`` (the
    output layer's weights' Euclidean norm), ``mean_slope`` (per hidden layer, the mean
    f′(z) over its nodes and the points) and ``identical_nodes`` (per hidden layer, whether
    every node's incoming weights and bias are the same, to the bit)."""
    net = session.network
    z, _ = net.forward_all(session._X_train)
    slope = ACTIVATIONS[net.activation].der
    with np.errstate(over="ignore", invalid="ignore"):
        mean_slope = [float(slope(z[layer]).mean()) for layer in range(1, net.n_layers)]
    identical = [
        bool((w == w[:, :1]).all() and (b == b[0]).all())
        for w, b in zip(net.weights[:-1], net.biases[:-1], strict=True)
    ]
    return {
        "output_weight_norm": float(np.linalg.norm(net.weights[-1])),
        "mean_slope": mean_slope,
        "identical_nodes": identical,
    }
