"""Registries of the numerical building blocks, keyed by the names the URL,
the API and the page use.  Each entry carries the integer code the compiled
kernel dispatches on, and a NumPy form for vectorised evaluation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = ["Activation", "ACTIVATIONS", "OUTPUTS", "output_function", "softmax"]
__all__ += ["Regularizer", "REGULARIZERS", "Loss", "LOSSES"]

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
    slope: str = ""  # f'(z) as the explainer writes it (the lecture's o(1 − o) for the sigmoid)


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        # np.maximum keeps NaN, as JavaScript's Math.max(0, NaN) does
        Activation(
            "relu",
            0,
            _relu,
            lambda z: np.where(z <= 0, 0.0, 1.0),
            lambda z: np.maximum(z, 0.0, out=z),
            "1 if z > 0, else 0",
        ),
        Activation("tanh", 1, np.tanh, lambda z: 1 - np.tanh(z) ** 2, lambda z: np.tanh(z, out=z), "1 − tanh²(z)"),
        Activation(
            "sigmoid", 2, _sigmoid, lambda z: _sigmoid(z) * (1 - _sigmoid(z)), _sigmoid_inplace, "σ(z)(1 − σ(z))"
        ),
        Activation("linear", 3, lambda z: z, lambda z: np.ones_like(z), lambda z: z, "1"),
    )
}


def softmax(z: Array, axis: int = -1) -> Array:
    """exp(z − max) / Σ exp(z − max) along ``axis``: no overflow for any finite z."""
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(z - np.max(z, axis=axis, keepdims=True))
        out: Array = e / np.sum(e, axis=axis, keepdims=True)
    return out


# What an output layer may use: any activation, or a softmax over its units
# (three or more classes with cross-entropy).  Code 4 in the kernel.
OUTPUTS: dict[str, Activation] = {
    **ACTIVATIONS,
    # der: the Jacobian's diagonal s(1 − s); cross-entropy folds it into δ = o − t
    "softmax": Activation("softmax", 4, softmax, lambda z: softmax(z) * (1 - softmax(z)), softmax, "s(z)(1 − s(z))"),
}


def output_function(name: str, z: Array, axis: int = 1, inplace: bool = False) -> Array:
    """The layer function ``name`` applied to z; a softmax runs along ``axis`` (the units)."""
    if name == "softmax":
        return softmax(z, axis=axis)
    activation = ACTIVATIONS[name]
    return activation.f_inplace(z) if inplace else activation.f(z)


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


def _cross_entropy(o: Array, t: Array, z: Array) -> Array:
    """Per unit, so that the units' sum is the point's loss, from the logits z:
    one unit: binary cross-entropy of σ(z), max(z, 0) − z·t + log(1 + e^−|z|);
    several: categorical cross-entropy of softmax(z), t·(log Σ e^z − z)."""
    with np.errstate(over="ignore", invalid="ignore"):
        if z.shape[-1] == 1:
            out: Array = np.maximum(z, 0) - z * t + np.log1p(np.exp(-np.abs(z)))
            return out
        top = np.max(z, axis=-1, keepdims=True)
        lse = top + np.log(np.sum(np.exp(z - top), axis=-1, keepdims=True))
        per_unit: Array = t * (lse - z)
        return per_unit


@dataclass(frozen=True)
class Loss:
    name: str
    code: int
    formula: str
    f: Callable[[Array, Array, Array], Array]  # per point and unit: (output, target, logit) -> error
    der: Callable[[Array, Array], Array]  # dE/d(output); with ``combined``, δ = dE/dz itself
    combined: bool = False  # δ at the output is o − t (cross-entropy with its sigmoid/softmax)


LOSSES: dict[str, Loss] = {
    loss.name: loss
    for loss in (
        # The original's error: half the squared difference.
        Loss("half-square", 0, "½(o − t)²", lambda o, t, z: 0.5 * (o - t) ** 2, lambda o, t: o - t),
        # The lecture's E = (t − o)²; its derivative keeps the factor 2.
        Loss("square", 1, "(t − o)²", lambda o, t, z: (t - o) ** 2, lambda o, t: 2 * (o - t)),
        # −t·log o − (1 − t)·log(1 − o) (sigmoid), −Σ t·log o (softmax); computed from the logits
        Loss("cross-entropy", 2, "−Σ t·log o", _cross_entropy, lambda o, t: o - t, combined=True),
    )
}
