// The diagram's node pictures: every node's 10 x 10 cells stacked in one
// small canvas (an atlas), painted with one putImageData per frame, then
// drawn into the diagram's canvas by netcanvas.js (one drawImage a node).
// A class's output unit (three or more classes) is painted in its class's
// colour; every other node on the original's orange-blue scale.

import { paintBytes } from "./colors.js";

export const THUMB = 10;
const CELLS = THUMB * THUMB;

export class ThumbnailAtlas {
  constructor() {
    this.canvas = document.createElement("canvas");
    this.ctx = this.canvas.getContext("2d");
    this.image = null;
    this.pixels = null;
  }

  /** Room for `count` thumbnails (once per structure). */
  resize(count) {
    this.canvas.width = THUMB;
    this.canvas.height = THUMB * Math.max(1, count);
    this.image = this.ctx.createImageData(THUMB, THUMB * Math.max(1, count));
    this.pixels = new Uint32Array(this.image.data.buffer);
  }

  /** A frame's thumbnails (bytes, `count` of them in frame order) into the
   * nodes' slots. nodes: [{thumb, slot, unit}] (unit: a class, or null);
   * painter: the ClassPainter of three or more classes, or null. */
  paint(bytes, count, nodes, discretize, painter) {
    if (!this.pixels) return;
    for (const node of nodes) {
      if (node.thumb >= count) continue;
      const target = this.pixels.subarray(node.slot * CELLS, (node.slot + 1) * CELLS);
      if (node.unit !== null && painter) painter.paintUnit(bytes, target, node.unit, node.thumb * CELLS);
      else paintBytes(bytes, target, discretize, node.thumb * CELLS);
      node.painted = true;
    }
    this.ctx.putImageData(this.image, 0, 0);
  }

  /** RGBA of one slot as painted (tests and the console). */
  pixelsOf(slot) {
    return Array.from(this.ctx.getImageData(0, slot * THUMB, THUMB, THUMB).data);
  }
}
