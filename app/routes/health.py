"""GET /healthz: the process answers, and how many sessions it holds."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from app.routes.deps import Store
from app.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health)
async def healthz(store: Store) -> dict[str, Any]:
    return {"status": "ok", "sessions": len(store)}
