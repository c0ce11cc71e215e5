"""The message catalogues: the same keys and placeholders in every language,
Korean in the lecture's terms, and the page rendered in the chosen language."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.web.i18n import LANGUAGES, catalogue, choose_language
from app.web.page_config import catalogue_keys, field_menus
from core.activations import ACTIVATIONS, REGULARIZERS
from core.config import LECTURE_OPTIONS
from core.datasets import DATASETS
from core.features import FEATURES
from core.fields import HIDEABLE as HIDEABLE_CONTROLS
from core.fields import PROBLEMS, TABLE
from core.optimizers import OPTIMIZERS

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"\{(\w+)\}")
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def test_catalogue_every_key_in_every_language() -> None:
    keys = {lang: set(catalogue(lang)) for lang in LANGUAGES}
    for lang in LANGUAGES:
        for other in LANGUAGES:
            assert keys[lang] - keys[other] == set(), f"in {lang}, missing from {other}"


def test_catalogue_placeholders_match_between_languages() -> None:
    english = catalogue("en")
    for key, text in english.items():
        expected = sorted(PLACEHOLDER.findall(text))
        for lang in LANGUAGES:
            assert sorted(PLACEHOLDER.findall(catalogue(lang)[key])) == expected, f"{lang}: {key}"


def test_catalogue_names_every_control_and_menu_value_the_table_places() -> None:
    """The keys come from the field table (app.web.page_config.catalogue_keys): field.<name> for
    every control the page draws or a classroom link hides, option.<field>.<value> for every
    value a menu or the data sets' pictures show, in every language."""
    needed = catalogue_keys(TABLE)
    # What the table places today, written out: the derivation must find at least these.
    wanted = {f"option.activation.{v}" for v in ACTIVATIONS} | {f"option.regularization.{v}" for v in REGULARIZERS}
    wanted |= {f"option.problem.{v}" for v in PROBLEMS} | {f"option.dataset.{v}" for v in DATASETS}
    wanted |= {f"option.{field}.{v}" for field, values in LECTURE_OPTIONS.items() for v in values}
    wanted |= {f"option.optimizer.{v}" for v in OPTIMIZERS}  # unchecked until the keys came from the table
    wanted |= {f"field.{name}" for name in HIDEABLE_CONTROLS if name not in FEATURES}
    wanted |= {"field.stepUnit", "option.stepUnit.update", "field.train", "option.train.selected", "field.initValue"}
    assert wanted <= needed, sorted(wanted - needed)
    assert not any(key.startswith(("field.x", "field.sin", "option.regDataset.", "option.hidden.")) for key in needed)
    for lang in LANGUAGES:
        assert sorted(needed - set(catalogue(lang))) == [], lang


def test_page_config_advertises_only_keys_both_catalogues_have() -> None:
    """Every label key the page config hands the page exists (regDataset's values are the data sets',
    a hidden control's label is its own field.<name>, a feature's is its symbol: null)."""
    advertised = set()
    for menu in field_menus(TABLE):
        advertised |= {menu["labelKey"], *(option["labelKey"] for option in menu.get("options", []))}
    advertised.discard(None)
    menus = {menu["name"]: menu for menu in field_menus(TABLE)}
    assert menus["regDataset"]["options"][0]["labelKey"] == "option.dataset.reg-plane"
    assert {"value": "stepButton", "labelKey": "field.stepButton"} in menus["hidden"]["options"]
    assert {"value": "x", "labelKey": None} in menus["hidden"]["options"] and menus["x"]["labelKey"] is None
    for lang in LANGUAGES:
        assert sorted(advertised - set(catalogue(lang))) == [], lang


def test_catalogue_template_and_scripts_use_only_known_keys() -> None:
    """Every key the template or a script names literally is in the catalogue."""
    english = catalogue("en")
    used: set[str] = set()
    for path in [*(ROOT / "templates").rglob("*.html"), *(ROOT / "static" / "js").glob("*.js")]:
        text = path.read_text(encoding="utf-8")
        used.update(re.findall(r"""\bt[n]?\(\s*['"]([a-z_]+\.[\w.-]+)['"]""", text))
        used.update(re.findall(r"""data-i18n(?:-html)?="([a-z_]+\.[\w.-]+)\"""", text))
        used.update(re.findall(r""":([a-z_]+\.[\w.-]+)[;"]""", text))  # data-i18n-attr pairs
        used.update(re.findall(r"""fill\(\s*"([a-z_]+\.[\w.-]+)\"""", text))
    assert len(used) > 150, "the patterns above find the keys the page uses"
    plural = {key.rsplit(".", 1)[0] for key in english if key.endswith((".one", ".other"))}
    unknown = sorted(k for k in used if k not in english and k not in plural and not k.endswith("."))
    assert unknown == []


