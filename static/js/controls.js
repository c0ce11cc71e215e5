// The top bar (timeline buttons, epoch, menus), the DATA column (data-set
// thumbnails, sliders, regenerate), the output checkboxes, the speed control
// and the keyboard shortcuts. It turns user input into commands and config
// changes (handlers) and shows the server's state (update); it never
// decides what a change does: the server answers with a new state.

import { css } from "./colors.js";
import { t, tn } from "./i18n.js";

/** 1234 -> "001,234": six digits at least, thousands separated. */
export function formatEpoch(epoch) {
  const digits = String(Math.max(0, Math.floor(epoch))).padStart(6, "0");
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

export function formatLoss(value) {
  return Number.isFinite(value) ? value.toFixed(3) : String(value);
}

const $ = (id) => document.getElementById(id);

/** Fill a menu; `field` names its option messages (option.<field>.<value>),
 * null for numbers, which are shown as they are. */
function fillSelect(select, values, field = null) {
  const chosen = select.value;
  select.replaceChildren(
    ...values.map((value) => {
      const option = document.createElement("option");
      option.value = String(value);
      option.textContent = field ? t(`option.${field}.${value}`) : String(value);
      return option;
    }),
  );
  if (chosen) select.value = chosen;
}

/** Select `value`, adding it as an option first if a pasted hash carries a
 * number the menu does not list (the server accepts any in range). */
function setSelect(select, value) {
  const text = String(value);
  if (![...select.options].some((option) => option.value === text)) {
    const option = document.createElement("option");
    option.value = text;
    option.textContent = text;
    const after = [...select.options].find((o) => Number(o.value) > value);
    select.insertBefore(option, after || null);
  }
  select.value = text;
}

/** Draw a data set's thumbnail as the original does: 4 x 4 squares on a
 * 100 x 100 canvas for x, y in [-6, 6]. */
function drawDatasetThumbnail(canvas, points) {
  const ctx = canvas.getContext("2d");
  for (const [x, y, label] of points) {
    ctx.fillStyle = css(label);
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
    this.epoch = $("iter-number");
    this.lossTrain = $("loss-train");
    this.lossTest = $("loss-test");
    this.playButton = $("play-pause-button");
    fillSelect($("learningRate"), config.learningRates);
    fillSelect($("regularRate"), config.regularizationRates);
    this.buildDatasets();
    this.buildSpeed();
    this.relabel();
    this.bind();
  }

  /** Menus, titles and counts in the current language (after a switch too). */
  relabel() {
    fillSelect($("activations"), this.config.activations, "activation");
    fillSelect($("regularizations"), this.config.regularizations, "regularization");
    fillSelect($("problem"), this.config.problems, "problem");
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
    for (const name of [...this.config.datasets, ...this.config.regDatasets]) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "dataset";
      button.dataset.dataset = name;
      const canvas = document.createElement("canvas");
      canvas.width = 100;
      canvas.height = 100;
      drawDatasetThumbnail(canvas, this.config.thumbnails[name] || []);
      button.appendChild(canvas);
      button.addEventListener("click", () => {
        const field = this.config.datasets.includes(name) ? "dataset" : "regDataset";
        this.handlers.onConfig({ [field]: name });
      });
      list.appendChild(button);
      this.datasetButtons.set(name, button);
    }
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
    for (const select of document.querySelectorAll("#top-controls select")) {
      select.addEventListener("change", () => {
        const value = select.dataset.kind === "number" ? Number(select.value) : select.value;
        this.handlers.onConfig({ [select.dataset.field]: value });
      });
    }
    for (const slider of document.querySelectorAll(".column.data input[type=range]")) {
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
    // Cancelling a space's keydown also stops it from clicking a focused
    // button, so space means play/pause wherever the focus is.
    document.addEventListener("keydown", (event) => this.onKey(event));
    $("more-button").addEventListener("click", () => $("article-text").scrollIntoView({ behavior: "smooth" }));
  }

  isTyping(target) {
    const tag = target && target.tagName;
    return tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA" || (target && target.isContentEditable);
  }

  onKey(event) {
    if (event.ctrlKey || event.metaKey || event.altKey || this.isTyping(event.target)) return;
    if (document.body.classList.contains("watching")) return;
    const hidden = new Set((this.state && this.state.config.hidden) || []);
    if (event.key === " " && !hidden.has("playButton")) this.togglePlay();
    else if ((event.key === "s" || event.key === "S") && !hidden.has("stepButton")) this.handlers.onCommand({ type: "step" });
    else if ((event.key === "r" || event.key === "R") && !hidden.has("resetButton")) this.handlers.onCommand({ type: "reset" });
    else return;
    event.preventDefault();
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
    setSelect($("learningRate"), c.learningRate);
    $("activations").value = c.activation;
    $("regularizations").value = c.regularization;
    setSelect($("regularRate"), c.regularizationRate);
    $("problem").value = c.problem;
    for (const id of ["percTrainData", "noise", "batchSize"]) {
      const slider = $(id);
      slider.value = String(c[id]);
      this.showSlider(slider);
    }
    $("show-test-data").checked = c.showTestData;
    $("discretize").checked = c.discretize;
    const regression = c.problem === "regression";
    const names = regression ? this.config.regDatasets : this.config.datasets;
    const selected = regression ? c.regDataset : c.dataset;
    let slot = 0;
    for (const [name, button] of this.datasetButtons) {
      const shown = names.includes(name);
      button.hidden = !shown;
      button.classList.toggle("selected", name === selected);
      if (shown) {
        button.style.left = `${(slot % 2) * 48}px`;
        button.style.top = `${Math.floor(slot / 2) * 48}px`;
        slot += 1;
      }
    }
    const layers = c.networkShape.length;
    $("num-layers").textContent = String(layers);
    $("layers-label").textContent = tn("network.hidden_layers", layers);
    $("add-layers").disabled = layers >= this.config.maxHiddenLayers;
    $("remove-layers").disabled = layers <= 0;
    this.setPlaying(state.playing);
    this.setSpeed(state.epochs_per_frame);
    this.showNumbers(state.epoch, state.loss_train, state.loss_test);
    for (const el of document.querySelectorAll("#top-controls button, #top-controls select, .column.data input, .column.data button, .column.output input, #speed button")) {
      el.disabled = false;
    }
    this.disableForWatching();
  }

  showNumbers(epoch, lossTrain, lossTest) {
    this.epoch.textContent = formatEpoch(epoch);
    this.lossTrain.textContent = formatLoss(lossTrain);
    this.lossTest.textContent = formatLoss(lossTest);
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
    const inputs = "#top-controls button, #top-controls select, .column.data input, .column.data button, .column.output input, #speed button, #main-part .mini-button";
    for (const el of document.querySelectorAll(inputs)) el.disabled = true;
  }

  reset() {
    this.epoch.textContent = formatEpoch(0);
  }
}
