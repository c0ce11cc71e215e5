"""The decision boundary as a figure for slides: the heatmap with axes, tick
labels, the points, a legend and a caption, as SVG or as a PNG.

Both formats share one layout (``Layout``) and one catalogue of words, so
they show the same thing; the PNG's text is drawn with Pillow's bundled
font, which has no Hangul, so Korean words are for SVG only.
"""

from __future__ import annotations

import base64
import math
from dataclasses import dataclass
from functools import lru_cache
from xml.sax.saxutils import escape

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from app.output import raster
from core.boundary import DOMAIN

__all__ = ["Figure", "LANGUAGES", "svg", "png"]

# The legend's and caption's words, one catalogue per language (docs/api.md lists `lang`).
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "train": "training data",
        "test": "test data",
        "epoch": "Epoch",
        "loss_train": "Training loss",
        "loss_test": "Test loss",
    },
    "ko": {  # spec/korean.md's terms
        "train": "훈련 데이터",
        "test": "테스트 데이터",
        "epoch": "에포크",
        "loss_train": "훈련 손실",
        "loss_test": "테스트 손실",
    },
}
LANGUAGES = tuple(WORDS)
TICKS = tuple(range(-6, 7, 2))  # plane units on both axes
INK = (0x33, 0x33, 0x33)
AXIS = (0x99, 0x99, 0x99)
FONT_SIZE = 13
MINUS = "\u2212"  # the typographic minus, as the page writes it


@dataclass(frozen=True)
class Figure:
    """What one picture shows."""

    grid: np.ndarray  # (n, n) values on the label scale; row 0 is y = +6
    train: np.ndarray  # (k, 3) points drawn with a white outline, or (0, 3)
    test: np.ndarray  # (m, 3) points drawn with a black outline, or (0, 3)
    discretize: bool
    epoch: int
    loss_train: float
    loss_test: float
    size: int  # the plot's side in pixels
    lang: str = "en"

    @property
    def words(self) -> dict[str, str]:
        return WORDS[self.lang]

    @property
    def radius(self) -> float:
        return max(1.5, 3 * self.size / 260)


@dataclass(frozen=True)
class Layout:
    """Where everything goes, in pixels; the plot is a square of side ``size`` at (left, top)."""

    size: int
    left: int = 46
    top: int = 30
    right: int = 18
    below: int = 100  # tick labels, the axis name, the colour bar, the point markers

    @property
    def width(self) -> int:
        return self.left + self.size + self.right

    @property
    def height(self) -> int:
        return self.top + self.size + self.below

    def x(self, value: float) -> float:
        return self.left + (value + DOMAIN) / (2 * DOMAIN) * self.size

    def y(self, value: float) -> float:
        return self.top + (DOMAIN - value) / (2 * DOMAIN) * self.size

    @property
    def legend_y(self) -> int:
        return self.top + self.size + 44

    @property
    def markers_y(self) -> int:
        return self.legend_y + 38


def _text_width(text: str) -> float:
    """A generous estimate of the text's width at FONT_SIZE (wide for Hangul and CJK)."""
    return sum(FONT_SIZE if ord(c) >= 0x1100 else 0.6 * FONT_SIZE for c in text)


def _number(value: float) -> str:
    return "NaN" if math.isnan(value) else f"{value:.3f}"


def _tick(value: float, minus: str = MINUS) -> str:
    return f"{value:g}".replace("-", minus)


def caption(figure: Figure) -> str:
    w = figure.words
    return (
        f"{w['epoch']} {figure.epoch:,}   {w['loss_train']} {_number(figure.loss_train)}   "
        f"{w['loss_test']} {_number(figure.loss_test)}"
    )


def _heatmap(figure: Figure, with_points: bool) -> np.ndarray:
    image = raster.colorize(figure.grid, figure.discretize)
    if with_points:
        scale = figure.grid.shape[0] / figure.size  # points are drawn at the heatmap's resolution
        raster.draw_points(image, figure.train, (255, 255, 255), figure.radius * scale)
        raster.draw_points(image, figure.test, (0, 0, 0), figure.radius * scale)
    return image


def _colour(label: float) -> str:
    shade = int(np.clip(np.floor((np.clip(label, -1, 1) + 1) / 2 * raster.SHADES), 0, raster.SHADES - 1))
    r, g, b = raster.palette()[shade]
    return f"#{r:02x}{g:02x}{b:02x}"


def _bar(width: int) -> np.ndarray:
    """(1, width, 3): the colour scale from −1 (left) to +1 (right), blended as the heatmap is."""
    return raster.colorize(np.linspace(-1.0, 1.0, width)[None, :])


# -- SVG ----------------------------------------------------------------------------


