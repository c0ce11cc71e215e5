// What the lecture's options need said beside them: each weight layer's
// initial range (n connections into a node, ±1/√n, and the range the
// weights were really drawn from: state.initial_ranges), and why a sigmoid
// output and ±1 targets are never offered together (core.config refuses
// the pair; state.choices greys out whichever would complete it).

import { fill, t } from "./i18n.js";
import { fmt } from "./typeset.js";

/** "into hidden layer 2" / "into the output" for the weights of `layer` (0: from the inputs). */
export function layerName(layer, layers) {
  return layer + 1 >= layers ? t("init.layer_output") : t("init.layer_hidden", { k: layer + 1 });
}

/** The range one layer's weights were drawn from, as the slide writes it. */
export function drawnFrom(range) {
  if (range.scheme === "equal") return t("init.drawn_equal", { value: fmt(range.low, 3) });
  if (range.std !== null && range.std !== undefined) return `N(0, ${fmt(range.std, 3)}\u00b2)`;
  return `U(${fmt(range.low, 3)}, ${fmt(range.high, 3)})`;
}

/** Notation (U(−0.5, 0.5), N(0, 0.71²)) as it is written in every language. */
function notation(text) {
  const span = document.createElement("span");
  span.dataset.literal = "";
  span.textContent = text;
  return span;
}

/** One layer's line: n = 2, ±1/√2 = ±0.707; drawn from U(−0.5, 0.5). */
export function rangeLine(range, layers) {
  const span = document.createElement("span");
  span.className = "init-range";
  span.dataset.layer = String(range.layer);
  span.dataset.bound = String(range.bound);
  span.append(...fill("init.range", {
    layer: layerName(range.layer, layers),
    n: String(range.fan_in),
    bound: `\u00b1${fmt(range.bound, 3)}`,
    drawn: notation(drawnFrom(range)),
  }));
  return span;
}

/** Whether the rule between a sigmoid output and ±1 targets greys a choice out now, and
 * the reader is choosing among them (the original's auto output with ±1 targets says nothing). */
export function targetsRuleApplies(config, choices) {
  const refused = choices.refused || {};
  const greyed = (refused.outputActivation || []).includes("sigmoid") || (refused.targets || []).includes("pm1");
  return greyed && (config.outputActivation !== "auto" || config.targets !== "pm1");
}

/** The server's refusal of that pair, in the page's language (other errors as the server says them). */
export function errorText(message) {
  if (message.field === "targets" && /sigmoid/.test(message.message || "")) return t("rule.sigmoid_pm1");
  return message.message || message.code;
}

export class InitRanges {
  /** list: the element that lists each layer's range; rule: the note on sigmoid and ±1 targets. */
  constructor(list, rule) {
    this.list = list;
    this.rule = rule;
    this.state = null;
  }

  update(state) {
    this.state = state;
    const ranges = state.initial_ranges || [];
    const lines = ranges.map((range) => {
      const item = document.createElement("li");
      item.append(rangeLine(range, ranges.length));
      return item;
    });
    this.list.replaceChildren(...lines);
    this.rule.hidden = !targetsRuleApplies(state.config, state.choices);
    this.rule.textContent = t("rule.sigmoid_pm1");
  }

  relabel() {
    if (this.state) this.update(this.state);
  }

  reset() {
    this.state = null;
    this.list.replaceChildren();
    this.rule.hidden = true;
  }
}
