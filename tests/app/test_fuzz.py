"""Schemathesis over the OpenAPI document, against a real server with the default
per-client limits, with every one of schemathesis's checks: whatever the input,
never a 5xx, and every answer (status, content type, headers, body) is one the
document declares; data the schema allows is accepted and data it forbids
refused; declared auth is enforced, and optional auth is declared optional.

(It used to call the app in-process, where every call started the app afresh
with an empty store: the session the cases were pointed at was unknown to all
of them, and only 404s were ever checked.)
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.config import SchemathesisConfig
from schemathesis.core.parameters import ParameterLocation

from app.main import create_app
from app.settings import Settings
from tests.live_server import LiveServer

load_all_checks()
ALL_CHECKS = CHECKS.get_all()
EXAMPLES = 25  # per operation

# Data the schema allows may still be refused for what a schema cannot say (a hash
# naming a network the config does not allow, a session file of another shape):
# 422, naming the field.  Any other refusal of schema-valid data is a mismatch.
CONFIG = SchemathesisConfig.from_dict(
    {"checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "401", "403", "404", "409", "422", "429"]}}}
)
schema = schemathesis.openapi.from_dict(create_app(Settings()).openapi(), config=CONFIG)


@schemathesis.serializer("text/csv")
def _csv(context: schemathesis.SerializationContext, value: object) -> bytes:
    """PUT .../data takes CSV text: fuzz the parser with whatever text the schema allows."""
    return str(value).encode("utf-8", "surrogatepass")


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[LiveServer, str, str]]:
    """A real server (a small work cap keeps generated 10,000-epoch steps quick: they answer
    422), and a session that most cases are pointed at, with its token."""
    with LiveServer(env={"PLAYGROUND_MAX_WORK": "50000"}) as live:
        made = httpx.post(f"{live.url}/api/sessions", json={"hash": "seed=fuzz"}, timeout=120).json()
        yield live, made["id"], made["control_token"]


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_fuzz_answers_only_what_the_document_declares(
    case: schemathesis.Case, server: tuple[LiveServer, str, str]
) -> None:
    live, session_id, token = server
    # Most cases address the real session with its token, so bodies reach the real
    # handlers; deletion keeps the generated id so the session survives, and a case
    # meant to break the path or the headers keeps what it broke.
    headers = {}
    meta = case.meta
    broken = meta is not None and (
        meta.is_negative_at(ParameterLocation.PATH) or meta.is_negative_at(ParameterLocation.HEADER)
    )
    if "session_id" in (case.path_parameters or {}) and case.method.upper() != "DELETE" and not broken:
        case.path_parameters = {**case.path_parameters, "session_id": session_id}
        headers = {"Authorization": f"Bearer {token}"}
    case.call_and_validate(base_url=live.url, headers=headers, checks=ALL_CHECKS)


# -- what issue 22 found the document and the server disagreeing on -------------------------------


def test_openapi_reads_are_public_and_declared_so(server: tuple[LiveServer, str, str]) -> None:
    live, session_id, _ = server
    document = httpx.get(f"{live.url}/openapi.json").json()
    for path in (
        "/api/sessions/{session_id}",
        "/api/sessions/{session_id}/explain",
        "/api/sessions/{session_id}/boundary",
        "/api/sessions/{session_id}/export",
    ):
        assert document["paths"][path]["get"]["security"] == [{}, {"HTTPBearer": []}], path
    assert document["paths"]["/api/sessions/{session_id}/step"]["post"]["security"] == [{"HTTPBearer": []}]
    assert httpx.get(f"{live.url}/api/sessions/{session_id}/export").status_code == 200  # no token


def test_openapi_documents_the_answers_that_happen(server: tuple[LiveServer, str, str]) -> None:
    live, _, _ = server
    paths = httpx.get(f"{live.url}/openapi.json").json()["paths"]
    step = paths["/api/sessions/{session_id}/step"]["post"]["responses"]
    assert {"400", "408", "409", "410", "413", "429", "503"} <= set(step)
    assert step["429"]["headers"]["Retry-After"] and step["503"]["headers"]["Retry-After"]
    create = paths["/api/sessions"]["post"]["responses"]
    assert {"400", "408", "413", "429", "503"} <= set(create)
    assert {"429", "410"} <= set(paths["/api/sessions/{session_id}/explain"]["get"]["responses"])


def test_openapi_integers_take_integral_floats_and_nothing_else(server: tuple[LiveServer, str, str]) -> None:
    live, _, _ = server
    made = httpx.post(f"{live.url}/api/sessions", json={"hash": "seed=ints"}, timeout=60).json()
    auth = {"Authorization": f"Bearer {made['control_token']}"}
    step = f"{live.url}/api/sessions/{made['id']}/step"
    taken = httpx.post(step, json={"epochs": 3.0}, headers=auth, timeout=60)
    assert taken.status_code == 200 and taken.json()["epoch"] == 3
    for refused in (3.5, "3", True, 1e400):
        answer = httpx.post(
            step,
            content=f'{{"epochs": {json.dumps(refused)}}}',
            headers={**auth, "content-type": "application/json"},
            timeout=60,
        )
        assert answer.status_code == 422 and answer.json()["detail"][0]["loc"][-1] == "epochs", (refused, answer.text)
    speed = httpx.post(f"{live.url}/api/sessions/{made['id']}/speed", json={"epochs_per_frame": 102.0}, headers=auth)
    assert speed.status_code == 200 and speed.json()["epochs_per_frame"] == 102


def test_openapi_query_errors_name_the_query(server: tuple[LiveServer, str, str]) -> None:
    live, session_id, _ = server
    base = f"{live.url}/api/sessions/{session_id}"
    for url, params, name in (
        (base, {"include": "nope"}, "include"),
        (f"{base}/boundary", {"size": 1000, "format": "json"}, "size"),
        (f"{base}/boundary", {"lang": "ko"}, "lang"),
        (f"{base}/explain", {"layer": "x", "target": 0}, "layer"),
    ):
        answer = httpx.get(url, params=params, timeout=60)
        assert answer.status_code == 422, answer.text
        assert answer.json()["detail"][0]["loc"] == ["query", name], answer.text
