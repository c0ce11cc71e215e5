// The page: the components, the session connection (connection.js: which
// session, our role, the socket) and the view (view.js: what the server says,
// drawn), held together here with what the reader asks for (commands) and
// what the page will do once the server lets it (intents). The browser never
// trains or evaluates anything; it sends commands and draws what comes back.

import { STOPS } from "./colors.js";
import { ClassMetrics } from "./classmetrics.js";
import { ClassLink } from "./classroom.js";
import { SessionConnection } from "./connection.js";
import { Controls } from "./controls.js";
import { SessionFiles } from "./files.js";
import { ClassroomGrid, takeToken, watchHash } from "./hashstate.js";
import { Heatmap } from "./heatmap.js";
import { applyStatic, initLanguage, onLanguage, setLanguage, t, wantedLanguage } from "./i18n.js";
import { Lecture } from "./lecture.js";
import { fitPresentation, joinLesson } from "./lesson.js";
import { LineChart, drawLegend } from "./linechart.js";
import { MySessions, describe } from "./mysessions.js";
import { NetworkView } from "./network.js";
import { Pictures } from "./pictures.js";
import { Presentation } from "./present.js";
import { installAccess } from "./access.js";
import { FrameStats } from "./stats.js";
import { StatusBadge } from "./status.js";
import { createSession } from "./tabsession.js";
import { SessionView } from "./view.js";
import { YourData } from "./yourdata.js";

const $ = (id) => document.getElementById(id);
// The lecture's slide: hidden node 1 -> the output, at the one training point.
const WORKED_EXAMPLE_SELECTION = { layer: 1, source: 0, target: 0, point: 0 };

class Page {
  constructor(config) {
    this.config = config;
    // What the page will do once the server lets it: wished where the wish
    // arises (wish()), carried out and cleared in drainIntents() only.
    this.intents = {
      select: null, // a selection to explain once we control the session (a fork, the worked example)
      selectInScenario: null, // ... once the worked example has been loaded into ours
      hash: null, // the address's setup, applied once we control a reloaded tab's session again
      resume: null, // {playing, speed}: how a recreated session goes on
    };
    this.buildComponents(config);
    // Shortcuts, the keyboard dialog, "pause my view", what a screen reader hears.
    Object.assign(this, installAccess(this));
    const drawnInto = ["controls", "network", "heatmap", "chart", "metrics", "lecture", "yourData", "classroom",
      "classLink", "status", "announcer", "pauseView", "stats"];
    this.view = new SessionView(config, Object.fromEntries(drawnInto.map((name) => [name, this[name]])), {
      drew: (state) => this.drew(state),
      statusChanged: () => this.offerResume(),
      message: (text) => this.showMessage(text),
    });
    this.lesson = joinLesson(this); // the deck, comparisons, initial ranges: followers of the view
    this.connection = new SessionConnection(config, {
      receive: (message) => this.view.receive(message),
      frame: (frame) => this.view.receiveFrame(frame),
      nodeGrid: (grid) => this.view.receiveGrid(grid),
      status: (status) => this.setStatus(status),
      authorized: () => {
        this.drainIntents("auth");
        this.offerResume();
      },
      watching: (on) => this.setWatching(on),
      leaving: () => this.leaving(),
      recreating: () => this.view.forget(),
      wish: (name, value) => this.wish(name, value),
      drawn: () => ({ state: this.view.state, frame: this.view.lastFrame }),
      focus: () => this.view.focus,
      message: (text) => this.showMessage(text),
    });
    // After the view: `present=true` in the address lays the diagram out at once.
    this.presentation = new Presentation($("present-button"), () => this.layOut());
    watchHash(
      () => (this.view.state ? this.view.state.config.hash : ""),
      (hash) => this.command({ type: "hash", hash }),
      (on) => this.presentation.set(on),
    );
    window.addEventListener("resize", () => this.layOut());
    const languages = $("lang-select");
    languages.addEventListener("change", () => this.switchLanguage(languages.value));
    onLanguage((lang) => {
      languages.value = lang;
      this.relabel();
    });
  }

  /** The layout changed (the window, presentation mode, the scene's text): presenting, the
   * heatmap fits the first screen (lesson.js), and the diagram is measured again. */
  layOut() {
    fitPresentation();
    this.view.layOut();
  }

