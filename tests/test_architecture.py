"""Architecture guards (plain pytest, no Django): no import cycles, no oversized modules.

Import cycles are found over every import of a project module, including imports inside
functions and `importlib.import_module("…")` with a literal name: a lazy import hides a cycle,
it does not remove it. The layer rules themselves are import-linter contracts (`[tool.importlinter]` in pyproject.toml,
run by `lint-imports` in `make test`).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The packages whose modules are guarded here (tests/engine/test_architecture.py guards engine/).
PACKAGES = ("designer",)
MAX_LINES = 400
SKIPPED_DIRS = {"migrations", "frontend", "node_modules", "__pycache__"}


def _modules() -> dict[str, Path]:
    """Module name → file, for every Python file of the guarded packages."""
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if SKIPPED_DIRS & set(path.relative_to(ROOT).parts):
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _owner(name: str, modules: dict[str, Path]) -> str | None:
    """The guarded module `name` refers to (a name inside a module belongs to that module)."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def _imported_names(module: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """Every dotted name `module` imports anywhere in its file (absolute form).

    `from package import name` imports the submodule `package.name` when there is one, else a
    name defined in `package` itself.
    """
    is_package = path.name == "__init__.py"
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".") if is_package else module.split(".")[:-1]
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                name = f"{base}.{alias.name}"
                names.add(name if name in modules else base)
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", None)) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names.add(node.args[0].value)
    return names


def import_graph() -> dict[str, set[str]]:
    """Guarded module → the guarded modules it imports."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        targets = set()
        for name in _imported_names(module, path, modules):
            # `from designer import services` names the module designer.services, not designer.
            owner = _owner(name, modules)
            if owner is not None and owner != module:
                targets.add(owner)
        graph[module] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_cycle_finder_sees_a_cycle_through_a_function_level_import(tmp_path, monkeypatch):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from pkg import b\n")
    (package / "b.py").write_text("def f():\n    from pkg.c import g\n")
    (package / "c.py").write_text("import importlib\nimportlib.import_module('pkg.a')\n")
    (package / "d.py").write_text("from pkg import a\n")
    monkeypatch.setitem(globals(), "ROOT", tmp_path)
    monkeypatch.setitem(globals(), "PACKAGES", ("pkg",))
    assert cycles(import_graph()) == [["pkg.a", "pkg.b", "pkg.c"]]


def test_no_import_cycles():
    found = cycles(import_graph())
    assert not found, "import cycles (imports inside functions count):\n" + "\n".join(
        " -> ".join(component) for component in found
    )


@pytest.mark.parametrize("module,path", sorted(_modules().items()), ids=str)
def test_no_module_is_longer_than_the_limit(module, path):
    lines = len(path.read_text().splitlines())
    relative = path.relative_to(ROOT).as_posix()
    assert lines <= MAX_LINES, f"{relative} has {lines} lines; split it by responsibility"
