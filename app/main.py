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
from app.persistence import Backend, RedisBackend, StoreUnavailable, open_backend
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
from app.routes.openapi import complete_openapi
from app.sessions.live import Interrupted
from app.sessions.player import Player
from app.sessions.scheduler import Scheduler
from app.sessions.store import (
    OwnedElsewhere,
    SessionDamaged,
    SessionStore,
    ShuttingDown,
    StoreFull,
    TooManySessions,
    UnknownSession,
)
from app.settings import Settings
from app.web.body_limit import BodyLimit
from app.web.client_limits import ClientLimits, Limit, TooManyRequests
from app.web.middleware import HeadAsGet, SameOriginWrites, SecurityHeaders, method_not_allowed
from app.web.observe import Observed
from core.errors import InvalidValue

__all__ = ["create_app"]

ROOT = Path(__file__).resolve().parent.parent
CLOSE_SECONDS = 2.0  # at shutdown, how long the closes of relayed clients may take to reach their processes
STOP_AGAIN_SECONDS = 0.2  # at shutdown, a task still running this long after its cancel is cancelled again


def create_app(settings: Settings | None = None, backend: Backend | None = None) -> FastAPI:
    """The app; ``backend``: a store to use instead of the one the settings name (opened at start-up)."""
    settings = settings or Settings.from_env()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store_backend = backend or await open_backend(settings)
        cluster = Cluster(settings, store_backend.redis, app) if isinstance(store_backend, RedisBackend) else None
        app.state.cluster = cluster
        store = app.state.store = SessionStore(settings, app.state.scheduler, app.state.player, store_backend, cluster)
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
            await store_backend.close()
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
        pages,
        apidocs,
        sessions,
        commands,
        data,
        lecture,
        deck,
        pictures,
        exports,
        stateless,
        server_info,
        health,
        ws,
    )
    for module in routers:
        app.include_router(module.router)
    _add_error_handlers(app)
    app.openapi = complete_openapi(app)  # type: ignore[method-assign]  # app/routes/openapi.py
    return app


async def _stop(tasks: list[asyncio.Task[None]]) -> None:
    """Cancel ``tasks`` and wait for them.  A cancellation that lands inside a Redis
    call can come back as a connection error, which a loop catches and goes on (to
    sleep for ten minutes): so the cancel is repeated until each task has ended."""
    for task in tasks:
        while not task.done():
            task.cancel()
            await asyncio.wait({task}, timeout=STOP_AGAIN_SECONDS)
        with contextlib.suppress(asyncio.CancelledError):
            task.result()


def _too_many(detail: str, limit: Limit, retry_after: int) -> JSONResponse:
    """A 429: which limit (the page words it in its language: ``limit.<name>``), what to do, and when."""
    return JSONResponse(
        {"detail": detail, "limit": limit.value, "retry_after": retry_after},
        status_code=status.HTTP_429_TOO_MANY_REQUESTS,
        headers={"Retry-After": str(retry_after)},
    )


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
        path = exc.field.split(".")
        where = "query" if path[0] in request.query_params else "body"  # a query parameter checked by a route
        detail = [{"loc": [where, *path], "msg": str(exc), "type": "invalid_value"}]
        return JSONResponse({"detail": detail}, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)

    @app.exception_handler(UnknownSession)
    async def unknown_session(request: Request, exc: UnknownSession) -> JSONResponse:
        return JSONResponse({"detail": f"unknown session {exc.args[0]!r}"}, status_code=status.HTTP_404_NOT_FOUND)

    @app.exception_handler(SessionDamaged)
    async def session_damaged(request: Request, exc: SessionDamaged) -> JSONResponse:
        return JSONResponse(
            {
                "detail": f"session {exc.args[0]!r} cannot be restored: its stored record is damaged; "
                "it was set aside and logged. Create a new session"
            },
            status_code=status.HTTP_410_GONE,
        )

    @app.exception_handler(StoreFull)
    async def store_full(request: Request, exc: StoreFull) -> JSONResponse:
        return JSONResponse(
            {"detail": str(exc)}, status_code=status.HTTP_503_SERVICE_UNAVAILABLE, headers={"Retry-After": "60"}
        )

    @app.exception_handler(ShuttingDown)
    @app.exception_handler(OwnedElsewhere)
    async def moving(request: Request, exc: Exception) -> JSONResponse:
        # Between processes (the one that ran it is stopping, or just let it go): it is back in a moment.
        return JSONResponse(
            {"detail": f"the session is moving between server processes: {exc}; try again"},
            status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": "1"},
        )

    @app.exception_handler(StoreUnavailable)
    async def store_unavailable(request: Request, exc: StoreUnavailable) -> JSONResponse:
        return JSONResponse(
            {"detail": f"the session store is unavailable; try again: {exc}"},
            status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": "2"},
        )

    @app.exception_handler(TooManyRequests)
    async def too_many_requests(request: Request, exc: TooManyRequests) -> JSONResponse:
        request.app.state.metrics.refused(exc.limit)
        return _too_many(str(exc), exc.limit, exc.retry_after)

    @app.exception_handler(TooManySessions)
    async def too_many_sessions(request: Request, exc: TooManySessions) -> JSONResponse:
        return _too_many(str(exc), Limit.SESSIONS, exc.retry_after)

    @app.exception_handler(Interrupted)
    async def interrupted(request: Request, exc: Interrupted) -> JSONResponse:
        return JSONResponse(
            {"detail": f"the step was interrupted by a pause or a change: {exc}"}, status_code=status.HTTP_409_CONFLICT
        )
