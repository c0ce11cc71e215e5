"""Optimizers, cross-entropy and several classes against an independent
NumPy reference (tests/core/reference_learning.py), and their properties."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.network import Network
from core.training import StopRule, TrainingRule, mean_loss, train
from tests.core.reference_learning import Reference

OPTIMIZERS = ("sgd", "momentum", "rmsprop", "adam")


def _network(sizes, hidden, output, optimizer, seed):
    rng = np.random.default_rng(seed)
    net = Network(sizes, hidden, output, optimizer)
    weights = [rng.uniform(-0.8, 0.8, (a, b)) for a, b in itertools.pairwise(sizes)]
    biases = [rng.uniform(-0.3, 0.3, b) for b in sizes[1:]]
    net.assign(weights, biases)
    return net, weights, biases


def _data(n, n_in, n_out, loss, seed):
    rng = np.random.default_rng(seed + 1)
    X = rng.uniform(-2, 2, (n, n_in))
    if loss == "cross-entropy" and n_out > 1:
        Y = np.eye(n_out)[rng.integers(0, n_out, n)]
    elif loss == "cross-entropy":
        Y = rng.integers(0, 2, (n, 1)).astype(float)
    else:
        Y = rng.uniform(-1, 1, (n, n_out))
    return X, Y


@st.composite
def setups(draw):
    loss = draw(st.sampled_from(["half-square", "square", "cross-entropy"]))
    classes = draw(st.sampled_from([2, 3, 4])) if loss == "cross-entropy" else 2
    n_out = classes if classes > 2 else 1
    if loss == "cross-entropy":
        output = "softmax" if n_out > 1 else "sigmoid"
    else:
        output = draw(st.sampled_from(["tanh", "sigmoid", "linear"]))
    shape = draw(st.lists(st.integers(1, 4), min_size=0, max_size=2))
    return {
        "sizes": [draw(st.integers(1, 3)), *shape, n_out],
        "hidden": draw(st.sampled_from(["tanh", "relu", "sigmoid", "linear"])),
        "output": output,
        "loss": loss,
        "optimizer": draw(st.sampled_from(OPTIMIZERS)),
        "lr": draw(st.sampled_from([0.01, 0.1, 0.3])),
        "momentum": draw(st.sampled_from([0.0, 0.5, 0.9])),
        "reg": draw(st.sampled_from(["none", "L1", "L2"])),
        "rate": draw(st.sampled_from([0.0, 0.01, 0.3])),
        "batch": draw(st.integers(1, 7)),
        "n": draw(st.integers(3, 17)),  # often not a multiple of the batch: remainders carry over
        "epochs": draw(st.integers(1, 3)),
        "seed": draw(st.integers(0, 10**6)),
    }


@settings(max_examples=120, deadline=None)
@given(setups())
def test_train_matches_the_reference_for_every_optimizer_loss_classes_and_regularization(setup) -> None:
    s = setup
    net, weights, biases = _network(s["sizes"], s["hidden"], s["output"], s["optimizer"], s["seed"])
    X, Y = _data(s["n"], s["sizes"][0], s["sizes"][-1], s["loss"], s["seed"])
    rule = TrainingRule(s["batch"], s["lr"], s["reg"], s["rate"], s["loss"], s["optimizer"], s["momentum"])
    result = train(net, X, Y, rule, s["epochs"], X, Y)
    ref = Reference(
        weights,
        biases,
        s["hidden"],
        s["output"],
        s["loss"],
        s["optimizer"],
        s["lr"],
        s["momentum"],
        s["reg"],
        s["rate"],
    )
    for e in range(s["epochs"]):
        ref.epoch(X, Y, s["batch"])
        expected = ref.mean_loss(X, Y)
        np.testing.assert_allclose(result.losses[e], [expected, expected], rtol=1e-9, atol=1e-12)
    assert result.stopped is None
    for k, layer in enumerate(net.layers):
        np.testing.assert_allclose(layer.weights, ref.W[k], rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(layer.biases, ref.b[k], rtol=1e-9, atol=1e-12)
        np.testing.assert_array_equal(layer.dead, ref.dead[k])
        np.testing.assert_allclose(layer.pending_weights, ref.gW[k], rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(layer.pending_biases, ref.gb[k], rtol=1e-9, atol=1e-12)
        for slot, name in enumerate(("first", "second")[: len(net.slot_names)]):
            np.testing.assert_allclose(layer.slot_weights[slot], ref.state[name][0][k], rtol=1e-9, atol=1e-15)
            np.testing.assert_allclose(layer.slot_biases[slot], ref.state[name][1][k], rtol=1e-9, atol=1e-15)
    assert int(net.counters[0]) == ref.n and int(net.counters[1]) == ref.t


@pytest.mark.parametrize("regularization", ["none", "L1", "L2"])
def test_train_momentum_with_mu_zero_equals_sgd_bit_for_bit(regularization: str) -> None:
    nets = [_network([2, 4, 2, 1], "tanh", "tanh", optimizer, 7)[0] for optimizer in ("sgd", "momentum")]
    X, Y = _data(23, 2, 1, "half-square", 7)
    for net in nets:
        rule = TrainingRule(5, 0.3, regularization, 0.01, "half-square", net.optimizer, 0.0)
        train(net, X, Y, rule, 4, X, Y)
    for name, value in nets[0].state_dict().items():
        np.testing.assert_array_equal(nets[1].state_dict()[name], value, err_msg=name)


@pytest.mark.parametrize(("optimizer", "expected"), [("adam", 0.01), ("rmsprop", 0.01 / np.sqrt(0.1))])
def test_train_first_update_moves_every_parameter_by_the_optimizers_first_step(optimizer: str, expected: float) -> None:
    """Adam's first step is α·g/(|g| + ε) ≈ α; RMSprop's is α·g/(√(1 − ρ)·|g| + ε) ≈ α/√(1 − ρ)."""
    net, weights, biases = _network([2, 3, 1], "tanh", "tanh", optimizer, 3)
    X, Y = _data(8, 2, 1, "half-square", 3)
    train(net, X, Y, TrainingRule(8, 0.01, optimizer=optimizer), 1)
    assert int(net.counters[1]) == 1
    moved = np.concatenate(
        [np.abs(net.w - np.concatenate([w.ravel() for w in weights])), np.abs(net.b - np.concatenate(biases))]
    )
    np.testing.assert_allclose(moved, expected, rtol=1e-4)


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_train_two_calls_of_one_epoch_equal_one_call_of_two_through_state_dict(optimizer: str) -> None:
    """The optimizer's state and the carried remainder travel in state_dict: bit for bit."""
    X, Y = _data(27, 2, 3, "cross-entropy", 11)
    rule = TrainingRule(4, 0.1, "L1", 0.003, "cross-entropy", optimizer, 0.9)
    once, _, _ = _network([2, 5, 3], "relu", "softmax", optimizer, 11)
    first = once.copy()
    train(once, X, Y, rule, 2, X, Y)
    train(first, X, Y, rule, 1, X, Y)
    second = Network([2, 5, 3], "relu", "softmax", optimizer)
    second.load_state_dict(first.state_dict())
    train(second, X, Y, rule, 1, X, Y)
    for name, value in once.state_dict().items():
        np.testing.assert_array_equal(second.state_dict()[name], value, err_msg=name)


