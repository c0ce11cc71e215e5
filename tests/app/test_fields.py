"""The field table: one row is a field everywhere (hash, REST schema, websocket, page
controls and menus, catalogue keys), shown with made-up rows (tests/made_up_fields.py)."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from websockets.asyncio.client import connect

import core.fields as fields_module
from app.schemas import config_fields_model
from app.web.i18n import LANGUAGES, catalogue
from app.web.page_config import catalogue_keys, field_menus, sections
from core.config import PlaygroundConfig, attribute_types, check_values, read_hash, write_hash
from core.errors import InvalidValue
from core.fields import EFFECTS, TABLE, Effect, Field, Kind
from core.session import Session
from tests.live_server import LiveServer
from tests.made_up_fields import LABELS, extended_table

MADE_UP_KEYS = {"field.wobble", "field.flavour", "option.flavour.plain", "option.flavour.salty"}


@pytest.fixture
def table() -> tuple[Field, ...]:
    return extended_table(fields_module)


@pytest.fixture(scope="module")
def made_up_server() -> Iterator[LiveServer]:
    """The real server, with the made-up rows in its table (and their labels in its catalogues)."""
    with LiveServer(env={"PLAYGROUND_CLIENT_LIMITS": "0"}, module="tests.made_up_fields") as server:
        yield server


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


def test_fields_a_new_row_appears_in_the_page_menus_and_sections(table: tuple[Field, ...]) -> None:
    menus = {menu["name"]: menu for menu in field_menus(table)}
    assert menus["wobble"]["values"] == [0.25, 0.5, 1] and menus["wobble"]["effect"] == "live"
    assert menus["wobble"]["place"] == {
        "section": "beyond",
        "widget": "menu",
        "order": 7,
        "id": "wobble",
        "step": 0.0,
        "unit": "",
        "hideUnused": False,
    }
    assert menus["flavour"]["options"] == [
        {"value": "plain", "labelKey": "option.flavour.plain"},
        {"value": "salty", "labelKey": "option.flavour.salty"},
    ]
    assert menus["flavour"]["labelKey"] == "field.flavour"
    assert {"value": "wobble", "labelKey": "field.wobble"} in menus["hidden"]["options"]
    placed = sections(table)
    assert [menu["name"] for menu in placed["beyond"]][-1] == "wobble"  # order 7: after stopLoss (6)
    assert [menu["name"] for menu in placed["lecture"]][-1] == "flavour"


def test_fields_a_new_rows_labels_are_demanded_of_both_catalogues(table: tuple[Field, ...]) -> None:
    """The catalogue test (tests/app/test_i18n.py) takes its keys from the table: a row
    without labels would fail it, in both languages."""
    assert catalogue_keys(table) >= MADE_UP_KEYS
    for lang in LANGUAGES:
        assert catalogue_keys(table) - set(catalogue(lang)) == MADE_UP_KEYS, lang
        assert set(LABELS[lang]) == MADE_UP_KEYS


class _Controls(HTMLParser):
    """Every element with data-field, and the section element around it (by id)."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.found: dict[str, dict[str, Any]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if "data-field" in found:
            ids = [name for name in self.stack if name]
            self.found[str(found["data-field"])] = {"tag": tag, "id": found.get("id"), "within": ids}
        if tag not in ("input", "br", "img", "meta", "link"):
            self.stack.append(str(found.get("id") or found.get("class") or ""))

    def handle_endtag(self, tag: str) -> None:
        if tag not in ("input", "br", "img", "meta", "link") and self.stack:
            self.stack.pop()


def rendered_controls(html: str) -> dict[str, dict[str, Any]]:
    parser = _Controls()
    parser.feed(html)
    return parser.found


