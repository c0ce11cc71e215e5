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

Training can also stop inside a pass, after a number of updates (the
lecture's "one step is one update"), and continue from that position; and
it can train one parameter only (``train=selected``), every other
parameter, its pending gradient and its optimizer state left as they are.

The weights, biases, gradients and the optimizer's state (two more buffers
of each shape, ``slot_w[s]``, ``slot_b[s]``; see core.optimizers) are flat
buffers laid out as core.kernel_passes describes.
"""

from __future__ import annotations

import math
from typing import NamedTuple

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

__all__ = ["train_epochs", "mean_loss", "offsets", "Rates", "STOP_REASONS"]

# Why train_epochs stopped before the epochs it was given (index = its return code).
STOP_REASONS = (None, "epoch", "loss", "diverged")


class Rates(NamedTuple):
    """The kernel's float parameters, by name (a named tuple: numba reads its fields)."""

    learning_rate: float  # α
    regularization_rate: float  # λ
    momentum: float  # μ, for the momentum optimizer
    stop_loss: float  # stop at the first pass whose test loss is <= this; NaN: never


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
def _update_weight(k, w, dead, acc_w, slot_w, n_acc, lr, rate, mu, reg, optimizer, bias_c1, bias_c2):  # type: ignore[no-untyped-def]
    """One weight's update: the optimizer's step, then the original's regularisation (L1 may kill the link)."""
    if dead[k]:
        return
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


@INLINE
def _update_bias(k, b, acc_b, slot_b, n_acc, lr, mu, optimizer, bias_c1, bias_c2):  # type: ignore[no-untyped-def]
    """One bias's update: the optimizer's step (biases are never regularised)."""
    if optimizer == SGD:
        b[k] -= lr * acc_b[k] / n_acc
    else:
        b[k] = _step(optimizer, b[k], acc_b[k], n_acc, lr, mu, slot_b, k, bias_c1, bias_c2, True)
    acc_b[k] = 0.0


@INLINE
def _update(w, b, dead, acc_w, acc_b, slot_w, slot_b, n_acc, t, rates, codes, only):  # type: ignore[no-untyped-def]
    """Apply the accumulated gradients: every parameter, or with ``only`` = (weight index, bias
    index), one of them (-1: not that kind), leaving every other parameter and its state as it is."""
    lr = rates.learning_rate
    rate = rates.regularization_rate
    mu = rates.momentum
    reg = codes[REG]
    optimizer = codes[OPTIMIZER]
    bias_c1 = 1.0 - BETA1**t if optimizer == ADAM else 1.0
    bias_c2 = 1.0 - BETA2**t if optimizer == ADAM else 1.0
    if only[1] >= 0:
        _update_bias(only[1], b, acc_b, slot_b, n_acc, lr, mu, optimizer, bias_c1, bias_c2)
        return
    if only[0] >= 0:
        _update_weight(only[0], w, dead, acc_w, slot_w, n_acc, lr, rate, mu, reg, optimizer, bias_c1, bias_c2)
        return
    if optimizer == SGD:  # a loop of its own: with the optimizer's switch inside, batch 1 ran 20% slower
        for k in range(b.shape[0]):
            b[k] -= lr * acc_b[k] / n_acc
            acc_b[k] = 0.0
    else:
        for k in range(b.shape[0]):
            _update_bias(k, b, acc_b, slot_b, n_acc, lr, mu, optimizer, bias_c1, bias_c2)
    if optimizer == SGD and reg == REG_NONE:  # the original's default: one tight loop
        for k in range(w.shape[0]):
            if not dead[k]:
                w[k] = w[k] - (lr / n_acc) * acc_w[k]
                acc_w[k] = 0.0
        return
    for k in range(w.shape[0]):
        _update_weight(k, w, dead, acc_w, slot_w, n_acc, lr, rate, mu, reg, optimizer, bias_c1, bias_c2)


