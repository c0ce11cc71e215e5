// Sub- and superscripts as markup. The server and the formats write symbols
// with Unicode's subscript and superscript characters (X₁², w₁₁, 1.2×10⁻⁵);
// many Korean fonts have none of them (Debian's Nanum draws subscript digits
// as commas), and screen readers read "X₁²" as "X12". Everything the page
// shows goes through here: <sub>/<sup> in HTML, shifted <tspan>s in SVG.
// What a screen reader should say for a feature is a message of its own
// (speech.feature.<name>: "x one squared").

import { t } from "./i18n.js";
import { svgEl } from "./svg.js";

const SUB = { "\u2080": "0", "\u2081": "1", "\u2082": "2", "\u2083": "3", "\u2084": "4", "\u2085": "5", "\u2086": "6",
  "\u2087": "7", "\u2088": "8", "\u2089": "9", "\u1d62": "i", "\u2c7c": "j", "\u2096": "k" };
const SUP = { "\u2070": "0", "\u00b9": "1", "\u00b2": "2", "\u00b3": "3", "\u2074": "4", "\u2075": "5", "\u2076": "6",
  "\u2077": "7", "\u2078": "8", "\u2079": "9", "\u207b": "\u2212" };

/** "X₁²" -> [["X", ""], ["1", "sub"], ["2", "sup"]]: runs of plain, sub and sup text. */
export function scriptRuns(text) {
  const runs = [];
  for (const ch of String(text)) {
    const kind = SUB[ch] ? "sub" : SUP[ch] ? "sup" : "";
    const plain = kind === "sub" ? SUB[ch] : kind === "sup" ? SUP[ch] : ch;
    const last = runs[runs.length - 1];
    if (last && last[1] === kind) last[0] += plain;
    else runs.push([plain, kind]);
  }
  return runs;
}

/** HTML nodes for a text with Unicode sub- and superscripts. */
export function scriptNodes(text) {
  return scriptRuns(text).map(([run, kind]) => {
    if (!kind) return document.createTextNode(run);
    const el = document.createElement(kind);
    el.textContent = run;
    return el;
  });
}

/** A symbol (a feature's name, X₁ = 0.12) as a span.sym with real sub- and superscripts. */
export function symbolSpan(text) {
  const span = document.createElement("span");
  span.className = "sym";
  span.append(...scriptNodes(text));
  return span;
}

/** Put `text` into an SVG <text> as tspans, sub- and superscripts shifted and smaller. */
export function svgScripts(textEl, text) {
  textEl.replaceChildren();
  for (const [run, kind] of scriptRuns(text)) {
    const attrs = kind ? { class: kind, "baseline-shift": kind === "sub" ? "sub" : "super", "font-size": "75%" } : {};
    svgEl("tspan", attrs, textEl).textContent = run;
  }
}

/** Plain text for a tooltip (a title attribute cannot hold markup): 10^54, w11. */
export function plainScripts(text) {
  return scriptRuns(text).map(([run, kind]) => (kind === "sup" ? `^${run}` : run)).join("");
}

/** What a screen reader says for a feature ("x one squared"). */
export function spokenFeature(name) {
  return t(`speech.feature.${name}`);
}
