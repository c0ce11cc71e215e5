// A class following live: the teacher's "Share with the class" (a short
// view-only link and its QR code, both made by the server) with the live
// number of pages connected; a student's "Fork" into a session of their own
// and "Back to the teacher". The page switches sessions through handlers;
// this module only talks to the REST API and draws its buttons and dialog.

const TEACHER_KEY = "playground.teacher";

export function rememberedTeacher() {
  return window.sessionStorage.getItem(TEACHER_KEY);
}

async function postJson(url, token = null) {
  const headers = { "Content-Type": "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(url, { method: "POST", headers, body: "{}" });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
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
    this.count.dataset.count = String(n);
    this.count.textContent = String(n);
    this.count.title = `${n} page${n === 1 ? "" : "s"} connected to this session, yours included`;
    this.dialogCount.dataset.count = String(n);
    this.dialogCount.textContent = `${n} connected now (this page included)`;
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
      this.copyButton.textContent = "Copy";
      if (!this.dialog.open) this.dialog.showModal();
    } catch (error) {
      this.handlers.onMessage(`Could not make a class link: ${error.message}`);
    } finally {
      this.busy = false;
    }
  }

  async copy() {
    try {
      await navigator.clipboard.writeText(this.linkInput.value);
      this.copyButton.textContent = "Copied";
    } catch {
      // No clipboard permission: leave the link selected for Ctrl+C.
      this.linkInput.select();
      this.copyButton.textContent = "Press Ctrl+C";
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
      this.handlers.onMessage(`Could not fork: ${error.message}`);
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
