"""Keep numba's on-disk cache of the kernel honest.

numba checks only the source file of each cached function, but the kernel's
functions compile in code from other files (the passes, the
optimizers' constants).  After an edit to one of those, the
cache would go on serving machine code built from the old source.  So the
cache directory carries a digest of every source the kernel is built from,
and a mismatch empties the kernel's cache entries before anything compiles.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType
from typing import Any

from numba.core.registry import CPUDispatcher

__all__ = ["refresh"]

STAMP = "playground-kernel-sources.sha256"


def refresh(modules: Iterable[ModuleType]) -> None:
    """Flush the cached entries of every compiled function in ``modules`` when
    any of their source files changed since the entries were written."""
    modules = list(modules)
    digest = hashlib.sha256()
    for module in sorted(modules, key=lambda m: m.__name__):
        digest.update(Path(str(module.__file__)).read_bytes())
    expected = digest.hexdigest()
    dispatchers = [
        value
        for module in modules
        for value in vars(module).values()
        if isinstance(value, CPUDispatcher) and value.__module__ == module.__name__
    ]
    by_directory: dict[Path, list[Any]] = {}
    for dispatcher in dispatchers:
        cache = getattr(dispatcher, "_cache", None)  # numba's cache object (cache=True functions)
        path = getattr(cache, "_cache_path", None)
        if path is not None:
            by_directory.setdefault(Path(path), []).append(cache)
    for directory, members in by_directory.items():
        stamp = directory / STAMP
        try:
            if stamp.read_text() == expected:
                continue
        except OSError:
            pass
        for cache in members:
            cache.flush()
        try:
            directory.mkdir(parents=True, exist_ok=True)
            stamp.write_text(expected)
        except OSError:
            pass  # a read-only cache: numba itself then compiles in memory