def test_fields_the_page_draws_every_placed_control_where_the_table_places_it(client: TestClient) -> None:
    controls = rendered_controls(client.get("/").text)
    where = {
        "bar": "bar-menus",
        "step": "step-settings",
        "data": "data",
        "output": "checkboxes",
        "beyond": "beyond",
        "lecture": "lecture-options",
    }
    placed = [menu for section in sections().values() for menu in section]
    assert len(placed) >= 20
    for menu in placed:
        control = controls[menu["name"]]
        assert control["id"] == menu["place"]["id"]
        assert any(where[menu["place"]["section"]] in name for name in control["within"]), (menu["name"], control)
    # The original's ids, as the table names them.
    named = ("activation", "regularization", "regularizationRate", "showTestData")
    ids = {name: controls[name]["id"] for name in named}
    assert ids == {
        "activation": "activations",
        "regularization": "regularizations",
        "regularizationRate": "regularRate",
        "showTestData": "show-test-data",
    }
    assert controls["stepUnit"]["tag"] == "select" and controls["fullBatch"]["tag"] == "input"


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


def test_fields_a_new_row_is_drawn_in_the_page(made_up_server: LiveServer) -> None:
    html = httpx.get(made_up_server.url + "/?lang=ko", timeout=30).text
    controls = rendered_controls(html)
    assert controls["wobble"] == {"tag": "select", "id": "wobble", "within": controls["wobble"]["within"]}
    assert any("beyond" in name for name in controls["wobble"]["within"])
    assert any("lecture-options" in name for name in controls["flavour"]["within"])
    assert 'data-i18n="field.flavour">맛</label>' in html  # its Korean label, rendered by the server
    embedded = re.search(r'id="page-config">(.*?)</script>', html, re.S)
    assert embedded is not None
    config = json.loads(embedded.group(1))
    assert {"wobble", "flavour"} <= {menu["name"] for menu in config["fields"]}
    assert {"name": "wobble", "label": "Wobble", "labelKey": "field.wobble"} in config["hideable"]


def test_fields_a_new_row_works_over_rest(made_up_server: LiveServer) -> None:
    with httpx.Client(base_url=made_up_server.url, timeout=30) as http:
        made = http.post("/api/sessions", json={"hash": "seed=1&wobble=0.25"}).json()
        assert made["state"]["config"]["wobble"] == 0.25 and made["state"]["config"]["flavour"] == "plain"
        auth = {"Authorization": f"Bearer {made['control_token']}"}
        path = f"/api/sessions/{made['id']}/config"
        answer = http.patch(path, json={"flavour": "salty"}, headers=auth)
        assert answer.status_code == 200 and answer.headers["X-Playground-Effect"] == "reset"
        state = answer.json()
        assert state["config"]["flavour"] == "salty" and "flavour=salty" in state["config"]["hash"]
        refused = http.patch(path, json={"wobble": 3}, headers=auth)
        assert refused.status_code == 422 and "wobble" in refused.text
        # It applies to classification only (used_when): the state says so, for the page to grey it out.
        assert "flavour" not in state["choices"]["unused"]
        regression = http.patch(path, json={"problem": "regression"}, headers=auth).json()
        assert "flavour" in regression["choices"]["unused"]


def test_fields_a_new_row_works_over_the_websocket(made_up_server: LiveServer) -> None:
    async def run() -> dict[str, Any]:
        async with httpx.AsyncClient(base_url=made_up_server.url, timeout=30) as http:
            made = (await http.post("/api/sessions", json={"hash": "seed=1"})).json()
        async with connect(f"{made_up_server.ws_url}/ws/sessions/{made['id']}") as ws:
            await ws.send(json.dumps({"type": "auth", "token": made["control_token"]}))
            await ws.send(json.dumps({"type": "config", "fields": {"wobble": 1, "flavour": "salty"}}))
            while True:
                message = await asyncio.wait_for(ws.recv(), 30)
                if isinstance(message, str):
                    data: dict[str, Any] = json.loads(message)
                    if data["type"] == "state" and data["config"]["wobble"] == 1:
                        return data

    state = asyncio.run(run())
    assert state["config"]["flavour"] == "salty"
    assert "wobble=1" in state["config"]["hash"] and "flavour=salty" in state["config"]["hash"]


