// The network diagram: feature nodes, hidden nodes with their thumbnails,
// links coloured and sized by weight, bias squares, the per-layer "+/-"
// buttons, and hover / click-to-edit on links and biases. A click also
// points the explainer at that link (onSelect), which is drawn with a halo.
// setState() rebuilds the structure when it changes; update(frame) only
// repaints (it runs every frame, so it avoids DOM writes that change nothing).

import { css, paintBytes } from "./colors.js";
import { HoverCard } from "./hovercard.js";
import { addLayerControls, appendLabel, placeCallouts, svgEl } from "./netdecor.js";
import { PAD, RECT, layoutNodes, linkPath, linkWidth } from "./netlayout.js";

const THUMB = 10;

export class NetworkView {
  /**
   * root: #network; options: {features, maxNeurons}; handlers: onToggleFeature(name),
   * onNeurons(layer, delta), onFocus(thumbIndex|null), onWeight(layer, source, target, value),
   * onBias(layer, node, value), onSelect({kind, layer, source, target}).
   */
  constructor(root, options, handlers) {
    this.root = root;
    this.svg = root.querySelector("#svg");
    this.layerControls = root.querySelector("#layer-controls");
    this.features = options.features;
    this.maxNeurons = options.maxNeurons;
    this.handlers = handlers;
    this.card = new HoverCard(root.querySelector("#hovercard"), (target, value) => this.applyEdit(target, value));
    this.calloutThumb = root.querySelector(".callout.thumbnail");
    this.calloutWeights = root.querySelector(".callout.weights");
    this.nodeLayer = document.createElement("div");
    this.nodeLayer.className = "nodes";
    root.insertBefore(this.nodeLayer, this.layerControls);
    this.key = null;
    this.width = 0;
    this.discretize = false;
    this.links = [];
    this.biasRects = [];
    this.nodes = [];
    this.lastFrame = null;
    this.hoveredNode = null;
    this.selection = null; // the explainer's {layer, source, target}, drawn with a halo
    this.bindEvents();
  }

  bindEvents() {
    this.svg.addEventListener("mouseover", (event) => {
      const el = event.target.closest("[data-kind]");
      if (!el) return;
      const target = this.describe(el);
      if (target) this.card.show(target, ...this.pointer(event));
    });
    this.svg.addEventListener("mouseout", (event) => {
      if (event.target.closest("[data-kind]")) this.card.hide();
    });
    this.svg.addEventListener("click", (event) => {
      const el = event.target.closest("[data-kind]");
      if (!el) return;
      const target = this.describe(el);
      if (!target || !this.editable) return;
      this.handlers.onSelect(target);
      if (!this.card.visible) this.card.show(target, ...this.pointer(event));
      this.card.edit();
    });
  }

  pointer(event) {
    const box = this.root.getBoundingClientRect();
    return [event.clientX - box.left, event.clientY - box.top];
  }

  /** What a hovered link or bias square stands for, with its current value. */
  describe(el) {
    const index = Number(el.dataset.index);
    if (el.dataset.kind === "weight") {
      const link = this.links[index];
      return { kind: "weight", index, layer: link.layer, source: link.source, target: link.target, value: link.value };
    }
    const bias = this.biasRects[index];
    return { kind: "bias", index, layer: bias.layer, node: bias.node, value: bias.value };
  }

  applyEdit(target, value) {
    if (target.kind === "weight") this.handlers.onWeight(target.layer, target.source, target.target, value);
    else this.handlers.onBias(target.layer, target.node, value);
  }

  /** The width the diagram spans: from the FEATURES column to the OUTPUT column. */
  measure() {
    const features = this.root.parentElement;
    const output = document.querySelector(".column.output");
    return Math.round(output.getBoundingClientRect().left - features.getBoundingClientRect().left);
  }

  /** Rebuild when the structure differs from what is drawn, then paint the
   * state's weights. state: the server's `state` message; frame: the last
   * frame of the same generation, if any, to repaint rebuilt thumbnails at
   * once (a paused session sends no new frame for a live change). */
  setState(state, frame = null) {
    const config = state.config;
    const hidden = new Set(config.hidden || []);
    const inputs = this.features
      .filter((f) => !hidden.has(f.name))
      .map((f, row) => ({ ...f, row, enabled: Boolean(config[f.name]), thumb: this.features.indexOf(f) }));
    const shape = state.shape.slice(1, -1);
    const width = this.measure();
    const key = JSON.stringify([inputs.map((f) => [f.name, f.enabled]), shape, width, config.features]);
    if (key !== this.key) {
      this.key = key;
      this.build(inputs, shape, width, this.features.filter((f) => config[f.name]).map((f) => f.name));
    }
    this.setNumbers(state.weights.flat(2).map(Number), state.biases.flat().map(Number), state.dead.flat(2).map(Number), state.epoch);
    if (frame && frame.thumbnailCount >= this.nodes.length) {
      this.paintThumbnails(frame.thumbnails, frame.thumbnailCount);
      this.lastFrame = frame;
    }
  }

