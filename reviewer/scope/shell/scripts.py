"""Shell scripts: functions touched (tree-sitter) and the dangerous commands on added lines."""

from __future__ import annotations

from ..code import CodeSpec
from ..code import analyze as analyze_code
from ..engine import FileContext, Partial, Segment
from .danger import scan_commands


def segment_lines(seg: Segment) -> list[tuple[int, str]]:
    """The real lines of a segment, numbered (a hunk's heading row left out)."""
    out: list[tuple[int, str]] = []
    for row, text in enumerate(seg.text.split("\n")):
        line = seg.line_of(row)
        if line is not None:
            out.append((line, text))
    return out


def line_comments(ctx: FileContext) -> tuple[dict[int, list[tuple[int, int]]], ...]:
    """Whole-line ``#`` comments of the changed lines, as spans for ``cosmetic_level``."""
    return tuple(
        {n: [(0, 1 << 30)] for n, t in ctx.changed(side).items() if t.lstrip().startswith("#")}
        for side in ("old", "new")
    )


_BASH = CodeSpec(
    grammar="bash",
    definitions="(function_definition name: (word) @name) @def",
    kinds={"function_definition": "function"},
    # shell has no nesting or visibility to speak of, and a hunk heading such as `build() {`
    # makes later functions of the fragment look nested: leave both notions out
    comments="(comment) @c",
    strings="(string) @s (raw_string) @s",
)


def analyze(ctx: FileContext) -> Partial:
    part = analyze_code(ctx, _BASH)
    for seg in ctx.segments("new"):
        part.signals.extend(scan_commands(segment_lines(seg), only=ctx.added))
    return part
