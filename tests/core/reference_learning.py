"""An independent NumPy model of training with optimizers, cross-entropy
and several classes, for tests.

Written from the formulas of issue 9 and the original's update rule, one
point at a time as the original trains; it shares no code with core.kernel
or core.network.  Each node's sum runs "bias, then the sources in order"
(the original's order), so the numbers agree with the kernel to the last
bits on the same inputs; tests still compare with a tolerance.
"""

from __future__ import annotations

import math

import numpy as np


def _f(name: str, z: np.ndarray) -> np.ndarray:
    if name == "tanh":
        return np.array([math.tanh(v) for v in z])
    if name == "sigmoid":
        return np.array([1 / (1 + math.exp(-v)) if v > -700 else 0.0 for v in z])
    if name == "relu":
        return np.maximum(z, 0.0)
    if name == "softmax":
        e = np.array([math.exp(v - max(z)) for v in z])
        return e / sum(e)
    return z.copy()


def _slope(name: str, z: np.ndarray, a: np.ndarray) -> np.ndarray:
    if name == "tanh":
        return 1 - a * a
    if name == "sigmoid":
        return a * (1 - a)
    if name == "relu":
        return (z > 0).astype(float)
    return np.ones_like(z)


def point_loss(loss: str, z: np.ndarray, o: np.ndarray, t: np.ndarray) -> float:
    """One point's error: ½Σ(o − t)², Σ(t − o)², or cross-entropy from the logits."""
    if loss == "half-square":
        return float(sum(0.5 * (o - t) ** 2))
    if loss == "square":
        return float(sum((t - o) ** 2))
    if z.shape[0] == 1:  # −t log σ(z) − (1 − t) log(1 − σ(z)) = log(1 + e^z) − t·z
        return float(np.logaddexp(0.0, z[0]) - t[0] * z[0])
    return float(-sum(t * (z - np.logaddexp.reduce(z))))  # −Σ t log softmax(z)


class Reference:
    """A network trained point by point; every buffer is a plain per-layer list."""

    def __init__(self, weights, biases, hidden, output, loss, optimizer, lr, momentum=0.9, reg="none", rate=0.0):
        self.W = [np.array(w, dtype=float) for w in weights]  # (n_in, n_out) each
        self.b = [np.array(b, dtype=float) for b in biases]
        self.dead = [np.zeros(w.shape, dtype=bool) for w in self.W]
        self.gW = [np.zeros(w.shape) for w in self.W]
        self.gb = [np.zeros(b.shape) for b in self.b]
        self.n = 0  # gradients accumulated
        self.t = 0  # updates made
        self.state = {
            name: ([np.zeros(w.shape) for w in self.W], [np.zeros(b.shape) for b in self.b])
            for name in ("first", "second")
        }
        self.hidden, self.output, self.loss, self.optimizer = hidden, output, loss, optimizer
        self.lr, self.mu, self.reg, self.rate = lr, momentum, reg, rate

    def forward(self, x: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        zs, acts = [], [np.array(x, dtype=float)]
        for k, (W, b) in enumerate(zip(self.W, self.b, strict=True)):
            z = b.copy()
            for i in range(W.shape[0]):  # bias first, then the sources in order
                z = z + W[i] * acts[-1][i]
            zs.append(z)
            acts.append(_f(self.output if k == len(self.W) - 1 else self.hidden, z))
        return zs, acts

    def backward(self, x: np.ndarray, t: np.ndarray) -> None:
        zs, acts = self.forward(x)
        o = acts[-1]
        if self.loss == "cross-entropy":
            delta = o - t
        else:
            dE_do = (o - t) if self.loss == "half-square" else 2.0 * (o - t)
            delta = dE_do * _slope(self.output, zs[-1], o)
        for k in range(len(self.W) - 1, -1, -1):
            self.gb[k] += delta
            self.gW[k] += np.where(self.dead[k], 0.0, np.outer(acts[k], delta))
            if k:
                back = np.array(
                    [sum(self.W[k][i, j] * delta[j] for j in range(delta.shape[0])) for i in range(self.W[k].shape[0])]
                )
                delta = back * _slope(self.hidden, zs[k - 1], acts[k])
        self.n += 1

    def _optimizer_step(self, value, acc, first, second, is_bias):
        """New values before regularisation (issue 9's formulas; α·g formed as the original forms it)."""
        n, lr = self.n, self.lr
        plain = lr * acc / n if is_bias else (lr / n) * acc
        if self.optimizer == "sgd":
            return value - plain
        if self.optimizer == "momentum":
            first[...] = self.mu * first - plain
            return value + first
        g = acc / n
        if self.optimizer == "rmsprop":
            first[...] = 0.9 * first + (1 - 0.9) * (g * g)
            return value - lr * g / (np.sqrt(first) + 1e-8)
        t = self.t + 1
        first[...] = 0.9 * first + (1 - 0.9) * g
        second[...] = 0.999 * second + (1 - 0.999) * (g * g)
        m_hat, v_hat = first / (1 - 0.9**t), second / (1 - 0.999**t)
        return value - lr * m_hat / (np.sqrt(v_hat) + 1e-8)

    def update(self) -> None:
        first_w, first_b = self.state["first"]
        second_w, second_b = self.state["second"]
        for k in range(len(self.W)):
            self.b[k] = self._optimizer_step(self.b[k], self.gb[k], first_b[k], second_b[k], True)
            live = ~self.dead[k]
            old = self.W[k].copy()
            first, second = first_w[k].copy(), second_w[k].copy()
            w1 = self._optimizer_step(old, self.gW[k], first, second, False)
            first_w[k][live], second_w[k][live] = first[live], second[live]  # a dead link's state stays
            reg_der = {"none": np.zeros_like(old), "L2": old, "L1": np.sign(old)}[self.reg]
            w2 = w1 - (self.lr * self.rate) * reg_der
            dies = live & (w1 * w2 < 0) if self.reg == "L1" else np.zeros_like(live)
            new = np.where(dies, 0.0, w2)
            self.W[k] = np.where(live, new, old)  # a dead link keeps its weight
            self.dead[k] = self.dead[k] | dies
            self.gW[k][:] = 0.0
            self.gb[k][:] = 0.0
        self.n = 0
        self.t += 1

    def epoch(self, X: np.ndarray, Y: np.ndarray, batch: int) -> None:
        for s in range(X.shape[0]):
            self.backward(X[s], Y[s])
            if (s + 1) % batch == 0:
                self.update()

    def mean_loss(self, X: np.ndarray, Y: np.ndarray) -> float:
        total = 0.0
        for s in range(X.shape[0]):
            zs, acts = self.forward(X[s])
            total += point_loss(self.loss, zs[-1], acts[-1], Y[s])
        return total / X.shape[0]
