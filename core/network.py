"""A fully connected network held in flat float64 buffers, with named views.

Every buffer a network needs to continue exactly lives here: weights,
biases, dead-link flags, the gradients accumulated but not yet applied
(with their count), the update counter, and the optimizer's per-parameter
state.  Each is one flat buffer (what the compiled kernel trains) and
per-layer views into it (``network.layers[l].weights`` is (n_in, n_out)), so
nothing outside this class slices the buffers.  ``state_dict`` names them.
Any shape from zero hidden layers up; the 6 x 8 limit belongs to the page's
configuration, not to the network.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.activations import OUTPUTS, output_function
from core.errors import InvalidValue
from core.inits import INITS, draw
from core.kernel_passes import LINEAR, offsets
from core.optimizers import OPTIMIZERS
from core.picture_pass import forward_nodes32
from core.rng import SeedRandom

__all__ = ["Network", "Layer", "INITS"]

N_SLOTS = 2  # optimizer state buffers per parameter (adam's m and v)


@dataclass(frozen=True)
class Layer:
    """Views into the network's buffers for one weight layer."""

    weights: np.ndarray  # (n_in, n_out): weights[i, j] links source i to node j
    biases: np.ndarray  # (n_out,)
    dead: np.ndarray  # (n_in, n_out) bool: killed by L1, never trained again
    pending_weights: np.ndarray  # (n_in, n_out): gradients accumulated since the last update
    pending_biases: np.ndarray  # (n_out,)
    slot_weights: tuple[np.ndarray, ...]  # optimizer state per slot, each (n_in, n_out)
    slot_biases: tuple[np.ndarray, ...]  # each (n_out,)


