"""Forward and backward passes in NumPy, for the explainer's numbers: every
layer's weighted inputs, outputs, ∂E/∂(output) and δ for a few rows.

An independent formulation of what the compiled kernel computes (matrix
products over the rows instead of the original's per-point loops), so the
explainer's numbers and the kernel's updates check each other.
"""

from __future__ import annotations

import numpy as np

from core.activations import ACTIVATIONS, LOSSES, OUTPUTS
from core.link import Link
from core.network import Network

__all__ = ["point_gradients", "row_gradients"]


def point_gradients(network: Network, X: np.ndarray, Y: np.ndarray, loss: str) -> dict[str, list[np.ndarray]]:
    """Forward and backward passes for the rows of X (n, n_in) and targets Y (n, n_out).

    Returns per layer l (1 .. L): ``a`` node outputs (a[0] are the inputs),
    ``z`` weighted inputs, ``dE_da`` ∂E/∂(output), ``delta`` ∂E/∂z; every
    array is (n, nodes).  With cross-entropy the output's δ is o − t (its
    sigmoid or softmax slope cancels), and ``dE_da`` there is o − t too.
    """
    hidden = ACTIVATIONS[network.activation] if network.n_layers > 1 else None
    z, a = network.forward_all(X)
    n_layers = network.n_layers
    rule = LOSSES[loss]
    with np.errstate(over="ignore", invalid="ignore"):
        dE_da: list[np.ndarray] = [np.zeros(0)] * (n_layers + 1)
        delta: list[np.ndarray] = [np.zeros(0)] * (n_layers + 1)
        dE_da[n_layers] = rule.der(a[n_layers], Y)
        for layer in range(n_layers, 0, -1):
            if layer == n_layers:
                slope = 1.0 if rule.combined else OUTPUTS[network.output_activation].der(z[layer])
            else:
                assert hidden is not None
                slope = hidden.der(z[layer])
            delta[layer] = dE_da[layer] * slope
            if layer > 1:
                dE_da[layer - 1] = delta[layer] @ network.weights[layer - 1].T
    return {"a": a, "z": z, "dE_da": dE_da, "delta": delta}


def row_gradients(passes: dict[str, list[np.ndarray]], link: Link) -> np.ndarray:
    """∂E/∂(link's parameter) for each row of ``passes``: δ of the target node times the source's output."""
    delta: np.ndarray = passes["delta"][link.layer + 1][:, link.target]
    if link.source is None:
        return delta
    gradient: np.ndarray = delta * passes["a"][link.layer][:, link.source]
    return gradient
