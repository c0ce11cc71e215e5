"""Training a network on prepared inputs: the verbs the session, the
stateless REST step and the tests share."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core import kernel
from core.activations import ACTIVATIONS, LOSSES, REGULARIZERS
from core.network import Network

__all__ = ["TrainingRule", "train", "mean_loss"]


@dataclass(frozen=True)
class TrainingRule:
    """How one update is made: plain mini-batch SGD, as the original."""

    batch_size: int = 10  # an update after every batch_size points; the remainder carries over
    learning_rate: float = 0.03
    regularization: str = "none"  # none | L1 | L2
    regularization_rate: float = 0.0
    loss: str = "half-square"  # half-square (the original) | square (the lecture)


def _codes(network: Network, loss: str) -> tuple[int, int, int]:
    return ACTIVATIONS[network.activation].code, ACTIVATIONS[network.output_activation].code, LOSSES[loss].code


def train(
    network: Network,
    X: np.ndarray,
    Y: np.ndarray,
    rule: TrainingRule,
    epochs: int = 1,
    X_test: np.ndarray | None = None,
    Y_test: np.ndarray | None = None,
) -> np.ndarray:
    """Train ``epochs`` passes over the rows of ``X`` (n, n_in) with targets
    ``Y`` (n, n_out), in order, updating ``network`` in place.

    Returns (epochs, 2): the mean train and test loss after every epoch
    (the test loss is NaN without test data).
    """
    X_test = np.empty((0, X.shape[1])) if X_test is None else X_test
    Y_test = np.empty((0, Y.shape[1])) if Y_test is None else Y_test
    losses = np.empty((epochs, 2))
    hidden, output, loss = _codes(network, rule.loss)
    kernel.train_epochs(
        X, Y, X_test, Y_test,
        network.sizes, network.w, network.b, network.dead_flat, network.acc_w, network.acc_b, network.counters,
        rule.batch_size, rule.learning_rate, REGULARIZERS[rule.regularization].code, rule.regularization_rate,
        hidden, output, loss, losses,
    )  # fmt: skip
    return losses


def mean_loss(network: Network, X: np.ndarray, Y: np.ndarray, loss: str = "half-square") -> float:
    """The displayed loss: the mean error over the rows of ``X``, summed in order."""
    return float(kernel.mean_loss(X, Y, network.sizes, network.w, network.b, *_codes(network, loss)))
