"""The loss as a function of one weight, everything else fixed: the lecture's
mountain in the dark, with the tangent now and where the next update lands.

The curve is the mean loss over every training point.  The next update,
though, follows its own rows (one mini-batch, plus any gradients carried
from the last pass): where those are not simply every training point, the
slice also draws that update's own loss along the weight, whose slope at the
current value is exactly the gradient the update follows, so the "next
update" marker never points uphill on its own curve (plain SGD; momentum and
the adaptive optimizers take other steps).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from core.activations import LOSSES, output_function
from core.backprop import point_gradients, row_gradients
from core.link import Link
from core.network import Network
from core.nextupdate import next_update
from core.training import TrainingRule, mean_loss

__all__ = ["loss_slice"]


def loss_slice(
    network: Network,
    X: np.ndarray,
    Y: np.ndarray,
    rule: TrainingRule,
    link: Link,
    samples: int = 61,
    position: int = 0,
    span: float | None = None,
) -> dict[str, Any]:
    """The mean training loss along one weight (``values``, ``losses``), the value now
    (``current``), the tangent's ``slope`` there, where the next update lands (``next``),
    which loss is drawn (``drawn``), and ``batch``: the next update's own curve, or None
    where it follows every training point with nothing carried."""
    link.check(network)
    value = link.get(network)
    update = next_update(network, X, Y, rule, link, position)
    landing = float(update["new_weight"])
    if span is None:  # wide enough to show where the update lands (an overshoot jumps far)
        span = max(2.0, 1.5 * abs(value), 1.2 * abs(landing - value))
    values = np.linspace(value - span, value + span, samples)
    passes = point_gradients(network, X, Y, rule.loss)
    losses = _losses_along(network, passes, Y, rule.loss, link, values - value)
    probe = network.copy()
    link.set(probe, landing)
    return {
        "values": values.tolist(),
        "losses": losses.tolist(),
        "current": {"value": value, "loss": mean_loss(network, X, Y, rule.loss)},
        "slope": float(row_gradients(passes, link).mean()),
        "next": {"value": landing, "loss": mean_loss(probe, X, Y, rule.loss)},
        "drawn": {"points": "all", "count": int(X.shape[0])},  # the mean over every training point
        "batch": _batch_curve(network, X, Y, rule, link, update, values - value, landing - value),
    }


def _batch_curve(
    network: Network,
    X: np.ndarray,
    Y: np.ndarray,
    rule: TrainingRule,
    link: Link,
    update: dict[str, Any],
    shifts: np.ndarray,
    landing_shift: float,
) -> dict[str, Any] | None:
    """The function the next update descends, along the weight: the mean loss of its rows,
    plus the carried gradient's linear term (so its slope now is the update's gradient), plus
    the regularisation penalty the update also follows (rate·w²/2 for L2, rate·|w| for L1)."""
    rows = update["points"]
    everything = rows == list(range(X.shape[0])) and update["pending"] == 0
    if not update["complete"] or everything:
        return None
    count = update["count"]
    carried = link.get(network, "pending")
    sub = point_gradients(network, X[rows], Y[rows], rule.loss)
    both = np.append(shifts, [0.0, landing_shift])  # the curve, then the value now and where the update lands
    along = (len(rows) * _losses_along(network, sub, Y[rows], rule.loss, link, both) + carried * both) / count
    if link.source is not None and rule.regularization != "none":
        weights = link.get(network) + both
        penalty = 0.5 * weights**2 if rule.regularization == "L2" else np.abs(weights)
        along = along + rule.regularization_rate * penalty
    return {
        "points": rows,
        "pending": update["pending"],
        "count": count,
        "losses": along[:-2].tolist(),
        "current": float(along[-2]),
        "slope": update["gradient"],
        "next": {"value": update["new_weight"], "loss": float(along[-1])},
    }


def _losses_along(
    network: Network,
    passes: dict[str, list[np.ndarray]],
    Y: np.ndarray,
    loss: str,
    link: Link,
    shifts: np.ndarray,
) -> np.ndarray:
    """Mean loss for each shift of one weight, all candidates at once.

    Only the target node's weighted input changes (by shift x source output,
    or by the shift itself for a bias); the layers before it are reused and
    the layers after it run once over (candidates x points) rows.
    """
    layer = link.layer + 1
    n_points = Y.shape[0]
    k = shifts.shape[0]
    source = np.ones(n_points) if link.source is None else passes["a"][link.layer][:, link.source]
    z = np.repeat(passes["z"][layer][None, :, :], k, axis=0)  # (k, n, nodes)
    z[:, :, link.target] += shifts[:, None] * source[None, :]

    def function(index: int) -> str:  # layer index 1 .. L
        return network.output_activation if index == network.n_layers else network.activation

    with np.errstate(over="ignore", invalid="ignore"):
        a = output_function(function(layer), z, axis=-1).reshape(k * n_points, -1)
        z_last = z.reshape(k * n_points, -1)
        for next_layer in range(layer, network.n_layers):
            z_last = a @ network.weights[next_layer] + network.biases[next_layer]
            a = output_function(function(next_layer + 1), z_last, axis=-1)
        shape = (k, n_points, -1)
        errors = LOSSES[loss].f(a.reshape(shape), Y[None, :, :], z_last.reshape(shape))  # (k, n, n_out)
    result: np.ndarray = errors.sum(axis=2).mean(axis=1)
    return result
