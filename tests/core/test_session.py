"""Session: page-load order, and what every change does (spec sections 1-2)."""

from __future__ import annotations

import numpy as np
import pytest

from core.config import PlaygroundConfig
from core.datasets import generate
from core.errors import InvalidValue
from core.rng import SeedRandom, js_to_fixed5
from core.session import Session


def _weights(session: Session) -> list[list[list[float]]]:
    return [w.tolist() for w in session.network.weights]


def _stream_after_page_load(seed: str, config: PlaygroundConfig) -> SeedRandom:
    """An independent stream positioned where a session's is after loading."""
    rng = SeedRandom(seed)
    generate(rng, config.data_name, config.noise, config.percTrainData)
    n_links = sum(a * b for a, b in zip([2, *config.networkShape], [*config.networkShape, 1], strict=True))
    for _ in range(n_links):
        rng.random()
    return rng


def test_session_reset_draws_from_the_continuing_stream() -> None:
    config = PlaygroundConfig(seed="0.42")
    session = Session(config)
    session.step(5)
    rng = _stream_after_page_load("0.42", config)
    session.reset()
    assert session.epoch == 0
    first = session.network.weights[0]
    # the next draws, layer by layer, then destination, then source
    assert first[0, 0] == rng.random() - 0.5
    assert first[1, 0] == rng.random() - 0.5
    assert first[0, 1] == rng.random() - 0.5


def test_session_regenerate_draws_a_new_seed_and_keeps_the_network() -> None:
    config = PlaygroundConfig(seed="0.42")
    session = Session(config)
    session.step(3)
    weights = _weights(session)
    expected_seed = js_to_fixed5(_stream_after_page_load("0.42", config).random())
    session.regenerate()
    assert session.config.seed == expected_seed
    assert _weights(session) == weights
    assert session.epoch == 3
    train, _ = generate(SeedRandom(expected_seed), "circle", 0, 50)
    assert np.array_equal(session.train, train)


def test_session_learning_rate_change_is_live() -> None:
    session = Session(PlaygroundConfig(seed="0.42"))
    session.step(4)
    weights = _weights(session)
    assert session.update(learningRate=0.3) == "live"
    assert session.epoch == 4 and _weights(session) == weights
    session.step(1)
    other = Session(PlaygroundConfig(seed="0.42"))
    other.step(4)
    other.update(learningRate=0.3)
    other.step(1)
    assert _weights(session) == _weights(other)


@pytest.mark.parametrize(
    "change",
    [
        {"activation": "relu"},
        {"batchSize": 3},
        {"networkShape": (3,)},
        {"xSquared": True},
        {"regularization": "L2"},
        {"regularizationRate": 0.1},
        {"initZero": True},
    ],
)
def test_session_network_changes_reset(change: dict) -> None:
    config = PlaygroundConfig(seed="0.42")
    session = Session(config)
    session.step(2)
    data = session.train.copy()
    assert session.update(**change) == "reset"
    assert session.epoch == 0
    assert np.array_equal(session.train, data)
    assert session.config.seed == "0.42"


@pytest.mark.parametrize(
    "change", [{"dataset": "xor"}, {"noise": 10}, {"percTrainData": 70}, {"problem": "regression"}]
)
def test_session_data_changes_draw_new_seed_data_and_network(change: dict) -> None:
    config = PlaygroundConfig(seed="0.42")
    session = Session(config)
    session.step(2)
    new_seed = js_to_fixed5(_stream_after_page_load("0.42", config).random())
    assert session.update(**change) == "data"
    assert session.config.seed == new_seed
    assert session.epoch == 0
    expected, _ = generate(
        SeedRandom(new_seed), session.config.data_name, session.config.noise, session.config.percTrainData
    )
    assert np.array_equal(session.train, expected)


