// Comparing side by side (issue 18): two or three runs from the same start
// that differ in one setting, trained whenever the session trains. The
// `comparison` message says what is compared and the measures the scenes'
// captions quote (the output weights' size, the mean slope f′(z) per hidden
// layer, identical hidden nodes); each kind-3 frame (socket.js) brings every
// run's epoch, losses and 50×50 output. Drawn here: the loss curves on one
// chart (colours apart under colour-blindness, and dashes too), a small
// heatmap per run, drawn as the big one, and the measures; and, outside the
// deck, the choice of a setting and its values to compare, or the end of it.

import { paintBytes } from "./colors.js";
import { fieldTable, menuValues, valueLabel } from "./fieldmenus.js";
import { inLanguage } from "./deck.js";
import { t } from "./i18n.js";
import { svgEl } from "./svg.js";
import { fmt } from "./typeset.js";

const $ = (id) => document.getElementById(id);
// Okabe–Ito blue, vermilion and bluish green, each with its own dash: told apart without colour too.
export const RUN_STYLES = [
  { color: "#0072B2", dash: "" },
  { color: "#D55E00", dash: "6 3" },
  { color: "#009E73", dash: "2 2" },
];
// Settings the page offers to compare: a menu of values, a setting that keeps the data.
const NOT_COMPARED = new Set(["stepUnit", "train", "hidden", "networkShape", "classes", "stopEpoch", "stopLoss"]);

export class ComparisonPanel {
  /** config: the page config; handlers: command(message), controlling() -> bool. */
  constructor(config, handlers) {
    this.handlers = handlers;
    this.root = $("comparison");
    this.chart = $("comparison-chart");
    this.runsBox = $("comparison-runs");
    this.heading = $("comparison-title");
    this.fields = fieldTable(config);
    this.fieldMenu = $("compare-field");
    this.valueMenus = [...document.querySelectorAll("#compare-values select")];
    this.message = null;
    this.history = []; // per run: [epoch, loss] points since the comparison began
    this.width = Number(this.chart.getAttribute("width"));
    this.height = Number(this.chart.getAttribute("height"));
    this.fieldMenu.addEventListener("change", () => this.fillValues());
    $("compare-start").addEventListener("click", () => this.start());
    $("compare-end").addEventListener("click", () => this.handlers.command({ type: "compare", field: null }));
    this.relabel();
  }

  comparable() {
    return [...this.fields.values()].filter((f) => f.place && ["live", "reset"].includes(f.effect) && !NOT_COMPARED.has(f.name)
      && menuValues(f).length >= 2);
  }

  relabel() {
    const chosen = this.fieldMenu.value;
    this.fieldMenu.replaceChildren(...this.comparable().map((f) => new Option(t(f.labelKey), f.name)));
    if (chosen) this.fieldMenu.value = chosen;
    this.fillValues();
    if (this.message) this.draw();
  }

  fillValues() {
    const field = this.fields.get(this.fieldMenu.value);
    if (!field) return;
    const values = menuValues(field);
    this.valueMenus.forEach((menu, k) => {
      const chosen = menu.value;
      const options = values.map((value) => new Option(valueLabel(field, value), String(value)));
      if (k === 2) options.unshift(new Option(t("compare.none"), ""));
      menu.replaceChildren(...options);
      menu.value = chosen && values.map(String).includes(chosen) ? chosen : k === 2 ? "" : String(values[Math.min(k, values.length - 1)]);
    });
  }

  start() {
    const field = this.fields.get(this.fieldMenu.value);
    if (!field) return;
    const typed = (text) => (field.kind === "number" || field.kind === "integer" ? Number(text) : text);
    const values = this.valueMenus.map((menu) => menu.value).filter((v) => v !== "").map(typed);
    this.handlers.command({ type: "compare", field: field.name, values });
  }

  /** `comparison` messages and the kind-3 frames (type "comparison-frame"). */
  receive(message) {
    if (message.type === "comparison") {
      const same = this.message && message.recipe && JSON.stringify(this.message.recipe) === JSON.stringify(message.recipe)
        && this.message.runs.length === message.runs.length;
      this.message = message.recipe ? message : null;
      if (same) {
        this.message.runs.forEach((run, k) => this.showMeasures(run, k)); // the pictures stay until the next frame
        return;
      }
      this.history = this.message ? message.runs.map((run) => [[run.epoch, Number(run.loss_train)]]) : [];
      this.draw();
    } else if (message.type === "comparison-frame" && this.message && message.runs.length === this.message.runs.length) {
      message.runs.forEach((run, k) => {
        const points = this.history[k];
        const last = points[points.length - 1];
        if (!last || run.epoch !== last[0]) points.push([run.epoch, run.lossTrain]);
        if (points.length > 2000) points.splice(0, points.length - 2000);
        this.paint(k, run.output, message.side);
      });
      this.frame = message;
      this.drawChart();
      this.drawLosses(message.runs);
    }
  }

  update() {
    this.setUsable();
  }

  setWatching() {
    this.setUsable();
  }

  setUsable() {
    const usable = this.handlers.controlling();
    for (const el of [this.fieldMenu, ...this.valueMenus, $("compare-start"), $("compare-end")]) el.disabled = !usable;
  }

