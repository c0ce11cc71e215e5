// The card that shows a weight's or a bias's value under the mouse (or where
// it was tapped), and turns into an input when clicked so the value can be
// typed in and applied live (spec §5). Unlike the original, the value it
// shows follows training.

import { fill, t } from "./i18n.js";
import { scriptNodes } from "./symbols.js";
import { fmt, isScientific } from "./typeset.js";

/** Two significant digits, without the trailing zeros toPrecision leaves. */
export function shortValue(value) {
  if (!Number.isFinite(value) || isScientific(value)) return fmt(value, 2);
  const text = value.toPrecision(2);
  if (text.includes("e") || !text.includes(".")) return text;
  return text.replace(/\.?0+$/, "");
}

export class HoverCard {
  /** root: #hovercard; onApply(target, value) is called with the target
   * given to show() and the typed number. */
  constructor(root, onApply) {
    this.root = root;
    this.onApply = onApply;
    this.textEl = root.querySelector(".text");
    this.exactEl = root.querySelector(".exact");
    this.hintEl = root.querySelector(".hint");
    this.input = root.querySelector(".edit");
    this.target = null;
    this.editing = false;
    this.pinned = false; // opened by a click or tap: stays until a tap elsewhere
    this.readOnly = false; // a watcher reads values but cannot type them
    this.onClose = null; // an edit ended by a key (Enter, Escape): the keyboard's focus goes back
    root.addEventListener("click", (event) => {
      event.stopPropagation();
      this.edit();
    });
    this.input.addEventListener("keydown", (event) => {
      event.stopPropagation(); // typing here must not trigger the page's shortcuts
      if (event.key === "Enter") this.commit();
      else if (event.key === "Escape") this.hide(true);
      else return;
      if (this.onClose) this.onClose();
    });
    this.input.addEventListener("blur", () => {
      if (this.editing) this.hide(true);
    });
    document.addEventListener("pointerdown", (event) => {
      if (this.pinned && !this.editing && !root.contains(event.target) && !event.target.closest("[data-kind]")) this.hide(true);
    });
  }

  /** target: {kind: "weight"|"bias", value, ...}; x, y: position in the
   * card's offset parent. */
  show(target, x, y) {
    if (this.editing) return;
    this.target = target;
    this.hintEl.textContent = t(this.readOnly ? "card.view_only" : "card.hint");
    this.setValue(target.value);
    // Kept inside the diagram's box so a narrow screen does not scroll sideways.
    const room = this.root.offsetParent ? this.root.offsetParent.clientWidth : x + 200;
    this.root.style.left = `${Math.max(0, Math.min(x + 20, room - 150))}px`;
    this.root.style.top = `${y}px`;
    this.root.hidden = false;
  }

  /** Follow a new value for the same target while it is shown. */
  setValue(value) {
    if (!this.target) return;
    this.target.value = value;
    const type = t(this.target.kind === "weight" ? "card.weight" : "card.bias");
    const short = document.createElement("span");
    short.className = "short";
    short.append(...scriptNodes(shortValue(value)));
    this.textEl.replaceChildren(...fill("card.value", { type, value: short }));
    // Every digit the number has; a huge one as mantissa × 10ⁿ, not 1e+30.
    const exact = document.createElement("span");
    exact.append(...scriptNodes(isScientific(value) ? fmt(value, 17) : String(value).replace("-", "\u2212")));
    this.exactEl.replaceChildren(...fill("card.exact", { value: exact }));
  }

  edit() {
    if (!this.target || this.editing || this.readOnly) return;
    this.editing = true;
    this.hintEl.textContent = t("card.edit_hint");
    this.input.hidden = false;
    this.input.value = String(this.target.value);
    this.input.focus();
    this.input.select();
  }

  commit() {
    const text = this.input.value.trim();
    const value = Number(text);
    if (text === "" || !Number.isFinite(value)) {
      this.input.setCustomValidity(t("card.not_a_number"));
      this.input.reportValidity();
      return;
    }
    const target = this.target;
    this.hide(true);
    this.onApply(target, value);
  }

  /** Hide unless editing; `force` also ends an edit. */
  hide(force = false) {
    if (this.editing && !force) return;
    this.editing = false;
    this.pinned = false;
    this.input.hidden = true;
    this.input.setCustomValidity("");
    this.root.hidden = true;
    this.target = null;
  }

  get visible() {
    return !this.root.hidden;
  }
}
