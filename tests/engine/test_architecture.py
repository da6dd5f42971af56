"""Guards on the engine's shape: import layers, no import cycles, no module over 400 lines."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ENGINE = REPO / "engine"
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    out = {}
    for path in ENGINE.rglob("*.py"):
        name = ".".join(path.relative_to(REPO).with_suffix("").parts)
        out[name.removesuffix(".__init__")] = path
    return out


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """Engine modules `name` imports anywhere in its body (inside functions too)."""

    def known(target: str) -> str | None:
        while target and target not in modules:
            target = target.rpartition(".")[0]
        return target or None

    found = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join(parts + ([base] if base else []))
            # `from package import module` imports the module; other names come from the package.
            targets = [f"{base}.{alias.name}" if known(f"{base}.{alias.name}") != known(base) else base
                       for alias in node.names]
        for target in targets:
            module = known(target)
            if module is not None and module != name:
                found.add(module)
    return found


def test_engine_modules_have_no_import_cycles_counting_imports_inside_functions():
    modules = _modules()
    graph = {name: _imports(name, path, modules) for name, path in modules.items()}
    cycles = []
    for start in graph:
        stack, seen = [(start, (start,))], set()
        while stack:
            node, trail = stack.pop()
            for nxt in graph[node]:
                if nxt == start:
                    cycles.append(" -> ".join(trail + (start,)))
                elif nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, trail + (nxt,)))
    assert not cycles, "\n".join(sorted(set(cycles))[:10])


def test_no_engine_module_is_longer_than_400_lines():
    long = {str(path.relative_to(REPO)): n for path in ENGINE.rglob("*.py")
            if (n := len(path.read_text().splitlines())) > MAX_LINES}
    assert not long, long


def test_engine_import_contracts_hold():
    """import-linter's engine contracts (pyproject.toml): the layers, and no server imports."""
    command = [str(Path(sys.executable).parent / "lint-imports"), "--contract", "engine-layers",
               "--contract", "engine-independent"]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
