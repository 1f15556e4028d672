"""Imports flow one way: dashboard -> pages -> ui -> (models, data, engine, serving);
models -> engine. serving/ (one server shared by a class) imports nothing of ours.

Checked twice: statically (every import statement in the package, including lazy ones inside
functions) and dynamically (importing the package in a fresh interpreter).
"""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest

from tests.conftest import REPO_ROOT

# package -> top-level modules it must never import
FORBIDDEN = {
    "engine": {"streamlit", "torch", "numpy", "models", "data", "ui", "pages", "dashboard"},
    "models": {"streamlit", "ui", "pages", "dashboard", "data"},
    "data": {"streamlit", "ui", "pages", "dashboard", "models", "engine"},
    "ui": {"pages", "dashboard"},
    "serving": {"streamlit", "torch", "ui", "pages", "dashboard", "models", "data", "engine"},
}


def imported_top_level_modules(package: str) -> dict[str, set[str]]:
    """file -> top-level module names it imports (absolute imports only; relative stay inside)."""
    found: dict[str, set[str]] = {}
    for path in sorted((REPO_ROOT / package).rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
        found[path.relative_to(REPO_ROOT).as_posix()] = names
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_forbidden_import_statements(package):
    offenders = {
        file: sorted(names & FORBIDDEN[package])
        for file, names in imported_top_level_modules(package).items()
        if names & FORBIDDEN[package]
    }
    assert not offenders, f"{package}/ imports what it must not: {offenders}"


@pytest.mark.parametrize("package", ["engine", "models", "data", "serving"])
def test_importing_the_package_loads_no_streamlit(package):
    modules = [
        ".".join(p.relative_to(REPO_ROOT).with_suffix("").parts)
        for p in sorted((REPO_ROOT / package).rglob("*.py"))
    ]
    modules = [m.removesuffix(".__init__") for m in modules]
    forbidden = ["streamlit"] + (["torch", "numpy"] if package == "engine" else [])
    probe = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        f"print(','.join(f for f in {forbidden!r} if f in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "", f"importing {package}/ loaded {result.stdout.strip()}"


def test_layering_check_catches_a_violation(tmp_path, monkeypatch):
    """The static check is not vacuous: a planted `import streamlit` in engine/ is reported."""
    fake_root = tmp_path
    (fake_root / "engine").mkdir()
    (fake_root / "engine" / "bad.py").write_text("def f():\n    import streamlit\n")
    monkeypatch.setattr(sys.modules[__name__], "REPO_ROOT", fake_root)
    assert imported_top_level_modules("engine") == {"engine/bad.py": {"streamlit"}}


# ---- import loops -------------------------------------------------------------------------
OUR_PACKAGES = ("ui", "models", "data", "engine", "serving")


def our_modules(root) -> dict[str, object]:
    """Dotted module name -> file, for every module of our packages under `root`."""
    modules = {}
    for package in OUR_PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            name = ".".join(path.relative_to(root).with_suffix("").parts)
            modules[name.removesuffix(".__init__")] = path
    return modules


def module_imports(name: str, path, modules) -> set[str]:
    """The modules of ours that `name` imports anywhere in its file (lazy imports too):
    `from a.b import c` counts as a.b.c when that is a module, else as a.b."""
    found = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in modules)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*parts, *([node.module] if node.module else [])])
            for alias in node.names:
                full = f"{base}.{alias.name}"
                found.add(full if full in modules else base)
    return {module for module in found if module in modules and module != name}


def import_loops(root) -> list[list[str]]:
    """Every set of our modules that import one another in a circle (strongly connected
    components of more than one module, or a module importing itself through others)."""
    modules = our_modules(root)
    graph = {name: module_imports(name, path, modules) for name, path in modules.items()}
    order, low, stack, on_stack, loops = {}, {}, [], set(), []

    def visit(node: str) -> None:
        order[node] = low[node] = len(order)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in order:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], order[nxt])
        if low[node] == order[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                loops.append(sorted(component))

    for node in graph:
        if node not in order:
            visit(node)
    return loops


def test_no_import_loops():
    assert import_loops(REPO_ROOT) == [], "modules that import one another in a circle"


def test_the_loop_check_catches_a_hidden_loop(tmp_path):
    """A lazy import inside a function still closes a loop (as settings -> links did)."""
    (tmp_path / "ui").mkdir()
    (tmp_path / "ui" / "__init__.py").write_text("")
    (tmp_path / "ui" / "links.py").write_text("from ui.settings import PageSettings\n")
    (tmp_path / "ui" / "settings.py").write_text("def f():\n    from ui import links\n")
    assert import_loops(tmp_path) == [["ui.links", "ui.settings"]]
