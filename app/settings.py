"""Server settings, read from ``PLAYGROUND_*`` environment variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields

__all__ = ["Settings"]

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"  # bind address of the `playground` command
    port: int = 8000
    max_sessions: int = 500  # in memory; beyond it the longest-idle one without clients is unloaded, else 503
    idle_seconds: float = 1800.0  # a session without clients or calls for this long is unloaded (it stays stored)
    max_watchers: int = 300  # websocket clients per session
    max_message_bytes: int = 65536  # largest websocket message a client may send
    ws_ping_seconds: float = 20.0  # websocket keepalive: a ping this often; no pong within as long closes it
    stalled_socket_seconds: float = 20.0  # a websocket that reads nothing this long is dropped (app/web/ws_server.py)
    max_body_bytes: int = 2_000_000  # largest REST request body
    body_timeout_seconds: float = 10.0  # a request body not received by then is answered 408
    max_fps: float = 60.0  # frames per second while a session plays
    max_epochs_per_frame: int = 10000  # the top of the speed control (a frame never takes more than one slice)
    sweep_seconds: float = 30.0  # how often idle sessions are looked for
    # What one call may ask for, in weight-passes (points x epochs x weights): about 10 s of one core
    # on the largest network.  It runs in slices of ~20 ms that take turns with everyone else's.
    max_work: int = 2_000_000_000
    max_picture_cells: int = 1_000_000  # boundary pictures: cells per picture (1000 x 1000)
    max_json_cells: int = 40_000  # boundary numbers: cells per answer (200 x 200)
    # Threads for training and rendering; play ticks use them all unless other work waits (app.sessions.scheduler).
    workers: int = 2
    public_url: str = ""  # the address students use for class links (default: the teacher's, if we listen there)
    # Per-client limits, by client address (the forwarded one only from a trusted proxy).
    client_limits: bool = True  # PLAYGROUND_CLIENT_LIMITS=0 turns them off (benchmarks that play many clients)
    forwarded_allow_ips: str = ""  # proxies whose X-Forwarded-For is believed (uvicorn's option); none by default
    # docs/classroom.md: every limit, and settings for a class behind one address.
    creations_per_minute: float = 30.0  # new sessions per client (forks from a class link: the class's budget)
    sessions_per_client: int = 30  # sessions in use a client may hold (a connection or a call in the last 5 min)
    code_lookups_per_minute: float = 30.0  # class-link lookups that find nothing, per client
    # Reads of sessions one does not control that the server must compute (cached answers are free), per
    # client, in weight-passes (cells or samples x points x weights): about a tenth of a core.
    read_work_per_second: float = 20_000_000.0
    sockets_per_client: int = 0  # websockets per client; 0: one per watcher slot (max_watchers) plus 20
    busy_calls_per_client: int = 4  # training calls of one client in progress at once
    messages_per_second: float = 50.0  # websocket messages per connection (a burst of twice as many)
    flood_limit: int = 200  # messages refused in a row before the connection is closed
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
    # -- what a department watches (app/metrics.py, app/logs.py, docs/deploy.md) --
    metrics: str = "local"  # /metrics: off, local (loopback and trusted proxies only) or on (everyone)
    log_format: str = "text"  # text, or json: one JSON object per line for a log collector

    def __post_init__(self) -> None:
        for name, allowed in (("metrics", ("off", "local", "on")), ("log_format", ("text", "json"))):
            if getattr(self, name) not in allowed:
                raise ValueError(
                    f"PLAYGROUND_{name.upper()}: expected one of {', '.join(allowed)}, got {getattr(self, name)!r}"
                )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Defaults, overridden by ``PLAYGROUND_<FIELD>`` variables (e.g. PLAYGROUND_MAX_SESSIONS)."""
        environ = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for f in fields(cls):
            name = f"PLAYGROUND_{f.name.upper()}"
            raw = environ.get(name)
            if raw is None:
                continue
            kind: type = type(f.default)
            if kind is bool:
                if raw.strip().lower() not in _TRUE | _FALSE:
                    raise ValueError(f"{name}: expected 1/0, true/false, yes/no or on/off, got {raw!r}")
                values[f.name] = raw.strip().lower() in _TRUE
                continue
            try:
                values[f.name] = kind(raw)
            except ValueError:
                raise ValueError(f"{name}: expected {kind.__name__}, got {raw!r}") from None
        return cls(**values)  # type: ignore[arg-type]
