"""Fit the rational tanh of core/picture_pass.py and print its coefficients.

tanh(x) / x ≈ P(t) / Q(t), t = x², on [0, 9] (P of degree 4, Q of degree 3
with Q(0) = 1): a linearised least-squares fit, repeated with each round's
Q as the divisor (so that it fits P/Q, not P − f·Q) and with Lawson's
weights (each point's weight times its error), which move the fit towards
the smallest largest error.  Prints the coefficients and the largest error
against NumPy's float64 tanh, in float64 and evaluated in float32.

    python scripts/fit_tanh32.py
"""

from __future__ import annotations

import numpy as np

LIMIT, P_DEGREE, Q_DEGREE, ROUNDS = 9.0, 4, 3, 60


def fit() -> tuple[np.ndarray, np.ndarray, float]:
    x = np.linspace(1e-6, LIMIT, 200_001)
    t, f = x * x, np.tanh(x) / x
    weights, divisor = np.ones_like(x), np.ones_like(x)
    for _ in range(ROUNDS):
        columns = np.hstack(
            [
                np.vander(t, P_DEGREE + 1, increasing=True),
                -f[:, None] * np.vander(t, Q_DEGREE + 1, increasing=True)[:, 1:],
            ]
        )
        scale = np.sqrt(weights) / divisor
        coef = np.linalg.lstsq(columns * scale[:, None], f * scale, rcond=None)[0]
        p, q = coef[: P_DEGREE + 1], np.r_[1.0, coef[P_DEGREE + 1 :]]
        divisor = np.polyval(q[::-1], t)
        error = np.abs(x * np.polyval(p[::-1], t) / divisor - np.tanh(x))
        weights = weights * (error + 1e-30)
        weights /= weights.sum()
    return p, q, float(error.max())


def main() -> None:
    p, q, error = fit()
    print("P =", tuple(p.tolist()))
    print("Q =", tuple(q.tolist()))
    print(f"largest error on [0, {LIMIT}], float64: {error:.3g}")
    x = np.linspace(-12, 12, 2_000_001).astype(np.float32)
    c = np.clip(x, np.float32(-LIMIT), np.float32(LIMIT))
    t = c * c
    p32 = np.float32(0)
    for coefficient in p[::-1].astype(np.float32):
        p32 = p32 * t + coefficient
    q32 = np.float32(0)
    for coefficient in q[::-1].astype(np.float32):
        q32 = q32 * t + coefficient
    approx = np.clip(c * p32 / q32, -1, 1)
    print(f"largest error on [-12, 12], float32: {np.abs(approx - np.tanh(x.astype(np.float64))).max():.3g}")


if __name__ == "__main__":
    main()
