// Lecture mode: the lecture's options (output activation, loss, weight
// initialisation, input scaling, targets) with the "Lecture" and "Original"
// presets, the worked example, the brute-force count beside the network,
// and the explainer with its loss slice. Changes go out as config commands
// (handlers); what is shown always comes back from the server.

import { Explainer } from "./explainer.js";
import { linkSymbols } from "./formula.js";
import { SlicePlot } from "./sliceplot.js";
import { superscript } from "./typeset.js";

const OPTION_LABELS = {
  outputActivation: { auto: "Auto (as the original)", relu: "ReLU", tanh: "Tanh", sigmoid: "Sigmoid", linear: "Linear" },
  loss: {
    auto: "Auto: ½(o − t)² (original), cross-entropy for 3+ classes",
    "half-square": "½(o − t)²",
    square: "(t − o)² (lecture)",
    "cross-entropy": "Cross-entropy",
  },
  init: { uniform: "U(−0.5, 0.5) (original)", lecture: "±1/√fan-in (lecture)", normal: "N(0, 1/fan-in) (book)" },
  inputScaling: { raw: "Raw (original)", unit: "0.01 – 1.0 (lecture)" },
  targets: { pm1: "±1 (original)", lecture: "0.01 / 0.99 (lecture)" },
};

const SECONDS_PER_YEAR = 365.25 * 24 * 3600;

/** How long 10^exponent tries take at a billion a second, in words. */
export function bruteForceTime(exponent) {
  const log10s = exponent - 9;
  if (log10s < 0) return "under a second";
  const seconds = 10 ** log10s;
  if (log10s < 2) return `${Math.round(seconds)} seconds`;
  if (log10s < 3.6) return `${Math.round(seconds / 60)} minutes`;
  if (log10s < 4.95) return `${Math.round(seconds / 3600)} hours`;
  if (log10s < 7.5) return `${Math.round(seconds / 86400)} days`;
  const log10y = log10s - Math.log10(SECONDS_PER_YEAR);
  if (log10y < 6) return `${Math.round(10 ** log10y).toLocaleString("en-US")} years`;
  const power = Math.floor(log10y);
  return `${(10 ** (log10y - power)).toFixed(0)} × 10${superscript(power)} years`;
}

/** The lecture's first slide for a network: n weights, 1000^n tries. */
export function bruteForce(shape) {
  let weights = 0;
  let biases = 0;
  for (let l = 0; l + 1 < shape.length; l += 1) {
    weights += shape[l] * shape[l + 1];
    biases += shape[l + 1];
  }
  const exponent = 3 * weights;
  return {
    weights,
    biases,
    exponent,
    short: `${weights} weight${weights === 1 ? "" : "s"} → brute force: 1000${superscript(weights)} = 10${superscript(exponent)} tries`,
    long:
      `Trying 1,000 values for each of the ${weights} weights: 1000${superscript(weights)} = 10${superscript(exponent)} combinations ` +
      `(the lecture's slide writes ${weights} × 1,000 = ${(weights * 1000).toLocaleString("en-US")}; the ${biases} biases would add more). ` +
      `At a billion tries a second: ${bruteForceTime(exponent)}. Gradient descent instead follows ∂E/∂w for every weight at once.`,
  };
}

