"""The compiled forward and backward passes the training kernel (core.kernel) runs.

``forward`` / ``backward`` take a block of points that share the weights (a
mini-batch, or a block of points whose loss is wanted): every node's value
for all of them at once is a row of a (node, point) array, so the loops over
points vectorise.  ``forward_one`` / ``backward_one`` are the same for a
single point (batch 1), without loops over points.  Per point, both keep the
original's order of floating-point operations: each node's sum is its bias,
then the sources in order; each accumulated gradient adds the points in
order.

Layout: all weights of a network live in one flat float64 buffer; layer
``l``'s matrix ``(n_in, n_out)`` starts at ``w_off[l]`` in row-major order,
so link (i -> j) is ``w[w_off[l] + i * n_out + j]``.  Biases start at
``b_off[l]``; node rows (inputs included) at ``n_off[l]``.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

# Codes shared with core.activations (OUTPUTS / REGULARIZERS / LOSSES) and core.optimizers.
RELU, TANH, SIGMOID, LINEAR, SOFTMAX = 0, 1, 2, 3, 4
REG_NONE, REG_L1, REG_L2 = 0, 1, 2
LOSS_HALF_SQUARE, LOSS_SQUARE, LOSS_CROSS_ENTROPY = 0, 1, 2
SGD, MOMENTUM, RMSPROP, ADAM = 0, 1, 2, 3
# codes: the integer switches, by index
HIDDEN, OUTPUT, LOSS, REG, OPTIMIZER = 0, 1, 2, 3, 4
BLOCK = 64  # points per block when only the losses are needed (the rows stay in the L1 cache)

# IEEE division (x/0 is ±inf or NaN, as in JavaScript) and no exception
# checks in the loops, so that they vectorise.
JIT = njit(cache=True, nogil=True, error_model="numpy")
INLINE = njit(cache=True, nogil=True, error_model="numpy", inline="always")


@JIT
def offsets(sizes):  # type: ignore[no-untyped-def]
    """Start offsets of every layer's weights, biases and node rows."""
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


@INLINE
def _der(code: int, z: float, a: float) -> float:
    """f'(z) given a = f(z).  The original recomputes f(z) inside its
    derivative; reusing ``a`` gives the identical value for half the work."""
    if code == TANH:
        return 1.0 - a * a
    if code == RELU:
        return 0.0 if z <= 0 else 1.0
    if code == SIGMOID or code == SOFTMAX:  # noqa: SIM109 (plain comparisons for numba) softmax: the diagonal
        return a * (1.0 - a)
    return 1.0


@INLINE
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


@INLINE
def _softmax(Z, A, dst, n_out, s):  # type: ignore[no-untyped-def]
    """exp(z − max) / Σ exp(z − max) over the units of point ``s``, in order."""
    top = Z[dst, s]
    for j in range(1, n_out):
        top = max(top, Z[dst + j, s])
    total = 0.0
    for j in range(n_out):
        e = math.exp(Z[dst + j, s] - top)
        A[dst + j, s] = e
        total += e
    for j in range(n_out):
        A[dst + j, s] = A[dst + j, s] / total


@INLINE
def _output_delta(codes, z, o, t):  # type: ignore[no-untyped-def]
    """δ = ∂E/∂z at an output unit."""
    if codes[LOSS] == LOSS_CROSS_ENTROPY:
        return o - t  # the output function's slope cancels: δ = o − t
    if codes[LOSS] == LOSS_SQUARE:
        return 2.0 * (o - t) * _der(codes[OUTPUT], z, o)
    return (o - t) * _der(codes[OUTPUT], z, o)


@INLINE
def _activate(code, Z, A, row, m):  # type: ignore[no-untyped-def]
    """A[row, :m] = f(Z[row, :m]); one loop per function, so each vectorises.

    tanh is the C library's: the original's numbers depend on every bit of
    it (the 6 x 8 spiral is chaotic).  It is also the original's: Debian's
    Chromium, where the original page's losses were read, answers Math.tanh
    with the C library's value, while node's V8 (fdlibm) differs in about one
    value in 2000, and training with fdlibm's tanh moves the 6 x 8 spiral's
    loss by epoch 100.  The displayed losses use it too: they are the loss of
    the very network trained, bit for bit."""
    if code == TANH:
        for s in range(m):
            A[row, s] = math.tanh(Z[row, s])
    elif code == RELU:
        for s in range(m):
            z = Z[row, s]
            A[row, s] = z if (z > 0 or z != z) else 0.0
    elif code == SIGMOID:
        for s in range(m):
            A[row, s] = 1.0 / (1.0 + math.exp(-Z[row, s]))
    else:
        for s in range(m):
            A[row, s] = Z[row, s]


