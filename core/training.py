"""Training a network on prepared inputs: the verbs the session, the
stateless REST step and the tests share."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from core import kernel
from core.activations import LOSSES, OUTPUTS, REGULARIZERS
from core.config import PlaygroundConfig
from core.errors import InvalidValue
from core.link import Link
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

    @classmethod
    def of(cls, config: PlaygroundConfig, batch_size: int) -> TrainingRule:
        """The rule a config describes, updating every ``batch_size`` points (``batchSize``,
        or the whole training set with ``fullBatch``: core.sessiondata knows which)."""
        return cls(
            batch_size=batch_size,
            learning_rate=config.learningRate,
            regularization=config.regularization,
            regularization_rate=config.regularizationRate,
            loss=config.loss_function,
            optimizer=config.optimizer,
            momentum=config.momentum,
        )


@dataclass(frozen=True)
class StopRule:
    """When training stops before the epochs asked for."""

    after: int | None = None  # stop after this many epochs of the call
    loss: float | None = None  # stop at the first epoch whose test loss is <= this


@dataclass(frozen=True)
class TrainingResult:
    """What a call trained.  ``losses`` has one row per pass that ended (an epoch);
    ``final`` is the network's losses at the end, inside a pass or not."""

    losses: np.ndarray  # (passes ended, 2): train and test loss at the end of each
    stopped: str | None  # None | "epoch" | "loss" | "diverged"
    confusion: np.ndarray | None = None  # (2, K, K) train and test counts at the end, if asked
    updates: int = 0  # updates made
    position: int = 0  # rows of the current pass already trained on (0: at a pass's start)
    final: tuple[float, float] = (math.nan, math.nan)  # (train, test) loss at the end

    @property
    def epochs(self) -> int:
        """Passes that ended (completed epochs)."""
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
    epochs: int | None = None,
    X_test: np.ndarray | None = None,
    Y_test: np.ndarray | None = None,
    stop: StopRule = StopRule(),
    classes: int = 0,
    threshold: float = 0.0,
    *,
    updates: int | None = None,
    position: int = 0,
    only: Link | None = None,
) -> TrainingResult:
    """Train ``network`` in place on the rows of ``X`` (n, n_in) with targets ``Y`` (n, n_out),
    in order, from row ``position`` of the current pass: ``epochs`` passes (1 if neither is
    given; a pass already begun counts as the first), or ``updates`` updates (mini-batches).

    An update follows every row position that is a multiple of the batch size; the rows at
    the end of a pass that do not fill a batch carry over into the next pass's first update
    (the original's remainder).  ``only`` trains that one weight or bias; every other
    parameter, its pending gradient and its optimizer state stay as they are.  The counts
    of pending rows and of updates are shared and advance with its updates, so gradients
    the others carried when ``only`` began wait for the next update of all, which divides
    them by its own count (the carried remainder is at most a batch less one row).

    Stops early at the end of a pass as ``stop`` says, or when a loss turns NaN or infinite
    ("diverged"; also checked at the end inside a pass).  The result's losses are the mean
    train and test loss after every pass that ended (the test loss is NaN without test
    data), ``final`` those at the end, ``position`` where the current pass stands.
    ``classes`` > 0 also counts the points' confusion at the end, from the same pass (one
    output unit: class 1 where it is >= ``threshold``, the output at which the label scale
    is 0; several: the largest).
    """
    _check(network, rule)
    n = X.shape[0]
    if isinstance(position, bool) or not isinstance(position, (int, np.integer)) or not 0 <= position < max(n, 1):
        raise InvalidValue("position", f"expected a row of the current pass, 0 to {n - 1}, got {position!r}")
    if updates is None:
        passes = 1 if epochs is None else _positive("epochs", epochs)
        rows, max_updates = passes, -1
    else:
        if epochs is not None:
            raise InvalidValue("updates", "train epochs or updates, not both")
        max_updates = _positive("updates", updates)
        per_pass = n // rule.batch_size
        if per_pass == 0:
            raise InvalidValue(
                "updates",
                f"no update ever happens: batches of {rule.batch_size} rows but {n} "
                "training rows; choose a smaller batchSize, or fullBatch",
            )
        rows = max_updates // per_pass + 2  # the most passes that can end while making them
    X_test = np.empty((0, X.shape[1])) if X_test is None else X_test
    Y_test = np.empty((0, Y.shape[1])) if Y_test is None else Y_test
    losses = np.empty((rows, 2))
    final = np.full(2, math.nan)
    confusion = np.zeros((2, classes, classes), dtype=np.int64)
    rates = kernel.Rates(  # floats, whatever the caller wrote: one compiled signature
        learning_rate=float(rule.learning_rate),
        regularization_rate=float(rule.regularization_rate),
        momentum=float(rule.momentum),
        stop_loss=math.nan if stop.loss is None else float(stop.loss),
    )
    trained = np.array(only.flat_index(network) if only is not None else (-1, -1), dtype=np.int64)
    done, reason, at, made = kernel.train_epochs(
        X,
        Y,
        X_test,
        Y_test,
        network.sizes,
        network.w,
        network.b,
        network.dead_flat,
        network.acc_w,
        network.acc_b,
        network.slot_w,
        network.slot_b,
        network.counters,
        rule.batch_size,
        rates,
        _codes(network, rule),
        -1 if stop.after is None else stop.after,
        losses,
        confusion,
        threshold,
        int(position),
        max_updates,
        trained,
        final,
    )
    return TrainingResult(
        losses[:done],
        kernel.STOP_REASONS[reason],
        confusion if classes else None,
        int(made),
        int(at),
        (float(final[0]), float(final[1])),
    )


def _positive(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise InvalidValue(name, f"expected a positive integer, got {value!r}")
    return int(value)


def mean_loss(network: Network, X: np.ndarray, Y: np.ndarray, loss: str = "half-square") -> float:
    """The displayed loss: the mean error over the rows of ``X``, summed in order."""
    codes = _codes(network, TrainingRule(loss=loss, optimizer=network.optimizer))
    return float(kernel.mean_loss(X, Y, network.sizes, network.w, network.b, codes))
