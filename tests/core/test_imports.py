"""core/ stays a NumPy domain: no web framework, no asyncio."""

from __future__ import annotations

import subprocess
import sys


def test_core_imports_no_web_framework() -> None:
    code = (
        "import sys, core, core.session, core.boundary, core.config, core.training\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'fastapi', 'pydantic', 'starlette', 'asyncio', 'anyio', 'uvicorn'})\n"
        "print(','.join(bad))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
