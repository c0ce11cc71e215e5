"""Registries of the numerical building blocks, keyed by the names the URL,
the API and the page use.  Each entry carries the integer code the compiled
kernel dispatches on, and a NumPy form for vectorised evaluation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = ["Activation", "ACTIVATIONS", "Regularizer", "REGULARIZERS", "Loss", "LOSSES"]

Array = np.ndarray


def _sigmoid(z: Array) -> Array:
    with np.errstate(over="ignore"):
        out: Array = 1 / (1 + np.exp(-z))
    return out


def _relu(z: Array) -> Array:
    return np.where(z > 0, z, np.where(np.isnan(z), z, 0.0))


def _sigmoid_inplace(z: Array) -> Array:
    with np.errstate(over="ignore"):
        np.negative(z, out=z)
        np.exp(z, out=z)
    z += 1.0
    np.reciprocal(z, out=z)
    return z


@dataclass(frozen=True)
class Activation:
    name: str
    code: int  # the kernel's switch value
    f: Callable[[Array], Array]
    der: Callable[[Array], Array]  # f'(z), computed from z as the original does
    f_inplace: Callable[[Array], Array]  # f, overwriting its argument (the heatmap pass)


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        # np.maximum keeps NaN, as JavaScript's Math.max(0, NaN) does
        Activation("relu", 0, _relu, lambda z: np.where(z <= 0, 0.0, 1.0), lambda z: np.maximum(z, 0.0, out=z)),
        Activation("tanh", 1, np.tanh, lambda z: 1 - np.tanh(z) ** 2, lambda z: np.tanh(z, out=z)),
        Activation("sigmoid", 2, _sigmoid, lambda z: _sigmoid(z) * (1 - _sigmoid(z)), _sigmoid_inplace),
        Activation("linear", 3, lambda z: z, lambda z: np.ones_like(z), lambda z: z),
    )
}


@dataclass(frozen=True)
class Regularizer:
    name: str  # "none" is the original's omitted value
    code: int
    der: Callable[[Array], Array]


REGULARIZERS: dict[str, Regularizer] = {
    r.name: r
    for r in (
        Regularizer("none", 0, lambda w: np.zeros_like(w)),
        Regularizer("L1", 1, np.sign),
        Regularizer("L2", 2, lambda w: w),
    )
}


@dataclass(frozen=True)
class Loss:
    name: str
    code: int
    formula: str
    f: Callable[[Array, Array], Array]  # per point: (output, target) -> error
    der: Callable[[Array, Array], Array]  # dE/d(output)


LOSSES: dict[str, Loss] = {
    loss.name: loss
    for loss in (
        # The original's error: half the squared difference.
        Loss("half-square", 0, "½(o − t)²", lambda o, t: 0.5 * (o - t) ** 2, lambda o, t: o - t),
        # The lecture's E = (t − o)²; its derivative keeps the factor 2.
        Loss("square", 1, "(t − o)²", lambda o, t: (t - o) ** 2, lambda o, t: 2 * (o - t)),
    )
}
