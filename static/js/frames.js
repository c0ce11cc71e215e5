// Which frames get drawn, and when. Frames carry the generation of the
// session state they were made for; a frame of a state the page has left is
// dropped. Accepted frames are drawn at most once per display frame, the
// newest winning (a frame that arrives while another waits replaces it).

export class FrameGate {
  /** draw(frame | null, grid | null) runs inside requestAnimationFrame. */
  constructor(draw) {
    this.draw = draw;
    this.generation = -1; // of the last `state`
    this.minGeneration = -1; // frames below this are dropped
    this.frame = null;
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
    this.frame = frame;
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
    if (!gridOnly) this.frame = null;
  }

  schedule() {
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      const { frame, grid } = this;
      this.frame = null;
      if (frame || grid) this.draw(frame, grid);
    });
  }
}
