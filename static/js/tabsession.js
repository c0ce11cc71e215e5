// Creating sessions over REST and remembering ours. The tab's current
// session lives in sessionStorage (a reload comes back to it); every token
// is also kept in localStorage by session id (mysessions.js), so the
// teacher's browser controls its sessions again when it reopens them. A
// token is never put in a URL.

import { refusal } from "./files.js";
import { remember } from "./mysessions.js";

const STORAGE_KEY = "playground.session";

export function loadStored() {
  try {
    const stored = JSON.parse(window.sessionStorage.getItem(STORAGE_KEY) || "null");
    return stored && stored.id && stored.control_token ? stored : null;
  } catch {
    return null;
  }
}

export function store(session) {
  window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify({ id: session.id, control_token: session.control_token }));
  remember(session);
}

export function forget() {
  window.sessionStorage.removeItem(STORAGE_KEY);
}

export class RequestError extends Error {
  constructor(status, detail, retryAfter = 0) {
    super(`HTTP ${status}: ${detail}`);
    this.status = status;
    this.detail = detail;
    this.retryAfter = retryAfter; // seconds (a 429's Retry-After)
  }
}

/** POST /api/sessions. body: {hash?, network?, epoch?}. Resolves to
 * {id, control_token, state}; a 4xx rejects with RequestError (the hash or
 * network was refused), a network failure with TypeError. */
export async function createSession(api, body) {
  const response = await fetch(`${api}/sessions`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) {
    const retryAfter = Number(response.headers.get("Retry-After")) || 0;
    throw new RequestError(response.status, await refusal(response), retryAfter);
  }
  return response.json();
}

const RETRY_MS = [250, 500, 1000, 2000];

/** createSession until it works: while the server cannot be reached, wait
 * (onWaiting()) and retry; at a limit (429) say so and retry the same body
 * after its Retry-After; when it refuses the body (other 4xx), say why
 * (onRefused(detail)) and retry without the restored network, then without
 * the hash. Resolves to the session. */
export async function createPersistently(api, body, { onRefused, onWaiting }) {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await createSession(api, body);
    } catch (error) {
      if (error instanceof RequestError && error.status === 429) {
        onRefused(error.detail);
        await new Promise((resolve) => setTimeout(resolve, 1000 * Math.max(1, error.retryAfter)));
        continue;
      }
      if (error instanceof RequestError && error.status < 500) {
        onRefused(error.detail);
        if (body.network !== undefined) body = { hash: body.hash };
        else if (body.hash !== undefined) body = {};
        else throw error;
        continue;
      }
      onWaiting();
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)]));
    }
  }
}

/** The body that recreates a session the server lost: its hash and the last
 * network drawn (the newest frame's numbers if there is one, else the
 * state's), at the same epoch. */
export function recreationBody(state, lastFrame, addressHash) {
  const body = { hash: state ? state.config.hash : addressHash };
  if (lastFrame && state && state.shape) {
    body.network = nestNetwork(state.shape, lastFrame.weights, lastFrame.biases, lastFrame.dead);
    body.epoch = lastFrame.epoch;
  } else if (state) {
    body.network = { weights: state.weights, biases: state.biases, dead: state.dead };
    body.epoch = state.epoch;
  }
  return body;
}

/** Nested [layer][i][j] arrays from a frame's flat, row-major arrays and the
 * units per layer (shape). */
export function nestNetwork(shape, weights, biases, dead) {
  const nested = { weights: [], biases: [], dead: [] };
  let w = 0;
  let b = 0;
  for (let l = 0; l + 1 < shape.length; l += 1) {
    const nIn = shape[l];
    const nOut = shape[l + 1];
    const layerW = [];
    const layerD = [];
    for (let i = 0; i < nIn; i += 1) {
      layerW.push(Array.from(weights.subarray(w, w + nOut)));
      layerD.push(Array.from(dead.subarray(w, w + nOut), Boolean));
      w += nOut;
    }
    nested.weights.push(layerW);
    nested.dead.push(layerD);
    nested.biases.push(Array.from(biases.subarray(b, b + nOut)));
    b += nOut;
  }
  return nested;
}
