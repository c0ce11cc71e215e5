"""PlaygroundConfig: the original's hash format, its quirks, and validation."""

from __future__ import annotations

import contextlib
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.config import LECTURE_OPTIONS, PlaygroundConfig
from core.errors import InvalidValue
from core.features import FEATURES
from core.fields import HIDEABLE as HIDEABLE_CONTROLS

ORIGINAL_DEFAULT_HASH = (
    "activation=tanh&batchSize=10&dataset=circle&regDataset=reg-plane&learningRate=0.03&"
    "regularizationRate=0&noise=0&networkShape=4,2&seed=0.12345&showTestData=false&discretize=false&"
    "percTrainData=50&x=true&y=true&xTimesY=false&xSquared=false&ySquared=false&cosX=false&sinX=false&"
    "cosY=false&sinY=false&collectStats=false&problem=classification&initZero=false&hideText=false"
)


def test_config_defaults_are_the_originals() -> None:
    c = PlaygroundConfig(seed="1")
    assert (c.activation, c.learningRate, c.regularization, c.regularizationRate) == ("tanh", 0.03, "none", 0)
    assert (c.batchSize, c.noise, c.percTrainData, c.networkShape) == (10, 0, 50, (4, 2))
    assert (c.dataset, c.regDataset, c.problem) == ("circle", "reg-plane", "classification")
    assert c.features == ("x", "y")


def test_config_to_hash_writes_the_originals_format() -> None:
    assert PlaygroundConfig(seed="0.12345").to_hash() == ORIGINAL_DEFAULT_HASH


def test_config_from_hash_reads_the_originals_format_with_or_without_hash_sign() -> None:
    assert PlaygroundConfig.from_hash("#" + ORIGINAL_DEFAULT_HASH) == PlaygroundConfig(seed="0.12345")
    assert PlaygroundConfig.from_hash(ORIGINAL_DEFAULT_HASH) == PlaygroundConfig(seed="0.12345")


def test_config_regularization_none_is_omitted_and_read_back() -> None:
    c = PlaygroundConfig(seed="1", regularization="L1")
    assert "regularization=L1" in c.to_hash()
    assert "regularization=" not in PlaygroundConfig(seed="1").to_hash()
    assert PlaygroundConfig.from_hash("regularization=none&seed=1").regularization == "none"


def test_config_booleans_are_true_unless_exactly_false() -> None:
    c = PlaygroundConfig.from_hash("seed=1&x=0&y=False&xSquared=yes&ySquared=false&sinX=")
    assert c.x is True and c.y is True and c.xSquared is True
    assert c.ySquared is False
    assert c.sinX is False  # blank: the default stays


def test_config_empty_network_shape_means_no_hidden_layer() -> None:
    assert PlaygroundConfig.from_hash("seed=1&networkShape=").networkShape == ()
    assert "networkShape=&" in PlaygroundConfig(seed="1", networkShape=()).to_hash()


def test_config_missing_seed_draws_one_in_the_originals_form() -> None:
    seed = PlaygroundConfig.from_hash("dataset=xor").seed
    assert len(seed) == 7 and seed.startswith("0.") and seed[2:].isdigit()


def test_config_empty_seed_is_a_seed() -> None:
    assert PlaygroundConfig.from_hash("seed=").seed == ""


def test_config_numbers_use_javascripts_spelling() -> None:
    c = PlaygroundConfig(seed="1", learningRate=0.00001, regularizationRate=0.001)
    assert "learningRate=0.00001" in c.to_hash()
    assert PlaygroundConfig.from_hash(c.to_hash()).learningRate == 0.00001


def test_config_hide_keys_and_hide_text() -> None:
    c = PlaygroundConfig.from_hash(
        "seed=1&hideText=true&playButton_hide=true&x_hide=true&noise_hide=false&bogus_hide=true"
    )
    assert c.hideText is True
    assert c.hidden == frozenset({"playButton", "x"})
    assert c.to_hash().endswith("&hideText=true&playButton_hide=true&x_hide=true")


