"""core.jitcache: a change in any source of the kernel empties its numba cache."""

from __future__ import annotations

import importlib.util
import pickle
import sys
from pathlib import Path

from core import jitcache


def _load(path: Path, name: str):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _entries(index: Path) -> int:
    """Compiled entries in a numba cache index (its pickled overload table)."""
    with index.open("rb") as f:
        pickle.load(f)  # numba's version
        _, overloads = pickle.loads(f.read())  # (the source file's stamp, the compiled entries)
    return len(overloads)


def test_jitcache_refresh_flushes_the_cache_when_a_source_changes(tmp_path: Path) -> None:
    source = tmp_path / "jit_probe.py"
    source.write_text("from numba import njit\n\n@njit(cache=True)\ndef twice(x):\n    return 2 * x\n")
    helper = tmp_path / "jit_helper.py"
    helper.write_text("FACTOR = 2\n")
    probe, extra = _load(source, "jit_probe"), _load(helper, "jit_helper")
    try:
        jitcache.refresh([probe, extra])
        assert probe.twice(3) == 6
        index = next((tmp_path / "__pycache__").glob("jit_probe.twice-*.nbi"))
        assert _entries(index) == 1
        jitcache.refresh([probe, extra])  # nothing changed: the entry stays
        assert _entries(index) == 1
        helper.write_text("FACTOR = 3\n")  # a source the function does not live in
        jitcache.refresh([probe, extra])
        assert _entries(index) == 0
        assert (tmp_path / "__pycache__" / jitcache.STAMP).read_text()
    finally:
        sys.modules.pop("jit_probe", None)
        sys.modules.pop("jit_helper", None)