  build(inputs, hidden, width, enabledNames) {
    this.card.hide(true);
    this.width = width;
    this.shape = hidden;
    const geometry = layoutNodes(inputs, hidden, width);
    this.svg.replaceChildren();
    this.svg.setAttribute("width", String(width + RECT));
    this.svg.setAttribute("height", String(geometry.height));
    this.gSelection = svgEl("g", { class: "selection" }, this.svg);
    const gLinks = svgEl("g", { class: "links" }, this.svg);
    const gBias = svgEl("g", { class: "biases" }, this.svg);
    const gMarks = svgEl("g", { class: "marks" }, this.svg);
    const gHover = svgEl("g", { class: "hover" }, this.svg);
    this.nodeLayer.replaceChildren();
    this.layerControls.replaceChildren();
    this.nodes = [];

    // Sources of weight layer 0 are the enabled features that are drawn.
    const inputPos = new Map(inputs.map((f, row) => [f.name, geometry.inputs[row]]));
    const layers = [enabledNames.map((name) => inputPos.get(name) || null), ...geometry.hidden, [geometry.output]];
    inputs.forEach((f, row) => this.addInputNode(f, geometry.inputs[row], gMarks));
    let thumb = this.features.length;
    geometry.hidden.forEach((column, l) => {
      column.forEach((pos, j) => {
        this.addHiddenNode(pos, thumb, l, j);
        thumb += 1;
        svgEl("path", { class: "arrow", d: `M${pos.x + RECT + 2},${pos.y + RECT / 2 - 4.5}l4.5,4.5l-4.5,4.5z` }, gMarks);
      });
      const where = { layer: l, centreX: column[0].x + RECT / 2, neurons: hidden[l], max: this.maxNeurons };
      addLayerControls(this.layerControls, where, (layer, delta) => this.handlers.onNeurons(layer, delta));
    });

    this.links = [];
    for (let l = 0; l + 1 < layers.length; l += 1) {
      layers[l].forEach((source, i) => {
        layers[l + 1].forEach((target, j) => {
          const link = { layer: l, source: i, target: j, value: 0, color: "", width: -1, dead: -1, path: null };
          if (source) {
            const d = linkPath(source, target);
            link.path = svgEl("path", { class: "link", d }, gLinks);
            svgEl("path", { class: "link-hover", d, "data-kind": "weight", "data-index": this.links.length }, gHover);
          }
          this.links.push(link);
        });
      });
    }
    this.biasRects = [];
    layers.slice(1).forEach((column, l) => {
      column.forEach((pos, j) => {
        const rect = svgEl("rect", { class: "bias", x: pos.x - 7, y: pos.y + RECT - 5 - PAD + 3, width: 5, height: 5 }, gBias);
        rect.dataset.kind = "bias";
        rect.dataset.index = String(this.biasRects.length);
        this.biasRects.push({ layer: l, node: j, value: 0, color: "", rect });
      });
    });
    placeCallouts(this.svg, this.calloutThumb, this.calloutWeights, { geometry, hidden, layers });
    this.markSelected(this.selection);
  }

  addInputNode(feature, pos, gMarks) {
    const text = svgEl("text", { class: `node-label${feature.enabled ? "" : " inactive"}`, x: pos.x - 10, y: pos.y + RECT / 2 }, gMarks);
    appendLabel(text, feature.label);
    const node = this.addNode(pos, feature.thumb, `feature ${feature.enabled ? "active" : "inactive"}`);
    node.el.dataset.feature = feature.name;
    node.el.title = `${feature.enabled ? "Remove" : "Add"} ${feature.label} ${feature.enabled ? "from" : "to"} the inputs`;
    node.el.addEventListener("click", () => this.handlers.onToggleFeature(feature.name));
    if (feature.enabled) {
      svgEl("path", { class: "arrow", d: `M${pos.x + RECT + 2},${pos.y + RECT / 2 - 4.5}l4.5,4.5l-4.5,4.5z` }, gMarks);
    }
  }

  addHiddenNode(pos, thumb, layer, index) {
    const node = this.addNode(pos, thumb, "neuron");
    node.el.dataset.layer = String(layer);
    node.el.dataset.index = String(index);
  }

