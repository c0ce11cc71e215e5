"""What one client may ask for: training work per call, calls in progress,
creations, class-code lookups and reads, by client address.

Limits answer 429 with ``Retry-After`` (``TooManyRequests``) or, for
training work beyond one call's cap, 422 naming ``epochs``.  They are on by
default, loopback included; ``PLAYGROUND_CLIENT_LIMITS=0`` turns the
per-client ones off (benchmarks that play many clients from one address).
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Iterator

from fastapi.requests import HTTPConnection

from app.settings import Settings
from app.web.token_bucket import KeyedLimiter
from core.errors import InvalidValue

__all__ = ["ClientLimits", "TooManyRequests", "address_of", "check_work", "client_key"]


class TooManyRequests(Exception):
    """A per-client limit was reached: answered 429 with Retry-After."""

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


def address_of(connection: HTTPConnection) -> str:
    """Who is asking, for limits and fair turns: the client's address.  Behind a
    proxy listed in ``forwarded_allow_ips`` uvicorn puts the forwarded one here."""
    client = connection.client
    return client.host if client is not None else "unknown"


async def client_key(connection: HTTPConnection) -> str:
    """``address_of`` as a dependency (async: FastAPI would run a plain def in a thread)."""
    return address_of(connection)


def check_work(cost: int, limit: int, what: str, field: str = "epochs") -> None:
    """Bound the CPU one call can ask for; ``cost`` in weight-passes (points x weights, for
    every point trained or evaluated); ``field`` is the one to ask less of."""
    if cost > limit:
        raise InvalidValue(
            field,
            f"{what} costs {cost:,} weight-passes (points x epochs x weights), more than one call may ask "
            f"({limit:,}); ask for fewer {field} per call",
        )


class ClientLimits:
    def __init__(self, settings: Settings) -> None:
        self.enabled = settings.client_limits
        self.settings = settings
        self.creations = KeyedLimiter(settings.creations_per_minute, burst=max(1.0, settings.creations_per_minute / 3))
        self.lookups = KeyedLimiter(settings.code_lookups_per_minute, burst=10)
        self.reads = KeyedLimiter(60 * settings.reads_per_second, burst=2 * settings.reads_per_second)
        # A client closed for flooding may come back, but not flood again and again: after a
        # second strike within a minute its new connections are refused until it calms down.
        self.flood_strikes = KeyedLimiter(per_minute=1, burst=2)
        self._busy: Counter[str] = Counter()

    def _take(self, limiter: KeyedLimiter, key: str, what: str) -> None:
        if self.enabled and not limiter.take(key):
            wait = limiter.retry_after(key)
            raise TooManyRequests(f"too many {what} from this client; try again in {wait} s", wait)

    def creation(self, key: str) -> None:
        self._take(self.creations, key, "new sessions")

    def lookup(self, key: str) -> None:
        self._take(self.lookups, key, "class-link lookups")

    def read(self, key: str) -> None:
        self._take(self.reads, key, "reads of sessions this client does not control")

    def strike(self, key: str) -> None:
        """``key`` was closed for flooding."""
        if self.enabled:
            self.flood_strikes.take(key)

    def may_connect(self, key: str) -> bool:
        """False while ``key`` has used up its flood strikes."""
        return not self.enabled or self.flood_strikes.tokens(key) >= 1

    def connect_retry_after(self, key: str) -> int:
        """Seconds until ``key`` may connect again (after its flood strikes)."""
        return self.flood_strikes.retry_after(key)

    @contextlib.contextmanager
    def busy(self, key: str) -> Iterator[None]:
        """A training call in progress; at most ``busy_calls_per_client`` at once."""
        limit = self.settings.busy_calls_per_client
        if self.enabled and self._busy[key] >= limit:
            raise TooManyRequests(f"this client already has {limit} training calls in progress; wait for one", 1)
        self._busy[key] += 1
        try:
            yield
        finally:
            self._busy[key] -= 1
            if not self._busy[key]:
                del self._busy[key]
