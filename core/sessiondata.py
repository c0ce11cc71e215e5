"""The data side of a session (core.session): the points it trains on, the
network's inputs and targets for them, the update rule, and what the network
shows on them (its output on the label scale, the heatmaps, the metrics).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from core import boundary
from core.config import PlaygroundConfig
from core.datasets import CLASSIFICATION_DATASETS, REGRESSION_DATASETS, generate, shuffle, split
from core.errors import InvalidValue
from core.features import feature_matrix
from core.history import LossHistory
from core.metrics import NO_METRICS, Metrics, metrics
from core.network import Network
from core.rng import SeedRandom
from core.targets import TARGETS
from core.training import TrainingRule, mean_loss

__all__ = ["SessionData", "THUMBNAIL_POINTS"]

THUMBNAIL_POINTS = 200  # points in each data-set thumbnail the original draws


class SessionData:
    """The points, inputs, targets and update rule of a session, and what its network shows.

    ``core.session.Session`` builds on it: construction, training and changes.
    """

    config: PlaygroundConfig
    rng: SeedRandom
    network: Network
    history: LossHistory
    train: np.ndarray  # (n, 3): x, y, label
    test: np.ndarray
    epoch: int  # passes over the training set completed
    position: int  # training points of the current pass already trained on (0 between epochs)
    _losses: tuple[float, float]
    _metrics: Metrics | None  # kept until the network or the data change

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
            raise InvalidValue(
                "classes",
                "one value per point needs one output unit; for 3 or more classes "
                "the frames carry each class's heatmap",
            )
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
                self._display(net.forward(self._X_train)[-1]),
                self.train[:, 2],
                self._display(net.forward(self._X_test)[-1]),
                self.test[:, 2],
                self.config.n_classes,
            )
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

    @property
    def batch_size(self) -> int:
        """Points per update: ``batchSize``, or every training point with ``fullBatch``."""
        return int(self.train.shape[0]) if self.config.fullBatch else int(self.config.batchSize)

    @property
    def rule(self) -> TrainingRule:
        """The update rule the config describes (read live: learning rate changes apply at once)."""
        cfg = self.config
        batch = self.batch_size
        cached = self.__dict__.get("_rule")
        if cached is not None and cached[0] is cfg and cached[1].batch_size == batch:
            return cached[1]  # type: ignore[no-any-return]
        rule = TrainingRule.of(cfg, batch)
        self._rule = (cfg, rule)
        return rule

    def _reseed(self, seed: str) -> None:
        self.config = self.config.replace(seed=seed)
        self.rng = SeedRandom(seed)

    def _load_data(self) -> None:
        cfg = self.config
        self.train, self.test = generate(self.rng, cfg.data_name, cfg.noise, cfg.percTrainData, cfg.n_classes)
        self.position = 0  # a pass over other points starts afresh
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
        self.position = 0  # a pass over other points starts afresh
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

    def _refresh_losses(self) -> None:
        self._metrics = None  # computed again when asked
        self._losses = (
            mean_loss(self.network, self._X_train, self._Y_train, self.rule.loss),
            mean_loss(self.network, self._X_test, self._Y_test, self.rule.loss),
        )
        self.history.replace_last(self.epoch, *self._losses)


def _probabilities_to_labels(outputs: np.ndarray) -> np.ndarray:
    """Probabilities 0 .. 1 -> the label scale −1 .. +1."""
    labels: np.ndarray = 2 * outputs - 1
    return labels
