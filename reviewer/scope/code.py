"""Scope of source code: definitions, signatures, imports, module statements, public API.

A language is a ``CodeSpec``: tree-sitter queries plus a few conventions (what qualifies a name,
what makes a symbol public). The algorithm is shared by every language.
"""

from __future__ import annotations

import bisect
import re
import weakref
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from ..models import PUBLIC_API, Side, Signal, Symbol
from ..record import field, record
from ..rx import lazy
from . import grammars
from .engine import (
    MAX_PARSE_CHARS,
    Definition,
    FileContext,
    Partial,
    Segment,
    cosmetic_level,
    diff_definitions,
    digest,
    squash,
    text_of,
)
from .grammars import Node, QueryCursor

if TYPE_CHECKING:
    from tree_sitter import Query, Tree

PublicRule = Callable[[Node, str, "CodeSpec", FileContext], "bool | None"]

#: the name a fragment repair gives to the blocks a hunk cut open; never reported, never a qualifier
SENTINEL = "__hunk__"

_API_KINDS = frozenset(
    [
        "function",
        "method",
        "class",
        "interface",
        "struct",
        "enum",
        "trait",
        "type",
        "module",
        "variable",
        "constant",
        "field",
        "property",
        "object",
        "protocol",
        "record",
        "namespace",
        "macro",
    ]
)


def _default_name(node: Node) -> str:
    return text_of(node.child_by_field_name("name"))


@record(slots=False)
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
    #: comment-like strings (docstrings): a ``strings`` capture that is counted as a comment too
    docstring: Callable[[Node], bool] | None = None
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
    #: per hunk segment, the segment to parse instead (hunk mode only): a language may rewrite the
    #: heading row to reopen the blocks the cut left open (see ``repair_fragment``); real rows stay
    fragment: Callable[[Segment], Segment] | None = None
    #: the definition a captured ``@def`` stands for, or None when it is none: lets a pattern capture
    #: a node cheaply instead of nesting (a nested pattern can cost milliseconds to compile)
    definition_of: Callable[[Node], Node | None] | None = None
    #: the reported name of a captured ``@name`` node (default: its text)
    name_of: Callable[[Node], str] | None = None
    #: definitions local to a function (nested functions, members of anonymous classes) are dropped
    #: instead of being reported as non-public
    drop_local: bool = False
    #: node types that are a definition's body when no ``body_fields`` field is (Kotlin)
    body_types: frozenset[str] = frozenset()
    #: the symbol kind of a captured definition when its node type is not enough
    kind_of: Callable[[Node, str], str] | None = None
    #: sibling node types above a definition that belong to it like its comments (Rust attributes)
    leading: frozenset[str] = frozenset()
    #: containers that qualify names but hold functions, not methods (Rust `mod`, TS `namespace`)
    namespaces: frozenset[str] = frozenset()
    #: in full mode, look for definitions only around the changed lines (a definition that holds
    #: no changed line cannot change); off for languages whose ``refine`` reads every definition
    ranged: bool = False
    #: name a function defined inside another by its enclosing function (`view.inner`)
    qualify_locals: bool = False


def _qualify(
    node: Node, name: str, spec: CodeSpec, ancestors: list[Node]
) -> tuple[str, bool, bool]:
    """Qualified name, whether it sits directly in a container, whether it is local to a function.

    ``ancestors``: the containers and functions around ``node``, nearest first.
    """
    parts = [name]
    direct_container = False
    local = False
    first = True
    for anc in ancestors:
        if anc.type in spec.functions:
            local = True
            first = False
            if spec.qualify_locals:
                fname = _default_name(anc)
                if fname and fname != SENTINEL:
                    parts.append(fname)  # `view.inner`, like Python's own __qualname__
            continue
        if anc.type in spec.containers:
            cname = spec.container_name(anc)
            if cname and cname != SENTINEL:
                parts.append(cname)
            if first and anc.type not in spec.namespaces:
                direct_container = True
            first = False
    qual = spec.qualifier(node) if spec.qualifier else None
    if qual:
        parts.append(qual)
        direct_container = True
    return ".".join(reversed(parts)), direct_container, local


