"""Watching the process: GET /healthz (it answers, how many sessions it holds, and whether its
store is well), GET /readyz (whether it takes new sessions now: for a load balancer, 503 while
the store cannot save or the process is stopping) and GET /metrics (what a department watches,
app/metrics.py, in Prometheus' text format).

``PLAYGROUND_METRICS`` says who may read /metrics: ``off`` (nobody: 404), ``local``
(the default: clients on loopback, or a proxy listed in
``PLAYGROUND_FORWARDED_ALLOW_IPS`` asking directly; behind such a proxy a
request carries its client's own address, so the internet is refused) or
``on`` (everyone).
"""

from __future__ import annotations

import ipaddress
import time
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response, status
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from app.persistence.base import PROBE_SECONDS, StoreUnavailable
from app.routes.deps import AppSettings, Store
from app.schemas import Health, Readiness

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health)
async def healthz(store: Store) -> dict[str, Any]:
    """`ok`, or `degraded` with the reason: saves or loads fail (a full disk, Redis away), or the store is
    damaged.  Sessions keep running in memory meanwhile; `unsaved` counts those not stored since they changed."""
    reason = store.backend.health.reason
    return {
        "status": "degraded" if reason else "ok",
        "sessions": len(store),
        "unsaved": store.saver.unsaved(store.local()),
        "reason": reason,
    }


@router.get(
    "/readyz",
    response_model=Readiness,
    responses={
        503: {"model": Readiness, "description": "Takes no new sessions now; Retry-After says when to ask again"}
    },
)
async def readyz(store: Store) -> JSONResponse:
    """Whether this process takes new sessions: 503 while its store cannot save them, or while it stops."""
    if store.draining:
        reason: str | None = "the server is stopping"
    else:
        try:
            await store.backend.probe()  # while saves fail: a small write, at most every PROBE_SECONDS
            return JSONResponse({"status": "ready", "reason": None})
        except StoreUnavailable as error:
            reason = str(error)
    return JSONResponse(
        {"status": "unready", "reason": reason}, status_code=503, headers={"Retry-After": str(int(PROBE_SECONDS))}
    )


STORED_SECONDS = 30.0  # the store's count is read at most this often (it lists every record)


def _local(host: str, trusted: str) -> bool:
    try:
        if ipaddress.ip_address(host).is_loopback:
            return True
    except ValueError:
        return False
    proxies = {part.strip() for part in trusted.split(",") if part.strip() and part.strip() != "*"}
    return host in proxies


@router.get("/metrics", include_in_schema=False)
async def metrics(request: Request, store: Store, settings: AppSettings) -> Response:
    mode = settings.metrics
    client = request.client.host if request.client is not None else ""
    if mode == "off":
        raise HTTPException(status.HTTP_404_NOT_FOUND, "metrics are off (PLAYGROUND_METRICS=off)")
    if mode == "local" and not _local(client, settings.forwarded_allow_ips):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "metrics are for this machine only (PLAYGROUND_METRICS=local)")
    state = request.app.state
    now = time.monotonic()
    if now - getattr(state, "stored_at", -STORED_SECONDS) >= STORED_SECONDS:
        state.stored_at = now
        try:
            count = await store.backend.count()
        except StoreUnavailable:
            count = None
        state.metrics.gauges.stored = lambda: count
    return Response(generate_latest(state.metrics.registry), media_type=CONTENT_TYPE_LATEST)
