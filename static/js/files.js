// Files in and out: Save (the session's file from GET /export), Open (a
// file picker, or a file dropped anywhere on the page: POST /api/sessions
// {"import": ...} makes a new session of ours, which the page switches to),
// and the points as CSV (GET data.csv; PUT data with a picked or dropped
// .csv file). What the server refuses is shown in its own words.

import { t } from "./i18n.js";

/** The server's words for a refusal: a limit (429) in the page's language, a
 * string detail, or each problem's message. */
export async function refusal(response) {
  try {
    const data = await response.json();
    if (response.status === 429 && data.limit) return t(`limit.${data.limit}`, { seconds: data.retry_after });
    if (typeof data.detail === "string") return data.detail;
    if (Array.isArray(data.detail)) return data.detail.map((problem) => problem.msg).join("; ");
    return JSON.stringify(data);
  } catch {
    return `HTTP ${response.status}`;
  }
}

/** Hand a blob to the browser as a download named `filename`. */
export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** GET `url` and save what it answers; rejects with the server's words. */
export async function downloadFrom(url, filename) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(await refusal(response));
  saveBlob(await response.blob(), filename);
}

/** A file's name: what the session holds and where it got to
 * (session: {state, frame}; the newest frame's epoch is later than the state's). */
export function fileStem({ state, frame }) {
  if (!state) return "playground";
  const c = state.config;
  const epoch = frame && frame.generation === state.generation ? frame.epoch : state.epoch;
  return `playground-${c.problem === "regression" ? c.regDataset : c.dataset}-epoch${epoch}`;
}

const isCsv = (file) => /\.csv$/i.test(file.name) || file.type === "text/csv";

export class SessionFiles {
  /**
   * api: "/api"; handlers: session() -> {id, token, role, state}; onOpened(session)
   * switches to a session made from a file; onReplacing(true) before the
   * points are replaced (frames in flight show the old ones), onReplacing(false)
   * when the server refused them; onMessage(text) shows a line in the page;
   * where() -> Promise of "class" (into the shared session), "own" or null (cancelled).
   */
  constructor(api, handlers) {
    this.api = api;
    this.handlers = handlers;
    const $ = (id) => document.getElementById(id);
    this.openInput = $("open-file");
    this.csvInput = $("csv-file");
    this.dropHint = $("drop-hint");
    $("save-button").addEventListener("click", () => this.save());
    $("open-button").addEventListener("click", () => this.openInput.click());
    $("csv-download").addEventListener("click", () => this.downloadCsv());
    $("csv-upload").addEventListener("click", () => this.csvInput.click());
    this.openInput.addEventListener("change", () => this.picked(this.openInput, (file) => this.open(file)));
    this.csvInput.addEventListener("change", () => this.picked(this.csvInput, (file) => this.uploadCsv(file)));
    this.bindDrop();
  }

  picked(input, use) {
    const file = input.files && input.files[0];
    input.value = ""; // the same file picked again is a change too
    if (file) use(file);
  }

  /** A file dropped anywhere on the page: a session (.json) or points (.csv). */
  bindDrop() {
    let depth = 0; // dragenter / dragleave pairs of nested elements
    const carriesFiles = (event) => Boolean(event.dataTransfer && [...event.dataTransfer.types].includes("Files"));
    document.addEventListener("dragenter", (event) => {
      if (!carriesFiles(event)) return;
      depth += 1;
      this.dropHint.hidden = false;
    });
    document.addEventListener("dragleave", (event) => {
      if (!carriesFiles(event)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) this.dropHint.hidden = true;
    });
    document.addEventListener("dragover", (event) => {
      if (carriesFiles(event)) event.preventDefault(); // this page takes the drop
    });
    document.addEventListener("drop", (event) => {
      const file = event.dataTransfer && event.dataTransfer.files[0];
      depth = 0;
      this.dropHint.hidden = true;
      if (!file) return;
      event.preventDefault();
      if (isCsv(file)) this.uploadCsv(file);
      else this.open(file);
    });
  }

  base() {
    return `${this.api}/sessions/${encodeURIComponent(this.handlers.session().id)}`;
  }

  stem() {
    return fileStem(this.handlers.session());
  }

  async save() {
    try {
      await downloadFrom(`${this.base()}/export`, `${this.stem()}.json`);
    } catch (error) {
      this.handlers.onMessage(t("files.save_failed", { detail: error.message }));
    }
  }

  async downloadCsv() {
    try {
      await downloadFrom(`${this.base()}/data.csv`, `${this.stem()}.csv`);
    } catch (error) {
      this.handlers.onMessage(t("files.save_failed", { detail: error.message }));
    }
  }

  /** A session file: a new session made from it, which the page switches to. */
  async open(file) {
    let doc;
    try {
      doc = JSON.parse(await file.text());
    } catch {
      this.handlers.onMessage(t("files.not_json", { name: file.name }));
      return;
    }
    // While students watch: into the shared session (they follow), or a new session of our own.
    const where = await this.handlers.where();
    if (where === "class") {
      this.loadIntoSession(file, doc);
      return;
    }
    if (where !== "own") return;
    const response = await fetch(`${this.api}/sessions`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ import: doc }),
    });
    if (!response.ok) {
      this.handlers.onMessage(t("files.open_refused", { name: file.name, detail: await refusal(response) }));
      return;
    }
    this.handlers.onOpened(await response.json());
  }

  /** POST …/load: the file replaces what the shared session holds; every watcher follows. */
  async loadIntoSession(file, doc) {
    this.handlers.onReplacing(true);
    const response = await fetch(`${this.base()}/load`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${this.handlers.session().token}` },
      body: JSON.stringify({ import: doc }),
    });
    if (!response.ok) {
      this.handlers.onReplacing(false);
      this.handlers.onMessage(t("files.open_refused", { name: file.name, detail: await refusal(response) }));
    }
  }

  /** Points from a CSV file replace the session's (the network is kept). */
  async uploadCsv(file) {
    const { token, role } = this.handlers.session();
    if (role !== "control") {
      this.handlers.onMessage(t("files.watching"));
      return;
    }
    this.handlers.onReplacing(true);
    const response = await fetch(`${this.base()}/data`, {
      method: "PUT",
      headers: { "Content-Type": "text/csv", Authorization: `Bearer ${token}` },
      body: await file.text(),
    });
    if (!response.ok) {
      this.handlers.onReplacing(false);
      this.handlers.onMessage(t("files.csv_refused", { name: file.name, detail: await refusal(response) }));
    }
  }
}
