"""Every scene of the deck against its caption's claim (core/deck.py), with the
numbers the scene really produces and independent NumPy formulas."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from core.compare import Comparison
from core.config import PlaygroundConfig
from core.fields import FIELDS
from core.link import Link
from core.scenarios import SCENARIOS
from core.scenes.descent import BOWL_POINTS, TWO_VALLEY_POINTS, brute_force
from core.session import Session


def _scene(scenario: str, variant: int = 0, seed: str = "class") -> Session:
    return Session(PlaygroundConfig(seed=seed, scenario=scenario, variant=variant))


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-z))


def _weight(session: Session) -> float:
    link = SCENARIOS[str(session.config.scenario)].selection
    assert link is not None
    return link.get(session.network)


def _updates(session: Session, count: int) -> list[tuple[float, float]]:
    """(weight, loss) before and after each of ``count`` updates of the scene's selected weight."""
    link = SCENARIOS[str(session.config.scenario)].selection
    trace = [(_weight(session), session.loss_train)]
    for _ in range(count):
        session.step(updates=1, only=link)
        trace.append((_weight(session), session.loss_train))
    return trace


def test_scene_brute_force_counts_the_slides_18_weights() -> None:
    session = _scene("brute-force")
    assert session.shape == [3, 3, 3] and session.network.n_weights == 18
    count = brute_force(session.network.n_weights)
    assert int(count["combinations"]) == 1000**18 == 10**54 and count["digits"] == 55
    assert count["slide_product"] == 18 * 1000 == 18000


BOWL = np.array(BOWL_POINTS)


def _bowl_loss(w: np.ndarray) -> np.ndarray:
    """½·mean((w·x − t)²) over the bowl's points, for each w: the NumPy model of the scene's loss."""
    return 0.5 * ((np.outer(w, BOWL[:, 0]) - BOWL[:, 2]) ** 2).mean(axis=1)


def test_scene_descent_moves_against_the_slope_and_the_loss_falls() -> None:
    slopes = []
    for variant in (0, 1):
        session = _scene("descent", variant)
        trace = _updates(session, 5)
        for (w, loss), (w_next, loss_next) in itertools.pairwise(trace):
            slope = float(np.mean(BOWL[:, 0] * (w * BOWL[:, 0] - BOWL[:, 2])))  # dL/dw of the bowl
            assert (w_next - w) * slope < 0 and loss_next < loss
            assert loss == pytest.approx(_bowl_loss(np.array([w]))[0], rel=1e-12)
        slopes.append(np.sign(np.mean(BOWL[:, 0] * (trace[0][0] * BOWL[:, 0] - BOWL[:, 2]))))
    assert slopes == [-1.0, 1.0]  # variant 0 starts on a negative slope (w grows), variant 1 on a positive one


def test_scene_overshoot_climbs_with_its_alpha_and_descends_with_a_tenth() -> None:
    grid = np.linspace(-3, 3, 600001)
    w_star = grid[np.argmin(_bowl_loss(grid))]  # found independently of the network: a fine grid
    assert w_star == pytest.approx(0.3, abs=1e-5)
    large, small = _scene("overshoot", 0), _scene("overshoot", 1)
    assert small.config.learningRate == pytest.approx(large.config.learningRate / 10)
    for session, grows in ((large, True), (small, False)):
        trace = _updates(session, 5)
        for (w, loss), (w_next, loss_next) in itertools.pairwise(trace):
            assert (loss_next > loss) == grows and bool(abs(w_next - w_star) > abs(w - w_star)) == grows
            assert (loss_next < loss) != grows
    jumps = [w - w_star for w, _ in _updates(_scene("overshoot", 0), 5)]
    assert all(a * b < 0 for a, b in itertools.pairwise(jumps))  # each update jumps across


VALLEYS = np.array(TWO_VALLEY_POINTS)


def _valley_loss(w: np.ndarray) -> np.ndarray:
    """½·mean((σ(w·x + y) − t)²) with t = 0/1: the NumPy model of the local-minimum scene."""
    t = (VALLEYS[:, 2] + 1) / 2
    return 0.5 * ((_sigmoid(np.outer(w, VALLEYS[:, 0]) + VALLEYS[:, 1]) - t) ** 2).mean(axis=1)


