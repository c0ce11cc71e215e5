"""REST: the session commands (app/protocol/commands.py), one route each.

Each route checks the caller's role as the command's row asks (one dependency,
``controlled_call`` or ``watched_call``), runs the command's handler (the one
the websocket runs) and answers the session's state, with the parts and the
``X-Playground-Effect`` header the handler's ``Outcome`` names.
"""

from __future__ import annotations

import inspect
from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException, Response, status
from pydantic import BaseModel

from app.auth import Role
from app.output.serialize import json_response
from app.protocol.commands import COMMANDS, Call, Command, Conflict
from app.routes.deps import NEEDS_TOKEN, NOT_FOUND, ControlledCall, WatchedCall
from app.schemas import SessionState

router = APIRouter(prefix="/api/sessions/{session_id}")


def _endpoint(command: Command) -> Any:
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
    return endpoint


for _command in COMMANDS.values():
    router.add_api_route(
        _command.rest_path,
        _endpoint(_command),
        methods=[_command.method],
        response_model=SessionState,
        tags=[_command.tag],
        responses={**(NEEDS_TOKEN if _command.role is Role.CONTROL else NOT_FOUND), **_command.responses},
        name=f"{_command.name}_command",
        # the token: controlled_call reads it from the header itself (one dependency less)
        openapi_extra={"security": [{"HTTPBearer": []}]} if _command.role is Role.CONTROL else None,
        summary=" ".join((_command.run.__doc__ or _command.name).split(".")[0].split(":")[0].split()),
    )
