"""The lecture's decomposition of a gradient, with live numbers.

For one weight (or bias) and one training point: the node's weighted input
as its sum of terms (z = b + Σ w·o) and its output f(z) (σ(2.3) = 0.909 in
the worked example), the error at the output, the slope of the activation at
z, the source node's output, ∂E/∂w, the learning rate and the step; for a
hidden node, the back-propagated error as the weighted sum of the next
layer's δ, term by term.  Also the next real update (core.nextupdate): the
same averaged over the mini-batch it uses, carried remainder included.  The
loss along one weight is core.lossslice; the layer's matrix form,
core.matrixview.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from core.activations import LOSSES, OUTPUTS
from core.backprop import point_gradients
from core.errors import InvalidValue
from core.link import Link
from core.lossslice import loss_slice
from core.network import Network
from core.nextupdate import next_update
from core.training import TrainingRule

__all__ = ["Link", "explain", "loss_slice", "point_gradients"]


def explain(
    network: Network,
    X: np.ndarray,
    Y: np.ndarray,
    rule: TrainingRule,
    link: Link,
    point: int,
    position: int = 0,
) -> dict[str, Any]:
    """Every quantity of the lecture's formula for ``link`` and training row ``point``;
    ``position``: where the current pass stands (for the next real update, ``batch``)."""
    link.check(network)
    n = X.shape[0]
    if isinstance(point, bool) or not 0 <= point < n:
        raise InvalidValue("point", f"expected a training-point index from 0 to {n - 1}, got {point!r}")
    passes = point_gradients(network, X[point : point + 1], Y[point : point + 1], rule.loss)
    layer, j = link.layer + 1, link.target
    is_output = layer == network.n_layers
    activation = network.output_activation if is_output else network.activation
    unit = j if is_output else 0  # the output unit whose error is shown (one unit but for softmax)
    output = float(passes["a"][-1][0, unit])
    target = float(Y[point, unit])
    combined = LOSSES[rule.loss].combined
    value = link.get(network)
    source_output = 1.0 if link.source is None else float(passes["a"][link.layer][0, link.source])
    delta = float(passes["delta"][layer][0, j])
    gradient = delta * source_output
    backprop = None
    if not is_output:
        W_next = network.weights[layer]
        next_delta = passes["delta"][layer + 1][0]
        terms = [
            {
                "node": k,
                "weight": float(W_next[j, k]),
                "delta": float(next_delta[k]),
                "product": float(W_next[j, k] * next_delta[k]),
            }
            for k in range(W_next.shape[1])
        ]
        backprop = {"terms": terms, "sum": float(passes["dE_da"][layer][0, j])}
    dead = link.source is not None and bool(network.dead[link.layer][link.source, j])
    result: dict[str, Any] = {
        "kind": "bias" if link.source is None else "weight",
        "layer": link.layer,
        "source": link.source,
        "target": j,
        "node": {"layer": layer, "index": j, "activation": activation, "is_output": is_output},
        "point": {"index": point, "inputs": X[point].tolist(), "target": target},
        "loss": rule.loss,
        "loss_formula": LOSSES[rule.loss].formula,
        "output": output,
        "outputs": passes["a"][-1][0].tolist(),
        "targets": Y[point].tolist(),
        "error": target - output,
        "dE_do": float(passes["dE_da"][-1][0, unit]),
        "combined": combined and is_output,  # δ = o − t: the output's slope cancels against the loss
        "z": float(passes["z"][layer][0, j]),
        "z_terms": _z_terms(network, passes, link),
        "node_output": float(passes["a"][layer][0, j]),  # f(z): σ(2.3) = 0.909 on the slide
        "slope": 1.0 if combined and is_output else float(OUTPUTS[activation].der(passes["z"][layer])[0, j]),
        "slope_formula": OUTPUTS[activation].slope,
        "dE_da": float(passes["dE_da"][layer][0, j]),
        "backprop": backprop,
        "delta": delta,
        "source_output": source_output,
        "gradient": gradient,
        "learning_rate": rule.learning_rate,
        "value": value,
        "step": -rule.learning_rate * gradient,
        "new_weight": value - rule.learning_rate * gradient,
        "dead": dead,
        "batch": next_update(network, X, Y, rule, link, position),
    }
    return result


def _z_terms(network: Network, passes: dict[str, list[np.ndarray]], link: Link) -> dict[str, Any]:
    """The target node's weighted input as the slide writes it, z = b + Σᵢ wᵢ·oᵢ
    (2.0·0.4 + 3.0·0.5 = 2.3): the bias, then one term per source node, in order."""
    weights = network.weights[link.layer][:, link.target]
    outputs = passes["a"][link.layer][0]
    terms = [
        {"source": i, "weight": float(w), "output": float(o), "product": float(w * o)}
        for i, (w, o) in enumerate(zip(weights.tolist(), outputs.tolist(), strict=True))
    ]
    return {
        "bias": float(network.biases[link.layer][link.target]),
        "terms": terms,
        "sum": float(passes["z"][link.layer + 1][0, link.target]),
    }
