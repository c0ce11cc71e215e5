// With three or more classes a point's class is told by its shape as well as
// its colour (a reader who sees colours differently, a grey projector):
// circle, square, triangle, diamond, triangle pointing down, plus, the same
// order as the colours (classcolors.js). Two classes keep the original's
// circles. The legend and the confusion matrix show the same shapes.

import { svgEl } from "./svg.js";

const polygon = (points, x, y, scale = 1) =>
  `M${points.map(([px, py]) => `${(x + scale * px).toFixed(2)},${(y + scale * py).toFixed(2)}`).join("L")}Z`;

// Each about the area of the original's 3-unit circle.
const SHAPES = [
  null, // the circle
  [[-2.7, -2.7], [2.7, -2.7], [2.7, 2.7], [-2.7, 2.7]],
  [[0, -4], [3.6, 2.6], [-3.6, 2.6]],
  [[0, -3.8], [3.8, 0], [0, 3.8], [-3.8, 0]],
  [[0, 4], [3.6, -2.6], [-3.6, -2.6]],
  [[-1.2, -3.6], [1.2, -3.6], [1.2, -1.2], [3.6, -1.2], [3.6, 1.2], [1.2, 1.2], [1.2, 3.6], [-1.2, 3.6], [-1.2, 1.2],
    [-3.6, 1.2], [-3.6, -1.2], [-1.2, -1.2]],
];

/** The SVG element of class `label`'s mark at (x, y): a circle or a path.
 * classes: how many there are (two: always the circle). */
export function markElement(label, classes, x, y, attrs = {}) {
  const shape = classes > 2 ? SHAPES[label % SHAPES.length] : null;
  const at = shape ? { d: polygon(shape, x, y) } : { cx: x.toFixed(2), cy: y.toFixed(2), r: 3 };
  return svgEl(shape ? "path" : "circle", { ...at, ...attrs });
}

/** The same mark as SVG markup (pictures drawn as text, figures.js), `scale`
 * times the heatmap's size; attrs: attribute text ("fill=... stroke=..."). */
export function markMarkup(label, classes, x, y, scale, attrs) {
  const shape = classes > 2 ? SHAPES[label % SHAPES.length] : null;
  if (!shape) return `<circle cx="${x.toFixed(2)}" cy="${y.toFixed(2)}" r="${3 * scale}" ${attrs}/>`;
  return `<path d="${polygon(shape, x, y, scale)}" ${attrs}/>`;
}

/** A small picture of class `label`'s mark in its colour, for legends. */
export function markSwatch(label, classes, color) {
  const svg = svgEl("svg", { class: "swatch-mark", viewBox: "-5 -5 10 10", "aria-hidden": "true" });
  svg.append(markElement(label, classes, 0, 0, { fill: color }));
  return svg;
}
