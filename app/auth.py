"""Who may do what: a client's role, and the control tokens that give it.

A token is made once and handed to the creator of a session; the server
keeps only its SHA-256 digest.  REST (app/routes/deps.py) and the websocket
(app/protocol) both ask ``authorize`` for a client's role.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from enum import StrEnum

__all__ = ["Role", "authorize", "new_token", "token_digest", "token_matches"]


class Role(StrEnum):
    """What a client of a session may do."""

    WATCH = "watch"  # anyone with the session id: read, follow, fork
    CONTROL = "control"  # the holder of the control token: change it too


def new_token() -> str:
    return secrets.token_urlsafe(24)


def token_digest(token: str) -> str:
    """What the server keeps of a control token: its SHA-256, never the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(token: str | None, digest: str) -> bool:
    """Constant-time comparison on digests, so neither timing nor a leaked store reveals a token."""
    return token is not None and hmac.compare_digest(token_digest(token), digest)


def authorize(token_hash: str, token: str | None) -> Role:
    """The role ``token`` gives on the session whose token digest is ``token_hash``."""
    return Role.CONTROL if token_matches(token, token_hash) else Role.WATCH
