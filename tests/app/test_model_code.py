"""GET model.py: run in a clean interpreter that has only NumPy, it equals the server's boundary values."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from core.modelcode import SOURCES_COVER
from tests.app.conftest import create

# Run the downloaded file where the project's packages cannot be imported: only NumPy helps it.
RUNNER = """
import json, sys
for name in ("core", "app", "playground", "numba"):
    sys.modules[name] = None
namespace = {}
exec(compile(open(sys.argv[1]).read(), "model.py", "exec"), namespace)
grid = json.loads(open(sys.argv[2]).read())
import numpy as np
gx, gy = np.meshgrid(np.array(grid["x"]), np.array(grid["y"]))
out = {
    "grid": namespace["predict"](gx, gy).tolist(),
    "scalar": namespace["predict"](1.5, -2.25),
    "raw": namespace["network_output"](0.5, 0.5),
    "pair": namespace["predict"]([0.0, 3.0], 1.0).tolist(),
    "classes": namespace["classify"]([0.0, 3.0], 1.0).tolist() if "classify" in namespace else None,
}
print(json.dumps(out))
"""

SETUPS = [
    {"hash": "seed=0.42&dataset=spiral&networkShape=4,2"},
    {"config": {"seed": "0.3", "activation": "relu", "networkShape": [5, 4, 3], "xSquared": True, "ySquared": True,
                "xTimesY": True, "sinX": True, "sinY": True, "regularization": "L1", "regularizationRate": 0.01}},
    {"config": {"seed": "0.7", "networkShape": [4], "batchSize": 1, "learningRate": 0.3, "activation": "sigmoid",
                "outputActivation": "sigmoid", "loss": "square", "init": "lecture", "inputScaling": "unit",
                "targets": "lecture", "xSquared": True}},
    {"config": {"seed": "0.9", "problem": "regression", "regDataset": "reg-gauss", "activation": "linear",
                "networkShape": []}},
]  # fmt: skip


def _run(source: str, grid: dict, tmp_path: Path) -> dict:
    (tmp_path / "model.py").write_text(source)
    (tmp_path / "grid.json").write_text(json.dumps(grid))
    done = subprocess.run(
        [sys.executable, "-I", "-c", RUNNER, "model.py", "grid.json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict = json.loads(done.stdout)
    return result


@pytest.mark.parametrize("body", SETUPS, ids=["spiral-tanh", "relu-all-features-L1", "lecture", "regression-linear"])
def test_model_code_equals_the_server_boundary(client: TestClient, body: dict, tmp_path: Path) -> None:
    session_id, auth, _ = create(client, **body)
    client.post(f"/api/sessions/{session_id}/step", json={"epochs": 25}, headers=auth)
    response = client.get(f"/api/sessions/{session_id}/model.py")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/x-python")
    imports = [node for node in ast.walk(ast.parse(response.text)) if isinstance(node, ast.Import | ast.ImportFrom)]
    assert [alias.name for node in imports for alias in node.names] == ["numpy"]
    grid = client.get(f"/api/sessions/{session_id}/boundary", params={"format": "json", "size": 31}).json()
    result = _run(response.text, grid, tmp_path)
    assert np.allclose(result["grid"], grid["values"], rtol=0, atol=1e-12)
    one = client.get(f"/api/sessions/{session_id}/boundary", params={"format": "json", "size": 5}).json()
    assert one["x"][1] == -3.0 and isinstance(result["scalar"], float) and isinstance(result["raw"], float)
    if "problem" not in body.get("config", {}):
        assert result["classes"] == [1 if v >= 0 else -1 for v in result["pair"]]
    else:
        assert result["classes"] is None  # regression has no classes


def test_model_code_is_the_state_not_a_copy_of_an_old_one(client: TestClient, tmp_path: Path) -> None:
    session_id, auth, state = create(client, hash="seed=0.42")
    before = client.get(f"/api/sessions/{session_id}/model.py").text
    client.put(
        f"/api/sessions/{session_id}/weights", json={"layer": 0, "source": 0, "target": 0, "value": 2.5}, headers=auth
    )
    after = client.get(f"/api/sessions/{session_id}/model.py").text
    assert before != after and "2.5" in after and repr(state["weights"][0][1][0]) in after


def test_model_code_sources_cover_every_registered_name() -> None:
    for kind, (sources, registry) in SOURCES_COVER.items():
        assert set(sources) == set(registry), kind
