// SVG elements for every drawing of the page (the diagram, the heatmap's
// points and axes, the charts, the slice plot, the classes' marks): one
// helper, so an attribute is always set the same way.

export const SVG_NS = "http://www.w3.org/2000/svg";

/** A new SVG element `name` with `attrs` set, appended to `parent` if given. */
export function svgEl(name, attrs = {}, parent = null) {
  const el = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, value);
  if (parent) parent.appendChild(el);
  return el;
}
