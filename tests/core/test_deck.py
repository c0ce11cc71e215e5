"""The deck as data: the scenes in the lecture's order, in Korean and English,
each set up by its hash; and comparisons of runs that differ in one setting."""

from __future__ import annotations

import re

import numpy as np
import pytest

from core.compare import Comparison
from core.config import PlaygroundConfig
from core.deck import DECK, deck
from core.errors import InvalidValue
from core.fields import MAX_VARIANTS
from core.scenarios import SCENARIOS
from core.session import Session

ORDER = [
    "brute-force",
    "descent",
    "overshoot",
    "local-minimum",
    "chain-rule",
    "hidden-weight",
    "learning-rate",
    "matrix-form",
    "worked-example",
    "saturation",
    "output-range",
    "initialisation",
    "feature-engineering",
    "tf-playground",
]
HANGUL = re.compile(r"[\uac00-\ud7a3]")
# A particle left to the reader: "(으)로", "을(를)", "이(가)", "(은)는", "과(와)" and the like.
UNRESOLVED = re.compile(r"\((?:으|을|를|이|가|은|는|과|와)\)|[을이은과]\([를가는와]\)")


def test_deck_lists_the_lectures_scenes_in_order_in_both_languages() -> None:
    assert [scene.id for scene in DECK] == ORDER == list(SCENARIOS)
    for lang in ("ko", "en"):
        listing = deck(lang)
        assert [entry["id"] for entry in listing] == ORDER
        for entry in listing:
            assert entry["title"] and entry["next"] and 2 <= len(entry["caption"]) <= 3, entry["id"]
            texts = [entry["title"], entry["next"], *entry["caption"], *(v["label"] for v in entry["variants"])]
            for text in texts:
                assert not UNRESOLVED.search(text), text
                if lang == "en":
                    assert not HANGUL.search(text), text
            if lang == "ko":
                assert all(HANGUL.search(t) for t in [entry["next"], *entry["caption"]]), entry["id"]
    with pytest.raises(InvalidValue) as info:
        deck("fr")
    assert info.value.field == "lang"


def test_unresolved_particles_are_found() -> None:
    for bad in ("값을(를) 바꿉니다", "노드(으)로", "가중치이(가)", "α(은)"):
        assert UNRESOLVED.search(bad), bad
    assert not UNRESOLVED.search("U(−1, 1)은 0.19")


@pytest.mark.parametrize("scene", ORDER)
def test_deck_hash_sets_the_scene_up(scene: str) -> None:
    entry = next(e for e in deck("en") if e["id"] == scene)
    session = Session(PlaygroundConfig.from_hash(entry["hash"] + "&seed=lecture&learningRate=0.001&regularization=L2"))
    config = session.config
    assert config.scenario == scene and config.variant == 0
    for name, value in entry["fields"].items():
        assert getattr(config, name) == (tuple(value) if isinstance(value, list) else value), name
    if "learningRate" not in entry["fields"]:
        assert config.learningRate == 0.03  # every field the scene does not set is at its default
    assert config.regularization == "none"
    if entry["selection"] is not None:
        session.explain(**entry["selection"], point=entry["point"])  # the selection fits the scene's network
    assert len(entry["variants"]) <= MAX_VARIANTS
    for variant in entry["variants"]:
        again = Session(PlaygroundConfig.from_hash(variant["hash"] + "&seed=lecture"))
        assert again.config.variant == variant["variant"] and variant["label"]
        assert again.config.to_hash() == PlaygroundConfig.from_hash(again.config.to_hash()).to_hash()


def test_deck_comparison_scenes_and_the_brute_force_count() -> None:
    listing = {entry["id"]: entry for entry in deck("ko")}
    compared = {scene for scene, entry in listing.items() if entry["compare"]}
    assert {"learning-rate", "saturation", "output-range", "initialisation"} <= compared
    assert all(2 <= len(listing[scene]["variants"]) <= 3 for scene in compared)
    count = listing["brute-force"]["count"]
    assert count["weights"] == 18 and count["slide_product"] == 18000
    assert listing["learning-rate"]["variants"][2]["label"] == "α = 10"


def test_scene_variant_must_exist_and_data_changes_leave_the_scene() -> None:
    with pytest.raises(InvalidValue) as info:
        PlaygroundConfig(seed="1", scenario="descent", variant=2)
    assert info.value.field == "variant" and "2 variant" in info.value.message
    session = Session(PlaygroundConfig(seed="1", scenario="descent", variant=1))
    assert session.network.weights[0][0, 0] == 2.0
    session.update(noise=10)  # new data: the scene's points are gone, and the scene with them
    assert session.config.scenario is None and session.config.variant == 0


def test_compare_a_setting_keeps_the_data_and_the_start() -> None:
    base = Session(PlaygroundConfig(seed="0.42", networkShape=(3,)))
    base.step(5)
    comparison = Comparison.of_field(base, "learningRate", [0.01, 0.3])
    assert [run.label["en"] for run in comparison.runs] == ["learningRate=0.01", "learningRate=0.3"]
    for run in comparison.runs:
        np.testing.assert_array_equal(run.session.train, base.train)
        np.testing.assert_array_equal(run.session.network.w, base.network.w)
        assert run.session.epoch == 5 and len(run.session.history) == 1
    comparison.step(10)
    slow, fast = comparison.summary()
    assert slow["epoch"] == fast["epoch"] == 15 and slow["loss_train"] != fast["loss_train"]
    assert base.epoch == 5  # the base is untouched
    activation = Comparison.of_field(base, "activation", ["tanh", "sigmoid", "relu"])  # resets: same weights back
    for run in activation.runs:
        np.testing.assert_array_equal(run.session.network.w, base.network.w)
        assert run.session.epoch == 5 and run.session.network.activation == run.session.config.activation
    drawn = Comparison.of_field(base, "init", ["lecture", "uniform"])  # other draws are the point of it
    assert not np.array_equal(drawn.runs[0].session.network.w, base.network.w)
    shaped = Comparison.of_field(base, "networkShape", [(2,), (4, 2)])
    assert [run.session.shape for run in shaped.runs] == [[2, 2, 1], [2, 4, 2, 1]]


def test_compare_refuses_what_cannot_be_compared() -> None:
    base = Session(PlaygroundConfig(seed="1"))
    for field, values, named in [
        ("noise", [0, 10], "field"),
        ("seed", ["a", "b"], "field"),
        ("bogus", [1, 2], "field"),
        ("learningRate", [0.1], "values"),
        ("learningRate", [0.1, 0.2, 0.3, 1], "values"),
        ("learningRate", [0.1, -1], "learningRate"),
    ]:
        with pytest.raises(InvalidValue) as info:
            Comparison.of_field(base, field, values)
        assert info.value.field == named
    with pytest.raises(InvalidValue, match="scenario"):
        Comparison.of_scene("nope")


def test_compare_a_scene_with_a_selected_weight_trains_it_alone() -> None:
    comparison = Comparison.of_scene("local-minimum")
    assert comparison.only is not None
    other = comparison.runs[0].session.network.weights[0][1, 0]
    comparison.step(updates=100)
    ends = [run.session.network.weights[0][0, 0] for run in comparison.runs]
    assert ends[0] < 0 < ends[1]
    assert all(run.session.network.weights[0][1, 0] == other for run in comparison.runs)
