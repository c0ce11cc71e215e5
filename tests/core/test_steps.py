"""Step sizes and what is trained: updates as well as epochs, the whole training set
per update, and one selected parameter alone, against an independent NumPy
reference (tests/core/reference_learning.py) and the explainer's predictions."""

from __future__ import annotations

import numpy as np
import pytest

from core.config import PlaygroundConfig
from core.errors import InvalidValue
from core.link import Link
from core.network import Network
from core.session import Session
from core.snapshot import from_document, to_document
from core.training import TrainingRule, train
from tests.core.reference_learning import Reference


def _links(network: Network) -> list[Link]:
    """Every weight and bias of ``network``."""
    links = []
    for layer, weights in enumerate(network.weights):
        n_in, n_out = weights.shape
        links += [Link(layer, i, j) for i in range(n_in) for j in range(n_out)]
        links += [Link(layer, None, j) for j in range(n_out)]
    return links


def _reference(session: Session) -> Reference:
    net, cfg = session.network, session.config
    ref = Reference(
        [w.copy() for w in net.weights],
        [b.copy() for b in net.biases],
        net.activation,
        net.output_activation,
        cfg.loss_function,
        cfg.optimizer,
        cfg.learningRate,
        cfg.momentum,
        cfg.regularization,
        cfg.regularizationRate,
    )
    for k, layer in enumerate(net.layers):  # the state a session carries into the next update
        ref.gW[k][...] = layer.pending_weights
        ref.gb[k][...] = layer.pending_biases
        for slot, name in enumerate(("first", "second")[: len(net.slot_names)]):
            ref.state[name][0][k][...] = layer.slot_weights[slot]
            ref.state[name][1][k][...] = layer.slot_biases[slot]
    ref.n, ref.t = int(net.counters[0]), int(net.counters[1])
    return ref


def _replay(ref: Reference, X: np.ndarray, Y: np.ndarray, batch: int, position: int, updates: int) -> int:
    """The reference trained point by point from row ``position`` until ``updates`` updates
    are made, an update after every row position that is a multiple of ``batch``; returns
    the position reached."""
    row = position
    while updates:
        ref.backward(X[row], Y[row])
        row += 1
        if row % batch == 0:
            ref.update()
            updates -= 1
        if row == X.shape[0]:
            row = 0
    return row


def test_step_one_update_is_old_minus_alpha_times_the_explainers_batch_gradient() -> None:
    """updates=1 moves every parameter by −α·g, g the explainer's batch gradient, which an
    independent NumPy model also finds; a remainder (350 points, batches of 8) is carried in."""
    session = Session(PlaygroundConfig(seed="0.5", percTrainData=70, batchSize=8, networkShape=(3, 2)))
    session.step(2)
    assert session.network.counters[0] == 6  # 350 = 43·8 + 6 rows carried into this update
    before = session.network.copy()
    ref = _reference(session)
    predicted = {link: session.explain(link.layer, link.source, link.target, 0)["batch"] for link in _links(before)}
    result = session.step(updates=1)
    assert (result.updates, result.epochs, session.position, session.epoch) == (1, 0, 8, 2)
    _replay(ref, session._X_train, session._Y_train, 8, 0, 1)
    for link, batch in predicted.items():
        new = link.get(session.network)
        assert new == pytest.approx(link.get(before) - 0.03 * batch["gradient"], rel=0, abs=1e-12), link
        expected = (
            ref.b[link.layer][link.target] if link.source is None else ref.W[link.layer][link.source, link.target]
        )
        assert new == pytest.approx(expected, rel=0, abs=1e-12), link