@JIT
def forward(X, start, m, sizes, w, b, w_off, b_off, n_off, hidden, output, Z, A):  # type: ignore[no-untyped-def]
    """Rows start .. start + m of X through the network: Z, A (nodes, points)."""
    n_layers = sizes.shape[0] - 1
    for i in range(sizes[0]):
        for s in range(m):
            A[i, s] = X[start + s, i]
    for layer in range(n_layers):
        n_in = sizes[layer]
        n_out = sizes[layer + 1]
        src = n_off[layer]
        dst = n_off[layer + 1]
        code = output if layer == n_layers - 1 else hidden
        for j in range(n_out):
            row = dst + j
            z = Z[row]  # this node's row, (points,)
            bias = b[b_off[layer] + j]
            for s in range(m):
                z[s] = bias
            base = w_off[layer] + j
            for i in range(n_in):
                weight = w[base + i * n_out]
                a = A[src + i]
                for s in range(m):
                    z[s] += weight * a[s]
            if code != SOFTMAX:
                _activate(code, Z, A, row, m)
        if code == SOFTMAX:
            for s in range(m):
                _softmax(Z, A, dst, n_out, s)


@INLINE
def _point_loss(loss, Y, point, Z, A, s, out, n_out):  # type: ignore[no-untyped-def]
    """One point's error, summed over the output units (from the logits for cross-entropy)."""
    total = 0.0
    if loss == LOSS_CROSS_ENTROPY:
        if n_out == 1:  # binary: max(z, 0) − z·t + log(1 + e^−|z|)
            z = Z[out, s]
            return max(z, 0.0) - z * Y[point, 0] + math.log1p(math.exp(-abs(z)))
        top = Z[out, s]
        for k in range(1, n_out):
            top = max(top, Z[out + k, s])
        sum_exp = 0.0
        for k in range(n_out):
            sum_exp += math.exp(Z[out + k, s] - top)
        lse = top + math.log(sum_exp)
        for k in range(n_out):
            total += Y[point, k] * (lse - Z[out + k, s])
        return total
    for k in range(n_out):
        d = A[out + k, s] - Y[point, k]
        total += d * d if loss == LOSS_SQUARE else 0.5 * d * d
    return total


@INLINE
def _classes(Y, point, A, s, out, n_out, threshold):  # type: ignore[no-untyped-def]
    """(true class, predicted class) of one point (see core.metrics): one unit
    compares with the threshold where the label scale is 0; several, the
    largest (the first of equals; a NaN counts as the largest, as np.argmax)."""
    if n_out == 1:
        return (1 if Y[point, 0] > threshold else 0), (1 if A[out, s] >= threshold else 0)
    true = 0
    for k in range(1, n_out):
        if Y[point, k] > Y[point, true]:
            true = k
    predicted = 0
    top = A[out, s]
    if top == top:
        for k in range(1, n_out):
            value = A[out + k, s]
            if value != value:
                predicted = k
                break
            if value > top:
                top = value
                predicted = k
    return true, predicted


@JIT
def mean_loss_blocks(X, Y, sizes, w, b, codes, w_off, b_off, n_off, Z, A, confusion, threshold):  # type: ignore[no-untyped-def]
    """The mean loss over the rows of X (NaN for none), and, when ``confusion``
    (classes, classes) is not empty, each point counted into it as
    [true class, predicted class]: the metrics come with the losses' pass."""
    n = X.shape[0]
    if n == 0:
        return np.nan
    n_layers = sizes.shape[0] - 1
    out = n_off[n_layers]
    n_out = sizes[n_layers]
    counting = confusion.shape[0] > 0
    total = 0.0
    block = Z.shape[1]
    for start in range(0, n, block):
        m = min(block, n - start)
        forward(X, start, m, sizes, w, b, w_off, b_off, n_off, codes[HIDDEN], codes[OUTPUT], Z, A)
        for s in range(m):  # summed in the points' order
            total += _point_loss(codes[LOSS], Y, start + s, Z, A, s, out, n_out)
        if counting:
            for s in range(m):
                true, predicted = _classes(Y, start + s, A, s, out, n_out, threshold)
                confusion[true, predicted] += 1
    return total / n


