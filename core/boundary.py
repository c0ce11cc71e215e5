"""Heatmaps: every node's output over the [-6, 6]^2 grid, quantised to bytes.

The original evaluates the network at 100 x 100 grid points; the output node
fills the big heatmap and every other node (the input features included)
gets a 10 x 10 thumbnail, the same grid averaged over 10 x 10 blocks.  Here
one vectorised pass computes all of them.

Byte encoding (one byte per cell): a value v in [-1, 1] becomes
``floor((v + 1) * 127 + 0.5)`` (0 = -1, 127 = 0, 254 = +1), clamped; a negative
value never maps onto 127, so "Discretize output" (v >= 0) can be read off
the byte; 255 is reserved for NaN.  Decode with ``(b - 127) / 127``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numba import njit

from core.features import FEATURES, feature_matrix
from core.network import Network

__all__ = ["DENSITY", "THUMB", "DOMAIN", "NAN_BYTE", "Frame", "grid_axes", "render", "quantize", "decode"]

DENSITY = 100  # cells per side of the big heatmap
THUMB = 10  # cells per side of a node's thumbnail
DOMAIN = 6.0  # the grid spans [-6, 6] in x and y
NAN_BYTE = 255


def grid_axes(density: int = DENSITY) -> tuple[np.ndarray, np.ndarray]:
    """Cell centres as the original's d3 scales give them: x runs from -6
    (left) to +6, y from +6 (top row) to -6."""
    t = np.arange(density, dtype=np.float64) / (density - 1)
    xs = -DOMAIN * (1 - t) + DOMAIN * t
    ty = (np.arange(density, dtype=np.float64) - (density - 1)) / (0 - (density - 1))
    ys = -DOMAIN * (1 - ty) + DOMAIN * ty
    return xs, ys


@lru_cache(maxsize=4)
def _grid_points(density: int) -> tuple[np.ndarray, np.ndarray]:
    xs, ys = grid_axes(density)
    gx, gy = np.meshgrid(xs, ys)  # (density, density): row = y, column = x
    return gx.ravel(), gy.ravel()


@lru_cache(maxsize=64)
def _grid_inputs(features: tuple[str, ...], density: int, scaling: str = "raw") -> np.ndarray:
    """The features at every grid point, node-major: (n_features, density**2)."""
    gx, gy = _grid_points(density)
    inputs = np.ascontiguousarray(feature_matrix(features, gx, gy, scaling).T)
    inputs.setflags(write=False)
    return inputs


@lru_cache(maxsize=64)
def _grid_inputs32(features: tuple[str, ...], scaling: str) -> np.ndarray:
    """``_grid_inputs`` in float32, for the heatmap pass."""
    inputs = _grid_inputs(features, DENSITY, scaling).astype(np.float32)
    inputs.setflags(write=False)
    return inputs


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _byte(v):  # type: ignore[no-untyped-def]
    """One value's byte (see the module's docstring)."""
    if v != v:
        return NAN_BYTE
    byte = math.floor((min(max(v, -1.0), 1.0) + 1.0) * 127.0 + 0.5)
    return 126 if (v < 0 and byte >= 127) else byte


@njit(cache=True, nogil=True, error_model="numpy")
def _quantize_flat(values, out):  # type: ignore[no-untyped-def]
    for k in range(values.shape[0]):
        out[k] = _byte(values[k])


def quantize(values: np.ndarray) -> np.ndarray:
    """Values -> bytes, as described in the module docstring (one compiled pass)."""
    values = np.ascontiguousarray(values, dtype=np.float64)
    out = np.empty(values.shape, dtype=np.uint8)
    _quantize_flat(values.reshape(-1), out.reshape(-1))
    return out


def decode(data: np.ndarray) -> np.ndarray:
    """Bytes -> values in [-1, 1]; NaN for the reserved byte."""
    values: np.ndarray = (data.astype(np.float64) - 127.0) / 127.0
    values[data == NAN_BYTE] = np.nan
    return values


@njit(cache=True, nogil=True, error_model="numpy")
def _block_means(grids, out):  # type: ignore[no-untyped-def]
    """out[node, by, bx]: the mean of a side x side block.  A band of rows is
    summed column by column first (contiguous loops that vectorise), then
    each block's columns."""
    width = grids.shape[2]
    side = width // out.shape[2]
    columns = np.empty(width)
    for node in range(grids.shape[0]):
        for by in range(out.shape[1]):
            columns[:] = 0.0
            for r in range(by * side, (by + 1) * side):
                row = grids[node, r]
                for c in range(width):
                    columns[c] += row[c]
            for bx in range(out.shape[2]):
                total = 0.0
                for c in range(bx * side, (bx + 1) * side):
                    total += columns[c]
                out[node, by, bx] = total / (side * side)


