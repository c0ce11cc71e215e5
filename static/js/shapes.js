// With three or more classes a point's class is told by its shape as well as
// its colour (a reader who sees colours differently, a grey projector):
// circle, square, triangle, diamond, triangle pointing down, plus, the same
// order as the colours (classcolors.js). Two classes keep the original's
// circles. The legend and the confusion matrix show the same shapes.

const SVG_NS = "http://www.w3.org/2000/svg";
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
  const el = document.createElementNS(SVG_NS, shape ? "path" : "circle");
  if (shape) el.setAttribute("d", polygon(shape, x, y));
  else Object.entries({ cx: x.toFixed(2), cy: y.toFixed(2), r: 3 }).forEach(([k, v]) => el.setAttribute(k, v));
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, value);
  return el;
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
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("class", "swatch-mark");
  svg.setAttribute("viewBox", "-5 -5 10 10");
  svg.setAttribute("aria-hidden", "true");
  svg.append(markElement(label, classes, 0, 0, { fill: color }));
  return svg;
}
