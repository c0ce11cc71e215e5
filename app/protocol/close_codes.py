"""Every code the server closes a websocket with, in one place.

The page receives this table in its config (``page_config["closeCodes"]``)
and decides from it whether reconnecting can help; docs/protocol.md lists
the same codes.  4000-4999 are the application's own range (RFC 6455
§7.4.2); the 4xxx codes echo the HTTP status they resemble.
"""

from __future__ import annotations

from enum import IntEnum

__all__ = ["CloseCode", "FINAL"]


class CloseCode(IntEnum):
    """Why a connection ended.  The reason string sent with it is for people."""

    SERVER_RESTART = 1012  # the process is shutting down; reconnect (the session is kept)
    INTERNAL_ERROR = 1011  # a handler failed unexpectedly; logged on the server; reconnect
    TRY_AGAIN = 1013  # the session is moving (unloaded, or between processes); reconnect in a moment
    UNKNOWN_SESSION = 4404  # no session has this id (never created, or deleted)
    SESSION_CLOSED = 4410  # the session was deleted while connected
    TOO_MANY_WATCHERS = 4429  # the session has its maximum of clients
    MESSAGE_FLOOD = 4430  # the client kept sending faster than messages_per_second after being told
    TOO_MANY_SOCKETS = 4431  # the client's address holds its maximum of websockets; reconnect later


# Codes after which reconnecting to the same session cannot help (the page
# starts afresh instead); after any other close it reconnects with backoff.
FINAL = frozenset({CloseCode.UNKNOWN_SESSION, CloseCode.SESSION_CLOSED, CloseCode.TOO_MANY_WATCHERS})
