// The one colour scale of the page (spec §5): orange at -1, light grey at 0,
// blue at +1, interpolated in RGB and clamped outside [-1, 1]. Heatmaps use
// 31 quantised shades of it; links and points use it unquantised.

const NEGATIVE = [0xf5, 0x93, 0x22];
const NEUTRAL = [0xe8, 0xea, 0xeb];
const POSITIVE = [0x08, 0x77, 0xbd];
const NAN_RGB = [0x99, 0x99, 0x99];
export const SHADES = 31;
export const HEATMAP_ALPHA = 160;
export const NAN_BYTE = 255;

/** [r, g, b] for a value, clamped to [-1, 1]; NaN is grey. */
export function rgb(value) {
  if (Number.isNaN(value)) return NAN_RGB;
  const v = Math.max(-1, Math.min(1, value));
  const [from, to, t] = v < 0 ? [NEUTRAL, NEGATIVE, -v] : [NEUTRAL, POSITIVE, v];
  return [0, 1, 2].map((k) => Math.round(from[k] + (to[k] - from[k]) * t));
}

/** CSS colour string for a value (links, points, bias squares). */
export function css(value) {
  const [r, g, b] = rgb(value);
  return `rgb(${r},${g},${b})`;
}

/** The shade a heatmap cell gets: values are bucketed into SHADES equal
 * slices of [-1, 1], each painted with the colour at its slice's own level. */
export function shadeOf(value) {
  if (Number.isNaN(value)) return NAN_RGB;
  const v = Math.max(-1, Math.min(1, value));
  const index = Math.min(SHADES - 1, Math.floor(((v + 1) / 2) * SHADES));
  return rgb(-1 + (2 * index) / (SHADES - 1));
}

// Byte -> packed RGBA (little-endian Uint32, as ImageData stores it). The
// server quantises values to bytes (docs/protocol.md: v = (b - 127) / 127,
// 255 = NaN); two tables, smooth and discretized, make drawing a lookup.
function buildTable(discretize) {
  const table = new Uint32Array(256);
  for (let b = 0; b < 256; b += 1) {
    let color;
    if (b === NAN_BYTE) color = NAN_RGB;
    else if (discretize) color = rgb(b >= 127 ? 1 : -1);
    else color = shadeOf((b - 127) / 127);
    table[b] = ((HEATMAP_ALPHA << 24) | (color[2] << 16) | (color[1] << 8) | color[0]) >>> 0;
  }
  return table;
}

const SMOOTH = buildTable(false);
const DISCRETE = buildTable(true);

/** Paint `bytes` (row-major cells) into `pixels` (a Uint32Array view of an
 * ImageData of the same cell count). */
export function paintBytes(bytes, pixels, discretize, offset = 0) {
  const table = discretize ? DISCRETE : SMOOTH;
  const n = pixels.length;
  for (let i = 0; i < n; i += 1) pixels[i] = table[bytes[offset + i]];
}

/** Gradient stops for the legend bar and similar SVG gradients. */
export const STOPS = [
  { offset: 0, color: css(-1) },
  { offset: 0.5, color: css(0) },
  { offset: 1, color: css(1) },
];
