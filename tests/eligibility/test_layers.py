"""The layers around eligibility, checked on the source until the import-linter
contracts of issue 9 §6 take over: the registry's domain code never imports
eligibility (only its interface code, the detail views, renders what it gives), and
within eligibility one module names the policy package."""

from __future__ import annotations

import ast
from pathlib import Path

import jiuye

SRC = Path(jiuye.__file__).resolve().parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _modules(package: str) -> dict[str, set[str]]:
    root = SRC / package
    return {str(p.relative_to(SRC)): _imports(p) for p in sorted(root.rglob("*.py"))}


def test_the_registry_imports_eligibility_only_in_its_detail_views():
    # when
    importing = sorted(
        name
        for name, imports in _modules("registry").items()
        if any(i.startswith("jiuye.eligibility") for i in imports)
    )
    # then
    assert importing == ["registry/views_detail.py"]


def test_one_module_of_eligibility_names_the_policy_package():
    # when
    naming = sorted(
        name
        for name, imports in _modules("eligibility").items()
        if any(i.startswith("policies") for i in imports)
    )
    # then
    assert naming == ["eligibility/policy.py"]


def test_eligibility_imports_no_interface():
    # when
    upward = {
        name: sorted(
            i
            for i in imports
            if i.startswith(
                (
                    "jiuye.web",
                    "jiuye.api",
                    "jiuye.cli",
                    "jiuye.portal",
                    "jiuye.selfcheck",
                    "jiuye.registry.views",
                )
            )
        )
        for name, imports in _modules("eligibility").items()
    }
    # then
    assert {name: found for name, found in upward.items() if found} == {}
