"""Scope of source code: definitions, signatures, imports, module statements, public API.

A language is a ``CodeSpec``: tree-sitter queries plus a few conventions (what qualifies a name,
what makes a symbol public). The algorithm is shared by every language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from tree_sitter import Node

from ..models import PUBLIC_API, Side, Signal, Symbol
from .engine import (
    Definition,
    FileContext,
    Partial,
    Segment,
    captures,
    cosmetic_level,
    diff_definitions,
    digest,
    excluded_spans,
    iter_ancestors,
    matches,
    squash,
    text_of,
)

PublicRule = Callable[[Node, str, "CodeSpec", FileContext], "bool | None"]

_API_KINDS = frozenset(
    "function method class interface struct enum trait type module variable constant field "
    "property object protocol record namespace macro".split()
)


def _default_name(node: Node) -> str:
    return text_of(node.child_by_field_name("name"))


@dataclass(frozen=True)
class CodeSpec:
    grammar: str
    #: query whose matches capture ``@def`` (the definition node) and ``@name`` (its name)
    definitions: str
    #: node type -> symbol kind
    kinds: dict[str, str]
    #: node types whose name qualifies the definitions inside them (classes, impls, namespaces)
    containers: frozenset[str] = frozenset()
    #: node types that are functions: a definition nested in one is local, not API
    functions: frozenset[str] = frozenset()
    #: kind given to a function defined directly inside a container
    method_kind: str = "method"
    #: node types wrapping a definition whose range belongs to it (decorators, export)
    wrappers: frozenset[str] = frozenset()
    body_fields: tuple[str, ...] = ("body",)
    comments: str = "(comment) @c"
    #: comment-like strings (docstrings); counted as comments for cosmetic changes
    docstrings: str | None = None
    strings: str | None = None
    #: query capturing ``@import`` nodes
    imports: str | None = None
    is_public: PublicRule | None = None
    container_name: Callable[[Node], str] = _default_name
    #: extra qualifier for a definition (Go receivers, Rust impl types); None when not applicable
    qualifier: Callable[[Node], str | None] | None = None
    #: a last say on a captured definition (e.g. module variables must start in column 0)
    accept: Callable[[Node, str], bool] | None = None
    #: per segment, a chance to repair what error recovery got wrong on a fragment
    refine: Callable[[Segment, list[Definition]], list[Definition]] | None = None
    extra: dict[str, object] = field(default_factory=dict)


def _qualify(node: Node, name: str, spec: CodeSpec) -> tuple[str, bool, bool]:
    """Qualified name, whether it sits directly in a container, whether it is local to a function."""
    parts = [name]
    direct_container = False
    local = False
    first = True
    for anc in iter_ancestors(node):
        if anc.type in spec.functions:
            local = True
            first = False
            continue
        if anc.type in spec.containers:
            cname = spec.container_name(anc)
            if cname:
                parts.append(cname)
            if first:
                direct_container = True
            first = False
    qual = spec.qualifier(node) if spec.qualifier else None
    if qual:
        parts.append(qual)
        direct_container = True
    return ".".join(reversed(parts)), direct_container, local


def _range_start(node: Node, spec: CodeSpec) -> Node:
    """The node whose start begins the definition: wrappers and doc comments above count."""
    outer = node
    while outer.parent is not None and outer.parent.type in spec.wrappers:
        outer = outer.parent
    prev = outer.prev_named_sibling
    first = outer
    while prev is not None and "comment" in prev.type and prev.end_point[0] >= first.start_point[0] - 1:
        first = prev
        prev = prev.prev_named_sibling
    return first


def _signature_and_body(node: Node, spec: CodeSpec) -> tuple[str, str]:
    """The header up to the body (comments left out) and the body text."""
    body = None
    for f in spec.body_fields:
        body = node.child_by_field_name(f)
        if body is not None:
            break
    if body is None:
        text = text_of(node)
        return "".join(text.split("\n", 1)[0].split()), text
    parts = []
    for child in node.children:
        if child.start_byte >= body.start_byte:
            break
        if "comment" not in child.type:
            parts.append(text_of(child))
    return "".join(" ".join(parts).split()), text_of(body)


def definitions(ctx: FileContext, side: Side, spec: CodeSpec) -> list[Definition]:
    out: list[Definition] = []
    for seg, tree in ctx.trees(side, spec.grammar):
        found: list[Definition] = []
        for _idx, caps in matches(spec.grammar, spec.definitions, tree.root_node):
            defs = caps.get("def")
            names = caps.get("name")
            if not defs or not names:
                continue
            node, name_node = defs[0], names[0]
            name = text_of(name_node).strip()
            if not name:
                continue
            kind = spec.kinds.get(node.type, node.type)
            if spec.accept is not None and not spec.accept(node, kind):
                continue
            qual, in_container, local = _qualify(node, name, spec)
            if in_container and kind == "function":
                kind = spec.method_kind
            start_node = _range_start(node, spec)
            head_row = name_node.start_point[0]
            virtual = seg.heading and head_row == 0
            signature, body = _signature_and_body(node, spec)
            public: bool | None
            if local:
                public = False
            elif spec.is_public is not None:
                public = spec.is_public(node, name, spec, ctx)
            else:
                public = None
            found.append(
                Definition(
                    kind=kind,
                    name=qual,
                    start=seg.clamp_line(start_node.start_point[0]),
                    end=seg.clamp_line(node.end_point[0]),
                    head=seg.clamp_line(head_row),
                    signature="" if virtual else signature,
                    digest="" if virtual else digest(body),
                    public=public,
                    virtual=virtual,
                )
            )
        out.extend(spec.refine(seg, found) if spec.refine is not None else found)
    return out


def _import_texts(ctx: FileContext, side: Side, spec: CodeSpec) -> set[str]:
    """Imports on ``side`` that contain a changed line."""
    if spec.imports is None:
        return set()
    changed = ctx.changed(side)
    found: set[str] = set()
    for seg, tree in ctx.trees(side, spec.grammar):
        for nodes in captures(spec.grammar, spec.imports, tree.root_node).values():
            for node in nodes:
                rows = range(node.start_point[0], node.end_point[0] + 1)
                if any(seg.line_of(r) in changed for r in rows):
                    found.add(squash(text_of(node))[:160])
    return found


def _import_lines(ctx: FileContext, side: Side, spec: CodeSpec) -> set[int]:
    if spec.imports is None:
        return set()
    out: set[int] = set()
    for seg, tree in ctx.trees(side, spec.grammar):
        for nodes in captures(spec.grammar, spec.imports, tree.root_node).values():
            for node in nodes:
                for r in range(node.start_point[0], node.end_point[0] + 1):
                    line = seg.line_of(r)
                    if line is not None:
                        out.add(line)
    return out


def analyze(ctx: FileContext, spec: CodeSpec) -> Partial:
    part = Partial()
    old_defs = definitions(ctx, "old", spec)
    new_defs = definitions(ctx, "new", spec)
    # blank lines change nothing a reviewer would name a symbol for
    removed = [n for n in ctx.removed_sorted if ctx.removed[n].strip()]
    added = [n for n in ctx.added_sorted if ctx.added[n].strip()]
    changes, old_out, new_out = diff_definitions(
        old_defs, new_defs, removed, added, removed_set=ctx.removed, added_set=ctx.added
    )
    api_file = ctx.role not in ("test", "example", "docs", "generated")
    for sym, _o, _n in changes:
        part.symbols.append(sym)
        if api_file and sym.public and sym.kind in _API_KINDS:
            if sym.change == "deleted":
                part.signals.append(
                    Signal(PUBLIC_API, "code.public_removed", f"removes public {sym.kind} `{sym.name}`",
                           sym.line, "old", sym.name, "medium")
                )
            elif sym.change == "signature":
                part.signals.append(
                    Signal(PUBLIC_API, "code.public_signature",
                           f"changes the signature of public {sym.kind} `{sym.name}`", sym.line, "new", sym.name,
                           "medium")
                )
            elif sym.change == "renamed":
                part.signals.append(
                    Signal(PUBLIC_API, "code.public_renamed",
                           f"renames public {sym.kind} `{sym.old_name}` to `{sym.name}`", sym.line, "new", sym.name,
                           "medium")
                )

    # imports and the remaining module-level statements
    old_imports = _import_texts(ctx, "old", spec)
    new_imports = _import_texts(ctx, "new", spec)
    for text in sorted(new_imports - old_imports):
        part.symbols.append(Symbol("import", text, "added"))
    for text in sorted(old_imports - new_imports):
        part.symbols.append(Symbol("import", text, "deleted"))
    import_old = _import_lines(ctx, "old", spec) if old_out else set()
    import_new = _import_lines(ctx, "new", spec) if new_out else set()
    stray_old = [n for n in old_out if n not in import_old and ctx.removed[n].strip()]
    stray_new = [n for n in new_out if n not in import_new and ctx.added[n].strip()]
    if stray_old or stray_new:
        line = stray_new[0] if stray_new else None
        part.symbols.append(Symbol("statement", "(module level)", "modified", line))

    if ctx.status == "deleted" and api_file and spec.extra.get("module_is_api"):
        part.signals.append(
            Signal(PUBLIC_API, "code.module_removed", f"deletes module `{ctx.path}`", None, "old", None, "high")
        )

    part.cosmetic = _cosmetic(ctx, spec)
    return part


def _cosmetic(ctx: FileContext, spec: CodeSpec) -> str | None:
    if ctx.status != "modified" and ctx.status != "renamed":
        return None
    comment_q = spec.comments + ("\n" + spec.docstrings if spec.docstrings else "")
    old_trees, new_trees = ctx.trees("old", spec.grammar), ctx.trees("new", spec.grammar)
    comments = (
        excluded_spans(old_trees, comment_q, spec.grammar, ctx.removed),
        excluded_spans(new_trees, comment_q, spec.grammar, ctx.added),
    )
    strings = None
    if spec.strings:
        strings = (
            excluded_spans(old_trees, spec.strings, spec.grammar, ctx.removed),
            excluded_spans(new_trees, spec.strings, spec.grammar, ctx.added),
        )
    return cosmetic_level(ctx, comments, strings)


def analyzer(spec: CodeSpec) -> Callable[[FileContext], Partial]:
    def run(ctx: FileContext) -> Partial:
        return analyze(ctx, spec)

    run.__name__ = f"analyze_{spec.grammar}"
    return run
