// The lecture's formulas for one weight or bias, in its notation (spec
// lecture.md §4-6), typeset as MathML and filled in with the server's numbers.
//
// Signs: the lecture writes the output's error as e_k = t_k − o_k and the
// gradient as −e · f′(z) · o. We keep that: e = −∂E/∂o for every node, and
// δ = e · f′(z) = −∂E/∂z. So at the output e_k is the server's −dE_do, and a
// hidden node's back-propagated error is e_j = Σ_k w_jk δ_k (the server's
// dE_da and backprop terms, negated). The gradient's first factor, −e, is
// then exactly the server's dE_do / dE_da.
//
// Cross-entropy with its sigmoid or softmax output ("combined" in the explain
// message): the output's slope cancels against the loss, so the output's
// δ is o − t (the server's `delta`) and the formula has no f′ factor.

import { fill, t } from "./i18n.js";
import { scriptNodes } from "./symbols.js";
import { fmt, fmtAround, m, math, mi, mn, mo, mrow, msub, num, paren, partial, slopeFormula, subscript, toNumber } from "./typeset.js";

const MINUS = "\u2212";
const DOT = "\u00b7";

/** An output or hidden function's name in the reader's language. */
export function activationName(name) {
  return name === "softmax" ? t("formula.softmax") : t(`option.activation.${name}`);
}

/** o_k − t_k, the output's δ under cross-entropy. */
function combinedTerm(k) {
  return mrow(msub("o", mi(k)), mo(MINUS), msub("t", mi(k)));
}

/** The symbols of a link: w_jk (or b_k) with its two letters and 1-based numbers. */
export function linkSymbols(ex) {
  const isOutput = ex.node.is_output;
  const [from, to] = isOutput ? ["j", "k"] : ["i", "j"];
  const name = ex.kind === "bias" ? "b" : "w";
  const numbers = ex.kind === "bias" ? String(ex.target + 1) : `${ex.source + 1}${ex.target + 1}`;
  return {
    from,
    to,
    generic: () => msub(name, mi(ex.kind === "bias" ? to : `${from}${to}`)),
    concrete: () => msub(name, mn(numbers)),
    text: `${name}${subscript(numbers)}`, // Unicode subscripts: shown through symbols.js (<sub>, tspans)
  };
}

/** −(t_k − o_k), or −2(t_k − o_k) when the loss keeps the factor 2. */
function outputErrorTerm(twice, k) {
  const diff = paren(msub("t", mi(k)), mo(MINUS), msub("o", mi(k)));
  return mrow(mo(MINUS), twice ? mn("2") : null, diff);
}

/** The general formula for the selected link, as the slide writes it. */
export function generalFormula(ex, sym) {
  const { from, to } = sym;
  const twice = ex.loss === "square";
  const sum = mrow(m("munder", mo("\u2211"), mi(from)), msub("w", mi(`${from}${to}`)), msub("o", mi(from)), mo("+"), msub("b", mi(to)));
  const source = ex.kind === "bias" ? mn("1") : msub("o", mi(from));
  const wrap = document.createElement("div");
  wrap.className = "general";
  const note = document.createElement("p");
  note.className = "note";
  const activation = activationName(ex.node.activation);
  let rows;
  if (ex.combined) {
    rows = [partial(mi("E"), sym.generic()), mo("="), paren(combinedTerm(to)), mo(DOT), source];
    const delta = math(mrow(msub("\u03b4", mi(to)), mo("="), partial(mi("E"), msub("z", mi(to))), mo("="), combinedTerm(to)));
    note.append(...fill("formula.combined", { activation, formula: delta }));
  } else {
    const first = ex.node.is_output ? outputErrorTerm(twice, to) : mrow(mo(MINUS), msub("e", mi(to)));
    rows = [partial(mi("E"), sym.generic()), mo("="), first, mo(DOT), mrow(mi("f"), mo("\u2032"), paren(sum)), mo(DOT), source];
    const formulaNode = math(mrow(mi("f"), mo("\u2032"), paren(mi("z")), mo("="), slopeFormula(ex.node.activation, mi("z"))));
    note.append(...fill("formula.activation_at", { activation, formula: formulaNode }));
  }
  const formula = math(mrow(...rows));
  formula.setAttribute("display", "block");
  wrap.append(formula, note);
  return wrap;
}

