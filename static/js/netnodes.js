// The diagram's node boxes: HTML squares over the canvas that carries their
// pictures (borders, shadows, hover). A feature's box toggles it; hovering a
// neuron or an output unit (or tapping it, on a touch screen) shows its full
// grid in the big heatmap (onFocus). Built once per structure.

import { t } from "./i18n.js";
import { RECT } from "./netlayout.js";
import { appendLabel } from "./netdecor.js";
import { svgEl } from "./svg.js";
import { spokenFeature } from "./symbols.js";

const arrowPath = (pos) => `M${pos.x + RECT + 2},${pos.y + RECT / 2 - 4.5}l4.5,4.5l-4.5,4.5z`;

export class NodeBoxes {
  /** layer: the element the boxes go in; handlers: onFocus(thumb | null), onToggleFeature(name). */
  constructor(layer, handlers) {
    this.layer = layer;
    this.handlers = handlers;
    this.nodes = []; // {el, thumb, slot, unit, x, y, faded, painted}: slot = place in the atlas
    this.hovered = null;
    this.tapped = null;
  }

  /** Forget the boxes (a new structure is being built). */
  clear() {
    this.layer.replaceChildren();
    this.nodes = [];
    this.tapped = null;
    if (this.hovered) this.setHovered(null);
  }

  addInput(feature, pos, gMarks) {
    const text = svgEl("text", { class: `node-label sym${feature.enabled ? "" : " inactive"}`, x: pos.x - 10, y: pos.y + RECT / 2 }, gMarks);
    appendLabel(text, feature.label);
    const node = this.add(pos, feature.thumb, `feature ${feature.enabled ? "active" : "inactive"}`);
    node.el.dataset.feature = feature.name;
    // A tooltip cannot hold markup: the feature as it is said, not X₁ in a font that may lack ₁.
    node.el.title = t(feature.enabled ? "network.feature_remove" : "network.feature_add", { feature: spokenFeature(feature.name) });
    node.el.addEventListener("click", () => this.handlers.onToggleFeature(feature.name));
    if (feature.enabled) svgEl("path", { class: "arrow", d: arrowPath(pos) }, gMarks);
  }

  addHidden(pos, thumb, layer, index, gMarks) {
    const node = this.add(pos, thumb, "neuron");
    node.el.dataset.layer = String(layer);
    node.el.dataset.index = String(index);
    node.el.title = t("network.neuron_tap");
    this.tapToFocus(node);
    svgEl("path", { class: "arrow", d: arrowPath(pos) }, gMarks);
  }

  /** An output unit drawn as a node (narrow screens; every class's unit
   * with three or more classes). unit: its class, or null for the one output. */
  addOutput(pos, thumb, unit) {
    const node = this.add(pos, thumb, "output-node");
    node.unit = unit;
    node.el.title = unit === null ? t("network.output_node") : t("network.output_class", { label: unit });
    if (unit !== null) {
      node.el.dataset.unit = String(unit);
      this.tapToFocus(node);
    }
  }

  /** The tap equivalent of hovering: show this node in the big heatmap
   * until it, or another, is tapped again. */
  tapToFocus(node) {
    node.el.addEventListener("click", () => {
      this.tapped = this.tapped === node ? null : node;
      this.setHovered(this.tapped);
    });
  }

  add(pos, thumb, className) {
    const el = document.createElement("div");
    el.className = `node ${className}`;
    el.style.left = `${pos.x}px`;
    el.style.top = `${pos.y}px`;
    el.dataset.thumb = String(thumb);
    this.layer.appendChild(el);
    // Its picture is drawn on the diagram's canvas, under this box.
    const node = { el, thumb, slot: this.nodes.length, unit: null, x: pos.x, y: pos.y, faded: className.includes("inactive"), painted: false };
    // A touch has no hover: taps are handled by the click listener.
    el.addEventListener("pointerenter", (event) => {
      if (event.pointerType === "mouse") this.setHovered(node);
    });
    el.addEventListener("pointerleave", (event) => {
      if (event.pointerType === "mouse" && !this.tapped) this.setHovered(null);
    });
    this.nodes.push(node);
    return node;
  }

  setHovered(node) {
    if (this.hovered === node) return;
    if (this.hovered) this.hovered.el.classList.remove("hovered");
    this.hovered = node;
    if (node) node.el.classList.add("hovered");
    this.handlers.onFocus(node ? node.thumb : null);
  }

  /** The class whose output unit node `thumb` is, or null. */
  unitOf(thumb) {
    const node = this.nodes.find((n) => n.thumb === thumb);
    return node ? node.unit : null;
  }
}