export class Lecture {
  /**
   * config: the page config; handlers: sendConfig(fields), select(selection|null),
   * workedExample(), onSelection(selection|null) (to mark it in the diagram
   * and the heatmap).
   */
  constructor(config, handlers) {
    this.config = config;
    this.handlers = handlers;
    const $ = (id) => document.getElementById(id);
    this.bruteForceEl = $("brute-force");
    this.selects = [...document.querySelectorAll("#lecture-options select")];
    for (const select of this.selects) {
      const field = select.dataset.field;
      const labels = OPTION_LABELS[field] || {};
      select.replaceChildren(
        ...(config.lectureOptions[field] || []).map((value) => {
          const option = document.createElement("option");
          option.value = value;
          option.textContent = labels[value] || value;
          return option;
        }),
      );
      select.addEventListener("change", () => handlers.sendConfig({ [field]: select.value }));
    }
    this.buttons = [$("worked-example-button"), $("lecture-preset-button"), $("original-preset-button")];
    $("worked-example-button").addEventListener("click", () => handlers.workedExample());
    $("lecture-preset-button").addEventListener("click", () => handlers.sendConfig({ ...config.lecturePreset }));
    $("original-preset-button").addEventListener("click", () => {
      const original = Object.fromEntries(Object.entries(config.lectureOptions).map(([name, values]) => [name, values[0]]));
      handlers.sendConfig(original);
    });
    this.explainer = new Explainer($("explainer"), { onPoint: (point) => this.pickPoint(point) });
    this.slice = new SlicePlot($("slice-plot"), $("slice-caption"));
    this.state = null;
    this.explained = false; // an explanation of the current selection was drawn
    this.generation = 0; // counts resets: a REST answer for an older one is dropped
  }

  /** update(state): option values and the brute-force count. */
  update(state) {
    this.state = state;
    for (const select of this.selects) {
      const value = state.config[select.dataset.field];
      if (value !== undefined && value !== null) select.value = String(value);
    }
    const count = bruteForce(state.shape);
    this.bruteForceEl.textContent = count.short;
    this.bruteForceEl.title = count.long;
    this.bruteForceEl.dataset.weights = String(count.weights);
    this.explainer.setState(state, this.config.features);
  }

  /** After update(state): a page that joins while a weight is already
   * selected gets no `explain` until the next change (a paused teacher sends
   * none), so it asks REST once. */
  follow(state, sessionId) {
    this.update(state);
    if (!state.selection) this.explained = false;
    else if (!this.explained) this.fetchExplanation(state.selection, sessionId);
  }

  async fetchExplanation(selection, sessionId) {
    const query = new URLSearchParams({ layer: selection.layer, target: selection.target, point: selection.point });
    if (selection.source !== null && selection.source !== undefined) query.set("source", selection.source);
    const base = `${this.config.api}/sessions/${encodeURIComponent(sessionId)}`;
    const generation = this.generation;
    try {
      const [explain, slice] = await Promise.all(
        [`${base}/explain?${query}`, `${base}/slice?${query}`].map(async (url) => {
          const response = await fetch(url);
          if (!response.ok) throw new Error(`HTTP ${response.status}`);
          return response.json();
        }),
      );
      // A live explanation, or another session, may have come meanwhile.
      if (this.explained || generation !== this.generation) return;
      this.explain({ type: "explain", selection, epoch: this.state ? this.state.epoch : 0, explain, slice });
    } catch (error) {
      console.info(`explanation not available: ${error.message}`);
    }
  }

  /** An `explain` message: the panel and the plot follow it. */
  explain(message) {
    this.explained = Boolean(message.selection);
    this.handlers.onSelection(message.selection);
    this.explainer.update(message);
    if (message.selection && message.slice) {
      this.slice.update(message.slice, linkSymbols(message.explain).text);
    } else {
      this.slice.reset();
    }
  }

  /** The current selection, or null. */
  get selection() {
    return this.explainer.selection;
  }

  /** A link or bias clicked in the diagram: explain it at the same point. */
  selectLink(target) {
    const point = this.selection ? this.selection.point : 0;
    const n = this.state ? this.state.train.length : 0;
    this.handlers.select({
      layer: target.layer,
      source: target.kind === "bias" ? null : target.source,
      target: target.kind === "bias" ? target.node : target.target,
      point: point < n ? point : 0,
    });
  }

  /** Another training point for the selected link (heatmap click, prev / next). */
  pickPoint(point) {
    if (this.selection) this.handlers.select({ ...this.selection, point });
  }

  setWatching(watching) {
    for (const el of [...this.selects, ...this.buttons]) el.disabled = watching;
    this.explainer.setWatching(watching);
  }

  reset() {
    this.generation += 1; // answers still in flight belong to the session we left
    this.explained = false;
    this.handlers.onSelection(null);
    this.explainer.reset();
    this.slice.reset();
  }
}
