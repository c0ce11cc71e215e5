"""The OpenAPI document as the server answers: what the routes declare, plus
the answers that come from elsewhere and can happen on every operation of a
kind (issue 22 found the document disagreeing with the server):

- a request body may be refused before any route sees it: 400 (not JSON,
  not UTF-8), 408 (not received in time), 413 (too large: app/web/body_limit.py);
- a session in the path may be damaged in the store (410, set aside) or
  unreachable for a moment (503 with Retry-After: the store, or the session
  moving between processes); creating one may meet a store that cannot
  write or a memory that is full (503);
- a read takes the control token but does not need it: its security is
  declared optional (``[{}, {"HTTPBearer": []}]``), so that a client (and
  schemathesis) knows it is public.

Where a per-client limit applies (429), the route declares it (app/routes/deps.py:
``LIMITED``).  tests/app/test_fuzz.py runs schemathesis, every check, against a
real server to keep this true.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

__all__ = ["complete_openapi"]

ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
RETRY_AFTER = {"Retry-After": {"description": "Seconds until it is worth trying again", "schema": {"type": "integer"}}}
PROBLEM = {
    "title": "Problem",
    "type": "object",
    "properties": {"detail": {"title": "Detail", "description": "What went wrong, and what to do"}},
    "required": ["detail"],
}
BODY = {
    "400": {"description": "The body is not JSON (or not UTF-8 text)", "content": ERROR},
    "408": {"description": "The body did not arrive within PLAYGROUND_BODY_TIMEOUT_SECONDS", "content": ERROR},
    "413": {"description": "The body is larger than PLAYGROUND_MAX_BODY_BYTES", "content": ERROR},
}
SESSION = {
    "410": {"description": "The session's stored record is damaged: it was set aside", "content": ERROR},
    "503": {"description": "The session store cannot be reached, or the session is moving between server "
                           "processes; try again after Retry-After", "content": ERROR, "headers": RETRY_AFTER},
}  # fmt: skip
CREATE = {
    "503": {
        "description": "The store cannot save sessions now, or memory holds its maximum of sessions, all in "
        "use; try again after Retry-After",
        "content": ERROR,
        "headers": RETRY_AFTER,
    },
}
OPTIONAL_TOKEN: list[dict[str, list[str]]] = [{}, {"HTTPBearer": []}]


def complete_openapi(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """``app.openapi`` made to add what the routes cannot declare themselves."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            _complete(generate())
        assert app.openapi_schema is not None
        return app.openapi_schema

    return openapi


def _complete(schema: dict[str, Any]) -> None:
    schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            extra: dict[str, Any] = {}
            if "requestBody" in operation:
                extra |= BODY
            if "{session_id}" in path:
                extra |= SESSION
            if (method, path) in (("post", "/api/sessions"), ("post", "/api/sessions/{session_id}/fork")):
                extra |= CREATE
            for status, answer in extra.items():
                responses.setdefault(status, answer)
            if operation.get("security") == [{"HTTPBearer": []}] and "401" not in responses:
                operation["security"] = OPTIONAL_TOKEN  # a read: the token only lifts the read limit