def _enclosing(candidates: list[Node], nodes: list[Node]) -> dict[int, list[Node]]:
    """For each node, the containers and functions around it (``candidates``), nearest first.

    One sweep over byte ranges: walking ``parent`` costs the depth of the tree at every step,
    which deeply nested input turns into cubic time.
    """
    if not nodes or not candidates:
        return {}
    # at one start, outer first; a candidate before a definition with the very same range
    events = sorted(
        [(c.start_byte, -c.end_byte, 0, i) for i, c in enumerate(candidates)]
        + [(n.start_byte, -n.end_byte, 1, i) for i, n in enumerate(nodes)]
    )
    out: dict[int, list[Node]] = {}
    stack: list[Node] = []
    for start, _neg_end, what, i in events:
        while stack and stack[-1].end_byte <= start:
            stack.pop()
        if what == 0:
            stack.append(candidates[i])
            continue
        node = nodes[i]
        out[node.id] = [a for a in reversed(stack) if a.id != node.id][:_MAX_NESTING]
    return out


#: qualification and locality look no further out than this many containers and functions
_MAX_NESTING = 64


def parents(node: Node, limit: int = 32) -> Iterator[Node]:
    """The ancestors of ``node``, nearest first, at most ``limit`` of them.

    Each step up costs the depth of the tree, so deeply nested input is never walked to its root.
    """
    p = node.parent
    while p is not None and limit > 0:
        yield p
        limit -= 1
        p = p.parent


_ANCESTOR_QUERIES: dict[tuple[str, frozenset[str]], str] = {}


def _ancestor_types(spec: CodeSpec) -> str:
    """A query capturing every node type of ``spec.containers`` and ``spec.functions``."""
    key = (spec.grammar, spec.containers | spec.functions)
    query = _ANCESTOR_QUERIES.get(key)
    if query is None:
        lang = grammars.language(spec.grammar)
        valid = sorted(t for t in key[1] if lang.id_for_node_kind(t, True))
        query = _ANCESTOR_QUERIES[key] = (
            "[" + " ".join(f"({t})" for t in valid) + "] @n" if valid else ""
        )
    return query


def _range_start(node: Node, spec: CodeSpec) -> Node:
    """The node whose start begins the definition: wrappers and doc comments above count."""
    outer = node
    while outer.parent is not None and outer.parent.type in spec.wrappers:
        outer = outer.parent
    prev = outer.prev_named_sibling
    first = outer
    while (
        prev is not None
        and ("comment" in prev.type or prev.type in spec.leading)
        and prev.end_point[0] >= first.start_point[0] - 1
    ):
        first = prev
        prev = prev.prev_named_sibling
    return first


def _signature_and_body(node: Node, spec: CodeSpec, with_body: bool = True) -> tuple[str, str]:
    """The header up to the body (comments left out) and the body text (only ``with_body``)."""
    body = None
    for f in spec.body_fields:
        body = node.child_by_field_name(f)
        if body is not None:
            break
    if body is None and spec.body_types:
        body = next((c for c in node.children if c.type in spec.body_types), None)
    if body is None:
        # `val x: Int = 1`: what follows the `=` is a value, not part of the signature (also
        # when the definition is the statement that wraps the assignment, as in Python)
        target = node
        if node.named_child_count == 1 and not any(c.type == "=" for c in node.children):
            target = node.named_children[0]
        eq = next((c for c in target.children if c.type == "="), None)
        body = eq.next_sibling if eq is not None else None
    if body is None:
        text = text_of(node)
        return "".join(text.split("\n", 1)[0].split()), text
    start = node.start_byte
    raw = node.text or b""
    cut = body.start_byte - start
    head = raw[:cut]
    body_text = raw[cut : body.end_byte - start].decode("utf-8", "replace") if with_body else ""
    children = node.children
    if not any("comment" in c.type for c in children if c.start_byte < body.start_byte):
        # only whitespace lies between a node's children, and the signature drops whitespace
        return "".join(head.decode("utf-8", "replace").split()), body_text
    parts = []
    for child in children:
        if child.start_byte >= body.start_byte:
            break
        if "comment" not in child.type:
            parts.append(text_of(child))
    return "".join(" ".join(parts).split()), body_text


