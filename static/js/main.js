// Wires the page: one session, one socket, the components. The browser never
// trains or evaluates anything; it sends commands and draws what comes back.

import { STOPS } from "./colors.js";
import { ClassMetrics } from "./classmetrics.js";
import { Controls } from "./controls.js";
import { SessionFiles } from "./files.js";
import { FrameGate } from "./frames.js";
import { ClassLink } from "./classroom.js";
import { ClassroomGrid, takeToken, watchHash } from "./hashstate.js";
import { Heatmap } from "./heatmap.js";
import { applyStatic, initLanguage, onLanguage, setLanguage, t } from "./i18n.js";
import { Lecture } from "./lecture.js";
import { LineChart, drawLegend } from "./linechart.js";
import { MySessions } from "./mysessions.js";
import { NetworkView } from "./network.js";
import { Pictures } from "./pictures.js";
import { Presentation } from "./present.js";
import { installAccess } from "./access.js";
import { SessionView } from "./sessionview.js";
import { SessionSocket } from "./socket.js";
import { FrameStats } from "./stats.js";
import { StatusBadge } from "./status.js";
import { YourData } from "./yourdata.js";

class Page extends SessionView {
  constructor(config) {
    super();
    this.config = config;
    this.state = null; // the last `state` message
    this.token = null; // set when we control the session
    this.sessionId = null;
    this.role = "watch";
    this.focus = null;
    this.lastFrame = null;
    this.data = { train: [], test: [] };
    this.recreating = false;
    // What the page will do once the server lets it: set where the wish
    // arises, carried out (and cleared) in drainIntents() only.
    this.intents = {
      select: null, // a selection to explain once we control the session (a fork, the worked example)
      selectInScenario: null, // ... once the worked example has been loaded into ours
      hash: null, // the address's setup, applied once we control a reloaded tab's session again
      resume: null, // {playing, speed}: how a recreated session goes on
    };
    this.gate = new FrameGate((frame, grid) => this.draw(frame, grid));

    const onConfig = (fields) => this.sendConfig(fields);
    this.controls = new Controls(config, {
      onCommand: (message) => this.command(message),
      onConfig,
      onDisplay: (field, value) => this.showDisplay(field, value),
    });
    this.network = new NetworkView(document.getElementById("network"), config, {
      onToggleFeature: (name) => this.state && onConfig({ [name]: !this.state.config[name] }),
      onNeurons: (layer, delta) => this.changeNeurons(layer, delta),
      onFocus: (node) => this.setFocus(node),
      onWeight: (layer, source, target, value) => this.command({ type: "weight", layer, source, target, value }),
      onBias: (layer, node, value) => this.command({ type: "bias", layer, node, value }),
      onSelect: (target) => this.lecture.selectLink(target),
    });
    this.heatmap = new Heatmap(document.getElementById("heatmap"), (point) => this.lecture.pickPoint(point));
    this.lecture = new Lecture(config, {
      sendConfig: onConfig,
      select: (selection) => this.select(selection),
      workedExample: () => this.workedExample(),
      onSelection: (selection) => {
        this.network.markSelected(selection);
        this.heatmap.setPicked(selection ? selection.point : null);
      },
      sessionId: () => this.sessionId,
    });
    this.classLink = new ClassLink(config.api, {
      session: () => ({ id: this.sessionId, token: this.token, role: this.role }),
      onFork: (session) => this.switchTo(session, this.lecture.selection),
      onRejoin: (teacher) => this.rejoin(teacher),
      onMessage: (text) => this.showMessage(text),
    });
    // Files, your own points and pictures: REST calls on the session we are on.
    const onFiles = {
      session: () => ({ id: this.sessionId, token: this.token, role: this.role, state: this.state, frame: this.lastFrame }),
      onOpened: (session) => this.switchTo(session),
      onReplacing: (pending) => (pending ? this.gate.expectNewGeneration() : this.gate.cancelExpectation()),
      onMessage: (text) => this.showMessage(text),
    };
    this.files = new SessionFiles(config.api, onFiles);
    this.yourData = new YourData(config.api, this.heatmap, onFiles);
    this.chart = new LineChart(document.getElementById("linechart"), document.getElementById("chart-tip"));
    this.pictures = new Pictures(config.api, this.heatmap, this.chart, onFiles);
    this.metrics = new ClassMetrics(document.getElementById("class-metrics"), document.getElementById("class-legend"));
    drawLegend(document.getElementById("colormap"), STOPS);
    this.classroom = new ClassroomGrid(
      document.getElementById("classroom-grid"),
      document.getElementById("classroom-link"),
      config.hideable,
      new Set(config.features.map((f) => f.name)),
      (hidden) => onConfig({ hidden }),
    );
    this.stats = new FrameStats(document.getElementById("rate-readout"));
    setInterval(() => this.stats.tick(), 1000);
    this.status = new StatusBadge(
      document.getElementById("connection-status"),
      document.getElementById("server-message"),
      document.getElementById("control-badge"),
      document.getElementById("resume-offer"),
      document.getElementById("stop-notice"),
    );
    document.getElementById("resume-button").addEventListener("click", () => this.command({ type: "play" }));
    this.mySessions = new MySessions(document.getElementById("my-sessions-button"), document.getElementById("sessions-dialog"), () => this.sessionId);
    this.presentation = new Presentation(document.getElementById("present-button"), () => this.layOut());
    this.socket = new SessionSocket(config.ws, config.finalCloseCodes, {
      onOpen: () => this.onOpen(),
      onMessage: (message) => this.onMessage(message),
      onFrame: (frame) => {
        if (this.gate.acceptFrame(frame)) this.stats.receive();
      },
      onNodeGrid: (grid) => this.gate.acceptGrid(grid, this.focus),
      onStatus: (status) => this.setStatus(status),
      onLost: (code) => this.onLost(code),
    });
    // Shortcuts, the keyboard dialog, "pause my view", what a screen reader hears.
    Object.assign(this, installAccess(this));
    watchHash(
      () => (this.state ? this.state.config.hash : ""),
      (hash) => this.command({ type: "hash", hash }),
      (on) => this.presentation.set(on),
    );
    window.addEventListener("resize", () => this.layOut());
    const languages = document.getElementById("lang-select");
    languages.addEventListener("change", () => this.switchLanguage(languages.value));
    onLanguage((lang) => {
      languages.value = lang;
      this.relabel();
    });
  }

