"""docs/notebook.ipynb runs: its code cells, in order, in a fresh interpreter, against a real server
(no Jupyter needed: the notebook is JSON)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.live_server import LiveServer

NOTEBOOK = Path(__file__).resolve().parents[2] / "docs" / "notebook.ipynb"

# Each cell runs as a notebook would: in one namespace, the last expression evaluated.
RUNNER = """
import ast, json, sys
cells = [c for c in json.load(open(sys.argv[1]))["cells"] if c["cell_type"] == "code"]
namespace = {"__name__": "__main__"}
for number, cell in enumerate(cells, 1):
    source = "".join(cell["source"])
    tree = ast.parse(source, f"cell {number}")
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, f"cell {number}", "exec"), namespace)
    if last is not None:
        value = eval(compile(ast.Expression(last.value), f"cell {number}", "eval"), namespace)
        print(f"[{number}]", repr(value)[:200])
print("ran", len(cells), "cells")
"""


def test_notebook_runs_against_a_live_server(live_server: LiveServer, tmp_path: Path) -> None:
    env = {**os.environ, "PLAYGROUND_URL": live_server.url, "MPLBACKEND": "Agg", "MPLCONFIGDIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", RUNNER, str(NOTEBOOK)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    code_cells = [c for c in json.loads(NOTEBOOK.read_text())["cells"] if c["cell_type"] == "code"]
    assert f"ran {len(code_cells)} cells" in done.stdout
    assert "gradient -0.0265023, new weight 2.0026502" in done.stdout
    assert "line 3: label 0.5 is not a class" in done.stdout
    assert all(cell["outputs"] == [] and cell["execution_count"] is None for cell in code_cells)
