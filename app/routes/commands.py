"""REST: the session commands (app/protocol/commands.py), one route each.

Each route checks the caller's role as the command's row asks (one dependency,
``controlled_call`` or ``watched_call``), runs the command's handler (the one
the websocket runs) and answers the session's state, with the parts and the
``X-Playground-Effect`` header the handler's ``Outcome`` names.

The routes are ``CommandRoute``s: a request of the usual shape (a JSON body
that its model accepts, or none where the body is optional) is answered
without FastAPI's general request handling; every other request goes through
it unchanged, so errors and the OpenAPI document are FastAPI's own.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Coroutine
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Body, HTTPException, Request, Response, status
from fastapi.routing import APIRoute
from pydantic import BaseModel

from app.auth import Role
from app.output.serialize import json_response
from app.protocol.calls import Call
from app.protocol.commands import COMMANDS, Command, Conflict
from app.routes.deps import (
    NEEDS_TOKEN,
    NOT_FOUND,
    SESSION_ID_LENGTH,
    ControlledCall,
    WatchedCall,
    controlled_call,
    watched_call,
)
from app.schemas import SessionState

__all__ = ["CommandRoute", "command_router", "router"]

Endpoint = Callable[[Call, BaseModel | None], Awaitable[Response]]
_ROWS: dict[Endpoint, Command] = {}  # each route's endpoint -> its command (CommandRoute reads it)


def _endpoint(command: Command) -> Endpoint:
    """A route function for ``command``, with the signature FastAPI reads (the caller, the body)."""
    has_body = bool(command.body.model_fields)

    async def endpoint(call: Call, body: BaseModel | None = None) -> Response:
        try:
            outcome = await command.run(body if body is not None else command.body(), call)
        except Conflict as exc:
            raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None
        parts = outcome.parts if outcome is not None else ()
        headers = {"X-Playground-Effect": outcome.effect} if outcome is not None and outcome.effect else None
        state = outcome.state if outcome is not None else None
        if state is None:
            state = await call.live.read_state(parts, call.key)
        return json_response(state, headers=headers)

    caller = ControlledCall if command.role is Role.CONTROL else WatchedCall
    parameters = [inspect.Parameter("call", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=caller)]
    if has_body:
        body_type: Any = Annotated[command.body | None, Body()] if command.body_optional else command.body
        default = None if command.body_optional else inspect.Parameter.empty
        parameters.append(
            inspect.Parameter("body", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=body_type, default=default)
        )
    endpoint.__signature__ = inspect.Signature(parameters, return_annotation=Response)  # type: ignore[attr-defined]
    endpoint.__name__ = f"{command.name}_command"
    endpoint.__doc__ = command.run.__doc__
    _ROWS[endpoint] = command
    return endpoint


def _is_json(content_type: str) -> bool:
    return content_type.partition(";")[0].strip().lower() == "application/json"


class CommandRoute(APIRoute):
    """A command's route.  FastAPI's request handler reads the body, solves the
    dependencies in general and validates through them: about 70 us of a 1-epoch
    step's 560 (benchmarks/bench_rest.py).  This one does what a command's route
    needs for the usual request (a body its model accepts, then the caller's
    checks, then the command) and hands anything else to FastAPI's handler, so
    every error is FastAPI's own, in its order: a body that is not
    ``application/json``, JSON that orjson refuses (NaN, huge integers, other
    encodings), one its model rejects, a missing one, an id out of bounds.  A
    command without a body's fields ignores a body, as FastAPI does.
    ``tests/app/test_command_route.py`` holds both handlers' answers to the
    same requests equal."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        general = super().get_route_handler()
        command = _ROWS[self.endpoint]
        run: Endpoint = self.endpoint
        has_body = bool(command.body.model_fields)
        caller = controlled_call if command.role is Role.CONTROL else watched_call
        shortest, longest = SESSION_ID_LENGTH

        async def handle(request: Request) -> Response:
            session_id: str = request.path_params["session_id"]
            if not shortest <= len(session_id) <= longest:
                return await general(request)
            body: BaseModel | None = None
            raw = await request.body() if has_body else b""  # kept on the request for the general handler
            if raw:
                if not _is_json(request.headers.get("content-type", "")):
                    return await general(request)
                try:
                    body = command.body.model_validate(orjson.loads(raw))
                except Exception:  # refused JSON, a refused body, or a validator that raised: FastAPI answers
                    return await general(request)
            elif has_body and not command.body_optional:
                return await general(request)
            return await run(await caller(session_id, request), body)

        return handle


def command_router(route_class: type[APIRoute] = CommandRoute) -> APIRouter:
    """The routes of every row of ``COMMANDS`` (a test builds them with FastAPI's own route class)."""
    router = APIRouter(prefix="/api/sessions/{session_id}", route_class=route_class)
    for command in COMMANDS.values():
        router.add_api_route(
            command.rest_path,
            _endpoint(command),
            methods=[command.method],
            response_model=SessionState,
            tags=[command.tag],
            responses={**(NEEDS_TOKEN if command.role is Role.CONTROL else NOT_FOUND), **command.responses},
            name=f"{command.name}_command",
            # the token: controlled_call reads it from the header itself (one dependency less)
            openapi_extra={"security": [{"HTTPBearer": []}]} if command.role is Role.CONTROL else None,
            summary=" ".join((command.run.__doc__ or command.name).split(".")[0].split(":")[0].split()),
        )
    return router


router = command_router()