def definitions(ctx: FileContext, side: Side, spec: CodeSpec) -> list[Definition]:
    out: list[Definition] = []
    changed = ctx.changed(side)
    for seg, tree in spec_trees(ctx, side, spec):
        found: list[Definition] = []
        results = _results(ctx, side, spec, seg, tree)
        around = _enclosing(
            results.ancestors, [caps["def"][0] for caps in results.definitions if caps.get("def")]
        )
        for caps in results.definitions:
            defs = caps.get("def")
            names = caps.get("name")
            if not defs or not names:
                continue
            node, name_node = defs[0], names[0]
            name = (
                spec.name_of(name_node) if spec.name_of is not None else text_of(name_node).strip()
            )
            if not name or name == SENTINEL:
                continue
            kind = spec.kinds.get(node.type, node.type)
            if spec.kind_of is not None:
                kind = spec.kind_of(node, kind)
            if spec.accept is not None and not spec.accept(node, kind):
                continue
            qual, in_container, local = _qualify(node, name, spec, around.get(node.id, []))
            if local and spec.drop_local:
                continue
            if in_container and kind == "function":
                kind = spec.method_kind
            start_node = _range_start(node, spec)
            head_row = name_node.start_point[0]
            virtual = seg.line_of(head_row) is None
            head_line = seg.clamp_line(head_row)
            # only a definition whose header changed can be added, deleted or renamed: its body
            # is digested to pair a rename
            hashed = not virtual and head_line in changed
            signature, body = _signature_and_body(node, spec, hashed)
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
                    digest=digest(body) if hashed else "",
                    public=public,
                    virtual=virtual,
                )
            )
        out.extend(spec.refine(seg, found) if spec.refine is not None else found)
    return out


def _import_nodes(ctx: FileContext, side: Side, spec: CodeSpec) -> list[tuple[Segment, Node]]:
    """Import statements on ``side`` (around the changed lines of a whole file)."""
    if spec.imports is None:
        return []
    out: list[tuple[Segment, Node]] = []
    for seg, tree in spec_trees(ctx, side, spec):
        out.extend((seg, node) for node in _results(ctx, side, spec, seg, tree).imports)
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
    for sym, o, n in changes:
        part.symbols.append(sym)
        if api_file and o is not None and n is not None and o.public and n.public is False:
            if sym.kind in _API_KINDS:
                part.signals.append(
                    Signal(
                        kind=PUBLIC_API,
                        code="code.public_hidden",
                        detail=f"makes public {sym.kind} `{sym.name}` non-public",
                        line=sym.line,
                        side="new",
                        symbol=sym.name,
                        severity="medium",
                    )
                )
            continue
        if api_file and sym.public and sym.kind in _API_KINDS and not _module_hook(sym.name):
            if sym.change == "deleted":
                part.signals.append(
                    Signal(
                        kind=PUBLIC_API,
                        code="code.public_removed",
                        detail=f"removes public {sym.kind} `{sym.name}`",
                        line=sym.line,
                        side="old",
                        symbol=sym.name,
                        severity="medium",
                    )
                )
            elif sym.change == "signature":
                part.signals.append(
                    Signal(
                        kind=PUBLIC_API,
                        code="code.public_signature",
                        detail=f"changes the signature of public {sym.kind} `{sym.name}`",
                        line=sym.line,
                        side="new",
                        symbol=sym.name,
                        severity="medium",
                    )
                )
            elif sym.change == "renamed":
                part.signals.append(
                    Signal(
                        kind=PUBLIC_API,
                        code="code.public_renamed",
                        detail=f"renames public {sym.kind} `{sym.old_name}` to `{sym.name}`",
                        line=sym.line,
                        side="new",
                        symbol=sym.name,
                        severity="medium",
                    )
                )

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

    if (
        ctx.status == "deleted"
        and api_file
        and spec.extra.get("module_is_api")
        and not _private_module(ctx.path)
    ):
        part.signals.append(
            Signal(
                kind=PUBLIC_API,
                code="code.module_removed",
                detail=f"deletes module `{ctx.path}`",
                side="old",
                severity="high",
            )
        )

    part.cosmetic = _cosmetic(ctx, spec)
    return part


