// The big output heatmap: 100 x 100 server-quantised cells painted into a
// canvas shown at 260 px (scaled by the CSS on other screens: the SVG over it
// has a 300-unit viewBox, so its points and axes scale with it), the data points over it, and d3-like axes from -6
// to 6 on the right and at the bottom. With three or more classes the
// classes' heatmaps are blended (classcolors.js) and points take their
// class's colour. While a node is hovered it shows that node's full grid
// instead of the output (kind-2 messages). A click picks the nearest
// training point (the explainer's point), which is ringed; in "Your data"
// mode it adds or removes a point instead (onPlace).

import { classCss, classPainter } from "./classcolors.js";
import { css, paintBytes } from "./colors.js";
import { PaintLimiter } from "./motion.js";
import { markElement } from "./shapes.js";
import { svgEl } from "./svg.js";

const SIZE = 260;
const DOMAIN = 6;
const CELLS = 100;

/** Data coordinates -> pixels in the 260 px square. */
export const toPx = (v) => ((v + DOMAIN) / (2 * DOMAIN)) * SIZE;
export const toPy = (v) => ((DOMAIN - v) / (2 * DOMAIN)) * SIZE;

/** Pixels within which a click picks a training point. */
const PICK_RADIUS = 10;

export class Heatmap {
  /** onPick(index): a training point was clicked (index into the train rows). */
  constructor(root, onPick) {
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
    this.outputs = null; // every class's bytes, with three or more classes
    this.painter = null; // a ClassPainter with three or more classes
    this.grid = null; // the hovered node's grid, when one is shown
    this.gridUnit = null; // ... and the class it belongs to, when it is a class's output unit
    this.onPlace = null; // "Your data" mode: (x, y, remove) for a click on the plane
    this.pointsKey = "";
    this.train = [];
    this.picked = null;
    this.paints = 0; // output repaints, for the tests of reduced motion
    this.limiter = new PaintLimiter(() => {
      if (!this.grid) this.paintOutput();
    });
    this.ring = svgEl("circle", { class: "picked", r: 6.5 }, this.svg);
    this.ring.style.display = "none";
    this.svg.addEventListener("click", (event) => {
      const [x, y] = this.toBox(event);
      if (this.onPlace) this.place(x, y, event.shiftKey);
      else this.pick(x, y, onPick);
    });
  }

  /** Where a click fell in the 300-unit box (the layout is read on a click, never per frame). */
  toBox(event) {
    const box = this.svg.getBoundingClientRect();
    const scale = box.width / 300 || 1;
    return [(event.clientX - box.left) / scale, (event.clientY - box.top) / scale];
  }

  /** "Your data": a click inside the plot adds a point there (shift: removes the nearest). */
  place(x, y, remove) {
    if (x < 0 || y < 0 || x > SIZE || y > SIZE) return; // on the axes
    const round = (v) => Math.round(v * 1000) / 1000;
    this.onPlace(round((x / SIZE) * 2 * DOMAIN - DOMAIN), round(DOMAIN - (y / SIZE) * 2 * DOMAIN), remove);
  }

  /** The training point nearest to a click, if it is close enough. */
  pick(x, y, onPick) {
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

  /** The number of classes: three or more blend the classes' heatmaps. */
  setClasses(classes) {
    this.painter = classes > 2 ? classPainter(classes) : null;
  }

  /** Draw the points when the data, their classes or the visibility of the
   * test set changed. train, test: [x, y, label] rows; rows are kept as given. */
  setPoints(train, test, showTest) {
    this.train = train;
    const classes = this.painter ? this.painter.classes : 2;
    const key = `${train.length}:${test.length}:${showTest}:${classes}:${train.at(-1) || ""}:${test.at(-1) || ""}:${train[0] || ""}`;
    if (key === this.pointsKey) return;
    this.pointsKey = key;
    this.gPoints.replaceChildren();
    const color = classes > 2 ? classCss : css;
    const add = (rows, cls) => {
      rows.forEach(([x, y, label], index) => {
        if (Math.abs(x) > DOMAIN || Math.abs(y) > DOMAIN) return; // the original clips to the domain
        const [px, py] = [toPx(x), toPy(y)];
        // A training point's white edge sits on a dark ring: 3:1 at least on any shade of the heatmap.
        if (cls === "train") this.gPoints.append(markElement(label, classes, px, py, { class: "ring" }));
        const mark = markElement(label, classes, px, py, { class: cls, fill: color(label) });
        mark.dataset.index = String(index);
        this.gPoints.append(mark);
      });
    };
    add(train, "train");
    if (showTest) add(test, "test");
    this.setPicked(this.picked);
  }

  /** Per-frame: the output's 100 x 100 bytes (every class's, with three or more). */
  update(frame) {
    this.output = frame.output;
    this.outputs = frame.outputCount > 1 ? frame.outputs : null;
    if (!this.grid) this.limiter.request();
  }

  /** Show a hovered node's full grid (null: back to the output); unit: the
   * class whose output unit it is, painted in that class's colour. */
  showGrid(bytes, unit = null) {
    this.grid = bytes;
    this.gridUnit = unit;
    this.repaint();
  }

  repaint() {
    if (this.grid) this.paint(this.grid, this.gridUnit);
    else this.paintOutput();
  }

  paintOutput() {
    this.paints += 1;
    if (this.painter && this.outputs && this.outputs.length === this.painter.classes * this.pixels.length) {
      this.painter.paint(this.outputs, this.pixels, this.discretize);
      this.ctx.putImageData(this.image, 0, 0);
    } else if (this.output) {
      this.paint(this.output);
    }
  }

  paint(bytes, unit = null) {
    if (unit !== null && this.painter) this.painter.paintUnit(bytes, this.pixels, unit);
    else paintBytes(bytes, this.pixels, this.discretize);
    this.ctx.putImageData(this.image, 0, 0);
  }

  /** The output as painted (never a hovered node's grid), as a PNG data: URL, for a picture. */
  outputPicture() {
    const canvas = document.createElement("canvas");
    canvas.width = CELLS;
    canvas.height = CELLS;
    const ctx = canvas.getContext("2d");
    const image = ctx.createImageData(CELLS, CELLS);
    const pixels = new Uint32Array(image.data.buffer);
    if (this.painter && this.outputs) this.painter.paint(this.outputs, pixels, this.discretize);
    else if (this.output) paintBytes(this.output, pixels, this.discretize);
    ctx.putImageData(image, 0, 0);
    return canvas.toDataURL("image/png");
  }

  setDiscretize(on) {
    this.discretize = on;
    this.root.classList.toggle("discretized", on);
    this.repaint();
  }

  /** Forget what was drawn (a new session state follows). */
  reset() {
    this.limiter.cancel();
    this.grid = null;
    this.gridUnit = null;
    this.output = null;
    this.outputs = null;
    this.pointsKey = "";
    this.train = [];
    this.setPicked(null);
    this.ctx.clearRect(0, 0, CELLS, CELLS);
  }
}
