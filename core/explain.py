"""The lecture's decomposition of a gradient, with live numbers.

For one weight (or bias) and one training point: the error at the output,
the slope of the activation at the node's weighted input, the source
node's output, ∂E/∂w, the learning rate and the step; for a hidden node,
the back-propagated error as the weighted sum of the next layer's δ, term
by term.  Also the same averaged over the mini-batch that the next update
really uses (with any remainder carried from the previous epoch), and the
training loss as a function of that one weight (the "mountain in the dark").
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.activations import ACTIVATIONS, LOSSES, OUTPUTS, REGULARIZERS, output_function
from core.errors import InvalidValue
from core.network import Network
from core.optimizers import BETA1, BETA2, EPSILON, OPTIMIZERS, RHO
from core.training import TrainingRule, mean_loss

__all__ = ["Link", "explain", "loss_slice", "point_gradients"]


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


def _per_row_gradient(passes: dict[str, list[np.ndarray]], link: Link) -> np.ndarray:
    delta: np.ndarray = passes["delta"][link.layer + 1][:, link.target]
    if link.source is None:
        return delta
    gradient: np.ndarray = delta * passes["a"][link.layer][:, link.source]
    return gradient


def explain(
    network: Network,
    X: np.ndarray,
    Y: np.ndarray,
    rule: TrainingRule,
    link: Link,
    point: int,
) -> dict[str, Any]:
    """Every quantity of the lecture's formula for ``link`` and training row ``point``."""
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
            {"node": k, "weight": float(W_next[j, k]), "delta": float(next_delta[k]),
             "product": float(W_next[j, k] * next_delta[k])}
            for k in range(W_next.shape[1])
        ]  # fmt: skip
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
        "slope": 1.0 if combined and is_output else float(OUTPUTS[activation].der(passes["z"][layer])[0, j]),
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
        "batch": _next_update(network, X, Y, rule, link),
    }
    return result


def _next_update(network: Network, X: np.ndarray, Y: np.ndarray, rule: TrainingRule, link: Link) -> dict[str, Any]:
    """The next real update: the first mini-batch of the next epoch plus any
    gradients carried from the last one, exactly as the kernel will apply it."""
    pending = int(network.counters[0])
    rows = min(rule.batch_size, X.shape[0])
    value = link.get(network)
    if pending + rows < rule.batch_size or rows < rule.batch_size:
        return {"points": list(range(rows)), "pending": pending, "count": pending + rows, "complete": False,
                "gradient": None, "step": None, "new_weight": value}  # fmt: skip
    passes = point_gradients(network, X[:rows], Y[:rows], rule.loss)
    carried = link.get(network, "pending")
    dead = link.source is not None and bool(network.dead[link.layer][link.source, link.target])
    count = pending + rows
    total = float(_per_row_gradient(passes, link).sum()) + carried
    lr = rule.learning_rate
    regularization = None
    optimizer = None
    if dead:
        new = value
    elif link.source is None:
        new, optimizer = _optimizer_step(network, rule, link, value, total, count)  # biases are never regularised
    else:
        reg_der = float(REGULARIZERS[rule.regularization].der(np.array(value)))
        w1, optimizer = _optimizer_step(network, rule, link, value, total, count)
        w2 = w1 - (lr * rule.regularization_rate) * reg_der
        new = 0.0 if rule.regularization == "L1" and w1 * w2 < 0 else w2
        if rule.regularization != "none":
            regularization = {"name": rule.regularization, "rate": rule.regularization_rate, "derivative": reg_der,
                              "step": -(lr * rule.regularization_rate) * reg_der}  # fmt: skip
    gradient = total / count
    return {
        "points": list(range(rows)),
        "pending": pending,
        "count": count,
        "complete": True,
        "gradient": gradient,
        "step": -lr * gradient if optimizer is None else optimizer["step"],
        "optimizer": optimizer,
        "regularization": regularization,
        "new_weight": new,
    }


def _optimizer_step(
    network: Network, rule: TrainingRule, link: Link, value: float, total: float, count: int
) -> tuple[float, dict[str, Any] | None]:
    """The optimizer's step for one parameter (before regularisation), as the
    kernel takes it, and its terms for the explainer (None for plain sgd)."""
    lr = rule.learning_rate
    is_bias = link.source is None
    plain = lr * total / count if is_bias else (lr / count) * total  # α·g as the original forms it
    if rule.optimizer == "sgd":
        return value - plain, None
    g = total / count
    t = int(network.counters[1]) + 1
    terms: dict[str, Any] = {"name": rule.optimizer, "formula": OPTIMIZERS[rule.optimizer].formula, "gradient": g}
    if rule.optimizer == "momentum":
        velocity = rule.momentum * link.get(network, "slot", 0) - plain
        terms.update(momentum=rule.momentum, velocity=link.get(network, "slot", 0), new_velocity=velocity)
        new = value + velocity
    elif rule.optimizer == "rmsprop":
        s = RHO * link.get(network, "slot", 0) + (1.0 - RHO) * (g * g)
        terms.update(rho=RHO, epsilon=EPSILON, s=link.get(network, "slot", 0), new_s=s)
        new = value - lr * g / (math.sqrt(s) + EPSILON)
    else:
        m = BETA1 * link.get(network, "slot", 0) + (1.0 - BETA1) * g
        v = BETA2 * link.get(network, "slot", 1) + (1.0 - BETA2) * (g * g)
        m_hat, v_hat = m / (1.0 - BETA1**t), v / (1.0 - BETA2**t)
        terms.update(beta1=BETA1, beta2=BETA2, epsilon=EPSILON, t=t, m=m, v=v, m_hat=m_hat, v_hat=v_hat)
        new = value - lr * m_hat / (math.sqrt(v_hat) + EPSILON)
    terms["step"] = new - value
    return new, terms


def loss_slice(
    network: Network,
    X: np.ndarray,
    Y: np.ndarray,
    rule: TrainingRule,
    link: Link,
    samples: int = 61,
    span: float | None = None,
) -> dict[str, Any]:
    """The mean training loss as a function of one weight, everything else fixed.

    Includes the value now, the tangent's slope there (∂L/∂w of the plotted
    mean loss over every training point) and where the next update lands.
    """
    link.check(network)
    value = link.get(network)
    span = span if span is not None else max(2.0, 1.5 * abs(value))
    values = np.linspace(value - span, value + span, samples)
    passes = point_gradients(network, X, Y, rule.loss)
    losses = _losses_along(network, passes, Y, rule.loss, link, values - value)
    current = mean_loss(network, X, Y, rule.loss)
    slope = float(_per_row_gradient(passes, link).mean())
    landing = _next_update(network, X, Y, rule, link)["new_weight"]
    probe = network.copy()
    link.set(probe, landing)
    return {
        "values": values.tolist(),
        "losses": losses.tolist(),
        "current": {"value": value, "loss": current},
        "slope": slope,
        "next": {"value": landing, "loss": mean_loss(probe, X, Y, rule.loss)},
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
