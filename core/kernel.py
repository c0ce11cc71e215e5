"""The compiled training kernel.

The original trains one point at a time: forward, backward, accumulate, and
update every ``batch`` points (at every position of the epoch that is a
multiple of ``batch``), with the remainder carried into the next epoch.
The points of one mini-batch share the weights, so they run through the
passes of core.kernel_passes together, vectorised over the points, with
the original's order of floating-point operations per point and the
original's update formulas.  That is why its numbers match the reference
vectors to rounding.  Many epochs, with both losses after each, the stop
conditions and the losses' record, are one call from Python.

The weights, biases, gradients and the optimizer's state (two more buffers
of each shape, ``slot_w[s]``, ``slot_b[s]``; see core.optimizers) are flat
buffers laid out as core.kernel_passes describes.
"""

from __future__ import annotations

import math

import numpy as np

from core.kernel_passes import (
    ADAM,
    BLOCK,
    HIDDEN,
    INLINE,
    JIT,
    MOMENTUM,
    OPTIMIZER,
    OUTPUT,
    REG,
    REG_L1,
    REG_L2,
    REG_NONE,
    RMSPROP,
    SGD,
    backward,
    backward_one,
    forward,
    forward_one,
    mean_loss,
    mean_loss_blocks,
    offsets,
)
from core.optimizers import BETA1, BETA2, EPSILON, RHO  # compile-time constants in the kernel

__all__ = ["train_epochs", "mean_loss", "offsets", "STOP_REASONS"]

# Why train_epochs stopped before the epochs it was given (index = its return code).
STOP_REASONS = (None, "epoch", "loss", "diverged")
# hyper: the float parameters, by index
LR, REG_RATE, MOMENTUM_MU, STOP_LOSS = 0, 1, 2, 3


@INLINE
def _step(optimizer, value, acc, n_acc, lr, mu, slots, k, bias_c1, bias_c2, is_bias):  # type: ignore[no-untyped-def]
    """The optimizer's step for one parameter: its new value before regularisation."""
    if optimizer == SGD or optimizer == MOMENTUM:  # noqa: SIM109 (plain comparisons for numba)
        # α·g exactly as the original forms it: α·acc/n for a bias, (α/n)·acc for a weight
        step = lr * acc / n_acc if is_bias else (lr / n_acc) * acc
        if optimizer == SGD:
            return value - step
        v = mu * slots[0, k] - step
        slots[0, k] = v
        return value + v
    g = acc / n_acc
    if optimizer == RMSPROP:
        s = RHO * slots[0, k] + (1.0 - RHO) * (g * g)
        slots[0, k] = s
        return value - lr * g / (math.sqrt(s) + EPSILON)
    m = BETA1 * slots[0, k] + (1.0 - BETA1) * g
    v = BETA2 * slots[1, k] + (1.0 - BETA2) * (g * g)
    slots[0, k] = m
    slots[1, k] = v
    return value - lr * (m / bias_c1) / (math.sqrt(v / bias_c2) + EPSILON)


@INLINE
def _update(sizes, w, b, dead, acc_w, acc_b, slot_w, slot_b, n_acc, t, hyper, codes, w_off, b_off):  # type: ignore[no-untyped-def]
    """Apply the accumulated gradients: the optimizer's step, then the original's regularisation."""
    lr = hyper[LR]
    rate = hyper[REG_RATE]
    mu = hyper[MOMENTUM_MU]
    reg = codes[REG]
    optimizer = codes[OPTIMIZER]
    bias_c1 = 1.0 - BETA1**t if optimizer == ADAM else 1.0
    bias_c2 = 1.0 - BETA2**t if optimizer == ADAM else 1.0
    if optimizer == SGD:  # biases: the optimizer's step, no regularisation
        for k in range(b.shape[0]):
            b[k] -= lr * acc_b[k] / n_acc
            acc_b[k] = 0.0
    else:
        for k in range(b.shape[0]):
            b[k] = _step(optimizer, b[k], acc_b[k], n_acc, lr, mu, slot_b, k, bias_c1, bias_c2, True)
            acc_b[k] = 0.0
    if optimizer == SGD and reg == REG_NONE:  # the original's default: one tight loop
        for k in range(w.shape[0]):
            if not dead[k]:
                w[k] = w[k] - (lr / n_acc) * acc_w[k]
                acc_w[k] = 0.0
        return
    for k in range(w.shape[0]):
        if dead[k]:
            continue
        weight = w[k]
        if reg == REG_L2:
            reg_der = weight
        elif reg == REG_L1:
            reg_der = -1.0 if weight < 0 else (1.0 if weight > 0 else 0.0)
        else:
            reg_der = 0.0
        if optimizer == SGD:
            w1 = weight - (lr / n_acc) * acc_w[k]
        else:
            w1 = _step(optimizer, weight, acc_w[k], n_acc, lr, mu, slot_w, k, bias_c1, bias_c2, False)
        w2 = w1 - (lr * rate) * reg_der
        if reg == REG_L1 and w1 * w2 < 0:
            w[k] = 0.0  # crossed zero through the L1 term: the link dies
            dead[k] = 1
        else:
            w[k] = w2
        acc_w[k] = 0.0


