"""The explainer's numbers as the slides write them: σ(z) and z as its sum of terms,
the matrix form of a layer's update, and the slice's curve of the next update,
each against independent NumPy formulas or the update the next step really makes."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core.config import LECTURE_PRESET, PlaygroundConfig
from core.link import Link
from core.session import Session
from core.training import mean_loss


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-z))


def test_worked_example_prints_sigma_of_z_and_z_as_its_terms() -> None:
    e = Session(PlaygroundConfig(seed="1", scenario="worked-example")).explain(1, 0, 0, 0)
    assert e["node_output"] == pytest.approx(1 / (1 + math.exp(-2.3)), abs=1e-15)
    assert round(e["node_output"], 3) == 0.909 and round(e["slope"], 3) == 0.083
    terms = e["z_terms"]
    assert [(t["source"], t["weight"]) for t in terms["terms"]] == [(0, 2.0), (1, 3.0)]
    assert [t["output"] for t in terms["terms"]] == pytest.approx([0.4, 0.5], abs=1e-15)
    assert [t["product"] for t in terms["terms"]] == pytest.approx([0.8, 1.5], abs=1e-15)
    assert terms["bias"] == 0.0 and terms["sum"] == pytest.approx(2.3, abs=1e-15) and terms["sum"] == e["z"]
    assert e["slope_formula"] == "σ(z)(1 − σ(z))"
    assert e["error"] == pytest.approx(0.8, abs=1e-15)


def _forward(session: Session, rows: list[int]) -> list[np.ndarray]:
    """An independent sigmoid/tanh forward pass: per layer the outputs a, (points, nodes)."""
    X = session._X_train[rows]
    a = [X]
    functions = {"sigmoid": _sigmoid, "tanh": np.tanh}
    for k, (W, b) in enumerate(zip(session.network.weights, session.network.biases, strict=True)):
        z = a[-1] @ W + b
        last = k == session.network.n_layers - 1
        a.append(functions[session.network.output_activation if last else session.network.activation](z))
    return a


def _slope(name: str, a: np.ndarray) -> np.ndarray:
    return a * (1 - a) if name == "sigmoid" else 1 - a * a


@pytest.mark.parametrize(
    "fields",
    [
        {**LECTURE_PRESET, "networkShape": (3, 2)},
        {"batchSize": 1, "networkShape": (4, 3), "learningRate": 0.1},
        {**LECTURE_PRESET, "loss": "half-square"},
    ],
    ids=["lecture-square", "tanh-half-square", "lecture-half-square"],
)
def test_matrix_view_at_batch_one_is_the_next_update_and_the_slides_formula(fields: dict) -> None:
    session = Session(PlaygroundConfig(seed="0.61", **fields))
    session.step(updates=17)
    net = session.network
    factor = 2.0 if session.config.loss_function == "square" else 1.0
    a = _forward(session, [session.position])
    # E at the output is −∂E/∂o; at a hidden layer the recombined Σ_k w_jk·δ_k, layer by layer back
    errors = {net.n_layers: factor * (session._Y_train[[session.position]] - a[-1])}
    for node in range(net.n_layers, 1, -1):
        name = net.output_activation if node == net.n_layers else net.activation
        errors[node - 1] = (errors[node] * _slope(name, a[node])) @ net.weights[node - 1].T
    before = [w.copy() for w in net.weights]
    views = [session.weight_update_matrix(layer) for layer in range(net.n_layers)]
    session.step(updates=1)
    for layer, view in enumerate(views):
        node = layer + 1
        name = net.output_activation if node == net.n_layers else net.activation
        assert view["mean"] is False and view["count"] == 1 and view["equals_next_update"]
        np.testing.assert_allclose(view["errors"], errors[node], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(view["slopes"], _slope(name, a[node]), rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(view["rows"], a[layer], rtol=1e-12, atol=1e-15)
        column = errors[node][0] * _slope(name, a[node])[0]
        expected = view["learning_rate"] * np.outer(column, a[layer][0])  # α·(E ∘ o(1 − o))·oᵀ
        np.testing.assert_allclose(view["matrix"], expected, rtol=1e-12, atol=1e-15)
        real = (net.weights[layer] - before[layer]).T  # the slide's orientation: targets down
        np.testing.assert_allclose(view["matrix"], real, rtol=0, atol=1e-12)
    assert views[0]["error"] == "hidden" and views[-1]["error"] == "output"


def test_matrix_view_of_a_larger_batch_is_its_mean_with_the_carried_rows() -> None:
    session = Session(PlaygroundConfig(seed="0.5", percTrainData=70, batchSize=8))
    session.step(2)  # 6 rows carried into the next update
    view = session.weight_update_matrix(1)
    assert view["mean"] is True and view["carried"] == 6 and view["count"] == 14 and view["points"] == list(range(8))
    before = session.network.weights[1].copy()
    session.step(updates=1)
    np.testing.assert_allclose(view["matrix"], (session.network.weights[1] - before).T, rtol=0, atol=1e-12)
    assert len(view["columns"]) == len(view["rows"]) == 8


def test_matrix_view_says_when_it_is_not_the_whole_update() -> None:
    adam = Session(PlaygroundConfig(seed="0.5", optimizer="adam")).weight_update_matrix(0)
    assert adam["equals_next_update"] is False
    entropy = Session(PlaygroundConfig(seed="0.5", loss="cross-entropy")).weight_update_matrix(2)
    assert entropy["slope_formula"].startswith("1") and entropy["slopes"][0] == [1.0]
    tiny = Session(PlaygroundConfig(seed="0.5"))
    tiny.load_points([[0, 0, 1], [1, 1, -1]], np.zeros((0, 3)))  # batches of 10 over 2 points: no update
    assert tiny.weight_update_matrix(0)["complete"] is False
    with pytest.raises(ValueError, match="layer"):
        tiny.weight_update_matrix(3)


def test_slice_marker_never_points_uphill_on_the_next_updates_own_curve() -> None:
    """Batch 1: the slice draws the loss over every point, and the one point the update follows.
    On the whole set's curve the marker points uphill for some weights; on its own, never."""
    session = Session(PlaygroundConfig(seed="0.42", batchSize=1, learningRate=0.1))
    session.step(2)
    net = session.network
    uphill_on_all = 0
    for step in range(40):
        for link in (Link(2, 0, 0), Link(1, 1, 0), Link(0, 0, 2), Link(0, None, 1)):
            sliced = session.loss_slice(link.layer, link.source, link.target)
            batch = sliced["batch"]
            assert sliced["drawn"] == {"points": "all", "count": 250}
            assert batch["points"] == [session.position] and batch["count"] == 1
            move = sliced["next"]["value"] - sliced["current"]["value"]
            assert move * batch["slope"] <= 0, (step, link)  # against its own slope: downhill
            assert batch["next"]["loss"] <= batch["current"] + 1e-15, (step, link)
            uphill_on_all += move * sliced["slope"] > 0
            # the batch curve is that point's loss, and its slope that loss's derivative
            row = slice(session.position, session.position + 1)
            X, Y = session._X_train[row], session._Y_train[row]
            assert batch["current"] == pytest.approx(mean_loss(net, X, Y, "half-square"), rel=1e-12)
            probe, value, h = net.copy(), link.get(net), 1e-6
            link.set(probe, value + h)
            up = mean_loss(probe, X, Y, "half-square")
            link.set(probe, value - h)
            numeric = (up - mean_loss(probe, X, Y, "half-square")) / (2 * h)
            assert numeric == pytest.approx(batch["slope"], rel=1e-5, abs=1e-10)
        session.step(updates=1)
    assert uphill_on_all > 10  # the problem the batch curve answers is real
    assert net is session.network


