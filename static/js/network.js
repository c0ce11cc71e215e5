// The network diagram: feature and hidden nodes with their thumbnails, every
// output unit (one per class with three or more classes), links coloured and
// sized by weight, bias squares, the per-layer "+/-" buttons, and hover /
// click-to-edit on links and biases. A click (a tap) also points the
// explainer at that link (onSelect), drawn with a halo; a tap on a neuron
// shows it in the big heatmap, as hovering does (netnodes.js).
// setState() rebuilds the structure when it changes; update(frame) only
// repaints: links, biases and thumbnails on one canvas (netcanvas.js), the
// thumbnails' cells with one putImageData (thumbatlas.js), and no layout reads.

import { classPainter } from "./classcolors.js";
import { css } from "./colors.js";
import { HoverCard } from "./hovercard.js";
import { LinkCanvas, flatten } from "./netcanvas.js";
import { addLayerControls, placeCallouts } from "./netdecor.js";
import { svgEl } from "./svg.js";
import { PAD, RECT, ROW, layoutNodes, linkPath, linkWidth, minimumWidth } from "./netlayout.js";
import { NetworkKeys } from "./netkeys.js";
import { NodeBoxes } from "./netnodes.js";
import { PaintLimiter } from "./motion.js";
import { ThumbnailAtlas } from "./thumbatlas.js";

const WIDEST = 660;
const TOUCH_TARGET = 24; // CSS px, WCAG 2.2's least target size // the diagram is laid out at most this wide on narrow screens, then scaled
// Below this width the columns stack and the diagram takes the page's width
// (responsive.css switches at the same width).
export const NARROW = "(max-width: 999px)";

