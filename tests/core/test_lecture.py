"""The lecture's mode: the explainer against finite differences and real
updates, the worked example, the lecture's options and preset."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core.config import LECTURE_PRESET, PlaygroundConfig
from core.explain import Link
from core.session import Session
from core.training import TrainingRule, mean_loss, train


def test_lecture_worked_example_scenario_numbers() -> None:
    session = Session(PlaygroundConfig(seed="1", scenario="worked-example"))
    e = session.explain(layer=1, source=0, target=0, point=0)
    assert e["output"] == pytest.approx(1 / (1 + math.exp(-2.3)), abs=1e-15)
    assert e["error"] == pytest.approx(0.8, abs=1e-15)
    assert e["source_output"] == pytest.approx(0.4, abs=1e-15)
    assert e["slope"] == pytest.approx(0.0828195669907, abs=1e-12)
    assert e["gradient"] == pytest.approx(-0.0265023, abs=5e-8)
    assert e["new_weight"] == pytest.approx(2.0026502, abs=5e-8)
    assert e["batch"]["new_weight"] == e["new_weight"]
    session.step(1)  # "Step" makes the predicted value real
    assert session.network.weights[1][0, 0] == e["new_weight"]


def _setups() -> list[tuple[str, dict]]:
    return [
        ("default tanh", {"seed": "0.42"}),
        (
            "relu 3 layers L2",
            {
                "seed": "0.3",
                "activation": "relu",
                "networkShape": (5, 4, 3),
                "regularization": "L2",
                "regularizationRate": 0.01,
            },
        ),
        ("regression sigmoid", {"seed": "0.7", "problem": "regression", "activation": "sigmoid"}),
        ("lecture preset", {"seed": "0.9", **LECTURE_PRESET}),
        ("linear square loss", {"seed": "0.2", "activation": "linear", "loss": "square", "xSquared": True}),
    ]


@pytest.mark.parametrize(("name", "fields"), _setups(), ids=[name for name, _ in _setups()])
def test_explain_gradient_matches_finite_difference(name: str, fields: dict) -> None:
    session = Session(PlaygroundConfig(**fields))
    session.step(3)
    net = session.network
    X, Y = session._X_train, session._Y_train
    point = 7
    links = [Link(net.n_layers - 1, 0, 0), Link(0, 1, 0), Link(0, None, 1), Link(net.n_layers - 1, None, 0)]
    for link in links:
        e = session.explain(link.layer, link.source, link.target, point)
        probe = net.copy()
        h = 1e-6
        value = link.get(probe)
        link.set(probe, value + h)
        up = mean_loss(probe, X[point : point + 1], Y[point : point + 1], session.rule.loss)
        link.set(probe, value - h)
        down = mean_loss(probe, X[point : point + 1], Y[point : point + 1], session.rule.loss)
        numeric = (up - down) / (2 * h)
        assert e["gradient"] == pytest.approx(numeric, rel=1e-5, abs=1e-9), (name, link)
        assert e["new_weight"] == pytest.approx(value - session.config.learningRate * e["gradient"], abs=1e-15)
        if e["backprop"] is not None:
            assert e["backprop"]["sum"] == pytest.approx(sum(t["product"] for t in e["backprop"]["terms"]), abs=1e-14)
            assert e["delta"] == pytest.approx(e["backprop"]["sum"] * e["slope"], rel=1e-12, abs=1e-15)


def test_explain_batch_one_equals_a_real_step() -> None:
    """Batch size 1, no regularisation: ∂E/∂w for the point equals (old − new)/α after one real update."""
    session = Session(PlaygroundConfig(seed="0.42", batchSize=1, networkShape=(3, 2)))
    net, X, Y = session.network, session._X_train, session._Y_train
    for link in (Link(2, 1, 0), Link(1, 2, 1), Link(0, 0, 2), Link(1, None, 0)):
        e = session.explain(link.layer, link.source, link.target, 0)
        stepped = net.copy()
        train(stepped, X[:1], Y[:1], session.rule)
        real = (link.get(net) - link.get(stepped)) / session.config.learningRate
        assert e["gradient"] == pytest.approx(real, rel=1e-12, abs=1e-16)


@pytest.mark.parametrize("regularization", ["none", "L1", "L2"])
def test_explain_next_update_is_exact_with_pending_remainder(regularization: str) -> None:
    # 350 training points in batches of 8: 6 gradients wait for the next epoch's first batch
    config = PlaygroundConfig(
        seed="0.5", percTrainData=70, batchSize=8, regularization=regularization, regularizationRate=0.03
    )
    session = Session(config)
    session.step(2)
    assert session.network.counters[0] == 6
    X, Y = session._X_train, session._Y_train
    for link in (Link(2, 0, 0), Link(0, 1, 3), Link(1, None, 1)):
        predicted = session.explain(link.layer, link.source, link.target, 0)["batch"]
        assert predicted["count"] == 14 and predicted["pending"] == 6
        stepped = session.network.copy()
        train(stepped, X[:8], Y[:8], session.rule)  # the next real update happens after these 8 points
        assert link.get(stepped) == pytest.approx(predicted["new_weight"], rel=1e-13, abs=1e-15)


def test_loss_slice_passes_through_current_loss_with_tangent() -> None:
    session = Session(PlaygroundConfig(seed="0.42"))
    session.step(10)
    sl = session.loss_slice(1, 2, 1, samples=61)
    middle = len(sl["values"]) // 2
    assert sl["values"][middle] == pytest.approx(sl["current"]["value"], abs=1e-14)
    assert sl["losses"][middle] == pytest.approx(sl["current"]["loss"], abs=1e-12)
    assert sl["current"]["loss"] == pytest.approx(session.loss_train, abs=1e-15)
    step = sl["values"][1] - sl["values"][0]
    numeric = (sl["losses"][middle + 1] - sl["losses"][middle - 1]) / (2 * step)
    assert sl["slope"] == pytest.approx(numeric, rel=1e-2, abs=1e-6)
    assert sl["next"]["value"] == session.explain(1, 2, 1, 0)["batch"]["new_weight"]


def test_lecture_preset_trains_circle_to_low_loss() -> None:
    session = Session(PlaygroundConfig(seed="0.42", **LECTURE_PRESET))
    assert session.network.output_activation == "sigmoid" and session.shape == [2, 4, 1]
    assert session._Y_train.min() == pytest.approx(0.01) and session._Y_train.max() == pytest.approx(0.99)
    session.step(300)
    assert session.loss_train < 0.02 and session.loss_test < 0.03


def test_lecture_options_do_what_they_say() -> None:
    lecture_init = Session(PlaygroundConfig(seed="0.42", init="lecture", networkShape=(4, 3)))
    for w in lecture_init.network.weights:
        assert np.all(np.abs(w) <= 1 / math.sqrt(w.shape[0]))
    normal = Session(PlaygroundConfig(seed="0.42", init="normal", networkShape=(8, 8, 8, 8, 8, 8)))
    draws = np.concatenate([(w * math.sqrt(w.shape[0])).ravel() for w in normal.network.weights])
    assert abs(draws.mean()) < 0.15 and 0.8 < draws.std() < 1.2
    scaled = Session(PlaygroundConfig(seed="0.42", inputScaling="unit", xSquared=True))
    assert scaled._X_train.min() >= 0.01 - 1e-12 and scaled._X_train.max() <= 1.0 + 1e-12
    assert scaled.frame().thumbnails[0].min() >= 127  # x scaled to 0.01..1 shows on the positive side


def test_lecture_defaults_keep_the_original() -> None:
    plain = PlaygroundConfig(seed="0.12345")
    assert "outputActivation" not in plain.to_hash() and "scenario" not in plain.to_hash()
    assert plain.output_activation == "tanh"
    assert PlaygroundConfig(seed="1", problem="regression").output_activation == "linear"


def test_session_copy_is_identical_and_independent() -> None:
    session = Session(PlaygroundConfig(seed="0.5", percTrainData=70, batchSize=8))
    session.step(3)
    fork = session.copy()
    assert all(np.array_equal(a, b) for a, b in zip(fork.network.weights, session.network.weights, strict=True))
    fork.step(2)
    session.step(2)
    assert all(np.array_equal(a, b) for a, b in zip(fork.network.weights, session.network.weights, strict=True))
    fork.set_weight(0, 0, 0, 9.0)
    assert session.network.weights[0][0, 0] != 9.0
    fork.reset()
    session.reset()  # the random stream was copied too
    assert all(np.array_equal(a, b) for a, b in zip(fork.network.weights, session.network.weights, strict=True))


def test_explain_rejects_bad_addresses() -> None:
    session = Session(PlaygroundConfig(seed="0.42"))
    for args, field in [
        ((3, 0, 0, 0), "layer"),
        ((0, 2, 0, 0), "source"),
        ((0, 0, 4, 0), "target"),
        ((0, 0, 0, 250), "point"),
    ]:
        with pytest.raises(ValueError) as info:
            session.explain(*args)
        assert getattr(info.value, "field", None) == field


def test_training_rule_loss_square_doubles_the_gradient() -> None:
    session = Session(PlaygroundConfig(seed="0.42", loss="square"))
    half = Session(PlaygroundConfig(seed="0.42"))
    e_square = session.explain(2, 0, 0, 3)
    e_half = half.explain(2, 0, 0, 3)
    assert e_square["gradient"] == pytest.approx(2 * e_half["gradient"], rel=1e-12)
    rule = TrainingRule(loss="square")
    assert rule.loss == "square"
