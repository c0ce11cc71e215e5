// The small loss chart: training loss (grey) and test loss (black) since the
// last reset, no axes, both curves scaled to the running min / max of all
// values seen (spec §5). x is the epoch, so thinned history and fast speeds
// keep the curve's true shape. Hovering it (or tapping it: the values stay
// until a tap elsewhere) shows the epoch and both losses there, a long-standing
// request to TF Playground.

import { fill } from "./i18n.js";
import { scriptNodes } from "./symbols.js";
import { fmt, isScientific } from "./typeset.js";
import { svgEl } from "./svg.js";

const MAX_POINTS = 1000;

/** A loss as the tip writes it: three significant digits, or what it is (NaN). */
export function tipNumber(value) {
  return Number.isFinite(value) && !isScientific(value) ? String(Number(value.toPrecision(3))) : fmt(value, 3);
}

export class LineChart {
  /** svg: the chart; tip: the element that shows the hovered values. */
  constructor(svg, tip) {
    this.svg = svg;
    this.tip = tip;
    this.width = Number(svg.getAttribute("width"));
    this.height = Number(svg.getAttribute("height"));
    this.paths = ["train", "test"].map((cls) => svgEl("path", { class: cls }, svg));
    this.guide = svgEl("g", { class: "guide", visibility: "hidden" }, svg);
    svgEl("line", { y1: 0, y2: this.height }, this.guide);
    this.dots = ["train", "test"].map((cls) => svgEl("circle", { class: cls, r: 2.5 }, this.guide));
    // The whole box takes the pointer, not only the strokes.
    svgEl("rect", { class: "hit", width: this.width, height: this.height, fill: "transparent" }, svg);
    this.pinned = false;
    svg.addEventListener("pointermove", (event) => {
      if (event.pointerType === "mouse") this.hover(event);
    });
    svg.addEventListener("pointerleave", (event) => {
      if (event.pointerType === "mouse" && !this.pinned) this.hideTip();
    });
    svg.addEventListener("pointerdown", (event) => {
      this.pinned = event.pointerType !== "mouse";
      this.hover(event);
    });
    document.addEventListener("pointerdown", (event) => {
      if (this.pinned && !svg.contains(event.target)) {
        this.pinned = false;
        this.hideTip();
      }
    });
    this.reset();
  }

  reset() {
    this.points = []; // [epoch, train, test]
    this.min = Infinity;
    this.max = -Infinity;
    for (const path of this.paths) path.setAttribute("d", "");
    this.hideTip();
  }

  /** The point nearest to the pointer's x: its epoch and losses in the tip,
   * a guide and two dots on the curves. Reads the layout on pointer events only. */
  hover(event) {
    const pts = this.points;
    if (pts.length < 2) return;
    const box = this.svg.getBoundingClientRect();
    const x = ((event.clientX - box.left) / (box.width || 1)) * this.width;
    const x0 = pts[0][0];
    const span = pts[pts.length - 1][0] - x0 || 1;
    const wanted = x0 + (Math.max(0, Math.min(this.width, x)) / this.width) * span;
    let lo = 0;
    let hi = pts.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (pts[mid][0] < wanted) lo = mid;
      else hi = mid;
    }
    const [epoch, train, test] = wanted - pts[lo][0] <= pts[hi][0] - wanted ? pts[lo] : pts[hi];
    const px = ((epoch - x0) / span) * this.width;
    this.guide.firstChild.setAttribute("x1", px.toFixed(1));
    this.guide.firstChild.setAttribute("x2", px.toFixed(1));
    [train, test].forEach((value, k) => {
      this.dots[k].setAttribute("cx", px.toFixed(1));
      this.dots[k].setAttribute("cy", Number.isFinite(value) ? this.toY(value).toFixed(1) : "-10");
    });
    this.guide.setAttribute("visibility", "visible");
    const number = (value) => {
      const span = document.createElement("span");
      span.append(...scriptNodes(tipNumber(value)));
      return span;
    };
    this.tip.replaceChildren(...fill("chart.tip", { epoch: Math.round(epoch).toLocaleString("en-US"), train: number(train), test: number(test) }));
    this.tip.dataset.epoch = String(epoch);
    this.tip.hidden = false;
  }

  hideTip() {
    this.guide.setAttribute("visibility", "hidden");
    this.tip.hidden = true;
  }

  toY(value) {
    const range = this.max - this.min || 1;
    return this.height - ((value - this.min) / range) * this.height;
  }

  /** Replace everything with a history: [[epoch, train, test], ...]. */
  setHistory(rows) {
    this.reset();
    for (const row of rows) this.add(row[0], row[1], row[2], false);
    this.draw();
  }

  add(epoch, train, test, redraw = true) {
    const last = this.points[this.points.length - 1];
    if (last && epoch <= last[0]) {
      if (epoch < last[0]) return; // out of order: a frame from before a reset
      this.points[this.points.length - 1] = [epoch, train, test];
    } else {
      this.points.push([epoch, train, test]);
    }
    for (const v of [train, test]) {
      if (Number.isFinite(v)) {
        this.min = Math.min(this.min, v);
        this.max = Math.max(this.max, v);
      }
    }
    if (this.points.length > MAX_POINTS) this.thin();
    if (redraw) this.draw();
  }

  /** Halve the points, keeping the first and the last. */
  thin() {
    const last = this.points[this.points.length - 1];
    this.points = this.points.filter((_, i) => i % 2 === 0);
    if (this.points[this.points.length - 1] !== last) this.points.push(last);
  }

  /** update(data): data = {epoch, lossTrain, lossTest} (a frame). */
  update(frame) {
    this.add(frame.epoch, frame.lossTrain, frame.lossTest);
  }

  draw() {
    const pts = this.points;
    if (pts.length < 2 || !(this.max >= this.min)) {
      for (const path of this.paths) path.setAttribute("d", "");
      return;
    }
    const x0 = pts[0][0];
    const span = pts[pts.length - 1][0] - x0 || 1;
    const sx = this.width / span;
    for (let k = 0; k < 2; k += 1) {
      let d = "";
      let pen = "M";
      for (const p of pts) {
        const v = p[k + 1];
        if (!Number.isFinite(v)) {
          pen = "M"; // NaN breaks the line, as a gap
          continue;
        }
        d += `${pen}${((p[0] - x0) * sx).toFixed(1)},${this.toY(v).toFixed(1)}`;
        pen = "L";
      }
      this.paths[k].setAttribute("d", d);
    }
  }
}

/** The colour legend: a 144 x 10 gradient from -1 to 1 with ticks. */
export function drawLegend(svg, stops) {
  const gradient = svgEl("linearGradient", { id: "legend-gradient" }, svgEl("defs", {}, svg));
  for (const stop of stops) svgEl("stop", { offset: `${stop.offset * 100}%`, "stop-color": stop.color }, gradient);
  svgEl("rect", { x: 3, y: 0, width: 144, height: 10, fill: "url(#legend-gradient)" }, svg);
  [[-1, 3], [0, 75], [1, 147]].forEach(([value, x]) => {
    svgEl("line", { x1: x, x2: x, y1: 10, y2: 14, stroke: "#bbb" }, svg);
    svgEl("text", { x, y: 25 }, svg).textContent = String(value);
  });
}
