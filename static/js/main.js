// Wires the page: one session, one socket, the components. The browser never
// trains or evaluates anything; it sends commands and draws what comes back.

import { STOPS } from "./colors.js";
import { ClassMetrics } from "./classmetrics.js";
import { Controls } from "./controls.js";
import { FrameGate } from "./frames.js";
import { ClassLink } from "./classroom.js";
import { ClassroomGrid, applyHidden, watchHash, writeHash } from "./hashstate.js";
import { Heatmap } from "./heatmap.js";
import { applyStatic, initLanguage, onLanguage, setLanguage, t } from "./i18n.js";
import { Lecture } from "./lecture.js";
import { SessionLifecycle } from "./lifecycle.js";
import { LineChart, drawLegend } from "./linechart.js";
import { MySessions, describe, forgetToken } from "./mysessions.js";
import { NetworkView } from "./network.js";
import { Presentation } from "./present.js";
import { SessionSocket } from "./socket.js";
import { FrameStats } from "./stats.js";
import { StatusBadge } from "./status.js";

class Page extends SessionLifecycle {
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
    this.chart = new LineChart(document.getElementById("linechart"), document.getElementById("chart-tip"));
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
    this.classLink.relabel();
    this.status.relabel();
    this.stats.publish();
    this.network.reset();
    this.layOut();
    if (this.state) this.classroom.update(this.state);
  }

  // -- messages from the server ----------------------------------------------

  onMessage(message) {
    switch (message.type) {
      case "state":
        this.applyState(message);
        break;
      case "status":
        this.controls.setPlaying(message.playing);
        this.controls.setSpeed(message.epochs_per_frame);
        this.classLink.setWatchers(message.watchers);
        if (this.state) Object.assign(this.state, { ...message, type: this.state.type });
        this.offerResume();
        if (!message.stopped) this.status.showStop(null); // a frame says where it stopped
        break;
      case "explain":
        // An explanation sent before a change we asked for belongs to the
        // network we are leaving; the new state brings a fresh one.
        if (this.gate.minGeneration > this.gate.generation) break;
        this.lecture.explain(message);
        break;
      case "auth":
        this.role = message.role;
        this.setWatching(false);
        this.setStatus("connected");
        if (this.selectOnAuth) this.select(this.selectOnAuth);
        this.selectOnAuth = null;
        if (this.hashOnLoad && this.state && this.hashOnLoad !== this.state.config.hash) {
          this.command({ type: "hash", hash: this.hashOnLoad });
        }
        this.hashOnLoad = null;
        this.offerResume();
        if (this.resume) {
          if (this.resume.speed !== 1) this.command({ type: "speed", epochs_per_frame: this.resume.speed });
          if (this.resume.playing) this.command({ type: "play" });
          this.resume = null;
        }
        break;
      case "error":
        this.gate.cancelExpectation(); // the change we waited for is not coming
        if (this.state) this.controls.update(this.state); // a refused choice goes back to the session's
        if (message.code === "forbidden" && this.token) {
          forgetToken(this.sessionId);
          this.token = null; // the token is not valid for this session: watch it
          this.setWatching(true);
          this.setStatus("watching");
        }
        this.showMessage(message.message || message.code);
        break;
      default:
        break;
    }
  }

  applyState(state) {
    const fresh = !this.state || state.generation !== this.gate.generation;
    // Points come only with the first state and when the data changed.
    this.data = state.train ? { train: state.train, test: state.test } : this.data;
    state.train = this.data.train;
    state.test = this.data.test;
    // Non-finite numbers travel as strings ("NaN"); Number() reads them back.
    state.loss_train = Number(state.loss_train);
    state.loss_test = Number(state.loss_test);
    this.state = state;
    this.gate.setGeneration(state.generation);
    if (fresh) this.gate.clear(true);
    this.controls.update(state);
    this.network.discretize = state.config.discretize;
    const sameFrame = this.lastFrame && this.lastFrame.generation === state.generation ? this.lastFrame : null;
    this.network.setState(state, sameFrame);
    this.heatmap.setClasses(state.shape.at(-1) > 1 ? state.shape.at(-1) : 2);
    this.heatmap.setDiscretize(state.config.discretize);
    this.heatmap.setPoints(state.train, state.test, state.config.showTestData);
    this.metrics.update(state);
    if (state.history) {
      this.chart.setHistory(state.history.map((row) => row.map(Number)));
    } else if (fresh && state.epoch === 0) {
      this.chart.setHistory([[0, state.loss_train, state.loss_test]]);
    }
    this.classroom.update(state);
    this.classLink.update(state);
    this.status.showStop(state.stopped, state.epoch, state.loss_test);
    applyHidden(state.config, this.config.hideable);
    writeHash(state.config.hash);
    if (this.token) describe(this.sessionId, state);
    if (this.selectOnState && state.config.scenario === "worked-example") {
      this.select(this.selectOnState);
      this.selectOnState = null;
    }
    this.lecture.follow(state, this.sessionId);
    this.offerResume();
  }

  /** A session the server restored paused after a restart: its controller may resume it. */
  offerResume() {
    this.status.offerResume(Boolean(this.state && this.state.restored && this.role === "control"));
  }

  /** Draw one accepted frame and / or the focused node's grid. */
  draw(frame, grid) {
    const showGrid = grid && this.focus === grid.node;
    const unit = showGrid ? this.network.unitOf(grid.node) : null;
    if (!frame) {
      if (showGrid) this.heatmap.showGrid(grid.grid, unit);
      return;
    }
    this.stats.begin();
    if (this.network.update(frame)) {
      this.heatmap.update(frame);
      this.chart.update(frame);
      this.controls.updateFrame(frame);
      this.metrics.updateFrame(frame);
      this.status.showStop(frame.stopped, frame.epoch, frame.lossTest);
      this.lastFrame = frame;
    }
    if (showGrid) this.heatmap.showGrid(grid.grid, unit);
    this.stats.end(frame.epoch);
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
initLanguage(pageConfig);
applyStatic();
const page = new Page(pageConfig);
window.__playground = page; // for the console and the browser tests
page.start().catch((error) => page.showMessage(t("message.start_failed", { error: error.message })));