def test_scene_local_minimum_two_starts_end_in_different_valleys() -> None:
    grid = np.linspace(-6, 6, 120001)
    loss = _valley_loss(grid)
    minima = grid[1:-1][(loss[1:-1] < loss[:-2]) & (loss[1:-1] < loss[2:])]
    assert len(minima) == 2  # two basins
    ends = []
    for variant in (0, 1):
        session = _scene("local-minimum", variant)
        _updates(session, 100)
        sliced = session.loss_slice(0, 0, 0)
        assert abs(sliced["slope"]) < 1e-4  # the slope is ≈ 0: descent has stopped
        ends.append((_weight(session), session.loss_train))
    (w_left, loss_left), (w_right, loss_right) = ends
    assert w_left == pytest.approx(minima[0], abs=1e-3) and w_right == pytest.approx(minima[1], abs=1e-3)
    assert (round(loss_left, 2), round(loss_right, 2)) == (0.20, 0.11)  # as the caption writes them
    assert loss_left - loss_right > 0.09


def _explained(scene: str) -> tuple[Session, dict, Link]:
    session = _scene(scene)
    session.step(updates=37)
    link = SCENARIOS[scene].selection
    assert link is not None
    return session, session.explain(link.layer, link.source, link.target, session.position), link


def _numpy_passes(session: Session, row: int) -> tuple[np.ndarray, np.ndarray, float]:
    """Inputs, hidden outputs and the output of the 2-4-1 sigmoid network for one row."""
    x = session._X_train[row]
    (W0, W1), (b0, b1) = session.network.weights, session.network.biases
    h = _sigmoid(x @ W0 + b0)
    return x, h, float(_sigmoid(h @ W1 + b1)[0])


def test_scene_chain_rule_factors_are_the_slides_formula() -> None:
    session, e, link = _explained("chain-rule")
    assert link.layer == 1 and e["node"]["is_output"]
    _, h, o = _numpy_passes(session, session.position)
    t = session._Y_train[session.position, 0]
    assert e["error"] == pytest.approx(t - o, rel=1e-12, abs=1e-15)
    assert e["slope"] == pytest.approx(o * (1 - o), rel=1e-12)
    assert e["source_output"] == pytest.approx(h[link.source], rel=1e-12)
    gradient = -(t - o) * o * (1 - o) * h[link.source]  # the slide's ∂E/∂w_jk
    assert e["gradient"] == pytest.approx(gradient, rel=1e-12, abs=1e-16)
    before = link.get(session.network)
    session.step(updates=1)  # Step: one point per update, this one
    assert link.get(session.network) == pytest.approx(before - session.config.learningRate * gradient, abs=1e-15)


def test_scene_hidden_weight_uses_the_recombined_error() -> None:
    session, e, link = _explained("hidden-weight")
    assert link.layer == 0 and not e["node"]["is_output"]
    x, h, o = _numpy_passes(session, session.position)
    t = session._Y_train[session.position, 0]
    delta_out = -(t - o) * o * (1 - o)
    w_jk = session.network.weights[1][link.target, 0]
    assert e["backprop"]["sum"] == pytest.approx(w_jk * delta_out, rel=1e-12, abs=1e-16)  # e_j = Σ_k w_jk·δ_k
    j = link.target
    gradient = w_jk * delta_out * h[j] * (1 - h[j]) * x[link.source]
    assert e["gradient"] == pytest.approx(gradient, rel=1e-12, abs=1e-16)


def test_scene_learning_rate_too_small_right_and_too_large() -> None:
    comparison = Comparison.of_scene("learning-rate")
    starts = [run.session.network.w.copy() for run in comparison.runs]
    assert all(np.array_equal(starts[0], w) for w in starts)  # the same start
    assert [run.session.config.learningRate for run in comparison.runs] == [0.03, 0.3, 10.0]
    comparison.step(20)
    small, right, large = (np.array([row[1] for row in run["history"]]) for run in comparison.summary())
    assert (np.diff(small) < 0).all() and small[-1] > 0.1
    assert (np.diff(right) < 0).all() and right[-1] < 0.02
    assert (np.diff(large) > 0).sum() >= 3 and large[-1] > right[-1]


def test_scene_matrix_form_is_the_next_update() -> None:
    session, _, link = _explained("matrix-form")
    assert link.layer == 0 and session.batch_size == 1
    views = [session.weight_update_matrix(layer) for layer in range(session.network.n_layers)]
    before = [w.copy() for w in session.network.weights]
    session.step(updates=1)
    for layer, view in enumerate(views):
        change = (session.network.weights[layer] - before[layer]).T
        np.testing.assert_allclose(view["matrix"], change, rtol=0, atol=1e-12)
        column, row = np.array(view["columns"][0]), np.array(view["rows"][0])
        np.testing.assert_allclose(view["matrix"], view["learning_rate"] * np.outer(column, row), rtol=1e-14)