  reset() {
    this.message = null;
    this.history = [];
    this.draw();
  }

  /** A run's label in the page's language: the scene's, or the setting's own words. */
  label(run) {
    const recipe = this.message.recipe;
    if (recipe.field) {
      const field = this.fields.get(recipe.field);
      const value = recipe.values[this.message.runs.indexOf(run)];
      if (field) return `${t(field.labelKey)}: ${valueLabel(field, value)}`;
    }
    return inLanguage(run.label);
  }

  draw() {
    const on = Boolean(this.message);
    this.root.classList.toggle("comparing", on);
    this.root.dataset.runs = on ? String(this.message.runs.length) : "0";
    $("compare-end").hidden = !on;
    this.heading.textContent = on ? t("compare.title_on") : t("compare.title");
    this.runsBox.replaceChildren(...(on ? this.message.runs.map((run, k) => this.card(run, k)) : []));
    this.chart.closest("figure").hidden = !on;
    this.drawChart();
    this.setUsable();
  }

  card(run, k) {
    const style = RUN_STYLES[k % RUN_STYLES.length];
    const card = document.createElement("div");
    card.className = "run-card";
    card.dataset.run = String(k);
    const head = document.createElement("h4");
    const key = document.createElement("span");
    key.className = "run-key";
    key.style.borderTop = `3px ${style.dash ? "dashed" : "solid"} ${style.color}`;
    head.append(key, this.label(run));
    const canvas = document.createElement("canvas");
    canvas.width = this.message.side;
    canvas.height = this.message.side;
    canvas.className = "run-output";
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", t("compare.output", { run: this.label(run) }));
    const list = document.createElement("dl");
    const add = (term, value, name) => {
      const dt = document.createElement("dt");
      dt.textContent = term;
      const dd = document.createElement("dd");
      dd.textContent = value;
      dd.dataset.measure = name;
      list.append(dt, dd);
    };
    for (const name of ["loss_train", "output_weight_norm", "mean_slope", "identical_nodes"]) add(t(`compare.${name}`), "", name);
    card.append(head, canvas, list);
    this.showMeasures(run, k, card);
    return card;
  }

  /** The measures the captions quote, with their exact values on data-value. */
  showMeasures(run, k, card = this.runsBox.querySelector(`[data-run="${k}"]`)) {
    if (!card) return;
    const shown = {
      loss_train: fmt(Number(run.loss_train), 3),
      output_weight_norm: fmt(Number(run.output_weight_norm), 3),
      mean_slope: run.mean_slope.map((v) => fmt(Number(v), 3)).join(", ") || "\u2013",
      identical_nodes: run.identical_nodes.map((same) => t(same ? "compare.yes" : "compare.no")).join(", ") || "\u2013",
    };
    for (const [name, text] of Object.entries(shown)) {
      const cell = card.querySelector(`[data-measure="${name}"]`);
      cell.textContent = text;
      cell.dataset.value = JSON.stringify(run[name]);
    }
  }

  paint(k, bytes, side) {
    const canvas = this.runsBox.querySelector(`[data-run="${k}"] canvas`);
    if (!canvas) return;
    const context = canvas.getContext("2d");
    const image = context.createImageData(side, side);
    paintBytes(bytes, new Uint32Array(image.data.buffer), false);
    context.putImageData(image, 0, 0);
  }

  drawLosses(runs) {
    runs.forEach((run, k) => {
      const cell = this.runsBox.querySelector(`[data-run="${k}"] [data-measure="loss_train"]`);
      if (cell) cell.textContent = fmt(run.lossTrain, 3);
    });
  }

  /** Every run's training loss since the comparison began, on one chart (epochs across). */
  drawChart() {
    this.chart.replaceChildren();
    const all = this.history.flat().filter(([, loss]) => Number.isFinite(loss));
    if (!this.message || all.length === 0) return;
    const pad = 6;
    const epochs = all.map(([e]) => e);
    const losses = all.map(([, l]) => l);
    const [e0, e1] = [Math.min(...epochs), Math.max(...epochs, Math.min(...epochs) + 1)];
    const [l0, l1] = [Math.min(0, ...losses), Math.max(...losses) || 1];
    const px = (e) => pad + ((e - e0) / (e1 - e0)) * (this.width - 2 * pad);
    const py = (l) => this.height - pad - ((Math.min(l, l1) - l0) / (l1 - l0 || 1)) * (this.height - 2 * pad);
    svgEl("line", { class: "axis", x1: pad, x2: this.width - pad, y1: this.height - pad, y2: this.height - pad }, this.chart);
    this.history.forEach((points, k) => {
      const style = RUN_STYLES[k % RUN_STYLES.length];
      const d = points.filter(([, l]) => Number.isFinite(l)).map(([e, l], i) => `${i ? "L" : "M"}${px(e).toFixed(1)},${py(l).toFixed(1)}`).join("");
      svgEl("path", { d, class: "run-curve", "data-run": k, stroke: style.color, "stroke-dasharray": style.dash, fill: "none" }, this.chart);
    });
    this.chart.dataset.domain = JSON.stringify({ epochs: [e0, e1], losses: [l0, l1] });
  }
}
