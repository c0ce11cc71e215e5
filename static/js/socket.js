// The websocket to one session (docs/protocol.md): JSON messages out and in,
// binary frames parsed into typed-array views, and reconnection by itself.
// It knows nothing about the page; main.js wires its callbacks.

const FRAME = 1;
const NODE_GRID = 2;
const COMPARISON = 3;
const CELLS = 100 * 100;
const THUMB_CELLS = 10 * 10;
const BACKOFF_MS = [100, 250, 500, 1000, 2000];
const STOP_REASONS = [null, "epoch", "loss", "diverged"];
const CLIENT_KEY = "playground.client";

/** This browser's id (random, kept in localStorage): the server's lock-out after a
 * message flood follows it, not the address a whole class may share. */
function clientId() {
  try {
    let id = window.localStorage.getItem(CLIENT_KEY);
    if (!id) {
      id = Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, "0")).join("");
      window.localStorage.setItem(CLIENT_KEY, id);
    }
    return id;
  } catch {
    return ""; // storage refused: the server counts this page with its address's anonymous clients
  }
}

/** Parse a kind-1 frame (version 2, docs/protocol.md). Views share the buffer:
 * no copies on the hot path (the f64 and u32 sections start aligned). */
export function parseFrame(buffer) {
  const view = new DataView(buffer);
  const nW = view.getUint32(32, true);
  const nB = view.getUint32(36, true);
  const nT = view.getUint32(40, true);
  const nO = view.getUint16(44, true);
  const classes = view.getUint8(46);
  const expected = 48 + 8 * (nW + nB + 2) + 8 * classes * classes + nW + CELLS * nO + THUMB_CELLS * nT;
  if (buffer.byteLength !== expected) {
    throw new Error(`frame: ${buffer.byteLength} bytes, expected ${expected}`);
  }
  let at = 48;
  const weights = new Float64Array(buffer, at, nW);
  at += 8 * nW;
  const biases = new Float64Array(buffer, at, nB);
  at += 8 * nB;
  const accuracyTrain = view.getFloat64(at, true);
  const accuracyTest = view.getFloat64(at + 8, true);
  at += 16;
  const confusionTrain = new Uint32Array(buffer, at, classes * classes);
  at += 4 * classes * classes;
  const confusionTest = new Uint32Array(buffer, at, classes * classes);
  at += 4 * classes * classes;
  const dead = new Uint8Array(buffer, at, nW);
  at += nW;
  const outputs = new Uint8Array(buffer, at, CELLS * nO);
  const output = new Uint8Array(buffer, at + CELLS * (nO - 1), CELLS); // one unit: the output; softmax: the last class
  at += CELLS * nO;
  const thumbnails = new Uint8Array(buffer, at, THUMB_CELLS * nT);
  return {
    kind: FRAME,
    playing: (view.getUint16(2, true) & 1) === 1,
    generation: view.getUint32(4, true),
    epoch: view.getFloat64(8, true),
    lossTrain: view.getFloat64(16, true),
    lossTest: view.getFloat64(24, true),
    weights,
    biases,
    dead,
    output,
    outputs,
    outputCount: nO,
    classes,
    stopped: STOP_REASONS[view.getUint8(47)] ?? null,
    accuracyTrain: Number.isNaN(accuracyTrain) ? null : accuracyTrain,
    accuracyTest: Number.isNaN(accuracyTest) ? null : accuracyTest,
    confusionTrain,
    confusionTest,
    thumbnails,
    thumbnailCount: nT,
  };
}

/** Parse a kind-3 message (docs/protocol.md): per run, where it stands, its
 * losses and its side × side output bytes; as a message of type
 * "comparison-frame" for the comparison panel (comparison.js). */
