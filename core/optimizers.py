"""The update rules a network can train with, keyed by the names the URL,
the API and the page use.  ``sgd`` is the original's.

With g the mini-batch mean gradient (formed exactly as the original forms
it, carried remainder included) and α the learning rate:

- sgd:      w ← w − α·g
- momentum: v ← μ·v − α·g,  w ← w + v
- rmsprop:  s ← ρ·s + (1 − ρ)·g²,  w ← w − α·g / (√s + ε)
- adam:     m ← β₁·m + (1 − β₁)·g,  v ← β₂·v + (1 − β₂)·g²,
            m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ),  w ← w − α·m̂ / (√v̂ + ε)
            (Kingma & Ba 2015, Algorithm 1; t counts updates from 1)

The regularisation step follows the optimizer's step, unchanged from the
original (with its L1 dead-link rule).  ``slots`` names the per-parameter
state each rule keeps; the network owns those buffers.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Optimizer", "OPTIMIZERS", "RHO", "BETA1", "BETA2", "EPSILON"]

RHO = 0.9  # rmsprop's decay
BETA1 = 0.9  # adam's first-moment decay
BETA2 = 0.999  # adam's second-moment decay
EPSILON = 1e-8


@dataclass(frozen=True)
class Optimizer:
    name: str
    code: int  # the kernel's switch value
    slots: tuple[str, ...]  # per-parameter state, stored in the network's slot buffers 0 and 1
    formula: str


OPTIMIZERS: dict[str, Optimizer] = {
    o.name: o
    for o in (
        Optimizer("sgd", 0, (), "w ← w − α·g"),
        Optimizer("momentum", 1, ("velocity",), "v ← μ·v − α·g; w ← w + v"),
        Optimizer("rmsprop", 2, ("s",), "s ← ρ·s + (1 − ρ)·g²; w ← w − α·g / (√s + ε)"),
        Optimizer("adam", 3, ("m", "v"), "m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²; w ← w − α·m̂ / (√v̂ + ε)"),
    )
}
