// The URL hash (spec §6): the server writes the original's hash format into
// every state (config.hash); the page mirrors it into the address bar without
// triggering its own hashchange, and treats a hash the user types as a
// command. Also the classroom side: `<control>_hide` / hideText applied to
// the page, and the article's checkbox grid that builds such a link.

/** The hash in the address bar, without its "#". */
export function readHash() {
  const raw = window.location.hash.replace(/^#/, "");
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw; // a stray "%" the user typed: the server will say what is wrong
  }
}

/** Put `hash` in the address bar; replaceState fires no hashchange and adds
 * no history entry per training change. */
export function writeHash(hash) {
  if (readHash() === hash) return;
  const url = `${window.location.pathname}${window.location.search}#${hash}`;
  window.history.replaceState(window.history.state, "", url);
}

/** Put `?session=<id>` in the address (null removes it) without reloading:
 * a reload then watches that session, or comes back to the tab's own. */
export function setWatchedSession(id) {
  const query = id === null ? "" : `?session=${encodeURIComponent(id)}`;
  window.history.replaceState(window.history.state, "", `${window.location.pathname}${query}${window.location.hash}`);
}

/** Call onEdit(hash) when the user changes the hash by hand to something
 * other than what the page last wrote. */
export function watchHash(currentHash, onEdit) {
  window.addEventListener("hashchange", () => {
    const hash = readHash();
    if (hash && hash !== currentHash()) onEdit(hash);
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
}

/** The article's "use it in a classroom" grid: one checkbox per hideable
 * control, ticked = shown. onChange(hiddenNames) sends the new hidden set. */
export class ClassroomGrid {
  constructor(grid, link, hideable, onChange) {
    this.link = link;
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
      wrap.append(box, mark, document.createTextNode(label));
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
    this.link.textContent = hidden.size ? "Link to this classroom setup" : "Link to this setup";
  }

  setEnabled(enabled) {
    for (const box of this.boxes) box.disabled = !enabled;
  }

  /** Until the next state, there is no setup to link to. */
  reset() {
    this.link.removeAttribute("href");
  }
}
