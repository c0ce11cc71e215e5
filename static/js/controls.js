// The top bar (timeline buttons, epoch), the speed control, the hidden
// layers' count, and every control the field table places (menus, sliders,
// checkboxes, entries: drawn by templates/partials/controls.html, wired here
// by their widget; the data sets' pictures: datapictures.js). The keyboard
// shortcuts are shortcuts.js. It turns user input into commands and config
// changes (handlers) and shows the server's state (update), including what
// the rules between fields allow now (`state.choices`); it never decides
// what a change does: the server answers with a new state.

import { DataPictures } from "./datapictures.js";
import { fieldTable, fillMenu, readValue, showValue } from "./fieldmenus.js";
import { reducedMotion } from "./motion.js";
import { fill, tn } from "./i18n.js";
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
// Everything a watcher may not use besides the table's controls (the diagram's buttons are added below).
const INPUTS = "#top-controls button, .column.data input, .column.data button, #speed button";
// The widgets the template draws from the table; each is one element with data-field.
const TEMPLATE_WIDGETS = new Set(["menu", "slider", "checkbox", "entry"]);

export class Controls {
  /** config: the page config; handlers: onCommand(message), onConfig(fields),
   * onStep() (the Step button: what one step is, the page decides),
   * onDisplay(field, value) (a live field drawn at once: show test data, discretize). */
  constructor(config, handlers) {
    this.config = config;
    this.handlers = handlers;
    this.state = null;
    this.playing = false;
    this.watching = false;
    this.lastLayerButton = null; // which of + / − had the focus last (see update)
    this.epoch = $("iter-number");
    this.lossTrain = $("loss-train");
    this.lossTest = $("loss-test");
    this.playButton = $("play-pause-button");
    this.fields = fieldTable(config);
    // Every control the template drew from the table: {field, element, wrapper}.
    this.placed = config.fields
      .filter((field) => field.place && TEMPLATE_WIDGETS.has(field.place.widget))
      .map((field) => ({ field, element: $(field.place.id), wrapper: $(`${field.name}-control`) }));
    const pictures = config.fields.filter((field) => field.place && field.place.widget === "pictures");
    this.pictures = new DataPictures($("dataset-list"), config, pictures, (fields) => handlers.onConfig(fields));
    this.speedButtons = this.buildSpeed();
    this.relabel();
    this.bind();
  }

  /** Menus, titles and counts in the current language (after a switch too). */
  relabel() {
    for (const { field, element } of this.placed) {
      if (field.place.widget === "menu") fillMenu(element, field);
    }
    this.pictures.relabel();
    for (const button of this.speedButtons) button.title = tn("bar.speed_title", Number(button.dataset.speed));
    if (this.state) this.update(this.state);
  }

  buildSpeed() {
    const group = $("speed");
    return this.config.speeds.map((speed) => {
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
    $("next-step-button").addEventListener("click", () => this.handlers.onStep());
    $("data-regen-button").addEventListener("click", () => this.handlers.onCommand({ type: "regenerate" }));
    for (const { field, element } of this.placed) {
      const send = () => {
        const value = readValue(element, field);
        if (field.place.widget === "checkbox") this.handlers.onDisplay(field.name, value);
        this.handlers.onConfig({ [field.name]: value });
      };
      // A slider's label follows the thumb while dragging; the change is sent on release.
      if (field.place.widget === "slider") element.addEventListener("input", () => this.showSlider(element));
      element.addEventListener("change", send);
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
    for (const { field, element } of this.placed) {
      showValue(element, c[field.name]);
      if (field.place.widget === "slider") this.showSlider(element);
    }
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
    this.pictures.update(state); // after the line above: its refused pictures stay greyed out
    this.showChoices(state.choices);
    this.disableForWatching();
  }

  /** What the rules between fields allow now, as the server says
   * (core.config.PlaygroundConfig.choices): a menu's refused values are
   * greyed out (three or more classes: the squared losses), and a control
   * whose field does not apply is greyed out, or hidden where the table says
   * so (momentum's μ without the momentum optimizer). */
  showChoices(choices) {
    const unused = new Set(choices.unused);
    for (const { field, element, wrapper } of this.placed) {
      const off = unused.has(field.name);
      if (field.place.hideUnused) wrapper.hidden = off;
      element.disabled = off;
      if (field.place.widget === "menu") {
        const refused = new Set((choices.refused[field.name] || []).map(String));
        for (const option of element.options) option.disabled = refused.has(option.value);
      }
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
    for (const { element } of this.placed) element.disabled = true;
  }

  reset() {
    this.epoch.textContent = formatEpoch(0);
  }
}
