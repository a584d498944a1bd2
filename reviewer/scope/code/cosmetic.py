"""Whether a code change only touches whitespace, comments or strings."""

from __future__ import annotations

from ...models import Side
from ..engine import FileContext, Segment, cosmetic_level
from ..grammars import Node
from .spec import CodeSpec
from .trees import results, spec_trees, wants_cosmetic


def judge_cosmetic(ctx: FileContext, spec: CodeSpec) -> str | None:
    """The cosmetic level of a modified or renamed file (``engine.cosmetic_level``), else None."""
    if not wants_cosmetic(ctx):
        return None
    old_c, old_s = _spans(ctx, "old", spec)
    new_c, new_s = _spans(ctx, "new", spec)
    return cosmetic_level(ctx, (old_c, new_c), (old_s, new_s) if spec.strings else None)


Spans = dict[int, list[tuple[int, int]]]


def _spans(ctx: FileContext, side: Side, spec: CodeSpec) -> tuple[Spans, Spans]:
    """Byte spans per changed line of comments and of strings (like engine.excluded_spans)."""
    wanted = ctx.changed(side)
    comments: Spans = {}
    strings: Spans = {}
    for seg, tree in spec_trees(ctx, side, spec):
        found = results(ctx, side, spec, seg, tree)
        for node in found.comments:
            _add_span(seg, node, wanted, comments)
        for node in found.strings:
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
