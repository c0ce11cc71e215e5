// The backprop explainer: for the selected weight or bias and one training
// point, the lecture's decomposition with the server's live numbers, then
// the same averaged over the mini-batch the next update really uses. It
// draws the server's `explain` messages as they come; it computes nothing.

import { backpropTable, factorGrid, generalFormula, linkSymbols, lossNote, updateLine } from "./formula.js";
import { fmt, fmtAround, math, mrow, mi, mo, num, partial, subscript, toNumber } from "./typeset.js";

const MINUS = "\u2212";

export class Explainer {
  /** root: #explainer; handlers: onPoint(index) asks for another training point. */
  constructor(root, handlers) {
    this.root = root;
    this.handlers = handlers;
    this.empty = root.querySelector(".explainer-empty");
    this.main = root.querySelector(".explainer-main");
    this.title = root.querySelector(".explainer-title");
    this.pointLabel = root.querySelector(".point-label");
    this.perPoint = root.querySelector(".per-point");
    this.batch = root.querySelector(".per-batch");
    this.prev = root.querySelector(".point-prev");
    this.next = root.querySelector(".point-next");
    this.prev.addEventListener("click", () => this.movePoint(-1));
    this.next.addEventListener("click", () => this.movePoint(1));
    this.features = [];
    this.state = null;
    this.watching = false;
    this.reset();
  }

  /** The session's state: names of the inputs, the number of training points. */
  setState(state, featureLabels) {
    this.state = state;
    this.features = featureLabels.filter((f) => state.config[f.name]).map((f) => f.label);
  }

  setWatching(watching) {
    this.watching = watching;
    this.root.classList.toggle("watching", watching);
    this.prev.disabled = watching;
    this.next.disabled = watching;
    if (!this.current) this.showEmpty();
  }

  /** update(message): an `explain` message (selection null clears the panel). */
  update(message) {
    this.current = message.selection ? message : null;
    if (!this.current) {
      this.showEmpty();
      return;
    }
    const ex = message.explain;
    this.root.dataset.epoch = String(message.epoch);
    this.root.dataset.selection = JSON.stringify(message.selection);
    this.empty.hidden = true;
    this.main.hidden = false;
    const names = this.names(ex);
    this.title.replaceChildren(...this.titleParts(ex, names));
    this.pointLabel.replaceChildren(...this.pointParts(ex));
    const parts = [generalFormula(ex, linkSymbols(ex))];
    if (ex.backprop) parts.push(backpropTable(ex, names));
    parts.push(factorGrid(ex, names), updateLine(ex), lossNote(ex));
    this.perPoint.replaceChildren(...parts);
    this.batch.replaceChildren(...this.batchParts(ex));
  }

  showEmpty() {
    this.main.hidden = true;
    this.empty.hidden = false;
    this.empty.textContent = this.watching
      ? "When the teacher points at a weight, its update is explained here, live."
      : "Click a weight (a line) or a bias (a small square) in the diagram: this panel shows how its next update is computed, term by term, as in the lecture.";
  }

  /** Human names of the nodes a link joins. */
  names(ex) {
    const outputLayer = this.state ? this.state.shape.length - 1 : ex.node.layer;
    const node = (layer, index) => {
      if (layer === 0) return `input ${this.features[index] || `#${index + 1}`}`;
      if (layer === outputLayer) return "the output";
      return `hidden node ${index + 1}${outputLayer > 2 ? ` of layer ${layer}` : ""}`;
    };
    return {
      source: ex.source === null ? "the bias" : node(ex.layer, ex.source),
      target: node(ex.layer + 1, ex.target),
      next: (index) => node(ex.layer + 2, index),
    };
  }

  titleParts(ex, names) {
    const sym = linkSymbols(ex);
    const what = ex.kind === "bias" ? `Bias of ${names.target}` : `Weight from ${names.source} to ${names.target}`;
    const parts = [math(sym.concrete()), ` ${what} · ${ex.node.activation} · w now `];
    parts.push(num(toNumber(ex.value), "explain.value", { format: (v) => fmtAround(v, toNumber(ex.step)) }));
    if (ex.dead) parts.push(" · dead (L1 drove it through zero: it no longer trains until a reset)");
    return parts;
  }

  pointParts(ex) {
    const p = ex.point;
    const total = this.state ? this.state.train.length : p.index + 1;
    const inputs = p.inputs
      .map((v, i) => `${this.features[i] || `x${subscript(i + 1)}`} = ${fmt(toNumber(v), 3)}`)
      .join(", ");
    const inBatch = ex.batch.points.includes(p.index);
    const label = document.createElement("span");
    label.dataset.point = String(p.index);
    label.textContent = `Point ${p.index + 1} of ${total}: ${inputs} → target ${fmt(toNumber(p.target), 3)}${inBatch ? " · in the next update's batch" : ""}`;
    return [label];
  }

  batchParts(ex) {
    const b = ex.batch;
    const sym = linkSymbols(ex);
    const head = document.createElement("h6");
    head.textContent = "What the next update really uses: the mean over its mini-batch";
    const text = document.createElement("p");
    const rows = b.points.length;
    const range = rows === 1 ? `point 1` : `points 1${"\u2013"}${rows}`;
    const carried = b.pending ? `, plus ${b.pending} carried from the end of the last epoch` : ", nothing carried from the last epoch";
    if (!b.complete) {
      text.append(`The next epoch starts with ${range}${carried}: ${b.count} points, fewer than a batch, so no update yet; `,
        math(sym.concrete()), " stays ", num(toNumber(b.new_weight), "explain.batch.new_weight"), ".");
      return [head, text];
    }
    text.append(`${b.count} point${b.count === 1 ? "" : "s"}: ${range} of the next epoch${carried}.`);
    const line = document.createElement("p");
    line.className = "batch-line";
    const step = toNumber(b.step);
    line.append("mean ", math(partial(mi("E"), sym.concrete())), " = ", num(toNumber(b.gradient), "explain.batch.gradient"),
      " · step ", math(mrow(mo(MINUS), mi("\u03b1"), mo("\u00b7"), mi("mean"))), " = ", num(step, "explain.batch.step"));
    const reg = b.regularization;
    if (reg) {
      line.append(` · ${reg.name} step ${MINUS}α·λ·R′(w) = `, num(toNumber(reg.step), "explain.batch.regularization.step"));
    }
    line.append(" · new ", math(sym.concrete()), " = ",
      num(toNumber(b.new_weight), "explain.batch.new_weight", { format: (v) => fmtAround(v, step) }));
    return [head, text, line];
  }

  movePoint(delta) {
    if (!this.current || this.watching || !this.state) return;
    const n = this.state.train.length;
    if (n === 0) return;
    const index = (this.current.selection.point + delta + n) % n;
    this.handlers.onPoint(index);
  }

  /** The selection the server last explained ({layer, source, target, point}) or null. */
  get selection() {
    return this.current ? this.current.selection : null;
  }

  reset() {
    this.current = null;
    delete this.root.dataset.selection;
    this.showEmpty();
  }
}
