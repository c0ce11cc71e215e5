"""The compiled training kernel.

The original trains one point at a time: forward, backward, accumulate, and
update every ``batch`` points, with the remainder carried into the next
epoch.  Plain NumPy on 10-point batches spends more time in call overhead
than in arithmetic, so this loop is compiled with numba.  It keeps the
original's order of floating-point operations (bias first, then the sources
in order; the same update formulas), which is why its numbers match the
reference vectors to rounding.

Layout: all weights of a network live in one flat float64 buffer; layer
``l``'s matrix ``(n_in, n_out)`` starts at ``w_off[l]`` in row-major order,
so link (i -> j) is ``w[w_off[l] + i * n_out + j]``.  Biases start at
``b_off[l]``; node values (inputs included) at ``n_off[l]``.  The
optimizer's state is two more buffers of each shape (``slot_w[s]``,
``slot_b[s]``); see core.optimizers for the formulas.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from core.optimizers import BETA1, BETA2, EPSILON, RHO  # compile-time constants in the kernel

__all__ = ["train_epochs", "mean_loss", "offsets", "STOP_REASONS"]

# Codes shared with core.activations (OUTPUTS / REGULARIZERS / LOSSES) and core.optimizers.
RELU, TANH, SIGMOID, LINEAR, SOFTMAX = 0, 1, 2, 3, 4
REG_NONE, REG_L1, REG_L2 = 0, 1, 2
LOSS_HALF_SQUARE, LOSS_SQUARE, LOSS_CROSS_ENTROPY = 0, 1, 2
SGD, MOMENTUM, RMSPROP, ADAM = 0, 1, 2, 3
# Why train_epochs stopped before the epochs it was given (index = its return code).
STOP_REASONS = (None, "epoch", "loss", "diverged")
# hyper: the float parameters, by index
LR, REG_RATE, MOMENTUM_MU, STOP_LOSS = 0, 1, 2, 3
# codes: the integer switches, by index
HIDDEN, OUTPUT, LOSS, REG, OPTIMIZER = 0, 1, 2, 3, 4


@njit(cache=True, nogil=True)
def offsets(sizes):  # type: ignore[no-untyped-def]
    """Start offsets of every layer's weights, biases and node values."""
    n_layers = sizes.shape[0] - 1
    w_off = np.zeros(n_layers + 1, dtype=np.int64)
    b_off = np.zeros(n_layers + 1, dtype=np.int64)
    n_off = np.zeros(n_layers + 2, dtype=np.int64)
    for layer in range(n_layers):
        w_off[layer + 1] = w_off[layer] + sizes[layer] * sizes[layer + 1]
        b_off[layer + 1] = b_off[layer] + sizes[layer + 1]
    for layer in range(n_layers + 1):
        n_off[layer + 1] = n_off[layer] + sizes[layer]
    return w_off, b_off, n_off


@njit(cache=True, nogil=True, inline="always")
def _act(code: int, z: float) -> float:
    if code == TANH:
        return math.tanh(z)
    if code == RELU:
        if z > 0 or z != z:
            return z
        return 0.0
    if code == SIGMOID:
        return 1.0 / (1.0 + math.exp(-z))
    return z


@njit(cache=True, nogil=True, inline="always")
def _der(code: int, z: float, a: float) -> float:
    """f'(z) given a = f(z).  The original recomputes f(z) inside its
    derivative; reusing ``a`` gives the identical value for half the work."""
    if code == TANH:
        return 1.0 - a * a
    if code == RELU:
        return 0.0 if z <= 0 else 1.0
    if code == SIGMOID or code == SOFTMAX:  # noqa: SIM109 (plain comparisons for numba) softmax: the Jacobian's diagonal (unused with cross-entropy)
        return a * (1.0 - a)
    return 1.0


@njit(cache=True, nogil=True)
def _forward(x, sizes, w, b, w_off, b_off, n_off, hidden, output, z, a):  # type: ignore[no-untyped-def]
    n_layers = sizes.shape[0] - 1
    for i in range(sizes[0]):
        a[i] = x[i]
    for layer in range(n_layers):
        n_in = sizes[layer]
        n_out = sizes[layer + 1]
        src = n_off[layer]
        dst = n_off[layer + 1]
        code = output if layer == n_layers - 1 else hidden
        for j in range(n_out):
            total = b[b_off[layer] + j]
            base = w_off[layer] + j
            for i in range(n_in):
                total += w[base + i * n_out] * a[src + i]
            z[dst + j] = total
            if code != SOFTMAX:
                a[dst + j] = _act(code, total)
        if code == SOFTMAX:  # exp(z − max) / Σ exp(z − max), the units in order
            top = z[dst]
            for j in range(1, n_out):
                top = max(top, z[dst + j])
            total = 0.0
            for j in range(n_out):
                e = math.exp(z[dst + j] - top)
                a[dst + j] = e
                total += e
            for j in range(n_out):
                a[dst + j] = a[dst + j] / total


