"""The command routes' own request handler (``CommandRoute``) against FastAPI's.

Two apps are built: one as the server runs, one whose command routes are
FastAPI's plain ``APIRoute``.  The same requests (made up by Hypothesis from
each command's body model, with broken JSON, other content types, wrong tokens
and unknown ids among them) go to both in the same order, and every answer
must be the same: status, body, the headers a caller reads.  The sessions in
the two apps start from the same seed, so their states stay equal as long as
every command did the same to both.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from app.main import create_app
from app.protocol.commands import COMMANDS
from app.routes import commands
from core.fields import FIELDS
from tests.app.conftest import SETTINGS

READ_HEADERS = ("content-type", "x-playground-effect", "www-authenticate", "retry-after", "allow")
SEED = "routes"


@dataclass
class Side:
    client: TestClient
    id: str
    token: str


@dataclass
class Pair:
    lean: Side
    general: Side


def _side(client: TestClient) -> Side:
    made = client.post("/api/sessions", json={"config": {"seed": SEED}})
    assert made.status_code == 201, made.text
    return Side(client, made.json()["id"], made.json()["control_token"])


@pytest.fixture(scope="module")
def pair() -> Iterator[Pair]:
    lean_app = create_app(SETTINGS)
    served, general_routes = commands.router, commands.command_router(APIRoute)
    assert all(isinstance(route, commands.CommandRoute) for route in served.routes)
    assert not any(isinstance(route, commands.CommandRoute) for route in general_routes.routes)
    commands.router = general_routes  # create_app includes the router it finds here
    try:
        general_app = create_app(SETTINGS)
    finally:
        commands.router = served
    with TestClient(lean_app) as lean, TestClient(general_app) as general:
        yield Pair(_side(lean), _side(general))


# -- the requests --------------------------------------------------------------------------

_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 12)
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from([0.5, 102.0, 1e300])
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)


# Values a body's field often accepts (small indices, a number, a word), and the table's own
# values for a config change: so that many requests are carried out, not only refused.
_likely = st.one_of(st.integers(1, 2), st.integers(0, 2), st.sampled_from([0, 0.25, 2.0, "Title", None]))


def _config_value(name: str) -> st.SearchStrategy[Any]:
    field = FIELDS[name]
    values = [field.default, *field.values[:4]]
    return st.sampled_from([sorted(value) if isinstance(value, frozenset) else value for value in values])


@st.composite
def _body(draw: st.DrawFn, command: str) -> bytes | None:
    """A request body: none, JSON made of the model's own field names (often valid), or junk."""
    names = list(COMMANDS[command].body.model_fields)
    kind = draw(st.sampled_from(["none", "likely", "likely", "likely", "fields", "any", "junk"]))
    if kind == "none":
        return None
    if kind == "likely" and command == "config":
        chosen = draw(st.lists(st.sampled_from([n for n in names if n in FIELDS]), min_size=1, max_size=3, unique=True))
        return json.dumps({name: draw(_config_value(name)) for name in chosen}).encode()
    if kind == "likely":  # every required field, and some of the others
        fields = COMMANDS[command].body.model_fields
        chosen = [name for name in names if fields[name].is_required()]
        chosen += draw(st.lists(st.sampled_from(names), max_size=2, unique=True)) if names else []
        return json.dumps({name: draw(_likely) for name in chosen}).encode()
    if kind == "fields":
        chosen = draw(st.lists(st.sampled_from([*names, "extra"]), max_size=4, unique=True))
        return json.dumps({name: draw(_values) for name in chosen}).encode()
    if kind == "any":
        return json.dumps(draw(_values)).encode()
    return draw(
        st.sampled_from(
            [
                b"{",
                b"",
                b"null",
                b"NaN",
                b'{"epochs": NaN}',
                b'{"epochs": 123456789012345678901234567890}',
                '{"epochs": 1}'.encode("utf-16"),
                b'\xef\xbb\xbf{"epochs": 1}',
                b'{"title": "\\ud800"}',
                b'{"epochs": 1, "epochs": 2}',
                b"\xff\xfe",
            ]
        )
    )


@dataclass(frozen=True)
class Ask:
    command: str
    session: str  # ours | unknown | long
    token: str  # right | wrong | none | basic
    content_type: str | None
    body: bytes | None