def test_fields_kinds_and_effects_are_enums_and_one_order_of_effects() -> None:
    assert all(isinstance(field.kind, Kind) and isinstance(field.effect, Effect) for field in TABLE)
    assert Effect.NONE not in {field.effect for field in TABLE}, "none is only what a change that changed nothing did"
    assert [str(effect) for effect in EFFECTS] == ["none", "live", "reset", "data", "seed"]
    session = Session(PlaygroundConfig(seed="1"))
    assert session.update(learningRate=0.1, noise=5) == Effect.DATA == "data"  # the strongest, as a plain string too
    assert session.update(learningRate=0.1) == Effect.NONE


def test_fields_config_attributes_are_typed_from_the_table() -> None:
    """The type checker reads PlaygroundConfig's typed attributes; they are the table's, kind by kind."""
    declared = {name: text for name, text in PlaygroundConfig.__annotations__.items() if not name.startswith("_")}
    expected = dict(line.split(": ", 1) for line in attribute_types(TABLE))
    assert declared == expected
    assert expected["learningRate"] == "float" and expected["stopEpoch"] == "int | None"
    assert expected["networkShape"] == "tuple[int, ...]" and expected["hidden"] == "frozenset[str]"
    config = PlaygroundConfig(seed="1")
    for field in TABLE:  # and each is the type the checker is told
        value = getattr(config, field.name)
        assert value is None or isinstance(
            value,
            {
                "str": str,
                "float": float,
                "int": int,
                "bool": bool,
                "tuple[int, ...]": tuple,
                "frozenset[str]": frozenset,
            }[expected[field.name].removesuffix(" | None")],
        ), field.name


@pytest.mark.parametrize(
    ("changes", "refused", "unused"),
    [
        ({}, {"outputActivation": ["sigmoid"]}, {"regDataset", "momentum", "initValue"}),
        (
            {"dataset": "spiral", "classes": 3},
            {
                "dataset": ["xor"],
                "loss": ["half-square", "square"],
                "targets": ["zero-one", "lecture"],
                "outputActivation": ["relu", "tanh", "sigmoid", "linear"],
            },
            {"regDataset", "momentum", "initValue"},
        ),
        (
            {"dataset": "xor"},
            {"classes": [3, 4, 5, 6], "outputActivation": ["sigmoid"]},
            {"regDataset", "momentum", "initValue"},
        ),
        (
            {"problem": "regression", "optimizer": "momentum", "init": "equal"},
            {"outputActivation": ["sigmoid"], "loss": ["cross-entropy"]},
            {"dataset", "classes"},
        ),
        (
            {"loss": "cross-entropy", "fullBatch": True},
            {"problem": ["regression"], "outputActivation": ["relu", "tanh", "linear"]},
            {"regDataset", "momentum", "initValue", "batchSize"},
        ),
    ],
)
def test_fields_choices_are_what_the_rules_refuse_and_what_does_not_apply(
    changes: dict[str, Any], refused: dict[str, list[Any]], unused: set[str]
) -> None:
    """The page greys out exactly what the server would refuse (the rules exist once, in
    core.config): every refused menu value is a 422 naming a field, every other one is taken."""
    config = PlaygroundConfig(seed="1", **changes)
    choices = config.choices()
    assert {name: sorted(values, key=str) for name, values in choices["refused"].items()} == {
        name: sorted(values, key=str) for name, values in refused.items()
    }
    assert set(choices["unused"]) == unused
    for field in TABLE:
        if field.place is None or field.place.widget not in ("menu", "pictures"):
            continue
        for value in field.menu_values():
            if value in choices["refused"].get(field.name, []):
                with pytest.raises(InvalidValue):
                    config.replace(**{field.name: value})
            else:
                assert config.replace(**{field.name: value})


def test_fields_every_state_carries_its_choices(client: TestClient) -> None:
    made = client.post("/api/sessions", json={"hash": "seed=1&dataset=gauss&classes=3"}).json()
    assert made["state"]["choices"]["refused"]["loss"] == ["half-square", "square"]
    assert "momentum" in made["state"]["choices"]["unused"]
    state = client.get(f"/api/sessions/{made['id']}").json()
    assert state["choices"] == made["state"]["choices"]
