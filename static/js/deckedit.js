// A deck of the teacher's own (issue 18): the session's scenes in order,
// each moved up or down or deleted (`scene_move`, `scene_delete`); the
// session as it is now added as a scene with a title, caption and what to do
// next (`scene_add`; the first makes the deck the teacher's, a copy of the
// lecture's); the deck saved as a file and opened again (GET / PUT
// …/deck); back to the lecture's deck (DELETE …/deck); and a deck opened
// from a link, `/?deck=<session id>`, which loads that session's deck into
// ours after a confirmation. Also the choice, while students watch, between
// opening something into the shared session (they follow) or into a new
// session of one's own.

import { refusal, saveBlob } from "./files.js";
import { t } from "./i18n.js";
import { inLanguage } from "./deck.js";

const $ = (id) => document.getElementById(id);

/** The dialog that asks where something goes while students watch: "class", "own" or null. */
export class ClassLoad {
  constructor(dialog) {
    this.dialog = dialog;
  }

  /** what: "file" (a session file) or "deck" (a deck from a link); own: whether "a session of my own" is offered. */
  ask(what, { own = true } = {}) {
    $("class-load-title").textContent = t(`classload.${what}_title`);
    $("class-load-text").textContent = t(`classload.${what}_text`);
    $("class-load-class").textContent = t(`classload.${what}_class`);
    $("class-load-own").textContent = t("classload.own");
    $("class-load-own").hidden = !own;
    this.dialog.returnValue = "";
    this.dialog.showModal();
    return new Promise((resolve) => {
      this.dialog.addEventListener("close", () => resolve(this.dialog.returnValue || null), { once: true });
    });
  }
}

export class DeckEditor {
  /** api: "/api"; deck: the Deck (deck.js); handlers: session() -> {id, token, role}, command(message),
   * classLoad: a ClassLoad, watchers() -> how many pages watch, message(text). */
  constructor(api, deck, handlers) {
    this.api = api;
    this.deck = deck;
    this.handlers = handlers;
    this.dialog = $("deck-dialog");
    this.list = $("deck-scenes");
    this.fileInput = $("deck-file");
    $("deck-edit-button").addEventListener("click", () => this.open());
    $("scene-add-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.add();
    });
    $("deck-save").addEventListener("click", () => this.save());
    $("deck-open").addEventListener("click", () => this.fileInput.click());
    this.fileInput.addEventListener("change", () => {
      const file = this.fileInput.files && this.fileInput.files[0];
      this.fileInput.value = "";
      if (file) this.openFile(file);
    });
    $("deck-lecture").addEventListener("click", () => this.request("DELETE"));
    this.pendingLink = new URLSearchParams(window.location.search).get("deck"); // /?deck=<session id>
  }

  /** Our role changed: once we control the session, a deck from the address is offered. */
  setWatching(watching) {
    $("deck-edit-button").disabled = watching; // a watcher's page follows the deck; it does not edit it
    if (!watching) this.takeLink();
    if (this.dialog.open) this.draw();
  }

  relabel() {
    if (this.dialog.open) this.draw();
  }

  open() {
    this.draw();
    if (!this.dialog.open) this.dialog.showModal();
  }

  /** The scenes again (a `deck` message while the dialog is open, a language switch). */
  draw() {
    const controlling = this.handlers.session().role === "control";
    $("deck-dialog-kind").textContent = t(this.deck.own ? "deckedit.own" : "deckedit.lecture_deck");
    const scenes = this.deck.scenes;
    this.list.replaceChildren(...scenes.map((scene, index) => {
      const item = document.createElement("li");
      item.dataset.index = String(index);
      const title = document.createElement("span");
      title.className = "deck-scene-title";
      title.dataset.literal = "";
      title.textContent = inLanguage(scene.title);
      const button = (label, run, disabled) => {
        const el = document.createElement("button");
        el.type = "button";
        el.className = "mini-button";
        el.textContent = label.text;
        el.setAttribute("aria-label", t(label.key, { title: title.textContent }));
        el.title = el.getAttribute("aria-label");
        el.disabled = disabled || !controlling;
        el.addEventListener("click", run);
        return el;
      };
      item.append(title,
        button({ text: "\u2191", key: "deckedit.up" }, () => this.command({ type: "scene_move", index, to: index - 1 }), index === 0),
        button({ text: "\u2193", key: "deckedit.down" }, () => this.command({ type: "scene_move", index, to: index + 1 }), index === scenes.length - 1),
        button({ text: "\u00d7", key: "deckedit.delete" }, () => this.command({ type: "scene_delete", index }), scenes.length <= 1));
      return item;
    }));
    for (const id of ["scene-add-button", "deck-open", "deck-lecture"]) $(id).disabled = !controlling;
    $("deck-lecture").disabled = !controlling || !this.deck.own;
  }

  command(message) {
    this.handlers.command(message);
  }

  add() {
    const title = $("scene-add-title").value.trim();
    if (!title) return;
    this.command({ type: "scene_add", title, caption: $("scene-add-caption").value, next: $("scene-add-next").value });
    for (const id of ["scene-add-title", "scene-add-caption", "scene-add-next"]) $(id).value = "";
  }

  url(id = this.handlers.session().id) {
    return `${this.api}/sessions/${encodeURIComponent(id)}/deck`;
  }

  async save() {
    const response = await fetch(this.url());
    if (!response.ok) {
      this.handlers.message(t("deckedit.failed", { detail: await refusal(response) }));
      return;
    }
    saveBlob(await response.blob(), "deck.json");
  }

  /** PUT (a deck file into ours) or DELETE (back to the lecture's deck). */
  async request(method, body = null) {
    const { token } = this.handlers.session();
    const response = await fetch(this.url(), {
      method,
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
      body: body === null ? undefined : JSON.stringify(body),
    });
    if (!response.ok) this.handlers.message(t("deckedit.failed", { detail: await refusal(response) }));
    return response.ok;
  }

  async openFile(file) {
    let doc;
    try {
      doc = JSON.parse(await file.text());
    } catch {
      this.handlers.message(t("files.not_json", { name: file.name }));
      return;
    }
    await this.request("PUT", doc);
  }

  /** Once we control our session: a deck named by the address (/?deck=<id>), after a confirmation. */
  async takeLink() {
    const id = this.pendingLink;
    if (!id || this.handlers.session().role !== "control") return;
    this.pendingLink = null;
    const address = new URL(window.location.href);
    address.searchParams.delete("deck"); // a reload does not ask again
    window.history.replaceState(null, "", address);
    const response = await fetch(this.url(id));
    if (!response.ok) {
      this.handlers.message(t("deckedit.failed", { detail: await refusal(response) }));
      return;
    }
    const doc = await response.json();
    const where = await this.handlers.classLoad.ask(this.handlers.watchers() > 1 ? "deck_class" : "deck", { own: false });
    if (where === "class") await this.request("PUT", doc);
  }
}
