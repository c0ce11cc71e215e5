// Formulas without a CDN: MathML Core (Chromium draws it natively) built
// with small helpers, and the number formats the lecture panel uses. Every
// number that comes from the server is written with `num`, which keeps the
// exact value and where it came from on the element (data-value,
// data-source) so a reader, or a test, can check it against the REST answer.

import { scriptNodes, scriptRuns } from "./symbols.js";

const MATH_NS = "http://www.w3.org/1998/Math/MathML";
const MINUS = "\u2212";

/** A MathML element; children are elements or strings (text). */
export function m(tag, ...children) {
  const el = document.createElementNS(MATH_NS, tag);
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return el;
}

export const mi = (text) => m("mi", text);
export const mo = (text) => m("mo", text);
export const mn = (text) => m("mn", text);
export const mrow = (...children) => m("mrow", ...children);
export const msub = (base, sub) => m("msub", typeof base === "string" ? mi(base) : base, typeof sub === "string" ? mn(sub) : sub);
export const frac = (top, bottom) => m("mfrac", top, bottom);
export const paren = (...children) => mrow(mo("("), ...children, mo(")"));

/** An inline <math> element. */
export function math(...children) {
  return m("math", ...children);
}

/** ∂E/∂<sym> as a fraction. */
export function partial(top, bottom) {
  return frac(mrow(mo("\u2202"), top), mrow(mo("\u2202"), bottom));
}

/** f′ as the lecture writes it for an activation (the slope's closed form). */
export function slopeFormula(activation, z) {
  // z appears twice in sigmoid's slope: each use gets its own copy of the node.
  const f = (x) => mrow(mi(activation), paren(x.cloneNode(true)));
  switch (activation) {
    case "sigmoid":
      return mrow(f(z), paren(mn("1"), mo(MINUS), f(z)));
    case "tanh":
      return mrow(mn("1"), mo(MINUS), m("msup", mi("tanh"), mn("2")), paren(z));
    case "relu":
      return mrow(mi("relu\u2032"), paren(z));
    default:
      return mn("1");
  }
}

// Huge and tiny numbers are written one way everywhere the page prints
// numbers: a mantissa of a few digits × 10ⁿ (never 1e+30, nor 31 digits).
const HUGE = 1e5;
const TINY = 1e-4;

/** Whether a number is written as mantissa × 10ⁿ. */
export function isScientific(value) {
  const a = Math.abs(value);
  return Number.isFinite(value) && a !== 0 && (a >= HUGE || a < TINY);
}

/** A number with `digits` significant digits, a real minus sign, and
 * 1.2×10⁻⁵ for huge and tiny ones. Non-finite values as the server names them. */
export function fmt(value, digits = 4) {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "\u221e" : `${MINUS}\u221e`;
  if (value === 0) return "0";
  if (isScientific(value)) {
    const [mantissa, exp] = value.toExponential(Math.max(0, digits - 1)).split("e");
    return `${mantissa.replace(/\.?0+$/, "")}\u00d710${superscript(exp.replace("+", ""))}`.replace("-", MINUS);
  }
  const text = value.toPrecision(digits);
  return (text.includes("e") ? value.toFixed(0) : text).replace("-", MINUS); // 12345.6 with 4 digits: 12346
}

/** Fixed decimals, enough to see a change of size `step` (three digits of
 * it at least): 2 − 0.1·(−0.0265) shows as 2.00265, not 2.003. */
export function fmtAround(value, step) {
  if (!Number.isFinite(value) || Math.abs(value) >= HUGE) return fmt(value, 6);
  const small = Number.isFinite(step) && step !== 0 ? Math.ceil(-Math.log10(Math.abs(step))) + 2 : 4;
  const decimals = Math.max(4, Math.min(12, small));
  return value.toFixed(decimals).replace("-", MINUS);
}

const SUPERSCRIPTS = { "-": "\u207b", 0: "\u2070", 1: "\u00b9", 2: "\u00b2", 3: "\u00b3", 4: "\u2074", 5: "\u2075", 6: "\u2076", 7: "\u2077", 8: "\u2078", 9: "\u2079" };

export function superscript(text) {
  return [...String(text)].map((ch) => SUPERSCRIPTS[ch] || ch).join("");
}

const SUBSCRIPTS = "\u2080\u2081\u2082\u2083\u2084\u2085\u2086\u2087\u2088\u2089";

export function subscript(text) {
  return [...String(text)].map((ch) => (ch >= "0" && ch <= "9" ? SUBSCRIPTS[Number(ch)] : ch)).join("");
}

/** Numbers arrive as JSON numbers or, when non-finite, as "NaN" / "Infinity". */
export function toNumber(value) {
  return value === null || value === undefined ? NaN : Number(value);
}

/**
 * A number from the server, as text in `tag` (an HTML span, or MathML mn).
 * source: the path it came from ("explain.gradient"; a leading "-" when the
 * panel shows it negated); format(value) -> text.
 */
export function num(value, source, { format = fmt, tag = "span" } = {}) {
  const text = format(value);
  let el;
  if (tag === "mn") {
    // 1.2×10⁻⁵ as MathML: the power a real superscript.
    const power = text.match(/^(.*)\u00d710([\u207b\u2070-\u2079\u00b9\u00b2\u00b3]+)$/);
    el = power ? mrow(mn(power[1]), mo("\u00d7"), m("msup", mn("10"), mn(scriptRuns(power[2])[0][0]))) : mn(text);
  } else {
    el = document.createElement(tag);
    el.append(...scriptNodes(text));
  }
  el.classList.add("num");
  el.dataset.source = source;
  el.dataset.value = String(value);
  el.setAttribute("title", String(value));
  return el;
}