  /** Every component, each given the callbacks it needs (the view and the
   * connection are made after them and reached through the page). */
  buildComponents(config) {
    const onConfig = (fields) => this.sendConfig(fields);
    const state = () => this.view.state;
    this.controls = new Controls(config, {
      onCommand: (message) => this.command(message),
      onConfig,
      onStep: () => this.step(),
      onDisplay: (field, value) => this.showDisplay(field, value),
    });
    this.network = new NetworkView($("network"), config, {
      onToggleFeature: (name) => state() && onConfig({ [name]: !state().config[name] }),
      onNeurons: (layer, delta) => this.changeNeurons(layer, delta),
      onFocus: (node) => this.setFocus(node),
      onWeight: (layer, source, target, value) => this.command({ type: "weight", layer, source, target, value }),
      onBias: (layer, node, value) => this.command({ type: "bias", layer, node, value }),
      onSelect: (target) => this.lecture.selectLink(target),
    });
    this.heatmap = new Heatmap($("heatmap"), (point) => this.lecture.pickPoint(point));
    this.lecture = new Lecture(config, {
      sendConfig: onConfig,
      select: (selection) => this.select(selection),
      workedExample: () => this.workedExample(),
      onSelection: (selection) => {
        this.network.markSelected(selection);
        this.heatmap.setPicked(selection ? selection.point : null);
      },
      sessionId: () => this.connection.sessionId,
    });
    const session = () => ({ id: this.connection.sessionId, token: this.connection.token, role: this.connection.role });
    this.classLink = new ClassLink(config.api, {
      session,
      onFork: (forked) => this.switchTo(forked, this.lecture.selection),
      onRejoin: (teacher) => this.connection.rejoin(teacher),
      onMessage: (text) => this.showMessage(text),
    });
    // Files, your own points and pictures: REST calls on the session we are on.
    const onFiles = {
      session: () => ({ ...session(), state: state(), frame: this.view.lastFrame }),
      onOpened: (opened) => this.switchTo(opened),
      onReplacing: (pending) => (pending ? this.view.gate.expectNewGeneration() : this.view.gate.cancelExpectation()),
      onMessage: (text) => this.showMessage(text),
      where: () => (this.connection.controlling && state() && state().watchers > 1 ? this.lesson.classLoad.ask("file") : Promise.resolve("own")),
    };
    this.files = new SessionFiles(config.api, onFiles);
    this.yourData = new YourData(config.api, this.heatmap, onFiles);
    this.chart = new LineChart($("linechart"), $("chart-tip"));
    this.pictures = new Pictures(config.api, this.heatmap, this.chart, onFiles);
    this.metrics = new ClassMetrics($("class-metrics"), $("class-legend"));
    drawLegend($("colormap"), STOPS);
    const features = new Set(config.features.map((f) => f.name));
    this.classroom = new ClassroomGrid($("classroom-grid"), $("classroom-link"), config.hideable, features, (hidden) => onConfig({ hidden }));
    this.stats = new FrameStats($("rate-readout"));
    setInterval(() => this.stats.tick(), 1000);
    this.status = new StatusBadge($("connection-status"), $("server-message"), $("control-badge"), $("resume-offer"), $("stop-notice"));
    $("resume-button").addEventListener("click", () => this.command({ type: "play" }));
    this.mySessions = new MySessions($("my-sessions-button"), $("sessions-dialog"), () => this.connection.sessionId);
  }

  /** Join a session (connection.js) in the language the reader chose. */
  async start(handedToken) {
    const wanted = wantedLanguage();
    if (wanted !== this.config.lang) this.switchLanguage(wanted, false);
    await this.connection.start(handedToken);
  }

  switchLanguage(lang, save = true) {
    setLanguage(lang, { save }).catch((error) => this.showMessage(`${lang}: ${error.message}`));
  }

  /** Every component's text in the language just chosen; the session goes on. */
  relabel() {
    const { state, lastFrame } = this.view;
    this.controls.relabel();
    if (lastFrame) this.controls.updateFrame(lastFrame); // the state's epoch is older than the frame's
    this.lecture.relabel();
    this.metrics.relabel();
    if (state) this.yourData.update(state);
    this.classLink.relabel();
    this.status.relabel();
    this.stats.publish();
    this.keyHelp.relabel();
    this.pauseView.relabel();
    this.announcer.refresh();
    this.network.reset();
    this.view.layOut();
    if (state) this.classroom.update(state);
    for (const follower of this.view.followers) if (follower.relabel) follower.relabel();
  }

  // -- intents ----------------------------------------------------------------

  /** Wish for something the page will do once the server lets it (`name`: one of this.intents). */
  wish(name, value) {
    if (!(name in this.intents)) throw new Error(`no intent ${name}`);
    this.intents[name] = value;
  }

