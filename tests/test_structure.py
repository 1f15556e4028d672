"""The house rules a quick read of the code can check: modules of one job (under 450 lines in
ui/ and models/), no class name defined twice in app code, and no module importing another
module's _private names."""

from __future__ import annotations

import ast
from collections import defaultdict

import pytest

from tests.conftest import REPO_ROOT

APP_PACKAGES = ("ui", "models", "data", "engine", "serving", "pages")
MAX_LINES = 450


def app_files():
    for package in APP_PACKAGES:
        yield from sorted((REPO_ROOT / package).rglob("*.py"))
    yield REPO_ROOT / "dashboard.py"


def relative(path) -> str:
    return path.relative_to(REPO_ROOT).as_posix()


@pytest.mark.parametrize("package", ["ui", "models", "serving"])
def test_no_module_does_two_jobs(package):
    long = {
        relative(path): lines
        for path in sorted((REPO_ROOT / package).rglob("*.py"))
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def classes_by_name(files) -> dict[str, list[str]]:
    found = defaultdict(list)
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                found[node.name].append(relative(path))
    return found


def test_no_class_name_is_defined_twice():
    twice = {name: where for name, where in classes_by_name(app_files()).items() if len(where) > 1}
    assert not twice, f"class names defined in more than one place: {twice}"


def private_imports(files) -> list[str]:
    found = []
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                ours = node.module.split(".")[0] in {*APP_PACKAGES, "dashboard"}
                for alias in node.names:
                    if ours and alias.name.startswith("_"):
                        found.append(f"{relative(path)}: {node.module}.{alias.name}")
    return found


def test_no_module_imports_another_modules_private_names():
    assert not private_imports(app_files())


def test_the_checks_are_not_vacuous(tmp_path):
    """A planted duplicate class and private import are reported."""
    (tmp_path / "a.py").write_text("class Run: ...\nfrom ui.charts import _secret\n")
    (tmp_path / "b.py").write_text("class Run: ...\n")
    files = [tmp_path / "a.py", tmp_path / "b.py"]
    import tests.test_structure as me

    original = me.REPO_ROOT
    me.REPO_ROOT = tmp_path
    try:
        assert classes_by_name(files)["Run"] == ["a.py", "b.py"]
        assert private_imports(files) == ["a.py: ui.charts._secret"]
    finally:
        me.REPO_ROOT = original
