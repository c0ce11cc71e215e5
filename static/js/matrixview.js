// Two of the slides' ways of writing the numbers, with the server's live
// values (explain message): z as its sum of terms with the node's output
// printed (z = 2.0·0.4 + 3.0·0.5 = 2.3, σ(z) = 0.909), and the selected
// weight's layer in matrix form, ΔW = α · (E ∘ f′(z)) · oᵀ: the column of
// error terms, the row of previous outputs and the matrix; over a batch of
// several points, the mean of one such product per point, and it says so.

import { fill, t } from "./i18n.js";
import { isScientific, fmt, m, math, mi, mn, mo, mrow, msub, num, paren, toNumber } from "./typeset.js";

const DOT = "\u00b7";
const MAX_POINTS = 3; // columns of a batch written out (a phone's width); the rest is "…" (the mean is over all of them)

/** A number as the slides write it: three significant digits, 2.0 rather than 2. */
export function short(value) {
  if (!Number.isFinite(value) || isScientific(value)) return fmt(value, 3);
  const text = String(Number(value.toPrecision(3)));
  return (text.includes(".") || text.includes("e") ? text : `${text}.0`).replace("-", "\u2212");
}

const activationSymbol = (activation) => ({ sigmoid: "\u03c3", tanh: "tanh", relu: "relu", linear: "f" })[activation] || "f";

/** z = w·o + w·o (+ b) = sum, and f(z) = output: one line of MathML, or null without the numbers. */
export function zLine(ex) {
  const z = ex.z_terms;
  if (!z || ex.node_output === undefined) return null;
  const n = (value, source) => num(toNumber(value), source, { format: short, tag: "mn" });
  // One <math> per term: the line wraps between terms on a phone (huge numbers, many inputs).
  const terms = [];
  z.terms.forEach((term, k) => {
    const output = n(term.output, `explain.z_terms.terms.${k}.output`);
    // −0.2·(−0.7): a negative factor after the dot in parentheses, as on paper.
    terms.push(math(mrow(k > 0 ? mo("+") : null, n(term.weight, `explain.z_terms.terms.${k}.weight`), mo(DOT),
      toNumber(term.output) < 0 ? paren(output) : output)));
  });
  if (toNumber(z.bias) !== 0 || z.terms.length === 0) {
    terms.push(math(mrow(terms.length ? mo("+") : null, n(z.bias, "explain.z_terms.bias"))));
  }
  const f = activationSymbol(ex.node.activation);
  const line = document.createElement("p");
  line.className = "z-line";
  const pieces = [math(mrow(mi("z"), mo("="))), ...terms, math(mrow(mo("="), n(z.sum, "explain.z_terms.sum")))];
  line.append(...pieces.flatMap((piece) => [piece, " "]), "\u2003",
    math(mrow(mi(f), paren(mi("z")), mo("="), n(ex.node_output, "explain.node_output"))));
  const note = document.createElement("span");
  note.className = "label";
  note.textContent = ` ${t("matrix.z_note")}`;
  line.append(note);
  return line;
}

/** A matrix (rows of numbers) as MathML in brackets; `source(i, j)` names each entry's path. */
function bracket(rows, source, ellipsis = false) {
  const table = m("mtable", ...rows.map((row, i) => m("mtr", ...row.map((value, j) => m("mtd", num(toNumber(value), source(i, j), { tag: "mn" }))),
    ...(ellipsis ? [m("mtd", mo("\u2026"))] : []))));
  table.setAttribute("class", "bracketed"); // brackets drawn by CSS: without a math font, an <mo>[ does not stretch
  return table;
}

/** The matrix part of an explain message (`matrix`), drawn; [] when there is none. */
export function matrixParts(mx) {
  if (!mx || !mx.matrix) return [];
  const head = document.createElement("h4");
  head.className = "matrix-head";
  head.textContent = t("matrix.head", { layer: mx.layer + 1 });
  const general = math(mrow(mi("\u0394"), mi("W"), mo("="), mi("\u03b1"), mo(DOT), paren(mi("E"), mo("\u2218"), mi("f"), mo("\u2032"), paren(mi("z"))),
    mo(DOT), m("msup", mi("o"), mi("T"))));
  const shown = Math.min(mx.count, MAX_POINTS);
  const cut = mx.count > MAX_POINTS;
  const points = [...Array(shown).keys()];
  const targets = [...Array(mx.matrix.length).keys()];
  // Error terms: one column per point (target nodes down); outputs: one row per point.
  const columns = bracket(targets.map((k) => points.map((p) => mx.columns[p][k])), (k, p) => `matrix.columns.${p}.${k}`, cut);
  const rows = bracket(points.map((p) => mx.rows[p]), (p, j) => `matrix.rows.${p}.${j}`, false);
  const result = bracket(mx.matrix, (k, j) => `matrix.matrix.${k}.${j}`);
  const alpha = num(toNumber(mx.learning_rate), "matrix.learning_rate", { tag: "mn", format: (v) => String(v) });
  const scale = mx.mean ? [alpha, mo(DOT), m("mfrac", mn("1"), mn(String(mx.count)))] : [alpha];
  const formula = document.createElement("div");
  formula.className = "matrix-formula";
  // It may scroll sideways (a wide layer, a phone): a keyboard must reach it.
  formula.setAttribute("role", "region");
  formula.tabIndex = 0;
  formula.setAttribute("aria-label", t("matrix.region"));
  // One <math> per factor: the line wraps between them on a narrow screen instead of running off it.
  formula.append(math(mrow(mi("\u0394"), mi("W"), mo("="), ...scale, mo(DOT))), math(columns), math(mo(DOT)), math(rows),
    math(mo("=")), math(result));
  const says = document.createElement("p");
  says.className = "matrix-note";
  const what = mx.mean ? fill("matrix.mean", { n: String(mx.count) }) : [t("matrix.one_point")];
  says.append(...what, " ", t(mx.equals_next_update ? "matrix.equals_update" : "matrix.not_update"));
  if (cut) says.append(" ", t("matrix.cut", { shown: String(shown), n: String(mx.count) }));
  const legend = document.createElement("p");
  legend.className = "matrix-note label";
  legend.append(...fill("matrix.legend", { errors: math(mrow(mi("E"), mo("\u2218"), mi("f"), mo("\u2032"), paren(mi("z")))), outputs: math(m("msup", mi("o"), mi("T"))),
    slope: mx.slope_formula, row: math(msub("o", mi("j"))) }));
  return [head, math(general), formula, says, legend];
}