def svg(figure: Figure) -> str:
    """The figure as a standalone SVG document (the heatmap embedded as a PNG, everything else vector)."""
    lay = Layout(figure.size)
    heat = base64.b64encode(raster.encode_png(_heatmap(figure, with_points=False))).decode()
    bar = base64.b64encode(raster.encode_png(_bar(160))).decode()
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{lay.width}" height="{lay.height}" '
        f'viewBox="0 0 {lay.width} {lay.height}" font-family="Roboto, Helvetica, Arial, sans-serif" '
        f'font-size="{FONT_SIZE}" fill="#333">',
        f'<rect width="{lay.width}" height="{lay.height}" fill="#fff"/>',
        f'<text x="{lay.left}" y="{lay.top - 10}" style="white-space: pre">{escape(caption(figure))}</text>',
        f'<image x="{lay.left}" y="{lay.top}" width="{lay.size}" height="{lay.size}" preserveAspectRatio="none" '
        f'href="data:image/png;base64,{heat}"/>',
        '<g class="points">',
    ]
    for points, stroke in ((figure.train, "#fff"), (figure.test, "#000")):
        for x, y, label in points.tolist():
            out.append(
                f'<circle cx="{lay.x(x):.2f}" cy="{lay.y(y):.2f}" r="{figure.radius:.2f}" '
                f'fill="{_colour(label)}" stroke="{stroke}"/>'
            )
    out.append("</g>")
    bottom, left = lay.top + lay.size, lay.left
    out.append(
        f'<g class="axes" stroke="#999"><rect x="{left}" y="{lay.top}" width="{lay.size}" '
        f'height="{lay.size}" fill="none"/>'
    )
    for t in TICKS:
        out.append(f'<line x1="{lay.x(t):.2f}" y1="{bottom}" x2="{lay.x(t):.2f}" y2="{bottom + 5}"/>')
        out.append(f'<line x1="{left - 5}" y1="{lay.y(t):.2f}" x2="{left}" y2="{lay.y(t):.2f}"/>')
    out.append("</g>")
    for t in TICKS:
        out.append(f'<text x="{lay.x(t):.2f}" y="{bottom + 18}" text-anchor="middle">{_tick(t)}</text>')
        out.append(f'<text x="{left - 8}" y="{lay.y(t) + 4:.2f}" text-anchor="end">{_tick(t)}</text>')
    out.append(f'<text x="{left + lay.size / 2:.1f}" y="{bottom + 34}" text-anchor="middle">X₁</text>')
    out.append(f'<text x="{left - 30}" y="{lay.top - 10}" text-anchor="start">X₂</text>')
    out.extend(_svg_legend(figure, lay, bar))
    out.append("</svg>")
    return "\n".join(out)


def _svg_legend(figure: Figure, lay: Layout, bar: str) -> list[str]:
    y, x = lay.legend_y, lay.left
    out = [
        '<g class="legend">',
        f'<image x="{x}" y="{y}" width="160" height="10" preserveAspectRatio="none" '
        f'href="data:image/png;base64,{bar}"/>',
        f'<rect x="{x}" y="{y}" width="160" height="10" fill="none" stroke="#999"/>',
    ]
    for value, anchor in ((-1, "start"), (0, "middle"), (1, "end")):
        out.append(f'<text x="{x + (value + 1) * 80}" y="{y + 24}" text-anchor="{anchor}">{_tick(value)}</text>')
    mx, my = x + 8, lay.markers_y
    for kind, stroke in (("train", "#fff"), ("test", "#000")):
        if (figure.train if kind == "train" else figure.test).shape[0] == 0:
            continue
        out.append(f'<rect x="{mx - 8}" y="{my - 9}" width="16" height="18" fill="#c7c9ca"/>')
        out.append(f'<circle cx="{mx}" cy="{my}" r="4" fill="{_colour(1.0)}" stroke="{stroke}"/>')
        out.append(f'<text x="{mx + 14}" y="{my + 5}">{escape(figure.words[kind])}</text>')
        mx += 40 + round(_text_width(figure.words[kind]))
    out.append("</g>")
    return out


# -- PNG ----------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _font() -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=FONT_SIZE)


def png(figure: Figure) -> bytes:
    """The figure as a PNG, drawn at the plot's pixel size (the heatmap one cell per pixel)."""
    if figure.lang != "en":
        raise ValueError("the PNG's font has no Hangul: use SVG for other languages")
    lay = Layout(figure.size)
    canvas = Image.new("RGB", (lay.width, lay.height), "white")
    canvas.paste(Image.fromarray(_heatmap(figure, with_points=True)), (lay.left, lay.top))
    draw = ImageDraw.Draw(canvas)
    font = _font()
    bottom, left = lay.top + lay.size, lay.left
    draw.text((left, lay.top - 22), caption(figure), fill=INK, font=font)
    draw.rectangle((left - 1, lay.top - 1, left + lay.size, bottom), outline=AXIS)
    for t in TICKS:
        px, py = round(lay.x(t)), round(lay.y(t))
        draw.line((px, bottom, px, bottom + 5), fill=AXIS)
        draw.line((left - 6, py, left - 1, py), fill=AXIS)
        draw.text((px, bottom + 7), _tick(t, "-"), fill=INK, font=font, anchor="mt")
        draw.text((left - 9, py), _tick(t, "-"), fill=INK, font=font, anchor="rm")
    # the bundled font has neither subscripts nor the typographic minus
    draw.text((left + lay.size // 2, bottom + 24), "X1", fill=INK, font=font, anchor="mt")
    draw.text((left - 30, lay.top - 22), "X2", fill=INK, font=font)
    y = lay.legend_y
    canvas.paste(Image.fromarray(np.repeat(_bar(160), 10, axis=0)), (left, y))
    draw.rectangle((left - 1, y - 1, left + 160, y + 10), outline=AXIS)
    for value, anchor in ((-1, "lt"), (0, "mt"), (1, "rt")):
        draw.text((left + (value + 1) * 80, y + 13), _tick(value, "-"), fill=INK, font=font, anchor=anchor)
    mx, my = left + 8, lay.markers_y
    for kind, outline, points in (("train", "white", figure.train), ("test", "black", figure.test)):
        if points.shape[0] == 0:
            continue
        draw.rectangle((mx - 8, my - 9, mx + 8, my + 9), fill=(0xC7, 0xC9, 0xCA))
        draw.ellipse((mx - 4, my - 4, mx + 4, my + 4), fill=_colour(1.0), outline=outline)
        draw.text((mx + 14, my), figure.words[kind], fill=INK, font=font, anchor="lm")
        mx += 40 + int(draw.textlength(figure.words[kind], font=font))
    return raster.encode_png(np.asarray(canvas))
