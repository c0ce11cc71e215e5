"""The field table: one row is a field everywhere (hash, REST schema, page menus)."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from app.schemas import config_fields_model
from app.web.page_config import field_menus
from core.config import check_values, read_hash, write_hash
from core.errors import InvalidValue
from core.fields import TABLE, Field, complete

WOBBLE = Field("wobble", "number", 0.5, "live", (0.25, 0.5, 1), 0, 1, sparse=True, hideable=True, label="Wobble")
FLAVOUR = Field("flavour", "choice", "plain", "reset", ("plain", "salty"), sparse=True, label="Flavour")


@pytest.fixture
def table() -> tuple[Field, ...]:
    return complete((*TABLE, WOBBLE, FLAVOUR))


def test_fields_a_new_row_works_through_the_hash(table: tuple[Field, ...]) -> None:
    values = check_values({"seed": "1", "wobble": 0.25, "flavour": "salty", "hidden": ["wobble"]}, table)
    text = write_hash(values, table)
    assert text.endswith("&wobble=0.25&flavour=salty&wobble_hide=true")
    assert check_values(read_hash(text, table), table) == values
    defaults = check_values({"seed": "1"}, table)
    assert "wobble" not in write_hash(defaults, table)  # sparse: only when not default
    with pytest.raises(InvalidValue) as info:
        check_values(read_hash("wobble=2&seed=1", table), table)
    assert info.value.field == "wobble" and "0 to 1" in str(info.value)
    with pytest.raises(InvalidValue, match="wobble"):
        read_hash("wobble=\u0661", table)  # an Arabic-Indic one is not a number


def test_fields_a_new_row_works_through_the_rest_schema(table: tuple[Field, ...]) -> None:
    model = config_fields_model(table)
    assert model.model_validate({"wobble": 1, "flavour": "salty"}).given() == {"wobble": 1, "flavour": "salty"}
    for bad in ({"wobble": 2}, {"wobble": True}, {"wobble": "0.5"}, {"flavour": "sweet"}, {"wobble": None}):
        with pytest.raises(ValidationError) as info:
            model.model_validate(bad)
        assert info.value.errors()[0]["loc"][0] == next(iter(bad))
    schema = model.model_json_schema()["properties"]
    assert schema["flavour"]["enum"] == ["plain", "salty"]


def test_fields_a_new_row_appears_in_the_page_menus(table: tuple[Field, ...]) -> None:
    menus = {menu["name"]: menu for menu in field_menus(table)}
    assert menus["wobble"]["values"] == [0.25, 0.5, 1] and menus["wobble"]["effect"] == "live"
    assert menus["flavour"]["options"] == [
        {"value": "plain", "labelKey": "option.flavour.plain"},
        {"value": "salty", "labelKey": "option.flavour.salty"},
    ]
    assert menus["flavour"]["labelKey"] == "field.flavour"
    hidden = next(menu for menu in menus.values() if menu["kind"] == "controls")
    assert {"value": "wobble", "labelKey": "option.hidden.wobble"} in hidden["options"]


def test_fields_page_config_serves_the_tables_menus_and_live_fields(client: TestClient) -> None:
    html = client.get("/").text
    embedded = re.search(r'<script type="application/json" id="page-config">(.*?)</script>', html, re.S)
    assert embedded is not None
    config = json.loads(embedded.group(1))
    names = [menu["name"] for menu in config["fields"]]
    assert names == [field.name for field in TABLE]
    assert {"optimizer", "classes", "stopEpoch", "stopLoss", "momentum"} <= set(names)
    assert set(config["liveFields"]) == {field.name for field in TABLE if field.effect == "live"}
    assert "learningRate" in config["liveFields"] and "networkShape" not in config["liveFields"]


def test_fields_schema_and_core_agree_on_the_seed(client: TestClient) -> None:
    """The schema's seed pattern is the core's: a word of letters, digits, '.', '_' and '-'."""
    for seed in ("a&b", "a=b", "a#b", "x" * 65, "!$%~", "a'b", 'a"b', "f(x)", "a b"):
        response = client.post("/api/sessions", json={"config": {"seed": seed}})
        assert response.status_code == 422 and "seed" in response.text
    assert client.post("/api/sessions", json={"config": {"seed": "0.12345-my_Seed"}}).status_code == 201
