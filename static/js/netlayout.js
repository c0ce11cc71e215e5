// Geometry of the network diagram, in the coordinates of the #network box
// (its origin is the FEATURES column's left edge, 110 px below its top).
// Numbers follow the original page's measurements: 30 px nodes, rows 55 px
// apart, inputs at x = 50, hidden layers evenly spread over [118, width - 30]
// with 0.7 step of padding, the output at the heatmap's left edge.

export const RECT = 30;
export const ROW = 55;
export const PAD = 3;
const INPUT_LEFT = 50;
const HIDDEN_START = 118;
const OUTPUT_ROOM = 50;
const LAYER_STEP = 62; // the least room a hidden layer gets on a narrow screen

/** The narrowest width the diagram is laid out at (it is scaled down below it). */
export function minimumWidth(hiddenLayers) {
  return HIDDEN_START + OUTPUT_ROOM + RECT + LAYER_STEP * Math.max(1, hiddenLayers);
}

/** Left edges of `count` hidden layers inside [start, stop]: points spread
 * with half a padding step at each end, as a d3 ordinal "rangePoints". */
export function hiddenLayerLefts(count, width) {
  if (count === 0) return [];
  const start = HIDDEN_START;
  const stop = width - RECT;
  const padding = 0.7;
  const step = (stop - start) / (count - 1 + padding);
  return Array.from({ length: count }, (_, i) => start + step * (padding / 2 + i));
}

/**
 * Node boxes for a network.
 * inputs: visible feature descriptors [{name, index, enabled, row}] (row =
 * position among the drawn features); hidden: neurons per hidden layer;
 * width: the box from the FEATURES column to the OUTPUT column; outputNode:
 * draw the output units as nodes at the right edge instead of the heatmap;
 * outputs: how many output units (one per class with three or more).
 * Returns {inputs: [{x, y}], hidden: [[{x, y}]], outputs: [{x, y}], height}
 * with x, y the node's top-left corner (PAD included).
 */
export function layoutNodes(inputs, hidden, width, outputNode = false, outputs = 1) {
  // Without the big heatmap beside it (narrow screens, or one unit per
  // class), the output units are nodes of their own at the right edge, and
  // the hidden layers make room for them.
  const lefts = hiddenLayerLefts(hidden.length, outputNode ? width - OUTPUT_ROOM : width);
  const rows = Math.max(inputs.length, ...hidden, outputNode ? outputs : 1);
  return {
    inputs: inputs.map((_, row) => ({ x: INPUT_LEFT + PAD, y: row * ROW + PAD })),
    hidden: hidden.map((n, l) => Array.from({ length: n }, (_, j) => ({ x: lefts[l] + PAD, y: j * ROW + PAD }))),
    // The original's output "node" is the big heatmap: links end on its left
    // edge at the first row's height.
    outputs: outputNode
      ? Array.from({ length: outputs }, (_, k) => ({ x: width - RECT - PAD, y: k * ROW + PAD }))
      : [{ x: width, y: PAD }],
    height: rows * ROW,
  };
}

/** A horizontal S-curve from the source's right edge to the target's left
 * edge: a cubic Bézier whose control points share the midpoint's x. */
export function linkPath(source, target) {
  const x0 = source.x + RECT + 2;
  const y0 = source.y + RECT / 2;
  const x1 = target.x;
  const y1 = target.y + RECT / 2;
  const mx = (x0 + x1) / 2;
  return `M${x0},${y0}C${mx},${y0} ${mx},${y1} ${x1},${y1}`;
}

/** Link width from |weight|: 1 px at 0 to 10 px at 5 and above. */
export function linkWidth(weight) {
  const a = Math.min(5, Math.abs(weight));
  return Number.isFinite(a) ? 1 + (9 * a) / 5 : 1;
}

/** The link the "weights" callout points at: the last node of one hidden
 * layer to the last node of the next, in the first pair where the earlier
 * layer is at least as tall; with more than three hidden layers the first
 * pair is skipped so the two callouts do not crowd each other.
 * Returns {layer, source, target} (layer = weight layer index) or null. */
export function weightsCalloutLink(hidden) {
  const first = hidden.length > 3 ? 1 : 0;
  for (let l = first; l + 1 < hidden.length; l += 1) {
    if (hidden[l] >= hidden[l + 1]) {
      return { layer: l + 1, source: hidden[l] - 1, target: hidden[l + 1] - 1 };
    }
  }
  return null;
}