  addNode(pos, thumb, className) {
    const el = document.createElement("div");
    el.className = `node ${className}`;
    el.style.left = `${pos.x}px`;
    el.style.top = `${pos.y}px`;
    el.dataset.thumb = String(thumb);
    const canvas = document.createElement("canvas");
    canvas.width = THUMB;
    canvas.height = THUMB;
    el.appendChild(canvas);
    this.nodeLayer.appendChild(el);
    const ctx = canvas.getContext("2d");
    const image = ctx.createImageData(THUMB, THUMB);
    const node = { el, ctx, image, pixels: new Uint32Array(image.data.buffer), thumb };
    el.addEventListener("mouseenter", () => this.setHovered(node));
    el.addEventListener("mouseleave", () => this.setHovered(null));
    this.nodes.push(node);
    return node;
  }

  setHovered(node) {
    if (this.hoveredNode) this.hoveredNode.el.classList.remove("hovered");
    this.hoveredNode = node;
    if (node) node.el.classList.add("hovered");
    this.handlers.onFocus(node ? node.thumb : null);
  }

  /** false for a watcher: a click neither edits nor selects. */
  set editable(on) {
    this.card.readOnly = !on;
  }

  get editable() {
    return !this.card.readOnly;
  }

  /** Halo the explainer's link or bias: selection {layer, source, target}
   * (source null for a bias) or null. */
  markSelected(selection) {
    this.selection = selection;
    if (!this.gSelection) return;
    this.gSelection.replaceChildren();
    if (!selection) return;
    if (selection.source === null || selection.source === undefined) {
      const bias = this.biasRects.find((b) => b.layer === selection.layer && b.node === selection.target);
      if (bias) {
        const at = (name) => Number(bias.rect.getAttribute(name));
        svgEl("rect", { class: "selected-bias", x: at("x") - 3, y: at("y") - 3, width: 11, height: 11 }, this.gSelection);
      }
      return;
    }
    const link = this.links.find((l) => l.layer === selection.layer && l.source === selection.source && l.target === selection.target);
    if (link && link.path) svgEl("path", { class: "selected-link", d: link.path.getAttribute("d") }, this.gSelection);
  }

  /** Paint weights, biases and the dash drift. Arrays are flat, in the
   * frame's order (layer by layer, row-major). */
  setNumbers(weights, biases, dead, epoch) {
    const n = Math.min(weights.length, this.links.length);
    for (let k = 0; k < n; k += 1) {
      const link = this.links[k];
      const w = weights[k];
      link.value = w;
      if (!link.path) continue;
      const color = css(w);
      if (color !== link.color) {
        link.color = color;
        link.path.style.stroke = color;
      }
      const width = Math.round(linkWidth(w) * 10) / 10;
      if (width !== link.width) {
        link.width = width;
        link.path.style.strokeWidth = `${width}px`;
      }
      const isDead = dead[k] ? 1 : 0;
      if (isDead !== link.dead) {
        link.dead = isDead;
        link.path.classList.toggle("dead", isDead === 1);
      }
    }
    const nb = Math.min(biases.length, this.biasRects.length);
    for (let k = 0; k < nb; k += 1) {
      const bias = this.biasRects[k];
      bias.value = biases[k];
      const color = css(biases[k]);
      if (color !== bias.color) {
        bias.color = color;
        bias.rect.style.fill = color;
      }
    }
    // One custom property moves every dash: no per-link write for the drift.
    this.svg.style.setProperty("--dash", `${-epoch / 3}px`);
    if (this.card.visible && this.card.target && !this.card.editing) {
      const t = this.card.target;
      this.card.setValue(t.kind === "weight" ? this.links[t.index].value : this.biasRects[t.index].value);
    }
  }

  /** Per-frame repaint. frame: parsed kind-1 frame. */
  update(frame) {
    if (frame.weights.length !== this.links.length || frame.biases.length !== this.biasRects.length) return false;
    this.setNumbers(frame.weights, frame.biases, frame.dead, frame.epoch);
    this.paintThumbnails(frame.thumbnails, frame.thumbnailCount);
    this.lastFrame = frame;
    return true;
  }

  paintThumbnails(bytes, count) {
    for (const node of this.nodes) {
      if (node.thumb >= count) continue;
      paintBytes(bytes, node.pixels, this.discretize, node.thumb * THUMB * THUMB);
      node.ctx.putImageData(node.image, 0, 0);
    }
  }

  setDiscretize(on) {
    this.discretize = on;
    if (this.lastFrame) this.paintThumbnails(this.lastFrame.thumbnails, this.lastFrame.thumbnailCount);
  }

  /** Forget the drawn structure so the next state rebuilds it. */
  reset() {
    this.key = null;
    this.lastFrame = null;
    this.card.hide(true);
    if (this.hoveredNode) this.setHovered(null);
  }
}