def _cosmetic(ctx: FileContext, spec: CodeSpec) -> str | None:
    if not _wants_cosmetic(ctx):
        return None
    old_c, old_s = _spans(ctx, "old", spec)
    new_c, new_s = _spans(ctx, "new", spec)
    return cosmetic_level(ctx, (old_c, new_c), (old_s, new_s) if spec.strings else None)


def _wants_cosmetic(ctx: FileContext) -> bool:
    return ctx.status == "modified" or ctx.status == "renamed"


Spans = dict[int, list[tuple[int, int]]]


def _spans(ctx: FileContext, side: Side, spec: CodeSpec) -> tuple[Spans, Spans]:
    """Byte spans per changed line of comments and of strings (like engine.excluded_spans)."""
    wanted = ctx.changed(side)
    comments: Spans = {}
    strings: Spans = {}
    for seg, tree in spec_trees(ctx, side, spec):
        results = _results(ctx, side, spec, seg, tree)
        for node in results.comments:
            _add_span(seg, node, wanted, comments)
        for node in results.strings:
            _add_span(seg, node, wanted, strings)
    for spans in (comments, strings):
        for line, items in spans.items():
            spans[line] = sorted(set(items))
    return comments, strings


def _add_span(seg: Segment, node: Node, wanted: dict[int, str], into: Spans) -> None:
    (r0, c0), (r1, c1) = node.start_point, node.end_point
    for row in range(r0, r1 + 1):
        line = seg.line_of(row)
        if line is not None and line in wanted:
            into.setdefault(line, []).append((c0 if row == r0 else 0, c1 if row == r1 else 1 << 30))


#: changed lines closer than this are searched as one range
_RANGE_GAP = 40
#: how far below a changed line the definition that a doc comment documents may start
_DOC_REACH = 60


def changed_rows(
    ctx: FileContext, side: Side, seg: Segment, *, below: int = 0
) -> list[tuple[int, int]] | None:
    """Tree rows around the changed lines of a whole-file segment; None (everything) for fragments."""
    if not ctx.full:
        return None
    lines = ctx.changed_sorted(side)
    out: list[tuple[int, int]] = []
    if not lines:
        return out
    start = prev = lines[0]
    for n in lines[1:]:
        if n - prev > _RANGE_GAP:
            out.append((start, prev))
            start = n
        prev = n
    out.append((start, prev))
    base = seg.first_line + (1 if seg.heading else 0) + seg.prefix_rows
    return [(a - base, b - base + below) for a, b in out]


# --- one query per language ---------------------------------------------------------------------
#
# Compiling a tree-sitter query costs about 1.7 ms for Python whatever its size (the analysis walks
# the grammar's parse states), and each query run walks the tree again. So a language's definitions,
# containers, imports, comments and strings are one query, run once per tree around the changed
# lines; each pattern's index says which of those it is.

_DEFINITION, _ANCESTOR, _IMPORT, _COSMETIC = range(4)


@record
class _Bundle:
    query: Query
    #: pattern index -> what it finds (_DEFINITION, _ANCESTOR, _IMPORT or _COSMETIC)
    parts: tuple[int, ...]


@record
class _Results:
    #: the captures of each definition match, in match order
    definitions: list[dict[str, list[Node]]]
    #: containers and functions (to qualify and localise definitions)
    ancestors: list[Node]
    #: ``@import`` captures (other captures of the import patterns serve their predicates)
    imports: list[Node]
    comments: list[Node]
    strings: list[Node]


_BUNDLES: dict[tuple[str, ...], _Bundle] = {}


