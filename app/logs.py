"""Logs a department can read: one line per event, as text (the default) or as
JSON objects (PLAYGROUND_LOG_FORMAT=json) for a log collector.

A JSON line has ``time`` (ISO 8601, UTC), ``level``, ``logger``, ``message``
and, where the event has them, ``session``, ``client``, ``route``,
``method``, ``status`` and ``duration_ms``.  Nothing logs a token or a
request body (app/web/observe.py writes the access lines from the route's
template, never the raw path or query).
"""

from __future__ import annotations

import copy
import datetime
import json
import logging
from typing import Any

from uvicorn.config import LOGGING_CONFIG

__all__ = ["FORMATS", "JsonFormatter", "TextFormatter", "log_config"]

FORMATS = ("text", "json")
FIELDS = ("session", "client", "route", "method", "status", "duration_ms")  # the events' own fields


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update({name: getattr(record, name) for name in FIELDS if getattr(record, name, None) is not None})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """uvicorn's look (``LEVEL:     message``), the event's fields appended as ``name=value``."""

    def format(self, record: logging.LogRecord) -> str:
        text = f"{record.levelname + ':':<10}{record.getMessage()}"
        fields = [
            f"{name}={getattr(record, name)}"
            for name in ("session", "client")
            if getattr(record, name, None) is not None
        ]
        if fields:
            text += "  " + " ".join(fields)
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return text


def log_config(format: str = "text") -> dict[str, Any]:
    """uvicorn's logging config with ours: the app's loggers (playground.*) beside uvicorn's,
    every line through one formatter, and uvicorn's own access lines left out (ours have
    the route's template and the duration: app/web/observe.py)."""
    if format not in FORMATS:
        raise ValueError(f"PLAYGROUND_LOG_FORMAT: expected one of {', '.join(FORMATS)}, got {format!r}")
    config = copy.deepcopy(LOGGING_CONFIG)
    formatter = JsonFormatter if format == "json" else TextFormatter
    config["formatters"] = {"line": {"()": f"{formatter.__module__}.{formatter.__qualname__}"}}
    for handler in config["handlers"].values():
        handler["formatter"] = "line"
    config["loggers"]["playground"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    config["loggers"]["uvicorn.access"] = {"handlers": [], "level": "WARNING", "propagate": False}
    return config
