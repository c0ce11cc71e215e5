// What a screen reader hears of training, and when: a polite live region says
// the epoch and both losses when training pauses, after a step, and when a
// stop condition stops it, never while it plays (60 messages a second would
// drown everything). At those moments, and with every state, the output
// heatmap's summary (losses, accuracy, for two classes the share of the
// plane each class gets) and the network's table are brought up to date.

import { formatLoss } from "./controls.js";
import { t } from "./i18n.js";
import { NetworkTable } from "./nettable.js";

const SETTLE_MS = 250; // a pause's last frames arrive together: speak once, with the newest

function percent(value) {
  return `${(100 * value).toFixed(1)}%`;
}

/** The share of the plane's cells on each side of 0.5 (bytes of 2p − 1; 255 is NaN). */
export function planeShares(bytes) {
  let positive = 0;
  let negative = 0;
  for (const byte of bytes) {
    if (byte === 255) continue;
    if (byte > 127) positive += 1;
    else if (byte < 127) negative += 1;
  }
  const total = bytes.length || 1;
  return { positive: positive / total, negative: negative / total };
}

export class Announcer {
  /** live: the polite region; summary: the heatmap's description; table: the
   * network table's section; features: the page config's. */
  constructor(live, summary, table, features) {
    this.live = live;
    this.summary = summary;
    this.table = new NetworkTable(table);
    this.features = features;
    this.state = null;
    this.frame = null;
    this.playing = false;
    this.timer = null;
    this.spoken = ""; // the last message, not repeated
  }

  /** A `state` message: everything is rewritten from it (no frame of it yet). */
  onState(state) {
    this.state = state;
    this.playing = state.playing;
    if (this.frame && this.frame.generation !== state.generation) this.frame = null;
    if (!state.playing) this.refresh();
  }

  /** A `status` message: a pause (or a stop) is spoken once its last frame is in. */
  onStatus(status) {
    if (this.playing && !status.playing) this.schedule(status.stopped ? "live.stopped" : "live.paused");
    this.playing = status.playing;
  }

  /** Every frame drawn (or held back by "pause my view"). Whether training
   * plays comes from `state` and `status` messages only: a frame that
   * arrives just after a pause may have been made before it. */
  onFrame(frame) {
    const previous = this.frame;
    if (previous && previous.generation === frame.generation && frame.epoch < previous.epoch) return;
    this.frame = frame;
    if (this.playing || frame.playing) return; // nothing is said while it plays
    // A step moved the epoch; the first frame of a page or a new network is not news.
    const stepped = previous && previous.generation === frame.generation && previous.epoch !== frame.epoch;
    if (frame.stopped) this.schedule("live.stopped");
    else if (stepped) this.schedule("live.epoch");
  }

  schedule(kind) {
    this.kind = kind === "live.epoch" && this.kind && this.timer ? this.kind : kind; // a pause stays a pause
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.speak(), SETTLE_MS);
  }

  speak() {
    this.timer = null;
    if (!this.state) return;
    const numbers = this.numbers();
    const params = { epoch: numbers.epoch, train: numbers.train, test: numbers.test };
    if (this.kind === "live.stopped") params.reason = document.getElementById("stop-notice").textContent;
    const text = t(this.kind, params);
    this.kind = null;
    this.refresh();
    if (text === this.spoken) return;
    this.spoken = text;
    this.live.textContent = text;
  }

  /** The newest epoch and losses: the frame's, else the state's. */
  numbers() {
    const source = this.frame || { epoch: this.state.epoch, lossTrain: this.state.loss_train, lossTest: this.state.loss_test };
    return {
      epoch: Math.round(source.epoch).toLocaleString("en-US"),
      train: formatLoss(source.lossTrain),
      test: formatLoss(source.lossTest),
      source,
    };
  }

  /** The heatmap's summary and the network's table, as of now. */
  refresh() {
    const state = this.state;
    if (!state) return;
    const { epoch, train, test, source } = this.numbers();
    let text = t("summary.losses", { epoch, train, test });
    const accuracyTrain = this.frame ? this.frame.accuracyTrain : state.accuracy_train;
    const accuracyTest = this.frame ? this.frame.accuracyTest : state.accuracy_test;
    if (state.config.problem === "classification" && accuracyTrain !== null && accuracyTrain !== undefined) {
      text += t("summary.accuracy", { train: percent(accuracyTrain), test: percent(accuracyTest) });
    }
    if (state.config.problem === "classification" && state.shape.at(-1) === 1 && this.frame) {
      const share = planeShares(this.frame.output);
      text += t("summary.share", { positive: percent(share.positive), negative: percent(share.negative) });
    }
    this.summary.textContent = text;
    const weights = this.frame ? this.frame.weights : state.weights.flat(2);
    const biases = this.frame ? this.frame.biases : state.biases.flat();
    this.table.update(state, this.features, weights, biases, source.epoch);
  }

  reset() {
    clearTimeout(this.timer);
    this.timer = null;
    this.state = null;
    this.frame = null;
  }
}
