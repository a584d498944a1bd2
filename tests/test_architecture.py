"""The import graph of ``reviewer/``, read with ``ast``: no cycles, nothing imports against the layer
order, and each outside world has one importer.

Every import counts, the ones inside functions too (a lazy import is still a dependency). The
layers, from the top (DESIGN.md's data flow, issue 15):

    surfaces  cli, commands/, the commit hooks' modules, github/, agent/, history/, the bench tools
    pipeline  pipeline, gate: one orchestration, one answer to "does it block?"
    llm       llm/: enriches a review, never imports the pipeline
    review    rules/, render/, review and what it is made of (match, statements, blast, questions)
    scope     scope/
    inputs    diff, intent, git, paths, config, refs and the other readers of the outside
    values    models, record, rx, terms, errors and other leaves

Issue 15 writes "surfaces -> LLM -> pipeline"; the pipeline as built enriches or degrades the
review it makes, so it imports llm/ (lazily: openai stays off the offline path) and llm/ never
imports it: the pipeline sits above llm/ here.

A module may import its own layer and the layers below it. A module this table does not place
fails the test: place it when you add it (one line in PLACES).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "reviewer"

LAYERS = ("values", "inputs", "scope", "review", "llm", "pipeline", "surfaces")

#: module or package (prefix) -> layer; the longest matching name wins
PLACES: dict[str, str] = {
    # surfaces: each talks to a user, a hook runner, GitHub or an agent, or scores the reviewer
    "reviewer.__main__": "surfaces",
    "reviewer.cli": "surfaces",
    "reviewer.commands": "surfaces",
    "reviewer.precommit": "surfaces",
    "reviewer.github": "surfaces",
    "reviewer.agent": "surfaces",
    "reviewer.history": "surfaces",
    "reviewer.helptext": "surfaces",
    "reviewer.bench": "surfaces",
    "reviewer.metamorphic": "surfaces",
    "reviewer.corpus": "surfaces",
    "reviewer.crash": "surfaces",
    "reviewer.commit_message": "surfaces",
    "reviewer.hook_review": "surfaces",
    "reviewer.llm": "llm",
    "reviewer.pipeline": "pipeline",
    "reviewer.gate": "pipeline",
    "reviewer.review": "review",
    "reviewer.rules": "review",
    "reviewer.render": "review",
    "reviewer.match": "review",
    "reviewer.statements": "review",
    "reviewer.blast": "review",
    "reviewer.questions": "review",
    "reviewer.scope": "scope",
    "reviewer.diff": "inputs",
    "reviewer.intent": "inputs",
    "reviewer.git": "inputs",
    "reviewer.paths": "inputs",
    "reviewer.config": "inputs",
    "reviewer.refs": "inputs",
    "reviewer.commit_call": "inputs",
    "reviewer.intent_store": "inputs",
    "reviewer": "values",  # the package itself (its version); exact, not a prefix
    "reviewer.terminal": "values",
    "reviewer.models": "values",
    "reviewer.record": "values",
    "reviewer.rx": "values",
    "reviewer.terms": "values",
    "reviewer.errors": "values",
    "reviewer.digest": "values",
    "reviewer.jsonl": "values",
    "reviewer.secrets": "values",
}

#: Cycles allowed while being removed: empty, and it stays so. The three issue 15 named (cli <->
#: precommit; scope commands -> dependencies -> flags -> governance -> commands; helm <-> yaml) went
#: with moves 3 and 4; the last three (the rules registry and its families, bench <-> metamorphic,
#: history.backtest <-> history.queue) went when the shared records moved out (rules/base.py,
#: history/change_review.py) and the CLI passed the metamorphic checks to the scorer.
KNOWN_CYCLES: dict[str, frozenset[str]] = {}

#: the one package or module allowed to import each outside world (ruff's banned-api says the same
#: in the editor, per file; this checks each module exactly)
OUTSIDE: dict[str, tuple[str, ...]] = {
    "subprocess": ("reviewer.git",),
    "openai": ("reviewer.llm",),
    "tiktoken": ("reviewer.llm",),
    "github": ("reviewer.github",),
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES: dict[str, Path] = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _type_only(node: ast.AST) -> bool:
    """``if TYPE_CHECKING:`` (or ``typing.TYPE_CHECKING``): a block that never runs."""
    test = node.test if isinstance(node, ast.If) else None
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(tree: ast.AST) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    """Every import statement, at any depth, with whether only type checkers see it."""
    pending: list[tuple[ast.AST, bool]] = [(tree, False)]
    while pending:
        node, type_only = pending.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node, type_only
        for child in ast.iter_child_nodes(node):
            inside = type_only or (
                _type_only(node) and isinstance(node, ast.If) and child in node.body
            )
            pending.append((child, inside))


@cache
def _parse(name: str) -> ast.Module:
    return ast.parse(MODULES[name].read_text("utf-8"), str(MODULES[name]))


def imports(name: str, *, typing: bool = True) -> Iterator[tuple[str, int]]:
    """``(imported module, line)`` for every import in module ``name``, at any depth (inside
    functions too); ``typing=False`` leaves out the ones under ``if TYPE_CHECKING:``."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node, type_only in _import_nodes(_parse(name)):
        if type_only and not typing:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
            continue
        if node.level:
            base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
            target = ".".join([*base, *([node.module] if node.module else [])])
        else:
            target = node.module or ""
        for alias in node.names:
            # `from . import text` imports a module; `from .models import Review` a name
            submodule = f"{target}.{alias.name}"
            yield (submodule if submodule in MODULES else target), node.lineno