def test_config_unknown_keys_are_ignored_and_last_key_wins() -> None:
    c = PlaygroundConfig.from_hash("seed=1&tutorial=xor-intro&somethingNew=3&noise=10&noise=20")
    assert c.noise == 20
    assert c.tutorial == "xor-intro"


@pytest.mark.parametrize(
    ("hash_", "field"),
    [
        ("dataset=moon", "dataset"),
        ("batchSize=0", "batchSize"),
        ("batchSize=2.5", "batchSize"),
        ("noise=80", "noise"),
        ("learningRate=NaN", "learningRate"),
        ("learningRate=abc", "learningRate"),
        ("learningRate=Infinity", "learningRate"),
        ("networkShape=40", "networkShape"),
        ("networkShape=4,,2", "networkShape"),
        ("networkShape=1,1,1,1,1,1,1", "networkShape"),
        ("percTrainData=95", "percTrainData"),
        ("activation=softmax", "activation"),
        ("regularization=L3", "regularization"),
        ("problem=ranking", "problem"),
        ("regDataset=circle", "regDataset"),
    ],
)
def test_config_from_hash_rejects_with_field_name(hash_: str, field: str) -> None:
    with pytest.raises(InvalidValue) as info:
        PlaygroundConfig.from_hash(hash_ + "&seed=1")
    assert info.value.field == field
    assert str(info.value).startswith(field + ":")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"batchSize": 31}, "batchSize"),
        ({"batchSize": True}, "batchSize"),
        ({"learningRate": math.nan}, "learningRate"),
        ({"learningRate": -0.1}, "learningRate"),
        ({"noise": "10"}, "noise"),
        ({"networkShape": "4,2"}, "networkShape"),
        ({"seed": "a&b"}, "seed"),
        ({"seed": "x" * 65}, "seed"),
        ({"x": "true"}, "x"),
        ({"hidden": ["nope"]}, "hidden"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_config_replace_rejects_with_field_name(changes: dict, field: str) -> None:
    with pytest.raises(InvalidValue) as info:
        PlaygroundConfig(seed="1").replace(**changes)
    assert info.value.field == field


seeds = st.from_regex(r"[0-9A-Za-z._-]{0,20}", fullmatch=True)
base_fields = st.fixed_dictionaries(
    dict(
        activation=st.sampled_from(["relu", "tanh", "sigmoid", "linear"]),
        regularization=st.sampled_from(["none", "L1", "L2"]),
        batchSize=st.integers(1, 30),
        dataset=st.sampled_from(["circle", "xor", "gauss", "spiral"]),
        regDataset=st.sampled_from(["reg-plane", "reg-gauss"]),
        learningRate=st.floats(0, 10, allow_nan=False),
        regularizationRate=st.floats(0, 10, allow_nan=False),
        noise=st.floats(0, 50, allow_nan=False),
        networkShape=st.lists(st.integers(1, 8), max_size=6).map(tuple),
        seed=seeds,
        showTestData=st.booleans(),
        discretize=st.booleans(),
        percTrainData=st.floats(10, 90, allow_nan=False),
        problem=st.sampled_from(["classification", "regression"]),
        initZero=st.booleans(),
        hideText=st.booleans(),
        collectStats=st.booleans(),
        tutorial=st.none() | st.from_regex(r"[A-Za-z0-9_-]{1,10}", fullmatch=True),
        hidden=st.frozensets(st.sampled_from(list(HIDEABLE_CONTROLS))),
        outputActivation=st.sampled_from(LECTURE_OPTIONS["outputActivation"]),
        loss=st.sampled_from(["auto", "half-square", "square"]),
        init=st.sampled_from(LECTURE_OPTIONS["init"]),
        inputScaling=st.sampled_from(LECTURE_OPTIONS["inputScaling"]),
        targets=st.sampled_from(LECTURE_OPTIONS["targets"]),
        scenario=st.sampled_from([None, "worked-example"]),
        optimizer=st.sampled_from(["sgd", "momentum", "rmsprop", "adam"]),
        momentum=st.floats(0, 0.999, allow_nan=False),
        stopEpoch=st.none() | st.integers(1, 10**9),
        stopLoss=st.none() | st.floats(0, 1e6, allow_nan=False),
        stepUnit=st.sampled_from(["epoch", "update"]),
        fullBatch=st.booleans(),
        train=st.sampled_from(["all", "selected"]),
        initValue=st.floats(-1, 1, allow_nan=False),
        **{name: st.booleans() for name in [*FEATURES, "cosX", "cosY"]},
    )
)
# Cross-entropy and more classes, in the combinations the core accepts.
cross_entropy = st.fixed_dictionaries(
    dict(
        problem=st.just("classification"),
        loss=st.sampled_from(["auto", "cross-entropy"]),
        outputActivation=st.just("auto"),
        targets=st.just("pm1"),
        classes=st.integers(3, 6),
        dataset=st.sampled_from(["circle", "gauss", "spiral"]),
    )
) | st.fixed_dictionaries(
    dict(
        problem=st.just("classification"),
        loss=st.just("cross-entropy"),
        outputActivation=st.sampled_from(["auto", "sigmoid"]),
    )
)


def _config(base: dict, extra: dict, use: bool) -> PlaygroundConfig:
    fields = {**base, **(extra if use else {})}
    if fields["outputActivation"] == "sigmoid" and fields["targets"] == "pm1" and fields["loss"] != "cross-entropy":
        fields["targets"] = "zero-one"  # a sigmoid output cannot learn ±1: the config refuses it (tested below)
    return PlaygroundConfig(**fields)


configs = st.builds(_config, base_fields, cross_entropy, st.booleans())


@settings(max_examples=300)
@given(configs)
def test_config_hash_round_trip(config: PlaygroundConfig) -> None:
    assert PlaygroundConfig.from_hash(config.to_hash()) == config


@settings(max_examples=200)
@given(
    st.sampled_from(["batchSize", "noise", "percTrainData", "learningRate", "regularizationRate"]),
    st.one_of(st.floats(), st.integers(-100, 1000), st.text(max_size=5), st.none()),
)
def test_config_invalid_numbers_raise_or_pass_validation(field: str, value: object) -> None:
    """Whatever the value, the result is a valid config or an InvalidValue naming the field."""
    try:
        c = PlaygroundConfig(seed="1").replace(**{field: value})
    except InvalidValue as error:
        assert error.field == field
        assert field in str(error)
    else:
        number = getattr(c, field)
        assert math.isfinite(number)
        limits = {"batchSize": (1, 30), "noise": (0, 50), "percTrainData": (10, 90)}.get(field, (0, 10))
        assert limits[0] <= number <= limits[1]


@settings(max_examples=200)
@given(st.text(max_size=60))
def test_config_from_hash_never_raises_anything_but_invalid_value(text: str) -> None:
    with contextlib.suppress(InvalidValue):
        PlaygroundConfig.from_hash(text)


def test_config_stored_seeds_of_older_versions_still_load() -> None:
    """Seeds were once any printable ASCII but '&', '=', '#'; now they are words.
    Sessions stored with an old seed load, keep it through changes, and pickle."""
    import pickle

    old = 'x\');("y"'
    with pytest.raises(InvalidValue, match="seed"):
        PlaygroundConfig(seed=old)
    config = PlaygroundConfig.stored({"seed": old, "learningRate": 0.1})
    assert config.seed == old and config.learningRate == 0.1
    changed = config.replace(learningRate=0.3, networkShape=(3,))
    assert changed.seed == old and changed.networkShape == (3,)
    assert pickle.loads(pickle.dumps(changed)) == changed
    with pytest.raises(InvalidValue, match="seed"):
        config.replace(seed="a&b")  # a new seed is checked as new
    with pytest.raises(InvalidValue, match="seed"):
        PlaygroundConfig.stored({"seed": "a&b"})  # never allowed at all
