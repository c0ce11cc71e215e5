"""The lecture's matrix form of a layer's weight update, with live numbers:

    ΔW = α · (E ∘ f′(z)) · oᵀ

E is the column of error terms of the layer's target nodes (t − o at the
output, as the slide writes it for ½(t − o)²; in general −∂E/∂o, which is
2(t − o) for (t − o)²; the recombined error Σ w·δ at a hidden layer), f′(z)
the slope of their activation (the slide's o(1 − o) is the sigmoid's), and
oᵀ the row of the previous layer's outputs.  With one point per update the
matrix is exactly the next update; with more it is the mean over the
update's points (and any gradients carried into it), and says so.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from core.activations import LOSSES, OUTPUTS
from core.backprop import point_gradients
from core.errors import InvalidValue
from core.network import Network
from core.nextupdate import next_rows
from core.training import TrainingRule

__all__ = ["weight_update_matrix"]


def weight_update_matrix(
    network: Network, X: np.ndarray, Y: np.ndarray, rule: TrainingRule, layer: int, position: int = 0
) -> dict[str, Any]:
    """ΔW of weight layer ``layer`` (0: from the inputs) for the next update, as plain data.

    ``matrix[k][j]`` is the change of the weight from source node j to target node k (the
    slide's orientation: target nodes down, source nodes across); ``columns[s]`` is E ∘ f′(z)
    and ``rows[s]`` is o for each point s of the update (``points``); ``mean`` says the matrix
    is the mean over more than one point; ``carried`` counts gradients carried into it from the
    last pass.  ``equals_next_update``: plain SGD, no regularisation and no dead link, where
    the next update changes the weights by exactly this matrix (biases change by ``bias_step``).
    """
    if isinstance(layer, bool) or not isinstance(layer, int) or not 0 <= layer < network.n_layers:
        raise InvalidValue("layer", f"expected 0 to {network.n_layers - 1}, got {layer!r}")
    rows = next_rows(X.shape[0], rule.batch_size, position)
    is_output = layer == network.n_layers - 1
    activation = network.output_activation if is_output else network.activation
    combined = is_output and LOSSES[rule.loss].combined
    about: dict[str, Any] = {
        "layer": layer,
        "learning_rate": rule.learning_rate,
        "activation": activation,
        "slope_formula": "1 (cross-entropy: the slope cancels)" if combined else OUTPUTS[activation].slope,
        "error": "output" if is_output else "hidden",  # t − o (−∂E/∂o), or the recombined Σ w·δ
        "loss": rule.loss,
    }
    if rows is None:
        return {**about, "complete": False, "points": [], "count": 0, "carried": int(network.counters[0])}
    passes = point_gradients(network, X[rows], Y[rows], rule.loss)
    node = layer + 1
    delta = passes["delta"][node]  # (points, targets): ∂E/∂z
    errors = -passes["dE_da"][node]  # E = −∂E/∂o
    slopes = np.ones_like(delta) if combined else OUTPUTS[activation].der(passes["z"][node])
    columns = -delta  # E ∘ f′(z)
    outputs = passes["a"][layer]  # (points, sources)
    carried = int(network.counters[0])
    count = carried + len(rows)
    pending = network.layers[layer]
    lr = rule.learning_rate
    matrix = lr * (columns.T @ outputs - pending.pending_weights.T) / count  # (targets, sources)
    matrix[network.dead[layer].T] = 0.0  # a dead link never changes
    bias_step = lr * (columns.sum(axis=0) - pending.pending_biases) / count
    plain = rule.optimizer == "sgd" and rule.regularization == "none"
    return {
        **about,
        "complete": True,
        "points": rows,
        "count": count,
        "carried": carried,
        "mean": count > 1,
        "errors": errors.tolist(),
        "slopes": slopes.tolist(),
        "columns": columns.tolist(),
        "rows": outputs.tolist(),
        "matrix": matrix.tolist(),
        "bias_step": bias_step.tolist(),
        "equals_next_update": plain,
    }
