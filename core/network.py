"""A fully connected network held in flat float64 buffers.

``weights[l]`` (n_in, n_out), ``biases[l]`` (n_out,) and ``dead[l]``
(n_in, n_out) are views into one buffer each, so the compiled kernel trains
the same memory that the views show.  Any shape from zero hidden layers up;
the 6 x 8 limit belongs to the page's configuration, not to the network.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from core.activations import ACTIVATIONS
from core.errors import InvalidValue
from core.kernel import offsets
from core.rng import SeedRandom

__all__ = ["Network", "INITS"]

# Weight initialisation schemes.  Each draws one value per link, layer by
# layer, then destination node, then source node, from the session's stream.
INITS = ("uniform", "lecture", "normal")

# The flat buffers that make up a network's trainable state (see state_dict).
_STATE_BUFFERS = ("w", "b", "dead_flat", "acc_w", "acc_b", "counters")


def _draw(rng: SeedRandom, scheme: str, fan_in: int) -> float:
    if scheme == "uniform":  # the original: r - 0.5, i.e. U(-0.5, 0.5)
        return rng.random() - 0.5
    bound = 1 / math.sqrt(fan_in)
    if scheme == "lecture":  # U(-1/sqrt(fan-in), +1/sqrt(fan-in))
        return (2 * rng.random() - 1) * bound
    # "normal": the book's N(0, 1/fan-in), by the same polar method as gauss data
    while True:
        v1 = 2 * rng.random() - 1
        v2 = 2 * rng.random() - 1
        s = v1 * v1 + v2 * v2
        if 0 < s <= 1:
            return math.sqrt(-2 * math.log(s) / s) * v1 * bound


class Network:
    """Weights, biases, dead-link masks and the not-yet-applied gradients."""

    def __init__(
        self,
        sizes: Sequence[int],
        activation: str = "tanh",
        output_activation: str = "tanh",
    ) -> None:
        if len(sizes) < 2 or any(int(n) < 0 for n in sizes) or int(sizes[-1]) < 1:
            raise InvalidValue("sizes", f"need an input layer and at least one output unit, got {list(sizes)}")
        for field, name in (("activation", activation), ("output_activation", output_activation)):
            if name not in ACTIVATIONS:
                raise InvalidValue(field, f"unknown activation {name!r}; allowed: {', '.join(ACTIVATIONS)}")
        self.sizes = np.array([int(n) for n in sizes], dtype=np.int64)
        self.activation = activation
        self.output_activation = output_activation
        w_off, b_off, _ = offsets(self.sizes)
        self.w = np.zeros(int(w_off[-1]))  # every weight, layer by layer
        self.b = np.zeros(int(b_off[-1]))  # every bias
        self.dead_flat = np.zeros(int(w_off[-1]), dtype=np.bool_)
        self.acc_w = np.zeros_like(self.w)  # gradients accumulated since the last update
        self.acc_b = np.zeros_like(self.b)
        self.counters = np.zeros(2, dtype=np.int64)  # [accumulated, updates so far]
        shapes = list(zip(self.sizes[:-1], self.sizes[1:], strict=True))
        self.weights = [self.w[w_off[k] : w_off[k + 1]].reshape(shape) for k, shape in enumerate(shapes)]
        self.biases = [self.b[b_off[k] : b_off[k + 1]] for k in range(len(shapes))]
        self.dead = [self.dead_flat[w_off[k] : w_off[k + 1]].reshape(shape) for k, shape in enumerate(shapes)]

    # -- construction -------------------------------------------------------

    @classmethod
    def build(
        cls,
        sizes: Sequence[int],
        activation: str,
        output_activation: str,
        rng: SeedRandom,
        init: str = "uniform",
        init_zero: bool = False,
        bias: float = 0.1,
    ) -> Network:
        """A fresh network, drawing its weights from ``rng`` in the original's order.

        ``init_zero`` zeroes weights and biases but still draws the numbers,
        so the stream continues exactly as in the original.
        """
        if init not in INITS:
            raise InvalidValue("init", f"unknown scheme {init!r}; allowed: {', '.join(INITS)}")
        net = cls(sizes, activation, output_activation)
        for weights in net.weights:
            n_in, n_out = weights.shape
            for j in range(n_out):
                for i in range(n_in):
                    weights[i, j] = _draw(rng, init, n_in)
        net.b[:] = bias
        if init_zero:
            net.w[:] = 0.0
            net.b[:] = 0.0
        return net

    def copy(self) -> Network:
        other = Network(self.sizes.tolist(), self.activation, self.output_activation)
        for name in ("w", "b", "dead_flat", "acc_w", "acc_b", "counters"):
            getattr(other, name)[:] = getattr(self, name)
        return other

    # -- state ----------------------------------------------------------------

    def state_dict(self) -> dict[str, np.ndarray]:
        """Copies of every flat buffer that training reads or writes, by name:
        weights, biases, dead links, pending gradients and the counters."""
        return {name: getattr(self, name).copy() for name in _STATE_BUFFERS}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Load buffers saved by ``state_dict`` into this network (same shape).

        Every buffer must be present with this network's size; values are
        cast to each buffer's type.  Raises InvalidValue naming the buffer at
        fault, and changes nothing unless every buffer fits.
        """
        unknown = sorted(set(state) - set(_STATE_BUFFERS))
        if unknown:
            raise InvalidValue(unknown[0], f"unknown buffer; expected: {', '.join(_STATE_BUFFERS)}")
        arrays = {}
        for name in _STATE_BUFFERS:
            if name not in state:
                raise InvalidValue(name, "missing")
            target = getattr(self, name)
            try:
                array = np.asarray(state[name], dtype=target.dtype)
            except (TypeError, ValueError):
                raise InvalidValue(name, f"expected {target.dtype} values") from None
            if array.shape != target.shape:
                raise InvalidValue(name, f"expected shape {list(target.shape)}, got {list(array.shape)}")
            arrays[name] = array
        for name, array in arrays.items():
            getattr(self, name)[:] = array

    @property
    def n_layers(self) -> int:
        """Number of weight layers (hidden layers + 1)."""
        return len(self.weights)

    @property
    def n_weights(self) -> int:
        return int(self.w.shape[0])

    # -- evaluation ---------------------------------------------------------

    def forward(self, X: np.ndarray) -> list[np.ndarray]:
        """Every layer's outputs for the rows of ``X`` (n, n_in): [(n, n_in), ..., (n, n_out)]."""
        hidden = ACTIVATIONS[self.activation].f
        last = ACTIVATIONS[self.output_activation].f
        outputs = [np.asarray(X, dtype=np.float64)]
        with np.errstate(over="ignore", invalid="ignore"):
            for k, (W, b) in enumerate(zip(self.weights, self.biases, strict=True)):
                z = outputs[-1] @ W + b  # (n, n_out)
                outputs.append((last if k == self.n_layers - 1 else hidden)(z))
        return outputs

    def predict(self, X: np.ndarray) -> np.ndarray:
        """The output unit(s) for the rows of ``X``: (n, n_in) -> (n,) or (n, n_out)."""
        out = self.forward(X)[-1]
        return out[:, 0] if out.shape[1] == 1 else out

    # -- restoring ------------------------------------------------------------

    def assign(
        self,
        weights: Sequence[Sequence[Sequence[float]]],
        biases: Sequence[Sequence[float]],
        dead: Sequence[Sequence[Sequence[bool]]] | None = None,
        pending: tuple[int, Sequence[Sequence[Sequence[float]]], Sequence[Sequence[float]]] | None = None,
    ) -> None:
        """Load a trained state (e.g. one sent back by a client).

        Shapes must match this network's; ``pending`` is (count, weight
        gradients, bias gradients) accumulated but not yet applied.
        Raises InvalidValue naming the part that does not fit.
        """
        w_shapes = [w.shape for w in self.weights]
        b_shapes = [b.shape for b in self.biases]
        updates: list[tuple[np.ndarray, np.ndarray]] = [
            (self.w, _as_layers("weights", weights, w_shapes, np.float64)),
            (self.b, _as_layers("biases", biases, b_shapes, np.float64)),
        ]
        if dead is not None:
            updates.append((self.dead_flat, _as_layers("dead", dead, w_shapes, np.bool_)))
        if pending is not None:
            count, acc_w, acc_b = pending
            if isinstance(count, bool) or not isinstance(count, int) or count < 0:
                raise InvalidValue("pending.count", f"expected a non-negative integer, got {count!r}")
            updates.append((self.acc_w, _as_layers("pending.weights", acc_w, w_shapes, np.float64)))
            updates.append((self.acc_b, _as_layers("pending.biases", acc_b, b_shapes, np.float64)))
        for target, flat in updates:  # only after every part has been checked
            target[:] = flat
        if pending is not None:
            self.counters[0] = pending[0]


def _as_layers(name: str, layers: Sequence[Any], shapes: list[tuple[int, ...]], dtype: type) -> np.ndarray:
    """Nested per-layer lists -> one flat array, checking every layer's shape."""
    if len(layers) != len(shapes):
        raise InvalidValue(name, f"expected {len(shapes)} layers, got {len(layers)}")
    flat = []
    for k, (layer, shape) in enumerate(zip(layers, shapes, strict=True)):
        try:
            array: np.ndarray = np.asarray(layer, dtype=dtype)
        except (TypeError, ValueError):
            raise InvalidValue(f"{name}[{k}]", f"expected numbers with shape {list(shape)}") from None
        if array.shape != shape:
            raise InvalidValue(f"{name}[{k}]", f"expected shape {list(shape)}, got {list(array.shape)}")
        if dtype is np.float64 and not np.isfinite(array).all():
            raise InvalidValue(f"{name}[{k}]", "expected finite numbers")
        flat.append(array.ravel())
    return np.concatenate(flat) if flat else np.zeros(0, dtype=dtype)
