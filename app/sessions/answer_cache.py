"""A small bounded cache of computed answers (pictures, explanations, exports) per session."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Hashable

__all__ = ["AnswerCache"]


class AnswerCache:
    """The most recent answers, at most ``max_entries`` and ``max_bytes`` in all.

    Keys include the session's generation and version, so an answer is
    never served after the session changed; old keys simply age out.
    """

    def __init__(self, max_entries: int = 16, max_bytes: int = 4_000_000) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        # Answers being computed: a reader asking for one meanwhile waits for it (45
        # students downloading the teacher's picture at once: it is drawn once).
        self.pending: dict[Hashable, asyncio.Future[bytes]] = {}
        self._items: OrderedDict[Hashable, bytes] = OrderedDict()
        self._bytes = 0

    def get(self, key: Hashable) -> bytes | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key: Hashable, value: bytes) -> None:
        if len(value) > self.max_bytes:
            return
        old = self._items.pop(key, None)
        if old is not None:
            self._bytes -= len(old)
        self._items[key] = value
        self._bytes += len(value)
        while len(self._items) > self.max_entries or self._bytes > self.max_bytes:
            _, dropped = self._items.popitem(last=False)
            self._bytes -= len(dropped)

    @property
    def nbytes(self) -> int:
        return self._bytes
