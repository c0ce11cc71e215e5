"""An independent, deliberately naive model of spec section 4, for tests.

Written from the spec's words, one object per node and per link, in plain
Python floats, sharing no code with core.kernel.  The compiled kernel must
agree with it on every rule: activations, the dead-link rule, the batch
remainder carried across epochs, L1/L2, initZero, any depth.
"""

from __future__ import annotations

import math


def _exp(x: float) -> float:
    """JavaScript's Math.exp: overflow gives Infinity, not an exception."""
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def act(name: str, z: float) -> float:
    if name == "tanh":
        return math.tanh(z)
    if name == "relu":
        return max(0.0, z)
    if name == "sigmoid":
        return 1 / (1 + _exp(-z))
    return z


def act_der(name: str, z: float) -> float:
    if name == "tanh":
        t = math.tanh(z)
        return 1 - t * t
    if name == "relu":
        return 0.0 if z <= 0 else 1.0
    if name == "sigmoid":
        s = 1 / (1 + _exp(-z))
        return s * (1 - s)
    return 1.0


class Link:
    def __init__(self, source: Node, dest: Node, weight: float) -> None:
        self.source, self.dest, self.weight = source, dest, weight
        self.dead = False
        self.acc = 0.0
        self.n = 0


class Node:
    def __init__(self, activation: str, bias: float) -> None:
        self.activation = activation
        self.bias = bias
        self.inputs: list[Link] = []
        self.outputs: list[Link] = []
        self.total = 0.0
        self.out = 0.0
        self.out_der = 0.0
        self.in_der = 0.0
        self.acc = 0.0
        self.n = 0


class ReferenceNet:
    def __init__(self, weights: list[list[list[float]]], biases: list[list[float]], hidden: str, output: str) -> None:
        n_inputs = len(weights[0])
        self.layers: list[list[Node]] = [[Node("linear", 0.0) for _ in range(n_inputs)]]
        for k, (w, b) in enumerate(zip(weights, biases, strict=True)):
            name = output if k == len(weights) - 1 else hidden
            layer = [Node(name, b[j]) for j in range(len(b))]
            for j, node in enumerate(layer):
                for i, src in enumerate(self.layers[-1]):
                    link = Link(src, node, w[i][j])
                    src.outputs.append(link)
                    node.inputs.append(link)
            self.layers.append(layer)

    def forward(self, inputs: list[float]) -> float:
        for node, value in zip(self.layers[0], inputs, strict=True):
            node.out = value
        for layer in self.layers[1:]:
            for node in layer:
                node.total = node.bias
                for link in node.inputs:
                    node.total += link.weight * link.source.out
                node.out = act(node.activation, node.total)
        return self.layers[-1][0].out

    def backward(self, target: float) -> None:
        self.layers[-1][0].out_der = self.layers[-1][0].out - target
        for k in range(len(self.layers) - 1, 0, -1):
            for node in self.layers[k]:
                node.in_der = node.out_der * act_der(node.activation, node.total)
                node.acc += node.in_der
                node.n += 1
                for link in node.inputs:
                    if not link.dead:
                        link.acc += node.in_der * link.source.out
                        link.n += 1
            if k > 1:
                for node in self.layers[k - 1]:
                    node.out_der = sum(link.weight * link.dest.in_der for link in node.outputs)

    def update(self, lr: float, regularization: str, rate: float) -> None:
        for layer in self.layers[1:]:
            for node in layer:
                if node.n > 0:
                    node.bias -= lr * node.acc / node.n
                    node.acc, node.n = 0.0, 0
                for link in node.inputs:
                    if link.dead:
                        continue
                    w = link.weight
                    reg = (
                        w
                        if regularization == "L2"
                        else (0.0 if w == 0 else math.copysign(1.0, w))
                        if regularization == "L1"
                        else 0.0
                    )
                    if link.n > 0:
                        w1 = w - (lr / link.n) * link.acc
                        w2 = w1 - (lr * rate) * reg
                        if regularization == "L1" and w1 * w2 < 0:
                            link.weight, link.dead = 0.0, True
                        else:
                            link.weight = w2
                        link.acc, link.n = 0.0, 0

    def epoch(self, rows: list[list[float]], labels: list[float], batch: int, lr: float, reg: str, rate: float) -> None:
        for i, (inputs, label) in enumerate(zip(rows, labels, strict=True)):
            self.forward(inputs)
            self.backward(label)
            if (i + 1) % batch == 0:
                self.update(lr, reg, rate)

    def loss(self, rows: list[list[float]], labels: list[float]) -> float:
        total = 0.0
        for inputs, label in zip(rows, labels, strict=True):
            d = self.forward(inputs) - label
            total += 0.5 * d * d  # d ** 2 would raise on overflow; JavaScript gives Infinity
        return total / len(rows)

    def weights(self) -> list[list[list[float]]]:
        return [[[link.weight for link in src.outputs] for src in self.layers[k]] for k in range(len(self.layers) - 1)]

    def biases(self) -> list[list[float]]:
        return [[node.bias for node in layer] for layer in self.layers[1:]]

    def dead(self) -> list[list[list[bool]]]:
        return [[[link.dead for link in src.outputs] for src in self.layers[k]] for k in range(len(self.layers) - 1)]
