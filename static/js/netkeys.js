// The network diagram from the keyboard: one composite widget with a roving
// focus (one tab stop; Tab goes in and out). Arrow keys move between the
// nodes of a layer (↑ ↓) and, from a node, along its outgoing (→) or
// incoming (←, the bias last) weights; on a weight ↑ ↓ go to its neighbours
// and → ← to the nodes it joins. Enter or Space does what a click does: a
// weight or bias is selected (the explainer follows) with its value card, a
// feature is turned on or off, a neuron is shown in the big heatmap. `e`
// (or F2) opens the value editor; Escape leaves it and comes back here.
// Each element's name is written when it gets the focus (its value then),
// never per frame.

import { t } from "./i18n.js";
import { nodeName } from "./nettable.js";
import { spokenFeature } from "./symbols.js";
import { fmt } from "./typeset.js";

export class NetworkKeys {
  /** view: the NetworkView (its links, bias squares, node boxes, card and handlers). */
  constructor(view) {
    this.view = view;
    this.items = [];
    this.current = null;
    view.root.addEventListener("keydown", (event) => this.onKey(event));
    view.root.addEventListener("focusin", (event) => this.onFocus(event.target));
    view.root.addEventListener("focusout", (event) => {
      const card = this.view.card;
      if (!view.root.contains(event.relatedTarget) && card.visible && !card.pinned && !card.editing) card.hide();
    });
    this.editing = false; // the value editor was opened from here (e): Enter or Escape comes back
    view.card.onClose = () => {
      const lost = !document.activeElement || document.activeElement === document.body;
      if (this.editing && this.current && lost) this.current.el.focus();
      this.editing = false;
    };
  }

  /** What has the focus in the diagram, to find it again after a rebuild. */
  remember() {
    const active = document.activeElement;
    if (!active || !this.view.root.contains(active)) return null;
    if (active.dataset && active.dataset.delta) return { layer: active.dataset.layer, delta: active.dataset.delta };
    const item = this.items.find((i) => i.el === active);
    return item ? { key: item.key } : null;
  }

  /** After a rebuild: the same item (or the same +/− button) has the focus again. */
  restore(memory) {
    if (!memory) return;
    if (memory.delta) {
      const buttons = [...this.view.layerControls.querySelectorAll(`button[data-layer="${memory.layer}"]`)];
      const same = buttons.find((b) => b.dataset.delta === memory.delta);
      const usable = same && !same.disabled ? same : buttons.find((b) => !b.disabled);
      if (usable) usable.focus();
      return;
    }
    const item = this.items.find((i) => i.key === memory.key) || this.items[0];
    if (item) this.move(item);
  }

  /** The focusable parts of a freshly built diagram, in columns. */
  build(enabledNames) {
    const view = this.view;
    const nodes = view.boxes.nodes.map((n) => n.el);
    const inputs = nodes.filter((el) => el.classList.contains("feature"));
    const hidden = view.shape.map((_, l) => nodes.filter((el) => el.dataset.layer === String(l)));
    const outputs = nodes.filter((el) => el.classList.contains("output-node"));
    this.columns = [inputs, ...hidden, outputs];
    this.enabledNames = enabledNames;
    this.items = [];
    this.columns.forEach((column, col) => column.forEach((el, row) => {
      const feature = el.dataset.feature;
      this.add({ kind: "node", col, row, el, key: feature ? `f:${feature}` : `n:${col}:${row}`, feature });
    }));
    view.links.forEach((link, index) => {
      const el = view.svg.querySelector(`path.link-hover[data-index="${index}"]`);
      if (el) this.add({ kind: "weight", index, el, key: `w:${link.layer}:${link.source}:${link.target}`, link });
    });
    view.biasRects.forEach((bias, index) => {
      const el = view.svg.querySelector(`rect.bias[data-index="${index}"]`);
      if (el) this.add({ kind: "bias", index, el, key: `b:${bias.layer}:${bias.node}`, bias });
    });
    const first = this.items[0] || null;
    this.current = first;
    if (first) first.el.tabIndex = 0;
    const state = view.state;
    view.root.setAttribute("role", "group");
    view.root.setAttribute("aria-label", t("net.label", {
      inputs: enabledNames.length, layers: view.shape.length, neurons: view.shape.join(", ") || "0", outputs: state.shape.at(-1),
    }));
  }

  add(item) {
    item.el.tabIndex = -1;
    item.el.setAttribute("role", "button");
    this.items.push(item);
    this.label(item);
  }

  /** Its name now: what it is and, for a weight or bias, its current value. */
  label(item) {
    const view = this.view;
    const state = view.state;
    if (!state) return;
    const name = (layer, index) => nodeName(state, view.features, layer, index);
    let text;
    if (item.kind === "node" && item.feature) {
      const feature = view.features.find((f) => f.name === item.feature);
      text = t(state.config[item.feature] ? "net.feature_on" : "net.feature_off", { feature: spokenFeature(feature.name) });
      item.el.setAttribute("aria-disabled", String(!view.editable));
    } else if (item.kind === "node") {
      text = name(item.col, item.row);
    } else if (item.kind === "weight") {
      const { layer, source, target, value } = item.link;
      text = t("net.weight", { source: name(layer, source), target: name(layer + 1, target), value: fmt(value, 4) });
    } else {
      text = t("net.bias", { target: name(item.bias.layer + 1, item.bias.node), value: fmt(item.bias.value, 4) });
    }
    item.el.setAttribute("aria-label", text);
  }