export function parseComparison(data) {
  const view = new DataView(data);
  const count = view.getUint16(2, true);
  const per = count ? (data.byteLength - 8) / count : 0;
  const side = Math.round(Math.sqrt(per - 24));
  const runs = [];
  for (let k = 0, at = 8; k < count; k += 1, at += per) {
    runs.push({
      epoch: view.getFloat64(at, true),
      lossTrain: view.getFloat64(at + 8, true),
      lossTest: view.getFloat64(at + 16, true),
      output: new Uint8Array(data, at + 24, side * side),
    });
  }
  return { type: "comparison-frame", generation: view.getUint32(4, true), side, runs };
}

/** Parse a kind-2 message: one node's full grid while it is hovered. */
export function parseNodeGrid(buffer) {
  const view = new DataView(buffer);
  if (buffer.byteLength !== 16 + CELLS) {
    throw new Error(`node grid: ${buffer.byteLength} bytes, expected ${16 + CELLS}`);
  }
  return {
    kind: NODE_GRID,
    node: view.getUint16(2, true),
    generation: view.getUint32(4, true),
    epoch: view.getFloat64(8, true),
    grid: new Uint8Array(buffer, 16, CELLS),
  };
}

/**
 * One session's socket. Callbacks (all optional): onOpen(), onMessage(msg),
 * onFrame(frame), onNodeGrid(grid), onStatus(text), onLost(code).
 * onLost fires for the close codes the server calls final (`finalCodes`, from
 * app/protocol/close_codes.py through the page config); any other close is retried
 * with a growing delay, capped at 2 s.
 */
export class SessionSocket {
  constructor(wsBase, finalCodes, handlers) {
    this.wsBase = wsBase;
    this.finalCodes = new Set(finalCodes);
    this.handlers = handlers;
    this.ws = null;
    this.sessionId = null;
    this.attempt = 0;
    this.retryTimer = null;
    this.closedOnPurpose = false;
  }

  connect(sessionId) {
    this.close();
    this.closedOnPurpose = false;
    this.sessionId = sessionId;
    this.open();
  }

  open() {
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    const url = `${scheme}//${window.location.host}${this.wsBase}${encodeURIComponent(this.sessionId)}?client=${clientId()}`;
    this.emit("onStatus", this.attempt === 0 ? "connecting" : "reconnecting");
    const ws = new WebSocket(url);
    ws.binaryType = "arraybuffer";
    this.ws = ws;
    ws.onopen = () => {
      this.attempt = 0;
      this.emit("onOpen");
    };
    ws.onmessage = (event) => this.receive(event.data);
    ws.onclose = (event) => {
      if (this.ws !== ws) return; // a socket we already replaced
      this.ws = null;
      if (this.closedOnPurpose) return;
      if (this.finalCodes.has(event.code)) {
        this.emit("onLost", event.code);
        return;
      }
      this.scheduleRetry();
    };
    // An error is always followed by a close event, which does the retrying.
    ws.onerror = () => {};
  }

  scheduleRetry() {
    this.emit("onStatus", "reconnecting");
    const delay = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)];
    this.attempt += 1;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.open(), delay);
  }

  receive(data) {
    if (typeof data === "string") {
      this.emit("onMessage", JSON.parse(data));
      return;
    }
    const kind = new Uint8Array(data, 0, 1)[0];
    if (kind === FRAME) this.emit("onFrame", parseFrame(data));
    else if (kind === NODE_GRID) this.emit("onNodeGrid", parseNodeGrid(data));
    else if (kind === COMPARISON) this.emit("onMessage", parseComparison(data)); // the view hands it to its followers
  }

  /** Send a command; false when there is no open connection (it is dropped:
   * commands are not queued, the page state comes back with the next `state`). */
  send(message) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(message));
    return true;
  }

  get isOpen() {
    return Boolean(this.ws && this.ws.readyState === WebSocket.OPEN);
  }

  close() {
    this.closedOnPurpose = true;
    clearTimeout(this.retryTimer);
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      ws.close();
    }
  }

  emit(name, ...args) {
    const handler = this.handlers[name];
    if (handler) handler(...args);
  }
}
