// The diagram's links and bias squares, painted on one canvas. Hundreds of
// SVG paths restyled every frame cost the browser a style recalculation and
// a repaint of each path; one canvas costs a clear and one stroke per link,
// and the dashes drift by lineDashOffset with no style work at all. The SVG
// above keeps only what does not change per frame: invisible hit paths for
// hover and click, labels, arrows and the selection halo.

const DASH = [9, 1];
const BIAS = 5;

export class LinkCanvas {
  /** canvas: the <canvas> under the diagram's SVG. */
  constructor(canvas) {
    this.canvas = canvas;
    this.ctx = canvas.getContext("2d");
    this.width = 0;
    this.height = 0;
    this.dashOffset = 0;
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

  /** links: [{shape: Path2D|null, color, width}]; biases: [{x, y, color}]. */
  draw(links, biases, epoch) {
    const ctx = this.ctx;
    ctx.clearRect(0, 0, this.width, this.height);
    ctx.setLineDash(DASH);
    // As the original's stroke-dashoffset of -epoch/3: the dashes flow
    // from the inputs towards the output while training.
    this.dashOffset = -epoch / 3;
    ctx.lineDashOffset = this.dashOffset;
    for (const link of links) {
      if (!link.shape) continue;
      ctx.strokeStyle = link.color;
      ctx.lineWidth = link.width;
      ctx.stroke(link.shape);
    }
    for (const bias of biases) {
      ctx.fillStyle = bias.color;
      ctx.fillRect(bias.x, bias.y, BIAS, BIAS);
    }
  }
}