export class NetworkView {
  /**
   * root: #network; options: {features, maxNeurons}; handlers: onToggleFeature(name),
   * onNeurons(layer, delta), onFocus(thumbIndex|null), onWeight(layer, source, target, value),
   * onBias(layer, node, value), onSelect({kind, layer, source, target}).
   */
  constructor(root, options, handlers) {
    this.root = root;
    this.stage = root.querySelector(".net-stage");
    this.svg = root.querySelector("#svg");
    this.linkCanvas = new LinkCanvas(root.querySelector("#links-canvas"));
    this.layerControls = root.querySelector("#layer-controls");
    this.features = options.features;
    this.maxNeurons = options.maxNeurons;
    this.handlers = handlers;
    this.card = new HoverCard(root.querySelector("#hovercard"), (target, value) => this.applyEdit(target, value));
    this.calloutThumb = root.querySelector(".callout.thumbnail");
    this.calloutWeights = root.querySelector(".callout.weights");
    this.atlas = new ThumbnailAtlas();
    this.painter = null; // the ClassPainter of three or more classes (their output units' colours)
    const nodeLayer = document.createElement("div");
    nodeLayer.className = "nodes";
    this.stage.insertBefore(nodeLayer, this.calloutThumb);
    this.boxes = new NodeBoxes(nodeLayer, { onFocus: handlers.onFocus, onToggleFeature: handlers.onToggleFeature });
    this.key = null;
    this.width = 0;
    this.scale = 1;
    this.epoch = 0;
    this.discretize = false;
    this.links = [];
    this.biasRects = [];
    this.lastFrame = null;
    this.selection = null; // the explainer's {layer, source, target}, drawn with a halo
    this.selectable = true; // a watcher selects locally (handlers.onSelect decides where it goes)
    // With reduced motion the thumbnails change a few times a second, not every frame.
    this.thumbLimiter = new PaintLimiter(() => {
      if (this.lastFrame) this.paintThumbnails(this.lastFrame.thumbnails, this.lastFrame.thumbnailCount);
      this.redraw();
    });
    this.state = null; // the last state drawn (names for the keyboard's labels)
    this.keys = new NetworkKeys(this);
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
      if (event.target.closest("[data-kind]") && !this.card.pinned) this.card.hide();
    });
    this.svg.addEventListener("click", (event) => {
      const el = event.target.closest("[data-kind]");
      if (!el) return;
      const target = this.describe(el);
      if (!target) return;
      this.handlers.onSelect(target);
      // A tap has no hover: the card opens, and stays, on the tap; a second
      // tap on the card edits (a phone's keyboard should not jump up at once).
      this.card.show(target, ...this.pointer(event));
      this.card.pinned = true;
      if (event.pointerType !== "touch") this.card.edit();
    });
  }

  pointer(event) {
    const box = this.root.getBoundingClientRect();
    return [event.clientX - box.left, event.clientY - box.top];
  }

  /** What a link or bias square stands for, with its current value. */
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

  /** Where the diagram goes: on a wide page, from the FEATURES column to the
   * OUTPUT column at scale 1, as the original; on a narrow one (or
   * presenting), the column's width, laid out at least minimumWidth wide
   * and at most WIDEST, then scaled to fit. Read once per rebuild. The one
   * output of the original is the big heatmap on a wide page; several (one
   * per class) are nodes of their own, at the heatmap's left edge. */
  measure(hiddenLayers, outputs, rows = 0) {
    const features = this.root.parentElement;
    const stacked = document.body.classList.contains("present") || window.matchMedia(NARROW).matches;
    if (!stacked) {
      const output = document.querySelector(".column.output");
      const width = Math.round(output.getBoundingClientRect().left - features.getBoundingClientRect().left);
      return { width, scale: 1, outputNode: outputs > 1 };
    }
    const available = Math.max(200, features.clientWidth);
    const width = Math.min(WIDEST, Math.max(minimumWidth(hiddenLayers), available));
    let scale = Math.min(1.6, available / width);
    if (document.body.classList.contains("present") && rows > 0) {
      // Presenting, the diagram also fits the first screen's height (under the scene and the bar).
      const top = this.root.getBoundingClientRect().top + window.scrollY;
      const room = window.innerHeight - top - 12;
      scale = Math.max(0.5, Math.min(scale, room / (rows * ROW)));
    }
    return { width, scale: Math.round(scale * 100) / 100, outputNode: true };
  }

  /** Rebuild when the structure differs from what is drawn, then paint the
   * state's weights. state: the server's `state` message; frame: the last
   * frame of the same generation, if any, to repaint rebuilt thumbnails at
   * once (a paused session sends no new frame for a live change). */
  setState(state, frame = null) {
    this.state = state;
    const config = state.config;
    const hidden = new Set(config.hidden || []);
    // Presenting, only the features in use are drawn: the diagram fits a projector's height.
    const presenting = document.body.classList.contains("present");
    const inputs = this.features
      .filter((f) => !hidden.has(f.name) && (!presenting || config[f.name]))
      .map((f, row) => ({ ...f, row, enabled: Boolean(config[f.name]), thumb: this.features.indexOf(f) }));
    const shape = state.shape.slice(1, -1);
    const outputs = state.shape.at(-1);
    this.painter = outputs > 1 ? classPainter(outputs) : null;
    const box = this.measure(shape.length, outputs, Math.max(inputs.length, outputs, ...shape));
    const key = JSON.stringify([inputs.map((f) => [f.name, f.enabled]), shape, outputs, box, config.features]);
    if (key !== this.key) {
      this.key = key;
      this.build(inputs, shape, box, this.features.filter((f) => config[f.name]).map((f) => f.name), outputs);
    }
    this.setNumbers(state.weights.flat(2).map(Number), state.biases.flat().map(Number), state.dead.flat(2).map(Number), state.epoch);
    if (frame && frame.thumbnailCount >= this.boxes.nodes.length) {
      this.paintThumbnails(frame.thumbnails, frame.thumbnailCount);
      this.lastFrame = frame;
    }
    this.redraw();
  }

  /** Paint the canvas: links, biases, thumbnails (nodes not painted yet are left out). */
  redraw() {
    this.linkCanvas.draw(this.links, this.biasRects, this.epoch, this.thumbs);
  }

  build(inputs, hidden, box, enabledNames, outputs) {
    const focused = this.keys.remember(); // the focus comes back to the same part after the rebuild
    this.card.hide(true);
    const { width, scale, outputNode } = box;
    this.width = width;
    this.scale = scale;
    this.shape = hidden;
    const geometry = layoutNodes(inputs, hidden, width, outputNode, outputs);
    // The original lets the last links run into the heatmap's edge and the
    // SVG overhang by a node; with an output node of its own, nothing overhangs.
    const stageWidth = outputNode ? width : width + RECT;
    this.svg.replaceChildren();
    this.svg.setAttribute("width", String(stageWidth));
    this.svg.setAttribute("height", String(geometry.height));
    this.linkCanvas.resize(stageWidth, geometry.height, scale);
    this.stage.style.transform = scale === 1 ? "" : `scale(${scale})`;
    // A finger's targets: links and bias squares take 24 CSS px however far the diagram is scaled down.
    const hit = window.matchMedia("(pointer: coarse)").matches ? TOUCH_TARGET / scale : 0;
    this.root.style.setProperty("--link-hit", `${Math.max(8, hit)}px`);
    this.root.style.setProperty("--net-width", `${Math.ceil(stageWidth * scale)}px`);
    this.root.style.setProperty("--net-height", `${Math.ceil(geometry.height * scale)}px`);
    this.gSelection = svgEl("g", { class: "selection" }, this.svg);
    const gMarks = svgEl("g", { class: "marks" }, this.svg);
    const gHover = svgEl("g", { class: "hover" }, this.svg);
    this.boxes.clear();
    this.layerControls.replaceChildren();

    // Sources of weight layer 0 are the enabled features that are drawn.
    const inputPos = new Map(inputs.map((f, row) => [f.name, geometry.inputs[row]]));
    const layers = [enabledNames.map((name) => inputPos.get(name) || null), ...geometry.hidden, geometry.outputs];
    inputs.forEach((f, row) => this.boxes.addInput(f, geometry.inputs[row], gMarks));
    let thumb = this.features.length;
    geometry.hidden.forEach((column, l) => {
      column.forEach((pos, j) => {
        this.boxes.addHidden(pos, thumb, l, j, gMarks);
        thumb += 1;
      });
      const where = { layer: l, centreX: (column[0].x + RECT / 2) * scale, neurons: hidden[l], max: this.maxNeurons, editable: this.editable };
      addLayerControls(this.layerControls, where, (layer, delta) => this.handlers.onNeurons(layer, delta));
    });
    if (outputNode) geometry.outputs.forEach((pos, k) => this.boxes.addOutput(pos, thumb + k, outputs > 1 ? k : null));

    this.links = [];
    for (let l = 0; l + 1 < layers.length; l += 1) {
      layers[l].forEach((source, i) => {
        layers[l + 1].forEach((target, j) => {
          const link = { layer: l, source: i, target: j, value: 0, color: "", width: 1, d: null, shape: null, line: null };
          if (source) {
            link.d = linkPath(source, target);
            link.shape = new Path2D(link.d);
            link.line = flatten(source.x + RECT + 2, source.y + RECT / 2, target.x, target.y + RECT / 2);
            svgEl("path", { class: "link-hover", d: link.d, "data-kind": "weight", "data-index": this.links.length }, gHover);
          }
          this.links.push(link);
        });
      });
    }
    this.biasRects = [];
    layers.slice(1).forEach((column, l) => {
      column.forEach((pos, j) => {
        const x = pos.x - 7;
        const y = pos.y + RECT - 5 - PAD + 3;
        // The square is painted on the canvas; this larger, invisible one takes the pointer.
        const side = Math.max(13, hit);
        const rect = svgEl("rect", { class: "bias", x: x + 2.5 - side / 2, y: y + 2.5 - side / 2, width: side, height: side }, gHover);
        rect.dataset.kind = "bias";
        rect.dataset.index = String(this.biasRects.length);
        this.biasRects.push({ layer: l, node: j, value: 0, color: "", x, y });
      });
    });
    placeCallouts(this.svg, this.calloutThumb, this.calloutWeights, { geometry, hidden, layers });
    this.markSelected(this.selection);
    this.atlas.resize(this.boxes.nodes.length);
    this.thumbs = { atlas: this.atlas.canvas, nodes: this.boxes.nodes };
    gMarks.setAttribute("aria-hidden", "true"); // labels and arrows: the keyboard's names say what they do
    this.keys.build(enabledNames);
    this.keys.restore(focused);
  }

  /** false for a watcher: a click does not edit (it still selects, locally). */
  set editable(on) {
    if (this.card.readOnly === !on) return;
    this.card.readOnly = !on;
    this.key = null; // rebuilt with the next state: a watcher's +/− buttons are disabled
    if (!on) for (const button of this.layerControls.querySelectorAll("button")) button.disabled = true;
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
      if (bias) svgEl("rect", { class: "selected-bias", x: bias.x - 3, y: bias.y - 3, width: 11, height: 11 }, this.gSelection);
      return;
    }
    const link = this.links.find((l) => l.layer === selection.layer && l.source === selection.source && l.target === selection.target);
    if (link && link.d) svgEl("path", { class: "selected-link", d: link.d }, this.gSelection);
  }

  /** Weights, biases and the dash drift (drawn by the next redraw()).
   * Arrays are flat, in the frame's order (layer by layer, row-major). */
  setNumbers(weights, biases, dead, epoch) {
    const n = Math.min(weights.length, this.links.length);
    for (let k = 0; k < n; k += 1) {
      const link = this.links[k];
      const w = weights[k];
      link.value = w;
      link.color = css(w);
      link.width = linkWidth(w);
    }
    const nb = Math.min(biases.length, this.biasRects.length);
    for (let k = 0; k < nb; k += 1) {
      const bias = this.biasRects[k];
      bias.value = biases[k];
      bias.color = css(biases[k]);
    }
    this.epoch = epoch;
    if (this.card.visible && this.card.target && !this.card.editing) {
      const target = this.card.target;
      this.card.setValue(target.kind === "weight" ? this.links[target.index].value : this.biasRects[target.index].value);
    }
  }

  /** Per-frame repaint. frame: parsed kind-1 frame. */
  update(frame) {
    if (frame.weights.length !== this.links.length || frame.biases.length !== this.biasRects.length) return false;
    this.setNumbers(frame.weights, frame.biases, frame.dead, frame.epoch);
    this.lastFrame = frame;
    this.thumbLimiter.request(); // paints the thumbnails and the canvas (now, or soon with reduced motion)
    return true;
  }

  /** The frame's thumbnails into the atlas, with one putImageData. */
  paintThumbnails(bytes, count) {
    this.atlas.paint(bytes, count, this.boxes.nodes, this.discretize, this.painter);
  }

  setDiscretize(on) {
    this.discretize = on;
    if (this.lastFrame) {
      this.paintThumbnails(this.lastFrame.thumbnails, this.lastFrame.thumbnailCount);
      this.redraw();
    }
  }

  /** The thumbnail of node `thumb` as drawn (RGBA of its 10x10 cells), for tests and the console. */
  thumbnailPixels(thumb) {
    const node = this.boxes.nodes.find((n) => n.thumb === thumb);
    if (!node || !node.painted) return null;
    return this.atlas.pixelsOf(node.slot);
  }

  /** The class whose output unit node `thumb` is (its grid is painted in that colour), or null. */
  unitOf(thumb) {
    return this.boxes.unitOf(thumb);
  }

  /** Forget the drawn structure so the next state rebuilds it (also after
   * a language switch: titles and layer labels are built with the text). */
  reset() {
    this.thumbLimiter.cancel();
    this.key = null;
    this.lastFrame = null;
    this.card.hide(true);
    this.boxes.clear();
  }
}