@njit(cache=True, nogil=True, error_model="numpy")
def _summarise(grids, means, thumbs, outputs):  # type: ignore[no-untyped-def]
    """From the node grids (nodes, 100, 100): their thumbnails' bytes
    (block means, in ``means`` first) and the last ``outputs.shape[0]``
    grids' bytes.  One compiled call, so a frame gives up the GIL once."""
    _block_means(grids, means)
    for node in range(means.shape[0]):
        for by in range(means.shape[1]):
            for bx in range(means.shape[2]):
                thumbs[node, by, bx] = _byte(means[node, by, bx])
    first = grids.shape[0] - outputs.shape[0]
    for unit in range(outputs.shape[0]):
        for r in range(grids.shape[1]):
            for c in range(grids.shape[2]):
                outputs[unit, r, c] = _byte(grids[first + unit, r, c])


def _thumbnails(grids: np.ndarray) -> np.ndarray:
    """(nodes, 100, 100) -> (nodes, 10, 10) block averages."""
    thumbs = np.empty((grids.shape[0], THUMB, THUMB))
    _block_means(np.ascontiguousarray(grids), thumbs)
    return thumbs


@lru_cache(maxsize=4)
def _feature_thumbnail_bytes(scaling: str) -> np.ndarray:
    all_features = tuple(FEATURES)
    grids = _grid_inputs(all_features, DENSITY, scaling).reshape(len(all_features), DENSITY, DENSITY)
    thumbs = quantize(_thumbnails(grids))
    thumbs.setflags(write=False)
    return thumbs


@dataclass(frozen=True)
class Frame:
    """One picture of the network: what a page draws."""

    output: np.ndarray  # (100, 100) uint8: the output node over the grid (the last class's for a softmax)
    outputs: np.ndarray  # (output units, 100, 100) uint8: every output unit (one per class for a softmax)
    thumbnails: np.ndarray  # (7 + hidden + outputs, 10, 10) uint8: features, then nodes
    grids: np.ndarray  # (hidden + outputs, 100, 100) float32: every node's full grid
    scaling: str = "raw"  # how the features were scaled

    def node_grid(self, node: int) -> np.ndarray:
        """A node's full 100 x 100 grid as bytes (node numbering as ``thumbnails``)."""
        n_features = len(FEATURES)
        if node < n_features:
            name = tuple(FEATURES)[node]
            values = _grid_inputs((name,), DENSITY, self.scaling)[0].reshape(DENSITY, DENSITY)
        else:
            values = self.grids[node - n_features]
        return quantize(values)


def render(
    network: Network,
    features: tuple[str, ...],
    scaling: str = "raw",
    decode: Callable[[np.ndarray], np.ndarray] | None = None,
    scratch: Callable[[int], np.ndarray] | None = None,
) -> Frame:
    """All heatmaps of ``network`` (whose inputs are ``features``) in one pass.

    ``scratch(n)``: a float32 buffer of at least ``n`` values to compute the
    grids in, reused from frame to frame by a caller that is done with the
    Frame's ``grids`` before the next call (a play tick: no fresh
    quarter-megabyte, and its page faults, per frame).

    ``decode`` maps the output units (rows: points, columns: units) onto the
    label scale for display; hidden nodes are shown as they are.

    Node-major layout (Network.forward_nodes): each layer is (n_out, 10000),
    computed straight into one buffer, so every node's grid is contiguous
    and no transpose or concatenation copies are needed.
    """
    inputs = _grid_inputs32(features, scaling)  # (n_in, 10000)
    n_nodes = network.b.shape[0]  # one bias per node: the hidden and output nodes
    cells = n_nodes * DENSITY * DENSITY
    buffer = np.empty(cells, dtype=np.float32) if scratch is None else scratch(cells)
    flat = buffer[:cells].reshape(n_nodes, DENSITY * DENSITY)
    network.forward_nodes(inputs, flat)
    if decode is not None:
        out = flat[n_nodes - int(network.sizes[-1]) :]  # (output units, 10000)
        with np.errstate(over="ignore", invalid="ignore"):
            out[:] = decode(out.T).T  # after the pass: the display copy only
    grids = flat.reshape(n_nodes, DENSITY, DENSITY)
    feature_thumbs = _feature_thumbnail_bytes(scaling)
    n_features = feature_thumbs.shape[0]
    thumbs = np.empty((n_features + n_nodes, THUMB, THUMB), dtype=np.uint8)
    thumbs[:n_features] = feature_thumbs
    outputs = np.empty((int(network.sizes[-1]), DENSITY, DENSITY), dtype=np.uint8)
    _summarise(grids, np.empty((n_nodes, THUMB, THUMB)), thumbs[n_features:], outputs)
    return Frame(output=outputs[-1], outputs=outputs, thumbnails=thumbs, grids=grids, scaling=scaling)