  /** The diagram is laid out for the page's width (and presentation mode). */
  layOut() {
    if (!this.state) return;
    this.network.setState(this.state, this.lastFrame);
    if (this.lastFrame) this.network.update(this.lastFrame);
  }

  switchLanguage(lang, save = true) {
    setLanguage(lang, { save }).catch((error) => this.showMessage(`${lang}: ${error.message}`));
  }

  /** Every component's text in the language just chosen; the session goes on. */
  relabel() {
    this.controls.relabel();
    if (this.lastFrame) this.controls.updateFrame(this.lastFrame); // the state's epoch is older than the frame's
    this.lecture.relabel();
    this.metrics.relabel();
    if (this.state) this.yourData.update(this.state);
    this.classLink.relabel();
    this.status.relabel();
    this.stats.publish();
    this.keyHelp.relabel();
    this.pauseView.relabel();
    this.announcer.refresh();
    this.network.reset();
    this.layOut();
    if (this.state) this.classroom.update(this.state);
  }

  // -- commands ---------------------------------------------------------------

  command(message) {
    if (this.role !== "control" && message.type !== "focus") return;
    if (message.type === "reset" || message.type === "regenerate") this.gate.expectNewGeneration();
    this.socket.send(message);
  }

  /** Point every page of the session at a weight or bias (null clears). */
  select(selection) {
    if (this.role !== "control") return;
    this.socket.send(selection ? { type: "select", ...selection } : { type: "select", layer: null });
  }

  sendConfig(fields) {
    const live = new Set(this.config.liveFields); // from the server's field table
    if (Object.keys(fields).some((name) => !live.has(name))) this.gate.expectNewGeneration();
    this.command({ type: "config", fields });
  }

  changeNeurons(layer, delta) {
    if (!this.state) return;
    const shape = [...this.state.config.networkShape];
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
    } else if (field === "showTestData" && this.state) {
      this.heatmap.setPoints(this.state.train, this.state.test, value);
    }
  }

  setFocus(node) {
    this.focus = node;
    this.gate.clear(true);
    if (node === null) this.heatmap.showGrid(null);
    this.socket.send({ type: "focus", node });
  }

  // -- status -----------------------------------------------------------------

  setStatus(status) {
    this.status.set(status, Boolean(this.token));
  }

  showMessage(text) {
    this.status.message(text);
  }
}

const pageConfig = JSON.parse(document.getElementById("page-config").textContent);
const handedToken = takeToken(); // out of the address before anything rewrites it
initLanguage(pageConfig);
applyStatic();
const page = new Page(pageConfig);
window.__playground = page; // for the console and the browser tests
page.start(handedToken).catch((error) => page.showMessage(t("message.start_failed", { error: error.message })));