def _bundle(spec: CodeSpec, cosmetic: bool) -> _Bundle:
    sources = [spec.definitions, _ancestor_types(spec), spec.imports or ""]
    if cosmetic:
        # strings are the ``@s`` captures, comments all the others
        sources.append("\n".join(q for q in (spec.comments, spec.strings) if q))
    key = (spec.grammar, *sources)
    bundle = _BUNDLES.get(key)
    if bundle is None:
        text = ""
        starts: list[int] = []
        for src in sources:
            starts.append(len(text.encode()))
            text += src + "\n"
        query = grammars.query(spec.grammar, text)
        parts = tuple(
            bisect.bisect_right(starts, query.start_byte_for_pattern(i)) - 1
            for i in range(query.pattern_count)
        )
        bundle = _BUNDLES[key] = _Bundle(query, parts)
    return bundle


_RESULTS: weakref.WeakKeyDictionary[FileContext, dict[tuple[Side, int, int], _Results]]
_RESULTS = weakref.WeakKeyDictionary()


def _results(ctx: FileContext, side: Side, spec: CodeSpec, seg: Segment, tree: Tree) -> _Results:
    """Everything the language's query finds in ``tree``: around the changed lines of a whole file
    (a changed doc comment or attribute belongs to the definition below it, so the search reaches
    that far below), everywhere in a fragment."""
    cache = _RESULTS.get(ctx)
    if cache is None:
        cache = _RESULTS[ctx] = {}
    bundle = _bundle(spec, _wants_cosmetic(ctx))
    key = (side, id(tree), id(bundle))  # the trees a context keeps alive; the bundles live forever
    cached = cache.get(key)
    if cached is not None:
        return cached
    rows = changed_rows(ctx, side, seg, below=_DOC_REACH) if spec.ranged else None
    out = _Results([], [], [], [], [])
    seen_matches: set[tuple[int, tuple[tuple[str, int], ...]]] = set()
    overlapping = rows is not None and len(rows) > 1  # a match can show up in two ranges
    seen_nodes: set[tuple[int, int, int, str]] = set()
    for r0, r1 in rows if rows is not None else [(-1, -1)]:
        cursor = QueryCursor(bundle.query)
        if rows is not None:
            cursor.set_point_range((max(r0, 0), 0), (r1 + 1, 0))
        for idx, caps in cursor.matches(tree.root_node):
            part = bundle.parts[idx]
            if part == _DEFINITION:
                if spec.definition_of is not None and caps.get("def"):
                    lifted = spec.definition_of(caps["def"][0])
                    if lifted is None:
                        continue
                    caps["def"] = [lifted]
                if overlapping:
                    mkey = (
                        idx,
                        tuple(sorted((k, n.start_byte) for k, ns in caps.items() for n in ns)),
                    )
                    if mkey in seen_matches:
                        continue
                    seen_matches.add(mkey)
                out.definitions.append(caps)
                continue
            for name, nodes in caps.items():
                if part == _IMPORT and name != "import":
                    continue
                bucket = name if part == _COSMETIC else ""
                for node in nodes:
                    nkey = (part, node.start_byte, node.end_byte, bucket)
                    if nkey in seen_nodes:
                        continue
                    seen_nodes.add(nkey)
                    if part == _ANCESTOR:
                        out.ancestors.append(node)
                    elif part == _IMPORT:
                        out.imports.append(node)
                    elif name == "s":
                        out.strings.append(node)
                        if spec.docstring is not None and spec.docstring(node):
                            out.comments.append(node)
                    else:
                        out.comments.append(node)
    cache[key] = out
    return out


def analyzer(spec: CodeSpec) -> Callable[[FileContext], Partial]:
    def run(ctx: FileContext) -> Partial:
        return analyze(ctx, spec)

    run.__name__ = f"analyze_{spec.grammar}"
    return run


# --- hunk fragments of block languages -------------------------------------------------------------

_FRAGMENT_TREES: weakref.WeakKeyDictionary[
    FileContext, dict[tuple[Side, str], list[tuple[Segment, Tree]]]
]
_FRAGMENT_TREES = weakref.WeakKeyDictionary()


