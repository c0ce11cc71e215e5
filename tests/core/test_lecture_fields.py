"""The lecture's new settings: what each value does, how it is written in the hash,
and the combinations the config refuses (each naming the field to change)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core.config import PlaygroundConfig
from core.errors import InvalidValue
from core.fields import FIELDS
from core.inits import initial_ranges
from core.modelcode import model_source
from core.session import Session


def test_sigmoid_output_with_pm1_targets_is_refused_naming_targets() -> None:
    for make in (
        lambda: PlaygroundConfig(seed="1", outputActivation="sigmoid"),
        lambda: PlaygroundConfig(seed="1", targets="zero-one", outputActivation="sigmoid").replace(targets="pm1"),
        lambda: PlaygroundConfig.from_hash("seed=1&outputActivation=sigmoid&problem=regression"),
    ):
        with pytest.raises(InvalidValue) as info:
            make()
        assert info.value.field == "targets" and "zero-one" in info.value.message
    # cross-entropy reads ±1 as 0/1 already; a tanh output reaches ±1
    assert PlaygroundConfig(seed="1", outputActivation="sigmoid", loss="cross-entropy").targets == "pm1"
    assert PlaygroundConfig(seed="1", outputActivation="tanh").targets == "pm1"


def test_zero_one_targets_train_towards_0_and_1_and_decode_to_the_label_scale() -> None:
    session = Session(PlaygroundConfig(seed="0.42", outputActivation="sigmoid", targets="zero-one"))
    labels = session.train[:, 2]
    np.testing.assert_array_equal(session._Y_train[:, 0], (labels + 1) / 2)
    outputs = session.network.forward(session._X_train)[-1][:, 0]
    np.testing.assert_allclose(session.output(session.train[:, :2]), 2 * outputs - 1, rtol=0, atol=1e-15)
    session.step(20)  # the step counts its confusion with the output at label 0 (0.5) as the threshold
    outputs = session.network.forward(session._X_train)[-1][:, 0]
    assert session.metrics().accuracy_train == np.mean((outputs >= 0.5) == (labels > 0))
    regression = Session(PlaygroundConfig(seed="0.3", problem="regression", targets="zero-one"))
    np.testing.assert_allclose(regression._Y_train[:, 0], (regression.train[:, 2] + 1) / 2)


def test_large_input_scaling_maps_each_feature_onto_0_to_255() -> None:
    session = Session(PlaygroundConfig(seed="0.42", inputScaling="large", xSquared=True, sinY=True))
    x, y = session.train[:, 0], session.train[:, 1]
    expected = np.column_stack([255 * (x + 6) / 12, 255 * (y + 6) / 12, 255 * x * x / 36, 255 * (np.sin(y) + 1) / 2])
    np.testing.assert_allclose(session._X_train, expected, rtol=1e-14, atol=1e-12)
    assert session._X_train.min() >= 0 and session._X_train.max() <= 255


def test_init_equal_sets_every_weight_and_bias_and_keeps_the_stream() -> None:
    equal = Session(PlaygroundConfig(seed="0.3", init="equal", initValue=0.25, networkShape=(3, 2)))
    assert all((w == 0.25).all() for w in equal.network.weights)
    assert all((b == 0.25).all() for b in equal.network.biases)
    plain = Session(PlaygroundConfig(seed="0.3", networkShape=(3, 2)))
    assert equal.rng.draws == plain.rng.draws  # the original's numbers were drawn, then replaced


def test_init_zero_from_a_tf_link_is_init_equal_with_0_both_ways() -> None:
    """initZero=true (the original's switch) and init=equal&initValue=0 are one state: the hash
    writes both, either reads back as it, and the menus' property says what is used."""
    from_tf = PlaygroundConfig.from_hash("seed=1&initZero=true")
    assert (from_tf.init, from_tf.initValue, from_tf.initZero) == ("equal", 0.0, True)
    assert from_tf.initialisation == {"scheme": "equal", "value": 0.0, "zero": True}
    assert "initZero=true" in from_tf.to_hash() and "init=equal&initValue=0" in from_tf.to_hash()
    assert PlaygroundConfig.from_hash(from_tf.to_hash()) == from_tf
    assert PlaygroundConfig(seed="1", init="equal", initValue=0) == from_tf
    assert PlaygroundConfig(seed="1", init="lecture", initZero=True).init == "equal"  # initZero wins
    # changes: the switch off returns to the original's scheme; another scheme or value turns it off
    assert from_tf.replace(initZero=False).initialisation == {"scheme": "uniform", "value": None, "zero": False}
    assert from_tf.replace(init="lecture").initZero is False
    assert from_tf.replace(initValue=0.5).initialisation == {"scheme": "equal", "value": 0.5, "zero": False}
    assert PlaygroundConfig(seed="1", init="lecture").replace(initZero=True).init == "equal"
    zero = Session(PlaygroundConfig(seed="0.3", init="equal", initValue=0))
    tf = Session(PlaygroundConfig.from_hash("seed=0.3&initZero=true"))
    np.testing.assert_array_equal(zero.network.w, tf.network.w)
    np.testing.assert_array_equal(zero.network.b, np.zeros_like(zero.network.b))  # the original zeroes biases too


def test_initial_ranges_give_each_layers_fan_in_and_bound() -> None:
    session = Session(PlaygroundConfig(seed="1", init="lecture", networkShape=(8, 3), xSquared=True))
    ranges = session.initial_ranges()
    assert [r["fan_in"] for r in ranges] == [3, 8, 3]
    assert [r["bound"] for r in ranges] == [1 / math.sqrt(3), 1 / math.sqrt(8), 1 / math.sqrt(3)]
    for r, weights in zip(ranges, session.network.weights, strict=True):
        assert (r["low"], r["high"]) == (-r["bound"], r["bound"])
        assert (np.abs(weights) <= r["bound"]).all()
    assert initial_ranges([2, 4, 1], "uniform")[1] == {
        "layer": 1,
        "fan_in": 4,
        "bound": 0.5,
        "scheme": "uniform",
        "low": -0.5,
        "high": 0.5,
        "std": None,
    }
    assert initial_ranges([2, 4, 1], "normal")[0]["std"] == 1 / math.sqrt(2)
    assert initial_ranges([2, 4, 1], "equal", 0.3)[0][("low")] == 0.3
    wide = Session(PlaygroundConfig(seed="1", init="wide", networkShape=(8,)))
    draws = np.concatenate([w.ravel() for w in wide.network.weights])
    assert draws.min() < -0.7 and draws.max() > 0.7 and (np.abs(draws) <= 1).all()
    assert session.explain(1, 2, 0, 0)["initial_range"] == ranges[1]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"stepUnit": "batch"}, "stepUnit"),
        ({"train": "one"}, "train"),
        ({"fullBatch": "yes"}, "fullBatch"),
        ({"initValue": 2}, "initValue"),
        ({"variant": 1}, "variant"),
        ({"variant": 3}, "variant"),
        ({"inputScaling": "huge"}, "inputScaling"),
        ({"targets": "0/1"}, "targets"),
        ({"init": "zero"}, "init"),
    ],
)
def test_new_fields_reject_with_their_name(changes: dict, field: str) -> None:
    with pytest.raises(InvalidValue) as info:
        PlaygroundConfig(seed="1").replace(**changes)
    assert info.value.field == field and str(info.value).startswith(field + ":")