  itemOf(el) {
    return this.items.find((i) => i.el === el) || null;
  }

  onFocus(el) {
    const item = this.itemOf(el);
    if (!item) return;
    if (this.current && this.current !== item) this.current.el.tabIndex = -1;
    this.current = item;
    item.el.tabIndex = 0;
    this.label(item);
    if (item.kind !== "node" && !this.view.card.pinned) this.showCard(item);
  }

  move(item) {
    if (!item) return;
    if (this.current && this.current !== item) this.current.el.tabIndex = -1;
    this.current = item;
    item.el.tabIndex = 0;
    item.el.focus();
  }

  /** The node element at (col, row), the row clamped to the column. */
  node(col, row) {
    const column = this.columns[col];
    if (!column || !column.length) return null;
    const el = column[Math.max(0, Math.min(column.length - 1, row))];
    return this.itemOf(el);
  }

  /** The index a node has as the source of weight layer `col` (features: among the enabled ones). */
  sourceIndex(item) {
    return item.feature ? this.enabledNames.indexOf(item.feature) : item.row;
  }

  outgoing(item) {
    const source = this.sourceIndex(item);
    return this.items.filter((i) => i.kind === "weight" && i.link.layer === item.col && i.link.source === source);
  }

  incoming(item) {
    if (item.col === 0) return [];
    const links = this.items.filter((i) => i.kind === "weight" && i.link.layer === item.col - 1 && i.link.target === item.row);
    const bias = this.items.filter((i) => i.kind === "bias" && i.bias.layer === item.col - 1 && i.bias.node === item.row);
    return [...links, ...bias];
  }

  /** The weights a weight or bias is listed with: ↑ ↓ walk through them. */
  siblings(item) {
    if (item.group) return item.group;
    if (item.kind === "bias") return this.items.filter((i) => i.kind === "bias" && i.bias.layer === item.bias.layer);
    return this.items.filter((i) => i.kind === "weight" && i.link.layer === item.link.layer && i.link.source === item.link.source);
  }

  enterGroup(group) {
    for (const i of group) i.group = group;
    return group[0];
  }

  /** The node a weight or bias starts from (→: ends at), if it is drawn as a node. */
  end(item, forward) {
    if (item.kind === "bias") return forward ? this.node(item.bias.layer + 1, item.bias.node) : null;
    const { layer, source, target } = item.link;
    if (forward) return this.node(layer + 1, target);
    if (layer > 0) return this.node(layer, source);
    return this.items.find((i) => i.feature === this.enabledNames[source]) || null;
  }

  onKey(event) {
    const item = this.itemOf(event.target);
    if (!item || event.ctrlKey || event.metaKey || event.altKey) return;
    const key = event.key;
    let next = null;
    if (item.kind === "node") {
      if (key === "ArrowUp" || key === "ArrowDown") next = this.node(item.col, item.row + (key === "ArrowUp" ? -1 : 1));
      else if (key === "ArrowRight") {
        const out = this.outgoing(item);
        next = out.length ? this.enterGroup(out) : this.node(item.col + 1, item.row);
      } else if (key === "ArrowLeft") {
        const into = this.incoming(item);
        next = into.length ? this.enterGroup(into) : this.node(item.col - 1, item.row);
      } else if (key === "Enter" || key === " ") {
        item.el.click(); // what a click or a tap on the node does
      } else return;
    } else if (key === "ArrowUp" || key === "ArrowDown") {
      const group = this.siblings(item);
      const at = group.indexOf(item);
      next = group[(at + (key === "ArrowUp" ? -1 : 1) + group.length) % group.length];
    } else if (key === "ArrowRight" || key === "ArrowLeft") {
      next = this.end(item, key === "ArrowRight");
    } else if (key === "Enter" || key === " ") {
      this.select(item);
    } else if (key === "e" || key === "E" || key === "F2") {
      this.select(item);
      this.editing = !this.view.card.readOnly;
      this.view.card.edit();
    } else if (key === "Escape") {
      this.view.card.hide(true);
    } else return;
    event.preventDefault();
    if (next) {
      if (next.kind === "node") for (const i of this.items) i.group = null;
      this.move(next);
    }
  }

  /** Enter on a weight or bias: as a click, the explainer follows it and its card stays. */
  select(item) {
    const target = this.view.describe(item.el);
    this.view.handlers.onSelect(target);
    this.showCard(item);
    this.view.card.pinned = true;
  }

  showCard(item) {
    const box = item.el.getBoundingClientRect();
    const root = this.view.root.getBoundingClientRect();
    this.view.card.show(this.view.describe(item.el), box.left + box.width / 2 - root.left, box.bottom - root.top);
  }
}
