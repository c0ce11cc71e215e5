"""A playground session: data, network and training, with the original's
semantics for every change (spec sections 1 and 2).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from core import boundary
from core.config import FIELD_EFFECTS, PlaygroundConfig
from core.datasets import CLASSIFICATION_DATASETS, REGRESSION_DATASETS, generate, shuffle, split
from core.errors import InvalidValue
from core.explain import Link, explain, loss_slice
from core.features import feature_matrix
from core.history import LossHistory
from core.metrics import NO_METRICS, Metrics, metrics
from core.network import Network
from core.rng import SeedRandom
from core.scenarios import SCENARIOS
from core.targets import TARGETS
from core.training import StopRule, TrainingResult, TrainingRule, mean_loss, train

__all__ = ["Session", "EFFECTS"]

# Effects of a change, weakest first.
EFFECTS = ("none", "live", "reset", "data", "seed")
THUMBNAIL_POINTS = 200  # points in each data-set thumbnail the original draws


class Session:
    """Data, network and training state for one playground.

    Construction follows the original's page-load order: seed the stream,
    generate, shuffle and split the data, then draw the network's weights.
    """

    stopped: str | None  # why the last step ended early: None | "epoch" | "loss" | "diverged"
    _metrics: Metrics | None  # kept until the network or the data change

    def __init__(self, config: PlaygroundConfig) -> None:
        self.config = config
        self.history = LossHistory()
        self._start()

    @classmethod
    def from_points(cls, config: PlaygroundConfig, train: Any, test: Any) -> Session:
        """A session on given (x, y, label) points instead of generated data
        (the network is drawn from the seed's stream as usual)."""
        session = cls.__new__(cls)
        session.config = config
        session.history = LossHistory()
        session.rng = SeedRandom(config.seed)
        session.train, session.test = np.zeros((0, 3)), np.zeros((0, 3))
        session._compute_inputs()
        session._new_network()
        session.load_points(train, test)
        return session

    @classmethod
    def from_parts(
        cls,
        config: PlaygroundConfig,
        rng: SeedRandom,
        train: np.ndarray,
        test: np.ndarray,
        network: Network,
        epoch: int,
        history: LossHistory,
        losses: tuple[float, float],
    ) -> Session:
        """A session in exactly the state these parts describe (a fork, or a
        snapshot read back); the caller has checked that they fit together."""
        session = cls.__new__(cls)
        session.config = config
        session.rng = rng
        session.history = history
        session.train, session.test = train, test  # (n, 3) each: x, y, label
        session._compute_inputs()
        session.network = network
        session.epoch = epoch
        session._losses = losses
        session._metrics = None
        session.stopped = None
        return session

    def copy(self) -> Session:
        """An independent session in the same state: data, network, pending
        gradients, epoch, history and the random stream's position (a fork)."""
        other = Session.from_parts(
            self.config,
            copy.deepcopy(self.rng),
            self.train.copy(),
            self.test.copy(),
            self.network.copy(),
            self.epoch,
            copy.deepcopy(self.history),
            self._losses,
        )
        other.stopped = self.stopped
        other._metrics = self._metrics
        return other

    def _start(self) -> None:
        """Page-load order: seed, data, network; or the scenario's fixed set-up."""
        scenario = SCENARIOS.get(self.config.scenario or "")
        if scenario is not None:
            self.config = self.config.replace(**scenario.fields)
        self.rng = SeedRandom(self.config.seed)
        self._load_data()
        self._new_network()
        if scenario is not None:
            scenario.apply(self)

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

    def inputs(self, points: np.ndarray) -> np.ndarray:
        """The network's input rows for raw (x, y) points: (n, 2) -> (n, n_in)."""
        points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
        return feature_matrix(self.config.features, points[:, 0], points[:, 1], self.config.inputScaling)

    def predict(self, points: np.ndarray) -> np.ndarray:
        """The network's output at raw (x, y) points: (n, 2) -> (n,), or
        (n, classes) class probabilities for three or more classes."""
        return self.network.predict(self.inputs(points))

    def output(self, points: np.ndarray) -> np.ndarray:
        """What the heatmap shows at raw (x, y) points: the output on the label scale (−1 .. +1),
        decoded from the config's targets (and cross-entropy's 0/1): (n, 2) -> (n,).
        One value per point needs one output unit: three or more classes raise InvalidValue."""
        outputs = self.network.forward(self.inputs(points))[-1]  # (n, units)
        if outputs.shape[1] > 1:
            raise InvalidValue("classes", "one value per point needs one output unit; for 3 or more classes "
                               "the frames carry each class's heatmap")  # fmt: skip
        decoded: np.ndarray = self._display(outputs)[:, 0]
        return decoded

    def frame(self, scratch: Callable[[int], np.ndarray] | None = None) -> boundary.Frame:
        """All heatmaps, quantised (see core.boundary).  One output unit is
        shown on the label scale (−1 .. +1) whatever the targets; a softmax
        shows each class's probability p as 2p − 1.  ``scratch``: see
        ``boundary.render``."""
        cfg = self.config
        return boundary.render(self.network, cfg.features, cfg.inputScaling, self._to_label_scale(), scratch)

    def metrics(self) -> Metrics:
        """Accuracy and confusion matrices of the train and test points (classification only).

        A step counts them in its last loss pass; after any other change they
        are computed here (NumPy) once, then kept until the next change."""
        if self.config.problem != "classification":
            return NO_METRICS
        if self._metrics is None:
            net = self.network
            self._metrics = metrics(
                self._display(net.forward(self._X_train)[-1]), self.train[:, 2],
                self._display(net.forward(self._X_test)[-1]), self.test[:, 2], self.config.n_classes,
            )  # fmt: skip
        return self._metrics

    def _metrics_from(self, confusion: np.ndarray) -> Metrics:
        """From the confusion a step counted (train, test): a fresh array, kept as it is."""
        accuracy = []
        for table in confusion.tolist():  # a few small tables, every play tick: plain Python is quickest
            total = sum(map(sum, table))
            accuracy.append(sum(row[k] for k, row in enumerate(table)) / total if total else None)
        return Metrics(accuracy[0], accuracy[1], confusion[0], confusion[1])

    def _display(self, outputs: np.ndarray) -> np.ndarray:
        """Outputs (n, units) on the label scale: −1 .. +1 for one unit, 2p − 1 for a softmax."""
        to_labels = self._to_label_scale()
        return outputs if to_labels is None else to_labels(outputs)

    def _to_label_scale(self) -> Callable[[np.ndarray], np.ndarray] | None:
        """What ``_display`` applies; None where the outputs already are on the label scale."""
        cfg = self.config
        if self.network.sizes[-1] > 1 or (cfg.loss_function == "cross-entropy" and cfg.targets == "pm1"):
            return _probabilities_to_labels
        return TARGETS[cfg.targets].decode

    def explain(self, layer: int, source: int | None, target: int, point: int) -> dict[str, Any]:
        """The lecture's decomposition of one weight's (or, without ``source``,
        one bias's) gradient at training point ``point`` (see core.explain)."""
        return explain(self.network, self._X_train, self._Y_train, self.rule, Link(layer, source, target), point)

    def loss_slice(self, layer: int, source: int | None, target: int, samples: int = 61) -> dict[str, Any]:
        """The training loss along one weight, with its tangent and the next update."""
        return loss_slice(self.network, self._X_train, self._Y_train, self.rule, Link(layer, source, target), samples)

    # -- training -----------------------------------------------------------

    def step(self, epochs: int = 1) -> TrainingResult:
        """Train up to ``epochs`` epochs, stopping early at ``stopEpoch``, at
        ``stopLoss`` or when a loss diverges; returns their losses (epochs
        run, 2: train, test) and why it stopped early (also ``self.stopped``).

        ``stopEpoch`` stops training that crosses it; once past it, steps run
        in full (the user chose to continue).
        """
        if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 1:
            raise InvalidValue("epochs", f"expected a positive integer, got {epochs!r}")
        cfg = self.config
        after = cfg.stopEpoch - self.epoch if cfg.stopEpoch is not None and cfg.stopEpoch > self.epoch else None
        classes = cfg.n_classes if cfg.problem == "classification" else 0
        threshold = float(self._targets(np.zeros(1))[0, 0]) if classes == 2 else 0.0  # the output at label 0
        result = train(self.network, self._X_train, self._Y_train, self.rule, int(epochs), self._X_test,
                       self._Y_test, StopRule(after, cfg.stopLoss), classes, threshold)  # fmt: skip
        self.history.extend(self.epoch + 1, result.losses)
        self.epoch += result.epochs
        self._losses = (float(result.losses[-1, 0]), float(result.losses[-1, 1]))
        self._metrics = None if result.confusion is None else self._metrics_from(result.confusion)
        self.stopped = result.stopped
        return result

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
        self.stopped = None
        changed = [name for name in changes if getattr(new, name) != getattr(old, name)]
        effect = max((FIELD_EFFECTS[name] for name in changed), key=EFFECTS.index, default="none")
        self.config = new
        if effect == "seed":
            self._start()
        elif effect == "data":
            self.config = new = new.replace(scenario=None)  # generated data replaces the scenario's points
            self._reseed(self.rng.new_seed())
            self._load_data()
            if new.problem != old.problem:
                self._draw_thumbnails()
            self._new_network()
        elif effect == "reset":
            self._compute_inputs()  # features, their scaling or the targets may have changed
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
        optimizer_state: dict[str, Any] | None = None,
    ) -> None:
        """Load a trained network into this session (same shape), e.g. to
        recreate a session a server lost, or to fork one."""
        if epoch is not None and (isinstance(epoch, bool) or not isinstance(epoch, int) or epoch < 0):
            raise InvalidValue("epoch", f"expected a non-negative integer, got {epoch!r}")
        self.network.assign(weights, biases, dead, pending, optimizer_state)
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
        cached = self.__dict__.get("_rule")
        if cached is not None and cached[0] is cfg:
            return cached[1]  # type: ignore[no-any-return]
        rule = TrainingRule(cfg.batchSize, cfg.learningRate, cfg.regularization, cfg.regularizationRate,
                            cfg.loss_function, cfg.optimizer, cfg.momentum)  # fmt: skip
        self._rule = (cfg, rule)
        return rule

    def _reseed(self, seed: str) -> None:
        self.config = self.config.replace(seed=seed)
        self.rng = SeedRandom(seed)

    def _load_data(self) -> None:
        cfg = self.config
        self.train, self.test = generate(self.rng, cfg.data_name, cfg.noise, cfg.percTrainData, cfg.n_classes)
        self._compute_inputs()

    def load_points(self, train: Any, test: Any) -> None:
        """Use these (x, y, label) points instead of generated data; the network is kept."""
        for name, points in (("train", train), ("test", test)):
            array = np.asarray(points, dtype=np.float64)
            if array.ndim != 2 or array.shape[1] != 3 or not np.isfinite(array).all():
                raise InvalidValue(name, "expected rows of three finite numbers: x, y, label")
            classes = self.config.n_classes
            if classes > 2 and not np.isin(array[:, 2], np.arange(classes)).all():
                raise InvalidValue(name, f"with {classes} classes every label is an integer from 0 to {classes - 1}")
        if len(train) == 0:
            raise InvalidValue("train", "expected at least one training point")
        self.train = np.array(train, dtype=np.float64).reshape(-1, 3)
        self.test = np.array(test, dtype=np.float64).reshape(-1, 3)
        self._compute_inputs()
        self._refresh_losses()

    def use_points(self, points: np.ndarray, in_train: np.ndarray | None = None) -> None:
        """Your own (x, y, label) points (checked by core.points) instead of generated data; the network
        is kept.  ``in_train`` says which points train; without it they are shuffled from the session's
        stream and split by ``percTrainData``, as the original treats generated data."""
        points = np.asarray(points, dtype=np.float64).reshape(-1, 3)  # (n, 3)
        cut = math.floor(len(points) * self.config.percTrainData / 100)  # as core.datasets.split cuts
        n_train = cut if in_train is None else int(in_train.sum())
        if n_train == 0:  # checked before the stream moves: a refused upload changes nothing
            raise InvalidValue("set", f"no training point among {len(points)}: at least one must be in the train set")
        if in_train is None:
            rows = [(x, y, label) for x, y, label in points.tolist()]
            shuffle(self.rng, rows)
            train, test = split(rows, self.config.percTrainData)
        else:
            train, test = points[in_train], points[~in_train]
        self.load_points(train, test)

    def _compute_inputs(self) -> None:
        self._X_train = self.inputs(self.train[:, :2])  # (n_train, n_in)
        self._X_test = self.inputs(self.test[:, :2])
        self._Y_train = self._targets(self.train[:, 2])  # (n_train, output units)
        self._Y_test = self._targets(self.test[:, 2])

    def _targets(self, labels: np.ndarray) -> np.ndarray:
        """What the output is trained towards: one-hot rows for three or more
        classes; else the targets' encoding, read as 0/1 by cross-entropy."""
        cfg = self.config
        if cfg.n_classes > 2:
            return np.eye(cfg.n_classes)[labels.astype(np.int64)]  # (n, classes)
        targets = TARGETS[cfg.targets].encode(labels[:, None].copy())  # (n, 1)
        if cfg.loss_function == "cross-entropy" and cfg.targets == "pm1":
            targets = (targets + 1) / 2
        return targets

    def _draw_thumbnails(self) -> None:
        """The original redraws its data-set thumbnails when the problem type
        changes, drawing from the stream before the new weights; so do we."""
        registry = CLASSIFICATION_DATASETS if self.config.problem == "classification" else REGRESSION_DATASETS
        for generator in registry.values():
            generator(self.rng, THUMBNAIL_POINTS, 0.0)

    def _new_network(self) -> None:
        cfg = self.config
        self.network = Network.build(
            network_sizes(cfg), cfg.activation, cfg.output_activation, self.rng, init=cfg.init,
            init_zero=cfg.initZero, optimizer=cfg.optimizer,
        )
        self.epoch = 0
        self.stopped = None
        self.history.reset()
        self._refresh_losses()

    def _refresh_losses(self) -> None:
        self._metrics = None  # computed again when asked
        self._losses = (
            mean_loss(self.network, self._X_train, self._Y_train, self.rule.loss),
            mean_loss(self.network, self._X_test, self._Y_test, self.rule.loss),
        )
        self.history.replace_last(self.epoch, *self._losses)


def network_sizes(config: PlaygroundConfig) -> list[int]:
    """Units per layer of the network ``config`` describes: inputs, hidden layers, output."""
    return [len(config.features), *config.networkShape, config.output_units]


def _check_index(name: str, value: Any, size: int) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not 0 <= value < size:
        raise InvalidValue(name, f"expected an integer from 0 to {size - 1}, got {value!r}")


def _finite(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InvalidValue(name, f"expected a finite number, got {value!r}")
    return float(value)


def _probabilities_to_labels(outputs: np.ndarray) -> np.ndarray:
    """Probabilities 0 .. 1 -> the label scale −1 .. +1."""
    labels: np.ndarray = 2 * outputs - 1
    return labels
