// The backprop explainer: for the selected weight or bias and one training
// point, the lecture's decomposition with the server's live numbers, then
// the same averaged over the mini-batch the next update really uses. It
// draws the server's `explain` messages as they come; it computes nothing.

import { activationName, backpropTable, factorGrid, generalFormula, linkSymbols, lossNote, updateLine } from "./formula.js";
import { fill, t, tn } from "./i18n.js";
import { rangeLine } from "./initranges.js";
import { matrixParts, zLine } from "./matrixview.js";
import { optimizerSteps } from "./optformula.js";
import { symbolSpan } from "./symbols.js";
import { fmt, fmtAround, math, mrow, mi, mn, mo, msub, num, partial, subscript, toNumber } from "./typeset.js";


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
    this.matrix = root.querySelector(".matrix-form");
    this.prev = root.querySelector(".point-prev");
    this.next = root.querySelector(".point-next");
    this.prev.addEventListener("click", () => this.movePoint(-1));
    this.next.addEventListener("click", () => this.movePoint(1));
    this.features = [];
    this.state = null;
    this.watching = false;
    this.local = false;
    this.reset();
  }

  /** Draw again in the current language (after a switch). */
  relabel() {
    if (this.current) this.update(this.current);
    else this.showEmpty();
  }

  /** A watcher looking closer on their own: the point picker works for them. */
  setLocal(local) {
    this.local = local;
    this.prev.disabled = this.watching && !local;
    this.next.disabled = this.watching && !local;
  }

  /** The session's state: names of the inputs, the number of training points. */
  setState(state, featureLabels) {
    this.state = state;
    this.features = featureLabels.filter((f) => state.config[f.name]).map((f) => f.label);
  }

  setWatching(watching) {
    this.watching = watching;
    this.root.classList.toggle("watching", watching);
    this.setLocal(this.local);
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
    const z = zLine(ex);
    if (z) parts.push(z);
    parts.push(factorGrid(ex, names, this.fromSlide()), updateLine(ex));
    if (ex.initial_range) parts.push(this.rangeNote(ex.initial_range));
    const optimizer = this.state ? this.state.config.optimizer : "sgd";
    if (optimizer !== "sgd") {
      const note = document.createElement("p");
      note.className = "note";
      note.textContent = t("formula.optimizer_note", { optimizer: t(`option.optimizer.${optimizer}`) });
      parts.push(note);
    }
    parts.push(lossNote(ex));
    this.perPoint.replaceChildren(...parts);
    this.batch.replaceChildren(...this.batchParts(ex));
    this.matrix.replaceChildren(...matrixParts(message.matrix));
    this.root.dispatchEvent(new CustomEvent("explained")); // presentation mode copies the update line (lesson.js)
  }

  /** This weight's layer: where its first values were drawn from. */
  rangeNote(range) {
    const note = document.createElement("p");
    note.className = "note";
    note.append(rangeLine(range, this.state ? this.state.shape.length - 1 : range.layer + 1));
    return note;
  }

  showEmpty() {
    this.root.dispatchEvent(new CustomEvent("explained"));
    this.main.hidden = true;
    this.empty.hidden = false;
    this.empty.textContent = t(this.watching ? "explainer.empty_watch" : "explainer.empty_control");
  }

  /** The lecture's worked example: its point has the slide's error, not a
   * target a sigmoid could reach. */
  fromSlide() {
    return Boolean(this.state && this.state.config.scenario === "worked-example");
  }

  /** Human names of the nodes a link joins. */
  names(ex) {
    const outputLayer = this.state ? this.state.shape.length - 1 : ex.node.layer;
    const node = (layer, index) => {
      if (layer === 0) return t("explainer.input", { name: this.features[index] || `#${index + 1}` });
      if (layer === outputLayer) {
        const units = this.state ? this.state.shape[outputLayer] : 1;
        return units > 1 ? t("explainer.output_class", { label: index }) : t("explainer.the_output");
      }
      return t(outputLayer > 2 ? "explainer.hidden_of_layer" : "explainer.hidden", { n: index + 1, layer });
    };
    return {
      source: ex.source === null ? t("explainer.the_bias") : node(ex.layer, ex.source),
      target: node(ex.layer + 1, ex.target),
      next: (index) => node(ex.layer + 2, index),
    };
  }

  titleParts(ex, names) {
    const sym = linkSymbols(ex);
    const what = ex.kind === "bias" ? t("explainer.title_bias", { target: names.target }) : t("explainer.title_weight", names);
    const value = num(toNumber(ex.value), "explain.value", { format: (v) => fmtAround(v, toNumber(ex.step)) });
    const activation = activationName(ex.node.activation);
    const parts = [math(sym.concrete()), " ", ...fill("explainer.title", { what, activation, value })];
    if (ex.dead) parts.push(t("explainer.dead"));
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
    const params = { n: p.index + 1, total, inputs: symbolSpan(inputs), target: fmt(toNumber(p.target), 3) };
    if (ex.targets.length > 1) {
      // One output unit per class: the point's class, not one unit's 0 or 1.
      params.label = ex.targets.map(toNumber).indexOf(1);
      label.append(...fill("explainer.point_class", params));
    } else {
      params.e1 = math(msub("e", mn("1")));
      label.append(...fill(this.fromSlide() ? "explainer.point_slide" : "explainer.point", params));
    }
    if (inBatch) label.append(t("explainer.in_batch"));
    return [label];
  }

  batchParts(ex) {
    const b = ex.batch;
    const sym = linkSymbols(ex);
    const head = document.createElement("h4");
    head.textContent = t("explainer.batch_head");
    const text = document.createElement("p");
    const range = tn("explainer.range", b.points.length);
    const carried = b.pending ? t("explainer.carried", { n: b.pending }) : t("explainer.nothing_carried");
    if (!b.complete) {
      text.append(...fill("explainer.incomplete", {
        range, carried, count: b.count, symbol: math(sym.concrete()), value: num(toNumber(b.new_weight), "explain.batch.new_weight"),
      }));
      return [head, text];
    }
    text.append(tn("explainer.batch", b.count, { count: b.count, range, carried }));
    const line = document.createElement("p");
    line.className = "batch-line";
    const step = toNumber(b.step);
    const gradient = math(partial(mi("E"), sym.concrete()));
    const optimizer = b.optimizer ? optimizerSteps(b, ex.learning_rate) : [];
    if (b.optimizer) {
      // The raw mean gradient g first; the optimizer turns it into the step.
      line.append(...fill("explainer.mean_only", { gradient, value: num(toNumber(b.gradient), "explain.batch.gradient") }));
    } else {
      line.append(...fill("explainer.mean", {
        gradient,
        value: num(toNumber(b.gradient), "explain.batch.gradient"),
        step: math(mrow(mo(MINUS), mi("\u03b1"), mo("\u00b7"), mi(t("explainer.mean_word")))),
        stepValue: num(step, "explain.batch.step"),
      }));
    }
    const last = document.createElement("p");
    last.className = "batch-line";
    if (b.optimizer) {
      last.append(...fill("explainer.opt_step", {
        optimizer: t(`option.optimizer.${b.optimizer.name}`),
        value: num(step, "explain.batch.step", { format: (v) => (v > 0 ? "+" : "") + fmt(v) }),
      }));
    }
    const reg = b.regularization;
    const tail = b.optimizer ? last : line;
    if (reg) {
      tail.append(...fill("explainer.reg_step", { name: reg.name, value: num(toNumber(reg.step), "explain.batch.regularization.step") }));
    }
    tail.append(...fill("explainer.new", {
      symbol: math(sym.concrete()),
      value: num(toNumber(b.new_weight), "explain.batch.new_weight", { format: (v) => fmtAround(v, step) }),
    }));
    return b.optimizer ? [head, text, line, ...optimizer, last] : [head, text, line];
  }

  movePoint(delta) {
    if (!this.current || (this.watching && !this.local) || !this.state) return;
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
