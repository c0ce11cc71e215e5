"""Training a network on prepared inputs: the verbs the session, the
stateless REST step and the tests share."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from core import kernel
from core.activations import LOSSES, OUTPUTS, REGULARIZERS
from core.errors import InvalidValue
from core.network import Network
from core.optimizers import OPTIMIZERS

__all__ = ["TrainingRule", "TrainingResult", "StopRule", "train", "mean_loss"]


@dataclass(frozen=True)
class TrainingRule:
    """How one update is made (the defaults: the original's plain mini-batch SGD)."""

    batch_size: int = 10  # an update after every batch_size points; the remainder carries over
    learning_rate: float = 0.03
    regularization: str = "none"  # none | L1 | L2
    regularization_rate: float = 0.0
    loss: str = "half-square"  # half-square (the original) | square (the lecture) | cross-entropy
    optimizer: str = "sgd"  # sgd | momentum | rmsprop | adam (core.optimizers)
    momentum: float = 0.9  # μ, for the momentum optimizer


@dataclass(frozen=True)
class StopRule:
    """When training stops before the epochs asked for."""

    after: int | None = None  # stop after this many epochs of the call
    loss: float | None = None  # stop at the first epoch whose test loss is <= this


@dataclass(frozen=True)
class TrainingResult:
    losses: np.ndarray  # (epochs run, 2): train and test loss after each epoch
    stopped: str | None  # None | "epoch" | "loss" | "diverged"
    confusion: np.ndarray | None = None  # (2, K, K) train and test counts after the last epoch, if asked

    @property
    def epochs(self) -> int:
        return int(self.losses.shape[0])


def _codes(network: Network, rule: TrainingRule) -> np.ndarray:
    return np.array(
        [
            OUTPUTS[network.activation].code,
            OUTPUTS[network.output_activation].code,
            LOSSES[rule.loss].code,
            REGULARIZERS[rule.regularization].code,
            OPTIMIZERS[rule.optimizer].code,
        ],
        dtype=np.int64,
    )


def _check(network: Network, rule: TrainingRule) -> None:
    if rule.optimizer != network.optimizer:
        raise InvalidValue("optimizer", f"the network keeps {network.optimizer}'s state, not {rule.optimizer}'s")
    if (network.output_activation == "softmax") != (rule.loss == "cross-entropy" and network.sizes[-1] > 1):
        raise InvalidValue("loss", "a softmax output trains with cross-entropy, and only it")


def train(
    network: Network,
    X: np.ndarray,
    Y: np.ndarray,
    rule: TrainingRule,
    epochs: int = 1,
    X_test: np.ndarray | None = None,
    Y_test: np.ndarray | None = None,
    stop: StopRule = StopRule(),
    classes: int = 0,
    threshold: float = 0.0,
) -> TrainingResult:
    """Train up to ``epochs`` passes over the rows of ``X`` (n, n_in) with
    targets ``Y`` (n, n_out), in order, updating ``network`` in place.

    Stops early as ``stop`` says, or when a loss turns NaN or infinite
    ("diverged").  The losses are the mean train and test loss after every
    epoch run (the test loss is NaN without test data).  ``classes`` > 0
    also counts the points' confusion after the last epoch, from the same
    pass (one output unit: class 1 where it is >= ``threshold``, the output
    at which the label scale is 0; several: the largest).
    """
    _check(network, rule)
    X_test = np.empty((0, X.shape[1])) if X_test is None else X_test
    Y_test = np.empty((0, Y.shape[1])) if Y_test is None else Y_test
    losses = np.empty((epochs, 2))
    confusion = np.zeros((2, classes, classes), dtype=np.int64)
    hyper = np.array([rule.learning_rate, rule.regularization_rate, rule.momentum,
                      math.nan if stop.loss is None else stop.loss])  # fmt: skip
    done, reason = kernel.train_epochs(
        X, Y, X_test, Y_test,
        network.sizes, network.w, network.b, network.dead_flat, network.acc_w, network.acc_b,
        network.slot_w, network.slot_b, network.counters,
        rule.batch_size, hyper, _codes(network, rule), -1 if stop.after is None else stop.after, losses,
        confusion, threshold,
    )  # fmt: skip
    return TrainingResult(losses[:done], kernel.STOP_REASONS[reason], confusion if classes else None)


def mean_loss(network: Network, X: np.ndarray, Y: np.ndarray, loss: str = "half-square") -> float:
    """The displayed loss: the mean error over the rows of ``X``, summed in order."""
    codes = _codes(network, TrainingRule(loss=loss, optimizer=network.optimizer))
    return float(kernel.mean_loss(X, Y, network.sizes, network.w, network.b, codes))
