// The network as a table, for screen readers (the diagram is a picture): one
// row per weight and per bias, with the nodes it joins and its value. It is
// rebuilt when the structure changes and when training pauses, steps or
// stops, never per frame, so a reader is not interrupted while it plays; its
// caption says the epoch its values are from.

import { t } from "./i18n.js";
import { spokenFeature } from "./symbols.js";
import { fmt } from "./typeset.js";

/** A node's name as it is read: layer 0 the inputs (the enabled features in
 * order), the last layer the output(s), the hidden layers between. */
export function nodeName(state, features, layer, index) {
  const last = state.shape.length - 1;
  if (layer === 0) {
    const enabled = features.filter((f) => state.config[f.name]);
    const feature = enabled[index];
    return t("net.input", { feature: feature ? spokenFeature(feature.name) : String(index + 1) });
  }
  if (layer === last) return state.shape[last] > 1 ? t("net.output_class", { label: index }) : t("net.output");
  return t("net.neuron", { layer, n: index + 1 });
}

export class NetworkTable {
  /** root: the section holding a table with a caption and a tbody. */
  constructor(root) {
    this.caption = root.querySelector("caption");
    this.body = root.querySelector("tbody");
  }

  /** state: the session's state; features: the page config's; weights,
   * biases: flat, in the frame's order; epoch: when they are from. */
  update(state, features, weights, biases, epoch) {
    const name = (layer, index) => nodeName(state, features, layer, index);
    const rows = [];
    const row = (kind, from, to, value) => {
      const tr = document.createElement("tr");
      for (const text of [kind, from, to, fmt(Number(value), 4)]) {
        const cell = document.createElement("td");
        cell.textContent = text;
        tr.append(cell);
      }
      rows.push(tr);
    };
    const shape = state.shape;
    let w = 0;
    let b = 0;
    for (let l = 0; l + 1 < shape.length; l += 1) {
      for (let i = 0; i < shape[l]; i += 1) {
        for (let j = 0; j < shape[l + 1]; j += 1) {
          row(t("table.weight"), name(l, i), name(l + 1, j), weights[w]);
          w += 1;
        }
      }
      for (let j = 0; j < shape[l + 1]; j += 1) {
        row(t("table.bias"), "", name(l + 1, j), biases[b]);
        b += 1;
      }
    }
    this.caption.textContent = t("table.caption", { epoch: Math.round(epoch).toLocaleString("en-US") });
    this.body.replaceChildren(...rows);
  }
}