@njit(cache=True, nogil=True)
def _point_loss(loss, y, z, a, out, n_out):  # type: ignore[no-untyped-def]
    """One point's error, summed over the output units (the logits z for cross-entropy)."""
    total = 0.0
    if loss == LOSS_CROSS_ENTROPY:
        if n_out == 1:  # binary: max(z, 0) − z·t + log(1 + e^−|z|)
            zk = z[out]
            return max(zk, 0.0) - zk * y[0] + math.log1p(math.exp(-abs(zk)))
        top = z[out]
        for k in range(1, n_out):
            top = max(top, z[out + k])
        s = 0.0
        for k in range(n_out):
            s += math.exp(z[out + k] - top)
        lse = top + math.log(s)
        for k in range(n_out):
            total += y[k] * (lse - z[out + k])
        return total
    for k in range(n_out):
        d = a[out + k] - y[k]
        total += d * d if loss == LOSS_SQUARE else 0.5 * d * d
    return total


@njit(cache=True, nogil=True)
def _mean_loss(X, Y, sizes, w, b, codes, w_off, b_off, n_off, z, a):  # type: ignore[no-untyped-def]
    if X.shape[0] == 0:
        return np.nan
    n_layers = sizes.shape[0] - 1
    out = n_off[n_layers]
    total = 0.0
    for s in range(X.shape[0]):
        _forward(X[s], sizes, w, b, w_off, b_off, n_off, codes[HIDDEN], codes[OUTPUT], z, a)
        total += _point_loss(codes[LOSS], Y[s], z, a, out, sizes[n_layers])
    return total / X.shape[0]


@njit(cache=True, nogil=True)
def mean_loss(X, Y, sizes, w, b, codes):  # type: ignore[no-untyped-def]
    """The displayed loss: the mean error over the points, summed in order (NaN for no points)."""
    w_off, b_off, n_off = offsets(sizes)
    z = np.empty(n_off[-1])
    a = np.empty(n_off[-1])
    return _mean_loss(X, Y, sizes, w, b, codes, w_off, b_off, n_off, z, a)


@njit(cache=True, nogil=True, inline="always")
def _step(optimizer, value, acc, n_acc, lr, mu, slot_w, slot_b, k, bias_c1, bias_c2, is_bias):  # type: ignore[no-untyped-def]
    """The optimizer's step for one parameter: its new value before regularisation."""
    slots = slot_b if is_bias else slot_w
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


@njit(cache=True, nogil=True)
def _update(sizes, w, b, dead, acc_w, acc_b, slot_w, slot_b, n_acc, t, hyper, codes, w_off, b_off):  # type: ignore[no-untyped-def]
    """Apply the accumulated gradients: the optimizer's step, then the original's regularisation."""
    n_layers = sizes.shape[0] - 1
    lr = hyper[LR]
    rate = hyper[REG_RATE]
    mu = hyper[MOMENTUM_MU]
    reg = codes[REG]
    optimizer = codes[OPTIMIZER]
    bias_c1 = 1.0 - BETA1**t
    bias_c2 = 1.0 - BETA2**t
    for layer in range(n_layers):
        n_in = sizes[layer]
        n_out = sizes[layer + 1]
        for j in range(n_out):
            bj = b_off[layer] + j
            if optimizer == SGD:
                b[bj] -= lr * acc_b[bj] / n_acc
            else:
                b[bj] = _step(optimizer, b[bj], acc_b[bj], n_acc, lr, mu, slot_w, slot_b, bj, bias_c1, bias_c2, True)
            acc_b[bj] = 0.0
            for i in range(n_in):
                k = w_off[layer] + i * n_out + j
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
                    w1 = _step(optimizer, weight, acc_w[k], n_acc, lr, mu, slot_w, slot_b, k, bias_c1, bias_c2, False)
                w2 = w1 - (lr * rate) * reg_der
                if reg == REG_L1 and w1 * w2 < 0:
                    w[k] = 0.0  # crossed zero through the L1 term: the link dies
                    dead[k] = 1
                else:
                    w[k] = w2
                acc_w[k] = 0.0


