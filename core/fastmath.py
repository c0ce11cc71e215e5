"""tanh for the compiled loss and heatmap passes, written so that loops over
it vectorise.

``math.tanh`` is a call into the C library per value (about 18 ns here),
which no compiler can vectorise; the losses after every epoch made it most
of an epoch's time.  This version has no calls, no table and no branches a
loop cannot turn into selects, so LLVM runs it on 4 or 8 values at once.

tanh|x| = (1 − e)/(1 + e) with e = exp(−2|x|) in (0, 1], where exp(y) =
2ⁿ·exp(r), n = round(y/ln 2), |r| <= ln 2 / 2, exp(r) by its Taylor series
to r¹³, and 2ⁿ built from its exponent bits (y is clamped to −45, past which
tanh is ±1 in double precision).  Its absolute error is a few units of
2⁻⁵³ (a test measures it): fine for a mean loss or a heatmap, not for
training, whose numbers must follow the C library's tanh to the last bit
(the original's 6 x 8 spiral is chaotic), so training keeps math.tanh.
"""

from __future__ import annotations

import math

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

__all__ = ["tanh", "tanh32"]


E = tuple(1.0 / math.factorial(k) for k in range(14))  # exp's Taylor coefficients
LN2_HI = float.fromhex("0x1.62e42fee00000p-1")  # ln 2 in two parts: n·LN2_HI is exact for |n| < 2¹¹
LN2_LO = float.fromhex("0x1.a39ef35793c76p-33")
INV_LN2 = 1.4426950408889634


@intrinsic
def _as_float(typingctx, bits):  # type: ignore[no-untyped-def]
    """The float64 whose IEEE bits are the int64 ``bits`` (a register move, so loops still vectorise)."""
    if not isinstance(bits, types.Integer):
        return None

    def codegen(context, builder, signature, args):  # type: ignore[no-untyped-def]
        return builder.bitcast(args[0], ir.DoubleType())

    return types.float64(types.int64), codegen


@njit(cache=True, nogil=True, inline="always", error_model="numpy")
def tanh(x: float) -> float:
    ax = abs(x)
    y = max(-2.0 * ax, -45.0)  # tanh|x| = (1 − e)/(1 + e), e = exp(y) in (0, 1]
    n = math.floor(y * INV_LN2 + 0.5)
    r = (y - n * LN2_HI) - n * LN2_LO
    q = E[13]
    q = E[12] + r * q
    q = E[11] + r * q
    q = E[10] + r * q
    q = E[9] + r * q
    q = E[8] + r * q
    q = E[7] + r * q
    q = E[6] + r * q
    q = E[5] + r * q
    q = E[4] + r * q
    q = E[3] + r * q
    q = E[2] + r * q
    q = E[1] + r * q
    q = E[0] + r * q
    scale: float = _as_float((int(n) + 1023) << 52)  # type: ignore[call-arg]  # 2ⁿ from its exponent bits (n: −65 .. 0)
    e = q * scale
    t = (1.0 - e) / (1.0 + e)
    t = t if x == x else x  # NaN stays NaN
    return math.copysign(t, x)


# -- single precision, for pictures ----------------------------------------------
# The same method in float32 (a heatmap cell is one byte): twice the values
# per vector instruction.  exp(r) to r⁷ (|r| <= ln 2 / 2: the rest is below
# 2⁻²⁸); tanh is ±1 in float32 past |x| = 9.1, so y is clamped to −20.
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