def test_network_state_dict_names_every_buffer_and_load_rejects_a_wrong_shape() -> None:
    net, _, _ = _network([2, 3, 1], "tanh", "tanh", "adam", 1)
    names = set(net.state_dict())
    for k in range(2):
        for part in (
            "weights",
            "biases",
            "dead",
            "pending.weights",
            "pending.biases",
            "m.weights",
            "m.biases",
            "v.weights",
            "v.biases",
        ):
            assert f"layers.{k}.{part}" in names
    assert {"pending.count", "updates"} <= names
    bad = net.state_dict()
    bad["layers.1.m.weights"] = np.zeros((2, 1))
    with pytest.raises(ValueError, match=r"layers\.1\.m\.weights"):
        net.load_state_dict(bad)


def test_cross_entropy_is_finite_for_saturated_outputs() -> None:
    for sizes, output in (([1, 1], "sigmoid"), ([1, 3], "softmax")):
        net = Network(sizes, "tanh", output)
        net.assign([np.full((1, sizes[1]), 900.0) * np.arange(1, sizes[1] + 1)], [np.zeros(sizes[1])])
        X = np.array([[1.0], [-1.0]])
        Y = np.array([[0.0], [1.0]]) if sizes[1] == 1 else np.eye(3)[[0, 1]]
        value = mean_loss(net, X, Y, "cross-entropy")
        assert np.isfinite(value) and value > 100  # confidently wrong: a large, finite loss
        result = train(net, X, Y, TrainingRule(1, 0.1, loss="cross-entropy"), 1)
        assert np.isfinite(net.w).all() and result.stopped is None


def test_train_stops_exactly_after_the_epochs_asked_at_the_stop_loss_and_on_divergence() -> None:
    X, Y = _data(20, 2, 1, "half-square", 5)
    free, _, _ = _network([2, 3, 1], "tanh", "tanh", "sgd", 5)
    stopped_net = free.copy()
    losses = train(free, X, Y, TrainingRule(4, 0.3), 30, X, Y).losses
    result = train(stopped_net.copy(), X, Y, TrainingRule(4, 0.3), 30, X, Y, StopRule(after=7))
    assert (result.epochs, result.stopped) == (7, "epoch")
    target = losses[12, 1]
    first = int(np.argmax(losses[:, 1] <= target))
    result = train(stopped_net.copy(), X, Y, TrainingRule(4, 0.3), 30, X, Y, StopRule(loss=float(target)))
    assert (result.epochs, result.stopped) == (first + 1, "loss")
    np.testing.assert_array_equal(result.losses, losses[: first + 1])
    wild, _, _ = _network([2, 8, 1], "relu", "linear", "sgd", 5)
    result = train(wild, X * 50, Y * 50, TrainingRule(1, 10.0), 500, X, Y)
    assert result.stopped == "diverged" and result.epochs < 500
    assert not np.isfinite(result.losses[-1]).all()
