"""The original's data sets, shuffle and train/test split (spec section 3).

Every generator draws from the stream in exactly the original's order, so a
seed gives the same points as TF Playground.  Points are ``(x, y, label)``
rows of a float64 array.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from core.errors import InvalidValue
from core.rng import SeedRandom

__all__ = [
    "CLASSIFICATION_DATASETS",
    "REGRESSION_DATASETS",
    "DATASETS",
    "NUM_SAMPLES_CLASSIFY",
    "NUM_SAMPLES_REGRESS",
    "MAX_CLASSES",
    "MULTICLASS_DATASETS",
    "generate",
    "shuffle",
    "split",
]

NUM_SAMPLES_CLASSIFY = 500
NUM_SAMPLES_REGRESS = 1200
MAX_CLASSES = 6

Point = tuple[float, float, float]
Generator = Callable[[SeedRandom, int, float], list[Point]]


def _linear(v: float, d0: float, d1: float, r0: float, r1: float, clamp: bool = False) -> float:
    """A d3 v3 linear scale, with its exact float steps."""
    t = (v - d0) / (d1 - d0)
    if clamp:
        t = max(0.0, min(1.0, t))
    return r0 * (1 - t) + r1 * t


def _dist(x: float, y: float, cx: float, cy: float) -> float:
    dx = x - cx
    dy = y - cy
    return math.sqrt(dx * dx + dy * dy)


def _normal(rng: SeedRandom, mean: float, variance: float) -> float:
    """Marsaglia's polar method, as the original's ``normalRandom``."""
    while True:
        v1 = 2 * rng.random() - 1
        v2 = 2 * rng.random() - 1
        s = v1 * v1 + v2 * v2
        if not s > 1:
            break
    result = math.sqrt(-2 * math.log(s) / s) * v1
    return mean + math.sqrt(variance) * result


def circle(rng: SeedRandom, n: int, noise: float) -> list[Point]:
    radius = 5.0
    points: list[Point] = []

    def ring(r_min: float, r_max: float) -> None:
        for _ in range(math.ceil(n / 2)):
            r = rng.uniform(r_min, r_max)
            angle = rng.uniform(0, 2 * math.pi)
            x = r * math.sin(angle)
            y = r * math.cos(angle)
            nx = rng.uniform(-radius, radius) * noise
            ny = rng.uniform(-radius, radius) * noise
            label = 1.0 if _dist(x + nx, y + ny, 0, 0) < radius * 0.5 else -1.0
            points.append((x, y, label))

    ring(0, radius * 0.5)  # positives inside the circle
    ring(radius * 0.7, radius)  # negatives outside
    return points


def xor(rng: SeedRandom, n: int, noise: float) -> list[Point]:
    padding = 0.3
    points: list[Point] = []
    for _ in range(n):
        x = rng.uniform(-5, 5)
        x += padding if x > 0 else -padding
        y = rng.uniform(-5, 5)
        y += padding if y > 0 else -padding
        nx = rng.uniform(-5, 5) * noise
        ny = rng.uniform(-5, 5) * noise
        label = 1.0 if (x + nx) * (y + ny) >= 0 else -1.0
        points.append((x, y, label))
    return points


def gauss(rng: SeedRandom, n: int, noise: float) -> list[Point]:
    variance = _linear(noise, 0, 0.5, 0.5, 4)
    points: list[Point] = []
    for cx, cy, label in ((2.0, 2.0, 1.0), (-2.0, -2.0, -1.0)):
        for _ in range(math.ceil(n / 2)):
            x = _normal(rng, cx, variance)
            y = _normal(rng, cy, variance)
            points.append((x, y, label))
    return points


def spiral(rng: SeedRandom, n: int, noise: float) -> list[Point]:
    half = n / 2
    points: list[Point] = []
    for delta, label in ((0.0, 1.0), (math.pi, -1.0)):
        for i in range(math.ceil(half)):
            r = i / half * 5
            t = 1.75 * i / half * 2 * math.pi + delta
            x = r * math.sin(t) + rng.uniform(-1, 1) * noise
            y = r * math.cos(t) + rng.uniform(-1, 1) * noise
            points.append((x, y, label))
    return points


def _regression(label_of: Callable[[float, float], float]) -> Generator:
    def generate_points(rng: SeedRandom, n: int, noise: float) -> list[Point]:
        radius = 6.0
        points: list[Point] = []
        for _ in range(n):
            x = rng.uniform(-radius, radius)
            y = rng.uniform(-radius, radius)
            nx = rng.uniform(-radius, radius) * noise
            ny = rng.uniform(-radius, radius) * noise
            points.append((x, y, label_of(x + nx, y + ny)))
        return points

    return generate_points


def _plane_label(x: float, y: float) -> float:
    return _linear(x + y, -10, 10, -1, 1)


_GAUSSIANS = (
    (-4.0, 2.5, 1.0),
    (0.0, 2.5, -1.0),
    (4.0, 2.5, 1.0),
    (-4.0, -2.5, -1.0),
    (0.0, -2.5, 1.0),
    (4.0, -2.5, -1.0),
)


def _gauss_label(x: float, y: float) -> float:
    label = 0.0
    for cx, cy, sign in _GAUSSIANS:
        candidate = sign * _linear(_dist(x, y, cx, cy), 0, 2, 1, 0, clamp=True)
        if abs(candidate) > abs(label):  # a later centre wins only when strictly larger
            label = candidate
    return label


# -- more than two classes (labels 0 .. classes - 1) -------------------------------
# Two classes are always the original's generators above, labels ±1.


def spiral_arms(rng: SeedRandom, n: int, noise: float, classes: int) -> list[Point]:
    """``classes`` arms, evenly turned, as the original's two-arm spiral."""
    per_arm = math.ceil(n / classes)
    points: list[Point] = []
    for label in range(classes):
        delta = 2 * math.pi * label / classes
        for i in range(per_arm):
            r = i / per_arm * 5
            t = 1.75 * i / per_arm * 2 * math.pi + delta
            x = r * math.sin(t) + rng.uniform(-1, 1) * noise
            y = r * math.cos(t) + rng.uniform(-1, 1) * noise
            points.append((x, y, float(label)))
    return points


