// What the server says, drawn: messages (state, status, explain, auth,
// errors) routed to the components, accepted frames painted, and the page's
// pending intents carried out when their moment comes. Page (main.js)
// extends this; the state it reads lives on the Page (state, role, intents,
// the components).

import { applyHidden, writeHash } from "./hashstate.js";
import { SessionLifecycle } from "./lifecycle.js";
import { describe, forgetToken } from "./mysessions.js";

export class SessionView extends SessionLifecycle {
  // -- messages from the server ----------------------------------------------

  onMessage(message) {
    switch (message.type) {
      case "state":
        this.applyState(message);
        break;
      case "status":
        this.controls.setPlaying(message.playing);
        this.announcer.onStatus(message);
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
        this.drainIntents("auth");
        this.offerResume();
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
    this.yourData.update(state);
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
    this.drainIntents("state");
    this.lecture.follow(state, this.sessionId);
    this.offerResume();
    this.announcer.onState(state);
  }

  /** Carry out what waited for this moment (page.intents): "auth", we
   * control the session now; "state", a state was drawn. */
  drainIntents(moment) {
    const wants = this.intents;
    if (moment === "auth") {
      if (wants.select) this.select(wants.select);
      if (wants.hash && this.state && wants.hash !== this.state.config.hash) this.command({ type: "hash", hash: wants.hash });
      if (wants.resume) {
        if (wants.resume.speed !== 1) this.command({ type: "speed", epochs_per_frame: wants.resume.speed });
        if (wants.resume.playing) this.command({ type: "play" });
      }
      Object.assign(wants, { select: null, hash: null, resume: null });
    } else if (wants.selectInScenario && this.state.config.scenario === "worked-example") {
      this.select(wants.selectInScenario);
      wants.selectInScenario = null;
    }
  }

  /** Forget every wish (the page leaves its session). */
  clearIntents() {
    for (const name of Object.keys(this.intents)) this.intents[name] = null;
  }

  /** A session the server restored paused after a restart: its controller may resume it. */
  offerResume() {
    this.status.offerResume(Boolean(this.state && this.state.restored && this.role === "control"));
  }

  /** Draw one accepted frame and / or the focused node's grid. */
  draw(frame, grid) {
    if (frame) this.announcer.onFrame(frame);
    if (this.pauseView.holds(frame)) return; // "pause my view": the newest frame is kept for later
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
}
