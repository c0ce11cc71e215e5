"""One trainable parameter of a network, addressed as the page addresses it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.errors import InvalidValue
from core.kernel_passes import offsets
from core.network import Network

__all__ = ["Link"]


@dataclass(frozen=True)
class Link:
    """A weight (``source`` set) or a bias (``source`` None) of ``network``.

    ``layer`` 0 holds the links from the inputs (and the biases of the first
    hidden layer); ``source`` and ``target`` are node indices in the two layers.
    """

    layer: int
    source: int | None
    target: int

    def check(self, network: Network) -> None:
        n_layers = network.n_layers
        if isinstance(self.layer, bool) or not 0 <= self.layer < n_layers:
            raise InvalidValue("layer", f"expected 0 to {n_layers - 1}, got {self.layer!r}")
        n_in, n_out = network.weights[self.layer].shape
        if not 0 <= self.target < n_out:
            raise InvalidValue("target", f"expected 0 to {n_out - 1} in layer {self.layer + 1}, got {self.target!r}")
        if self.source is not None and not 0 <= self.source < n_in:
            raise InvalidValue("source", f"expected 0 to {n_in - 1} in layer {self.layer}, got {self.source!r}")

    def flat_index(self, network: Network) -> tuple[int, int]:
        """(index in ``network.w``, index in ``network.b``), -1 for the one it is not:
        how the compiled kernel names the one parameter it trains with ``train=selected``."""
        self.check(network)
        w_off, b_off, _ = offsets(network.sizes)  # the kernel's layout (core.kernel_passes)
        if self.source is None:
            return -1, int(b_off[self.layer]) + self.target
        return int(w_off[self.layer]) + self.source * int(network.sizes[self.layer + 1]) + self.target, -1

    def _view(self, network: Network, kind: str, slot: int = 0) -> tuple[np.ndarray, tuple[int, ...]]:
        """The network's buffer of ``kind`` for this link's layer, and the link's index in it."""
        layer = network.layers[self.layer]
        if self.source is None:
            arrays = {"value": layer.biases, "pending": layer.pending_biases, "slot": layer.slot_biases[slot]}
            return arrays[kind], (self.target,)
        arrays = {"value": layer.weights, "pending": layer.pending_weights, "slot": layer.slot_weights[slot]}
        return arrays[kind], (self.source, self.target)

    def get(self, network: Network, kind: str = "value", slot: int = 0) -> float:
        """The link's value, its pending (accumulated) gradient, or an optimizer slot."""
        array, index = self._view(network, kind, slot)
        return float(array[index])

    def set(self, network: Network, value: float) -> None:
        array, index = self._view(network, "value")
        array[index] = value

    def to_dict(self) -> dict[str, int | None]:
        return {"layer": self.layer, "source": self.source, "target": self.target}
