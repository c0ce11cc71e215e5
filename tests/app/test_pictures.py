"""Pictures for slides: the SVG and PNG figures, and the heatmap's label scale."""

from __future__ import annotations

import base64
import io
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from core.config import PlaygroundConfig
from core.session import Session
from tests.app.conftest import create

SVG = "{http://www.w3.org/2000/svg}"


def _trained(client: TestClient) -> tuple[str, dict]:
    session_id, auth, _ = create(client, hash="seed=0.42&dataset=xor&networkShape=4,4")
    client.post(f"/api/sessions/{session_id}/step", json={"epochs": 30}, headers=auth)
    return session_id, client.get(f"/api/sessions/{session_id}", params={"include": "data"}).json()


def test_boundary_svg_has_axes_points_legend_and_caption(client: TestClient) -> None:
    session_id, state = _trained(client)
    response = client.get(f"/api/sessions/{session_id}/boundary", params={"format": "svg", "points": "both"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("image/svg+xml")
    root = ET.fromstring(response.text)
    assert root.tag == f"{SVG}svg" and root.get("width") == str(46 + 400 + 18)
    circles = root.findall(f".//{SVG}g[@class='points']/{SVG}circle")
    assert len(circles) == len(state["train"]) + len(state["test"])
    x, y, label = state["train"][0]
    first = circles[0]  # plane (x, y) -> pixels: 400 px span 12 units, origin at the plot's centre
    assert float(first.get("cx")) == pytest.approx(46 + (x + 6) / 12 * 400, abs=0.01)
    assert float(first.get("cy")) == pytest.approx(30 + (6 - y) / 12 * 400, abs=0.01)
    assert first.get("fill") == ("#0877bd" if label > 0 else "#f59322") and first.get("stroke") == "#fff"
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert {"−6", "−4", "−2", "0", "2", "4", "6", "X₁", "X₂", "training data", "test data"} <= set(texts)
    assert any(t.startswith(f"Epoch 30   Training loss {state['loss_train']:.3f}") for t in texts)
    images = [i.get("href") for i in root.iter(f"{SVG}image")]
    assert len(images) == 2 and all(h.startswith("data:image/png;base64,") for h in images)


def test_boundary_svg_in_korean_and_without_points(client: TestClient) -> None:
    session_id, _ = _trained(client)
    response = client.get(
        f"/api/sessions/{session_id}/boundary", params={"format": "svg", "lang": "ko", "points": "none"}
    )
    root = ET.fromstring(response.text)
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "에포크 30" in texts and "훈련 손실" in texts and "훈련 데이터" not in texts
    assert root.findall(f".//{SVG}circle") == []


def test_boundary_png_with_axes_frames_the_plain_heatmap(client: TestClient) -> None:
    session_id, _ = _trained(client)
    params = {"size": 200, "points": "none"}
    plain_png = client.get(f"/api/sessions/{session_id}/boundary", params=params).content
    plain = np.asarray(Image.open(io.BytesIO(plain_png)))
    response = client.get(f"/api/sessions/{session_id}/boundary", params={**params, "axes": "true"})
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    figure = np.asarray(Image.open(io.BytesIO(response.content)).convert("RGB"))
    assert figure.shape == (30 + 200 + 100, 46 + 200 + 18, 3) and plain.shape == (200, 200, 3)
    assert np.array_equal(figure[30:230, 46:246], plain)  # the plot is the plain heatmap, cell for cell
    tick_labels = figure[230 + 7 : 230 + 20, 46:246]
    assert (tick_labels.sum(axis=2) < 300).any()  # dark text under the axis
    assert (figure[:30, :].sum(axis=2) < 300).any()  # the caption


def test_boundary_picture_limits_and_korean_png(client: TestClient) -> None:
    session_id, _ = _trained(client)
    assert client.get(f"/api/sessions/{session_id}/boundary", params={"size": 1001}).status_code == 422
    ko = client.get(f"/api/sessions/{session_id}/boundary", params={"lang": "ko", "axes": "true"})
    assert ko.status_code == 422 and "svg" in ko.text
    assert client.get(f"/api/sessions/{session_id}/boundary", params={"lang": "fr", "format": "svg"}).status_code == 422
    big = client.get(f"/api/sessions/{session_id}/boundary", params={"format": "svg", "size": 1000})
    root = ET.fromstring(big.text)
    heat = next(root.iter(f"{SVG}image"))
    assert heat.get("width") == "1000"
    side = Image.open(io.BytesIO(base64.b64decode(heat.get("href").split(",")[1]))).size
    assert side == (200, 200)  # the embedded heatmap is capped, the SVG scales it


def test_boundary_values_are_on_the_label_scale(client: TestClient) -> None:
    config = {"seed": "0.42", "outputActivation": "sigmoid", "targets": "lecture", "networkShape": [3]}
    session_id, _, _ = create(client, config=config)
    data = client.get(f"/api/sessions/{session_id}/boundary", params={"format": "json", "size": 7}).json()
    direct = Session(PlaygroundConfig(**{**config, "networkShape": (3,)}))
    points = np.array([[x, y] for y in data["y"] for x in data["x"]])
    raw = direct.predict(points)  # sigmoid outputs in (0, 1); 0.01 means −1 and 0.99 means +1
    assert np.allclose(np.array(data["values"]).ravel(), (raw - 0.5) / 0.49, rtol=0, atol=1e-12)
