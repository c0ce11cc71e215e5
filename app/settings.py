"""Server settings, read from ``PLAYGROUND_*`` environment variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields

__all__ = ["Settings"]


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"  # bind address of the `playground` command
    port: int = 8000
    max_sessions: int = 500  # beyond it: evict the longest-idle session without clients, else 503
    idle_seconds: float = 1800.0  # a session without clients or calls for this long is dropped
    max_watchers: int = 300  # websocket clients per session
    max_message_bytes: int = 65536  # largest websocket message a client may send
    max_body_bytes: int = 2_000_000  # largest REST request body
    max_fps: float = 60.0  # frames per second while a session plays
    max_epochs_per_frame: int = 10000  # the top of the speed control
    sweep_seconds: float = 30.0  # how often idle sessions are looked for
    max_work: int = 20_000_000  # epochs x training points one REST call may ask for
    workers: int = max(2, os.cpu_count() or 2)  # threads for training and rendering
    public_url: str = ""  # the address students use for class links (default: the one the teacher used)
    forwarded_allow_ips: str = "127.0.0.1"  # proxies whose X-Forwarded-* headers are believed (comma-separated)
    # -- where sessions outlive the process (app.persistence, docs/deploy.md) --
    data_dir: str = "data"  # the SQLite store's folder, relative to the working directory; ":memory:" keeps nothing
    redis_url: str = ""  # redis://host:port/db: use Redis instead of SQLite, shared by every process
    redis_prefix: str = "playground:"  # prefix of every Redis key and channel (several playgrounds, one Redis)
    keep_days: float = 30.0  # a stored session nobody opened for this long is deleted, shared or not
    store_max_sessions: int = 100_000  # beyond it the oldest unshared sessions not opened in the last hour go
    store_max_bytes: int = 4_000_000_000  # the same bound on the bytes stored
    snapshot_seconds: float = 2.0  # a playing session is saved this often (kill -9 loses at most this much)
    lease_seconds: float = 5.0  # a session's owner renews its Redis lease; a dead owner's lapses after this
    prune_seconds: float = 600.0  # how often the retention policy runs

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Defaults, overridden by ``PLAYGROUND_<FIELD>`` variables (e.g. PLAYGROUND_MAX_SESSIONS)."""
        environ = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = environ.get(f"PLAYGROUND_{f.name.upper()}")
            if raw is None:
                continue
            kind: type = type(f.default)
            try:
                values[f.name] = kind(raw)
            except ValueError:
                raise ValueError(f"PLAYGROUND_{f.name.upper()}: expected {kind.__name__}, got {raw!r}") from None
        return cls(**values)  # type: ignore[arg-type]
