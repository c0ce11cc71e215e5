"""The output heatmap as a picture (a PNG for slides), coloured like the page."""

from __future__ import annotations

import struct
import zlib

import numpy as np

from core.boundary import DOMAIN

__all__ = ["palette", "colorize", "encode_png", "draw_points"]

NEGATIVE = (0xF5, 0x93, 0x22)  # orange, -1
NEUTRAL = (0xE8, 0xEA, 0xEB)  # light grey, 0
POSITIVE = (0x08, 0x77, 0xBD)  # blue, +1
NAN_GREY = (0x99, 0x99, 0x99)
SHADES = 31  # the original quantises [-1, 1] to 31 colours
HEATMAP_ALPHA = 160 / 255  # the original draws its heatmap at this opacity


def palette(shades: int = SHADES) -> np.ndarray:
    """(shades, 3) uint8: -1 -> orange, 0 -> grey, +1 -> blue, linear in RGB."""
    t = np.linspace(0.0, 1.0, shades)[:, None]  # (shades, 1)
    low = np.array(NEGATIVE, float) * (1 - 2 * t) + np.array(NEUTRAL, float) * (2 * t)
    high = np.array(NEUTRAL, float) * (2 - 2 * t) + np.array(POSITIVE, float) * (2 * t - 1)
    colours: np.ndarray = np.rint(np.where(t <= 0.5, low, high)).astype(np.uint8)
    return colours


def colorize(values: np.ndarray, discretize: bool = False, background: int = 255) -> np.ndarray:
    """(h, w) values -> (h, w, 3) uint8, blended over a plain background as the page shows it."""
    with np.errstate(invalid="ignore"):
        if discretize:
            values = np.where(values >= 0, 1.0, np.where(np.isnan(values), np.nan, -1.0))
        index = np.floor((np.clip(values, -1, 1) + 1) / 2 * SHADES)
    nan = np.isnan(index)
    colours = palette()[np.clip(np.nan_to_num(index), 0, SHADES - 1).astype(int)].astype(float)
    colours[nan] = NAN_GREY
    blended = colours * HEATMAP_ALPHA + background * (1 - HEATMAP_ALPHA)
    image: np.ndarray = np.rint(blended).astype(np.uint8)
    return image


def draw_points(image: np.ndarray, points: np.ndarray, outline: tuple[int, int, int], radius: float) -> None:
    """Draw (x, y, label) points as discs coloured by label, with an outline, in place."""
    size = image.shape[0]
    colours = palette()
    for x, y, label in points:
        cx = (x + DOMAIN) / (2 * DOMAIN) * size
        cy = (DOMAIN - y) / (2 * DOMAIN) * size
        r0, r1 = int(max(cy - radius - 2, 0)), int(min(cy + radius + 2, size))
        c0, c1 = int(max(cx - radius - 2, 0)), int(min(cx + radius + 2, size))
        if r0 >= r1 or c0 >= c1:
            continue
        # Pixel centres of the patch only (a whole-image grid was 16 MB per picture).
        d = np.hypot(np.arange(c0, c1)[None, :] + 0.5 - cx, np.arange(r0, r1)[:, None] + 0.5 - cy)
        patch = image[r0:r1, c0:c1]
        patch[d <= radius + 1] = outline
        shade = int(np.clip(np.floor((np.clip(label, -1, 1) + 1) / 2 * SHADES), 0, SHADES - 1))
        patch[d <= radius] = colours[shade]


def encode_png(rgb: np.ndarray) -> bytes:
    """(h, w, 3) uint8 -> PNG bytes (8-bit RGB, no filtering), standard library only."""
    height, width, _ = rgb.shape
    rows = np.zeros((height, 1 + width * 3), dtype=np.uint8)  # filter byte 0 per row
    rows[:, 1:] = rgb.reshape(height, width * 3)

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows.tobytes(), 6))
        + chunk(b"IEND", b"")
    )
