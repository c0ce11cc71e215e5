// The DATA column's data sets: one picture per value of each field the table
// places as "pictures" (dataset, regDataset: core/fields.py), drawn from the
// server's generator output (the page config's thumbnails), as one radio group
// (arrow keys choose). Which field's pictures show (the one in use) and which
// of its values the rules refuse come from the state's `choices`: the page
// decides nothing.

import { classCss } from "./classcolors.js";
import { css } from "./colors.js";
import { t } from "./i18n.js";

/** Draw a data set's thumbnail as the original does: 4 x 4 squares on a
 * 100 x 100 canvas for x, y in [-6, 6]; colour(label) paints a point. */
function drawThumbnail(canvas, points, colour) {
  const ctx = canvas.getContext("2d");
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  for (const [x, y, label] of points) {
    ctx.fillStyle = colour(label);
    ctx.fillRect((100 * (x + 6)) / 12, (100 * (-y + 6)) / 12, 4, 4);
  }
}

export class DataPictures {
  /** list: the radio group's element; config: the page config; fields: the
   * picture fields' rows; onChoose(fields) sends the change. */
  constructor(list, config, fields, onChoose) {
    this.config = config;
    this.drawnClasses = null; // the class count the pictures show
    this.buttons = new Map(); // value -> button
    for (const field of fields) {
      for (const option of field.options) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "dataset";
        button.setAttribute("role", "radio");
        button.dataset.dataset = option.value;
        button.dataset.field = field.name;
        button.labelKey = option.labelKey;
        const canvas = document.createElement("canvas");
        canvas.width = 100;
        canvas.height = 100;
        button.appendChild(canvas);
        button.addEventListener("click", () => onChoose({ [field.name]: option.value }));
        list.appendChild(button);
        this.buttons.set(option.value, button);
      }
    }
    list.addEventListener("keydown", (event) => this.onKey(event));
  }

  /** Arrow keys move to the next data set shown and choose it, as in any radio group. */
  onKey(event) {
    const delta = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
    const shown = [...this.buttons.values()].filter((b) => !b.hidden && !b.disabled);
    const at = shown.indexOf(document.activeElement);
    if (!delta || at < 0) return;
    event.preventDefault();
    const next = shown[(at + delta + shown.length) % shown.length];
    next.focus();
    next.click();
  }

  /** Titles in the current language; a refused picture says why (the one rule
   * that refuses a data set: with three or more classes, one that makes two). */
  relabel() {
    for (const button of this.buttons.values()) {
      const name = t(button.labelKey);
      button.title = button.disabled ? t("data.two_classes_only", { name }) : name;
      button.setAttribute("aria-label", t("data.dataset_label", { name }));
    }
  }

  /** update(state): the field in use shows its pictures, two to a row; its
   * value is chosen; the values the rules refuse are greyed out. */
  update(state) {
    const { config, choices } = state;
    const unused = new Set(choices.unused);
    let slot = 0;
    for (const [value, button] of this.buttons) {
      const field = button.dataset.field;
      const chosen = !unused.has(field) && config[field] === value;
      button.hidden = unused.has(field);
      button.disabled = (choices.refused[field] || []).includes(value);
      button.classList.toggle("selected", chosen);
      button.setAttribute("aria-checked", String(chosen));
      button.tabIndex = chosen ? 0 : -1; // one tab stop for the group
      if (!button.hidden) {
        button.style.left = `${(slot % 2) * 48}px`;
        button.style.top = `${Math.floor(slot / 2) * 48}px`;
        slot += 1;
      }
    }
    this.draw(config.problem === "regression" ? 2 : config.classes);
    this.relabel();
  }

  /** The pictures with `classes` classes (the server sends points for each
   * count; a data set that cannot make that many shows its own two). */
  draw(classes) {
    if (classes === this.drawnClasses) return;
    this.drawnClasses = classes;
    const points = this.config.thumbnails[String(classes)] || {};
    for (const [value, button] of this.buttons) {
      const own = points[value]; // else its two-class picture, greyed out with its button
      drawThumbnail(button.querySelector("canvas"), own || this.config.thumbnails["2"][value] || [],
        own && classes > 2 ? classCss : css);
    }
  }
}