@pytest.mark.parametrize("optimizer", ["momentum", "adam", "rmsprop"])
def test_step_updates_with_an_optimizer_match_the_reference(optimizer: str) -> None:
    session = Session(
        PlaygroundConfig(
            seed="0.7", batchSize=6, optimizer=optimizer, regularization="L2", regularizationRate=0.01, learningRate=0.1
        )
    )
    session.step(updates=5)
    ref = _reference(session)
    row = _replay(ref, session._X_train, session._Y_train, 6, session.position, 47)  # crosses a pass's end
    session.step(updates=47)
    assert session.position == row and session.epoch == 1
    for k, layer in enumerate(session.network.layers):
        np.testing.assert_allclose(layer.weights, ref.W[k], rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(layer.biases, ref.b[k], rtol=1e-9, atol=1e-12)
        for slot, name in enumerate(("first", "second")[: len(session.network.slot_names)]):
            np.testing.assert_allclose(layer.slot_weights[slot], ref.state[name][0][k], rtol=1e-9, atol=1e-15)
    assert int(session.network.counters[1]) == ref.t == 52


def test_step_updates_then_epochs_equal_whole_epochs_bit_for_bit() -> None:
    """250 points in batches of 7: 35 updates a pass and 5 rows carried.  36 updates cross the
    first pass's end; epochs=2 then finish the second pass and run the third."""
    whole = Session(PlaygroundConfig(seed="0.5", batchSize=7))
    parts = Session(PlaygroundConfig(seed="0.5", batchSize=7))
    whole.step(3)
    first = parts.step(updates=36)
    assert (first.epochs, first.updates, parts.epoch, parts.position) == (1, 36, 1, 7)
    assert first.final != (whole.history.rows[1, 1], whole.history.rows[1, 2])  # the losses now, inside pass 2
    assert parts.loss_train == first.final[0]
    second = parts.step(epochs=2)
    assert (second.epochs, second.updates, parts.epoch, parts.position) == (2, 69, 3, 0)
    for name, value in whole.network.state_dict().items():
        np.testing.assert_array_equal(parts.network.state_dict()[name], value, err_msg=name)
    np.testing.assert_array_equal(parts.history.rows, whole.history.rows)  # one row per completed pass
    assert (parts.loss_train, parts.loss_test) == (whole.loss_train, whole.loss_test)


def test_step_rejects_bad_counts_and_updates_that_never_happen() -> None:
    session = Session(PlaygroundConfig(seed="1"))
    for kwargs, field in [
        ({"epochs": 0}, "epochs"),
        ({"updates": 0}, "updates"),
        ({"updates": 2.0}, "updates"),
        ({"epochs": 1, "updates": 1}, "updates"),
        ({"epochs": True}, "epochs"),
    ]:
        with pytest.raises(InvalidValue) as info:
            session.step(**kwargs)
        assert info.value.field == field
    session.load_points([[0, 0, 1], [1, 1, -1]], np.zeros((0, 3)))  # 2 points, batches of 10: never an update
    with pytest.raises(InvalidValue, match="updates: no update ever happens"):
        session.step(updates=1)
    assert session.step(epochs=3).epochs == 3  # the original's rule: the rows accumulate, unapplied
    assert int(session.network.counters[1]) == 0


def test_full_batch_makes_one_update_per_pass_over_every_point() -> None:
    session = Session(PlaygroundConfig(seed="0.42", fullBatch=True, percTrainData=30))
    assert session.batch_size == session.train.shape[0] == 150 and session.rule.batch_size == 150
    X, Y = session._X_train, session._Y_train
    free = session.network.copy()
    result = session.step(updates=3)
    assert (result.updates, result.epochs, session.position) == (3, 3, 0)
    train(free, X, Y, TrainingRule(150, 0.03), 3)
    for name, value in free.state_dict().items():
        np.testing.assert_array_equal(session.network.state_dict()[name], value, err_msg=name)
    assert "fullBatch=true" in session.config.to_hash() and "fullBatch" not in PlaygroundConfig(seed="1").to_hash()
    session.update(percTrainData=60)
    assert session.batch_size == 300  # the whole set, whatever its size


@pytest.mark.parametrize(("optimizer", "batch"), [("sgd", 8), ("momentum", 8), ("adam", 8), ("sgd", 1), ("adam", 1)])
@pytest.mark.parametrize("link", [Link(2, 1, 0), Link(0, 0, 3), Link(1, None, 1)], ids=str)
def test_train_selected_moves_that_parameter_alone_as_the_explainer_predicts(
    optimizer: str, batch: int, link: Link
) -> None:
    session = Session(
        PlaygroundConfig(
            seed="0.5",
            percTrainData=70,
            batchSize=batch,
            optimizer=optimizer,
            regularization="L1",
            regularizationRate=0.001,
        )
    )
    session.step(updates=50)  # every buffer in use: pending rows, optimizer state, past a pass's end
    session.update(train="selected")
    others = session.network.state_dict()
    for _ in range(60):  # across the pass's end and its carried remainder
        predicted = session.explain(link.layer, link.source, link.target, 0)["batch"]["new_weight"]
        session.step(updates=1, only=link)
        assert link.get(session.network) == pytest.approx(predicted, rel=1e-13, abs=1e-15)
    state = session.network.state_dict()
    index_w, index_b = link.flat_index(session.network)
    for name, value in others.items():
        now = state[name]
        if name in ("pending.count", "updates"):
            continue  # shared counts: they advance with the selected parameter's updates
        kind = name.split(".")[-1]
        layer = int(name.split(".")[1])
        mine = link.layer == layer and (kind == "biases") == (link.source is None) and not name.endswith("dead")
        if mine:
            flat_value, flat_now = value.ravel().copy(), now.ravel().copy()
            own = link.target if link.source is None else link.source * value.shape[1] + link.target
            flat_value[own] = flat_now[own] = 0.0
            np.testing.assert_array_equal(flat_now, flat_value, err_msg=name)
        else:
            np.testing.assert_array_equal(now, value, err_msg=name)
    assert index_w >= 0 or index_b >= 0


def test_train_selected_needs_a_selection_and_train_all_ignores_one() -> None:
    session = Session(PlaygroundConfig(seed="0.5", train="selected"))
    with pytest.raises(InvalidValue, match="train: train=selected"):
        session.step()
    with pytest.raises(InvalidValue) as info:
        session.step(only=Link(0, 5, 0))
    assert info.value.field == "source"
    everything = Session(PlaygroundConfig(seed="0.5"))
    twin = Session(PlaygroundConfig(seed="0.5"))
    everything.step(2, only=Link(0, 0, 0))
    twin.step(2)
    np.testing.assert_array_equal(everything.network.w, twin.network.w)


def test_train_selected_lands_on_the_slice_marker() -> None:
    """With train=selected and the whole set per update, the slice is exactly the function minimised:
    after the update the loss is the curve's value at the marker."""
    session = Session(PlaygroundConfig(seed="0.42", train="selected", fullBatch=True, learningRate=0.3))
    link = Link(1, 2, 1)
    for _ in range(5):
        sliced = session.loss_slice(link.layer, link.source, link.target)
        assert sliced["batch"] is None  # the update follows every training point
        session.step(updates=1, only=link)
        assert link.get(session.network) == pytest.approx(sliced["next"]["value"], rel=1e-14)
        assert session.loss_train == pytest.approx(sliced["next"]["loss"], rel=1e-12)
        assert session.loss_train < sliced["current"]["loss"]


def test_step_stop_rules_inside_and_across_passes() -> None:
    session = Session(PlaygroundConfig(seed="0.5", batchSize=10, stopEpoch=2))
    result = session.step(updates=100)  # 25 a pass: stops at the end of the second pass
    assert (result.stopped, result.epochs, result.updates, session.epoch, session.position) == ("epoch", 2, 50, 2, 0)
    wild = Session(PlaygroundConfig(seed="0.5", problem="regression", learningRate=10, activation="relu", batchSize=1))
    result = wild.step(updates=200)  # inside the first pass (250 points)
    assert result.epochs == 0 and wild.position == 200
    assert result.stopped == "diverged" and not np.isfinite(wild.loss_train)


def test_snapshot_keeps_the_position_inside_a_pass() -> None:
    session = Session(PlaygroundConfig(seed="0.5", batchSize=7))
    session.step(updates=40)
    document = to_document(session)
    assert document["position"] == 35
    restored = from_document(document)
    assert restored.position == 35
    session.step(updates=30)
    restored.step(updates=30)
    np.testing.assert_array_equal(session.network.w, restored.network.w)
    older = {key: value for key, value in document.items() if key != "position"}
    assert from_document(older).position == 0  # documents written before positions existed
    for bad in (250, -1, 2.5):
        with pytest.raises(InvalidValue, match="position"):
            from_document({**document, "position": bad})