@JIT
def mean_loss(X, Y, sizes, w, b, codes):  # type: ignore[no-untyped-def]
    """The displayed loss: the mean error over the points, summed in order (NaN for no points)."""
    w_off, b_off, n_off = offsets(sizes)
    Z = np.empty((n_off[-1], BLOCK))
    A = np.empty((n_off[-1], BLOCK))
    return mean_loss_blocks(X, Y, sizes, w, b, codes, w_off, b_off, n_off, Z, A, np.zeros((0, 0), np.int64), 0.0)


@JIT
def backward(Y, start, m, sizes, w, dead, acc_w, acc_b, codes, w_off, b_off, n_off, Z, A, D):  # type: ignore[no-untyped-def]
    """Accumulate the gradients of points start .. start + m (their Z, A from _forward); D: (nodes, points) δ."""
    n_layers = sizes.shape[0] - 1
    hidden = codes[HIDDEN]
    for layer in range(n_layers - 1, -1, -1):
        n_in = sizes[layer]
        n_out = sizes[layer + 1]
        src = n_off[layer]
        dst = n_off[layer + 1]
        for j in range(n_out):
            row = dst + j
            if layer == n_layers - 1:
                for s in range(m):
                    D[row, s] = _output_delta(codes, Z[row, s], A[row, s], Y[start + s, j])
            else:  # D holds ∂E/∂a here (set below by the layer above)
                for s in range(m):
                    D[row, s] = D[row, s] * _der(hidden, Z[row, s], A[row, s])
            bj = b_off[layer] + j
            total = acc_b[bj]
            for s in range(m):  # the points in order
                total += D[row, s]
            acc_b[bj] = total
            for i in range(n_in):
                k = w_off[layer] + i * n_out + j
                if dead[k]:
                    continue
                total = acc_w[k]
                for s in range(m):
                    total += D[row, s] * A[src + i, s]
                acc_w[k] = total
        if layer == 0:
            continue
        for i in range(n_in):  # ∂E/∂a of the layer below: Σ_j w·δ, j in order
            row_w = w_off[layer] + i * n_out
            for s in range(m):
                D[src + i, s] = 0.0
            for j in range(n_out):
                weight = w[row_w + j]
                for s in range(m):
                    D[src + i, s] += weight * D[dst + j, s]


@INLINE
def forward_one(X, point, sizes, w, b, w_off, b_off, n_off, hidden, output, Z, A):  # type: ignore[no-untyped-def]
    """``forward`` for one point (column 0): no loops over points, for batch 1."""
    n_layers = sizes.shape[0] - 1
    for i in range(sizes[0]):
        A[i, 0] = X[point, i]
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
                total += w[base + i * n_out] * A[src + i, 0]
            Z[dst + j, 0] = total
            if code != SOFTMAX:
                A[dst + j, 0] = _act(code, total)
        if code == SOFTMAX:
            _softmax(Z, A, dst, n_out, 0)


@INLINE
def backward_one(Y, point, sizes, w, dead, acc_w, acc_b, codes, w_off, b_off, n_off, Z, A, D):  # type: ignore[no-untyped-def]
    """``backward`` for one point (column 0), for batch 1."""
    n_layers = sizes.shape[0] - 1
    hidden = codes[HIDDEN]
    for layer in range(n_layers - 1, -1, -1):
        n_in = sizes[layer]
        n_out = sizes[layer + 1]
        src = n_off[layer]
        dst = n_off[layer + 1]
        for j in range(n_out):
            row = dst + j
            if layer == n_layers - 1:
                D[row, 0] = _output_delta(codes, Z[row, 0], A[row, 0], Y[point, j])
            else:
                D[row, 0] = D[row, 0] * _der(hidden, Z[row, 0], A[row, 0])
            d = D[row, 0]
            acc_b[b_off[layer] + j] += d
            for i in range(n_in):
                k = w_off[layer] + i * n_out + j
                if not dead[k]:
                    acc_w[k] += d * A[src + i, 0]
        if layer == 0:
            continue
        for i in range(n_in):
            total = 0.0
            row_w = w_off[layer] + i * n_out
            for j in range(n_out):
                total += w[row_w + j] * D[dst + j, 0]
            D[src + i, 0] = total
