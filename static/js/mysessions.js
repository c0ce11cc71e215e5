// The teacher keeps control: the control token of every session this browser
// created is kept in localStorage, keyed by session id, so reopening
// `/?session=<id>` or the class link in the same browser controls it again.
// "My sessions" lists them (newest first) and reopens one.

import { fill, t } from "./i18n.js";

const KEY = "playground.tokens";
const KEEP = 20; // the most recent sessions remembered

function readAll() {
  try {
    const all = JSON.parse(window.localStorage.getItem(KEY) || "{}");
    return all && typeof all === "object" ? all : {};
  } catch {
    return {};
  }
}

function writeAll(all) {
  const newest = Object.entries(all)
    .sort((a, b) => b[1].created - a[1].created)
    .slice(0, KEEP);
  try {
    window.localStorage.setItem(KEY, JSON.stringify(Object.fromEntries(newest)));
  } catch {
    // storage full or refused: control lasts for this tab (sessionStorage)
  }
}

/** Remember a session we created: {id, control_token}. */
export function remember(session) {
  const all = readAll();
  const old = all[session.id];
  all[session.id] = { token: session.control_token, created: old ? old.created : Date.now(), label: old ? old.label : null };
  writeAll(all);
}

/** What the session looks like, for the list (its data set and shape). */
export function describe(id, state) {
  const all = readAll();
  if (!all[id]) return;
  all[id].label = { dataset: state.config.problem === "regression" ? state.config.regDataset : state.config.dataset, shape: state.shape };
  writeAll(all);
}

/** The control token this browser holds for a session, or null. */
export function tokenFor(id) {
  const entry = readAll()[id];
  return entry && typeof entry.token === "string" ? entry.token : null;
}

/** A token the server refused: the session is gone or was never ours. */
export function forgetToken(id) {
  const all = readAll();
  delete all[id];
  writeAll(all);
}

export class MySessions {
  /** button: opens the dialog; dialog: #sessions-dialog; current(): this page's session id. */
  constructor(button, dialog, current) {
    this.dialog = dialog;
    this.list = dialog.querySelector("#sessions-list");
    this.current = current;
    button.addEventListener("click", () => {
      this.render();
      dialog.showModal();
    });
  }

  render() {
    const entries = Object.entries(readAll()).sort((a, b) => b[1].created - a[1].created);
    if (!entries.length) {
      const empty = document.createElement("li");
      empty.textContent = t("sessions.empty");
      this.list.replaceChildren(empty);
      return;
    }
    this.list.replaceChildren(
      ...entries.map(([id, entry]) => {
        const item = document.createElement("li");
        const link = document.createElement("a");
        link.href = `/?session=${encodeURIComponent(id)}`;
        link.className = "session-link";
        link.dataset.session = id;
        const label = entry.label || {};
        const dataset = label.dataset ? t(`option.dataset.${label.dataset}`) : "";
        const shape = document.createElement("span");
        shape.className = "sym";
        shape.textContent = Array.isArray(label.shape) ? label.shape.join("-") : "";
        const time = new Date(entry.created).toLocaleString(document.documentElement.lang);
        link.append(...fill("sessions.item", { dataset, shape, time }));
        item.append(link);
        if (id === this.current()) {
          const here = document.createElement("span");
          here.className = "label";
          here.textContent = ` (${t("sessions.current")})`;
          item.append(here);
        }
        return item;
      }),
    );
  }
}
