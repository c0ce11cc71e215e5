"""The core's exception: bad input, with the field at fault."""

from __future__ import annotations

__all__ = ["InvalidValue"]


class InvalidValue(ValueError):
    """A value the core cannot accept.

    Catch it at a boundary (the REST API, the websocket) to tell the user
    which ``field`` is wrong and what is allowed (``str(error)`` starts with
    the field's name).  It is a ValueError, so plain callers need nothing new.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
