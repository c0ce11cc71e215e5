// One-key shortcuts (space, s, r, p, v, ?) that never take a key from a
// control: they act only when the focus is not on something that uses the
// key itself (a button, a menu, a field, a link, the network diagram, an
// open dialog). They can be turned off in the keyboard dialog (keyhelp.js);
// the choice is kept in this browser.

const STORAGE_KEY = "playground.shortcuts";
// Where every key belongs to the focused element (a menu types ahead, a
// field takes text, a dialog is on top), and the keys other controls use:
// space and Enter press, arrows move in a radio group, and the network
// diagram (netkeys.js) also takes e, F2 and Escape.
const TAKES_EVERY_KEY = "select, input, textarea, [contenteditable], dialog[open]";
const TAKES_PRESS_KEYS = "button, a[href], [role='button'], [role='radio'], summary";
const ARROWS = new Set(["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight"]);
const NETWORK_KEYS = new Set([...ARROWS, " ", "Enter", "e", "E", "F2", "Escape"]);
// A region that scrolls and takes the focus (the explainer on a phone) scrolls with these.
const SCROLL_KEYS = new Set([...ARROWS, "PageUp", "PageDown"]);
const SCROLLS = "[role='region'][tabindex]";

/** Whether the focused element uses `key` itself. */
export function usesKey(target, key) {
  if (!target || !target.closest) return false;
  if (target.isContentEditable || target.closest(TAKES_EVERY_KEY)) return true;
  if (target.closest("#network") && NETWORK_KEYS.has(key)) return true;
  if (ARROWS.has(key) && target.closest("[role='radio']")) return true;
  if (SCROLL_KEYS.has(key) && target.closest(SCROLLS)) return true;
  return (key === " " || key === "Enter") && Boolean(target.closest(TAKES_PRESS_KEYS));
}

export class Shortcuts {
  constructor() {
    this.keys = []; // {keys: ["s", "S"], label: catalogue key, run(), allowed()}
    try {
      this.enabled = window.localStorage.getItem(STORAGE_KEY) !== "off";
    } catch {
      this.enabled = true;
    }
    document.addEventListener("keydown", (event) => this.onKey(event));
  }

  /** keys: the event.key values; label: what the help dialog says it does
   * (a catalogue key); shown: how the key is written there (a catalogue key
   * or the key itself); run(); allowed() -> false while it cannot act. */
  add(keys, label, run, { shown = keys[0], allowed = () => true } = {}) {
    this.keys.push({ keys, label, shown, run, allowed });
  }

  setEnabled(on) {
    this.enabled = on;
    try {
      window.localStorage.setItem(STORAGE_KEY, on ? "on" : "off");
    } catch {
      // storage refused (private mode): the choice lasts for this page only
    }
  }

  onKey(event) {
    if (!this.enabled || event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (usesKey(event.target, event.key)) return;
    const shortcut = this.keys.find((k) => k.keys.includes(event.key));
    if (!shortcut || !shortcut.allowed()) return;
    event.preventDefault();
    shortcut.run();
  }
}
