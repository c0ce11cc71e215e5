"""Control tokens: made once, handed to the creator, kept only as a digest."""

from __future__ import annotations

import hashlib
import hmac
import secrets

__all__ = ["new_token", "token_digest", "token_matches"]


def new_token() -> str:
    return secrets.token_urlsafe(24)


def token_digest(token: str) -> str:
    """What the server keeps of a control token: its SHA-256, never the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(token: str | None, digest: str) -> bool:
    """Constant-time comparison on digests, so neither timing nor a leaked store reveals a token."""
    return token is not None and hmac.compare_digest(token_digest(token), digest)
