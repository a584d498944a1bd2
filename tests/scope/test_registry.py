"""The analyzer registry and the YAML family table: every entry imports, a wrong one fails loudly."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

import reviewer
from reviewer.scope import registry
from reviewer.scope.registry import RegistryError

PACKAGE = Path(reviewer.__file__).parent
#: what the YAML module returns for files of no family: read by their keys
GENERIC = {"yaml", "json"}


@pytest.mark.parametrize("module", registry.modules())
def test_every_analyzer_in_the_tables_imports_and_has_analyze(module: str) -> None:
    assert callable(registry._load(module))


@pytest.mark.parametrize("family", list(registry.YAML_FAMILIES))
def test_every_yaml_family_module_imports_and_has_analyze_views(family: str) -> None:
    mod = registry.family_module(family)
    assert mod is not None and callable(mod.analyze_views)


def test_a_plain_yaml_file_has_no_family_module() -> None:
    assert registry.family_module("yaml") is None


def test_a_misspelled_analyzer_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(registry.BY_LANGUAGE, "python", "reviewer.scope.pythn")
    with pytest.raises(RegistryError, match=r"no module reviewer\.scope\.pythn"):
        registry.analyzers_for("a.py", "python", "code")


def test_a_misspelled_package_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(registry.BY_ROLE, "config", "reviewer.scope.nothere.config_files")
    with pytest.raises(RegistryError, match="nothere"):
        registry.analyzers_for("app.ini", "text", "config")


def test_a_module_without_analyze_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(registry.BY_LANGUAGE, "python", "reviewer.scope.engine")
    with pytest.raises(RegistryError, match="no analyze"):
        registry.analyzers_for("a.py", "python", "code")


def test_a_misspelled_yaml_family_module_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(registry.YAML_FAMILIES, "kustomize", "reviewer.scope.kustomise")
    with pytest.raises(RegistryError, match="kustomise"):
        registry.family_module("kustomize")
    monkeypatch.setitem(registry.YAML_FAMILIES, "kustomize", "reviewer.scope.engine")
    with pytest.raises(RegistryError, match="no analyze_views"):
        registry.family_module("kustomize")


def test_a_missing_import_inside_an_analyzer_is_not_hidden(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "broken_analyzer.py").write_text("import no_such_dependency\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(registry.BY_LANGUAGE, "python", "broken_analyzer")
    with pytest.raises(ModuleNotFoundError) as caught:
        registry.analyzers_for("a.py", "python", "code")
    assert caught.type is ModuleNotFoundError and caught.value.name == "no_such_dependency"
    sys.modules.pop("broken_analyzer", None)


def test_analyzers_are_chosen_by_language_path_and_role() -> None:
    load = registry._load
    python = registry.analyzers_for("src/app.py", "python", "code")
    assert python[0] is load(registry.BY_LANGUAGE["python"])
    state = registry.analyzers_for("envs/prod/terraform.tfstate", "text", "infra")
    assert load(registry.BY_LANGUAGE["hcl"]) in state
    config = registry.analyzers_for("config/app.yaml", "yaml", "config")
    assert config[0] is load(registry.BY_LANGUAGE["yaml"])
    assert load(registry.BY_ROLE["config"]) in config


# --- the YAML family table agrees with the YAML module ------------------------------------------


def _yaml_module() -> tuple[str, ast.Module]:
    """The module that tells YAML families apart (it defines ``family_of``), wherever it lives."""
    for path in sorted((PACKAGE / "scope").rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        if any(isinstance(n, ast.FunctionDef) and n.name == "family_of" for n in tree.body):
            dotted = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
            return dotted, tree
    raise AssertionError("no module in reviewer/scope defines family_of")


def _function(tree: ast.Module, name: str) -> ast.FunctionDef:
    return next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name)


def _returned(node: ast.expr | None) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _returned(node.body) + _returned(node.orelse)
    return []


def test_the_family_table_lists_what_family_of_returns_in_its_order() -> None:
    _name, tree = _yaml_module()
    order: list[str] = []
    for node in ast.walk(_function(tree, "family_of")):
        if isinstance(node, ast.Return):
            order.extend(f for f in _returned(node.value) if f not in order)
    lines = {
        f: min(
            n.lineno
            for n in ast.walk(_function(tree, "family_of"))
            if isinstance(n, ast.Return) and f in _returned(n.value)
        )
        for f in order
    }
    families = sorted((f for f in order if f not in GENERIC), key=lines.__getitem__)
    assert families == list(registry.YAML_FAMILIES)


def test_the_family_table_names_the_modules_the_yaml_module_hands_families_to() -> None:
    """Each ``if family == ...: from . import m`` of the YAML module's ``analyze`` agrees."""
    dotted, tree = _yaml_module()
    package = dotted.rsplit(".", 1)[0]
    handed: dict[str, str] = {}
    for node in ast.walk(_function(tree, "analyze")):
        if not isinstance(node, ast.If) or not isinstance(node.test, ast.Compare):
            continue
        right = node.test.comparators[0]
        names = right.elts if isinstance(right, ast.Tuple) else [right]
        families = [str(n.value) for n in names if isinstance(n, ast.Constant)]
        imports = [n for n in node.body if isinstance(n, ast.ImportFrom) and n.level == 1]
        for imp in imports:
            base = package + (f".{imp.module}" if imp.module else "")
            for family in families:
                handed[family] = f"{base}.{imp.names[0].name}"
    if not handed:
        pytest.skip("the YAML module dispatches through the table itself")
    assert handed == registry.YAML_FAMILIES