def test_slice_batch_curve_includes_the_carried_gradient_and_the_penalty() -> None:
    session = Session(
        PlaygroundConfig(
            seed="0.5", percTrainData=70, batchSize=8, regularization="L2", regularizationRate=0.3, learningRate=0.01
        )
    )
    session.step(2)
    for link in (Link(2, 0, 0), Link(0, 1, 3), Link(1, None, 1)):
        sliced = session.loss_slice(link.layer, link.source, link.target)
        batch = sliced["batch"]
        assert batch["pending"] == 6 and batch["count"] == 14
        values, losses = np.array(sliced["values"]), np.array(batch["losses"])
        middle = len(values) // 2
        numeric = (losses[middle + 1] - losses[middle - 1]) / (values[middle + 1] - values[middle - 1])
        penalty = 0.0 if link.source is None else 0.3 * link.get(session.network)  # d(rate·w²/2)/dw
        assert numeric == pytest.approx(batch["slope"] + penalty, rel=0.02, abs=1e-6), link
        move = sliced["next"]["value"] - sliced["current"]["value"]
        assert move * (batch["slope"] + penalty) <= 0
    full = Session(PlaygroundConfig(seed="0.5", fullBatch=True)).loss_slice(1, 0, 0)
    assert full["batch"] is None  # the update follows every point: the curve drawn is its own
