// Classification at a glance, under the heatmap: the classes' legend (three
// or more classes: each class's colour and label), the training and test
// accuracy, and a small confusion matrix (row = true class, column =
// predicted, in label order) of the training or the test points. The
// numbers come with every frame but are shown at most every EVERY_MS (the
// latest one last): a reader cannot follow 60 changes a second, and a frame
// then costs the picture only (measured: about 2 ms of main thread a frame
// on the 6x8 spiral otherwise). The DOM is touched only where a number
// changed, and nothing here reads layout.

import { classCss } from "./classcolors.js";
import { css } from "./colors.js";
import { fill, t } from "./i18n.js";
import { markSwatch } from "./shapes.js";

const SHADES = 10; // a cell's background steps with its share of the row
const EVERY_MS = 250;

/** The classes' labels as the data writes them: −1 and +1, or 0 .. K − 1. */
export function classLabels(classes) {
  return classes > 2 ? Array.from({ length: classes }, (_, k) => String(k)) : ["\u22121", "+1"];
}

function swatch(classes, k) {
  if (classes > 2) return markSwatch(k, classes, classCss(k)); // its shape too, as the points have
  const el = document.createElement("span");
  el.className = "swatch";
  el.style.background = css(k === 0 ? -1 : 1);
  return el;
}

function percent(value) {
  return value === null || value === undefined || Number.isNaN(value) ? "\u2013" : `${(100 * value).toFixed(1)}%`;
}

export class ClassMetrics {
  /** root: #class-metrics; legend: #class-legend. */
  constructor(root, legend) {
    this.root = root;
    this.legend = legend;
    this.accuracy = root.querySelector(".accuracy");
    this.table = root.querySelector("table");
    this.setButtons = [...root.querySelectorAll("[data-set]")];
    this.shown = "test"; // which points the matrix counts
    for (const button of this.setButtons) {
      button.addEventListener("click", () => this.showSet(button.dataset.set));
    }
    this.reset();
  }

  reset() {
    clearTimeout(this.timer);
    this.timer = null;
    this.latest = null;
    this.shownAt = -Infinity;
    this.classes = 0;
    this.cells = [];
    this.values = null; // the counts shown, to touch only what changed
    this.last = null; // {accuracyTrain, accuracyTest, confusionTrain, confusionTest}: flat arrays
    this.root.hidden = true;
    this.legend.hidden = true;
  }

  /** Which points the matrix counts: "train" or "test". */
  showSet(set) {
    this.shown = set;
    for (const button of this.setButtons) button.setAttribute("aria-pressed", String(button.dataset.set === set));
    this.table.dataset.set = set;
    if (this.last) this.show(this.last);
  }

  /** Text in the current language (after a switch). */
  relabel() {
    const classes = this.classes;
    this.classes = 0; // rebuilt with the new words
    if (classes) this.build(classes);
    if (this.last) this.show(this.last);
  }

  /** update(state): the state's metrics (null for regression). */
  update(state) {
    clearTimeout(this.timer); // a frame still waiting is older than this state
    this.timer = null;
    this.latest = null;
    const classes = state.confusion_train ? state.confusion_train.length : 0;
    this.apply(classes, {
      accuracyTrain: state.accuracy_train,
      accuracyTest: state.accuracy_test,
      confusionTrain: state.confusion_train ? state.confusion_train.flat() : null,
      confusionTest: state.confusion_test ? state.confusion_test.flat() : null,
    });
  }

  /** Per frame: the frame's metrics (K = 0 for regression), shown at most every EVERY_MS. */
  updateFrame(frame) {
    this.latest = frame;
    if (this.timer) return;
    const wait = this.shownAt + EVERY_MS - performance.now();
    if (wait <= 0) this.showLatest();
    else this.timer = setTimeout(() => this.showLatest(), wait);
  }

  showLatest() {
    this.timer = null;
    this.shownAt = performance.now();
    if (this.latest) this.apply(this.latest.classes, this.latest);
  }

  apply(classes, metrics) {
    if (classes !== this.classes) this.build(classes);
    if (!classes) return;
    this.last = metrics;
    this.show(metrics);
  }

  /** The table and the legend for K classes (0: hidden). */
  build(classes) {
    this.classes = classes;
    this.root.hidden = classes === 0;
    this.legend.hidden = classes < 3;
    if (!classes) return;
    const labels = classLabels(classes);
    this.legend.replaceChildren(
      ...labels.map((label, k) => {
        const item = document.createElement("span");
        item.className = "legend-item";
        item.append(swatch(classes, k), t("metrics.class", { label }));
        return item;
      }),
    );
    this.trainValue = document.createElement("span");
    this.testValue = document.createElement("span");
    this.trainValue.className = "value accuracy-train";
    this.testValue.className = "value accuracy-test";
    this.accuracy.replaceChildren(...fill("metrics.accuracy", { train: this.trainValue, test: this.testValue }));
    const head = document.createElement("tr");
    const corner = document.createElement("th");
    corner.className = "corner";
    corner.textContent = t("metrics.corner");
    head.append(corner);
    labels.forEach((label, k) => {
      const th = document.createElement("th");
      th.scope = "col";
      th.append(swatch(classes, k), label);
      head.append(th);
    });
    const body = document.createElement("tbody");
    this.cells = labels.map((label, row) => {
      const tr = document.createElement("tr");
      const th = document.createElement("th");
      th.scope = "row";
      th.append(swatch(classes, row), label);
      tr.append(th);
      const cells = labels.map((_, col) => {
        const td = document.createElement("td");
        td.className = row === col ? "hit" : "miss";
        td.dataset.row = String(row);
        td.dataset.col = String(col);
        tr.append(td);
        return td;
      });
      body.append(tr);
      return cells;
    });
    const thead = document.createElement("thead");
    thead.append(head);
    this.table.replaceChildren(thead, body);
    this.table.dataset.set = this.shown;
    this.values = new Int32Array(classes * classes).fill(-1);
    this.shades = new Int8Array(classes * classes).fill(-1);
  }

  show(metrics) {
    const train = percent(metrics.accuracyTrain);
    const test = percent(metrics.accuracyTest);
    if (this.trainValue.textContent !== train) this.trainValue.textContent = train;
    if (this.testValue.textContent !== test) this.testValue.textContent = test;
    const counts = this.shown === "train" ? metrics.confusionTrain : metrics.confusionTest;
    const K = this.classes;
    if (!counts || counts.length !== K * K) return;
    for (let row = 0; row < K; row += 1) {
      let total = 0;
      for (let col = 0; col < K; col += 1) total += counts[row * K + col];
      for (let col = 0; col < K; col += 1) {
        const at = row * K + col;
        const count = counts[at];
        const cell = this.cells[row][col];
        if (this.values[at] !== count) {
          this.values[at] = count;
          cell.textContent = String(count);
        }
        const shade = total ? Math.round((SHADES * count) / total) : 0;
        if (this.shades[at] !== shade) {
          this.shades[at] = shade;
          cell.style.setProperty("--share", String(shade / SHADES)); // the CSS colours by it
          cell.classList.toggle("strong", shade > SHADES / 2);
        }
      }
    }
  }
}
