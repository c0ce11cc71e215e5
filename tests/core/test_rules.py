"""Every rule of spec section 4, checked against an independent naive model
(tests/core/reference_nn.py) over many setups the three vectors don't cover."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.config import PlaygroundConfig
from core.features import FEATURES
from core.session import Session
from tests.core.conftest import close
from tests.core.reference_nn import ReferenceNet

setups = st.fixed_dictionaries(
    {
        "activation": st.sampled_from(["relu", "tanh", "sigmoid", "linear"]),
        "regularization": st.sampled_from(["none", "L1", "L2"]),
        "regularizationRate": st.sampled_from([0, 0.001, 0.01, 0.03, 0.1, 0.3]),
        "learningRate": st.sampled_from([0.001, 0.01, 0.03, 0.1, 0.3, 1.0]),
        "batchSize": st.integers(1, 30),
        "problem": st.sampled_from(["classification", "regression"]),
        "dataset": st.sampled_from(["circle", "xor", "gauss", "spiral"]),
        "regDataset": st.sampled_from(["reg-plane", "reg-gauss"]),
        "noise": st.sampled_from([0, 5, 25, 50]),
        "percTrainData": st.sampled_from([10, 30, 50, 70, 90]),
        "networkShape": st.lists(st.integers(1, 8), max_size=3).map(tuple),
        "initZero": st.booleans(),
        "features": st.lists(st.sampled_from(list(FEATURES)), min_size=1, max_size=7, unique=True),
        "seed": st.sampled_from(["0.1", "0.77", "abc", "", "0.99999"]),
    }
)


def _config(setup: dict) -> PlaygroundConfig:
    setup = dict(setup)
    chosen = setup.pop("features")
    return PlaygroundConfig(**setup, **{name: name in chosen for name in FEATURES})


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(setups, st.integers(1, 3))
def test_session_training_matches_naive_model(setup: dict, epochs: int) -> None:
    session = Session(_config(setup))
    cfg = session.config
    net = session.network
    model = ReferenceNet(
        [w.tolist() for w in net.weights], [b.tolist() for b in net.biases], cfg.activation, cfg.output_activation
    )
    rows = session._X_train.tolist()
    labels = session.train[:, 2].tolist()
    result = session.step(epochs)  # stops early, after the epoch whose loss is not finite
    assert result.epochs == epochs or result.stopped == "diverged"
    for _ in range(result.epochs):
        model.epoch(rows, labels, cfg.batchSize, cfg.learningRate, cfg.regularization, cfg.regularizationRate)
    for layer, w in enumerate(session.network.weights):
        assert close(w, model.weights()[layer], 1e-11)
        assert session.network.dead[layer].tolist() == model.dead()[layer]
    for layer, b in enumerate(session.network.biases):
        assert close(b, model.biases()[layer], 1e-11)
    assert close(session.loss_train, model.loss(rows, labels), 5e-13)


def test_session_remainder_carries_into_next_epoch() -> None:
    # 350 training points, batch 8: 6 gradients are left over after epoch 1.
    # The update test is (i + 1) % batch with i counted from 0 in every epoch,
    # so epoch 2's first update averages 6 + 8 = 14 gradients and 6 are left again.
    session = Session(PlaygroundConfig(seed="0.5", percTrainData=70, batchSize=8))
    session.step(1)
    assert session.network.counters[0] == 6
    assert np.any(session.network.acc_w != 0)
    updates = session.network.counters[1]
    session.step(1)
    assert session.network.counters[0] == 6
    assert session.network.counters[1] - updates == 350 // 8


def test_session_zero_hidden_layers_trains() -> None:
    session = Session(PlaygroundConfig(seed="0.3", networkShape=(), xSquared=True, ySquared=True, x=False, y=False))
    assert session.shape == [2, 1]
    before = session.loss_train
    session.step(50)
    assert session.loss_train < before


def test_session_no_features_still_runs() -> None:
    session = Session(PlaygroundConfig(seed="0.3", x=False, y=False))
    assert session.shape == [0, 4, 2, 1]
    session.step(2)
    assert np.isfinite(session.loss_train)
    assert session.frame().thumbnails.shape == (7 + 4 + 2 + 1, 10, 10)


def test_session_init_zero_draws_but_zeroes() -> None:
    zero = Session(PlaygroundConfig(seed="0.3", initZero=True))
    plain = Session(PlaygroundConfig(seed="0.3"))
    assert all(not w.any() for w in zero.network.weights)
    assert all(not b.any() for b in zero.network.biases)
    # the numbers were still drawn: the next network is the same as without initZero
    zero.update(initZero=False)
    plain.reset()
    assert all(np.array_equal(a, b) for a, b in zip(zero.network.weights, plain.network.weights, strict=True))


def test_session_diverging_rate_goes_nan_without_crashing() -> None:
    session = Session(PlaygroundConfig(seed="0.3", learningRate=10, activation="relu", problem="regression"))
    session.step(30)
    assert np.isnan(session.loss_train) or session.loss_train > 1
    frame = session.frame()
    assert frame.output.dtype == np.uint8


@pytest.mark.parametrize(
    "hash_",
    [
        "seed=0.42",
        "dataset=xor&seed=0.3&batchSize=1&activation=relu&regularization=L1&regularizationRate=0.003",
        "dataset=gauss&seed=0.7&batchSize=7&activation=sigmoid&regularization=L2&regularizationRate=0.01",
        "dataset=spiral&seed=0.1&networkShape=8,8,8&xSquared=true&sinY=true&batchSize=4",
    ],
)
def test_session_training_is_the_naive_models_bit_for_bit(hash_: str) -> None:
    """The blocked, vectorised kernel keeps the original's order of operations per point."""
    session = Session(PlaygroundConfig.from_hash(hash_))
    cfg = session.config
    net = session.network
    model = ReferenceNet(
        [w.tolist() for w in net.weights], [b.tolist() for b in net.biases], cfg.activation, cfg.output_activation
    )
    rows, labels = session._X_train.tolist(), session.train[:, 2].tolist()
    for _ in range(5):
        model.epoch(rows, labels, cfg.batchSize, cfg.learningRate, cfg.regularization, cfg.regularizationRate)
    session.step(5)
    for layer, (w, b) in enumerate(zip(session.network.weights, session.network.biases, strict=True)):
        assert w.tolist() == model.weights()[layer]
        assert b.tolist() == model.biases()[layer]


@pytest.mark.parametrize("hash_", ["seed=0.42", "seed=0.7&networkShape=8,8,8&xSquared=true&sinX=true&dataset=spiral"])
def test_session_at_defaults_equals_the_naive_model_bit_for_bit(hash_: str) -> None:
    """At the original's settings the trained weights and the displayed losses are
    exactly the naive model's (same floating-point order, the C library's tanh)."""
    session = Session(PlaygroundConfig.from_hash(hash_))
    cfg = session.config
    net = session.network
    model = ReferenceNet(
        [w.tolist() for w in net.weights], [b.tolist() for b in net.biases], cfg.activation, cfg.output_activation
    )
    rows, labels = session._X_train.tolist(), session.train[:, 2].tolist()
    test_rows, test_labels = session._X_test.tolist(), session.test[:, 2].tolist()
    session.step(20)
    for _ in range(20):
        model.epoch(rows, labels, cfg.batchSize, cfg.learningRate, cfg.regularization, cfg.regularizationRate)
    for layer, w in enumerate(session.network.weights):
        assert w.tolist() == model.weights()[layer]
    assert session.loss_train == model.loss(rows, labels)
    assert session.loss_test == model.loss(test_rows, test_labels)
