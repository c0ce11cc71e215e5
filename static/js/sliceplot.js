// "Walking down the mountain in the dark": the training loss along the
// selected weight (everything else fixed), the current value, the tangent
// there and where the next update lands. The server computes the curve
// (`slice` of the explain message); this draws it and keeps the scales on
// the element (data-domain) so what is drawn can be read back.

import { t, tn } from "./i18n.js";
import { scriptNodes, svgScripts } from "./symbols.js";
import { fmt, toNumber } from "./typeset.js";
import { svgEl } from "./svg.js";

const MARGIN = { left: 52, right: 10, top: 10, bottom: 30 };

export class SlicePlot {
  /** svg: the plot; caption: the sentence under it. */
  constructor(svg, caption, legendBatch) {
    this.svg = svg;
    this.caption = caption;
    this.legendBatch = legendBatch; // the legend's "the next update's batch" entry
    this.width = Number(svg.getAttribute("width"));
    this.height = Number(svg.getAttribute("height"));
    const defs = svgEl("defs", {}, svg);
    const clip = svgEl("clipPath", { id: "slice-clip" }, defs);
    svgEl("rect", { x: MARGIN.left, y: MARGIN.top, width: this.width - MARGIN.left - MARGIN.right, height: this.height - MARGIN.top - MARGIN.bottom }, clip);
    this.axes = svgEl("g", { class: "axes" }, svg);
    const plot = svgEl("g", { "clip-path": "url(#slice-clip)" }, svg);
    this.curve = svgEl("path", { class: "curve" }, plot);
    // The next update's own mini-batch: its loss along the weight, where it stands now.
    this.batchCurve = svgEl("path", { class: "batch-curve" }, plot);
    this.batchDot = svgEl("circle", { class: "batch-now", r: 3.5 }, svg);
    this.tangent = svgEl("line", { class: "tangent" }, plot);
    this.move = svgEl("line", { class: "move" }, plot);
    // The markers are not clipped: at a loss of 0 the dot sits on the axis.
    this.dot = svgEl("circle", { class: "current", r: 4 }, svg);
    // Drawn over the dot and wider: a small step lands inside the dot's own
    // pixels and must still be seen.
    this.nextMark = svgEl("circle", { class: "next", r: 7 }, svg);
    this.reset();
  }

  /** update(slice): `slice` of an explain message; name: the weight's symbol as text. */
  update(slice, name = "w") {
    this.last = [slice, name];
    const values = slice.values.map(toNumber);
    const losses = slice.losses.map(toNumber);
    const w0 = toNumber(slice.current.value);
    const l0 = toNumber(slice.current.loss);
    const slope = toNumber(slice.slope);
    const w1 = toNumber(slice.next.value);
    // With a mini-batch, the next update goes down its own curve: the marker sits on that one.
    const batch = slice.batch || null;
    const batchLosses = batch ? batch.losses.map(toNumber) : [];
    const b0 = batch ? toNumber(batch.current) : NaN;
    const l1 = batch ? toNumber(batch.next.loss) : toNumber(slice.next.loss);
    const finite = [...losses, ...batchLosses, l0, b0, l1].filter(Number.isFinite);
    if (values.length < 2 || finite.length === 0) {
      this.reset(t("slice.diverged"));
      this.last = [slice, name];
      return;
    }
    const x0 = values[0];
    const x1 = values[values.length - 1];
    let y0 = Math.min(...finite);
    let y1 = Math.max(...finite);
    const pad = (y1 - y0) * 0.08 || Math.abs(y0) * 0.1 || 0.1;
    // A loss is never negative: the padding below stops at 0.
    y0 = y0 >= 0 ? Math.max(0, y0 - pad) : y0 - pad;
    y1 += pad;
    const left = MARGIN.left;
    const right = this.width - MARGIN.right;
    const bottom = this.height - MARGIN.bottom;
    const top = MARGIN.top;
    const px = (x) => left + ((x - x0) / (x1 - x0)) * (right - left);
    const py = (y) => bottom - ((y - y0) / (y1 - y0)) * (bottom - top);
    this.svg.dataset.domain = JSON.stringify({ x: [x0, x1], y: [y0, y1], px: [left, right], py: [bottom, top] });

    const path = (ys) => {
      let d = "";
      let pen = "M";
      values.forEach((x, k) => {
        if (!Number.isFinite(ys[k])) {
          pen = "M";
          return;
        }
        d += `${pen}${px(x).toFixed(2)},${py(ys[k]).toFixed(2)}`;
        pen = "L";
      });
      return d;
    };
    this.curve.setAttribute("d", path(losses));
    this.batchCurve.setAttribute("d", batch ? path(batchLosses) : "");
    this.svg.dataset.batch = batch ? JSON.stringify({ current: [w0, b0], next: [w1, l1] }) : "";
    // The tangent over a third of the range on each side: its tilt is the
    // slope the gradient step follows.
    const h = (x1 - x0) / 6;
    const set = (el, attrs) => Object.entries(attrs).forEach(([k, v]) => el.setAttribute(k, Number.isFinite(v) ? v.toFixed(2) : "0"));
    const shown = Number.isFinite(l0) && Number.isFinite(slope);
    this.tangent.style.display = shown ? "" : "none";
    if (shown) set(this.tangent, { x1: px(w0 - h), y1: py(l0 - slope * h), x2: px(w0 + h), y2: py(l0 + slope * h) });
    this.dot.style.display = Number.isFinite(l0) ? "" : "none";
    set(this.dot, { cx: px(w0), cy: py(l0) });
    const lands = Number.isFinite(w1) && Number.isFinite(l1);
    this.nextMark.style.display = lands ? "" : "none";
    this.move.style.display = lands ? "" : "none";
    const from = batch ? b0 : l0;
    this.batchDot.style.display = batch && Number.isFinite(b0) ? "" : "none";
    if (batch) set(this.batchDot, { cx: px(w0), cy: py(b0) });
    if (lands) {
      set(this.nextMark, { cx: px(w1), cy: py(l1) });
      set(this.move, { x1: px(w0), y1: py(from), x2: px(w1), y2: py(l1) });
    }
    this.drawAxes(px, py, x0, x1, y0, y1, w0, name);
    this.svg.dataset.current = JSON.stringify([w0, l0]);
    this.caption.replaceChildren(...scriptNodes(`${this.drawn(slice)} ${this.describe(name, slope, w0, w1)}`));
    this.legendBatch.hidden = !batch;
  }

