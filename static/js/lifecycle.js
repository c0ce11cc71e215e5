// The session a page is on: creating or joining it, switching to a fork or
// the worked example, going back to the teacher, and recreating a session
// the server lost. Page (main.js) extends this; the state it shares lives on
// the Page (sessionId, token, role, state, the components).

import { readHash, setWatchedSession } from "./hashstate.js";
import { t, wantedLanguage } from "./i18n.js";
import { remember, tokenFor } from "./mysessions.js";
import { createPersistently, createSession, loadStored, recreationBody, store } from "./session.js";

// The lecture's slide: hidden node 1 -> the output, at the one training point.
const WORKED_EXAMPLE_SELECTION = { layer: 1, source: 0, target: 0, point: 0 };

export class SessionLifecycle {
  // -- session lifecycle ----------------------------------------------------

  /** handedToken: a token the address carried (hashstate.takeToken), or null. */
  async start(handedToken = null) {
    const wanted = wantedLanguage();
    if (wanted !== this.config.lang) this.switchLanguage(wanted, false);
    const watchId = new URLSearchParams(window.location.search).get("session");
    // `/?session=<id>#token=<token>` hands over control of a session made
    // elsewhere (over REST): the token joins the ones this browser keeps.
    if (watchId && handedToken) remember({ id: watchId, control_token: handedToken });
    if (watchId) {
      // A session this browser created (a reopened link, the class link in
      // the teacher's own browser): control it again.
      const token = tokenFor(watchId);
      if (token) this.adopt({ id: watchId, control_token: token });
      else this.watch(watchId);
      return;
    }
    const stored = loadStored();
    if (stored) {
      // A reload keeps the tab's session; if the address now holds another
      // setup, it is applied once we control the session again.
      this.intents.hash = readHash();
      this.adopt(stored);
      return;
    }
    const hash = readHash();
    await this.create(hash ? { hash } : {});
  }

  /** Create a session (retrying while the server cannot be reached) and use it. */
  async create(body) {
    const session = await createPersistently(this.config.api, body, {
      onRefused: (detail) => this.showMessage(t("message.setup_refused", { detail })),
      onWaiting: () => this.setStatus("reconnecting"),
    });
    store(session);
    this.adopt(session);
  }

  adopt(session) {
    this.sessionId = session.id;
    this.token = session.control_token;
    this.socket.connect(session.id);
  }

  /** Follow a session we do not own: no token, every control inert. */
  watch(id) {
    this.sessionId = id;
    this.token = null;
    this.role = "watch";
    this.setWatching(true);
    this.socket.connect(id);
  }

  setWatching(watching) {
    this.controls.setWatching(watching);
    this.classroom.setEnabled(!watching);
    this.lecture.setWatching(watching);
    this.yourData.setWatching(watching);
    this.network.editable = !watching;
    this.classLink.setRole(watching ? "watch" : "control");
  }

  /** Leave the current session for a new one of ours (a fork, the worked
   * example): its token is kept like any session's, and the address loses
   * `?session=` so a reload comes back to it. `selection` is explained in it
   * once we control it. */
  switchTo(session, selection = null) {
    store(session);
    setWatchedSession(null);
    this.leave();
    this.intents.select = selection;
    this.adopt(session);
  }

  /** Watch the teacher's session again (after a fork). */
  rejoin(teacher) {
    setWatchedSession(teacher);
    this.leave();
    this.watch(teacher);
  }

  /** Forget the session we are on; the next one's state draws everything. */
  leave() {
    this.socket.close();
    this.gate.setGeneration(-1);
    this.resetComponents();
    this.state = null;
    this.role = "watch";
    this.clearIntents();
    this.offerResume();
  }

  /** The lecture's worked example. A session of its own, as the lecture's
   * link would open; but while students watch ours, it is loaded into ours
   * (a config change) so that the class sees it too. */
  async workedExample() {
    if (this.role !== "control") return;
    if (this.state && this.state.watchers > 1) {
      this.intents.select = null;
      this.intents.selectInScenario = WORKED_EXAMPLE_SELECTION;
      this.sendConfig({ scenario: "worked-example" });
      return;
    }
    try {
      const session = await createSession(this.config.api, { scenario: "worked-example" });
      this.switchTo(session, WORKED_EXAMPLE_SELECTION);
    } catch (error) {
      this.showMessage(t("lecture.worked_example_failed", { error: error.message }));
    }
  }
  onOpen() {
    if (this.token) this.socket.send({ type: "auth", token: this.token });
    else this.setStatus("watching");
    if (this.focus !== null) this.socket.send({ type: "focus", node: this.focus });
  }

  /** The server no longer knows the session (restarted, expired). Ours is
   * recreated from the hash and the last network we drew, then we go on. */
  async onLost(code) {
    if (!this.token || this.recreating) {
      this.setStatus("lost");
      return;
    }
    this.recreating = true;
    this.setStatus("reconnecting");
    // Carry on as before: playing, at the same speed, once we control it again.
    this.intents.resume = {
      playing: Boolean(this.lastFrame ? this.lastFrame.playing : this.state && this.state.playing),
      speed: this.state ? this.state.epochs_per_frame : 1,
    };
    const body = recreationBody(this.state, this.lastFrame, readHash());
    try {
      this.gate.setGeneration(-1);
      this.resetComponents();
      await this.create(body);
    } finally {
      this.recreating = false;
    }
    console.info(`session ${code === 4404 ? "lost by the server" : "gone"}; recreated as ${this.sessionId}`);
  }

  /** Forget everything drawn for a session we are leaving; the new
   * session's first state and frame draw it all again. */
  resetComponents() {
    this.gate.clear();
    this.lastFrame = null;
    this.network.reset();
    this.heatmap.reset();
    this.chart.reset();
    this.metrics.reset();
    this.yourData.reset();
    this.controls.reset();
    this.classroom.reset();
    this.lecture.reset();
    this.classLink.reset();
    this.announcer.reset();
    this.pauseView.reset();
  }
}