@JIT
def _train_samples(  # type: ignore[no-untyped-def]
    X, Y, sizes, w, b, dead, acc_w, acc_b, slot_w, slot_b, counters, batch, hyper, codes,
    w_off, b_off, n_off, Z, A, D,
):  # fmt: skip
    """One pass over the rows of ``X`` (n, n_in) with targets ``Y`` (n, n_out).

    An update follows every position that is a multiple of ``batch``, as in
    the original; ``counters[0]`` counts the gradients accumulated and not
    yet applied and survives between calls, so a remainder carries over
    into the next epoch's first update.  ``counters[1]`` counts updates.
    """
    n = X.shape[0]
    for start in range(0, n, batch):
        m = min(batch, n - start)
        if batch == 1:
            forward_one(X, start, sizes, w, b, w_off, b_off, n_off, codes[HIDDEN], codes[OUTPUT], Z, A)
            backward_one(Y, start, sizes, w, dead, acc_w, acc_b, codes, w_off, b_off, n_off, Z, A, D)
        else:
            forward(X, start, m, sizes, w, b, w_off, b_off, n_off, codes[HIDDEN], codes[OUTPUT], Z, A)
            backward(Y, start, m, sizes, w, dead, acc_w, acc_b, codes, w_off, b_off, n_off, Z, A, D)
        counters[0] += m
        if m == batch:
            _update(sizes, w, b, dead, acc_w, acc_b, slot_w, slot_b, counters[0], counters[1] + 1, hyper, codes,
                    w_off, b_off)  # fmt: skip
            counters[0] = 0
            counters[1] += 1


@JIT
def _losses(X, Y, X_test, Y_test, sizes, w, b, codes, w_off, b_off, n_off, Z, A, confusion, threshold):  # type: ignore[no-untyped-def]
    """Both losses; with ``confusion`` (2, K, K) not empty, it is refilled too."""
    train_counts = confusion[0]
    test_counts = confusion[1]
    train_counts[:] = 0
    test_counts[:] = 0
    train = mean_loss_blocks(X, Y, sizes, w, b, codes, w_off, b_off, n_off, Z, A, train_counts, threshold)
    test = mean_loss_blocks(X_test, Y_test, sizes, w, b, codes, w_off, b_off, n_off, Z, A, test_counts, threshold)
    return train, test


@JIT
def train_epochs(  # type: ignore[no-untyped-def]
    X, Y, X_test, Y_test, sizes, w, b, dead, acc_w, acc_b, slot_w, slot_b, counters,
    batch, hyper, codes, stop_after, losses, confusion, threshold,
):  # fmt: skip
    """Up to ``losses.shape[0]`` epochs, each followed by both displayed losses.

    ``losses`` (epochs, 2) receives (train, test) after every epoch, so many
    epochs cost one call from Python.  Stops early after ``stop_after``
    epochs (if >= 0), at the first epoch whose test loss is <= the stop loss
    (``hyper[STOP_LOSS]``; NaN for none), or when a loss is not finite.
    ``confusion`` (2, K, K), unless empty, receives the train and test
    points' confusion after the last epoch run (``threshold``: see
    kernel_passes._classes).  Returns (epochs run, index into STOP_REASONS).
    """
    w_off, b_off, n_off = offsets(sizes)
    n_nodes = n_off[-1]
    Z = np.empty((n_nodes, max(batch, BLOCK)))  # weighted inputs, (nodes, points)
    A = np.empty((n_nodes, max(batch, BLOCK)))  # node outputs, the inputs included
    D = np.empty((n_nodes, batch))  # ∂E/∂a, then δ = ∂E/∂z
    stop_loss = hyper[STOP_LOSS]
    epochs = losses.shape[0]
    skip = confusion[:, :0, :0]  # counting into an empty table counts nothing
    for e in range(epochs):
        _train_samples(X, Y, sizes, w, b, dead, acc_w, acc_b, slot_w, slot_b, counters, batch, hyper, codes,
                       w_off, b_off, n_off, Z, A, D)  # fmt: skip
        counts = confusion if e == epochs - 1 else skip
        train, test = _losses(X, Y, X_test, Y_test, sizes, w, b, codes, w_off, b_off, n_off, Z, A, counts, threshold)
        losses[e, 0] = train
        losses[e, 1] = test
        reason = 0
        if not math.isfinite(train) or (X_test.shape[0] > 0 and not math.isfinite(test)):
            reason = 3
        elif test <= stop_loss:
            reason = 2
        elif e + 1 == stop_after:
            reason = 1
        if reason:
            if e < epochs - 1 and confusion.shape[1] > 0:  # stopped early: count this epoch's points
                _losses(X, Y, X_test, Y_test, sizes, w, b, codes, w_off, b_off, n_off, Z, A, confusion, threshold)
            return e + 1, reason
    return epochs, 0


def _refresh_cache() -> None:
    import sys

    from core import jitcache, kernel_passes, optimizers

    jitcache.refresh([kernel_passes, optimizers, sys.modules[__name__]])


_refresh_cache()
