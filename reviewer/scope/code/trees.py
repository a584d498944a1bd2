"""The trees a language reads and what its one query finds in them, around the changed lines."""

from __future__ import annotations

import bisect
import weakref
from typing import TYPE_CHECKING

from ...models import Side
from ...record import record
from .. import grammars
from ..engine import MAX_PARSE_CHARS, FileContext, Segment
from ..grammars import Node, QueryCursor
from .spec import CodeSpec

if TYPE_CHECKING:
    from tree_sitter import Query, Tree


def wants_cosmetic(ctx: FileContext) -> bool:
    """Whether the change can be cosmetic (then the query also finds comments and strings)."""
    return ctx.status == "modified" or ctx.status == "renamed"


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


@record
class _Bundle:
    query: Query
    #: pattern index -> what it finds (_DEFINITION, _ANCESTOR, _IMPORT or _COSMETIC)
    parts: tuple[int, ...]


@record
class Results:
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


_RESULTS: weakref.WeakKeyDictionary[FileContext, dict[tuple[Side, int, int], Results]]
_RESULTS = weakref.WeakKeyDictionary()


def results(ctx: FileContext, side: Side, spec: CodeSpec, seg: Segment, tree: Tree) -> Results:
    """Everything the language's query finds in ``tree``: around the changed lines of a whole file
    (a changed doc comment or attribute belongs to the definition below it, so the search reaches
    that far below), everywhere in a fragment."""
    cache = _RESULTS.get(ctx)
    if cache is None:
        cache = _RESULTS[ctx] = {}
    bundle = _bundle(spec, wants_cosmetic(ctx))
    key = (side, id(tree), id(bundle))  # the trees a context keeps alive; the bundles live forever
    cached = cache.get(key)
    if cached is not None:
        return cached
    rows = changed_rows(ctx, side, seg, below=_DOC_REACH) if spec.ranged else None
    out = Results([], [], [], [], [])
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
