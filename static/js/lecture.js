// Lecture mode: the "Lecture" and "Original" presets of the lecture's options
// (whose menus the field table places in this section: controls.js wires
// them), the worked example, the brute-force count beside the network, and
// the explainer with its loss slice. Changes go out as config commands
// (handlers); what is shown always comes back from the server.
//
// A watcher may look closer on their own screen: a tapped weight or point is
// explained from the read-only REST endpoints, nothing reaches the session,
// and "Follow the teacher" goes back to the teacher's pointer.

import { Explainer } from "./explainer.js";
import { fieldTable } from "./fieldmenus.js";
import { linkSymbols } from "./formula.js";
import { fill, t, tn } from "./i18n.js";
import { SlicePlot } from "./sliceplot.js";
import { plainScripts, scriptNodes } from "./symbols.js";
import { superscript } from "./typeset.js";

const SECONDS_PER_YEAR = 365.25 * 24 * 3600;
const LOCAL_REFRESH_MS = 400; // a watcher's own explanation follows training at most this often

/** How long 10^exponent tries take at a billion a second, in words. */
export function bruteForceTime(exponent) {
  const log10s = exponent - 9;
  if (log10s < 0) return t("time.under_second");
  const seconds = 10 ** log10s;
  if (log10s < 2) return t("time.seconds", { n: Math.round(seconds) });
  if (log10s < 3.6) return t("time.minutes", { n: Math.round(seconds / 60) });
  if (log10s < 4.95) return t("time.hours", { n: Math.round(seconds / 3600) });
  if (log10s < 7.5) return t("time.days", { n: Math.round(seconds / 86400) });
  const log10y = log10s - Math.log10(SECONDS_PER_YEAR);
  if (log10y < 6) return t("time.years", { n: Math.round(10 ** log10y).toLocaleString("en-US") });
  const power = Math.floor(log10y);
  return t("time.years", { n: `${(10 ** (log10y - power)).toFixed(0)} × 10${superscript(power)}` });
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
  const expr = `1000${superscript(weights)} = 10${superscript(exponent)}`;
  return {
    weights,
    biases,
    exponent,
    short: tn("lecture.brute_short", weights, { expr }),
    expr,
    long: t("lecture.brute_long", {
      n: weights, expr, product: (weights * 1000).toLocaleString("en-US"), biases, time: bruteForceTime(exponent),
    }),
  };
}

export class Lecture {
  /**
   * config: the page config; handlers: sendConfig(fields), select(selection|null),
   * workedExample(), onSelection(selection|null) (to mark it in the diagram
   * and the heatmap), sessionId() (for a watcher's own REST look).
   */
  constructor(config, handlers) {
    this.config = config;
    this.handlers = handlers;
    this.fields = fieldTable(config);
    const $ = (id) => document.getElementById(id);
    this.bruteForceEl = $("brute-force");
    this.buttons = [$("worked-example-button"), $("lecture-preset-button"), $("original-preset-button")];
    $("worked-example-button").addEventListener("click", () => handlers.workedExample());
    $("lecture-preset-button").addEventListener("click", () => handlers.sendConfig({ ...config.lecturePreset }));
    $("original-preset-button").addEventListener("click", () => {
      const original = Object.fromEntries(Object.keys(config.lectureOptions).map((name) => [name, this.fields.get(name).default]));
      handlers.sendConfig(original);
    });
    this.localView = document.querySelector("#explainer .local-view");
    $("follow-teacher-button").addEventListener("click", () => this.followTeacher());
    this.explainer = new Explainer($("explainer"), { onPoint: (point) => this.pickPoint(point) });
    this.slice = new SlicePlot($("slice-plot"), $("slice-caption"), $("slice-legend-batch"));
    this.state = null;
    this.watching = false;
    this.explained = false; // an explanation of the current selection was drawn
    this.generation = 0; // counts resets: a REST answer for an older one is dropped
    this.teacherMessage = null; // the last explain message of the session
    this.local = null; // a watcher's own selection, explained from REST
    this.localBusy = false;
    this.localDue = false;
    this.localAt = 0;
    this.relabel();
  }

  /** The count and the explainer in the current language (after a switch too). */
  relabel() {
    if (this.state) this.update(this.state);
    this.explainer.relabel();
    this.slice.relabel();
  }

  /** update(state): the brute-force count and the explainer's setup. */
  update(state) {
    this.state = state;
    const count = bruteForce(state.shape);
    const expr = document.createElement("span"); // 1000¹⁸ = 10⁵⁴ with real superscripts
    expr.append(...scriptNodes(count.expr));
    this.bruteForceEl.replaceChildren(...fill(`lecture.brute_short.${count.weights === 1 ? "one" : "other"}`, { n: count.weights, expr }));
    this.bruteForceEl.title = plainScripts(count.long);
    this.bruteForceEl.dataset.weights = String(count.weights);
    this.explainer.setState(state, this.config.features);
  }

