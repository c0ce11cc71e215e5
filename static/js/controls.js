// The top bar (timeline buttons, epoch, menus), the DATA column (data-set
// thumbnails, sliders, regenerate), the output checkboxes and the speed
// control (the keyboard shortcuts are shortcuts.js). It turns user input into commands and config
// changes (handlers) and shows the server's state (update); it never
// decides what a change does: the server answers with a new state.

import { classCss } from "./classcolors.js";
import { css } from "./colors.js";
import { fieldTable, fillMenu, readValue, showValue } from "./fieldmenus.js";
import { reducedMotion } from "./motion.js";
import { fill, t, tn } from "./i18n.js";
import { scriptNodes } from "./symbols.js";
import { fmt } from "./typeset.js";

/** 1234 -> "001,234": six digits at least, thousands separated. */
export function formatEpoch(epoch) {
  const digits = String(Math.max(0, Math.floor(epoch))).padStart(6, "0");
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** A loss as the original writes it (0.123); huge ones as mantissa × 10ⁿ. */
export function formatLoss(value) {
  return Number.isFinite(value) && Math.abs(value) < 1e5 ? value.toFixed(3) : fmt(value, 3);
}

const $ = (id) => document.getElementById(id);
// Everything a watcher may not use (the diagram's buttons are added below).
const INPUTS = "#top-controls button, #top-controls select, .column.data input, .column.data button, .column.output input, #speed button, #beyond select, #beyond input";

/** Draw a data set's thumbnail as the original does: 4 x 4 squares on a
 * 100 x 100 canvas for x, y in [-6, 6]; colour(label) paints a point. */
function drawDatasetThumbnail(canvas, points, colour) {
  const ctx = canvas.getContext("2d");
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  for (const [x, y, label] of points) {
    ctx.fillStyle = colour(label);
    ctx.fillRect((100 * (x + 6)) / 12, (100 * (-y + 6)) / 12, 4, 4);
  }
}

export class Controls {
  /** config: the page config; handlers: onCommand(message), onConfig(fields),
   * onDisplay(field, value) (show test data / discretize, drawn at once). */
  constructor(config, handlers) {
    this.config = config;
    this.handlers = handlers;
    this.state = null;
    this.playing = false;
    this.watching = false;
    this.drawnClasses = null; // the class count the data-set pictures show
    this.epoch = $("iter-number");
    this.lossTrain = $("loss-train");
    this.lossTest = $("loss-test");
    this.playButton = $("play-pause-button");
    this.fields = fieldTable(config);
    // The bar's menus and the settings beyond the original (settings.js
    // shows and hides those): every control names its field.
    this.menus = [...document.querySelectorAll("#top-controls select[data-field], #beyond [data-field]")];
    for (const input of document.querySelectorAll("#beyond input[data-field]")) {
      const field = this.fields.get(input.dataset.field);
      Object.assign(input, { min: String(field.low), max: String(field.high), step: field.kind === "integer" ? "1" : "any" });
    }
    this.buildDatasets();
    this.buildSpeed();
    this.relabel();
    this.bind();
  }

  /** Menus, titles and counts in the current language (after a switch too). */
  relabel() {
    for (const menu of this.menus) {
      if (menu.tagName === "SELECT") fillMenu(menu, this.fields.get(menu.dataset.field));
    }
    for (const [name, button] of this.datasetButtons) {
      button.title = t(`option.dataset.${name}`);
      button.setAttribute("aria-label", t("data.dataset_label", { name: button.title }));
    }
    for (const button of this.speedButtons) button.title = tn("bar.speed_title", Number(button.dataset.speed));
    if (this.state) this.update(this.state);
  }

  buildDatasets() {
    const list = $("dataset-list");
    this.datasetButtons = new Map();
    for (const name of [...this.datasetNames("dataset"), ...this.datasetNames("regDataset")]) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "dataset";
      button.setAttribute("role", "radio"); // one of a radio group: the arrow keys choose (onDatasetKey)
      button.dataset.dataset = name;
      const canvas = document.createElement("canvas");
      canvas.width = 100;
      canvas.height = 100;
      button.appendChild(canvas);
      button.addEventListener("click", () => {
        const field = this.datasetNames("dataset").includes(name) ? "dataset" : "regDataset";
        this.handlers.onConfig({ [field]: name });
      });
      list.appendChild(button);
      this.datasetButtons.set(name, button);
    }
    list.addEventListener("keydown", (event) => this.onDatasetKey(event));
  }

  /** Arrow keys move to the next data set shown and choose it, as in any radio group. */
  onDatasetKey(event) {
    const delta = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
    const shown = [...this.datasetButtons.values()].filter((b) => !b.hidden && !b.disabled);
    const at = shown.indexOf(document.activeElement);
    if (!delta || at < 0) return;
    event.preventDefault();
    const next = shown[(at + delta + shown.length) % shown.length];
    next.focus();
    next.click();
  }

  /** The data-set pictures with `classes` classes (the server sends points
   * for each count; a data set that cannot make that many shows its own two). */
  drawDatasets(classes) {
    if (classes === this.drawnClasses) return;
    this.drawnClasses = classes;
    const points = this.pictures(classes);
    for (const [name, button] of this.datasetButtons) {
      const own = points[name]; // else its two-class picture, greyed out with its button (fitBeyond)
      drawDatasetThumbnail(button.querySelector("canvas"), own || this.config.thumbnails["2"][name] || [],
        own && classes > 2 ? classCss : css);
    }
  }

  /** The data sets that make `classes` classes, with their pictures' points. */
  pictures(classes) {
    return this.config.thumbnails[String(classes)] || {};
  }

  /** The data sets a field offers (dataset: classification, regDataset: regression). */
  datasetNames(field) {
    return this.fields.get(field).options.map((option) => option.value);
  }

  buildSpeed() {
    const group = $("speed");
    this.speedButtons = this.config.speeds.map((speed) => {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = String(speed);
      button.dataset.speed = String(speed);
      button.setAttribute("aria-pressed", String(speed === 1));
      button.addEventListener("click", () => this.handlers.onCommand({ type: "speed", epochs_per_frame: speed }));
      group.appendChild(button);
      return button;
    });
  }

  bind() {
    $("reset-button").addEventListener("click", () => this.handlers.onCommand({ type: "reset" }));
    this.playButton.addEventListener("click", () => this.togglePlay());
    $("next-step-button").addEventListener("click", () => this.handlers.onCommand({ type: "step" }));
    $("data-regen-button").addEventListener("click", () => this.handlers.onCommand({ type: "regenerate" }));
    for (const menu of this.menus) {
      menu.addEventListener("change", () => {
        const field = this.fields.get(menu.dataset.field);
        this.handlers.onConfig({ [field.name]: readValue(menu, field) });
      });
    }
    for (const slider of document.querySelectorAll(".column.data input[type=range][data-field]")) {
      // The label follows the thumb while dragging; the change is sent on release.
      slider.addEventListener("input", () => this.showSlider(slider));
      slider.addEventListener("change", () => this.handlers.onConfig({ [slider.dataset.field]: Number(slider.value) }));
    }
    for (const box of document.querySelectorAll(".column.output input[type=checkbox]")) {
      box.addEventListener("change", () => {
        this.handlers.onDisplay(box.dataset.field, box.checked);
        this.handlers.onConfig({ [box.dataset.field]: box.checked });
      });
    }
    $("add-layers").addEventListener("click", () => this.changeLayers(1));
    $("remove-layers").addEventListener("click", () => this.changeLayers(-1));
    // Which of the two had the focus last, if the focus has not moved elsewhere since.
    document.addEventListener("focusin", (event) => {
      this.lastLayerButton = ["add-layers", "remove-layers"].includes(event.target.id) ? event.target : null;
    });
    $("more-button").addEventListener("click", () => $("article-text").scrollIntoView({ behavior: reducedMotion() ? "auto" : "smooth" }));
  }

  /** Whether a button (playButton, stepButton, resetButton) is there to
   * use: the session hides none of it and we control the session. */
  usable(name) {
    const hidden = new Set((this.state && this.state.config.hidden) || []);
    return !this.watching && !hidden.has(name);
  }

  togglePlay() {
    this.handlers.onCommand({ type: this.playing ? "pause" : "play" });
  }

  changeLayers(delta) {
    if (!this.state) return;
    const shape = [...this.state.config.networkShape];
    if (delta > 0 && shape.length < this.config.maxHiddenLayers) shape.push(2);
    else if (delta < 0 && shape.length > 0) shape.pop();
    else return;
    this.handlers.onConfig({ networkShape: shape });
  }

  showSlider(slider) {
    $(`${slider.id}-value`).textContent = slider.value;
    const fill = ((slider.value - slider.min) / (slider.max - slider.min)) * 100;
    slider.style.setProperty("--fill", `${fill}%`);
  }

  setPlaying(playing) {
    this.playing = playing;
    this.playButton.classList.toggle("playing", playing);
    this.playButton.setAttribute("aria-pressed", String(playing)); // a screen reader hears whether it plays
  }

  setSpeed(epochsPerFrame) {
    for (const button of this.speedButtons) {
      button.setAttribute("aria-pressed", String(Number(button.dataset.speed) === epochsPerFrame));
    }
  }

  /** update(state): show a `state` message. */
  update(state) {
    this.state = state;
    const c = state.config;
    for (const menu of this.menus) showValue(menu, c[menu.dataset.field]);
    for (const id of ["percTrainData", "noise", "batchSize"]) {
      const slider = $(id);
      slider.value = String(c[id]);
      this.showSlider(slider);
    }
    $("show-test-data").checked = c.showTestData;
    $("discretize").checked = c.discretize;
    const regression = c.problem === "regression";
    const names = this.datasetNames(regression ? "regDataset" : "dataset");
    const selected = regression ? c.regDataset : c.dataset;
    let slot = 0;
    for (const [name, button] of this.datasetButtons) {
      const shown = names.includes(name);
      button.hidden = !shown;
      button.classList.toggle("selected", name === selected);
      button.setAttribute("aria-checked", String(name === selected));
      button.tabIndex = name === selected ? 0 : -1; // one tab stop for the group
      if (shown) {
        button.style.left = `${(slot % 2) * 48}px`;
        button.style.top = `${Math.floor(slot / 2) * 48}px`;
        slot += 1;
      }
    }
    this.drawDatasets(regression ? 2 : c.classes);
    const layers = c.networkShape.length;
    const count = $("num-layers");
    count.textContent = String(layers);
    // "2 hidden layers", "은닉 계층 2개": the count where the language puts it.
    $("layer-count").replaceChildren(...fill(`network.layer_count.${layers === 1 ? "one" : "other"}`, { n: count }));
    const add = $("add-layers");
    const remove = $("remove-layers");
    add.disabled = layers >= this.config.maxHiddenLayers;
    remove.disabled = layers <= 0;
    // The last layer removed (or the most added) disables the focused button: the focus goes to its pair.
    if (document.activeElement === document.body || document.activeElement.disabled) {
      if (add.disabled && this.lastLayerButton === add) remove.focus();
      else if (remove.disabled && this.lastLayerButton === remove) add.focus();
    }
    this.setPlaying(state.playing);
    this.setSpeed(state.epochs_per_frame);
    this.showNumbers(state.epoch, state.loss_train, state.loss_test);
    for (const el of document.querySelectorAll(INPUTS)) el.disabled = false;
    this.fitBeyond(c);
    this.disableForWatching();
  }

  /** The settings beyond the original that apply to this setup: momentum's
   * μ with the momentum optimizer only; classes for classification only;
   * with three or more classes the loss is always cross-entropy (a softmax
   * output), so the squared losses are greyed out rather than refused, and
   * so is a data set that makes two classes only (xor). */
  fitBeyond(c) {
    $("momentum-control").hidden = c.optimizer !== "momentum";
    const regression = c.problem === "regression";
    $("classes").disabled = regression;
    for (const option of $("loss").options) {
      option.disabled = c.classes > 2 && !regression && !["auto", "cross-entropy"].includes(option.value);
    }
    const made = this.pictures(regression ? 2 : c.classes);
    const classification = new Set(this.datasetNames("dataset"));
    for (const [name, button] of this.datasetButtons) {
      const twoOnly = !regression && c.classes > 2 && classification.has(name) && !(name in made); // xor
      button.disabled = twoOnly;
      button.title = twoOnly ? t("data.two_classes_only", { name: t(`option.dataset.${name}`) }) : t(`option.dataset.${name}`);
    }
  }

  showNumbers(epoch, lossTrain, lossTest) {
    this.epoch.textContent = formatEpoch(epoch);
    this.lossTrain.replaceChildren(...scriptNodes(formatLoss(lossTrain)));
    this.lossTest.replaceChildren(...scriptNodes(formatLoss(lossTest)));
  }

  /** Per-frame: epoch and losses. The play state comes from `state` and
   * `status` messages only: a frame drawn just after a pause was made before
   * it, and would flip the button back. */
  updateFrame(frame) {
    this.showNumbers(frame.epoch, frame.lossTrain, frame.lossTest);
  }

  /** Watchers see the controls but cannot use them. */
  setWatching(watching) {
    this.watching = watching;
    document.body.classList.toggle("watching", watching);
    if (this.state) this.update(this.state);
    else this.disableForWatching();
  }

  disableForWatching() {
    if (!this.watching) return;
    for (const el of document.querySelectorAll(`${INPUTS}, #main-part .mini-button`)) el.disabled = true;
  }

  reset() {
    this.epoch.textContent = formatEpoch(0);
  }
}
