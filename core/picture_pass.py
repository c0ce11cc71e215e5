"""The pass that draws pictures: every node of a network over the heatmap's
grid, in float32, in one compiled call (core.boundary quantises the result
to bytes, steps of 1/127).

Training and the displayed losses use the C library's tanh, bit for bit
(core.kernel_passes).  A picture does not need that: here tanh is a
rational function that the loops over points can vectorise, accurate to
1e-6 absolute in float32 (tests/core/test_picture_pass.py checks it against
NumPy's float64 tanh), more than a hundred times finer than a byte.

tanh(x) ≈ x · P(x²) / Q(x²) for |x| <= 9, where tanh rounds to ±1 in
float32; P (degree 4) and Q (degree 3, Q(0) = 1) were fitted to tanh on
[0, 9] by iteratively reweighted least squares towards the smallest largest
error (scripts/fit_tanh32.py prints them again).  sigmoid(z) is computed as
½ + ½·tanh(z/2), the same function.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from core.kernel_passes import LINEAR, RELU, SIGMOID, TANH, offsets

__all__ = ["forward_nodes32", "tanh32", "TANH32_P", "TANH32_Q", "TANH32_LIMIT"]

TANH32_P = (
    0.9999976286814448,
    0.12606699254938303,
    0.0025921933162393104,
    6.4286581452953545e-06,
    -4.932956724220125e-09,
)
TANH32_Q = (1.0, 0.45939223744147517, 0.022397737243218235, 0.000183734428541053)
TANH32_LIMIT = 9.0

# float32 constants, so that the arithmetic stays in float32 (twice the lanes of float64)
_P0, _P1, _P2, _P3, _P4 = (np.float32(c) for c in TANH32_P)
_Q1, _Q2, _Q3 = (np.float32(c) for c in TANH32_Q[1:])
_LIMIT = np.float32(TANH32_LIMIT)
_ONE = np.float32(1.0)
_HALF = np.float32(0.5)
_ZERO = np.float32(0.0)

BLOCK = 512  # points per block: a 6 x 8 network's rows for one block fit in the L2 cache
JIT = njit(cache=True, nogil=True, error_model="numpy")
INLINE = njit(cache=True, nogil=True, error_model="numpy", inline="always")


@INLINE
def _tanh(x):  # type: ignore[no-untyped-def]
    """The rational tanh of one float32 (NaN stays NaN, ±1 from ±9 on)."""
    c = min(max(x, -_LIMIT), _LIMIT)
    t = c * c
    p = (((_P4 * t + _P3) * t + _P2) * t + _P1) * t + _P0
    q = ((_Q3 * t + _Q2) * t + _Q1) * t + _ONE
    r = min(max(c * p / q, -_ONE), _ONE)
    r = _ONE if x >= _LIMIT else (-_ONE if x <= -_LIMIT else r)  # tanh rounds to ±1 out there
    return r if x == x else x


@JIT
def tanh32(x, out):  # type: ignore[no-untyped-def]
    """out[k] = the rational tanh of x[k] (float32 arrays), for tests and callers outside a pass."""
    for k in range(x.shape[0]):
        out[k] = _tanh(x[k])


@INLINE
def _activate(code, z):  # type: ignore[no-untyped-def]
    """A node's function over its row, in place; one loop per function, so each vectorises."""
    if code == TANH:
        for s in range(z.shape[0]):
            z[s] = _tanh(z[s])
    elif code == SIGMOID:
        for s in range(z.shape[0]):
            z[s] = _HALF + _HALF * _tanh(_HALF * z[s])
    elif code == RELU:
        for s in range(z.shape[0]):
            v = z[s]
            z[s] = v if (v > _ZERO or v != v) else _ZERO


@INLINE
def _source(inputs, out, layer, below, i, start, stop):  # type: ignore[no-untyped-def]
    """Source node ``i`` of ``layer`` over points start .. stop: an input feature, or a node below."""
    return inputs[i, start:stop] if layer == 0 else out[below + i, start:stop]


@JIT
def forward_nodes32(inputs, sizes, w, b, hidden, output, out):  # type: ignore[no-untyped-def]
    """``inputs`` (n_in, m) float32 through the network whose flat weights
    and biases are ``w``, ``b`` (laid out as core.kernel_passes says):
    ``out`` (hidden + output nodes, m) float32 receives every node's value,
    each node's row contiguous.  ``hidden`` / ``output``: the functions'
    codes; LINEAR for an output the caller finishes itself (a softmax).

    Points go in blocks of BLOCK, every layer at a time, so a block's rows
    stay in the cache; a node's sum takes its sources four at a time (one
    pass over the block per four sources, not per source)."""
    w_off, b_off, _ = offsets(sizes)
    n_layers = sizes.shape[0] - 1
    m = inputs.shape[1]
    for start in range(0, m, BLOCK):
        stop = min(start + BLOCK, m)
        n = stop - start
        row = 0  # this layer's first row of out
        below = 0  # the layer below's first row of out (layer > 0)
        for layer in range(n_layers):
            n_in = sizes[layer]
            n_out = sizes[layer + 1]
            code = output if layer == n_layers - 1 else hidden
            for j in range(n_out):
                z = out[row + j, start:stop]
                bias = np.float32(b[b_off[layer] + j])
                for s in range(n):
                    z[s] = bias
                link = w_off[layer] + j  # weight (i -> j) is w[link + i * n_out]
                i = 0
                while i + 3 < n_in:
                    w0 = np.float32(w[link + i * n_out])
                    w1 = np.float32(w[link + (i + 1) * n_out])
                    w2 = np.float32(w[link + (i + 2) * n_out])
                    w3 = np.float32(w[link + (i + 3) * n_out])
                    a0 = _source(inputs, out, layer, below, i, start, stop)
                    a1 = _source(inputs, out, layer, below, i + 1, start, stop)
                    a2 = _source(inputs, out, layer, below, i + 2, start, stop)
                    a3 = _source(inputs, out, layer, below, i + 3, start, stop)
                    for s in range(n):
                        z[s] += (w0 * a0[s] + w1 * a1[s]) + (w2 * a2[s] + w3 * a3[s])
                    i += 4
                while i < n_in:
                    w0 = np.float32(w[link + i * n_out])
                    a0 = _source(inputs, out, layer, below, i, start, stop)
                    for s in range(n):
                        z[s] += w0 * a0[s]
                    i += 1
                if code != LINEAR:
                    _activate(code, z)
            below = row
            row += n_out