def test_new_fields_are_sparse_and_named_in_english() -> None:
    hash_ = PlaygroundConfig(seed="1").to_hash()
    for name in ("stepUnit", "fullBatch", "train", "initValue", "variant"):
        assert FIELDS[name].sparse and FIELDS[name].label and f"{name}=" not in hash_
    changed = PlaygroundConfig(seed="1", stepUnit="update", train="selected", fullBatch=True)
    assert "stepUnit=update&fullBatch=true&train=selected" in changed.to_hash()
    assert PlaygroundConfig.from_hash(changed.to_hash()) == changed


@pytest.mark.parametrize(("scaling", "targets"), [("large", "zero-one"), ("unit", "zero-one"), ("large", "lecture")])
def test_model_file_computes_the_new_scalings_and_targets_as_the_session(scaling: str, targets: str) -> None:
    """core.modelcode writes each scaling and target decoding as source: run, it equals the session's output."""
    session = Session(
        PlaygroundConfig(
            seed="0.8",
            inputScaling=scaling,
            targets=targets,
            outputActivation="sigmoid",
            activation="sigmoid",
            xSquared=True,
            networkShape=(3,),
        )
    )
    session.step(3)
    namespace: dict = {}
    exec(compile(model_source(session), "model.py", "exec"), namespace)  # our own generated file, no user text
    grid = np.array([[x, y] for x in np.linspace(-6, 6, 7) for y in np.linspace(-6, 6, 5)])
    np.testing.assert_allclose(namespace["predict"](grid[:, 0], grid[:, 1]), session.output(grid), rtol=0, atol=1e-12)


# The worked example's hash as the version before zero-one targets wrote it (a teacher's saved link).
OLD_WORKED_EXAMPLE = (
    "activation=sigmoid&batchSize=1&dataset=circle&regDataset=reg-plane&learningRate=0.1&regularizationRate=0&"
    "noise=0&networkShape=2&seed=0.5&showTestData=false&discretize=false&percTrainData=50&x=true&y=true&"
    "xTimesY=false&xSquared=false&ySquared=false&cosX=false&sinX=false&cosY=false&sinY=false&collectStats=false&"
    "problem=regression&initZero=false&hideText=false&outputActivation=sigmoid&loss=half-square&"
    "scenario=worked-example"
)


def test_sigmoid_pm1_rule_spares_links_to_scenes_and_sessions_stored_before_it() -> None:
    session = Session(PlaygroundConfig.from_hash(OLD_WORKED_EXAMPLE))  # set up as the scene sets it now
    assert session.config.targets == "zero-one"
    assert session.explain(1, 0, 0, 0)["gradient"] == pytest.approx(-0.0265023, abs=5e-8)
    with pytest.raises(InvalidValue, match="targets"):
        session.update(targets="pm1")  # a change on the live scene is checked in full
    old = {**PlaygroundConfig(seed="1", targets="zero-one", outputActivation="sigmoid").to_dict(), "targets": "pm1"}
    stored = PlaygroundConfig.stored(old)  # a session saved before the rule: it trains on as it did
    assert stored.targets == "pm1" and stored.replace(learningRate=0.1).targets == "pm1"
    assert stored.replace(outputActivation="tanh").outputActivation == "tanh"
    with pytest.raises(InvalidValue, match="targets"):
        stored.replace(outputActivation="tanh").replace(outputActivation="sigmoid")
    with pytest.raises(InvalidValue, match="targets"):
        PlaygroundConfig(**{**old, "seed": "1"})  # but never made anew
