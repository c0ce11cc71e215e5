// The big output heatmap: 100 x 100 server-quantised cells painted into a
// canvas shown at 260 px (scaled by the CSS on other screens: the SVG over it
// has a 300-unit viewBox, so its points and axes scale with it), the data points over it, and d3-like axes from -6
// to 6 on the right and at the bottom. While a node is hovered it shows that
// node's full grid instead of the output (kind-2 messages). A click picks the
// nearest training point (the explainer's point), which is ringed.

import { css, paintBytes } from "./colors.js";

const SVG_NS = "http://www.w3.org/2000/svg";
const SIZE = 260;
const DOMAIN = 6;
const CELLS = 100;

function svgEl(name, attrs, parent) {
  const el = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, value);
  parent.appendChild(el);
  return el;
}

/** Data coordinates -> pixels in the 260 px square. */
export const toPx = (v) => ((v + DOMAIN) / (2 * DOMAIN)) * SIZE;
export const toPy = (v) => ((DOMAIN - v) / (2 * DOMAIN)) * SIZE;

/** Pixels within which a click picks a training point. */
const PICK_RADIUS = 10;

export class Heatmap {
  /** onPick(index): a training point was clicked (index into the train rows). */
  constructor(root, onPick = null) {
    this.root = root;
    this.canvas = root.querySelector("canvas");
    this.ctx = this.canvas.getContext("2d");
    this.image = this.ctx.createImageData(CELLS, CELLS);
    this.pixels = new Uint32Array(this.image.data.buffer);
    this.svg = root.querySelector("svg");
    this.gPoints = svgEl("g", { class: "points" }, this.svg);
    this.drawAxes(svgEl("g", { class: "axes" }, this.svg));
    this.discretize = false;
    this.output = null; // last output bytes (kept to repaint on discretize)
    this.grid = null; // the hovered node's grid, when one is shown
    this.pointsKey = "";
    this.train = [];
    this.picked = null;
    this.ring = svgEl("circle", { class: "picked", r: 6.5 }, this.svg);
    this.ring.style.display = "none";
    if (onPick) this.svg.addEventListener("click", (event) => this.pick(event, onPick));
  }

  /** The training point nearest to a click, if it is close enough. */
  pick(event, onPick) {
    const box = this.svg.getBoundingClientRect();
    const scale = box.width / 300 || 1; // read on a click, never per frame
    const x = (event.clientX - box.left) / scale;
    const y = (event.clientY - box.top) / scale;
    let best = -1;
    let bestDistance = PICK_RADIUS;
    this.train.forEach(([px, py], index) => {
      const distance = Math.hypot(toPx(px) - x, toPy(py) - y);
      if (distance <= bestDistance) {
        best = index;
        bestDistance = distance;
      }
    });
    if (best >= 0) onPick(best);
  }

  /** Ring the explainer's training point (null: none). */
  setPicked(index) {
    this.picked = index;
    const point = index === null ? null : this.train[index];
    this.ring.style.display = point ? "" : "none";
    if (point) {
      this.ring.setAttribute("cx", toPx(point[0]).toFixed(2));
      this.ring.setAttribute("cy", toPy(point[1]).toFixed(2));
    }
  }

  drawAxes(g) {
    const right = svgEl("g", { class: "axis", transform: `translate(${SIZE},0)` }, g);
    const bottom = svgEl("g", { class: "axis", transform: `translate(0,${SIZE})` }, g);
    for (let v = -DOMAIN; v <= DOMAIN; v += 1) {
      const y = toPy(v);
      svgEl("line", { x1: 0, x2: 4, y1: y, y2: y }, right);
      const ty = svgEl("text", { x: 7, y: y + 3.5, class: v === 0 ? "zero" : "" }, right);
      ty.textContent = String(v);
      const x = toPx(v);
      svgEl("line", { x1: x, x2: x, y1: 0, y2: 4 }, bottom);
      const tx = svgEl("text", { x, y: 16, "text-anchor": "middle", class: v === 0 ? "zero" : "" }, bottom);
      tx.textContent = String(v);
    }
  }

  /** Draw the points when the data or the visibility of the test set changed.
   * train, test: [x, y, label] rows. */
  setPoints(train, test, showTest) {
    this.train = train;
    const key = `${train.length}:${test.length}:${showTest}:${train[0] ? train[0].join() : ""}:${test[0] ? test[0].join() : ""}`;
    if (key === this.pointsKey) return;
    this.pointsKey = key;
    this.gPoints.replaceChildren();
    const add = (rows, cls) => {
      for (const [x, y, label] of rows) {
        if (Math.abs(x) > DOMAIN || Math.abs(y) > DOMAIN) continue; // the original clips to the domain
        svgEl("circle", { class: cls, cx: toPx(x).toFixed(2), cy: toPy(y).toFixed(2), r: 3, fill: css(label) }, this.gPoints);
      }
    };
    add(train, "train");
    if (showTest) add(test, "test");
    this.setPicked(this.picked);
  }

  /** Per-frame: the output node's 100 x 100 bytes. */
  update(frame) {
    this.output = frame.output;
    if (!this.grid) this.paint(frame.output);
  }

  /** Show a hovered node's full grid (null: back to the output). */
  showGrid(bytes) {
    this.grid = bytes;
    const shown = bytes || this.output;
    if (shown) this.paint(shown);
  }

  paint(bytes) {
    paintBytes(bytes, this.pixels, this.discretize);
    this.ctx.putImageData(this.image, 0, 0);
  }

  setDiscretize(on) {
    this.discretize = on;
    this.root.classList.toggle("discretized", on);
    const shown = this.grid || this.output;
    if (shown) this.paint(shown);
  }

  /** Forget what was drawn (a new session state follows). */
  reset() {
    this.grid = null;
    this.output = null;
    this.pointsKey = "";
    this.train = [];
    this.setPicked(null);
    this.ctx.clearRect(0, 0, CELLS, CELLS);
  }
}
