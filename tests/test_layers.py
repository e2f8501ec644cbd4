"""The package layers and their one-way imports (docs/architecture.md):

    db  <-  pipeline  <-  summaries  <-  crawler  <-  clinicwatch (the application)

A package may import only the packages to its left; nothing imports clinicwatch. No module
imports itself back through others, within a package or across. Imports are read from the
source (ast), function-level ones included, so a lazy import cannot hide an edge."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ["db", "pipeline", "summaries", "crawler", "clinicwatch"]
MAX_MODULE_LINES = 500


def product_modules() -> dict[str, Path]:
    modules = {}
    for package in LAYERS:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


MODULES = product_modules()


def imported_modules(name: str, path: Path) -> set[str]:
    """The product modules that module `name` imports (relative imports resolved)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            # "from pkg import module" names a module; "from module import name" names the module.
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


GRAPH = {name: imported_modules(name, path) for name, path in MODULES.items()}


def layer(module: str) -> int:
    return LAYERS.index(module.split(".")[0])


def test_the_layers_cover_every_product_module():
    assert {name.split(".")[0] for name in MODULES} == set(LAYERS)
    assert len(MODULES) > 40


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_go_one_way(module):
    upward = sorted(target for target in GRAPH[module] if layer(target) > layer(module))
    assert not upward, f"{module} ({LAYERS[layer(module)]}) imports a layer above it: {upward}"


def test_no_import_cycles():
    # Tarjan's strongly connected components: any component of more than one module is a cycle.
    index, low, stack, on_stack, cycles, counter = {}, {}, [], set(), [], [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in GRAPH[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(GRAPH):
        if node not in index:
            visit(node)
    assert not cycles, f"import cycles: {cycles}"


def test_the_rules_catch_an_upward_import(tmp_path):
    # The checker itself: a db module importing pipeline is an edge against the rules.
    fake = tmp_path / "fake.py"
    fake.write_text("from pipeline.urls import normalize_url\n")
    assert "pipeline.urls" in imported_modules("db.fake", fake)
    assert layer("pipeline.urls") > layer("db.fake")


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_product_module_over_500_lines(module):
    lines = len(MODULES[module].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{module} has {lines} lines; split it along its seams"