@njit(cache=True, nogil=True)
def _train_samples(  # type: ignore[no-untyped-def]
    X, Y, sizes, w, b, dead, acc_w, acc_b, slot_w, slot_b, counters, batch, hyper, codes,
    w_off, b_off, n_off, z, a, delta, out_der,
):  # fmt: skip
    """One pass over the rows of ``X`` (n, n_in) with targets ``Y`` (n, n_out).

    ``counters[0]`` is the number of gradients accumulated and not yet
    applied; it survives between calls, so a remainder carries over into the
    next epoch exactly as in the original.  ``counters[1]`` counts updates.
    """
    n_layers = sizes.shape[0] - 1
    hidden = codes[HIDDEN]
    output = codes[OUTPUT]
    loss = codes[LOSS]
    out = n_off[n_layers]
    for s in range(X.shape[0]):
        _forward(X[s], sizes, w, b, w_off, b_off, n_off, hidden, output, z, a)
        for layer in range(n_layers - 1, -1, -1):
            n_in = sizes[layer]
            n_out = sizes[layer + 1]
            src = n_off[layer]
            dst = n_off[layer + 1]
            if layer == n_layers - 1:
                for j in range(n_out):
                    o = a[out + j]
                    t = Y[s, j]
                    if loss == LOSS_CROSS_ENTROPY:
                        d = o - t  # the output function's slope cancels: δ = o − t
                    elif loss == LOSS_SQUARE:
                        d = 2.0 * (o - t) * _der(output, z[dst + j], o)
                    else:
                        d = (o - t) * _der(output, z[dst + j], o)
                    delta[dst + j] = d
                    acc_b[b_off[layer] + j] += d
            else:
                for j in range(n_out):
                    d = out_der[dst + j] * _der(hidden, z[dst + j], a[dst + j])
                    delta[dst + j] = d
                    acc_b[b_off[layer] + j] += d
            for j in range(n_out):
                d = delta[dst + j]
                for i in range(n_in):
                    k = w_off[layer] + i * n_out + j
                    if not dead[k]:
                        acc_w[k] += d * a[src + i]
            if layer == 0:
                continue
            for i in range(n_in):
                total = 0.0
                row = w_off[layer] + i * n_out
                for j in range(n_out):
                    total += w[row + j] * delta[dst + j]
                out_der[src + i] = total
        counters[0] += 1
        if (s + 1) % batch == 0:
            _update(sizes, w, b, dead, acc_w, acc_b, slot_w, slot_b, counters[0], counters[1] + 1, hyper, codes,
                    w_off, b_off)  # fmt: skip
            counters[0] = 0
            counters[1] += 1


@njit(cache=True, nogil=True)
def train_epochs(  # type: ignore[no-untyped-def]
    X, Y, X_test, Y_test, sizes, w, b, dead, acc_w, acc_b, slot_w, slot_b, counters,
    batch, hyper, codes, stop_after, losses,
):  # fmt: skip
    """Up to ``losses.shape[0]`` epochs, each followed by both displayed losses.

    ``losses`` (epochs, 2) receives (train, test) after every epoch, so many
    epochs cost one call from Python.  Stops early after ``stop_after``
    epochs (if >= 0), at the first epoch whose test loss is <= the stop loss
    (``hyper[STOP_LOSS]``; NaN for none), or when a loss is not finite.
    Returns (epochs run, index into STOP_REASONS).
    """
    w_off, b_off, n_off = offsets(sizes)
    n_nodes = n_off[-1]
    z = np.empty(n_nodes)
    a = np.empty(n_nodes)
    delta = np.zeros(n_nodes)
    out_der = np.zeros(n_nodes)
    stop_loss = hyper[STOP_LOSS]
    for e in range(losses.shape[0]):
        _train_samples(X, Y, sizes, w, b, dead, acc_w, acc_b, slot_w, slot_b, counters, batch, hyper, codes,
                       w_off, b_off, n_off, z, a, delta, out_der)  # fmt: skip
        train = _mean_loss(X, Y, sizes, w, b, codes, w_off, b_off, n_off, z, a)
        test = _mean_loss(X_test, Y_test, sizes, w, b, codes, w_off, b_off, n_off, z, a)
        losses[e, 0] = train
        losses[e, 1] = test
        if not math.isfinite(train) or (X_test.shape[0] > 0 and not math.isfinite(test)):
            return e + 1, 3
        if test <= stop_loss:
            return e + 1, 2
        if e + 1 == stop_after:
            return e + 1, 1
    return losses.shape[0], 0
