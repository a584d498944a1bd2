"""One file of code: the symbols its change touches, imports and module statements, signals."""

from __future__ import annotations

from collections.abc import Callable

from ...models import Side, Symbol
from ..engine import FileContext, Partial, Segment, diff_definitions, squash, text_of
from ..grammars import Node
from .api import module_signal, private_package, symbol_signal
from .cosmetic import judge_cosmetic
from .definitions import definitions
from .spec import CodeSpec
from .trees import results, spec_trees


def _import_nodes(ctx: FileContext, side: Side, spec: CodeSpec) -> list[tuple[Segment, Node]]:
    """Import statements on ``side`` (around the changed lines of a whole file)."""
    if spec.imports is None:
        return []
    out: list[tuple[Segment, Node]] = []
    for seg, tree in spec_trees(ctx, side, spec):
        out.extend((seg, node) for node in results(ctx, side, spec, seg, tree).imports)
    return out


def _import_texts(ctx: FileContext, side: Side, nodes: list[tuple[Segment, Node]]) -> set[str]:
    """Imports on ``side`` that contain a changed line."""
    changed = ctx.changed(side)
    found: set[str] = set()
    for seg, node in nodes:
        span = range(node.start_point[0], node.end_point[0] + 1)
        if any(seg.line_of(r) in changed for r in span):
            found.add(squash(text_of(node))[:160])
    return found


def _import_lines(nodes: list[tuple[Segment, Node]]) -> set[int]:
    out: set[int] = set()
    for seg, node in nodes:
        for r in range(node.start_point[0], node.end_point[0] + 1):
            line = seg.line_of(r)
            if line is not None:
                out.add(line)
    return out


def analyze(ctx: FileContext, spec: CodeSpec) -> Partial:
    """The scope of one file of the language ``spec`` describes."""
    part = Partial()
    old_defs = definitions(ctx, "old", spec)
    new_defs = definitions(ctx, "new", spec)
    # blank lines change nothing a reviewer would name a symbol for
    removed = [n for n in ctx.removed_sorted if ctx.removed[n].strip()]
    added = [n for n in ctx.added_sorted if ctx.added[n].strip()]
    changes, old_out, new_out = diff_definitions(
        old_defs, new_defs, removed, added, removed_set=ctx.removed, added_set=ctx.added
    )
    api_file = ctx.role not in ("test", "example", "docs", "generated") and not private_package(
        ctx.path
    )
    for sym, o, n in changes:
        part.symbols.append(sym)
        sig = symbol_signal(sym, o, n, spec.callers_see) if api_file else None
        if sig is not None:
            part.signals.append(sig)

    # imports and the remaining module-level statements
    old_nodes, new_nodes = _import_nodes(ctx, "old", spec), _import_nodes(ctx, "new", spec)
    old_imports = _import_texts(ctx, "old", old_nodes)
    new_imports = _import_texts(ctx, "new", new_nodes)
    for text in sorted(new_imports - old_imports):
        part.symbols.append(Symbol("import", text, "added"))
    for text in sorted(old_imports - new_imports):
        part.symbols.append(Symbol("import", text, "deleted"))
    import_old = _import_lines(old_nodes) if old_out else set()
    import_new = _import_lines(new_nodes) if new_out else set()
    stray_old = [n for n in old_out if n not in import_old and ctx.removed[n].strip()]
    stray_new = [n for n in new_out if n not in import_new and ctx.added[n].strip()]
    if stray_old or stray_new:
        line = stray_new[0] if stray_new else None
        part.symbols.append(Symbol("statement", "(module level)", "modified", line))

    removed_module = module_signal(ctx, spec) if api_file else None
    if removed_module is not None:
        part.signals.append(removed_module)

    part.cosmetic = judge_cosmetic(ctx, spec)
    return part


def analyzer(spec: CodeSpec) -> Callable[[FileContext], Partial]:
    """The ``analyze(ctx)`` of a language module, named after its grammar for profiles."""

    def run(ctx: FileContext) -> Partial:
        return analyze(ctx, spec)

    run.__name__ = f"analyze_{spec.grammar}"
    return run
