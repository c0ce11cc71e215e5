"""JavaScript's number <-> string rules, as the original's URL hash uses them."""

from __future__ import annotations

import math
import re
from decimal import Decimal

__all__ = ["js_number_str", "js_parse_number"]

# ASCII digits only: Python's \d (and float()) also take other scripts' digits, JavaScript reads those as NaN.
_DECIMAL = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")


def js_number_str(value: float) -> str:
    """``String(value)`` in JavaScript (ECMAScript Number::toString)."""
    value = float(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    # repr gives the shortest digits that round-trip, as JavaScript does.
    _, digit_tuple, exponent = Decimal(repr(abs(value))).as_tuple()
    digits = "".join(map(str, digit_tuple)).rstrip("0") or "0"
    assert isinstance(exponent, int)
    k = len(digits)
    n = exponent + len(digit_tuple)  # value = 0.digits * 10**n
    if k <= n <= 21:
        body = digits + "0" * (n - k)
    elif 0 < n <= 21:
        body = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        body = "0." + "0" * (-n) + digits
    else:
        e = n - 1
        mantissa = digits if k == 1 else digits[0] + "." + digits[1:]
        body = f"{mantissa}e{'+' if e > 0 else '-'}{abs(e)}"
    return sign + body


def js_parse_number(text: str) -> float:
    """``+text`` for decimal literals; anything else is not a number here.

    Raises ValueError for text that JavaScript would turn into NaN (and for
    its rarer hex/octal/binary/Infinity forms, which no playground link uses).
    """
    stripped = text.strip()
    if not _DECIMAL.fullmatch(stripped):
        raise ValueError(f"{text!r} is not a number")
    return float(stripped)
