// Colours of three or more classes. Two classes keep the original's scale
// (colors.js: orange for −1, blue for +1). From three on, each class has a
// colour of the Okabe–Ito palette, made to stay apart for colour-blind
// readers, starting with the original's orange and blue; the heatmap blends
// them by probability.
//
// The blend generalises the original's two-class picture: a cell starts from
// the neutral grey and moves towards class k by q_k = max(0, (K·p_k − 1) / (K − 1)),
// how far p_k is above an even chance 1/K. With K = 2 this is exactly the
// original (|2p − 1| towards the likelier colour); an undecided cell is grey,
// a certain one is its class's colour, and the q_k never add up to more than 1.

import { HEATMAP_ALPHA, NAN_BYTE } from "./colors.js";

export const CLASS_COLORS = [
  [0xf5, 0x93, 0x22], // orange (the original's −1)
  [0x08, 0x77, 0xbd], // blue (the original's +1)
  [0x00, 0x9e, 0x73], // bluish green
  [0xcc, 0x79, 0xa7], // reddish purple
  [0xd5, 0x5e, 0x00], // vermillion
  [0x56, 0xb4, 0xe9], // sky blue
];
const NEUTRAL = [0xe8, 0xea, 0xeb];
const NAN_RGB = [0x99, 0x99, 0x99];

const pack = ([r, g, b]) => ((HEATMAP_ALPHA << 24) | (b << 16) | (g << 8) | r) >>> 0;

/** CSS colour of class `label` (0 .. K − 1) for K ≥ 3. */
export function classCss(label) {
  const [r, g, b] = CLASS_COLORS[label % CLASS_COLORS.length];
  return `rgb(${r},${g},${b})`;
}

const painters = new Map();

/** The painter for K classes (built once per K: its tables are 6 KB a class). */
export function classPainter(classes) {
  if (!painters.has(classes)) painters.set(classes, new ClassPainter(classes));
  return painters.get(classes);
}

/** A probability from a heatmap byte (the server stores 2p − 1). */
const probability = (byte) => Math.max(0, Math.min(1, (byte - 127) / 254 + 0.5));

/**
 * Paints K class heatmaps (bytes of 2p − 1, one 100 × 100 grid per class,
 * back to back) into one picture. Per class and byte, the pull of that class
 * towards its colour is looked up, so a cell is K look-ups per channel.
 */
export class ClassPainter {
  constructor(classes) {
    this.classes = classes;
    this.pull = []; // per class: Float32Array(3 · 256), q(p) · (colour − neutral) per channel
    this.units = []; // per class: Uint32Array(256), one unit's own picture (grey → its colour by p)
    for (let k = 0; k < classes; k += 1) {
      const color = CLASS_COLORS[k % CLASS_COLORS.length];
      const pull = new Float32Array(3 * 256);
      const unit = new Uint32Array(256);
      for (let b = 0; b < 256; b += 1) {
        const p = probability(b);
        const q = Math.max(0, (classes * p - 1) / (classes - 1));
        for (let c = 0; c < 3; c += 1) pull[3 * b + c] = q * (color[c] - NEUTRAL[c]);
        unit[b] = pack(b === NAN_BYTE ? NAN_RGB : NEUTRAL.map((n, c) => Math.round(n + p * (color[c] - n))));
      }
      this.pull.push(pull);
      this.units.push(unit);
    }
    this.discrete = CLASS_COLORS.map(pack);
    this.nan = pack(NAN_RGB);
  }

  /** outputs: K · cells bytes; pixels: a Uint32Array of `cells` RGBA pixels.
   * discretize: every cell in the colour of its likeliest class. */
  paint(outputs, pixels, discretize) {
    const K = this.classes;
    const n = pixels.length;
    for (let i = 0; i < n; i += 1) {
      let r = NEUTRAL[0];
      let g = NEUTRAL[1];
      let b = NEUTRAL[2];
      let best = 0;
      let bestByte = -1;
      let nan = false;
      for (let k = 0; k < K; k += 1) {
        const byte = outputs[k * n + i];
        if (byte === NAN_BYTE) nan = true;
        if (byte > bestByte) {
          best = k;
          bestByte = byte;
        }
        const pull = this.pull[k];
        r += pull[3 * byte];
        g += pull[3 * byte + 1];
        b += pull[3 * byte + 2];
      }
      if (nan) pixels[i] = this.nan;
      else if (discretize) pixels[i] = this.discrete[best];
      else pixels[i] = ((HEATMAP_ALPHA << 24) | (Math.round(b) << 16) | (Math.round(g) << 8) | Math.round(r)) >>> 0;
    }
  }

  /** One class's unit alone (its thumbnail, or its grid while hovered): grey to its colour by p. */
  paintUnit(bytes, pixels, unit, offset = 0) {
    const table = this.units[unit];
    const n = pixels.length;
    for (let i = 0; i < n; i += 1) pixels[i] = table[bytes[offset + i]];
  }
}
