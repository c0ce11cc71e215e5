"""Gradients against finite differences, and the lecture's worked example."""

from __future__ import annotations

import numpy as np
import pytest

from core.network import Network
from core.rng import SeedRandom
from core.training import TrainingRule, mean_loss, train

ACTIVATIONS = ["relu", "tanh", "sigmoid", "linear"]
SHAPES = {"no-hidden": [3, 1], "one-hidden": [3, 5, 1], "three-hidden": [3, 4, 3, 2, 1]}


def _problem(sizes: list[int], activation: str, seed: str) -> tuple[Network, np.ndarray, np.ndarray]:
    rng = SeedRandom(seed)
    net = Network.build(sizes, activation, "tanh", rng)
    net.b[:] = [rng.random() - 0.5 for _ in range(net.b.shape[0])]
    X = np.array([[rng.uniform(-2, 2) for _ in range(sizes[0])] for _ in range(12)])
    Y = np.array([[1.0 if rng.random() > 0.5 else -1.0] for _ in range(12)])
    return net, X, Y


def _objective(net: Network, X: np.ndarray, Y: np.ndarray, l2: float) -> float:
    return mean_loss(net, X, Y) + l2 * 0.5 * float(np.sum(net.w**2))


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("shape", list(SHAPES), ids=list(SHAPES))
@pytest.mark.parametrize("l2", [0.0, 0.03], ids=["plain", "L2"])
def test_training_gradient_matches_finite_differences(activation: str, shape: str, l2: float) -> None:
    """One full-batch update moves each parameter by lr times the gradient of
    mean loss (+ L2 penalty); compare with central differences of that objective."""
    net, X, Y = _problem(SHAPES[shape], activation, f"fd-{activation}-{shape}")
    lr = 1e-3
    before_w, before_b = net.w.copy(), net.b.copy()
    rule = TrainingRule(
        batch_size=X.shape[0], learning_rate=lr, regularization="L2" if l2 else "none", regularization_rate=l2
    )
    probe = net.copy()
    train(net, X, Y, rule)
    analytic_w = (before_w - net.w) / lr
    analytic_b = (before_b - net.b) / lr
    h = 1e-6
    for flat, analytic in ((probe.w, analytic_w), (probe.b, analytic_b)):
        for k in range(flat.shape[0]):
            saved = flat[k]
            flat[k] = saved + h
            up = _objective(probe, X, Y, l2)
            flat[k] = saved - h
            down = _objective(probe, X, Y, l2)
            flat[k] = saved
            numeric = (up - down) / (2 * h)  # the penalty has no bias term: biases are never regularised
            assert abs(numeric - analytic[k]) <= 1e-6 + 1e-5 * abs(numeric), (k, numeric, analytic[k])


def test_training_lecture_worked_example() -> None:
    """spec/lecture.md §7: hidden outputs 0.4 and 0.5 feed a sigmoid output
    through weights 2.0 and 3.0; the error t - o is 0.8; alpha = 0.1."""
    net = Network([2, 1], activation="linear", output_activation="sigmoid")
    net.weights[0][:, 0] = [2.0, 3.0]
    net.b[:] = 0.0
    o = 1 / (1 + np.exp(-2.3))
    X = np.array([[0.4, 0.5]])
    Y = np.array([[o + 0.8]])
    train(net, X, Y, TrainingRule(batch_size=1, learning_rate=0.1))
    gradient = (2.0 - net.weights[0][0, 0]) / 0.1
    assert gradient == pytest.approx(-0.0265023, abs=5e-8)
    assert net.weights[0][0, 0] == pytest.approx(2.0026502, abs=5e-8)
    # the unrounded values the lecture's slide rounds
    expected = -(0.8 * o * (1 - o) * 0.4)
    assert gradient == pytest.approx(expected, rel=1e-12)
