// The optimizer's step in the explainer's mini-batch part: after the raw
// mean gradient g, how momentum, RMSprop or Adam turn it into the step,
// each term with the server's number (explain.batch.optimizer). Formulas as
// in core/optimizers.py; the panel computes nothing.

import { fill, t } from "./i18n.js";
import { fmt, frac, math, m, mi, mn, mo, mrow, msub, num, paren, toNumber } from "./typeset.js";

const MINUS = "\u2212";
const DOT = "\u00b7";
const ARROW = "\u2190";
const SOURCE = "explain.batch.optimizer";

/** A server number inside a formula (an <mn> with its source). */
const n = (value, key, format = fmt) => num(toNumber(value), key.startsWith("explain.") ? key : `${SOURCE}.${key}`, { tag: "mn", format });
/** A setting as it was chosen (μ = 0.9, not 0.9000). */
const setting = (value) => String(value).replace("-", MINUS);
const sup = (base, power) => m("msup", base, power);
const sqrt = (...children) => m("msqrt", ...children);
const EPS = () => sup(mn("10"), mrow(mo(MINUS), mn("8")));
const G = () => mi("g");

function line(...children) {
  const p = document.createElement("p");
  p.className = "opt-line";
  p.append(math(mrow(...children)));
  return p;
}

/** v ← μ·v − α·g, then w ← w + v. */
function momentumLines(o, alpha) {
  return [
    line(mi("v"), mo(ARROW), mi("\u03bc"), mo(DOT), mi("v"), mo(MINUS), mi("\u03b1"), mo(DOT), G(), mo("="),
      n(o.momentum, "momentum", setting), mo(DOT), paren(n(o.velocity, "velocity")), mo(MINUS),
      n(alpha, "explain.learning_rate", setting), mo(DOT), paren(n(o.gradient, "gradient")), mo("="), n(o.new_velocity, "new_velocity")),
    line(mi("w"), mo(ARROW), mi("w"), mo("+"), mi("v")),
  ];
}

/** s ← ρ·s + (1 − ρ)·g², then the step −α·g / (√s + ε). */
function rmspropLines(o) {
  return [
    line(mi("s"), mo(ARROW), mi("\u03c1"), mo(DOT), mi("s"), mo("+"), paren(mn("1"), mo(MINUS), mi("\u03c1")), mo(DOT), sup(G(), mn("2")), mo("="),
      n(o.rho, "rho", setting), mo(DOT), paren(n(o.s, "s")), mo("+"), mn(setting(Number((1 - o.rho).toPrecision(6)))), mo(DOT),
      sup(paren(n(o.gradient, "gradient")), mn("2")), mo("="), n(o.new_s, "new_s")),
  ];
}

/** m, v, their bias corrections m̂, v̂ at update t. */
function adamLines(o) {
  const hat = (letter) => m("mover", mi(letter), mo("^"));
  const correction = (beta) => mrow(mn("1"), mo(MINUS), sup(msub("\u03b2", mn(beta)), mi("t")));
  return [
    line(mi("m"), mo(ARROW), msub("\u03b2", mn("1")), mi("m"), mo("+"), paren(mn("1"), mo(MINUS), msub("\u03b2", mn("1"))), G(), mo("="), n(o.m, "m")),
    line(mi("v"), mo(ARROW), msub("\u03b2", mn("2")), mi("v"), mo("+"), paren(mn("1"), mo(MINUS), msub("\u03b2", mn("2"))), sup(G(), mn("2")), mo("="), n(o.v, "v")),
    line(hat("m"), mo("="), frac(mi("m"), correction("1")), mo("="), n(o.m_hat, "m_hat"), mo(",\u2003"),
      hat("v"), mo("="), frac(mi("v"), correction("2")), mo("="), n(o.v_hat, "v_hat"), mo(",\u2003"),
      mi("t"), mo("="), n(o.t, "t", String)),
  ];
}

/** The step's formula: what multiplies α. */
function stepFormula(name) {
  const alpha = [mo(MINUS), mi("\u03b1"), mo(DOT)];
  if (name === "momentum") return mrow(mi("v"));
  if (name === "rmsprop") return mrow(...alpha, frac(G(), mrow(sqrt(mi("s")), mo("+"), mi("\u03b5"))));
  return mrow(...alpha, frac(m("mover", mi("m"), mo("^")), mrow(sqrt(m("mover", mi("v"), mo("^"))), mo("+"), mi("\u03b5"))));
}

/**
 * The optimizer's part of the next update. batch: explain.batch (complete,
 * with `optimizer`); alpha: the learning rate. Returns elements to append.
 */
export function optimizerSteps(batch, alpha) {
  const o = batch.optimizer;
  const head = document.createElement("p");
  head.className = "opt-head";
  head.append(...fill("optimizer.title", { optimizer: t(`option.optimizer.${o.name}`) }));
  const lines = o.name === "momentum" ? momentumLines(o, alpha) : o.name === "rmsprop" ? rmspropLines(o) : adamLines(o);
  const step = document.createElement("p");
  step.className = "opt-line";
  step.append(...fill("formula.step", {
    formula: math(stepFormula(o.name)),
    value: num(toNumber(o.step), `${SOURCE}.step`, { format: (v) => (v > 0 ? "+" : "") + fmt(v) }),
  }));
  if (o.name !== "momentum") step.append(" ", ...fill("optimizer.epsilon", { epsilon: math(mrow(mi("\u03b5"), mo("="), EPS())) }));
  const wrap = document.createElement("div");
  wrap.className = "optimizer";
  wrap.dataset.optimizer = o.name;
  wrap.append(head, ...lines, step);
  return [wrap];
}
