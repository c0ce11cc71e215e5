// A class following live: the teacher's "Share with the class" (a short
// view-only link and its QR code, both made by the server) with the live
// number of pages connected; a student's "Fork" into a session of their own
// and "Back to the teacher". The page switches sessions through handlers;
// this module only talks to the REST API and draws its buttons and dialog.

import { refusal } from "./files.js";
import { t, tn } from "./i18n.js";

const TEACHER_KEY = "playground.teacher";
const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/;

/** Whether this page was opened on an address only this computer can use. */
export function onLoopback(hostname = window.location.hostname) {
  return LOOPBACK.test(hostname) || hostname === "::1";
}

export function rememberedTeacher() {
  return window.sessionStorage.getItem(TEACHER_KEY);
}

async function postJson(url, token = null) {
  const headers = { "Content-Type": "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(url, { method: "POST", headers, body: "{}" });
  if (!response.ok) throw new Error(await refusal(response));
  return response.json();
}

export class ClassLink {
  /**
   * api: "/api"; handlers: session() -> {id, token, role}, onFork(session)
   * switches to a new session of ours, onRejoin(id) watches the teacher
   * again, onMessage(text) reports a failure.
   */
  constructor(api, handlers) {
    this.api = api;
    this.handlers = handlers;
    const $ = (id) => document.getElementById(id);
    this.shareButton = $("share-button");
    this.forkButton = $("fork-button");
    this.teacherButton = $("teacher-button");
    this.count = $("watcher-count");
    this.dialog = $("share-dialog");
    this.link = $("share-link");
    this.linkInput = $("share-url");
    this.qr = $("share-qr");
    this.dialogCount = $("share-watchers");
    this.copyButton = $("share-copy");
    this.reach = $("share-reach");
    this.shareButton.addEventListener("click", () => this.share());
    this.forkButton.addEventListener("click", () => this.fork());
    this.teacherButton.addEventListener("click", () => this.rejoin());
    this.copyButton.addEventListener("click", () => this.copy());
    this.role = "watch";
    this.busy = false;
    this.reset();
  }

  /** update(state): the watcher count the state carries. */
  update(state) {
    this.setWatchers(state.watchers);
  }

  /** Pages connected to the session, this one included (status messages). */
  setWatchers(n) {
    if (typeof n !== "number") return;
    this.watchers = n;
    this.count.dataset.count = String(n);
    this.count.textContent = String(n);
    this.count.title = tn("class.watchers_title", n);
    this.dialogCount.dataset.count = String(n);
    this.dialogCount.textContent = tn("share.watchers", n);
  }

  /** Counts and the dialog in the current language (after a switch). */
  relabel() {
    if (typeof this.watchers === "number") this.setWatchers(this.watchers);
    if (this.reachAnswer) this.showReach(this.reachAnswer, this.shareUrl);
  }

  /** "control": we own the session (share); "watch": we follow someone's (fork). */
  setRole(role) {
    this.role = role;
    const { id } = this.handlers.session();
    const teacher = rememberedTeacher();
    this.shareButton.hidden = role !== "control";
    this.forkButton.hidden = role !== "watch" || !id;
    this.teacherButton.hidden = !teacher || (role === "watch" && teacher === id);
  }

  async share() {
    const { id, token } = this.handlers.session();
    if (!id || !token || this.busy) return;
    this.busy = true;
    try {
      const answer = await postJson(`${this.api}/sessions/${encodeURIComponent(id)}/share`, token);
      this.link.href = answer.url;
      this.link.textContent = answer.url;
      this.linkInput.value = answer.url;
      // The QR code is an SVG the server drew from the URL alone (segno).
      this.qr.innerHTML = answer.qr_svg;
      const qr = this.qr.querySelector("svg"); // named: an image without a name is read as nothing, or as its parts
      if (qr) Object.entries({ role: "img", "aria-label": t("share.qr_label") }).forEach(([k, v]) => qr.setAttribute(k, v));
      this.copyButton.textContent = t("share.copy");
      this.shareUrl = answer.url;
      this.reach.hidden = true;
      if (onLoopback()) await this.checkReach(answer.url);
      if (!this.dialog.open) this.dialog.showModal();
    } catch (error) {
      this.handlers.onMessage(t("class.share_failed", { error: error.message }));
    } finally {
      this.busy = false;
    }
  }

  /** On a loopback address: where students can reach the server instead. */
  async checkReach(url) {
    try {
      const response = await fetch(`${this.api}/server/reach`);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      this.reachAnswer = await response.json();
      this.showReach(this.reachAnswer, url);
    } catch (error) {
      console.info(`server addresses not available: ${error.message}`);
    }
  }

  /** Say plainly whether students can open the link; list the links they can. */
  showReach(answer, url) {
    const path = new URL(url).pathname;
    const parts = [];
    const say = (key) => {
      const p = document.createElement("p");
      p.className = "reach-note";
      p.textContent = t(key);
      parts.push(p);
    };
    if (answer.listening_beyond_loopback && answer.urls.length) {
      say("share.loopback_reachable");
      const list = document.createElement("ul");
      list.className = "reach-list";
      for (const base of answer.urls) {
        const item = document.createElement("li");
        const link = document.createElement("a");
        link.href = `${base}${path}`;
        link.textContent = `${base}${path}`;
        link.dataset.literal = "";
        link.target = "_blank";
        link.rel = "noopener";
        item.append(link);
        list.append(item);
      }
      parts.push(list);
    } else {
      say(answer.listening_beyond_loopback ? "share.no_network" : "share.loopback_unreachable");
      const command = document.createElement("code");
      command.className = "reach-command";
      command.textContent = answer.command;
      parts.push(command);
    }
    this.reach.replaceChildren(...parts);
    this.reach.hidden = false;
  }

  async copy() {
    try {
      await navigator.clipboard.writeText(this.linkInput.value);
      this.copyButton.textContent = t("share.copied");
    } catch {
      // No clipboard permission: leave the link selected for Ctrl+C.
      this.linkInput.select();
      this.copyButton.textContent = t("share.press_copy");
    }
  }

  /** A session of our own from the one we watch; the teacher is remembered. */
  async fork() {
    const { id } = this.handlers.session();
    if (!id || this.busy) return;
    this.busy = true;
    try {
      const session = await postJson(`${this.api}/sessions/${encodeURIComponent(id)}/fork`);
      window.sessionStorage.setItem(TEACHER_KEY, id);
      this.handlers.onFork(session);
    } catch (error) {
      this.handlers.onMessage(t("class.fork_failed", { error: error.message }));
    } finally {
      this.busy = false;
    }
  }

  rejoin() {
    const teacher = rememberedTeacher();
    if (teacher) this.handlers.onRejoin(teacher);
  }

  reset() {
    if (this.dialog.open) this.dialog.close();
    this.setWatchers(0);
    this.count.textContent = "";
  }
}