def graph(*, typing: bool = True) -> dict[str, dict[str, int]]:
    """module -> {internal module it imports: first line}"""
    out: dict[str, dict[str, int]] = {}
    for name in MODULES:
        edges: dict[str, int] = {}
        for target, line in sorted(imports(name, typing=typing), key=lambda t: t[1]):
            if target in MODULES and target != name:
                edges.setdefault(target, line)
        out[name] = edges
    return out


def layer(name: str) -> str | None:
    if name == "reviewer":
        return PLACES[name]
    placed = (p for p in PLACES if p != "reviewer" and (name == p or name.startswith(p + ".")))
    best = max(placed, key=len, default=None)
    return None if best is None else PLACES[best]


def cycles(g: dict[str, dict[str, int]]) -> list[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []
    counter = 0
    for root in sorted(g):
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(sorted(g[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(g[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(frozenset(component))
    return found


def _edges_within(g: dict[str, dict[str, int]], component: frozenset[str]) -> list[str]:
    return sorted(
        f"{a} -> {b} (line {line})" for a in component for b, line in g[a].items() if b in component
    )


def test_every_module_has_a_layer() -> None:
    unplaced = sorted(name for name in MODULES if layer(name) is None)
    assert not unplaced, f"place these in PLACES (tests/test_architecture.py): {unplaced}"
    assert set(PLACES.values()) <= set(LAYERS)


def test_no_import_against_the_layer_order() -> None:
    g = graph()
    rank = {name: i for i, name in enumerate(LAYERS)}
    offending = []
    for source, edges in sorted(g.items()):
        src = layer(source)
        for target, line in sorted(edges.items()):
            dst = layer(target)
            if src is not None and dst is not None and rank[dst] > rank[src]:
                offending.append(f"{source} ({src}) -> {target} ({dst}), line {line}")
    print("\n".join(["imports against the layer order:", *offending] if offending else []))
    assert not offending, "\n".join(offending)


def test_no_new_import_cycles() -> None:
    """Imports under ``if TYPE_CHECKING:`` never run: they are left out here (not from the layers)."""
    g = graph(typing=False)
    found = cycles(g)
    for component in found:
        print(f"cycle of {len(component)} modules:", *_edges_within(g, component), sep="\n  ")
    new = [c for c in found if not any(c <= known for known in KNOWN_CYCLES.values())]
    assert not new, "new import cycles:\n" + "\n".join("\n".join(_edges_within(g, c)) for c in new)
    gone = sorted(
        label for label, known in KNOWN_CYCLES.items() if not any(c <= known for c in found)
    )
    assert not gone, f"these cycles are gone: delete them from KNOWN_CYCLES: {gone}"


def test_each_outside_world_has_one_importer() -> None:
    offending = []
    for name in MODULES:
        for target, line in imports(name):
            top = target.partition(".")[0]
            allowed = OUTSIDE.get(top)
            if allowed and not any(name == a or name.startswith(a + ".") for a in allowed):
                offending.append(f"{name} imports {target} (line {line}): only {allowed} may")
    assert not offending, "\n".join(offending)


def test_the_graph_reader_resolves_what_python_resolves() -> None:
    """The reader itself: relative imports, submodules named by ``from . import``, lazy imports."""
    g = graph()
    assert "reviewer.cli" in g["reviewer.__main__"]
    assert "reviewer.render.text" in g["reviewer.render"]  # from .text import ... (a module)
    assert "reviewer.models" in g["reviewer.diff"]  # from .models import Diff (a name)
    assert "reviewer.llm.token_bench" in g["reviewer.bench"]  # imported inside a function
    assert layer("reviewer") == "values" and layer("reviewer.nowhere") is None
    assert cycles({"a": {"b": 1}, "b": {"c": 1}, "c": {"a": 1}, "d": {"a": 1}}) == [
        frozenset("abc")
    ]
    assert cycles({"a": {"b": 1}, "b": {}}) == []


def test_every_package_is_in_the_wheel() -> None:
    """pyproject.toml lists the packages by name: a new subpackage left out installs nowhere."""
    import sys

    if sys.version_info >= (3, 11):
        import tomllib
    else:
        import tomli as tomllib

    root = Path(__file__).resolve().parents[1]
    listed = set(
        tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    on_disk = {
        ".".join(p.parent.relative_to(root).parts)
        for p in (root / "reviewer").rglob("__init__.py")
        if "__pycache__" not in p.parts
    }
    assert sorted(on_disk - listed) == []
