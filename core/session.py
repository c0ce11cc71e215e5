"""A playground session: data, network and training, with the original's
semantics for every change (spec sections 1 and 2).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from core import boundary
from core.config import FIELD_EFFECTS, PlaygroundConfig
from core.datasets import CLASSIFICATION_DATASETS, REGRESSION_DATASETS, generate
from core.errors import InvalidValue
from core.features import feature_matrix
from core.history import LossHistory
from core.network import Network
from core.rng import SeedRandom
from core.training import TrainingRule, mean_loss, train

__all__ = ["Session", "EFFECTS"]

# Effects of a change, weakest first.
EFFECTS = ("none", "live", "reset", "data", "seed")
THUMBNAIL_POINTS = 200  # points in each data-set thumbnail the original draws


class Session:
    """Data, network and training state for one playground.

    Construction follows the original's page-load order: seed the stream,
    generate, shuffle and split the data, then draw the network's weights.
    """

    def __init__(self, config: PlaygroundConfig) -> None:
        self.config = config
        self.rng = SeedRandom(config.seed)
        self.history = LossHistory()
        self._load_data()
        self._new_network()

    # -- the contract's read side --------------------------------------------

    @property
    def loss_train(self) -> float:
        return self._losses[0]

    @property
    def loss_test(self) -> float:
        return self._losses[1]

    @property
    def shape(self) -> list[int]:
        """Units per layer: inputs, hidden layers, output."""
        return [int(n) for n in self.network.sizes]

    def predict(self, points: np.ndarray) -> np.ndarray:
        """The network's output at raw (x, y) points: (n, 2) -> (n,)."""
        points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
        return self.network.predict(feature_matrix(self.config.features, points[:, 0], points[:, 1]))

    def frame(self) -> boundary.Frame:
        """All heatmaps, quantised (see core.boundary)."""
        return boundary.render(self.network, self.config.features)

    # -- training -----------------------------------------------------------

    def step(self, epochs: int = 1) -> np.ndarray:
        """Train ``epochs`` epochs; returns their losses (epochs, 2): train, test."""
        if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 1:
            raise InvalidValue("epochs", f"expected a positive integer, got {epochs!r}")
        losses = train(self.network, self._X_train, self._Y_train, self.rule, int(epochs), self._X_test, self._Y_test)
        self.history.extend(self.epoch + 1, losses)
        self.epoch += int(epochs)
        self._losses = (float(losses[-1, 0]), float(losses[-1, 1]))
        return losses

    # -- changes ------------------------------------------------------------

    def reset(self) -> None:
        """A new network from the continuing stream; epoch 0."""
        self._new_network()

    def regenerate(self) -> None:
        """A new seed drawn from the stream, new data; the network is kept."""
        self._reseed(self.rng.new_seed())
        self._load_data()
        self._refresh_losses()

    def update(self, **changes: Any) -> str:
        """Apply field changes with the original's semantics.

        Returns the strongest effect: "none" (nothing changed), "live",
        "reset" (new network), "data" (new seed, data and network) or "seed"
        (the stream restarts from the given seed: data, then network).
        Invalid changes raise ValueError and change nothing.
        """
        old = self.config
        new = old.replace(**changes)
        changed = [name for name in changes if getattr(new, name) != getattr(old, name)]
        effect = max((FIELD_EFFECTS[name] for name in changed), key=EFFECTS.index, default="none")
        self.config = new
        if effect == "seed":
            self.rng = SeedRandom(new.seed)
            self._load_data()
            self._new_network()
        elif effect == "data":
            self._reseed(self.rng.new_seed())
            self._load_data()
            if new.problem != old.problem:
                self._draw_thumbnails()
            self._new_network()
        elif effect == "reset":
            if new.features != old.features:
                self._compute_inputs()
            self._new_network()
        return effect

    def apply_hash(self, text: str) -> str:
        """Apply a TF Playground URL hash as one change (see ``update``).

        Keys missing from the hash take their defaults, as when the original
        loads that link; a hash without ``seed`` keeps the current seed.
        """
        target = PlaygroundConfig.from_hash(text)
        keys = {item.split("=")[0] for item in text.lstrip("#").split("&")}
        changes = {
            name: getattr(target, name)
            for name in FIELD_EFFECTS
            if getattr(target, name) != getattr(self.config, name) and (name != "seed" or "seed" in keys)
        }
        return self.update(**changes)

    def restore(
        self,
        weights: Any,
        biases: Any,
        dead: Any = None,
        pending: tuple[int, Any, Any] | None = None,
        epoch: int | None = None,
    ) -> None:
        """Load a trained network into this session (same shape), e.g. to
        recreate a session a server lost, or to fork one."""
        if epoch is not None and (isinstance(epoch, bool) or not isinstance(epoch, int) or epoch < 0):
            raise InvalidValue("epoch", f"expected a non-negative integer, got {epoch!r}")
        self.network.assign(weights, biases, dead, pending)
        if epoch is not None:
            self.epoch = epoch
        self.history.reset()
        self._refresh_losses()

    def set_weight(self, layer: int, source: int, target: int, value: float) -> None:
        """Set one link's weight by hand (the page's click-to-edit).

        ``layer`` 0 holds the links from the inputs.  A dead link keeps its
        dead flag, as in the original: its weight is used but never trained.
        """
        weights = self.network.weights
        _check_index("layer", layer, len(weights))
        _check_index("source", source, weights[layer].shape[0])
        _check_index("target", target, weights[layer].shape[1])
        weights[layer][source, target] = _finite("value", value)
        self._refresh_losses()

    def set_bias(self, layer: int, node: int, value: float) -> None:
        """Set one node's bias by hand; ``layer`` 0 is the first hidden layer."""
        biases = self.network.biases
        _check_index("layer", layer, len(biases))
        _check_index("node", node, biases[layer].shape[0])
        biases[layer][node] = _finite("value", value)
        self._refresh_losses()

    # -- internals ------------------------------------------------------------

    @property
    def rule(self) -> TrainingRule:
        """The update rule the config describes (read live: learning rate changes apply at once)."""
        cfg = self.config
        return TrainingRule(cfg.batchSize, cfg.learningRate, cfg.regularization, cfg.regularizationRate)

    def _reseed(self, seed: str) -> None:
        self.config = self.config.replace(seed=seed)
        self.rng = SeedRandom(seed)

    def _load_data(self) -> None:
        cfg = self.config
        self.train, self.test = generate(self.rng, cfg.data_name, cfg.noise, cfg.percTrainData)  # (n, 3) each
        self._compute_inputs()

    def _compute_inputs(self) -> None:
        features = self.config.features
        self._X_train = feature_matrix(features, self.train[:, 0], self.train[:, 1])  # (n_train, n_in)
        self._X_test = feature_matrix(features, self.test[:, 0], self.test[:, 1])
        self._Y_train = self.train[:, 2:3].copy()  # (n_train, 1)
        self._Y_test = self.test[:, 2:3].copy()

    def _draw_thumbnails(self) -> None:
        """The original redraws its data-set thumbnails when the problem type
        changes, drawing from the stream before the new weights; so do we."""
        registry = CLASSIFICATION_DATASETS if self.config.problem == "classification" else REGRESSION_DATASETS
        for generator in registry.values():
            generator(self.rng, THUMBNAIL_POINTS, 0.0)

    def _new_network(self) -> None:
        cfg = self.config
        sizes = [len(cfg.features), *cfg.networkShape, 1]
        self.network = Network.build(sizes, cfg.activation, cfg.output_activation, self.rng, init_zero=cfg.initZero)
        self.epoch = 0
        self.history.reset()
        self._refresh_losses()

    def _refresh_losses(self) -> None:
        self._losses = (
            mean_loss(self.network, self._X_train, self._Y_train, self.rule.loss),
            mean_loss(self.network, self._X_test, self._Y_test, self.rule.loss),
        )
        self.history.replace_last(self.epoch, *self._losses)


def _check_index(name: str, value: Any, size: int) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not 0 <= value < size:
        raise InvalidValue(name, f"expected an integer from 0 to {size - 1}, got {value!r}")


def _finite(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InvalidValue(name, f"expected a finite number, got {value!r}")
    return float(value)
