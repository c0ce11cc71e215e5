"""``create_app``: wires settings, the scheduler, the player, the session
store, the routers, the middleware and the error handlers.  No module-level
app state: every call builds a fresh app."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from app.cluster import Cluster, OwnerRouting
from app.metrics import Metrics, watch
from app.persistence import RedisBackend, StoreUnavailable, open_backend
from app.routes import (
    apidocs,
    commands,
    data,
    deck,
    exports,
    health,
    lecture,
    pages,
    pictures,
    server_info,
    sessions,
    stateless,
    ws,
)
from app.sessions.live import Interrupted
from app.sessions.player import Player
from app.sessions.scheduler import Scheduler
from app.sessions.store import OwnedElsewhere, SessionStore, ShuttingDown, StoreFull, TooManySessions, UnknownSession
from app.settings import Settings
from app.web.body_limit import BodyLimit
from app.web.client_limits import ClientLimits, TooManyRequests
from app.web.middleware import HeadAsGet, SameOriginWrites, SecurityHeaders, method_not_allowed
from app.web.observe import Observed
from core.errors import InvalidValue

__all__ = ["create_app"]

ROOT = Path(__file__).resolve().parent.parent
CLOSE_SECONDS = 2.0  # at shutdown, how long the closes of relayed clients may take to reach their processes


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        backend = await open_backend(settings)
        cluster = Cluster(settings, backend.redis, app) if isinstance(backend, RedisBackend) else None
        app.state.cluster = cluster
        store = app.state.store = SessionStore(settings, app.state.scheduler, app.state.player, backend, cluster)
        watch(metrics, store, app.state.scheduler)
        tasks = [
            asyncio.create_task(store.run_sweeper(), name="session-sweeper"),
            asyncio.create_task(store.run_pruner(), name="retention"),
            asyncio.create_task(store.saver.run(store.local), name="snapshots"),
            asyncio.create_task(app.state.player.run(), name="player"),
        ]
        if cluster is not None:
            cluster.store = store
            running = asyncio.create_task(cluster.run(), name="cluster")
        try:
            yield
        finally:
            await _stop(tasks)
            await store.close()  # saves every session (the workers are still running)
            if cluster is not None:
                await cluster.outbox.drained(CLOSE_SECONDS)  # other processes' clients learn of the restart
                await _stop([running])
                await cluster.close()
            await backend.close()
            app.state.scheduler.shutdown()

    app = FastAPI(
        title="Playground",
        version="0.1.0",
        summary="TensorFlow Playground's network, trained on the server: sessions, single steps, live frames.",
        lifespan=lifespan,
        docs_url=None,  # app/routes/apidocs.py serves both pages from our own files
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.metrics = metrics = Metrics(f"{socket.gethostname()}-{os.getpid()}")
    app.state.scheduler = Scheduler(settings.workers)
    # PLAYGROUND_METRICS=off also skips the per-frame counting (benchmarks/bench_metrics.py compares)
    on_tick = metrics.ticked if settings.metrics != "off" else None
    app.state.player = Player(app.state.scheduler, settings.max_fps, on_tick)
    app.state.cluster = None  # with Redis: set at startup (app.cluster)
    app.state.limits = ClientLimits(settings)
    app.state.templates = Jinja2Templates(directory=ROOT / "templates")
    app.mount("/static", StaticFiles(directory=ROOT / "static"), name="static")
    # The last added runs first: headers on every answer, then cross-site writes, HEAD, bodies,
    # and last the way to the process that runs the session.
    app.add_middleware(OwnerRouting, state=app.state)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes, timeout=settings.body_timeout_seconds)
    app.add_middleware(HeadAsGet)
    app.add_middleware(SameOriginWrites)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(Observed, metrics=metrics)  # outermost: it times the others too
    routers = (
        pages, apidocs, sessions, commands, data, lecture, deck, pictures, exports, stateless, server_info, health,
        ws,
    )  # fmt: skip
    for module in routers:
        app.include_router(module.router)
    _add_error_handlers(app)
    return app


async def _stop(tasks: list[asyncio.Task[None]]) -> None:
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError):
            await task


def _add_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(status.HTTP_405_METHOD_NOT_ALLOWED, method_not_allowed)

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
        return JSONResponse({"detail": str(exc)}, status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
                            headers={"Retry-After": "60"})  # fmt: skip

    @app.exception_handler(ShuttingDown)
    @app.exception_handler(OwnedElsewhere)
    async def moving(request: Request, exc: Exception) -> JSONResponse:
        # Between processes (the one that ran it is stopping, or just let it go): it is back in a moment.
        return JSONResponse({"detail": f"the session is moving between server processes: {exc}; try again"},
                            status_code=status.HTTP_503_SERVICE_UNAVAILABLE, headers={"Retry-After": "1"})  # fmt: skip

    @app.exception_handler(StoreUnavailable)
    async def store_unavailable(request: Request, exc: StoreUnavailable) -> JSONResponse:
        return JSONResponse({"detail": f"the session store is unavailable; try again: {exc}"},
                            status_code=status.HTTP_503_SERVICE_UNAVAILABLE, headers={"Retry-After": "2"})  # fmt: skip

    @app.exception_handler(TooManyRequests)
    async def too_many_requests(request: Request, exc: TooManyRequests) -> JSONResponse:
        request.app.state.metrics.refused(getattr(exc, "limit", "client"))
        return JSONResponse({"detail": str(exc)}, status_code=status.HTTP_429_TOO_MANY_REQUESTS,
                            headers={"Retry-After": str(exc.retry_after)})  # fmt: skip

    @app.exception_handler(TooManySessions)
    async def too_many_sessions(request: Request, exc: TooManySessions) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=status.HTTP_429_TOO_MANY_REQUESTS,
                            headers={"Retry-After": "60"})  # fmt: skip

    @app.exception_handler(Interrupted)
    async def interrupted(request: Request, exc: Interrupted) -> JSONResponse:
        return JSONResponse({"detail": f"the step was interrupted by a pause or a change: {exc}"},
                            status_code=status.HTTP_409_CONFLICT)  # fmt: skip
