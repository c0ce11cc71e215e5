"""GET /healthz: the process answers, how many sessions it holds, and whether
its store is well; GET /readyz: whether it takes new sessions now (for a
load balancer: 503 while the store cannot save or the process is stopping)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from app.persistence.base import PROBE_SECONDS, StoreUnavailable
from app.routes.deps import Store
from app.schemas import Health, Readiness

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health)
async def healthz(store: Store) -> dict[str, Any]:
    """`ok`, or `degraded` with the reason: saves or loads fail (a full disk, Redis away), or the store is
    damaged.  Sessions keep running in memory meanwhile; `unsaved` counts those not stored since they changed."""
    reason = store.backend.health.reason
    return {"status": "degraded" if reason else "ok", "sessions": len(store),
            "unsaved": store.saver.unsaved(store.local()), "reason": reason}  # fmt: skip


@router.get("/readyz", response_model=Readiness,
            responses={503: {"model": Readiness, "description": "Takes no new sessions now; Retry-After says when "
                                                                 "to ask again"}})  # fmt: skip
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
    return JSONResponse({"status": "unready", "reason": reason}, status_code=503,
                        headers={"Retry-After": str(int(PROBE_SECONDS))})  # fmt: skip
