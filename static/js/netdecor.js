// Pieces of the network diagram that are built once per structure: feature
// labels with sub- and superscripts, the per-layer neuron buttons, the two
// callouts.

import { t, tn } from "./i18n.js";
import { RECT, linkPath, weightsCalloutLink } from "./netlayout.js";
import { svgEl } from "./svg.js";

/** "X₁²" -> text with tspans for the sub- and superscripts (the labels come
 * from the server as Unicode; the original draws them as small raised or
 * lowered digits). */
export function appendLabel(text, label) {
  const marks = { "₁": ["1", 5], "₂": ["2", 5], "²": ["2", -6] };
  let offset = 0; // current baseline shift, undone by the next plain run
  let run = "";
  const emit = (content, shift, small) => {
    const span = svgEl("tspan", { dy: String(shift - offset) }, text);
    if (small) span.setAttribute("class", "sub");
    span.textContent = content;
    offset = shift;
  };
  for (const ch of label) {
    if (!marks[ch]) {
      run += ch;
      continue;
    }
    if (run) emit(run, 0, false);
    run = "";
    emit(marks[ch][0], marks[ch][1], true);
  }
  if (run) emit(run, 0, false);
}

/** The "+", "−" and "N neurons" above one hidden layer. */
export function addLayerControls(container, { layer, centreX, neurons, max, editable = true }, onNeurons) {
  const box = document.createElement("div");
  box.className = "layer-controls"; // numHiddenLayers_hide hides only the header's +/-, as the original
  box.style.left = `${centreX}px`;
  const plus = document.createElement("button");
  plus.className = "mini-button";
  plus.type = "button";
  plus.textContent = "+";
  plus.title = t("network.add_neuron");
  plus.setAttribute("aria-label", plus.title);
  plus.disabled = !editable || neurons >= max; // a watcher cannot change the network
  Object.assign(plus.dataset, { layer: String(layer), delta: "1" }); // the focus finds it again after a rebuild
  plus.addEventListener("click", () => onNeurons(layer, 1));
  const minus = document.createElement("button");
  minus.className = "mini-button";
  minus.type = "button";
  minus.textContent = "−";
  minus.title = t("network.remove_neuron");
  minus.setAttribute("aria-label", minus.title);
  minus.disabled = !editable || neurons <= 1;
  Object.assign(minus.dataset, { layer: String(layer), delta: "-1" });
  minus.addEventListener("click", () => onNeurons(layer, -1));
  const label = document.createElement("span");
  label.className = "label";
  label.textContent = tn("network.neurons", neurons);
  box.append(plus, minus, label);
  container.appendChild(box);
}

/** Put the "neuron" and "weights" callouts beside the nodes and the link
 * they point at (geometry: layoutNodes' answer; layers: node boxes per layer). */
export function placeCallouts(svg, calloutThumb, calloutWeights, { geometry, hidden, layers }) {
  calloutThumb.hidden = hidden.length === 0;
  if (hidden.length) {
    const last = geometry.hidden[0][hidden[0] - 1];
    calloutThumb.style.left = `${last.x + RECT / 2}px`;
    calloutThumb.style.top = `${last.y + RECT + 6}px`;
  }
  const pick = weightsCalloutLink(hidden);
  calloutWeights.hidden = !pick;
  if (pick) {
    const source = layers[pick.layer][pick.source];
    const target = layers[pick.layer + 1][pick.target];
    // 70 % along the S-curve: the curve's x is (1-t)^3 x0 + ... ; sampling
    // the path element is exact and cheap once per rebuild.
    const probe = svgEl("path", { d: linkPath(source, target) }, svg);
    const point = probe.getPointAtLength(probe.getTotalLength() * 0.7);
    probe.remove();
    calloutWeights.style.left = `${point.x + 3}px`;
    calloutWeights.style.top = `${point.y + 5}px`;
  }
}