  /** After update(state): a page that joins while a weight is already
   * selected gets no `explain` until the next change (a paused teacher sends
   * none), so it asks REST once. */
  follow(state, sessionId) {
    this.update(state);
    if (this.local) {
      this.refreshLocal();
      return;
    }
    if (!state.selection) this.explained = false;
    else if (!this.explained) this.fetchExplanation(state.selection, sessionId);
  }

  /** GET /explain and /slice for a selection: the explain message they make. */
  async fetchMessage(selection, sessionId) {
    const query = new URLSearchParams({ layer: selection.layer, target: selection.target, point: selection.point });
    if (selection.source !== null && selection.source !== undefined) query.set("source", selection.source);
    const base = `${this.config.api}/sessions/${encodeURIComponent(sessionId)}`;
    const [explain, slice] = await Promise.all(
      [`${base}/explain?${query}`, `${base}/slice?${query}`].map(async (url) => {
        const response = await fetch(url);
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        return response.json();
      }),
    );
    return { type: "explain", selection, epoch: this.state ? this.state.epoch : 0, explain, slice };
  }

  async fetchExplanation(selection, sessionId) {
    const generation = this.generation;
    try {
      const message = await this.fetchMessage(selection, sessionId);
      // A live explanation, or another session, may have come meanwhile.
      if (this.explained || generation !== this.generation || this.local) return;
      this.show(message);
    } catch (error) {
      console.info(`explanation not available: ${error.message}`);
    }
  }

  /** An `explain` message from the session: the panel and the plot follow
   * it, unless a watcher is looking at something of their own. */
  explain(message) {
    this.teacherMessage = message;
    this.explained = Boolean(message.selection);
    if (this.local) {
      this.refreshLocal(); // the network moved: the watcher's own look follows it
      return;
    }
    this.show(message);
  }

  show(message) {
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
    const selection = {
      layer: target.layer,
      source: target.kind === "bias" ? null : target.source,
      target: target.kind === "bias" ? target.node : target.target,
      point: point < n ? point : 0,
    };
    if (this.watching) this.lookLocally(selection);
    else this.handlers.select(selection);
  }

  /** Another training point for the selected link (heatmap click, prev / next). */
  pickPoint(point) {
    if (!this.selection) return;
    if (this.watching) this.lookLocally({ ...this.selection, point });
    else this.handlers.select({ ...this.selection, point });
  }

  /** A watcher's own selection: explained from REST, on this screen only. */
  lookLocally(selection) {
    this.local = selection;
    this.localView.hidden = false;
    this.explainer.setLocal(true);
    this.refreshLocal(true);
  }

  /** Ask REST again for the watcher's selection, at most every
   * LOCAL_REFRESH_MS and one request at a time. */
  async refreshLocal(now = false) {
    if (!this.local) return;
    if (this.localBusy || (!now && performance.now() - this.localAt < LOCAL_REFRESH_MS)) {
      this.localDue = true;
      return;
    }
    this.localBusy = true;
    this.localDue = false;
    this.localAt = performance.now();
    const selection = this.local;
    const generation = this.generation;
    try {
      const message = await this.fetchMessage(selection, this.handlers.sessionId());
      if (this.local === selection && generation === this.generation) this.show(message);
    } catch (error) {
      console.info(`explanation not available: ${error.message}`);
    } finally {
      this.localBusy = false;
      if (this.localDue && this.local) setTimeout(() => this.refreshLocal(), LOCAL_REFRESH_MS);
    }
  }

  /** Back to the teacher's pointer. */
  followTeacher() {
    this.local = null;
    this.localDue = false;
    this.localView.hidden = true;
    this.explainer.setLocal(false);
    if (this.teacherMessage) this.show(this.teacherMessage);
    else {
      this.handlers.onSelection(null);
      this.explainer.reset();
      this.slice.reset();
    }
  }

  setWatching(watching) {
    this.watching = watching;
    for (const el of this.buttons) el.disabled = watching;
    this.explainer.setWatching(watching);
    if (!watching && this.local) this.followTeacher();
  }

  reset() {
    this.generation += 1; // answers still in flight belong to the session we left
    this.explained = false;
    this.teacherMessage = null;
    this.local = null;
    this.localView.hidden = true;
    this.explainer.setLocal(false);
    this.handlers.onSelection(null);
    this.explainer.reset();
    this.slice.reset();
  }
}
