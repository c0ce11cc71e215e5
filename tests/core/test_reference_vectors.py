"""TF Playground's own vectors, reproduced at the tolerances of their README."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.rng import SeedRandom
from core.session import Session
from tests.core.conftest import REFERENCE_DIR, REFERENCE_FILES, close, load_reference, reference_config

DATA_TOL = 5e-14
LOSS_TOL = 5e-13
WEIGHT_TOL = 1e-11
GRID_TOL = 2e-12
each_vector = pytest.mark.parametrize("path", REFERENCE_FILES, ids=[p.stem for p in REFERENCE_FILES])


def test_reference_files_exist() -> None:
    """Without the vectors every check below would be skipped: fail instead."""
    assert len(REFERENCE_FILES) >= 3, f"reference vectors not found in {REFERENCE_DIR}"


@each_vector
def test_rng_raw_stream_matches(path: Path) -> None:
    ref = load_reference(path)
    stream = ref.get("rawStream")
    if stream is None:  # only some vectors carry it; then the data checks cover the stream
        return
    rng = SeedRandom(ref["config"]["seed"])
    assert [rng.random() for _ in stream] == stream


@each_vector
def test_session_data_matches(path: Path) -> None:
    ref = load_reference(path)
    session = Session(reference_config(ref["config"]))
    assert session.config.features == tuple(ref["inputs"])
    assert close(session.train, ref["train"], DATA_TOL)
    assert close(session.test, ref["test"], DATA_TOL)


@each_vector
def test_session_initial_network_is_exact(path: Path) -> None:
    ref = load_reference(path)
    session = Session(reference_config(ref["config"]))
    initial = ref["initial"]
    assert [w.tolist() for w in session.network.weights] == initial["weights"]
    assert [b.tolist() for b in session.network.biases] == initial["biases"]
    assert [d.T.tolist() for d in session.network.dead] == initial["dead"]  # reference: [n_out][n_in]


@each_vector
def test_session_training_matches(path: Path) -> None:
    ref = load_reference(path)
    session = Session(reference_config(ref["config"]))
    losses = [[session.loss_train, session.loss_test]]
    for epoch in range(1, ref["config"]["epochs"] + 1):
        session.step(1)
        losses.append([session.loss_train, session.loss_test])
        snapshot = ref["snapshots"].get(str(epoch))
        if snapshot is None:
            continue
        for layer, (w, b, d) in enumerate(
            zip(session.network.weights, session.network.biases, session.network.dead, strict=True)
        ):
            assert close(w, snapshot["weights"][layer], WEIGHT_TOL), f"weights, layer {layer}, epoch {epoch}"
            assert close(b, snapshot["biases"][layer], WEIGHT_TOL), f"biases, layer {layer}, epoch {epoch}"
            assert d.T.tolist() == snapshot["dead"][layer], f"dead links, layer {layer}, epoch {epoch}"
    assert close(losses, ref["loss"], LOSS_TOL)


@each_vector
def test_session_final_grid_matches(path: Path) -> None:
    ref = load_reference(path)
    session = Session(reference_config(ref["config"]))
    session.step(ref["config"]["epochs"])
    points = np.array([[-6 + 3 * i, 6 - 3 * j] for j in range(5) for i in range(5)], dtype=float)
    assert close(session.predict(points).reshape(5, 5), ref["finalGrid5x5"], GRID_TOL)
