"""What a person sees on a screen: sideways scrolling, the first screen,
the share of Hangul, and visible text that no catalogue holds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SCREENS = ROOT / "test-output" / "screenshots" / "screens"


def catalogue(lang: str) -> dict[str, str]:
    """The page's messages, read from the files the page and the server use."""
    messages: dict[str, str] = json.loads((ROOT / "static" / "i18n" / f"{lang}.json").read_text(encoding="utf-8"))
    return messages


# The visible text of the page, node by node: what a reader sees, minus
# formulas (MathML), code, symbols (.sym: feature names, X₁ = 0.12) and
# literal server text ([data-literal]: URLs, API error messages). A select
# shows its chosen option only.
VISIBLE_TEXT = r"""
() => {
  const skip = 'math, code, kbd, script, style, .sym, [data-literal], option, title';
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || el.closest(skip)) continue;
    const text = node.textContent.replace(/\s+/g, ' ').trim();
    if (!text) continue;
    if (!el.checkVisibility({ visibilityProperty: true })) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    out.push(text);
  }
  for (const select of document.querySelectorAll('select')) {
    if (select.checkVisibility({ visibilityProperty: true }) && select.selectedOptions[0]
        && !select.closest('.sym')) out.push(select.selectedOptions[0].textContent.trim());
  }
  return out;
}
"""

# Text that matches no message: each node must be a whole message (with its
# placeholders filled by anything), or a piece of one between placeholders
# (the page fills placeholders with numbers and formulas as their own nodes),
# or have no letters at all (numbers, signs).
UNCATALOGUED = r"""
([texts, messages]) => {
  const norm = (s) => s.replace(/\s+/g, ' ').trim();
  const pieces = [];
  const patterns = [];
  const tmp = document.createElement('div');
  for (const raw of Object.values(messages)) {
    tmp.innerHTML = raw; // messages with markup show their text
    const parts = norm(tmp.textContent).split(/\{\w+\}/);
    for (const piece of parts) if (norm(piece)) pieces.push(norm(piece));
    const escaped = parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    patterns.push(new RegExp('^' + escaped.join('.+?') + '$', 's'));
  }
  return texts.filter((t) => /\p{L}/u.test(t) && !pieces.some((p) => p.includes(t))
                           && !patterns.some((r) => r.test(t)));
}
"""


def visible_text(page: Any) -> list[str]:
    return list(page.evaluate(VISIBLE_TEXT))


def uncatalogued(page: Any, lang: str) -> list[str]:
    return list(page.evaluate(UNCATALOGUED, [visible_text(page), catalogue(lang)]))


def hangul_share(page: Any) -> tuple[float, int]:
    """Hangul syllables among the visible letters, and how many letters."""
    text = "".join(visible_text(page))
    letters = [ch for ch in text if ch.isalpha()]
    hangul = [ch for ch in letters if "\uac00" <= ch <= "\ud7a3" or "\u3131" <= ch <= "\u318e"]
    return (len(hangul) / len(letters) if letters else 0.0), len(letters)


def no_sideways_scroll(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def heatmap_box(page: Any) -> dict[str, float]:
    box: dict[str, float] = page.evaluate(
        "() => { const r = document.getElementById('heatmap').getBoundingClientRect();"
        " return {left: r.left, top: r.top + scrollY, right: r.right, bottom: r.bottom + scrollY, width: r.width,"
        " height: r.height, vw: innerWidth, vh: innerHeight}; }"
    )
    return box


def small_touch_targets(page: Any) -> list[str]:
    """Visible controls a finger must hit that are under 40 px either way
    (the diagram's links and nodes are pictures, tapped where they are drawn)."""
    return list(
        page.evaluate(
            """() => [...document.querySelectorAll('button, select, input, a[href], label.checkbox, .dataset')]
                 .filter((el) => el.checkVisibility({ visibilityProperty: true })
                                 && !el.closest('#network svg, dialog:not([open])'))
                 .map((el) => [el, el.getBoundingClientRect()])
                 .filter(([el, r]) => r.width > 0 && (r.width < 39.5 || r.height < 39.5))
                 .map(([el, r]) => `${el.tagName}#${el.id} ${Math.round(r.width)}x${Math.round(r.height)}`)"""
        )
    )
