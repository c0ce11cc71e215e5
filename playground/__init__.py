"""Playground for notebooks and scripts.

Two ways in, one import:

- the NumPy core, to train networks in your own process (``Session``,
  ``PlaygroundConfig``, the registries of data sets, features and activations);
- a client for a running server (``Playground``), to create and drive sessions
  that pages and students watch.  It needs httpx (``pip install
  'playground[client]'``); tqdm shows progress and pandas gives data frames
  when they are installed.

See docs/notebook.md for a walk through both.
"""

from __future__ import annotations

from typing import Any

from core import PlaygroundConfig, Session
from core.activations import ACTIVATIONS, LOSSES, REGULARIZERS
from core.boundary import grid_axes
from core.config import LECTURE_PRESET
from core.datasets import CLASSIFICATION_DATASETS, DATASETS, REGRESSION_DATASETS
from core.errors import InvalidValue
from core.features import FEATURES
from core.fields import PROBLEMS
from core.modelcode import model_source
from core.network import Network
from core.points import parse_csv, to_csv
from core.rng import SeedRandom
from core.scenarios import SCENARIOS

__all__ = [
    # the core
    "PlaygroundConfig",
    "Session",
    "Network",
    "SeedRandom",
    "InvalidValue",
    "DATASETS",
    "CLASSIFICATION_DATASETS",
    "REGRESSION_DATASETS",
    "FEATURES",
    "ACTIVATIONS",
    "REGULARIZERS",
    "LOSSES",
    "PROBLEMS",
    "SCENARIOS",
    "LECTURE_PRESET",
    "grid_axes",
    "model_source",
    "parse_csv",
    "to_csv",
    # the client (needs httpx)
    "Playground",
    "RemoteSession",
    "PlaygroundError",
    "InvalidRequest",
    "Unauthorized",
    "NotFound",
    "Conflict",
    "ServerBusy",
    "RateLimited",
    "ConnectionFailed",
]

_CLIENT_NAMES = frozenset(__all__[__all__.index("Playground") :])


def __getattr__(name: str) -> Any:
    """The client's names, imported on first use so that the core works without httpx."""
    if name in _CLIENT_NAMES:
        try:
            from playground import client
        except ModuleNotFoundError as exc:  # httpx is the client's one requirement
            raise ImportError(f"playground.{name} needs httpx: pip install 'playground[client]' ({exc})") from exc
        return getattr(client, name)
    raise AttributeError(f"module 'playground' has no attribute {name!r}")
