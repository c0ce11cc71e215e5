// Which frames get drawn, and when. Frames carry the generation of the
// session state they were made for; a frame of a state the page has left is
// dropped. Accepted frames are drawn one per display frame, in order. Two
// frames that arrive within one display frame (network jitter) are both
// drawn, the second at the next display frame; when more wait than that,
// the oldest are dropped, so the page is never more than one frame behind.

const MAX_WAITING = 2;

export class FrameGate {
  /** draw(frame | null, grid | null) runs inside requestAnimationFrame. */
  constructor(draw) {
    this.draw = draw;
    this.generation = -1; // of the last `state`
    this.minGeneration = -1; // frames below this are dropped
    this.frames = []; // accepted, not drawn yet: at most MAX_WAITING
    this.grid = null;
    this.scheduled = false;
  }

  /** A `state` arrived: its generation is the one to draw. */
  setGeneration(generation) {
    this.generation = generation;
    this.minGeneration = generation;
  }

  /** A command that replaces the network or the data was sent: frames still
   * in flight for the current generation are stale. */
  expectNewGeneration() {
    this.minGeneration = this.generation + 1;
  }

  /** The change did not come (an error answered it). */
  cancelExpectation() {
    this.minGeneration = this.generation;
  }

  acceptFrame(frame) {
    if (frame.generation < this.minGeneration || frame.generation !== this.generation) return false;
    this.frames.push(frame);
    if (this.frames.length > MAX_WAITING) this.frames.shift();
    this.schedule();
    return true;
  }

  /** A kind-2 grid is drawn only for the node still in focus. */
  acceptGrid(grid, focus) {
    if (grid.generation !== this.generation || grid.node !== focus) return false;
    this.grid = grid;
    this.schedule();
    return true;
  }

  /** Drop whatever waits (focus moved, session left). */
  clear(gridOnly = false) {
    this.grid = null;
    if (!gridOnly) this.frames.length = 0;
  }

  schedule() {
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      // A state that arrived since may have made the waiting frames stale.
      this.frames = this.frames.filter((f) => f.generation === this.generation && f.generation >= this.minGeneration);
      const frame = this.frames.shift() || null;
      const grid = this.grid;
      // The grid goes with the newest frame; an older frame drawn first leaves it waiting.
      if (!this.frames.length) this.grid = null;
      if (frame || grid) this.draw(frame, this.frames.length ? null : grid);
      if (this.frames.length) this.schedule();
    });
  }
}
