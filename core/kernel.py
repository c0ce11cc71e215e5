"""The compiled per-sample training kernel.

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
``b_off[l]``; node values (inputs included) at ``n_off[l]``.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

__all__ = ["train_epochs", "mean_loss", "offsets"]

# Codes shared with core.activations (ACTIVATIONS / REGULARIZERS / LOSSES).
RELU, TANH, SIGMOID, LINEAR = 0, 1, 2, 3
REG_NONE, REG_L1, REG_L2 = 0, 1, 2
LOSS_HALF_SQUARE, LOSS_SQUARE = 0, 1


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
    if code == SIGMOID:
        return a * (1.0 - a)
    return 1.0


@njit(cache=True, nogil=True, inline="always")
def _error(code: int, o: float, t: float) -> float:
    d = o - t
    if code == LOSS_SQUARE:
        return d * d
    return 0.5 * d * d


@njit(cache=True, nogil=True, inline="always")
def _error_der(code: int, o: float, t: float) -> float:
    if code == LOSS_SQUARE:
        return 2.0 * (o - t)
    return o - t


@njit(cache=True, nogil=True, inline="always")
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
            a[dst + j] = _act(code, total)


@njit(cache=True, nogil=True)
def mean_loss(X, Y, sizes, w, b, hidden, output, loss):  # type: ignore[no-untyped-def]
    """The displayed loss: the mean error over the points, summed in order (NaN for no points)."""
    if X.shape[0] == 0:
        return np.nan
    w_off, b_off, n_off = offsets(sizes)
    z = np.empty(n_off[-1])
    a = np.empty(n_off[-1])
    n_layers = sizes.shape[0] - 1
    out = n_off[n_layers]
    total = 0.0
    for s in range(X.shape[0]):
        _forward(X[s], sizes, w, b, w_off, b_off, n_off, hidden, output, z, a)
        for k in range(sizes[n_layers]):
            total += _error(loss, a[out + k], Y[s, k])
    return total / X.shape[0]


@njit(cache=True, nogil=True, inline="always")
def _update(sizes, w, b, dead, acc_w, acc_b, n_acc, lr, reg, reg_rate, w_off, b_off):  # type: ignore[no-untyped-def]
    n_layers = sizes.shape[0] - 1
    for layer in range(n_layers):
        n_in = sizes[layer]
        n_out = sizes[layer + 1]
        for j in range(n_out):
            bj = b_off[layer] + j
            b[bj] -= lr * acc_b[bj] / n_acc
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
                w1 = weight - (lr / n_acc) * acc_w[k]
                w2 = w1 - (lr * reg_rate) * reg_der
                if reg == REG_L1 and w1 * w2 < 0:
                    w[k] = 0.0  # crossed zero through the L1 term: the link dies
                    dead[k] = 1
                else:
                    w[k] = w2
                acc_w[k] = 0.0


@njit(cache=True, nogil=True)
def train_samples(  # type: ignore[no-untyped-def]
    X, Y, sizes, w, b, dead, acc_w, acc_b, counters, batch, lr, reg, reg_rate, hidden, output, loss
):
    """One pass over the rows of ``X`` (n, n_in) with targets ``Y`` (n, n_out).

    ``counters[0]`` is the number of gradients accumulated and not yet
    applied; it survives between calls, so a remainder carries over into the
    next epoch exactly as in the original.  ``counters[1]`` counts updates.
    """
    w_off, b_off, n_off = offsets(sizes)
    n_nodes = n_off[-1]
    z = np.empty(n_nodes)
    a = np.empty(n_nodes)
    delta = np.zeros(n_nodes)
    out_der = np.zeros(n_nodes)
    n_layers = sizes.shape[0] - 1
    for s in range(X.shape[0]):
        _forward(X[s], sizes, w, b, w_off, b_off, n_off, hidden, output, z, a)
        out = n_off[n_layers]
        for k in range(sizes[n_layers]):
            out_der[out + k] = _error_der(loss, a[out + k], Y[s, k])
        for layer in range(n_layers - 1, -1, -1):
            n_in = sizes[layer]
            n_out = sizes[layer + 1]
            src = n_off[layer]
            dst = n_off[layer + 1]
            code = output if layer == n_layers - 1 else hidden
            for j in range(n_out):
                d = out_der[dst + j] * _der(code, z[dst + j], a[dst + j])
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
            _update(sizes, w, b, dead, acc_w, acc_b, counters[0], lr, reg, reg_rate, w_off, b_off)
            counters[0] = 0
            counters[1] += 1


@njit(cache=True, nogil=True)
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
    counters,
    batch,
    lr,
    reg,
    reg_rate,
    hidden,
    output,
    loss,
    losses,
):
    """``losses.shape[0]`` epochs, each followed by both displayed losses.

    ``losses`` (epochs, 2) receives (train, test) after every epoch, so many
    epochs cost one call from Python.
    """
    for e in range(losses.shape[0]):
        train_samples(X, Y, sizes, w, b, dead, acc_w, acc_b, counters, batch, lr, reg, reg_rate, hidden, output, loss)
        losses[e, 0] = mean_loss(X, Y, sizes, w, b, hidden, output, loss)
        losses[e, 1] = mean_loss(X_test, Y_test, sizes, w, b, hidden, output, loss)
