"""Tree-sitter grammars from the official per-language wheels: loaded lazily, once, offline."""

from __future__ import annotations

import importlib
import sys
import threading
import warnings
from importlib.machinery import ExtensionFileLoader, PathFinder
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

# grammar name -> (module, function returning the language pointer)
_GRAMMARS: dict[str, tuple[str, str]] = {
    "python": ("tree_sitter_python", "language"),
    "javascript": ("tree_sitter_javascript", "language"),
    "typescript": ("tree_sitter_typescript", "language_typescript"),
    "tsx": ("tree_sitter_typescript", "language_tsx"),
    "go": ("tree_sitter_go", "language"),
    "rust": ("tree_sitter_rust", "language"),
    "java": ("tree_sitter_java", "language"),
    "ruby": ("tree_sitter_ruby", "language"),
    "c": ("tree_sitter_c", "language"),
    "cpp": ("tree_sitter_cpp", "language"),
    "c_sharp": ("tree_sitter_c_sharp", "language"),
    "kotlin": ("tree_sitter_kotlin", "language"),
    "php": ("tree_sitter_php", "language_php"),
    "bash": ("tree_sitter_bash", "language"),
    "hcl": ("tree_sitter_hcl", "language"),
    "yaml": ("tree_sitter_yaml", "language"),
    "json": ("tree_sitter_json", "language"),
    "toml": ("tree_sitter_toml", "language"),
    "sql": ("tree_sitter_sql", "language"),
    "dockerfile": ("tree_sitter_dockerfile", "language"),
}

_lock = threading.RLock()
_languages: dict[str, Language] = {}
_queries: dict[tuple[str, str], Query] = {}
_local = threading.local()


def available(name: str) -> bool:
    return name in _GRAMMARS


def language(name: str) -> Language:
    lang = _languages.get(name)
    if lang is not None:
        return lang
    with _lock:
        lang = _languages.get(name)
        if lang is None:
            module_name, func = _GRAMMARS[name]
            module: Any = _binding(module_name) or importlib.import_module(module_name)
            with warnings.catch_warnings():
                # older grammar wheels hand out an int pointer, which tree-sitter 0.25 deprecates
                warnings.simplefilter("ignore", DeprecationWarning)
                lang = Language(getattr(module, func)())
            _languages[name] = lang
    return lang


def _binding(package: str) -> ModuleType | None:
    """The grammar wheel's compiled ``_binding`` module, loaded without the package's
    ``__init__``: that imports ``importlib.resources`` (and through it tempfile, random, shutil)
    for the wheel's query files, which we do not use, on every cold start.
    None when the wheel is laid out differently; the caller then imports the package."""
    full = f"{package}._binding"
    loaded = sys.modules.get(full)
    if loaded is not None:
        return loaded
    try:
        pkg_spec = PathFinder.find_spec(package)
        if pkg_spec is None or not pkg_spec.submodule_search_locations:
            return None
        spec = PathFinder.find_spec(full, list(pkg_spec.submodule_search_locations))
        if spec is None or spec.loader is None or not isinstance(spec.loader, ExtensionFileLoader):
            return None
        module = spec.loader.create_module(spec)
        spec.loader.exec_module(module)
    except (ImportError, OSError):
        return None
    sys.modules[full] = module
    return module


if TYPE_CHECKING:
    from tree_sitter import Language as Language
    from tree_sitter import Node as Node
    from tree_sitter import Parser as Parser
    from tree_sitter import Query as Query
    from tree_sitter import QueryCursor as QueryCursor
    from tree_sitter import Tree as Tree
else:
    # tree-sitter's own classes from its compiled binding: the package's ``__init__`` imports
    # ``typing`` for one Protocol; they are the same classes either way
    _core = _binding("tree_sitter") or importlib.import_module("tree_sitter")
    Language, Parser, Query = _core.Language, _core.Parser, _core.Query
    QueryCursor, Node, Tree = _core.QueryCursor, _core.Node, _core.Tree


def parser(name: str) -> Parser:
    """A parser for ``name``, one per thread (tree-sitter parsers are not thread-safe)."""
    cache: dict[str, Parser] | None = getattr(_local, "parsers", None)
    if cache is None:
        cache = _local.parsers = {}
    p = cache.get(name)
    if p is None:
        p = cache[name] = Parser(language(name))
    return p


def query(name: str, source: str) -> Query:
    key = (name, source)
    q = _queries.get(key)
    if q is None:
        with _lock:
            q = _queries.get(key)
            if q is None:
                q = _queries[key] = Query(language(name), source)
    return q