# The lecture's words (shared/spec/korean.md), as the Korean page must write them.
LECTURE_TERMS = {
    "field.learningRate": "학습률",
    "field.epoch": "에포크",
    "card.weight": "가중치",
    "card.bias": "편향",
    "slice.slope": "기울기",
    "class.share": "수업에 공유",
    "class.fork": "내 사본 만들기",
    "tools.present": "발표 모드",
    "output.train_loss": "훈련 손실",
    "field.discretize": "출력 이산화",
}


def test_catalogue_korean_uses_the_lectures_terms() -> None:
    korean = catalogue("ko")
    for key, term in LECTURE_TERMS.items():
        assert term in korean[key], key
    assert "경사 하강법" in korean["lecture.brute_long"] and "무차별 대입" in korean["lecture.brute_short.other"]
    assert "은닉 계층에서 재조합된 역전파 오류" in korean["formula.backprop_title"]


def test_catalogue_korean_messages_are_korean() -> None:
    """Apart from symbols and names kept as they are (ReLU, L1, formulas), a
    Korean message has Hangul; an English one has none."""
    kept = {
        "language.en",
        "option.activation.relu",
        "option.activation.tanh",
        "option.outputActivation.relu",
        "option.outputActivation.tanh",
        "option.regularization.L1",
        "option.regularization.L2",
        "option.inputScaling.unit",
        "option.targets.lecture",
        "sessions.item",
        "share.press_copy",
        "option.dataset.xor",
        "speech.feature.x",
        "speech.feature.y",
        "option.targets.zero-one",
    }
    korean, english = catalogue("ko"), catalogue("en")
    assert [k for k, text in korean.items() if k not in kept and not HANGUL.search(text)] == []
    assert [k for k, text in english.items() if k != "language.ko" and HANGUL.search(text)] == []


@pytest.mark.parametrize(
    ("query", "header", "expected"),
    [
        ("ko", "en-US", "ko"),
        ("en", "ko-KR,ko;q=0.9", "en"),
        (None, "ko-KR,ko;q=0.9,en-US;q=0.8", "ko"),
        (None, "fr-FR,en;q=0.5,ko;q=0.9", "ko"),
        (None, "fr-FR", "en"),
        ("xx", None, "en"),
        (None, "ko;q=0, en", "en"),
    ],
)
def test_choose_language_query_then_accept_language(query: str | None, header: str | None, expected: str) -> None:
    assert choose_language(query, header) == expected


def test_page_renders_in_the_chosen_language(client: TestClient) -> None:
    korean = client.get("/", headers={"Accept-Language": "ko-KR,ko;q=0.9"}).text
    assert '<html lang="ko">' in korean and "에포크" in korean and "학습률" in korean
    config = json.loads(re.search(r'id="page-config">(.*?)</script>', korean, re.S).group(1))  # type: ignore[union-attr]
    assert config["lang"] == "ko" and config["messages"]["field.epoch"] == "에포크"
    english = client.get("/?lang=en", headers={"Accept-Language": "ko-KR"}).text
    assert (
        '<html lang="en">' in english
        and "Learning rate" in english
        and not HANGUL.search(english.split('id="page-config"')[0].replace("한국어", ""))
    )


def test_class_link_expired_page_speaks_the_readers_language(client: TestClient) -> None:
    answer = client.get("/s/nope", headers={"Accept-Language": "ko"}, follow_redirects=False)
    assert answer.status_code == 404 and "만료" in answer.text and 'lang="ko"' in answer.text


def test_class_link_keeps_the_language_it_was_given(client: TestClient) -> None:
    """`/s/CODE?lang=en` opens the session in English, whatever the browser says (issue 18)."""
    made = client.post("/api/sessions", json={}).json()
    auth = {"Authorization": f"Bearer {made['control_token']}"}
    code = client.post(f"/api/sessions/{made['id']}/share", headers=auth).json()["code"]
    for lang in LANGUAGES:
        answer = client.get(f"/s/{code}?lang={lang}", headers={"Accept-Language": "ko"}, follow_redirects=False)
        assert answer.headers["location"] == f"/?session={made['id']}&lang={lang}"
        page = client.get(answer.headers["location"], headers={"Accept-Language": "ko"}).text
        assert f'<html lang="{lang}">' in page
    plain = client.get(f"/s/{code}?lang=xx", follow_redirects=False)
    assert plain.headers["location"] == f"/?session={made['id']}"  # an unknown language is not passed on