def test_scene_worked_example_prints_the_slides_numbers() -> None:
    session = _scene("worked-example")
    e = session.explain(1, 0, 0, 0)
    z = 2.0 * 0.4 + 3.0 * 0.5
    sigma = 1 / (1 + math.exp(-z))
    assert e["z_terms"]["sum"] == pytest.approx(2.3, abs=1e-15) and e["node_output"] == pytest.approx(sigma, abs=1e-15)
    assert (round(e["node_output"], 3), round(e["slope"], 3)) == (0.909, 0.083)
    assert e["gradient"] == pytest.approx(-(0.8 * sigma * (1 - sigma) * 0.4), abs=1e-15)
    assert round(e["gradient"], 4) == -0.0265 and round(e["step"], 5) == 0.00265
    assert round(e["new_weight"], 5) == 2.00265
    session.step()
    assert session.network.weights[1][0, 0] == e["new_weight"]


def _first_hidden_slope(session: Session) -> float:
    a = _sigmoid(session._X_train @ session.network.weights[0] + session.network.biases[0])
    return float((a * (1 - a)).mean())


def test_scene_saturation_large_inputs_stall_unit_inputs_learn() -> None:
    comparison = Comparison.of_scene("saturation")
    unit, large = (run.session for run in comparison.runs)
    assert (unit.config.inputScaling, large.config.inputScaling) == ("unit", "large")
    np.testing.assert_array_equal(unit.network.w, large.network.w)  # the same initial weights
    comparison.step(30)
    assert unit.loss_train < 0.01 < 0.2 < large.loss_train
    assert _first_hidden_slope(large) < 0.01 < _first_hidden_slope(unit)
    assert comparison.summary()[1]["mean_slope"][0] == pytest.approx(_first_hidden_slope(large), rel=1e-9)


def test_scene_output_range_zero_one_weights_keep_growing() -> None:
    comparison = Comparison.of_scene("output-range")
    comparison.step(200)
    norms: list[list[float]] = [[], []]
    for _ in range(5):  # epochs 200, 300, ..., 600
        for k, run in enumerate(comparison.runs):
            norms[k].append(float(np.linalg.norm(run.session.network.weights[-1])))
        comparison.step(100)
    zero_one, lecture = (np.array(n[:5]) for n in norms)
    assert (np.diff(zero_one) > 0).all() and zero_one[-1] - zero_one[0] > 0.3
    assert lecture.max() - lecture.min() < 0.05


def _identical_hidden_nodes(session: Session) -> bool:
    return all(
        (w == w[:, :1]).all() and (b == b[0]).all()
        for w, b in zip(session.network.weights[:-1], session.network.biases[:-1], strict=True)
    )


def test_scene_initialisation_equal_nodes_stay_identical_random_ones_differ() -> None:
    comparison = Comparison.of_scene("initialisation")
    lecture, wide, equal = (run.session for run in comparison.runs)
    assert (lecture.config.init, wide.config.init, equal.config.init) == ("lecture", "wide", "equal")
    slopes = []
    for session in (lecture, wide):
        h1 = _sigmoid(session._X_train @ session.network.weights[0] + session.network.biases[0])
        h2 = _sigmoid(h1 @ session.network.weights[1] + session.network.biases[1])
        slopes.append(round(float((h2 * (1 - h2)).mean()), 2))
    assert slopes == [0.24, 0.19]
    assert np.abs(lecture.network.weights[1]).max() <= 1 / math.sqrt(8)
    assert not _identical_hidden_nodes(lecture) and not _identical_hidden_nodes(wide)
    for epoch in range(200):
        comparison.step(1)
        assert _identical_hidden_nodes(equal) and equal.loss_train > 0.2, epoch
        if epoch == 0:
            assert not _identical_hidden_nodes(lecture) and not _identical_hidden_nodes(wide)
        if epoch == 99:
            assert lecture.loss_train < 0.01 and wide.loss_train < 0.01 and equal.loss_train > 0.2
    assert equal.loss_train > 0.2 and comparison.summary()[2]["identical_nodes"] == [True, True]


def test_scene_feature_engineering_deep_network_finds_its_own_features() -> None:
    comparison = Comparison.of_scene("feature-engineering")
    deep, engineered = (run.session for run in comparison.runs)
    assert deep.config.features == ("x", "y") and len(deep.config.networkShape) == 6
    assert len(engineered.config.features) == 7 and engineered.config.networkShape == (8,)
    deep_losses, _ = (result.losses[:, 0] for result in comparison.step(300))
    assert (deep_losses > 0.3).all() and engineered.loss_train < 0.05  # epochs 1 to 300
    deep.step(200)
    assert deep.loss_train < 0.05


def test_scene_tf_playground_is_the_originals_defaults() -> None:
    session = _scene("tf-playground")
    plain = PlaygroundConfig(seed="class")
    for name, field in FIELDS.items():
        if name not in ("seed", "scenario"):
            assert getattr(session.config, name) == field.default == getattr(plain, name), name
    assert session.config.replace(scenario=None) == plain
