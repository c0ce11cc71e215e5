// Presentation mode, for a projector: the heatmap, the network, the epoch and
// the explainer enlarged (the CSS does it under body.present), the article,
// help notes and rarely used controls hidden. A button, the key `p`
// (shortcuts.js), and `present=true` in the hash turn it on; onChange(on) lets the diagram and
// the heatmap be laid out again at their new size.

import { presentInHash, setPresentInHash } from "./hashstate.js";

export class Presentation {
  constructor(button, onChange) {
    this.button = button;
    this.onChange = onChange;
    this.on = false;
    button.addEventListener("click", () => this.set(!this.on));
    if (presentInHash()) this.set(true);
  }

  set(on) {
    if (on === this.on) return;
    this.on = on;
    document.body.classList.toggle("present", on);
    this.button.setAttribute("aria-pressed", String(on));
    setPresentInHash(on);
    this.onChange(on);
  }
}
