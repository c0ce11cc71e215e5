"""Many playground processes, one Redis (PLAYGROUND_REDIS_URL): ownership of
sessions by lease, REST calls and websockets forwarded to a session's
owner, frames to other processes' watchers once per frame per process.
See app/cluster/node.py and docs/deploy.md."""

from __future__ import annotations

from app.cluster.forward import OwnerRouting
from app.cluster.node import Cluster

__all__ = ["Cluster", "OwnerRouting"]