  /** Carry out what waited for this moment: "auth", we control the session
   * now; "state", a state was drawn. */
  drainIntents(moment) {
    const wants = this.intents;
    const state = this.view.state;
    if (moment === "auth") {
      if (wants.select) this.select(wants.select);
      if (wants.hash && state && wants.hash !== state.config.hash) this.command({ type: "hash", hash: wants.hash });
      if (wants.resume) {
        if (wants.resume.speed !== 1) this.command({ type: "speed", epochs_per_frame: wants.resume.speed });
        if (wants.resume.playing) this.command({ type: "play" });
      }
      Object.assign(wants, { select: null, hash: null, resume: null });
    } else if (wants.selectInScenario && state.config.scenario === "worked-example") {
      this.select(wants.selectInScenario);
      wants.selectInScenario = null;
    }
  }

  // -- the session's course ---------------------------------------------------

  /** After the view drew a state: remember it, carry out what waited for it. */
  drew(state) {
    const { sessionId, token } = this.connection;
    if (token) describe(sessionId, state);
    this.drainIntents("state");
    this.lecture.follow(state, sessionId);
    this.offerResume();
  }

  /** Watchers see the controls but cannot use them. */
  setWatching(watching) {
    this.controls.setWatching(watching);
    this.classroom.setEnabled(!watching);
    this.lecture.setWatching(watching);
    this.yourData.setWatching(watching);
    this.network.editable = !watching;
    this.classLink.setRole(watching ? "watch" : "control");
    for (const part of Object.values(this.lesson)) if (part.setWatching) part.setWatching(watching);
  }

  /** The page leaves its session: nothing drawn or wished survives. */
  leaving() {
    this.view.forget();
    this.view.state = null;
    for (const name of Object.keys(this.intents)) this.intents[name] = null;
    this.offerResume();
  }

  /** Go to a new session of ours (a fork, the worked example, a file opened):
   * `selection` is explained in it once we control it. */
  switchTo(session, selection = null) {
    this.connection.switchTo(session);
    this.wish("select", selection);
  }

  /** The lecture's worked example. A session of its own, as the lecture's
   * link would open; but while students watch ours, it is loaded into ours
   * (a config change) so that the class sees it too. */
  async workedExample() {
    if (!this.connection.controlling) return;
    const state = this.view.state;
    if (state && state.watchers > 1) {
      this.wish("select", null);
      this.wish("selectInScenario", WORKED_EXAMPLE_SELECTION);
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

  // -- commands ---------------------------------------------------------------

  command(message) {
    if (!this.connection.controlling) return;
    if (message.type === "reset" || message.type === "regenerate") this.view.gate.expectNewGeneration();
    this.connection.send(message);
  }

  /** One step, as the session's step size says: an epoch, or one update (one mini-batch). */
  step() {
    const state = this.view.state;
    this.command(state && state.config.stepUnit === "update" ? { type: "step", updates: 1 } : { type: "step" });
  }

  /** Point every page of the session at a weight or bias (null clears). */
  select(selection) {
    this.connection.send(selection ? { type: "select", ...selection } : { type: "select", layer: null });
  }

  sendConfig(fields) {
    const live = new Set(this.config.liveFields); // from the server's field table
    if (this.connection.controlling && Object.keys(fields).some((name) => !live.has(name))) {
      this.view.gate.expectNewGeneration();
    }
    this.command({ type: "config", fields });
  }

  changeNeurons(layer, delta) {
    const state = this.view.state;
    if (!state) return;
    const shape = [...state.config.networkShape];
    const next = shape[layer] + delta;
    if (next < 1 || next > this.config.maxNeurons) return;
    shape[layer] = next;
    this.sendConfig({ networkShape: shape });
  }

  /** Show test data / discretize at once; the server's state confirms it. */
  showDisplay(field, value) {
    if (field === "discretize") {
      this.network.setDiscretize(value);
      this.heatmap.setDiscretize(value);
    } else if (field === "showTestData" && this.view.state) {
      this.heatmap.setPoints(this.view.state.train, this.view.state.test, value);
    }
  }

  setFocus(node) {
    this.view.setFocus(node);
    this.connection.send({ type: "focus", node });
  }

  // -- status -----------------------------------------------------------------

  setStatus(status) {
    this.status.set(status, Boolean(this.connection.token));
  }

  /** A session the server restored paused after a restart: its controller may resume it. */
  offerResume() {
    const state = this.view.state;
    this.status.offerResume(Boolean(state && state.restored && this.connection.controlling));
  }

  showMessage(text) {
    this.status.message(text);
  }
}

const pageConfig = JSON.parse($("page-config").textContent);
const handedToken = takeToken(); // out of the address before anything rewrites it
initLanguage(pageConfig);
applyStatic();
const page = new Page(pageConfig);
window.__playground = page; // for the console and the browser tests
page.start(handedToken).catch((error) => page.showMessage(t("message.start_failed", { error: error.message })));
