"""Sessions with cross-entropy, several classes, optimizers, metrics and stops."""

from __future__ import annotations

import numpy as np
import pytest

from core.config import PlaygroundConfig
from core.datasets import generate
from core.errors import InvalidValue
from core.explain import Link
from core.metrics import metrics
from core.rng import SeedRandom
from core.session import Session
from core.training import mean_loss, train


@pytest.mark.parametrize(
    ("fields", "layer", "source", "target"),
    [
        ({}, 1, 0, 0),  # half-square, tanh output
        ({"loss": "square", "outputActivation": "sigmoid", "targets": "zero-one"}, 0, 1, 2),
        ({"loss": "cross-entropy"}, 2, 1, 0),  # sigmoid output
        ({"loss": "cross-entropy", "classes": 3, "dataset": "spiral"}, 2, 0, 2),  # softmax output
        ({"classes": 4, "dataset": "gauss", "activation": "relu"}, 0, None, 1),  # a bias
        ({"problem": "regression", "activation": "sigmoid"}, 1, 3, 1),  # linear output
    ],
)
def test_loss_slice_slope_is_the_derivative_of_the_reported_loss(fields, layer, source, target) -> None:
    session = Session(PlaygroundConfig(seed="0.31", **fields))
    session.step(3)
    sliced = session.loss_slice(layer, source, target)
    net, X, Y = session.network, session._X_train, session._Y_train
    value, h = sliced["current"]["value"], 1e-5

    def loss_at(w: float) -> float:
        probe = net.copy()
        Link(layer, source, target).set(probe, w)
        return mean_loss(probe, X, Y, session.config.loss_function)

    finite_difference = (loss_at(value + h) - loss_at(value - h)) / (2 * h)
    assert sliced["slope"] == pytest.approx(finite_difference, rel=1e-5, abs=1e-9)
    assert sliced["current"]["loss"] == pytest.approx(session.loss_train, rel=1e-12)
    middle = len(sliced["values"]) // 2
    assert sliced["losses"][middle] == pytest.approx(session.loss_train, rel=1e-9)


def test_gauss_blobs_four_classes_reach_train_accuracy_095_with_adam() -> None:
    config = PlaygroundConfig(
        seed="0.5", dataset="gauss", classes=4, networkShape=(6,), optimizer="adam", learningRate=0.03
    )
    session = Session(config)
    session.step(200)
    metrics = session.metrics()
    assert metrics.accuracy_train is not None and metrics.accuracy_train >= 0.95
    assert metrics.confusion_train is not None and metrics.confusion_train.sum() == session.train.shape[0]


def test_spiral_three_arms_reach_train_accuracy_085_with_adam() -> None:
    config = PlaygroundConfig(
        seed="0.5", dataset="spiral", classes=3, networkShape=(8, 8, 8), optimizer="adam", learningRate=0.01
    )
    session = Session(config)
    session.step(600)
    assert session.metrics().accuracy_train >= 0.85


def test_metrics_confusion_rows_are_true_classes_in_label_order() -> None:
    session = Session(PlaygroundConfig(seed="0.2"))
    session.network.w[:] = 0.0
    session.network.b[:] = 0.0
    session.network.biases[-1][0] = 1.0  # every point predicted +1 (class 1)
    metrics = session.metrics()
    negatives = int((session.train[:, 2] < 0).sum())
    np.testing.assert_array_equal(metrics.confusion_train, [[0, negatives], [0, session.train.shape[0] - negatives]])
    assert metrics.accuracy_train == pytest.approx(1 - negatives / session.train.shape[0])


def test_metrics_are_none_for_regression() -> None:
    assert Session(PlaygroundConfig(seed="0.2", problem="regression")).metrics().accuracy_train is None


@pytest.mark.parametrize("name", ["circle", "gauss", "spiral"])
@pytest.mark.parametrize("classes", [3, 6])
def test_generate_labels_every_class_evenly(name: str, classes: int) -> None:
    train, test = generate(SeedRandom("0.4"), name, 0, 50, classes)
    labels = np.concatenate([train[:, 2], test[:, 2]])
    counts = np.bincount(labels.astype(int), minlength=classes)
    assert counts.shape == (classes,) and counts.min() >= 500 // classes - 1
    assert set(np.unique(labels)) == set(range(classes))


def test_generate_two_classes_is_the_original() -> None:
    a = generate(SeedRandom("0.4"), "spiral", 10, 50)
    b = generate(SeedRandom("0.4"), "spiral", 10, 50, 2)
    np.testing.assert_array_equal(a[0], b[0])
    assert set(np.unique(a[0][:, 2])) == {-1.0, 1.0}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"classes": 3, "dataset": "xor"}, "classes"),
        ({"classes": 3, "loss": "square"}, "loss"),
        ({"classes": 3, "targets": "lecture"}, "targets"),
        ({"loss": "cross-entropy", "outputActivation": "tanh"}, "outputActivation"),
        ({"loss": "cross-entropy", "problem": "regression"}, "loss"),
        ({"classes": 7}, "classes"),
        ({"classes": True}, "classes"),
        ({"optimizer": "lbfgs"}, "optimizer"),
        ({"momentum": 1.5}, "momentum"),
        ({"stopEpoch": 0}, "stopEpoch"),
        ({"stopLoss": -1}, "stopLoss"),
    ],
)
def test_config_rejects_combinations_naming_the_field(fields, field) -> None:
    with pytest.raises(InvalidValue) as info:
        PlaygroundConfig(seed="1", **fields)
    assert info.value.field == field