def spec_trees(ctx: FileContext, side: Side, spec: CodeSpec) -> list[tuple[Segment, Tree]]:
    """The trees ``spec`` reads: the file's own in full mode, repaired fragments in hunk mode."""
    if spec.fragment is None or ctx.full:
        return ctx.trees(side, spec.grammar)
    cache = _FRAGMENT_TREES.get(ctx)
    if cache is None:
        cache = _FRAGMENT_TREES[ctx] = {}
    key = (side, spec.grammar)
    cached = cache.get(key)
    if cached is not None:
        return cached
    out: list[tuple[Segment, Tree]] = []
    if grammars.available(spec.grammar):
        parser = grammars.parser(spec.grammar)
        for seg in ctx.segments(side):
            if len(seg.text) > MAX_PARSE_CHARS:
                ctx.note(
                    f"{side} side has a fragment of {len(seg.text) // 1000} kB; "
                    "not parsed, reviewed from its lines only"
                )
                continue
            fixed = spec.fragment(seg)
            out.append((fixed, parser.parse(fixed.text.encode("utf-8", "replace"))))
    cache[key] = out
    return out


@record(slots=False)
class FragmentSyntax:
    """What a hunk fragment of a block language needs to parse as the inside of its blocks.

    A hunk starts wherever the change is, often deep inside a method of a class whose header is
    only known from git's section heading. Its first rows may close blocks that opened above it
    (``}`` or ``end`` rows less indented than anything before them); error recovery then ends
    the class there and parses the rest at top level, and the statements before look like
    garbage members. ``repair_fragment`` rewrites the virtual heading row so that it reopens the
    heading's block and one block for every such closer; the rows of the hunk are never changed.
    """

    #: a row (indentation stripped) that closes a block
    closer: re.Pattern[str]
    #: a row that starts a definition or member (function, method, class, field, annotation ...)
    header: re.Pattern[str]
    #: a row that starts a container (class, impl, module ...); None when the language has none
    container: re.Pattern[str] | None
    #: texts that open a function at top level, a method inside a container, a container, a block
    function_open: str
    method_open: str
    container_open: str | None = None
    block_open: str = "{"
    #: text that opens what a ``})`` row closes (a callback passed to a call)
    callback_open: str | None = None
    #: put before everything on the heading row (PHP's ``<?php``)
    prefix: str = ""
    #: rows starting so are comments: they neither open nor close blocks
    comment_prefixes: tuple[str, ...] = ("//", "/*", "*")
    #: the language has ``/* */`` comments (a fragment may start inside one)
    block_comment: bool = True
    #: blocks open with ``{`` (False: keyword blocks closed by ``end``)
    braces: bool = True
    #: for keyword blocks: a heading row that opens a block
    opens: re.Pattern[str] | None = None
    #: separates the texts put on the heading row
    joiner: str = " "
    #: line comment marker, cut from the heading before anything is appended to it
    line_comment: str = "//"
    #: the closers of the blocks still open at the end of a text (default: bracket counting)
    unclosed: Callable[[str], str] | None = None
    #: a heading that opens a namespace whose members are containers (C#): the hunk's rows are
    #: inside a class whose header it does not show
    namespace: re.Pattern[str] | None = None


_BRACKETS = lazy(r"[{}()\[\]]")
_CLOSING = {"{": "}", "(": ")", "[": "]"}


def unclosed_brackets(text: str) -> str:
    """The closers of the brackets ``text`` leaves open, innermost first (strings not parsed)."""
    stack: list[str] = []
    for ch in _BRACKETS.findall(text):
        if ch in _CLOSING:
            stack.append(ch)
        elif stack and _CLOSING[stack[-1]] == ch:
            stack.pop()
    return "".join(_CLOSING[ch] for ch in reversed(stack))


def _cut_line_comment(text: str, marker: str) -> str:
    """The text before a trailing line comment (quotes are counted, not parsed)."""
    pos = text.find(marker)
    while pos >= 0:
        before = text[:pos]
        if (
            before.count('"') % 2 == 0
            and before.count("'") % 2 == 0
            and (pos == 0 or before[-1] in " \t")
        ):
            return before.rstrip()
        pos = text.find(marker, pos + 1)
    return text.rstrip()


