"""``create_app``: wires settings, the session store, the routers and the
error handlers.  No module-level app state: every call builds a fresh app."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from app.limits import BodySizeLimit
from app.routes import api, pages, server_info, ws
from app.schemas import Health
from app.settings import Settings
from app.store import SessionStore, StoreFull, UnknownSession
from app.workers import Workers
from core.errors import InvalidValue

__all__ = ["create_app"]

ROOT = Path(__file__).resolve().parent.parent


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        sweeper = asyncio.create_task(app.state.store.run_sweeper(), name="session-sweeper")
        try:
            yield
        finally:
            sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sweeper
            await app.state.store.close()
            app.state.workers.shutdown()

    app = FastAPI(
        title="Playground",
        version="0.1.0",
        summary="TensorFlow Playground's network, trained on the server: sessions, single steps, live frames.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.workers = Workers(settings.workers)
    app.state.store = SessionStore(settings, app.state.workers)
    app.state.templates = Jinja2Templates(directory=ROOT / "templates")
    app.mount("/static", StaticFiles(directory=ROOT / "static"), name="static")
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.include_router(pages.router)
    app.include_router(api.router)
    app.include_router(ws.router)
    app.include_router(server_info.router)

    @app.get("/healthz", response_model=Health, tags=["health"])
    async def healthz(request: Request) -> dict[str, Any]:
        return {"status": "ok", "sessions": len(request.app.state.store)}

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        # FastAPI's default echoes the input, which may hold NaN (valid in
        # Python's JSON, not in strict JSON): report where, what and why only.
        detail = [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
        return JSONResponse({"detail": detail}, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)

    @app.exception_handler(InvalidValue)
    async def invalid_value(request: Request, exc: InvalidValue) -> JSONResponse:
        detail = [{"loc": ["body", *exc.field.split(".")], "msg": str(exc), "type": "invalid_value"}]
        return JSONResponse({"detail": detail}, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)

    @app.exception_handler(UnknownSession)
    async def unknown_session(request: Request, exc: UnknownSession) -> JSONResponse:
        return JSONResponse({"detail": f"unknown session {exc.args[0]!r}"}, status_code=status.HTTP_404_NOT_FOUND)

    @app.exception_handler(StoreFull)
    async def store_full(request: Request, exc: StoreFull) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=status.HTTP_503_SERVICE_UNAVAILABLE)

    return app