def test_session_problem_change_draws_thumbnails_before_weights() -> None:
    session = Session(PlaygroundConfig(seed="0.42"))
    session.update(problem="regression")
    # the original regenerates data, redraws its regression thumbnails (200 points each), then builds the network
    rng = SeedRandom(session.config.seed)
    generate(rng, "reg-plane", 0, 50)
    for _ in range(2 * 200 * 4):
        rng.random()
    assert session.network.weights[0][0, 0] == rng.random() - 0.5


def test_session_seed_change_reloads_like_a_page_load() -> None:
    session = Session(PlaygroundConfig(seed="0.42"))
    session.step(3)
    assert session.update(seed="0.12345") == "seed"
    fresh = Session(PlaygroundConfig(seed="0.12345"))
    assert _weights(session) == _weights(fresh)
    assert np.array_equal(session.train, fresh.train)


def test_session_display_only_changes_change_nothing_else() -> None:
    session = Session(PlaygroundConfig(seed="0.42"))
    session.step(2)
    weights = _weights(session)
    assert session.update(showTestData=True, discretize=True, hideText=True, hidden=frozenset({"noise"})) == "live"
    assert session.update(showTestData=True) == "none"
    assert _weights(session) == weights and session.epoch == 2


def test_session_invalid_update_changes_nothing() -> None:
    session = Session(PlaygroundConfig(seed="0.42"))
    before = session.config
    with pytest.raises(InvalidValue):
        session.update(activation="relu", batchSize=0)
    assert session.config == before


def test_session_apply_hash_keeps_seed_when_absent() -> None:
    session = Session(PlaygroundConfig(seed="0.42"))
    assert session.apply_hash("#activation=relu&networkShape=3") == "reset"
    assert session.config.seed == "0.42"
    assert session.shape == [2, 3, 1]


def test_session_set_weight_and_bias_by_hand() -> None:
    session = Session(PlaygroundConfig(seed="0.42"))
    session.set_weight(1, 2, 0, 1.5)
    session.set_bias(2, 0, -0.25)
    assert session.network.weights[1][2, 0] == 1.5
    assert session.network.biases[2][0] == -0.25
    for bad in ({"layer": 3}, {"source": 4}, {"target": 2}, {"value": float("nan")}):
        args = {"layer": 1, "source": 2, "target": 0, "value": 0.5, **bad}
        with pytest.raises(InvalidValue) as info:
            session.set_weight(**args)
        assert info.value.field == next(iter(bad))


def test_session_restore_round_trips_a_trained_network() -> None:
    session = Session(PlaygroundConfig(seed="0.42", batchSize=7))
    session.step(3)
    copy = Session(PlaygroundConfig(seed="0.42", batchSize=7))
    net = session.network
    pending = (
        int(net.counters[0]),
        [a.tolist() for a in _split(net.acc_w, net.weights)],
        [b.tolist() for b in _split(net.acc_b, net.biases)],
    )
    copy.restore(
        [w.tolist() for w in net.weights],
        [b.tolist() for b in net.biases],
        [d.tolist() for d in net.dead],
        pending,
        epoch=3,
    )
    session.step(2)
    copy.step(2)
    assert _weights(copy) == _weights(session)
    assert copy.epoch == 5
    with pytest.raises(InvalidValue) as info:
        copy.restore([[[1.0]]], [[0.0]])
    assert info.value.field == "weights"


def _split(flat: np.ndarray, like: list[np.ndarray]) -> list[np.ndarray]:
    out, start = [], 0
    for a in like:
        out.append(flat[start : start + a.size].reshape(a.shape))
        start += a.size
    return out


def test_session_history_keeps_every_epoch_then_thins() -> None:
    session = Session(PlaygroundConfig(seed="0.42"))
    session.step(10)
    rows = session.history.rows
    assert rows[:, 0].tolist() == list(range(11))
    assert rows[-1, 1] == session.loss_train
    session.step(5000)
    assert len(session.history) <= session.history.max_points
    assert session.history.rows[-1, 0] <= session.epoch
