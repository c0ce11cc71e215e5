// The diagram's links, bias squares and node thumbnails, painted on one
// canvas. Hundreds of SVG paths restyled every frame cost the browser a style
// recalculation and a repaint of each path, and a canvas per thumbnail costs
// a composited layer update each (measured: most of a 6x8 network's frame);
// one canvas costs a clear, one stroke per link and one drawImage per node.
// The SVG above keeps only what does not change per frame: invisible hit
// paths for hover and click, labels, arrows and the selection halo; the node
// boxes (borders, shadows, hover) are HTML over the canvas.
//
// The original's links are dashed "9 1" with the dashes drifting by -epoch/3.
// A dashed stroke of a thick curve is the most expensive thing a software
// canvas draws (measured: 3 to 5 times a solid one), so the links are stroked
// solid and the 1 px gaps painted over afterwards in the page's background
// colour, all of them in one thin stroke, at the places the dash pattern
// would leave them. (Cutting them out with destination-out looks the same
// and measured a quarter slower.)

import { reducedMotion } from "./motion.js";

const DASH = 9; // drawn length, then a 1 px gap
const PERIOD = 10;
const BIAS = 5;
const THUMB = 10; // cells of a thumbnail
const NODE = 30; // its size in the diagram
const STEPS = 24; // line segments per link, for placing the gaps
const BACKGROUND = "#f7f7f7"; // the page's, under the diagram (playground.css)

/** The S-curve of linkPath() (netlayout.js) as a polyline with cumulative
 * lengths: {xs, ys, at, length}. */
export function flatten(x0, y0, x1, y1) {
  const mx = (x0 + x1) / 2;
  const xs = new Float64Array(STEPS + 1);
  const ys = new Float64Array(STEPS + 1);
  const at = new Float64Array(STEPS + 1);
  for (let k = 0; k <= STEPS; k += 1) {
    const t = k / STEPS;
    const u = 1 - t;
    xs[k] = u * u * u * x0 + 3 * u * u * t * mx + 3 * u * t * t * mx + t * t * t * x1;
    ys[k] = u * u * u * y0 + 3 * u * u * t * y0 + 3 * u * t * t * y1 + t * t * t * y1;
    if (k > 0) at[k] = at[k - 1] + Math.hypot(xs[k] - xs[k - 1], ys[k] - ys[k - 1]);
  }
  return { xs, ys, at, length: at[STEPS] };
}

export class LinkCanvas {
  /** canvas: the <canvas> under the diagram's SVG. */
  constructor(canvas) {
    this.canvas = canvas;
    this.ctx = canvas.getContext("2d");
    this.width = 0;
    this.height = 0;
    this.dashOffset = 0; // as the SVG's stroke-dashoffset would be: -epoch/3
  }

  /** Size the canvas for a new structure (never per frame: a size change
   * reallocates the backing store). scale: the CSS scale the diagram is shown at. */
  resize(width, height, scale = 1) {
    const ratio = Math.min(3, (window.devicePixelRatio || 1) * scale);
    this.width = width;
    this.height = height;
    this.canvas.width = Math.max(1, Math.round(width * ratio));
    this.canvas.height = Math.max(1, Math.round(height * ratio));
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    this.ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  }

  /** links: [{shape: Path2D|null, line: flatten()|null, color, width}];
   * biases: [{x, y, color}]; thumbs: {atlas: a canvas of THUMB-wide
   * thumbnails stacked vertically, nodes: [{x, y, slot, faded, painted}]}. */
  draw(links, biases, epoch, thumbs) {
    const ctx = this.ctx;
    ctx.clearRect(0, 0, this.width, this.height);
    for (const link of links) {
      if (!link.shape) continue;
      ctx.strokeStyle = link.color;
      ctx.lineWidth = link.width;
      ctx.stroke(link.shape);
    }
    this.dashOffset = reducedMotion() ? 0 : -epoch / 3; // reduced motion: the dashes stand still
    this.cutGaps(links);
    for (const bias of biases) {
      ctx.fillStyle = bias.color;
      ctx.fillRect(bias.x, bias.y, BIAS, BIAS);
    }
    if (!thumbs) return;
    // Scaled up smoothly, as the original's 10x10 canvases shown at 30 px.
    for (const node of thumbs.nodes) {
      if (!node.painted) continue;
      if (!node.faded) {
        ctx.fillStyle = "#fff"; // the node's white card under its translucent cells
        ctx.fillRect(node.x, node.y, NODE, NODE);
      }
      ctx.globalAlpha = node.faded ? 0.4 : 1;
      ctx.drawImage(thumbs.atlas, 0, node.slot * THUMB, THUMB, THUMB, node.x, node.y, NODE, NODE);
    }
    ctx.globalAlpha = 1;
  }

  /** The dash pattern's gaps: with offset o, arc length s is in a gap when
   * (s + o) mod 10 >= 9. Each gap is a 1 px line across the link's width. */
  cutGaps(links) {
    const ctx = this.ctx;
    const first = (((DASH - this.dashOffset) % PERIOD) + PERIOD) % PERIOD + 0.5; // the gap's middle
    ctx.beginPath();
    for (const link of links) {
      const line = link.line;
      if (!line) continue;
      const half = link.width / 2 + 0.5;
      const { xs, ys, at, length } = line;
      let k = 1;
      for (let s = first; s < length; s += PERIOD) {
        while (k < STEPS && at[k] < s) k += 1;
        const span = at[k] - at[k - 1] || 1;
        const t = (s - at[k - 1]) / span;
        const dx = (xs[k] - xs[k - 1]) / span;
        const dy = (ys[k] - ys[k - 1]) / span;
        const x = xs[k - 1] + (xs[k] - xs[k - 1]) * t;
        const y = ys[k - 1] + (ys[k] - ys[k - 1]) * t;
        ctx.moveTo(x - dy * half, y + dx * half);
        ctx.lineTo(x + dy * half, y - dx * half);
      }
    }
    ctx.strokeStyle = BACKGROUND;
    ctx.lineWidth = 1;
    ctx.stroke();
  }
}
