"""The next real update, predicted exactly as the compiled kernel will make it.

The next update adds the rows from the current position up to the next
position of the pass that is a multiple of the batch size (at a pass's end,
the rows left and then the next pass's first batch) to the gradients carried
so far, and applies their mean: the optimizer's step, then the original's
regularisation.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from core.activations import REGULARIZERS
from core.backprop import point_gradients, row_gradients
from core.link import Link
from core.network import Network
from core.optimizers import BETA1, BETA2, EPSILON, OPTIMIZERS, RHO
from core.training import TrainingRule

__all__ = ["next_rows", "next_update"]


def next_rows(n: int, batch: int, position: int) -> list[int] | None:
    """The training rows the next update adds, in order, from row ``position`` of the
    current pass (None: no update ever happens, the batch is larger than the set)."""
    if batch > n:
        return None
    stop = position + batch - position % batch
    if stop <= n:
        return list(range(position, stop))
    return [*range(position, n), *range(batch)]  # the pass's last rows fill no batch: they carry over


def next_update(
    network: Network, X: np.ndarray, Y: np.ndarray, rule: TrainingRule, link: Link, position: int = 0
) -> dict[str, Any]:
    """The next real update of ``link``'s parameter: its rows (``points``), the gradients
    carried into it (``pending`` rows), the mean gradient, the step and the new value."""
    pending = int(network.counters[0])
    n = X.shape[0]
    rows = next_rows(n, rule.batch_size, position)
    value = link.get(network)
    if rows is None:
        return {
            "points": list(range(n)),
            "pending": pending,
            "count": pending + n,
            "complete": False,
            "gradient": None,
            "step": None,
            "new_weight": value,
        }
    passes = point_gradients(network, X[rows], Y[rows], rule.loss)
    carried = link.get(network, "pending")
    dead = link.source is not None and bool(network.dead[link.layer][link.source, link.target])
    count = pending + len(rows)
    total = float(row_gradients(passes, link).sum()) + carried
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
            regularization = {
                "name": rule.regularization,
                "rate": rule.regularization_rate,
                "derivative": reg_der,
                "step": -(lr * rule.regularization_rate) * reg_der,
            }
    gradient = total / count
    return {
        "points": rows,
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