def gauss_blobs(rng: SeedRandom, n: int, noise: float, classes: int) -> list[Point]:
    """``classes`` Gaussian blobs on a circle of radius 3.5 (the original's two
    sit at radius 2.8; more blobs need the room), the original's variance."""
    variance = _linear(noise, 0, 0.5, 0.5, 4)
    points: list[Point] = []
    for label in range(classes):
        angle = math.pi / 4 + 2 * math.pi * label / classes
        cx, cy = 3.5 * math.cos(angle), 3.5 * math.sin(angle)
        for _ in range(math.ceil(n / classes)):
            points.append((_normal(rng, cx, variance), _normal(rng, cy, variance), float(label)))
    return points


def circle_rings(rng: SeedRandom, n: int, noise: float, classes: int) -> list[Point]:
    """Concentric rings, class 0 innermost; each ring fills 70 % of its band,
    as the original's two (0–2.5 inside, 3.5–5 outside) leave a gap; noise
    shifts the point that decides the label, as in the original."""
    radius = 5.0
    band = radius / classes
    points: list[Point] = []
    for ring in range(classes):
        r_min = ring * band + (0.3 * band if ring else 0.0)
        for _ in range(math.ceil(n / classes)):
            r = rng.uniform(r_min, (ring + 1) * band)
            angle = rng.uniform(0, 2 * math.pi)
            x = r * math.sin(angle)
            y = r * math.cos(angle)
            nx = rng.uniform(-radius, radius) * noise
            ny = rng.uniform(-radius, radius) * noise
            label = min(classes - 1, math.floor(_dist(x + nx, y + ny, 0, 0) / band))
            points.append((x, y, float(label)))
    return points


MultiGenerator = Callable[[SeedRandom, int, float, int], list[Point]]
# xor has two classes by its nature: it has no entry and refuses more.
MULTICLASS_DATASETS: dict[str, MultiGenerator] = {
    "circle": circle_rings,
    "gauss": gauss_blobs,
    "spiral": spiral_arms,
}


reg_plane = _regression(_plane_label)
reg_gauss = _regression(_gauss_label)

# Keyed by the names the original's URL and UI use; dict order is the order
# in which the original draws its data-set thumbnails.
CLASSIFICATION_DATASETS: dict[str, Generator] = {
    "circle": circle,
    "xor": xor,
    "gauss": gauss,
    "spiral": spiral,
}
REGRESSION_DATASETS: dict[str, Generator] = {
    "reg-plane": reg_plane,
    "reg-gauss": reg_gauss,
}
DATASETS: dict[str, Generator] = {**CLASSIFICATION_DATASETS, **REGRESSION_DATASETS}


def shuffle(rng: SeedRandom, points: list[Point]) -> None:
    """Fisher-Yates from the end, in place, as the original's ``shuffle``."""
    counter = len(points)
    while counter > 0:
        index = math.floor(rng.random() * counter)
        counter -= 1
        points[counter], points[index] = points[index], points[counter]


def split(points: list[Point], perc_train: float) -> tuple[np.ndarray, np.ndarray]:
    """The first ``floor(N * ratio / 100)`` points train, the rest test."""
    data = np.array(points, dtype=np.float64).reshape(-1, 3)  # (n, 3): x, y, label
    cut = math.floor(len(points) * perc_train / 100)
    return data[:cut].copy(), data[cut:].copy()


def generate(
    rng: SeedRandom, name: str, noise_percent: float, perc_train: float, classes: int = 2
) -> tuple[np.ndarray, np.ndarray]:
    """Generate, shuffle and split one data set from the stream ``rng``.

    ``classes`` applies to classification data: 2 is the original (labels
    ±1); 3 to MAX_CLASSES label the points 0 .. classes − 1.
    """
    if name not in DATASETS:
        raise InvalidValue("dataset", f"unknown data set {name!r}; allowed: {', '.join(DATASETS)}")
    noise = noise_percent / 100
    if name in REGRESSION_DATASETS:
        points = DATASETS[name](rng, NUM_SAMPLES_REGRESS, noise)
    elif classes == 2:
        points = DATASETS[name](rng, NUM_SAMPLES_CLASSIFY, noise)
    elif name in MULTICLASS_DATASETS and 2 < classes <= MAX_CLASSES:
        points = MULTICLASS_DATASETS[name](rng, NUM_SAMPLES_CLASSIFY, noise, classes)
    else:
        raise InvalidValue(
            "classes", f"{name} data has 2 classes; 3 to {MAX_CLASSES} classes: {', '.join(MULTICLASS_DATASETS)}"
        )
    shuffle(rng, points)
    return split(points, perc_train)
