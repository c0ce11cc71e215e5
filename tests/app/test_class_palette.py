"""The classes' colours stay apart for readers who see colours differently
(issue 19): the palette, read from static/js/classcolors.js (the one place
it lives), is simulated under protanopia, deuteranopia and tritanopia and the
smallest difference between two of its colours is kept above a bound.

- Simulation: Machado, Oliveira and Fernandes (2009), "A Physiologically-based
  Model for Simulation of Color Vision Deficiency", the matrices of severity
  1.0, applied to linear RGB (sRGB decoded, IEC 61966-2-1).
- Difference: CIEDE2000 (Sharma, Wu and Dalal 2005) in CIELAB with the D65
  white; the implementation is checked against pairs of Sharma's published
  test data first.
"""

from __future__ import annotations

import itertools
import math
import re
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]

# Machado et al. 2009, Table: severity 1.0.
MACHADO = {
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
}
# The palette's smallest CIEDE2000 difference under each simulation, measured
# when this test was written: tritanopia 9.80 (orange / reddish purple),
# protanopia 11.55 (blue / reddish purple), deuteranopia 12.25 (orange /
# vermillion); 38.6 and more between the first four with normal vision.
# Points also differ in shape from three classes on (static/js/shapes.js), so
# colour is never the only cue; the bound keeps any change of palette from
# bringing two classes closer than the Okabe–Ito colours are.
LEAST_DIFFERENCE = 9.5
LEAST_NORMAL = 15.0


def palette() -> list[tuple[int, int, int]]:
    """CLASS_COLORS as classcolors.js writes it: rows of [0xrr, 0xgg, 0xbb]."""
    text = (ROOT / "static" / "js" / "classcolors.js").read_text(encoding="utf-8")
    block = re.search(r"export const CLASS_COLORS = \[(.*?)\];", text, re.S)
    assert block, "classcolors.js keeps the palette in CLASS_COLORS"
    rows = re.findall(r"\[\s*(0x[0-9a-fA-F]{2}),\s*(0x[0-9a-fA-F]{2}),\s*(0x[0-9a-fA-F]{2})\s*\]", block.group(1))
    return [(int(r, 16), int(g, 16), int(b, 16)) for r, g, b in rows]


def linear(rgb: tuple[int, int, int]) -> np.ndarray:
    c = np.asarray(rgb, dtype=float) / 255
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def lab_of_linear(rgb: np.ndarray) -> tuple[float, float, float]:
    """Linear sRGB -> CIELAB (D65)."""
    xyz = np.array(
        [[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750], [0.0193339, 0.1191920, 0.9503041]]
    ) @ np.clip(rgb, 0, 1)
    t = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return (116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2]))


def ciede2000(lab1: tuple[float, float, float], lab2: tuple[float, float, float]) -> float:
    """ΔE00 with kL = kC = kH = 1, written from Sharma, Wu and Dalal (2005), eqs. 1-22."""
    (l1, a1, b1), (l2, a2, b2) = lab1, lab2
    c_mean = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_mean**7 / (c_mean**7 + 25**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = math.degrees(math.atan2(b2, a2p)) % 360 if c2p else 0.0
    dl, dc = l2 - l1, c2p - c1p
    dh = 0.0
    if c1p * c2p:
        dh = h2p - h1p
        dh = dh - 360 if dh > 180 else dh + 360 if dh < -180 else dh
    dh_big = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dh / 2))
    l_mean, cp_mean = (l1 + l2) / 2, (c1p + c2p) / 2
    if c1p * c2p == 0:
        h_mean = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        h_mean = (h1p + h2p) / 2
    else:
        h_mean = (h1p + h2p + 360) / 2 if h1p + h2p < 360 else (h1p + h2p - 360) / 2
    t = (
        1
        - 0.17 * math.cos(math.radians(h_mean - 30))
        + 0.24 * math.cos(math.radians(2 * h_mean))
        + 0.32 * math.cos(math.radians(3 * h_mean + 6))
        - 0.20 * math.cos(math.radians(4 * h_mean - 63))
    )
    d_theta = 30 * math.exp(-(((h_mean - 275) / 25) ** 2))
    r_c = 2 * math.sqrt(cp_mean**7 / (cp_mean**7 + 25**7))
    s_l = 1 + 0.015 * (l_mean - 50) ** 2 / math.sqrt(20 + (l_mean - 50) ** 2)
    s_c = 1 + 0.045 * cp_mean
    s_h = 1 + 0.015 * cp_mean * t
    r_t = -math.sin(math.radians(2 * d_theta)) * r_c
    return math.sqrt((dl / s_l) ** 2 + (dc / s_c) ** 2 + (dh_big / s_h) ** 2 + r_t * (dc / s_c) * (dh_big / s_h))


# Pairs of Sharma, Wu and Dalal's test data (their Table 1) with ΔE00.
SHARMA = [
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, 3.1571, -77.2803), (50.0, 0.0, -82.7485), 2.8615),
    ((50.0, 2.8361, -74.0200), (50.0, 0.0, -82.7485), 3.4412),
    ((50.0, -1.3802, -84.2814), (50.0, 0.0, -82.7485), 1.0000),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((50.0, 2.5, 0.0), (61.0, -5.0, 29.0), 22.8977),
]


@pytest.mark.parametrize(("lab1", "lab2", "expected"), SHARMA)
def test_ciede2000_matches_sharmas_published_pairs(lab1, lab2, expected) -> None:
    assert ciede2000(lab1, lab2) == pytest.approx(expected, abs=1e-4)
    assert ciede2000(lab2, lab1) == pytest.approx(expected, abs=1e-4)


def test_machado_matrices_keep_white_and_grey() -> None:
    """Each simulation maps achromatic colours to themselves (rows sum to 1)."""
    for name, matrix in MACHADO.items():
        assert np.asarray(matrix).sum(axis=1) == pytest.approx([1, 1, 1], abs=2e-6), name


def smallest_difference(colours: list[tuple[int, int, int]], matrix: list[list[float]]) -> tuple[float, int, int]:
    labs = [lab_of_linear(np.asarray(matrix) @ linear(c)) for c in colours]
    return min((ciede2000(labs[i], labs[j]), i, j) for i, j in itertools.combinations(range(len(labs)), 2))


def test_palette_is_read_from_classcolors_js() -> None:
    colours = palette()
    assert len(colours) == 6
    assert colours[:2] == [(0xF5, 0x93, 0x22), (0x08, 0x77, 0xBD)], "the original's orange and blue come first"


@pytest.mark.parametrize("deficiency", sorted(MACHADO))
def test_class_colours_stay_apart_under_colour_vision_deficiency(deficiency) -> None:
    least, i, j = smallest_difference(palette(), MACHADO[deficiency])
    assert least >= LEAST_DIFFERENCE, f"{deficiency}: classes {i} and {j} differ by ΔE00 {least:.2f}"


def test_class_colours_stay_apart_for_normal_vision() -> None:
    least, i, j = smallest_difference(palette(), np.eye(3).tolist())
    assert least >= LEAST_NORMAL, f"classes {i} and {j} differ by ΔE00 {least:.2f}"


def test_a_palette_with_lookalikes_fails_the_bound() -> None:
    """The check can fail: green and a red of the same lightness, under deuteranopia."""
    least, _, _ = smallest_difference([(0x3A, 0x9A, 0x3A), (0xB0, 0x70, 0x30)], MACHADO["deuteranopia"])
    assert least < LEAST_DIFFERENCE
