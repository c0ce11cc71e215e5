"""How the store is doing, said once: failures logged once per kind with a
count, and the reason /healthz gives while it is not well.

With the disk full, every save of every playing session failed and logged
a line of its own: about 3,900 a minute, and /healthz still said "ok".
Here the first failure of a kind (``write``, ``read``, ...) is logged with
its error, later ones are counted and summed up every ``REPEAT_SECONDS``,
and the first success logs how many there were.  ``damage`` notes what a
start-up check or a record that could not be read found: it stays until
the process restarts.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

__all__ = ["StoreHealth", "REPEAT_SECONDS"]

log = logging.getLogger("playground.store")

REPEAT_SECONDS = 300.0  # a failure that goes on is summed up in the log this often

WHAT = {
    "write": "saving sessions",
    "read": "loading sessions",
    "touch": "recording sessions' last use",
    "retention": "applying the retention policy",
    "probe": "writing to the store",
}


@dataclass
class _Failing:
    since: float
    error: str
    count: int = 1
    logged_at: float = field(default_factory=time.monotonic)
    logged_count: int = 1


class StoreHealth:
    def __init__(self, where: str) -> None:
        self.where = where  # the store, for messages: "SQLite store data/sessions.sqlite3"
        self._failing: dict[str, _Failing] = {}
        self._damage: list[str] = []

    def failed(self, kind: str, error: BaseException | str) -> None:
        """One failure of ``kind``: logged if it is the first since it last worked."""
        now = time.monotonic()
        text = str(error).removeprefix(f"{self.where}: ")  # the store's own errors name it already
        failing = self._failing.get(kind)
        if failing is None:
            self._failing[kind] = _Failing(now, text, logged_at=now)
            log.error(
                "%s: %s fails: %s (further failures are counted; /healthz says degraded until it works)",
                self.where,
                WHAT.get(kind, kind),
                text,
            )
            return
        failing.count += 1
        failing.error = text
        if now - failing.logged_at >= REPEAT_SECONDS:
            log.error(
                "%s: %s still fails: %d failures in the last %.0f s; the last: %s",
                self.where,
                WHAT.get(kind, kind),
                failing.count - failing.logged_count,
                now - failing.logged_at,
                text,
            )
            failing.logged_at, failing.logged_count = now, failing.count

    def worked(self, kind: str) -> None:
        failing = self._failing.pop(kind, None)
        if failing is not None:
            log.warning(
                "%s: %s works again, after %d failures over %.0f s",
                self.where,
                WHAT.get(kind, kind),
                failing.count,
                time.monotonic() - failing.since,
            )

    def damaged(self, what: str) -> None:
        """Something in the store is damaged (logged by the caller); said until a restart."""
        if what not in self._damage:
            self._damage.append(what)

    def failing(self, kind: str) -> bool:
        return kind in self._failing

    @property
    def cannot_write(self) -> bool:
        """Saves (or the probe that checks whether they would work) fail: no new sessions now."""
        return "write" in self._failing or "probe" in self._failing

    @property
    def reason(self) -> str | None:
        """Why the store is not well, for /healthz; None when it is."""
        now = time.monotonic()
        parts = [
            f"{WHAT.get(kind, kind)} fails since {now - f.since:.0f} s ({f.count} failures): {f.error}"
            for kind, f in self._failing.items()
        ]
        parts += self._damage
        return "; ".join(parts) if parts else None
