// The keyboard dialog (`?`, or the header's "Keyboard" button): every
// one-key shortcut and the network diagram's keys, in the page's language,
// and the switch that turns the one-key shortcuts off.

import { t } from "./i18n.js";

// The diagram's keys (netkeys.js), described in the same dialog.
const NETWORK_LINES = ["keys.arrows_node", "keys.arrows_link", "keys.enter", "keys.edit"];

export class KeyHelp {
  /** button: opens the dialog; dialog: #keys-dialog; shortcuts: the Shortcuts. */
  constructor(button, dialog, shortcuts) {
    this.dialog = dialog;
    this.shortcuts = shortcuts;
    this.table = dialog.querySelector("tbody");
    this.network = dialog.querySelector(".keys-network");
    this.toggle = dialog.querySelector("#shortcuts-enabled");
    this.toggle.addEventListener("change", () => shortcuts.setEnabled(this.toggle.checked));
    button.addEventListener("click", () => this.open());
  }

  open() {
    this.relabel();
    if (!this.dialog.open) this.dialog.showModal();
  }

  /** The lists in the current language (after a switch too). */
  relabel() {
    this.toggle.checked = this.shortcuts.enabled;
    this.table.replaceChildren(
      ...this.shortcuts.keys.map((shortcut) => {
        const row = document.createElement("tr");
        const key = document.createElement("td");
        const kbd = document.createElement("kbd");
        kbd.textContent = shortcut.shown.includes(".") ? t(shortcut.shown) : shortcut.shown;
        key.append(kbd);
        const what = document.createElement("td");
        what.textContent = t(shortcut.label);
        row.append(key, what);
        return row;
      }),
    );
    this.network.replaceChildren(
      ...NETWORK_LINES.map((line) => {
        const item = document.createElement("li");
        item.textContent = t(line);
        return item;
      }),
    );
  }
}
