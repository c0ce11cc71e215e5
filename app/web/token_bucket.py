"""Rate limits: token buckets, alone or one per client key.

A bucket holds up to ``burst`` tokens and refills at ``rate`` per second;
each action takes one, or ``charge`` takes an action's cost, which may
leave the bucket in debt (a read costs what it costs; the next one waits
until the debt is paid).  ``KeyedLimiter`` keeps one bucket per key (a
client address) in a bounded table: full buckets are forgotten first, so
memory stays bounded however many addresses knock.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict

__all__ = ["TokenBucket", "KeyedLimiter"]


class TokenBucket:
    __slots__ = ("rate", "burst", "tokens", "stamp")

    def __init__(self, rate: float, burst: float, now: float | None = None) -> None:
        self.rate = rate
        self.burst = burst
        self.tokens = burst
        self.stamp = time.monotonic() if now is None else now

    def _refill(self, now: float) -> None:
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

    def take(self, now: float | None = None) -> bool:
        """Take a token if there is one."""
        self._refill(time.monotonic() if now is None else now)
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False

    def retry_after(self, now: float | None = None, need: float = 1.0) -> int:
        """Whole seconds until ``need`` tokens are there (for a Retry-After header)."""
        self._refill(time.monotonic() if now is None else now)
        if self.tokens >= need or self.rate <= 0:
            return 0 if self.tokens >= need else 3600
        return max(1, math.ceil((need - self.tokens) / self.rate))

    def charge(self, cost: float, now: float | None = None) -> None:
        """Take ``cost`` tokens, into debt if need be."""
        self._refill(time.monotonic() if now is None else now)
        self.tokens -= cost

    def give_back(self, count: float = 1.0) -> None:
        """Return tokens taken for an action that turned out not to count."""
        self.tokens = min(self.burst, self.tokens + count)

    def full(self, now: float) -> bool:
        self._refill(now)
        return self.tokens >= self.burst


class KeyedLimiter:
    """One bucket per key; ``per_minute`` actions with a burst of ``burst``."""

    def __init__(self, per_minute: float, burst: float, max_keys: int = 10_000) -> None:
        self.rate = per_minute / 60.0
        self.burst = burst
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, TokenBucket] = OrderedDict()

    def _bucket(self, key: str, now: float) -> TokenBucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= self.max_keys:
                self._evict(now)
            bucket = self._buckets[key] = TokenBucket(self.rate, self.burst, now)
        self._buckets.move_to_end(key)
        return bucket

    def _evict(self, now: float) -> None:
        for key in [key for key, bucket in self._buckets.items() if bucket.full(now)]:
            del self._buckets[key]
        while len(self._buckets) >= self.max_keys:  # all busy: the least recently seen goes
            self._buckets.popitem(last=False)

    def take(self, key: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        return self._bucket(key, now).take(now)

    def retry_after(self, key: str, now: float | None = None, need: float = 1.0) -> int:
        now = time.monotonic() if now is None else now
        return self._bucket(key, now).retry_after(now, need)

    def charge(self, key: str, cost: float, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        self._bucket(key, now).charge(cost, now)

    def give_back(self, key: str, count: float = 1.0) -> None:
        bucket = self._buckets.get(key)
        if bucket is not None:
            bucket.give_back(count)

    def tokens(self, key: str, now: float | None = None) -> float:
        """Tokens ``key`` has now (without taking one)."""
        bucket = self._buckets.get(key)
        if bucket is None:
            return self.burst
        bucket._refill(time.monotonic() if now is None else now)
        return bucket.tokens
