"""Core speed: one epoch (both losses included) and one frame, against the
original's own figures (spec section 8) and a plain per-batch NumPy loop run
in the same process, so the ratios hold on a noisy machine.

    .venv/bin/python benchmarks/bench_core.py [--quick]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np

from core.activations import ACTIVATIONS
from core.config import PlaygroundConfig
from core.session import Session

SCENARIOS = {
    "2-4-2-1 tanh, spiral": ("dataset=spiral&seed=0.12345", 0.41, 5.0),
    "7 features, 6x8 tanh, spiral": (
        "dataset=spiral&seed=0.12345&networkShape=8,8,8,8,8,8&xSquared=true&ySquared=true&xTimesY=true"
        "&sinX=true&sinY=true",
        4.65,
        55.0,
    ),
}


def timed(fn: Callable[[], object], repeats: int, blocks: int = 7) -> float:
    """Median over blocks of the mean time per call, in milliseconds."""
    fn()
    results = []
    for _ in range(blocks):
        start = time.perf_counter()
        for _ in range(repeats):
            fn()
        results.append((time.perf_counter() - start) / repeats * 1e3)
    return statistics.median(results)


class NumpyBaseline:
    """The obvious NumPy implementation: vectorised over each mini-batch,
    remainder carried, both losses with matrix products."""

    def __init__(self, session: Session) -> None:
        net = session.network
        self.W = [w.copy() for w in net.weights]
        self.b = [b.copy() for b in net.biases]
        self.f = ACTIVATIONS[net.activation]
        self.out = ACTIVATIONS[net.output_activation]
        self.X, self.Y = session._X_train, session._Y_train
        self.Xt, self.Yt = session._X_test, session._Y_test
        self.batch = session.config.batchSize
        self.lr = session.config.learningRate
        self.carry: list[tuple[np.ndarray, np.ndarray]] = []

    def forward(self, X: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        zs, acts = [], [X]
        for k, (W, b) in enumerate(zip(self.W, self.b, strict=True)):
            z = acts[-1] @ W + b
            zs.append(z)
            acts.append((self.out if k == len(self.W) - 1 else self.f).f(z))
        return zs, acts

    def loss(self, X: np.ndarray, Y: np.ndarray) -> float:
        return float(np.mean(0.5 * (self.forward(X)[1][-1] - Y) ** 2))

    def epoch(self) -> tuple[float, float]:
        n = self.X.shape[0]
        for start in range(0, n, self.batch):
            X, Y = self.X[start : start + self.batch], self.Y[start : start + self.batch]
            zs, acts = self.forward(X)
            delta = (acts[-1] - Y) * self.out.der(zs[-1])
            grads = []
            for k in range(len(self.W) - 1, -1, -1):
                grads.append((acts[k].T @ delta, delta.sum(axis=0)))
                if k:
                    delta = (delta @ self.W[k].T) * self.f.der(zs[k - 1])
            grads.reverse()
            count = X.shape[0]
            if count < self.batch:  # the remainder waits for the next epoch's first batch
                self.carry = grads
                continue
            for k, (gw, gb) in enumerate(grads):
                if self.carry:
                    gw, gb = gw + self.carry[k][0], gb + self.carry[k][1]
                self.W[k] -= self.lr / count * gw
                self.b[k] -= self.lr * gb / count
            self.carry = []
        return self.loss(self.X, self.Y), self.loss(self.Xt, self.Yt)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args()
    scale = 0.2 if args.quick else 1.0
    print("Core speed (median of 7 blocks; original = TF Playground's nn.ts under node 20, spec section 8)\n")
    header = (
        f"{'network':32} {'measure':22} {'here ms':>9} {'original':>9} {'x faster':>9} {'numpy ms':>9} {'x numpy':>8}"
    )
    print(header)
    print("-" * len(header))
    for name, (hash_, original_epoch, original_frame) in SCENARIOS.items():
        for batch in (10, 1):
            session = Session(PlaygroundConfig.from_hash(f"{hash_}&batchSize={batch}"))
            baseline = NumpyBaseline(session)
            reps = max(3, int((300 if batch == 10 else 100) * scale))
            here = timed(lambda s=session: s.step(1), reps)
            base = timed(baseline.epoch, max(3, reps // 5))
            print(
                f"{name:32} {f'epoch, batch {batch}':22} {here:9.3f} {original_epoch:9.2f} "
                f"{original_epoch / here:9.1f} {base:9.3f} {base / here:8.1f}"
            )
        session = Session(PlaygroundConfig.from_hash(hash_))
        here = timed(session.frame, max(3, int(100 * scale)))
        print(f"{name:32} {'frame (all grids)':22} {here:9.3f} {original_frame:9.2f} {original_frame / here:9.1f}")
    print(
        "\nThe original's 0.41 / 4.65 ms are for batch 10; batch 1 is compared with the same figure."
        "\n'x numpy': the same epoch as a plain NumPy loop over mini-batches (what the compiled kernel replaces)."
    )


if __name__ == "__main__":
    main()