class Network:
    """Weights, biases, dead-link masks, pending gradients and optimizer state."""

    def __init__(
        self,
        sizes: Sequence[int],
        activation: str = "tanh",
        output_activation: str = "tanh",
        optimizer: str = "sgd",
    ) -> None:
        if len(sizes) < 2 or any(int(n) < 0 for n in sizes) or int(sizes[-1]) < 1:
            raise InvalidValue("sizes", f"need an input layer and at least one output unit, got {list(sizes)}")
        for field, name, allowed in (
            ("activation", activation, [n for n in OUTPUTS if n != "softmax"]),
            ("output_activation", output_activation, list(OUTPUTS)),
            ("optimizer", optimizer, list(OPTIMIZERS)),
        ):
            if name not in allowed:
                raise InvalidValue(field, f"{name!r} is not allowed; allowed: {', '.join(allowed)}")
        self.sizes = np.array([int(n) for n in sizes], dtype=np.int64)
        self.activation = activation
        self.output_activation = output_activation
        self.optimizer = optimizer
        w_off, b_off, _ = offsets(self.sizes)
        n_w, n_b = int(w_off[-1]), int(b_off[-1])
        self.w = np.zeros(n_w)  # every weight, layer by layer, row-major
        self.b = np.zeros(n_b)  # every bias
        self.dead_flat = np.zeros(n_w, dtype=np.bool_)
        self.acc_w = np.zeros(n_w)  # gradients accumulated since the last update
        self.acc_b = np.zeros(n_b)
        self.slot_w = np.zeros((N_SLOTS, n_w))  # optimizer state (see core.optimizers)
        self.slot_b = np.zeros((N_SLOTS, n_b))
        self.counters = np.zeros(2, dtype=np.int64)  # [accumulated, updates so far]
        shapes = list(zip(self.sizes[:-1].tolist(), self.sizes[1:].tolist(), strict=True))

        def w_view(flat: np.ndarray, k: int) -> np.ndarray:
            return flat[w_off[k] : w_off[k + 1]].reshape(shapes[k])

        def b_view(flat: np.ndarray, k: int) -> np.ndarray:
            return flat[b_off[k] : b_off[k + 1]]

        self.layers = [
            Layer(
                weights=w_view(self.w, k),
                biases=b_view(self.b, k),
                dead=w_view(self.dead_flat, k),
                pending_weights=w_view(self.acc_w, k),
                pending_biases=b_view(self.acc_b, k),
                slot_weights=tuple(w_view(self.slot_w[s], k) for s in range(N_SLOTS)),
                slot_biases=tuple(b_view(self.slot_b[s], k) for s in range(N_SLOTS)),
            )
            for k in range(len(shapes))
        ]
        self.weights = [layer.weights for layer in self.layers]
        self.biases = [layer.biases for layer in self.layers]
        self.dead = [layer.dead for layer in self.layers]

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
        optimizer: str = "sgd",
        init_value: float = 0.0,
    ) -> Network:
        """A fresh network, drawing its weights from ``rng`` in the original's order.

        ``init_zero`` zeroes weights and biases but still draws the numbers,
        so the stream continues exactly as in the original; ``init="equal"``
        does the same with ``init_value`` (0: the same as ``init_zero``).
        """
        if init not in INITS:
            raise InvalidValue("init", f"unknown scheme {init!r}; allowed: {', '.join(INITS)}")
        net = cls(sizes, activation, output_activation, optimizer)
        for weights in net.weights:
            n_in, n_out = weights.shape
            for j in range(n_out):
                for i in range(n_in):
                    weights[i, j] = draw(rng, init, n_in)
        net.b[:] = bias
        if init_zero or init == "equal":
            same = 0.0 if init_zero else float(init_value)
            net.w[:] = same
            net.b[:] = same
        return net

    def copy(self) -> Network:
        other = Network(self.sizes.tolist(), self.activation, self.output_activation, self.optimizer)
        other.load_state_dict(self.state_dict())
        return other

    @property
    def n_layers(self) -> int:
        """Number of weight layers (hidden layers + 1)."""
        return len(self.layers)

    @property
    def n_weights(self) -> int:
        return int(self.w.shape[0])

    @property
    def slot_names(self) -> tuple[str, ...]:
        """The optimizer's names for slots 0, 1, ... (e.g. adam: m, v)."""
        return OPTIMIZERS[self.optimizer].slots

    # -- evaluation ---------------------------------------------------------

    def forward_all(self, X: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Weighted inputs and outputs of every layer for the rows of ``X`` (n, n_in).

        Returns (z, a): z[l] and a[l] are (n, nodes of layer l); a[0] = X and
        z[0] is empty.  Each node's sum is bias + Σ w·a (matrix products).
        """
        a = [np.asarray(X, dtype=np.float64)]
        z = [np.zeros((a[0].shape[0], 0))]
        with np.errstate(over="ignore", invalid="ignore"):
            for k, layer in enumerate(self.layers):
                z.append(a[-1] @ layer.weights + layer.biases)  # (n, n_out)
                a.append(output_function(self._function(k), z[-1], axis=1))
        return z, a

    def forward(self, X: np.ndarray) -> list[np.ndarray]:
        """Every layer's outputs for the rows of ``X`` (n, n_in): [(n, n_in), ..., (n, n_out)]."""
        return self.forward_all(X)[1]

    def forward_nodes(self, inputs: np.ndarray, out: np.ndarray) -> None:
        """The same pass, node-major, in float32, for pictures: ``inputs``
        (n_in, m) float32 -> ``out`` (hidden + output nodes, m) float32, each
        node's row contiguous (the heatmaps; a cell is one byte in the end).
        One compiled call (core.picture_pass, with its vectorised tanh); a
        softmax output is finished here, over the units of each point."""
        softmax = self.output_activation == "softmax"
        output = LINEAR if softmax else OUTPUTS[self.output_activation].code
        forward_nodes32(inputs, self.sizes, self.w, self.b, OUTPUTS[self.activation].code, output, out)
        if softmax:
            z = out[out.shape[0] - int(self.sizes[-1]) :]
            with np.errstate(over="ignore", invalid="ignore"):  # a diverged network's logits draw as NaN
                z[:] = output_function("softmax", z, axis=0)

    def predict(self, X: np.ndarray) -> np.ndarray:
        """The output unit(s) for the rows of ``X``: (n, n_in) -> (n,) or (n, n_out)."""
        out = self.forward(X)[-1]
        return out[:, 0] if out.shape[1] == 1 else out

    def _function(self, k: int) -> str:
        return self.output_activation if k == self.n_layers - 1 else self.activation

    # -- state --------------------------------------------------------------

    def named_buffers(self) -> Iterator[tuple[str, np.ndarray]]:
        """Every buffer a network needs to continue exactly, by name (views)."""
        for k, layer in enumerate(self.layers):
            yield f"layers.{k}.weights", layer.weights
            yield f"layers.{k}.biases", layer.biases
            yield f"layers.{k}.dead", layer.dead
            yield f"layers.{k}.pending.weights", layer.pending_weights
            yield f"layers.{k}.pending.biases", layer.pending_biases
            for s, slot in enumerate(self.slot_names):
                yield f"layers.{k}.{slot}.weights", layer.slot_weights[s]
                yield f"layers.{k}.{slot}.biases", layer.slot_biases[s]
        yield "pending.count", self.counters[0:1]
        yield "updates", self.counters[1:2]

    def state_dict(self) -> dict[str, np.ndarray]:
        """Copies of every buffer, by name (see ``named_buffers``)."""
        return {name: view.copy() for name, view in self.named_buffers()}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Load every buffer from ``state`` (as ``state_dict`` gives it).

        Every name must be present with this network's shape; floats finite,
        counts non-negative.  Raises InvalidValue naming the first part that
        does not fit, and then changes nothing.
        """
        expected = dict(self.named_buffers())
        unknown = sorted(set(state) - set(expected))
        if unknown:
            raise InvalidValue(unknown[0], f"not part of this network; expected: {', '.join(expected)}")
        checked = []
        for name, view in expected.items():
            if name not in state:
                raise InvalidValue(name, "missing")
            checked.append((view, _checked(name, state[name], view)))
        for view, array in checked:
            view[...] = array

    def assign(
        self,
        weights: Sequence[Sequence[Sequence[float]]],
        biases: Sequence[Sequence[float]],
        dead: Sequence[Sequence[Sequence[bool]]] | None = None,
        pending: tuple[int, Sequence[Sequence[Sequence[float]]], Sequence[Sequence[float]]] | None = None,
        optimizer_state: dict[str, Any] | None = None,
    ) -> None:
        """Load a trained state from nested per-layer lists (e.g. sent by a client).

        ``pending`` is (count, weight gradients, bias gradients) accumulated
        but not yet applied; ``optimizer_state`` is ``{"updates": t, slot:
        {"weights": ..., "biases": ...}}`` for each of the optimizer's slots.
        Parts left out keep their current values.  Raises InvalidValue naming
        the part that does not fit, and then changes nothing.
        """
        state: dict[str, Any] = dict(self.state_dict())
        n = self.n_layers
        state.update(_per_layer("weights", weights, "layers.{}.weights", n))
        state.update(_per_layer("biases", biases, "layers.{}.biases", n))
        if dead is not None:
            state.update(_per_layer("dead", dead, "layers.{}.dead", n))
        if pending is not None:
            count, acc_w, acc_b = pending
            state["pending.count"] = _count("pending.count", count)
            state.update(_per_layer("pending.weights", acc_w, "layers.{}.pending.weights", n))
            state.update(_per_layer("pending.biases", acc_b, "layers.{}.pending.biases", n))
        if optimizer_state is not None:
            if not isinstance(optimizer_state, dict):
                raise InvalidValue("optimizer_state", "expected an object")
            allowed = {"updates", *self.slot_names}
            for key in optimizer_state:
                if key not in allowed:
                    raise InvalidValue(
                        f"optimizer_state.{key}", f"not used by {self.optimizer}; allowed: {', '.join(sorted(allowed))}"
                    )
            if "updates" in optimizer_state:
                state["updates"] = _count("optimizer_state.updates", optimizer_state["updates"])
            for slot in self.slot_names:
                if slot in optimizer_state:
                    part = optimizer_state[slot]
                    if not isinstance(part, dict) or set(part) != {"weights", "biases"}:
                        raise InvalidValue(f"optimizer_state.{slot}", "expected {weights, biases}")
                    for kind in ("weights", "biases"):
                        state.update(
                            _per_layer(f"optimizer_state.{slot}.{kind}", part[kind], f"layers.{{}}.{slot}.{kind}", n)
                        )
        self.load_state_dict(state)

    def optimizer_state(self) -> dict[str, Any]:
        """``{"updates": t, slot: {"weights": [...], "biases": [...]}}`` as per-layer arrays."""
        state: dict[str, Any] = {"updates": int(self.counters[1])}
        for s, slot in enumerate(self.slot_names):
            state[slot] = {
                "weights": [layer.slot_weights[s] for layer in self.layers],
                "biases": [layer.slot_biases[s] for layer in self.layers],
            }
        return state


def _count(name: str, value: Any) -> np.ndarray:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise InvalidValue(name, f"expected a non-negative integer, got {value!r}")
    return np.array([value], dtype=np.int64)


def _per_layer(name: str, layers: Any, key: str, n_layers: int) -> dict[str, Any]:
    if isinstance(layers, (str, bytes)) or not isinstance(layers, Sequence) or len(layers) != n_layers:
        raise InvalidValue(name, f"expected {n_layers} layers")
    return {key.format(k): (f"{name}[{k}]", layer) for k, layer in enumerate(layers)}


def _checked(name: str, value: Any, like: np.ndarray) -> np.ndarray:
    """``value`` as an array shaped and typed like ``like``, or InvalidValue."""
    from_client = isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str)
    if from_client:
        name, value = value  # (the caller's name for it, the value), from assign's _per_layer
    try:
        array: np.ndarray = np.asarray(value, dtype=like.dtype) if like.dtype != np.bool_ else np.asarray(value)
    except (TypeError, ValueError):
        raise InvalidValue(name, f"expected numbers with shape {list(like.shape)}") from None
    if array.shape != like.shape:
        raise InvalidValue(name, f"expected shape {list(like.shape)}, got {list(array.shape)}")
    if like.dtype == np.bool_:
        if array.size and array.dtype != np.bool_:
            raise InvalidValue(name, "expected true or false")
        return array.astype(np.bool_)
    if from_client and like.dtype == np.float64 and not np.isfinite(array).all():
        raise InvalidValue(name, "expected finite numbers")  # a saved state may hold a diverged network's NaNs
    if like.dtype == np.int64 and (array < 0).any():
        raise InvalidValue(name, "expected non-negative counts")
    return array
