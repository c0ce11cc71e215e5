"""REST: a session's points — download them as CSV, replace them with your own (CSV or JSON)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response, status
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from app.output.serialize import json_response
from app.routes.deps import NEEDS_TOKEN, READ, ClientKey, Controlled, Readable
from app.schemas import DataPoints, SessionState
from core.errors import InvalidValue
from core.points import UserPoints, json_points, parse_csv, to_csv
from core.session import Session

router = APIRouter(prefix="/api/sessions/{session_id}", tags=["data"])

CSV_EXAMPLE = "x,y,label,set\n1.5,2.0,1,train\n-3.25,0.5,-1,train\n0.0,-4.0,-1,test\n"
PUT_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {"schema": {"type": "string"}, "example": CSV_EXAMPLE},
            "application/json": {"schema": DataPoints.model_json_schema()},
        },
    }
}


@router.get(
    "/data.csv",
    responses={**READ, 200: {"content": {"text/csv": {"example": CSV_EXAMPLE}}, "description": "The points"}},
    response_class=Response,
)
async def download_data(reader: Readable) -> Response:
    """The training and test points as CSV: `x,y,label,set`, numbers written so that they read back exactly."""

    async def compute() -> bytes:
        text = await reader.live.read(lambda s: to_csv(s.train, s.test), reader.key, estimate=1.0)
        return text.encode()

    body = await reader.answer("data.csv", reader.size, compute)
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="playground-data.csv"'},
    )


def _decode(body: bytes) -> str:
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidValue("body", f"not UTF-8 text (byte {exc.start})") from None


def _json_body(body: bytes) -> dict[str, Any]:
    try:
        return DataPoints.model_validate_json(body).model_dump()
    except ValidationError as exc:
        raise RequestValidationError(
            [{**error, "loc": ("body", *error["loc"])} for error in exc.errors(include_input=False)]
        ) from None


@router.put(
    "/data",
    response_model=SessionState,
    responses={**NEEDS_TOKEN, 415: {"description": "Neither text/csv nor application/json"}},
    openapi_extra=PUT_BODY,
)
async def upload_data(live: Controlled, key: ClientKey, request: Request) -> Response:
    """Replace the points with your own; the network is kept, and every watcher receives the new data.

    CSV (`text/csv`): `x,y,label[,set]`, a header line optional, at most 5,000 rows.  JSON:
    `{"points": [[x, y, label], ...]}` or `{"train": [...], "test": [...]}`.  Without a set, the
    points are shuffled and split by `percTrainData`, as generated data is.  Labels follow the
    problem type: −1 or +1 for classification (0 .. classes − 1 for 3+ classes), a value in [−2, 2]
    for regression; coordinates lie within ±50.  A bad row is a 422 naming its line (CSV) or index
    (JSON) and the problem.
    """
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in ("text/csv", "application/json"):
        raise HTTPException(
            status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
            f"content-type {kind or 'missing'}: send text/csv (x,y,label,set) or application/json",
        )
    body = await request.body()
    if kind == "text/csv":
        text = _decode(body)

        def read(session: Session) -> UserPoints:
            return parse_csv(text, session.config)
    else:
        fields = _json_body(body)

        def read(session: Session) -> UserPoints:
            return json_points(fields, session.config)

    def replace(session: Session) -> None:
        given = read(session)  # checked against the config the points will live under
        session.use_points(given.points, given.in_train)

    await live.change(replace, key)
    return json_response(await live.read_state(("data",), key))
