"""The package keeps its layers (docs/architecture.md): no module imports from a layer above its
own, and no two modules import each other, lazily or not."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "infosoc"

#: The layer of each module, by the longest matching prefix of its dotted name.
LAYERS: dict[str, int] = {
    "errors": 1,
    "files": 1,
    "structured": 1,
    "csvfiles": 1,
    "settings": 1,
    "snapshot": 1,
    "records": 1,
    "ranks": 1,
    "limits": 1,
    "charts": 1,
    "worldmap": 1,
    "i18n": 1,
    "geo.countries": 1,
    "geo.m49": 1,
    "geo.borders": 1,
    "geo.kz_regions": 1,
    "sources": 2,
    "store": 3,
    "store_schema": 3,
    "store_files": 3,
    "ingestion": 3,
    "geo": 4,
    "indices": 5,
    "analysis": 5,
    "divide": 5,
    "report": 6,
    "site": 6,
    "observatory": 7,
    "cli": 7,
    "__main__": 7,
}


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path  # "" is the package itself
    return found


MODULES = _modules()


def layer_of(module: str) -> int:
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        key = ".".join(parts[:end])
        if key in LAYERS:
            return LAYERS[key]
    raise AssertionError(f"module infosoc.{module} has no layer in tests/test_layers.py")


def _is_package(module: str) -> bool:
    return MODULES[module].name == "__init__.py"


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(module: str) -> Iterator[tuple[str, int]]:
    """(imported module, line) for every runtime import of ``module``, lazy ones included."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _type_checking_only(node):
            skip.update(id(n) for child in node.body for n in ast.walk(child))
    package = module if _is_package(module) else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("infosoc."):
                    yield alias.name.removeprefix("infosoc."), node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".") if package else []
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                target = ".".join([*base, *(node.module.split(".") if node.module else [])])
            elif node.module and node.module.startswith("infosoc"):
                target = node.module.removeprefix("infosoc").lstrip(".")
            else:
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}" if target else alias.name
                yield (sub if sub in MODULES else target), node.lineno


def _edges() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for module in MODULES:
        for target, _line in _imports(module):
            if target in MODULES and target != module:
                graph[module].add(target)
    return graph


def test_no_module_imports_from_a_layer_above_its_own() -> None:
    upward = []
    for module in MODULES:
        if module == "":  # the package's __init__ loads Observatory lazily, for the public API
            continue
        for target, line in _imports(module):
            if target in ("", module) or target not in MODULES:
                continue
            if layer_of(target) > layer_of(module):
                upward.append(
                    f"infosoc.{module}:{line} (layer {layer_of(module)}) imports "
                    f"infosoc.{target} (layer {layer_of(target)})"
                )
    assert not upward, "\n".join(upward)


def test_no_import_cycle() -> None:
    graph = _edges()
    graph.pop("", None)
    for targets in graph.values():
        targets.discard("")
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            # A package and the submodules it re-exports are one unit, not a cycle.
            if len(component) > 1 and not _package_with_its_own(component):
                cycles.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    assert not cycles, "import cycles: " + "; ".join(" <-> ".join(c) for c in cycles)


def _package_with_its_own(component: list[str]) -> bool:
    packages = [m for m in component if _is_package(m)]
    return len(packages) == 1 and all(
        m == packages[0] or m.startswith(packages[0] + ".") for m in component
    )


@pytest.mark.parametrize("name", ["background", "scratch", "cycles", "arrow", "render", "divide"])
def test_the_old_top_level_helpers_are_gone(name: str) -> None:
    assert not (PACKAGE / f"{name}.py").exists()


def test_no_module_is_over_600_lines() -> None:
    long = {
        str(path.relative_to(PACKAGE)): n
        for path in PACKAGE.rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 600
    }
    assert not long, long
