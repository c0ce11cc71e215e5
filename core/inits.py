"""How a new network's weights are drawn: the schemes the ``init`` field names.

Each scheme draws one value per link from the session's stream (two or more
for "normal"), layer by layer, then destination node, then source node, as
the original does; ``initial_ranges`` says per layer what it draws from.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import Any

from core.errors import InvalidValue
from core.rng import SeedRandom

__all__ = ["INITS", "draw", "initial_ranges"]

# "equal" draws as "uniform" and then every weight and bias is one value (Network.build):
# the original's initZero is "equal" with 0, and the stream continues as there.
INITS = ("uniform", "lecture", "normal", "wide", "equal")


def draw(rng: SeedRandom, scheme: str, fan_in: int) -> float:
    if scheme in ("uniform", "equal"):  # the original: r - 0.5, i.e. U(-0.5, 0.5)
        return rng.random() - 0.5
    if scheme == "wide":  # U(-1, 1) whatever the fan-in: the slide's "-1.0 to 1.0"
        return 2 * rng.random() - 1
    bound = 1 / math.sqrt(fan_in)
    if scheme == "lecture":  # U(-1/sqrt(fan-in), +1/sqrt(fan-in))
        return (2 * rng.random() - 1) * bound
    # "normal": the book's N(0, 1/fan-in), by the same polar method as gauss data
    while True:
        v1 = 2 * rng.random() - 1
        v2 = 2 * rng.random() - 1
        s = v1 * v1 + v2 * v2
        if 0 < s <= 1:
            return math.sqrt(-2 * math.log(s) / s) * v1 * bound


def initial_ranges(sizes: Sequence[int], init: str, value: float = 0.0) -> list[dict[str, Any]]:
    """See ``_ranges``; a fresh copy of the answer, computed once per network shape and scheme."""
    return [dict(entry) for entry in _ranges(tuple(sizes), init, value)]


@functools.lru_cache(maxsize=256)
def _ranges(sizes: tuple[int, ...], init: str, value: float = 0.0) -> tuple[dict[str, Any], ...]:
    """What each weight layer's initial weights are drawn from, for the page and the explainer.

    Per layer: ``fan_in`` (n, the links into each node), ``bound`` 1/√n (the lecture's
    range ±1/√n, whichever scheme is in use), and the scheme's own ``low`` / ``high`` (the
    range it draws from; ``std`` instead for "normal"; ``value`` twice for "equal")."""
    if init not in INITS:
        raise InvalidValue("init", f"unknown scheme {init!r}; allowed: {', '.join(INITS)}")
    ranges = []
    for layer, fan_in in enumerate(int(n) for n in sizes[:-1]):
        bound = 1 / math.sqrt(fan_in) if fan_in else math.inf
        entry: dict[str, Any] = {
            "layer": layer,
            "fan_in": fan_in,
            "bound": bound,
            "scheme": init,
            "low": None,
            "high": None,
            "std": None,
        }
        if init == "normal":
            entry["std"] = bound
        else:
            half = {"uniform": 0.5, "wide": 1.0, "lecture": bound}.get(init)
            entry["low"], entry["high"] = (-half, half) if half is not None else (value, value)
        ranges.append(entry)
    return tuple(ranges)
