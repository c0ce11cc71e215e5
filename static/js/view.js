// What the server says, drawn: JSON messages (state, status, explain,
// errors) routed to the components, frames let through the generation gate
// and painted once per display frame, and everything drawn forgotten when
// the page leaves a session. The view holds what was last drawn (the state,
// the frame, the points, the hovered node); the components are the page's.
// A new component joins with follow(): it then gets every state, frame and
// message of a type the view does not handle itself, and forgets with it.

import { FrameGate } from "./frames.js";
import { applyHidden, writeHash } from "./hashstate.js";
import { errorText } from "./initranges.js";

export class SessionView {
  /**
   * config: the page config; parts: the components it draws into (controls,
   * network, heatmap, chart, metrics, lecture, yourData, classroom, classLink,
   * status, announcer, pauseView, stats); hooks (the page wires them):
   *   drew(state): a state was drawn (the page's intents may follow);
   *   statusChanged(): a state or status message changed what the session is doing;
   *   message(text): a short message for the reader.
   */
  constructor(config, parts, hooks) {
    this.config = config;
    this.parts = parts;
    this.hooks = hooks;
    this.state = null; // the last `state` message, with the points and the status since
    this.lastFrame = null; // the last frame drawn
    this.data = { train: [], test: [] }; // points come with the first state and when the data change
    this.focus = null; // the node whose full grid the heatmap shows (hovered or tapped), or null
    this.gate = new FrameGate((frame, grid) => this.draw(frame, grid));
    this.followers = []; // components added with follow()
  }

  /** Draw into one more component: `component.update(state)` with every state,
   * `reset()` when the page leaves its session, and if it has them
   * `updateFrame(frame)` with every frame drawn and `receive(message)` with
   * every message of a type this view does not handle (e.g. a deck's scenes). */
  follow(component) {
    this.followers.push(component);
  }

  /** A JSON message from the server (the connection has read `auth` and a refused token). */
  receive(message) {
    const { controls, announcer, classLink, lecture, status } = this.parts;
    switch (message.type) {
      case "state":
        this.applyState(message);
        break;
      case "status":
        controls.setPlaying(message.playing);
        announcer.onStatus(message);
        controls.setSpeed(message.epochs_per_frame);
        classLink.setWatchers(message.watchers);
        if (this.state) Object.assign(this.state, { ...message, type: this.state.type });
        this.hooks.statusChanged();
        if (!message.stopped) status.showStop(null); // a frame says where it stopped
        break;
      case "explain":
        // An explanation sent before a change we asked for belongs to the
        // network we are leaving; the new state brings a fresh one.
        if (this.gate.minGeneration > this.gate.generation) break;
        lecture.explain(message);
        break;
      case "error":
        this.gate.cancelExpectation(); // the change we waited for is not coming
        if (this.state) controls.update(this.state); // a refused choice goes back to the session's
        this.hooks.message(errorText(message)); // the sigmoid-and-±1 refusal in the page's language
        break;
      default:
        for (const follower of this.followers) if (follower.receive) follower.receive(message);
        break;
    }
  }

  /** A frame the socket parsed: drawn if it belongs to the state we show. */
  receiveFrame(frame) {
    if (this.gate.acceptFrame(frame)) this.parts.stats.receive();
  }

  /** A hovered node's full grid. */
  receiveGrid(grid) {
    this.gate.acceptGrid(grid, this.focus);
  }

  applyState(state) {
    const { controls, network, heatmap, metrics, yourData, chart, classroom, classLink, status, announcer } = this.parts;
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
    controls.update(state);
    network.discretize = state.config.discretize;
    const sameFrame = this.lastFrame && this.lastFrame.generation === state.generation ? this.lastFrame : null;
    network.setState(state, sameFrame);
    heatmap.setClasses(state.shape.at(-1) > 1 ? state.shape.at(-1) : 2);
    heatmap.setDiscretize(state.config.discretize);
    heatmap.setPoints(state.train, state.test, state.config.showTestData);
    metrics.update(state);
    yourData.update(state);
    if (state.history) {
      chart.setHistory(state.history.map((row) => row.map(Number)));
    } else if (fresh && state.epoch === 0) {
      chart.setHistory([[0, state.loss_train, state.loss_test]]);
    }
    classroom.update(state);
    classLink.update(state);
    status.showStop(state.stopped, state.epoch, state.loss_test);
    applyHidden(state.config, this.config.hideable);
    writeHash(state.config.hash);
    for (const follower of this.followers) follower.update(state);
    this.hooks.drew(state);
    announcer.onState(state);
  }

  /** Draw one accepted frame and / or the focused node's grid. */
  draw(frame, grid) {
    const { announcer, pauseView, network, heatmap, chart, controls, metrics, status, stats } = this.parts;
    if (frame) announcer.onFrame(frame);
    if (pauseView.holds(frame)) return; // "pause my view": the newest frame is kept for later
    const showGrid = grid && this.focus === grid.node;
    const unit = showGrid ? network.unitOf(grid.node) : null;
    if (!frame) {
      if (showGrid) heatmap.showGrid(grid.grid, unit);
      return;
    }
    stats.begin();
    if (network.update(frame)) {
      heatmap.update(frame);
      chart.update(frame);
      controls.updateFrame(frame);
      metrics.updateFrame(frame);
      status.showStop(frame.stopped, frame.epoch, frame.lossTest);
      for (const follower of this.followers) if (follower.updateFrame) follower.updateFrame(frame);
      this.lastFrame = frame;
    }
    if (showGrid) heatmap.showGrid(grid.grid, unit);
    stats.end(frame.epoch);
  }

  /** Show the node's full grid (null: the output again); the server is told by the page. */
  setFocus(node) {
    this.focus = node;
    this.gate.clear(true);
    if (node === null) this.parts.heatmap.showGrid(null);
  }

  /** The diagram laid out again for the page's width (and presentation mode). */
  layOut() {
    if (!this.state) return;
    this.parts.network.setState(this.state, this.lastFrame);
    if (this.lastFrame) this.parts.network.update(this.lastFrame);
  }

  /** Forget everything drawn for the session we are leaving (or that the server
   * lost); the next session's first state and frame draw it all again. The
   * last state stays until then: a lost session is recreated from it. */
  forget() {
    this.gate.setGeneration(-1);
    this.gate.clear();
    this.lastFrame = null;
    for (const name of ["network", "heatmap", "chart", "metrics", "yourData", "controls", "classroom", "lecture",
      "classLink", "announcer", "pauseView"]) {
      this.parts[name].reset();
    }
    for (const follower of this.followers) follower.reset();
  }
}
