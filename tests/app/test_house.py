"""The shape of the house (issue 21): rooms that hold what the architecture page says,
routes that nothing else imports, and an import graph without cycles."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("app", "core")


def _modules() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def _imports(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Every module's imports of the project's modules: at the top, in functions and under
    TYPE_CHECKING alike; importing ``a.b.c`` also imports the packages ``a.b`` from outside them."""
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    targets.add(full if full in modules else node.module)
            elif isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
        for target in list(targets):
            parts = target.split(".")
            parents = (".".join(parts[:k]) for k in range(1, len(parts)))
            targets.update(parent for parent in parents if not name.startswith(parent))
        graph[name] = {target for target in targets if target in modules and target != name}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_house_import_graph_of_app_and_core_has_no_cycle() -> None:
    graph = _imports(_modules())
    assert len(graph) > 100
    assert _cycles(graph) == []


def test_house_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_house_nothing_outside_routes_imports_routes() -> None:
    graph = _imports(_modules())
    importers = {
        name
        for name, targets in graph.items()
        if any(t == "app.routes" or t.startswith("app.routes.") for t in targets) and not name.startswith("app.routes")
    }
    assert importers == {"app.main"}  # which includes the routers


def _named_in_architecture() -> tuple[list[str], list[str]]:
    """The files and the names (`COMMANDS`, `LiveSession.tick`) the architecture page's app part mentions."""
    text = (ROOT / "docs" / "architecture.md").read_text()
    part = text[text.index("**app/** wires it to the web") : text.index("**playground/**")]
    files: list[str] = []
    for row in re.findall(r"^\| `(app/[^`]*)`[^|]*\| (.*) \|$", part, re.M):
        room, description = row
        files += [f"{room}{name}" for name in re.findall(r"`([a-z_]+\.py)`", description)] if room.endswith("/") else []
    files += re.findall(r"`((?:app|core)/[a-z_/]+\.py)`", part)
    rooms = r"`((?:protocol|routes|sessions|web|output|cluster)/[a-z_]+\.py)`"
    files += [f"app/{path}" for path in re.findall(rooms, part)]
    names = re.findall(r"`([A-Z][A-Za-z_]*(?:\.[a-z_]+)?)`", part)
    return sorted(set(files)), sorted(set(names))


def test_house_architecture_page_names_real_modules_and_objects() -> None:
    files, names = _named_in_architecture()
    assert len(files) > 30 and "app/protocol/commands.py" in files
    modules = []
    for file in files:
        assert (ROOT / file).is_file(), f"docs/architecture.md names {file}, which does not exist"
        modules.append(importlib.import_module(file[:-3].replace("/", ".")))
    for name in names:
        owner, _, attribute = name.partition(".")
        holders = [module for module in modules if hasattr(module, owner)]
        assert holders, f"docs/architecture.md names {owner}, which none of the modules it names defines"
        if attribute:
            assert any(hasattr(getattr(module, owner), attribute) for module in holders), name


@pytest.mark.parametrize(
    "name", ["step", "reset", "regenerate", "play", "pause", "speed", "config", "hash", "weight", "bias", "select"]
)
def test_house_the_shared_commands_are_rows_of_one_table(name: str) -> None:
    """The eleven commands REST and the websocket both offer come from one table."""
    from app.main import create_app
    from app.protocol.commands import COMMANDS
    from app.settings import Settings

    command = COMMANDS[name]
    paths = create_app(Settings(data_dir=":memory:")).openapi()["paths"]
    operation = paths[f"/api/sessions/{{session_id}}{command.rest_path}"][command.method.lower()]
    assert operation["operationId"].startswith(f"{name}_command")
