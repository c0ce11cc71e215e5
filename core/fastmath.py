"""tanh in float32 for the heatmap pass, written so that loops over it vectorise.

``math.tanh`` is a call into the C library per value (about 18 ns here),
which no compiler can vectorise; a 6 x 8 network's heatmaps need half a
million of them per frame.  A heatmap cell is one byte (1/127 of the
range), so float32 is ample there: this version has no calls, no table and
no branches a loop cannot turn into selects, so LLVM runs it on 8 or 16
values at once.

tanh|x| = (1 − e)/(1 + e) with e = exp(−2|x|) in (0, 1], where exp(y) =
2ⁿ·exp(r), n = round(y/ln 2), |r| <= ln 2 / 2, exp(r) by its Taylor series,
and 2ⁿ built from its exponent bits.  Its absolute error is a few units of
2⁻²⁴ (a test measures it).  Training and the displayed losses never use it:
their numbers follow the C library's tanh to the last bit, as the
original's do (the 6 x 8 spiral is chaotic).
"""

from __future__ import annotations

import math

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

__all__ = ["tanh32"]


# exp(r) to r⁷ (|r| <= ln 2 / 2: the rest is below 2⁻²⁸); tanh is ±1 in
# float32 past |x| = 9.1, so y is clamped to −20.
E32 = tuple(np.float32(1.0 / math.factorial(k)) for k in range(8))
LN2_HI32 = np.float32(float.fromhex("0x1.62e400p-1"))  # n·LN2_HI32 is exact for |n| < 2⁸
LN2_LO32 = np.float32(math.log(2) - float.fromhex("0x1.62e400p-1"))
INV_LN2_32 = np.float32(1.4426950408889634)
HALF32, ONE32, MINUS_TWO32, CLAMP32 = np.float32(0.5), np.float32(1.0), np.float32(-2.0), np.float32(-20.0)


@intrinsic
def _as_float32(typingctx, bits):  # type: ignore[no-untyped-def]
    """The float32 whose IEEE bits are the int32 ``bits``."""
    if not isinstance(bits, types.Integer):
        return None

    def codegen(context, builder, signature, args):  # type: ignore[no-untyped-def]
        return builder.bitcast(args[0], ir.FloatType())

    return types.float32(types.int32), codegen


@njit(cache=True, nogil=True, inline="always", error_model="numpy")
def tanh32(x: float) -> float:
    """tanh of a float32, in float32 (absolute error a few units of 2⁻²⁴)."""
    ax = abs(x)
    y = max(MINUS_TWO32 * ax, CLAMP32)
    n = np.floor(y * INV_LN2_32 + HALF32)
    r = (y - n * LN2_HI32) - n * LN2_LO32
    q = E32[7]
    q = E32[6] + r * q
    q = E32[5] + r * q
    q = E32[4] + r * q
    q = E32[3] + r * q
    q = E32[2] + r * q
    q = E32[1] + r * q
    q = E32[0] + r * q
    scale: float = _as_float32(np.int32((np.int32(n) + np.int32(127)) << np.int32(23)))  # type: ignore[call-arg]
    e = q * scale
    t = (ONE32 - e) / (ONE32 + e)
    t = t if x == x else x
    return np.float32(math.copysign(t, x))
