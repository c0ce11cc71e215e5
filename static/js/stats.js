// Frame-draw timing with the Performance API, and the epochs/s and frames/s
// readout. Numbers are published on window.__playgroundStats so a test (or a
// curious user in the console) can read them: `frames` counts the
// requestAnimationFrame callbacks that drew a new server frame (painted),
// `received` the frames that arrived for the current state.

import { t } from "./i18n.js";

const KEEP = 600; // draw durations kept for the median / max

export class FrameStats {
  constructor(readout) {
    this.readout = readout;
    this.durations = [];
    this.frames = 0;
    this.received = 0;
    this.window = []; // [time, epoch] of recent frames, for the rates
    this.lastShown = 0;
    this.publish();
  }

  begin() {
    performance.mark("playground-draw-start");
  }

  /** Close the measure for one drawn frame at `epoch`. */
  end(epoch) {
    performance.mark("playground-draw-end");
    const measure = performance.measure("playground-draw", "playground-draw-start", "playground-draw-end");
    // Marks and measures accumulate in the timeline otherwise.
    performance.clearMarks("playground-draw-start");
    performance.clearMarks("playground-draw-end");
    performance.clearMeasures("playground-draw");
    this.durations.push(measure.duration);
    if (this.durations.length > KEEP) this.durations.shift();
    this.frames += 1;
    const now = performance.now();
    this.window.push([now, epoch]);
    while (this.window.length > 2 && now - this.window[0][0] > 2000) this.window.shift();
    if (now - this.lastShown > 500) {
      this.lastShown = now;
      this.publish();
    }
  }

  /** Epochs and frames per second over the last ~2 s (0 when idle). */
  rates() {
    const w = this.window;
    const now = performance.now();
    if (w.length < 2 || now - w[w.length - 1][0] > 1000) return { epochsPerSec: 0, fps: 0 };
    const seconds = (w[w.length - 1][0] - w[0][0]) / 1000;
    if (seconds <= 0) return { epochsPerSec: 0, fps: 0 };
    return {
      epochsPerSec: Math.max(0, (w[w.length - 1][1] - w[0][1]) / seconds),
      fps: (w.length - 1) / seconds,
    };
  }

  publish() {
    const sorted = [...this.durations].sort((a, b) => a - b);
    const pick = (q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : 0);
    const { epochsPerSec, fps } = this.rates();
    window.__playgroundStats = {
      frames: this.frames,
      received: this.received,
      drawMsMedian: pick(0.5),
      drawMsP90: pick(0.9),
      drawMsMax: sorted.length ? sorted[sorted.length - 1] : 0,
      drawMsLast: this.durations.length ? this.durations[this.durations.length - 1] : 0,
      epochsPerSec,
      fps,
    };
    if (this.readout) {
      this.readout.textContent = t("rate.readout", { epochs: Math.round(epochsPerSec), frames: Math.round(fps) });
    }
  }

  /** A frame of the current state arrived (it may be replaced by a newer
   * one before the next display frame). */
  receive() {
    this.received += 1;
  }

  /** Refresh the readout while no frames come (so it falls to 0 when paused). */
  tick() {
    this.publish();
  }
}