/** The three factors, each with its number and what it is, then ∂E/∂w.
 * fromSlide: the lecture's worked example, whose point carries the slide's
 * error e₁ rather than a target (a sigmoid could not reach that target). */
export function factorGrid(ex, names, fromSlide = false) {
  const grid = document.createElement("div");
  grid.className = "factors";
  const twice = ex.loss === "square";
  const sym = linkSymbols(ex);
  const cell = (symbol, value, source, label) => {
    const el = document.createElement("div");
    el.className = "factor";
    const top = document.createElement("div");
    top.className = "symbol";
    top.append(math(symbol));
    const middle = num(value, source);
    middle.classList.add("big");
    const bottom = document.createElement("div");
    bottom.className = "label";
    bottom.append(...label);
    el.append(top, middle, bottom);
    return el;
  };
  const op = (text) => {
    const el = document.createElement("div");
    el.className = "op";
    el.textContent = text;
    return el;
  };
  let first;
  if (ex.combined) {
    first = cell(combinedTerm(sym.to), toNumber(ex.delta), "explain.delta", [
      ...fill("formula.combined_label", { output: num(toNumber(ex.output), "explain.output"), target: num(toNumber(ex.point.target), "explain.point.target") }),
    ]);
  } else if (ex.node.is_output && fromSlide && !twice) {
    // e₁ = t − o = −∂E/∂o with the half-square loss the example uses.
    first = cell(outputErrorTerm(twice, sym.to), toNumber(ex.dE_do), "explain.dE_do", [
      // As the slide writes it (0.8, not 0.8000); it moves as the network trains.
      ...fill("formula.slide_error", { e1: math(msub("e", mn("1"))), error: num(-toNumber(ex.dE_do), "-explain.dE_do", { format: (v) => String(Number(v.toPrecision(4))).replace("-", MINUS) }) }),
    ]);
  } else if (ex.node.is_output) {
    first = cell(outputErrorTerm(twice, sym.to), toNumber(ex.dE_do), "explain.dE_do", [
      ...fill("formula.error_label", { target: num(toNumber(ex.point.target), "explain.point.target"), output: num(toNumber(ex.output), "explain.output") }),
      twice ? t("formula.twice") : "",
    ]);
  } else {
    first = cell(mrow(mo(MINUS), msub("e", mi(sym.to))), toNumber(ex.dE_da), "explain.dE_da", [
      t("formula.hidden_error", { target: names.target }),
    ]);
  }
  const activation = activationName(ex.node.activation);
  const slope = cell(mrow(mi("f"), mo("\u2032"), paren(mi("z"))), toNumber(ex.slope), "explain.slope", [
    ...fill("formula.slope_label", { activation, z: num(toNumber(ex.z), "explain.z") }),
  ]);
  const sourceLabel = ex.kind === "bias" ? [t("formula.bias_input")] : [t("formula.source_output", { source: names.source })];
  const source = cell(ex.kind === "bias" ? mn("1") : msub("o", mi(sym.from)), toNumber(ex.source_output), "explain.source_output", sourceLabel);
  const result = cell(partial(mi("E"), sym.concrete()), toNumber(ex.gradient), "explain.gradient", [t("formula.for_point")]);
  result.classList.add("result");
  grid.classList.toggle("combined", Boolean(ex.combined));
  if (ex.combined) grid.append(first, op("×"), source, op("="), result);
  else grid.append(first, op("×"), slope, op("×"), source, op("="), result);
  return grid;
}

/** A setting as it was typed (α = 0.1, not 0.1000). */
const plain = (value) => String(value).replace("-", MINUS);

