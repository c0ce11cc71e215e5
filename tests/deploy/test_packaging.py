"""What each way of installing brings, as pyproject.toml pins it, the README
says it and the Makefile and the Dockerfile do it."""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
README = (ROOT / "README.md").read_text()
CODE_DIRS = ("core", "app", "playground", "templates", "static")


def _name(requirement: str) -> str:
    """'uvicorn[standard]==0.54.0' -> 'uvicorn[standard]'; 'playground[client]' -> '[client]'."""
    name = re.split(r"[=<>!~ ;]", requirement, maxsplit=1)[0]
    return name.removeprefix("playground")


def _readme_row(install: str) -> set[str]:
    """The names in backticks in the second cell of the README's row for ``install``."""
    rows = [line for line in README.splitlines() if line.startswith(f"| `{install}`")]
    assert len(rows) == 1, f"the README's 'Installing' table has no single row for {install}"
    return set(re.findall(r"`([^`]+)`", rows[0].split("|")[2]))


@pytest.mark.parametrize("extra", [None, *PROJECT["optional-dependencies"]])
def test_packaging_readme_says_exactly_what_each_install_brings(extra: str | None) -> None:
    if extra is None:
        install, wanted = "pip install -e .", PROJECT["dependencies"]
    else:
        install, wanted = f"pip install -e '.[{extra}]'", PROJECT["optional-dependencies"][extra]
    assert _readme_row(install) == {_name(requirement) for requirement in wanted}


def test_packaging_every_dependency_is_pinned() -> None:
    extras = [r for group in PROJECT["optional-dependencies"].values() for r in group if not r.startswith("playground")]
    for requirement in [*PROJECT["dependencies"], *extras]:
        assert re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[0-9][0-9A-Za-z.]*", requirement), requirement


def _make_dry_run(target: str) -> str:
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is missing")
    # -n prints the recipes without running them; -B as if nothing were installed yet.
    done = subprocess.run([make, "-n", "-B", target], cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_packaging_make_run_installs_only_what_serving_needs() -> None:
    recipe = _make_dry_run("run")
    installs = [line for line in recipe.splitlines() if "pip install" in line and "--upgrade pip" not in line]
    assert installs == [".venv/bin/python -m pip install -e ."]
    assert "[dev]" not in recipe


def test_packaging_make_test_installs_the_dev_extra() -> None:
    recipe = _make_dry_run("test")
    assert ".venv/bin/python -m pip install -e '.[dev]'" in recipe.splitlines()
    assert recipe.index("container-test.sh") < recipe.index("-m pytest")  # pytest's summary ends the run


def test_packaging_dockerfile_installs_the_pinned_dependencies_before_the_code() -> None:
    lines = [line.strip() for line in (ROOT / "Dockerfile").read_text().splitlines()]
    instructions = [line for line in lines if re.match(r"^[A-Z]+ ", line)]
    assert instructions[0] == "ARG BASE=python:3.11-slim" and instructions[1] == "FROM ${BASE}"
    pip = next(i for i, line in enumerate(instructions) if line.startswith("RUN python3 -m venv"))
    copies = [i for i, line in enumerate(instructions) if line.startswith("COPY ")]
    assert instructions[copies[0]] == "COPY pyproject.toml ./" and copies[0] < pip
    code = {line.split()[1]: i for i, line in enumerate(instructions) if line.startswith("COPY ") and i > pip}
    assert set(code) == set(CODE_DIRS)  # everything the server runs, after the dependency layer
    assert 'VOLUME ["/srv/playground/data"]' in instructions
    assert "USER playground" in instructions and instructions.index("USER playground") < instructions.index(
        next(line for line in instructions if line.startswith("CMD "))
    )
    assert any(line.startswith("HEALTHCHECK ") for line in instructions)


def test_packaging_dockerignore_keeps_local_state_out_of_the_build() -> None:
    ignored = {line for line in (ROOT / ".dockerignore").read_text().splitlines() if line and line[0] != "#"}
    assert {".git", ".venv", "data", "run", "test-output", "**/__pycache__"} <= ignored
    assert not ignored & set(CODE_DIRS) and "pyproject.toml" not in ignored