asks = st.builds(
    Ask,
    command=st.sampled_from(sorted(COMMANDS)),
    session=st.sampled_from(["ours"] * 6 + ["unknown", "long"]),
    token=st.sampled_from(["right"] * 6 + ["wrong", "none", "basic"]),
    content_type=st.sampled_from(
        ["application/json"] * 6
        + ["application/json; charset=utf-8", "Application/JSON", None]
        + ["text/plain", "application/merge-patch+json", "multipart/form-data"]
    ),
    body=st.none(),
).flatmap(lambda ask: _body(ask.command).map(lambda body: _with(ask, body)))


def _with(ask: Ask, body: bytes | None) -> Ask:
    return Ask(ask.command, ask.session, ask.token, ask.content_type, body)


def _send(side: Side, ask: Ask) -> tuple[int, dict[str, str], Any]:
    command = COMMANDS[ask.command]
    session = {"ours": side.id, "unknown": "no-such-session", "long": "x" * 65}[ask.session]
    headers = {}
    if ask.token != "none":
        token = {"right": side.token, "wrong": "not-the-token", "basic": side.token}[ask.token]
        headers["authorization"] = f"{'Basic' if ask.token == 'basic' else 'Bearer'} {token}"
    if ask.content_type is not None:
        headers["content-type"] = ask.content_type
    response = side.client.request(
        command.method, f"/api/sessions/{session}{command.rest_path}", content=ask.body, headers=headers
    )
    kept = {name: response.headers[name] for name in READ_HEADERS if name in response.headers}
    try:
        answer: Any = response.json()
    except ValueError:
        answer = response.text
    return response.status_code, kept, _without_ids(answer, side.id)


def _without_ids(value: Any, session_id: str) -> Any:
    """The answer with the session's own id (which differs between the apps) written as ``<id>``."""
    if isinstance(value, dict):
        return {key: _without_ids(item, session_id) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_ids(item, session_id) for item in value]
    if isinstance(value, str):
        return value.replace(session_id, "<id>")
    return value


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ask=asks)
def test_the_command_routes_answer_as_fastapi_would(pair: Pair, ask: Ask) -> None:
    general = _send(pair.general, ask)
    lean = _send(pair.lean, ask)
    assert lean == general, ask
    event(f"{ask.command} {general[0]}")


# A request of the usual shape for every command (a test below demands a row for each).
USUAL: dict[str, dict[str, Any] | None] = {
    "step": {"epochs": 2},
    "reset": None,
    "regenerate": {},
    "play": {"epochs_per_frame": 2},  # 409: nobody watches; answered by the command, not FastAPI
    "pause": None,
    "speed": {"epochs_per_frame": 3},
    "config": {"learningRate": 0.1},
    "hash": {"hash": "activation=relu&learningRate=0.3"},
    "weight": {"layer": 0, "source": 1, "target": 0, "value": 0.5},
    "bias": {"layer": 0, "node": 1, "value": -0.25},
    "select": {"layer": 1, "source": 0, "target": 0},
    "compare": {"field": "learningRate", "values": [0.03, 0.3]},  # before a scene sets up a network of its own
    "scene_add": {"title": "Mine", "caption": "a caption"},
    "scene": {"index": 0},
    "scene_move": {"index": 0, "to": 1},
    "scene_delete": {"index": 1},
}


def test_every_command_has_a_usual_request() -> None:
    assert set(USUAL) == set(COMMANDS)


def test_the_usual_requests_take_the_lean_path(pair: Pair, monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparison above would pass with every request handed on: here each command's usual
    request is answered while FastAPI's handler cannot answer, and a body its model refuses
    is handed on."""

    async def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("FastAPI's request handler ran")

    side = _side(pair.lean.client)  # a new session: the comparison above left its own in any state
    monkeypatch.setattr("fastapi.routing.solve_dependencies", refuse)
    auth = {"authorization": f"Bearer {side.token}", "content-type": "application/json"}
    for name, body in USUAL.items():
        command = COMMANDS[name]
        content = json.dumps(body).encode() if body is not None else None
        path = f"/api/sessions/{side.id}{command.rest_path}"
        response = side.client.request(command.method, path, content=content, headers=auth)
        assert response.status_code == (409 if name == "play" else 200), (name, response.text)
    with pytest.raises(AssertionError, match="FastAPI's request handler ran"):
        side.client.post(f"/api/sessions/{side.id}/step", content=b'{"epochs": -1}', headers=auth)