/** new w = w − α · ∂E/∂w, with the numbers; the step on its own. */
export function updateLine(ex) {
  const sym = linkSymbols(ex);
  const value = toNumber(ex.value);
  const step = toNumber(ex.step);
  const around = (v) => fmtAround(v, step);
  const line = document.createElement("p");
  line.className = "update";
  // Three formulas, one per "=": a line of MathML never wraps, and with
  // numbers of 10³⁰ the whole would not fit a phone's width.
  const parts = [
    math(mrow(mi(t("formula.new_word")), mo("\u2009"), sym.concrete(), mo("="), sym.concrete(), mo(MINUS), mi("\u03b1"), mo(DOT),
      partial(mi("E"), sym.concrete()))),
    math(mrow(mo("="), num(value, "explain.value", { format: around, tag: "mn" }), mo(MINUS),
      num(toNumber(ex.learning_rate), "explain.learning_rate", { tag: "mn", format: plain }), mo(DOT),
      paren(num(toNumber(ex.gradient), "explain.gradient", { tag: "mn" })))),
    math(mrow(mo("="), num(toNumber(ex.new_weight), "explain.new_weight", { format: around, tag: "mn" }))),
  ];
  const formula = document.createElement("span");
  formula.className = "big-math";
  formula.append(parts[0], " ", parts[1], " ", parts[2]);
  const stepText = document.createElement("span");
  stepText.className = "step";
  stepText.append(...fill("formula.step", {
    formula: math(mrow(mo(MINUS), mi("\u03b1"), mo(DOT), partial(mi("E"), sym.concrete()))),
    value: num(step, "explain.step", { format: (v) => (v > 0 ? "+" : "") + fmt(v) }),
  }));
  line.append(formula, stepText);
  return line;
}

/** e_j = Σ_k w_jk δ_k, term by term, for a hidden node. */
export function backpropTable(ex, names) {
  const sym = linkSymbols(ex);
  const wrap = document.createElement("div");
  wrap.className = "backprop";
  const title = document.createElement("p");
  const eq = math(mrow(msub("e", mi(sym.to)), mo("="), m("munder", mo("\u2211"), mi("k")), msub("w", mi(`${sym.to}k`)), msub("\u03b4", mi("k")),
    mo(",\u2003"), msub("\u03b4", mi("k")), mo("="), msub("e", mi("k")), mo(DOT), mi("f"), mo("\u2032"), paren(msub("z", mi("k")))));
  title.append(...fill("formula.backprop_title", { formula: eq, target: names.target }));
  const table = document.createElement("table");
  const head = table.createTHead().insertRow();
  for (const text of ["k", "w_jk", "δ_k", "w_jk · δ_k"]) {
    const th = document.createElement("th");
    th.className = "sym";
    th.append(...scriptNodes(text.replace("_jk", subscriptLetters(`${sym.to}k`)).replace("_k", subscriptLetters("k"))));
    head.append(th);
  }
  const body = table.createTBody();
  ex.backprop.terms.forEach((term, n) => {
    const row = body.insertRow();
    row.insertCell().textContent = names.next(term.node);
    row.insertCell().append(num(toNumber(term.weight), `explain.backprop.terms.${n}.weight`));
    row.insertCell().append(num(-toNumber(term.delta), `-explain.backprop.terms.${n}.delta`));
    row.insertCell().append(num(-toNumber(term.product), `-explain.backprop.terms.${n}.product`));
  });
  const sum = table.createTFoot().insertRow();
  const label = sum.insertCell();
  label.colSpan = 3;
  label.append(math(mrow(msub("e", mi(sym.to)), mo("="), mo("\u2211"))));
  sum.insertCell().append(num(-toNumber(ex.backprop.sum), "-explain.backprop.sum"));
  wrap.append(title, table);
  return wrap;
}

function subscriptLetters(text) {
  const map = { i: "\u1d62", j: "\u2c7c", k: "\u2096" };
  return [...text].map((ch) => map[ch] || ch).join("");
}

/** One line on the loss: which factor these numbers use, and the slide's 2. */
export function lossNote(ex) {
  const p = document.createElement("p");
  p.className = "note";
  const key = { square: "formula.loss_square", "cross-entropy": "formula.loss_cross_entropy" }[ex.loss] || "formula.loss_half";
  p.textContent = t(key);
  return p;
}