def test_config_new_fields_stay_out_of_the_hash_at_their_defaults() -> None:
    config = PlaygroundConfig(seed="1")
    assert all(name not in config.to_hash() for name in ("optimizer", "momentum", "classes", "stop", "loss="))
    changed = config.replace(optimizer="adam", classes=3, dataset="gauss", stopEpoch=50, stopLoss=0.05)
    assert "optimizer=adam&classes=3&stopEpoch=50&stopLoss=0.05" in changed.to_hash()
    assert PlaygroundConfig.from_hash(changed.to_hash()) == changed


def test_config_hash_numbers_take_ascii_digits_only() -> None:
    with pytest.raises(InvalidValue) as info:
        PlaygroundConfig.from_hash("seed=1&learningRate=\u0660.\u0660\u0663")  # Arabic-Indic 0.03
    assert info.value.field == "learningRate"
    with pytest.raises(InvalidValue):
        PlaygroundConfig.from_hash("seed=1&stopEpoch=\u0665")


def test_session_play_stops_exactly_at_stop_epoch_then_continues_when_asked() -> None:
    session = Session(PlaygroundConfig(seed="0.3", stopEpoch=25))
    result = session.step(1000)
    assert (session.epoch, result.stopped, session.stopped) == (25, "epoch", "epoch")
    result = session.step(10)  # past the stop: the user chose to go on
    assert (session.epoch, result.stopped) == (35, None)


def test_session_stops_at_the_first_epoch_whose_test_loss_reaches_stop_loss() -> None:
    free = Session(PlaygroundConfig(seed="0.3", dataset="gauss"))
    losses = free.step(100).losses
    target = float(losses[40, 1])
    stopped = Session(PlaygroundConfig(seed="0.3", dataset="gauss", stopLoss=target))
    stopped.step(100)
    assert stopped.stopped == "loss" and stopped.epoch == int(np.argmax(losses[:, 1] <= target)) + 1


def test_session_optimizer_state_resets_with_the_network() -> None:
    session = Session(PlaygroundConfig(seed="0.3", optimizer="adam"))
    session.step(5)
    assert np.any(session.network.slot_w != 0) and session.network.counters[1] > 0
    session.reset()
    assert not np.any(session.network.slot_w) and session.network.counters[1] == 0


def test_explain_shows_delta_o_minus_t_and_adams_terms_of_the_real_next_update() -> None:
    session = Session(PlaygroundConfig(seed="0.3", optimizer="adam", classes=3, dataset="spiral"))
    session.step(2)
    explained = session.explain(2, 1, 2, 4)
    assert explained["combined"] is True
    assert explained["delta"] == pytest.approx(explained["output"] - explained["point"]["target"], abs=1e-15)
    terms = explained["batch"]["optimizer"]
    assert terms["name"] == "adam" and {"m_hat", "v_hat", "t"} <= set(terms)
    assert terms["t"] == int(session.network.counters[1]) + 1
    # The first mini-batch of the next epoch, trained for real (250 points: no remainder is pending).
    assert int(session.network.counters[0]) == 0
    net = session.network.copy()
    batch = session.config.batchSize
    train(net, session._X_train[:batch], session._Y_train[:batch], session.rule, 1)
    assert explained["batch"]["new_weight"] == pytest.approx(float(net.weights[2][1, 2]), rel=1e-12)


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"loss": "cross-entropy"},
        {"activation": "sigmoid", "outputActivation": "sigmoid", "targets": "lecture", "loss": "square"},
        {"classes": 3, "dataset": "spiral", "optimizer": "adam"},
        {"classes": 5, "dataset": "gauss", "stopEpoch": 4},  # stopped early: counted after the stop
    ],
)
def test_metrics_counted_in_the_kernels_loss_pass_equal_numpys(fields) -> None:
    session = Session(PlaygroundConfig(seed="0.8", noise=30, **fields))
    session.step(9)
    counted = session.metrics()
    net, cfg = session.network, session.config
    expected = metrics(
        session._display(net.forward(session._X_train)[-1]),
        session.train[:, 2],
        session._display(net.forward(session._X_test)[-1]),
        session.test[:, 2],
        cfg.n_classes,
    )
    np.testing.assert_array_equal(counted.confusion_train, expected.confusion_train)
    np.testing.assert_array_equal(counted.confusion_test, expected.confusion_test)
    assert (counted.accuracy_train, counted.accuracy_test) == (expected.accuracy_train, expected.accuracy_test)
    assert 0 < counted.accuracy_train < 1  # noisy data: both kinds of cell are exercised


def test_session_output_is_on_the_label_scale_for_cross_entropy_and_refuses_softmax() -> None:
    session = Session(PlaygroundConfig(seed="0.2", loss="cross-entropy"))
    session.step(5)
    points = np.array([[1.0, 2.0], [-3.0, 0.5]])
    probability = session.predict(points)  # the sigmoid's p
    np.testing.assert_allclose(session.output(points), 2 * probability - 1, rtol=1e-15)
    with pytest.raises(InvalidValue) as info:
        Session(PlaygroundConfig(seed="0.2", classes=3, dataset="gauss")).output(points)
    assert info.value.field == "classes"