def _unclosed_paren(text: str) -> int | None:
    """Position of the outermost ``(`` that the (truncated) heading never closes."""
    stack: list[int] = []
    for i, ch in enumerate(text):
        if ch == "(":
            stack.append(i)
        elif ch == ")" and stack:
            stack.pop()
    return stack[0] if stack else None


def _heading_opens(head: str, syn: FragmentSyntax) -> bool:
    stripped = head.rstrip()
    if syn.braces:
        if stripped.endswith(("{", "(", "[")):
            return True
        return syn.header.match(stripped) is not None and "{" not in stripped
    return (syn.opens is not None and syn.opens.search(stripped) is not None) or (
        syn.header.match(stripped) is not None
    )


def _heading_text(head: str, syn: FragmentSyntax, brace_below: bool) -> str:
    """The heading as a complete block opener: cut where git truncated it, its brace restored."""
    text = head.rstrip()
    cut = None if text.endswith(("{", "(", "[")) else _unclosed_paren(text)
    if cut is not None:
        text = text[:cut] + "()"
    elif syn.braces and syn.container is not None and not text.endswith(("{", "(", "[")):
        m = syn.container.match(text)
        if m is not None and (
            text.count("<") != text.count(">") or text.count("[") != text.count("]")
        ):
            text = m.group(0)  # truncated inside a generic argument list
    if syn.braces and not text.endswith(("{", "(", "[")) and not brace_below:
        text += " {"
    return text


#: a fragment's code rows: (row, indentation, stripped text)
CodeRows = list[tuple[int, int, str]]


def _holds_members(code: CodeRows, lo: int, hi: int, syn: FragmentSyntax) -> bool | None:
    """Whether rows ``lo..hi`` (one block's direct content) look like a container's members.

    None when they hold no code at all.
    """
    i = bisect.bisect_left(code, (lo, -1, ""))
    j = bisect.bisect_right(code, (hi, 1 << 30, ""))
    if i >= j:
        return None
    top = min(ind for _r, ind, _s in code[i:j])
    return any(ind == top and syn.header.match(text) for _r, ind, text in code[i:j])


