// "Your data": points of your own on the output plane. With the mode on, a
// click or tap on the heatmap adds a point of the chosen class (or value,
// for regression) to the training points; shift-click, or the Remove tool
// (the touch equivalent), takes the nearest point away. Every change sends
// the whole set (PUT .../data, JSON): the network is kept and every page of
// the session receives the new points in the next state.
//
// Points drawn before the server confirms them are a draft, kept here until
// the last change sent is answered; clicks made meanwhile are coalesced into
// one more request.

import { classCss } from "./classcolors.js";
import { css } from "./colors.js";
import { classLabels } from "./classmetrics.js";
import { refusal } from "./files.js";
import { markSwatch } from "./shapes.js";
import { t } from "./i18n.js";

const REMOVE_RADIUS = 0.5; // data units (about 11 px of the 260 px heatmap): a finger's precision

export class YourData {
  /**
   * api: "/api"; heatmap: the Heatmap; handlers: session() -> {id, token,
   * role, state}; onReplacing(pending) (see files.js); onMessage(text).
   */
  constructor(api, heatmap, handlers) {
    this.api = api;
    this.heatmap = heatmap;
    this.handlers = handlers;
    const $ = (id) => document.getElementById(id);
    this.button = $("your-data-button");
    this.panel = $("your-data-panel");
    this.classes = $("point-classes");
    this.valueRow = $("point-value-row");
    this.value = $("point-value");
    this.valueText = $("point-value-text");
    this.toolButtons = [...this.panel.querySelectorAll("[data-tool]")];
    this.on = false;
    this.tool = "add";
    this.label = 1; // the class (−1 / +1, or 0 .. K − 1) of new points
    this.shape = ""; // what the class buttons were built for
    this.draft = null; // {train, test} sent or being sent, not yet confirmed
    this.busy = false;
    this.again = false;
    this.button.addEventListener("click", () => this.setOn(!this.on));
    for (const button of this.toolButtons) button.addEventListener("click", () => this.setTool(button.dataset.tool));
    this.value.addEventListener("input", () => {
      this.valueText.textContent = this.value.value;
    });
  }

  setOn(on) {
    this.on = on;
    this.button.setAttribute("aria-pressed", String(on));
    this.panel.hidden = !on;
    this.heatmap.onPlace = on ? (x, y, remove) => this.place(x, y, remove) : null;
    this.heatmap.root.classList.toggle("placing", on);
  }

  setTool(tool) {
    this.tool = tool;
    for (const button of this.toolButtons) button.setAttribute("aria-pressed", String(button.dataset.tool === tool));
  }

  /** update(state): the class buttons for this problem (again when the classes change). */
  update(state) {
    const c = state.config;
    const classes = c.problem === "regression" ? 0 : c.classes;
    this.valueRow.hidden = classes !== 0;
    const shape = `${classes}:${document.documentElement.lang}`;
    if (shape !== this.shape) {
      this.shape = shape;
      this.buildClasses(classes);
    }
  }

  buildClasses(classes) {
    if (!classes) {
      this.classes.replaceChildren();
      return;
    }
    const labels = classLabels(classes);
    const values = classes > 2 ? labels.map(Number) : [-1, 1];
    if (!values.includes(this.label)) this.label = values[0];
    this.classes.replaceChildren(
      ...values.map((value, k) => {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "class-choice";
        button.dataset.label = String(value);
        button.title = t("metrics.class", { label: labels[k] });
        button.setAttribute("aria-label", button.title);
        button.setAttribute("aria-pressed", String(value === this.label));
        // With three or more classes the button shows the class's mark (shape and colour), as the legend does.
        button.style.setProperty("--swatch", classes > 2 ? "#fff" : css(value));
        if (classes > 2) button.append(markSwatch(value, classes, classCss(value)));
        button.addEventListener("click", () => {
          this.label = value;
          for (const other of this.classes.children) other.setAttribute("aria-pressed", String(other === button));
        });
        return button;
      }),
    );
  }

  /** A click on the plane at data coordinates (x, y). */
  place(x, y, remove) {
    const { state, role } = this.handlers.session();
    if (!state || role !== "control") return;
    const base = this.draft || state;
    const next = { train: base.train.map((p) => [...p]), test: base.test.map((p) => [...p]) };
    if (remove || this.tool === "remove") {
      if (!this.removeNearest(next, x, y, state.config.showTestData)) return;
      if (!next.train.length) {
        this.handlers.onMessage(t("yourdata.last_point"));
        return;
      }
    } else {
      const regression = state.config.problem === "regression";
      next.train.push([x, y, regression ? Number(this.value.value) : this.label]);
    }
    this.draft = next;
    this.heatmap.setPoints(next.train, next.test, state.config.showTestData);
    this.send();
  }

  /** Take the point nearest to (x, y) out of `points`; false if none is close. */
  removeNearest(points, x, y, withTest) {
    let best = null;
    let bestDistance = REMOVE_RADIUS;
    for (const set of withTest ? ["train", "test"] : ["train"]) {
      points[set].forEach(([px, py], index) => {
        const distance = Math.hypot(px - x, py - y);
        if (distance <= bestDistance) {
          best = [set, index];
          bestDistance = distance;
        }
      });
    }
    if (!best) return false;
    points[best[0]].splice(best[1], 1);
    return true;
  }

  /** PUT the draft; one request at a time, the newest draft last. */
  async send() {
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    const { id, token } = this.handlers.session();
    const body = JSON.stringify(this.draft);
    this.handlers.onReplacing(true);
    try {
      const response = await fetch(`${this.api}/sessions/${encodeURIComponent(id)}/data`, {
        method: "PUT",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
        body,
      });
      if (!response.ok) {
        this.handlers.onReplacing(false);
        this.handlers.onMessage(t("yourdata.refused", { detail: await refusal(response) }));
        this.dropDraft();
      }
    } catch (error) {
      this.handlers.onReplacing(false);
      this.handlers.onMessage(t("yourdata.refused", { detail: error.message }));
      this.dropDraft();
    } finally {
      this.busy = false;
    }
    if (this.again) {
      this.again = false;
      this.send();
    } else {
      this.draft = null; // the server's state has the points now
    }
  }

  /** Show the session's points again (a change was refused). */
  dropDraft() {
    this.draft = null;
    this.again = false;
    const { state } = this.handlers.session();
    if (state) this.heatmap.setPoints(state.train, state.test, state.config.showTestData);
  }

  /** A watcher cannot place points; the mode ends with control. */
  setWatching(watching) {
    if (watching && this.on) this.setOn(false);
  }

  reset() {
    this.draft = null;
    this.again = false;
  }
}
