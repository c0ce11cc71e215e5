// The URL hash (spec §6): the server writes the original's hash format into
// every state (config.hash); the page mirrors it into the address bar without
// triggering its own hashchange, and treats a hash the user types as a
// command. Also the classroom side: `<control>_hide` / hideText applied to
// the page, and the article's checkbox grid that builds such a link.

import { t } from "./i18n.js";
import { scriptNodes } from "./symbols.js";

// The page's own key in the hash (presentation mode): never sent to the
// server, kept at the end of whatever hash the server writes.
const PRESENT = "present=true";
// A control token handed over in the address (the playground client's
// control_url): taken out of it at once, never part of the setup.
const TOKEN = "token=";

function rawHash() {
  const raw = window.location.hash.replace(/^#/, "");
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw; // a stray "%" the user typed: the server will say what is wrong
  }
}

/** The setup's hash in the address bar, without its "#" and the page's own keys. */
export function readHash() {
  const own = (part) => part === PRESENT || part === "present=false" || part.startsWith(TOKEN);
  return rawHash().split("&").filter((part) => part && !own(part)).join("&");
}

/** The token of `#token=<token>`, removed from the address (replaceState:
 * it stays neither in the address bar nor in the history); null if none. */
export function takeToken() {
  const parts = rawHash().split("&");
  const found = parts.find((part) => part.startsWith(TOKEN));
  if (found === undefined) return null;
  const rest = parts.filter((part) => part && !part.startsWith(TOKEN)).join("&");
  const url = `${window.location.pathname}${window.location.search}${rest ? `#${rest}` : ""}`;
  window.history.replaceState(window.history.state, "", url);
  return found.slice(TOKEN.length) || null;
}

/** Whether the address asks for presentation mode. */
export function presentInHash() {
  return rawHash().split("&").includes(PRESENT);
}

let presenting = false;

/** Put `hash` in the address bar; replaceState fires no hashchange and adds
 * no history entry per training change. */
export function writeHash(hash) {
  const full = presenting ? (hash ? `${hash}&${PRESENT}` : PRESENT) : hash;
  if (rawHash() === full) return;
  const url = `${window.location.pathname}${window.location.search}#${full}`;
  window.history.replaceState(window.history.state, "", url);
}

/** Presentation mode on or off, kept in the hash as present=true. */
export function setPresentInHash(on) {
  presenting = on;
  writeHash(readHash());
}

/** Put `?session=<id>` in the address (null removes it) without reloading:
 * a reload then watches that session, or comes back to the tab's own. */
export function setWatchedSession(id) {
  const query = id === null ? "" : `?session=${encodeURIComponent(id)}`;
  window.history.replaceState(window.history.state, "", `${window.location.pathname}${query}${window.location.hash}`);
}

/** Call onEdit(hash) when the user changes the hash by hand to something
 * other than what the page last wrote; onPresent(on) when present=true
 * appears or goes. */
export function watchHash(currentHash, onEdit, onPresent) {
  window.addEventListener("hashchange", () => {
    const hash = readHash();
    if (hash && hash !== currentHash()) onEdit(hash);
    if (presentInHash() !== presenting) onPresent(presentInHash());
  });
}

/** Hide what the config hides: every `.ui-<name>` for names in
 * config.hidden, and `.ui-text` when hideText is on. */
export function applyHidden(config, hideable) {
  const hidden = new Set(config.hidden || []);
  for (const { name } of hideable) {
    for (const el of document.querySelectorAll(`.ui-${name}`)) el.classList.toggle("is-hidden", hidden.has(name));
  }
  for (const el of document.querySelectorAll(".ui-text")) el.classList.toggle("is-hidden", Boolean(config.hideText));
  document.body.classList.toggle("hide-text", Boolean(config.hideText));
}

/** The article's "use it in a classroom" grid: one checkbox per hideable
 * control, ticked = shown. onChange(hiddenNames) sends the new hidden set. */
export class ClassroomGrid {
  /** hideable: [{name, label}]; features: names of the feature inputs. */
  constructor(grid, link, hideable, features, onChange) {
    this.link = link;
    this.labels = [];
    this.boxes = hideable.map(({ name, label }) => {
      const wrap = document.createElement("label");
      wrap.className = "checkbox";
      const box = document.createElement("input");
      box.type = "checkbox";
      box.dataset.name = name;
      box.id = `hide-${name}`;
      wrap.htmlFor = box.id;
      const mark = document.createElement("span");
      mark.className = "box";
      // A feature's name is a symbol (X₁, sin(X₁)); every other control has a message.
      const text = document.createElement("span");
      if (features.has(name)) {
        text.className = "sym";
        text.append(...scriptNodes(label));
      } else {
        text.dataset.i18n = `field.${name}`;
        text.textContent = t(`field.${name}`);
      }
      wrap.append(box, mark, text);
      box.addEventListener("change", () => onChange(this.hiddenNames()));
      grid.appendChild(wrap);
      return box;
    });
  }

  hiddenNames() {
    return this.boxes.filter((box) => !box.checked).map((box) => box.dataset.name);
  }

  /** update(state): tick what is shown, point the link at the state's hash. */
  update(state) {
    const hidden = new Set(state.config.hidden || []);
    for (const box of this.boxes) box.checked = !hidden.has(box.dataset.name);
    this.link.href = `${window.location.pathname}#${state.config.hash}`;
    this.link.textContent = t(hidden.size ? "classroom.link_hidden" : "classroom.link");
  }

  setEnabled(enabled) {
    for (const box of this.boxes) box.disabled = !enabled;
  }

  /** Until the next state, there is no setup to link to. */
  reset() {
    this.link.removeAttribute("href");
  }
}