def repair_fragment(seg: Segment, syn: FragmentSyntax) -> Segment:
    """Reopen, on the heading row, the blocks that a hunk fragment is cut out of (class docstring)."""
    rows = seg.text.split("\n")
    body = 1 if seg.heading else 0
    head = _cut_line_comment(rows[0], syn.line_comment) if seg.heading else ""

    # rows that close a block opened above the fragment: less indented than every row before
    excess: list[int] = []
    code: CodeRows = []
    first_top: int | None = None  # first code row at the heading's indentation (column 0)
    low = 1 << 30
    in_comment = False
    comment_open = False
    prefixes = syn.comment_prefixes
    for r in range(body, len(rows)):
        row = rows[r]
        s = row.strip()
        if not s:
            continue
        if syn.block_comment and not code and not in_comment and s[0] == "*":
            in_comment = True  # the fragment starts inside a /* */ comment
        if in_comment:
            if "*/" in s:
                in_comment = False
                comment_open = comment_open or "/*" not in s.split("*/", 1)[0]
            continue
        if s.startswith(prefixes):
            continue
        ind = len(row) - len(row.lstrip(" \t"))
        code.append((r, ind, s))
        if ind < low:
            if syn.closer.match(s):
                excess.append(r)
            low = ind
        if first_top is None and ind == 0:
            first_top = r

    prefix = syn.prefix if syn.prefix and "<?" not in seg.text[:200] else ""
    opens = seg.heading and bool(head) and _heading_opens(head, syn)
    if not excess and not comment_open and not prefix and not opens:
        return _closed(seg, seg.text, syn, seg.heading)

    head_close: int | None = None  # index in ``excess`` of the row closing the heading's block
    if opens and first_top is not None:
        top_row = rows[first_top].strip()
        if first_top in excess:
            head_close = excess.index(first_top)
        elif not (syn.braces and top_row.startswith("{")):
            opens = False  # a new top-level definition: the heading's block ended above the hunk
    brace_below = first_top is not None and rows[first_top].strip().startswith("{")

    inner = excess if head_close is None else excess[:head_close]
    outer = [] if head_close is None else excess[head_close + 1 :]
    if not opens:
        inner, outer = [], excess

    # kinds from the outermost block inwards: container, method, function or block
    texts: list[str] = []
    parent = "top"
    bounds = dict(zip(excess, [body - 1, *excess], strict=False))  # closer row -> row before block
    for r in reversed(outer):
        parent = _push(texts, rows[r].strip(), code, bounds[r] + 1, r - 1, syn, parent)
    if opens:
        texts.append(_heading_text(head, syn, brace_below))
        if syn.namespace is not None and syn.namespace.match(head) and syn.container_open:
            texts.append(syn.container_open)
            parent = "container"
        elif syn.container is not None and syn.container.match(head):
            parent = "container"
        elif syn.header.match(head):
            parent = "function"
        else:
            parent = "block"
    elif head and not _heading_opens(head, syn) and not syn.closer.match(head.strip()):
        texts.insert(0, head)  # a statement (package clause, namespace ...): harmless context
    if parent == "container":
        # statements after the last closer the hunk shows: the hunk is inside a method
        tail_end = excess[head_close] - 1 if head_close is not None else len(rows) - 1
        if _holds_members(code, (inner[-1] if inner else body - 1) + 1, tail_end, syn) is False:
            texts.append(syn.method_open)
            parent = "function"
    for r in reversed(inner):
        parent = _push(texts, rows[r].strip(), code, bounds[r] + 1, r - 1, syn, parent)
    if (
        parent == "container"
        and _holds_members(code, body, (excess[0] if excess else len(rows)) - 1, syn) is False
    ):
        # statements directly under a class heading: the hunk starts inside one of its methods
        texts.append(syn.method_open)
    if comment_open:
        texts.append("/*")
    if prefix:
        texts.insert(0, prefix.rstrip())
    row0 = syn.joiner.join(t for t in texts if t)
    rest = "\n".join(rows[1:]) if seg.heading else seg.text
    return _closed(seg, row0 + "\n" + rest, syn, True)


def _closed(seg: Segment, text: str, syn: FragmentSyntax, heading: bool) -> Segment:
    """``text`` with the blocks it leaves open closed on its last, empty row."""
    closers = syn.unclosed(text) if syn.unclosed is not None else unclosed_brackets(text)
    if closers:
        text = text + closers if text.endswith("\n") else text + "\n" + closers
    if text is seg.text:
        return seg
    return Segment(
        side=seg.side,
        text=text,
        first_line=seg.first_line,
        heading=heading,
        prefix_rows=seg.prefix_rows,
    )


def _push(
    texts: list[str],
    closer: str,
    code: CodeRows,
    lo: int,
    hi: int,
    syn: FragmentSyntax,
    parent: str,
) -> str:
    """Append the opener matching ``closer`` and return the kind of block it opens."""
    if closer.startswith("})") and syn.callback_open is not None:
        texts.append(syn.callback_open)
        return "function"
    if closer.startswith(")"):
        texts.append(SENTINEL + "(")
        return "block"
    if closer.startswith("]"):
        texts.append("[")
        return "block"
    if syn.container_open is not None and _holds_members(code, lo, hi, syn):
        texts.append(syn.container_open)
        return "container"
    if parent == "container":
        texts.append(syn.method_open)
        return "function"
    if parent == "top":
        texts.append(syn.function_open)
        return "function"
    texts.append(syn.block_open)
    return "block"


def _module_hook(name: str) -> bool:
    """``__all__``, ``__getattr__``, ``__dir__`` at module level: machinery, not an API callers use."""
    return "." not in name and name.startswith("__") and name.endswith("__")


def _private_module(path: str) -> bool:
    """``pkg/_compat.py`` is private by convention (``__init__.py`` is the package itself)."""
    base = path.rsplit("/", 1)[-1]
    return base.startswith("_") and not base.startswith("__init__")
