// The session a page is on, and its socket: creating or joining it (a
// session whose token this browser holds is controlled again; `#token=`
// hands one over), leaving it for another of ours (a fork, the worked
// example, a session opened from a file), back to the teacher, and
// recreating a session the server lost. Who we are to the session (its id,
// our token, our role) lives here; what it shows is the view's (view.js);
// what the page wants done is the page's (main.js).

import { readHash, setWatchedSession } from "./hashstate.js";
import { t } from "./i18n.js";
import { forgetToken, remember, tokenFor } from "./mysessions.js";
import { SessionSocket } from "./socket.js";
import { createPersistently, loadStored, recreationBody, store } from "./tabsession.js";

export class SessionConnection {
  /**
   * config: the page config. hooks (the page wires them):
   *   receive(message), frame(frame), nodeGrid(grid): what the server sends, for the view;
   *   status(status): the connection badge (connecting, connected, watching, reconnecting, lost);
   *   authorized(): the server accepted our token: we control the session;
   *   watching(on): every control inert (on), or usable again;
   *   leaving(): the page leaves its session: forget what was drawn and wished;
   *   recreating(): a lost session is recreated: forget what was drawn, keep the wishes;
   *   wish(name, value): a pending intent of the page (see Page.intents);
   *   drawn(): {state, frame}, the last state and frame drawn (to recreate a lost session);
   *   focus(): the node whose full grid the page shows, or null;
   *   message(text): a short message for the reader.
   */
  constructor(config, hooks) {
    this.config = config;
    this.hooks = hooks;
    this.sessionId = null;
    this.token = null; // while we hold a control token for the session
    this.role = "watch"; // "control" once the server accepted the token
    this.recreating = false; // a lost session is being recreated
    this.socket = new SessionSocket(config.ws, config.finalCloseCodes, {
      onOpen: () => this.onOpen(),
      onMessage: (message) => this.receive(message),
      onFrame: (frame) => hooks.frame(frame),
      onNodeGrid: (grid) => hooks.nodeGrid(grid),
      onStatus: (status) => hooks.status(status),
      onLost: (code) => this.onLost(code),
    });
  }

  get controlling() {
    return this.role === "control";
  }

  /** Send a message: a command only while we control the session; `focus` (which
   * node's grid this page wants) is anyone's. False when it was not sent. */
  send(message) {
    if (!this.controlling && message.type !== "focus") return false;
    return this.socket.send(message);
  }

  /** A JSON message: who we are is settled here, everything goes on to the view. */
  receive(message) {
    if (message.type === "auth") {
      this.role = message.role;
      this.hooks.watching(false);
      this.hooks.status("connected");
      this.hooks.authorized();
    } else if (message.type === "error" && message.code === "forbidden" && this.token) {
      forgetToken(this.sessionId);
      this.token = null; // the token is not valid for this session: watch it
      this.hooks.watching(true);
      this.hooks.status("watching");
    }
    this.hooks.receive(message);
  }

  /** Join the session the address names, or the tab's own, or a new one.
   * handedToken: a token the address carried (hashstate.takeToken), or null. */
  async start(handedToken = null) {
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
      this.hooks.wish("hash", readHash());
      this.adopt(stored);
      return;
    }
    const hash = readHash();
    await this.create(hash ? { hash } : {});
  }

  /** Create a session (retrying while the server cannot be reached) and use it. */
  async create(body) {
    const session = await createPersistently(this.config.api, body, {
      onRefused: (detail) => this.hooks.message(t("message.setup_refused", { detail })),
      onWaiting: () => this.hooks.status("reconnecting"),
    });
    store(session);
    this.adopt(session);
  }

  /** Use a session we hold the token of: the server says whether it accepts it. */
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
    this.hooks.watching(true);
    this.socket.connect(id);
  }

  /** Leave the current session for a new one of ours (a fork, the worked
   * example, a session opened from a file): its token is kept like any
   * session's, and the address loses `?session=` so a reload comes back to it. */
  switchTo(session) {
    store(session);
    setWatchedSession(null);
    this.leave();
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
    this.role = "watch";
    this.hooks.leaving();
  }

  onOpen() {
    if (this.token) this.socket.send({ type: "auth", token: this.token });
    else this.hooks.status("watching");
    const focus = this.hooks.focus();
    if (focus !== null) this.socket.send({ type: "focus", node: focus });
  }

  /** The server no longer knows the session (restarted, expired). Ours is
   * recreated from the hash and the last network we drew, then we go on. */
  async onLost(code) {
    if (!this.token || this.recreating) {
      this.hooks.status("lost");
      return;
    }
    this.recreating = true;
    this.hooks.status("reconnecting");
    const { state, frame } = this.hooks.drawn();
    const body = recreationBody(state, frame, readHash());
    // Carry on as before: playing, at the same speed, once we control it again.
    this.hooks.wish("resume", {
      playing: Boolean(frame ? frame.playing : state && state.playing),
      speed: state ? state.epochs_per_frame : 1,
    });
    try {
      this.hooks.recreating();
      await this.create(body);
    } finally {
      this.recreating = false;
    }
    console.info(`session ${code === 4404 ? "lost by the server" : "gone"}; recreated as ${this.sessionId}`);
  }
}
