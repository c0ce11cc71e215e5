"""What one client may ask for, by client address: new sessions, class-link
lookups that fail, the reads it makes the server compute, training calls in
progress, websockets, and the lock-out after floods.  docs/classroom.md has
the table of every limit, with settings for a class behind one address.

Built so that a class behind one address (a school's NAT) is never refused
for what a class does: a class link that finds its session is never counted
nor refused; reads the server has already computed (the teacher's
explanation, cached pictures) are free; forks from a class link draw on the
class's own budget; flood lock-outs follow the flooding browser (its client
id), not its address.

A limit answers 429 (``TooManyRequests``) naming itself (``limit``: the
page shows it in its language, ``limit.<name>`` in static/i18n), saying what
to do, with a Retry-After that is the time until the same request passes.
``PLAYGROUND_CLIENT_LIMITS=0`` turns them off (benchmarks that play many
clients from one address); a call's work cap (``check_work``) stays.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from enum import StrEnum

from fastapi.requests import HTTPConnection

from app.settings import Settings
from app.web.token_bucket import KeyedLimiter
from core.errors import InvalidValue

__all__ = [
    "ClientLimits",
    "Limit",
    "TooManyRequests",
    "address_of",
    "check_work",
    "client_key",
    "READ_FLOOR",
]

READ_BURST_SECONDS = 5.0  # a client's computed reads may come in bursts of this many seconds' worth
READ_FLOOR = 10_000  # the least a computed read costs (weight-passes): parsing, the lane, the answer
LOOKUPS_WAITING = 8  # class-link lookups of one guessing address that may wait their turn at once
SPARE_SOCKETS = 20  # sockets per address beyond one per watcher slot (PLAYGROUND_SOCKETS_PER_CLIENT=0)
COMPUTING_WAITING = 64  # computed reads of one client that may wait for their turn; more are refused
SHOWING_TOKEN = 8  # sockets of a crowded address let in at once to show a control token (app/protocol/connection.py)
CLIENT_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")  # the page's per-browser id (static/js/socket.js)


class Limit(StrEnum):
    """Every per-client limit, by the name a 429 carries."""

    CREATIONS = "creations"
    CLASS_FORKS = "class_forks"
    SESSIONS = "sessions"
    LOOKUPS = "lookups"
    READS = "reads"
    BUSY = "busy"
    SOCKETS = "sockets"
    FLOOD = "flood"


class TooManyRequests(Exception):
    """A per-client limit was reached: 429 with ``limit``, the detail and Retry-After."""

    def __init__(self, limit: Limit, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.limit = limit
        self.retry_after = max(1, retry_after)


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


def flood_key(address: str, client_id: str | None) -> str:
    """Whom a flood lock-out applies to: the browser that flooded (its client id), or,
    for a client without one, the id-less clients of its address (never the page's)."""
    if client_id is not None and CLIENT_ID.fullmatch(client_id):
        return f"id:{client_id}"
    return f"anonymous:{address}"


class ClientLimits:
    def __init__(self, settings: Settings) -> None:
        self.enabled = settings.client_limits
        self.settings = settings
        self.creations = KeyedLimiter(settings.creations_per_minute, burst=max(1.0, settings.creations_per_minute / 3))
        # A class's forks: up to its watcher limit per hour, whoever forks (key: the shared session's id).
        self.class_forks = KeyedLimiter(settings.max_watchers / 60, burst=settings.max_watchers)
        self.failed_lookups = KeyedLimiter(settings.code_lookups_per_minute, burst=10)
        self.reads = KeyedLimiter(
            60 * settings.read_work_per_second, burst=READ_BURST_SECONDS * settings.read_work_per_second
        )
        # A client closed for flooding may come back, but not flood again and again: after a
        # second strike within a minute its new connections are refused until it calms down.
        self.flood_strikes = KeyedLimiter(per_minute=1, burst=2)
        self.socket_cap = settings.sockets_per_client or settings.max_watchers + SPARE_SOCKETS
        self.sockets: Counter[str] = Counter()  # open websockets per address
        self._busy: Counter[str] = Counter()
        self._computing: dict[str, asyncio.Semaphore] = {}
        self._computing_asked: Counter[str] = Counter()
        self._lookup_lines: dict[str, asyncio.Lock] = {}
        self._lookups_waiting: Counter[str] = Counter()

    def _take(self, limiter: KeyedLimiter, key: str, limit: Limit, detail: str) -> None:
        if self.enabled and not limiter.take(key):
            wait = limiter.retry_after(key)
            raise TooManyRequests(limit, detail.format(seconds=wait), wait)

    # -- sessions ------------------------------------------------------------------------

    def creation(self, key: str) -> None:
        per_minute = self.settings.creations_per_minute
        detail = f"this address made its {per_minute:g} new sessions a minute; try again in {{seconds}} s"
        self._take(self.creations, key, Limit.CREATIONS, detail)

    def class_fork(self, session_id: str) -> None:
        """A fork of a shared session by one of its watchers: the class's budget, not the address's."""
        self._take(
            self.class_forks,
            session_id,
            Limit.CLASS_FORKS,
            f"this class made its {self.settings.max_watchers} forks of the hour; try again in {{seconds}} s, "
            "or ask the teacher",
        )

    # -- class links ---------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def lookup(self, key: str) -> AsyncIterator[Callable[[], None]]:
        """One class-link lookup, around the lookup itself; call what it yields when the code
        was found: a lookup that finds its session is never counted.

        A token is taken before looking (so that a thousand guesses sent at once cannot all
        look before any is counted) and given back on success.  An address out of tokens
        has guessed: its lookups wait their turn, one at a time, each until a token is back
        (a valid code still gets in, a moment later; guesses go at the refill rate).  At most
        LOOKUPS_WAITING wait; the next is refused."""
        found = lambda: self.failed_lookups.give_back(key)  # noqa: E731 - what the caller calls
        if not self.enabled or self.failed_lookups.take(key):
            yield found
            return
        if self._lookups_waiting[key] >= LOOKUPS_WAITING:
            wait = self.failed_lookups.retry_after(key, need=LOOKUPS_WAITING + 1)
            raise TooManyRequests(
                Limit.LOOKUPS,
                f"too many class codes that do not exist from this address; check the code and try again in {wait} s",
                wait,
            )
        self._lookups_waiting[key] += 1
        line = self._lookup_lines.setdefault(key, asyncio.Lock())
        try:
            async with line:
                while not self.failed_lookups.take(key):
                    await asyncio.sleep(self.failed_lookups.retry_after(key))
                yield found
        finally:
            self._lookups_waiting[key] -= 1
            if not self._lookups_waiting[key]:
                del self._lookups_waiting[key]
                self._lookup_lines.pop(key, None)

    # -- reads ---------------------------------------------------------------------------

    def read(self, key: str, cost: int) -> None:
        """A read the server must compute, of a session ``key`` does not control: admitted
        while the client's read budget is not in debt, then charged ``cost`` (weight-passes;
        at least READ_FLOOR).  Answers already computed never come here."""
        if not self.enabled:
            return
        if self.reads.tokens(key) <= 0:
            wait = self.reads.retry_after(key, need=0.0) or 1
            raise TooManyRequests(
                Limit.READS,
                "this address asked the server to compute more reads than "
                f"{self.settings.read_work_per_second:,.0f} weight-passes a second; try again in "
                f"{wait} s (answers already computed, such as the teacher's explanation, are free)",
                wait,
            )
        self.reads.charge(key, max(READ_FLOOR, cost))

    @contextlib.asynccontextmanager
    async def computing(self, key: str) -> AsyncIterator[None]:
        """A read the server computes for ``key``: at most ``busy_calls_per_client`` at once,
        up to COMPUTING_WAITING more wait their turn (so a flood of them holds neither memory
        nor the workers), and beyond that 429."""
        if not self.enabled:
            yield
            return
        limit = self.settings.busy_calls_per_client
        if self._computing_asked[key] >= limit + COMPUTING_WAITING:
            raise TooManyRequests(
                Limit.BUSY,
                f"this address has {limit} reads being computed and "
                f"{COMPUTING_WAITING} waiting; send the next when one has answered",
                1,
            )
        turn = self._computing.setdefault(key, asyncio.Semaphore(limit))
        self._computing_asked[key] += 1
        try:
            async with turn:
                yield
        finally:
            self._computing_asked[key] -= 1
            if not self._computing_asked[key]:
                del self._computing_asked[key]
                self._computing.pop(key, None)

    # -- training ------------------------------------------------------------------------

    @contextlib.contextmanager
    def busy(self, key: str) -> Iterator[None]:
        """A training call in progress; at most ``busy_calls_per_client`` at once."""
        limit = self.settings.busy_calls_per_client
        if self.enabled and self._busy[key] >= limit:
            raise TooManyRequests(
                Limit.BUSY,
                f"this address already has {limit} training calls in progress; send the next when one has answered",
                1,
            )
        self._busy[key] += 1
        try:
            yield
        finally:
            self._busy[key] -= 1
            if not self._busy[key]:
                del self._busy[key]

    # -- websockets ----------------------------------------------------------------------

    def crowded(self, address: str) -> bool:
        """Whether ``address`` holds its cap of websockets (a control token still gets in)."""
        return self.enabled and self.sockets[address] >= self.socket_cap

    def socket_refused(self, address: str) -> bool:
        """Beyond the cap and the few let in to show a control token: refused at the handshake."""
        return self.enabled and self.sockets[address] >= self.socket_cap + SHOWING_TOKEN

    def strike(self, key: str) -> None:
        """``key`` (``flood_key``) was closed for flooding."""
        if self.enabled:
            self.flood_strikes.take(key)

    def may_connect(self, key: str) -> bool:
        """False while ``key`` has used up its flood strikes."""
        return not self.enabled or self.flood_strikes.tokens(key) >= 1

    def connect_retry_after(self, key: str) -> int:
        """Seconds until ``key`` may connect again (after its flood strikes)."""
        return self.flood_strikes.retry_after(key)