@JIT
def _train_samples(  # type: ignore[no-untyped-def]
    X,
    Y,
    sizes,
    w,
    b,
    dead,
    acc_w,
    acc_b,
    slot_w,
    slot_b,
    counters,
    batch,
    rates,
    codes,
    w_off,
    b_off,
    n_off,
    Z,
    A,
    D,
    first,
    max_updates,
    only,
    grad_w,
    grad_b,
):
    """Rows ``first`` .. of one pass over ``X`` (n, n_in) with targets ``Y`` (n, n_out), until the
    pass ends or ``max_updates`` updates are made (-1: no limit).  Returns (the position reached,
    n at the pass's end; the updates made).

    An update follows every position of the pass that is a multiple of ``batch``, as in the
    original; ``counters[0]`` counts the gradients accumulated and not yet applied and survives
    between calls, so a remainder carries over into the next pass's first update.
    ``counters[1]`` counts updates.  With ``only`` (see ``_update``) the gradients accumulate
    into ``grad_w`` / ``grad_b`` (copies of the pending ones) and only the trained parameter's
    is carried back: the others' pending gradients stay as they are.
    """
    n = X.shape[0]
    selected = only[0] >= 0 or only[1] >= 0
    into_w = grad_w if selected else acc_w
    into_b = grad_b if selected else acc_b
    start = first
    made = 0
    while start < n and made != max_updates:
        m = min(batch - start % batch, n - start)  # up to the next multiple of batch, or the pass's end
        if batch == 1:
            forward_one(X, start, sizes, w, b, w_off, b_off, n_off, codes[HIDDEN], codes[OUTPUT], Z, A)
            backward_one(Y, start, sizes, w, dead, into_w, into_b, codes, w_off, b_off, n_off, Z, A, D)
        else:
            forward(X, start, m, sizes, w, b, w_off, b_off, n_off, codes[HIDDEN], codes[OUTPUT], Z, A)
            backward(Y, start, m, sizes, w, dead, into_w, into_b, codes, w_off, b_off, n_off, Z, A, D)
        if selected:
            if only[0] >= 0:
                acc_w[only[0]] = grad_w[only[0]]
            else:
                acc_b[only[1]] = grad_b[only[1]]
        counters[0] += m
        start += m
        if start % batch == 0:
            _update(w, b, dead, acc_w, acc_b, slot_w, slot_b, counters[0], counters[1] + 1, rates, codes, only)
            counters[0] = 0
            counters[1] += 1
            made += 1
            if selected:  # the scratch starts again from the pending gradients
                grad_w[:] = acc_w
                grad_b[:] = acc_b
    return start, made


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
    X,
    Y,
    X_test,
    Y_test,
    sizes,
    w,
    b,
    dead,
    acc_w,
    acc_b,
    slot_w,
    slot_b,
    counters,
    batch,
    rates,
    codes,
    stop_after,
    losses,
    confusion,
    threshold,
    position,
    max_updates,
    only,
    final,
):
    """Training from row ``position`` of the current pass: ``losses.shape[0]`` passes (each
    ended pass counts, the current one included), or, with ``max_updates`` >= 0, until that
    many updates are made (``losses`` then has room for every pass that can end meanwhile).

    ``losses`` receives (train, test) after every pass that ends, so many epochs cost one
    call from Python.  Stops early at a pass's end: after ``stop_after`` passes (if >= 0), at
    the first whose test loss is <= ``rates.stop_loss`` (NaN for none), or when
    a loss is not finite.  ``final`` receives the losses of the network as it is at the end
    (a pass's end or not), and ``confusion`` (2, K, K), unless empty, the train and test
    points' confusion then (``threshold``: see kernel_passes._classes).  ``only``: see
    ``_update``.  Returns (passes ended, index into STOP_REASONS, position, updates made).
    """
    w_off, b_off, n_off = offsets(sizes)
    n_nodes = n_off[-1]
    Z = np.empty((n_nodes, max(batch, BLOCK)))  # weighted inputs, (nodes, points)
    A = np.empty((n_nodes, max(batch, BLOCK)))  # node outputs, the inputs included
    D = np.empty((n_nodes, batch))  # ∂E/∂a, then δ = ∂E/∂z
    selected = only[0] >= 0 or only[1] >= 0
    grad_w = acc_w.copy() if selected else np.empty(0)  # a scratch of pending gradients (see _train_samples)
    grad_b = acc_b.copy() if selected else np.empty(0)
    stop_loss = rates.stop_loss
    rows = losses.shape[0]
    skip = confusion[:, :0, :0]  # counting into an empty table counts nothing
    n = X.shape[0]
    e = 0
    made = 0
    at = position
    while e < rows:
        left = -1 if max_updates < 0 else max_updates - made
        at, k = _train_samples(
            X,
            Y,
            sizes,
            w,
            b,
            dead,
            acc_w,
            acc_b,
            slot_w,
            slot_b,
            counters,
            batch,
            rates,
            codes,
            w_off,
            b_off,
            n_off,
            Z,
            A,
            D,
            at,
            left,
            only,
            grad_w,
            grad_b,
        )
        made += k
        if at < n:  # the updates asked for are made inside the pass
            break
        at = 0
        last = e == rows - 1 if max_updates < 0 else made == max_updates
        counts = confusion if last else skip
        train, test = _losses(X, Y, X_test, Y_test, sizes, w, b, codes, w_off, b_off, n_off, Z, A, counts, threshold)
        losses[e, 0] = train
        losses[e, 1] = test
        final[0] = train
        final[1] = test
        e += 1
        reason = 0
        if not math.isfinite(train) or (X_test.shape[0] > 0 and not math.isfinite(test)):
            reason = 3
        elif test <= stop_loss:
            reason = 2
        elif e == stop_after:
            reason = 1
        if reason:
            if not last and confusion.shape[1] > 0:  # stopped early: count this pass's points
                _losses(X, Y, X_test, Y_test, sizes, w, b, codes, w_off, b_off, n_off, Z, A, confusion, threshold)
            return e, reason, at, made
        if last:
            return e, 0, at, made
    train, test = _losses(X, Y, X_test, Y_test, sizes, w, b, codes, w_off, b_off, n_off, Z, A, confusion, threshold)
    final[0] = train
    final[1] = test
    diverged = not math.isfinite(train) or (X_test.shape[0] > 0 and not math.isfinite(test))
    return e, 3 if diverged else 0, at, made


def _refresh_cache() -> None:
    import sys

    from core import jitcache, kernel_passes, optimizers

    jitcache.refresh([kernel_passes, optimizers, sys.modules[__name__]])


_refresh_cache()
