// Motion for readers who asked their system for less of it
// (prefers-reduced-motion: reduce): the links' dashes stand still, and the
// pictures that change with training (the big heatmap, the nodes'
// thumbnails) are repainted at most every REDUCED_MS while it plays, the
// newest always last. Everyone else sees every frame.

const QUERY = window.matchMedia("(prefers-reduced-motion: reduce)");
export const REDUCED_MS = 300; // about three repaints a second

export function reducedMotion() {
  return QUERY.matches;
}

/** Runs `paint` at once, or, with reduced motion, at most every REDUCED_MS
 * (a call in between is kept and made when the time comes). */
export class PaintLimiter {
  constructor(paint) {
    this.paint = paint;
    this.at = -Infinity;
    this.timer = null;
  }

  request() {
    if (!reducedMotion()) {
      this.at = performance.now();
      this.paint();
      return;
    }
    if (this.timer) return; // the waiting paint will draw the newest data
    const wait = this.at + REDUCED_MS - performance.now();
    if (wait <= 0) this.run();
    else this.timer = setTimeout(() => this.run(), wait);
  }

  run() {
    this.timer = null;
    this.at = performance.now();
    this.paint();
  }

  cancel() {
    clearTimeout(this.timer);
    this.timer = null;
  }
}