  drawAxes(px, py, x0, x1, y0, y1, w0, name) {
    const g = this.axes;
    g.replaceChildren();
    const bottom = this.height - MARGIN.bottom;
    svgEl("line", { class: "axis", x1: MARGIN.left, x2: this.width - MARGIN.right, y1: bottom, y2: bottom }, g);
    svgEl("line", { class: "axis", x1: MARGIN.left, x2: MARGIN.left, y1: MARGIN.top, y2: bottom }, g);
    for (const [x, cls] of [[x0, ""], [w0, "now"], [x1, ""]]) {
      svgEl("line", { class: "axis", x1: px(x), x2: px(x), y1: bottom, y2: bottom + 4 }, g);
      const anchor = x === x0 ? "start" : x === x1 ? "end" : "middle";
      const t = svgEl("text", { x: px(x), y: bottom + 15, "text-anchor": anchor, class: cls }, g);
      svgScripts(t, fmt(x, 3));
    }
    const label = svgEl("text", { x: (MARGIN.left + this.width - MARGIN.right) / 2, y: bottom + 27, "text-anchor": "middle", class: "name" }, g);
    svgScripts(label, name);
    for (const y of [y0, y1]) {
      const t = svgEl("text", { x: MARGIN.left - 4, y: py(y) + 3.5, "text-anchor": "end" }, g);
      svgScripts(t, fmt(y, 3));
    }
    const loss = svgEl("text", { x: 10, y: (MARGIN.top + bottom) / 2, "text-anchor": "middle", class: "name", transform: `rotate(-90 10 ${(MARGIN.top + bottom) / 2})` }, g);
    loss.textContent = t("slice.axis_loss");
  }

  /** The tangent is the slope over every training point; the next update
   * uses its own mini-batch, so the two may point different ways: say both. */
  describe(name, slope, w0, w1) {
    if (!Number.isFinite(slope)) return "";
    const direction = t(slope > 0 ? "slice.downhill_left" : slope < 0 ? "slice.downhill_right" : "slice.downhill_nowhere");
    let text = t("slice.caption", { name, slope: fmt(slope, 3), direction });
    if (Number.isFinite(w1) && w1 !== w0) {
      text += t(w1 < w0 ? "slice.moves_left" : "slice.moves_right", { name, value: fmt(w1, 6) });
    }
    return text;
  }

  /** Which loss the curves are: all training points, and the next update's mini-batch. */
  drawn(slice) {
    const all = slice.drawn ? tn("slice.drawn_all", slice.drawn.count) : "";
    if (!slice.batch) return all;
    const points = slice.batch.points.map((p) => p + 1);
    const range = points.length > 1 ? `${points[0]}–${points[points.length - 1]}` : String(points[0]);
    return `${all} ${t("slice.drawn_batch", { n: slice.batch.count, range })}`;
  }

  /** Draw again in the current language (after a switch). */
  relabel() {
    if (this.last) this.update(...this.last);
  }

  reset(message = "") {
    this.last = null;
    this.curve.setAttribute("d", "");
    this.batchCurve.setAttribute("d", "");
    this.legendBatch.hidden = true;
    for (const el of [this.tangent, this.dot, this.nextMark, this.move, this.batchDot]) el.style.display = "none";
    this.axes.replaceChildren();
    delete this.svg.dataset.domain;
    delete this.svg.dataset.current;
    this.caption.textContent = message;
  }
}
