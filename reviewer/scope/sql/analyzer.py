"""One SQL file: statements created, altered or dropped as symbols, and the risky ones added."""

from __future__ import annotations

import bisect
import posixpath
import re
from collections.abc import Iterator

from ...models import Side, Signal, Symbol
from ...record import record
from ...rx import lazy
from ..engine import (
    Definition,
    FileContext,
    Partial,
    Segment,
    any_in,
    captures,
    cosmetic_level,
    diff_definitions,
    digest,
    line_starts,
)
from .classify import classify, create_target
from .split import Statement, comment_spans, split_statements

_DOWN_MARKER_RE = lazy(r"^\s*--\s*(?:\+goose\s+down|\+migrate\s+down|migrate:down)\b", re.I | re.M)
_UP_MARKER_RE = lazy(r"^\s*--\s*(?:\+goose\s+up|\+migrate\s+up|migrate:up)\b", re.I | re.M)
_DOWN_PATH_RE = lazy(r"(^|[/._-])(down|rollback|revert)([/._-]|$)", re.I)


@record
class _Stmt:
    first: int  # real line numbers
    last: int
    head: int  # line of the statement's first word
    virtual: bool  # begins on the hunk's section heading
    text: str
    down: bool  # only runs when a migration is rolled back


def _statements(ctx: FileContext, side: Side) -> list[_Stmt]:
    out: list[_Stmt] = []
    down_file = (
        bool(_DOWN_PATH_RE.search(posixpath.basename(ctx.path))) or "/down/" in ctx.path.lower()
    )
    for seg, clean in _spans(ctx, side):
        text = seg.text
        starts = line_starts(text)
        down_at = _down_sections(text)
        for st in clean:
            row0 = bisect.bisect_right(starts, st.start) - 1
            row1 = bisect.bisect_right(starts, max(st.start, st.end - 1)) - 1
            first = seg.clamp_line(row0)
            out.append(
                _Stmt(
                    first,
                    seg.clamp_line(row1),
                    first,
                    seg.heading and row0 == 0,
                    st.text,
                    down_file or any(a <= st.start < b for a, b in down_at),
                )
            )
    return out


def _spans(ctx: FileContext, side: Side) -> Iterator[tuple[Segment, list[Statement]]]:
    """Statements of each segment: tree-sitter's where it parses cleanly, the splitter's elsewhere."""
    for seg, tree in ctx.trees(side, "sql"):
        root = tree.root_node
        if root.has_error:
            yield seg, split_statements(seg.text)
            continue
        raw = seg.text.encode("utf-8", "replace")
        stmts: list[Statement] = []
        for node in captures("sql", "(program (statement) @s)", root).get("s", []):
            piece = raw[node.start_byte : node.end_byte].decode("utf-8", "replace")
            start = len(raw[: node.start_byte].decode("utf-8", "replace"))
            stmts.extend(
                Statement(start + s.start, start + s.end, s.text) for s in split_statements(piece)
            )
        stmts.sort(key=lambda s: s.start)
        yield seg, stmts


def _down_sections(text: str) -> list[tuple[int, int]]:
    """Character ranges of ``-- +goose Down`` style sections (they run only on rollback)."""
    downs = [m.start() for m in _DOWN_MARKER_RE.finditer(text)]
    if not downs:
        return []
    ups = [m.start() for m in _UP_MARKER_RE.finditer(text)]
    out = []
    for d in downs:
        nxt = min((u for u in ups if u > d), default=len(text))
        out.append((d, nxt))
    return out


def analyze(ctx: FileContext) -> Partial:
    """The scope of one SQL file."""
    part = Partial()
    old = _statements(ctx, "old")
    new = _statements(ctx, "new")
    removed = [n for n in ctx.removed_sorted if ctx.removed[n].strip()]
    added = [n for n in ctx.added_sorted if ctx.added[n].strip()]
    changes, _o, _n = diff_definitions(
        _definitions(old),
        _definitions(new),
        removed,
        added,
        removed_set=ctx.removed,
        added_set=ctx.added,
    )
    part.symbols.extend(sym for sym, _od, _nd in changes)
    seen = {(s.kind, s.name) for s in part.symbols}
    for st in new:
        if not any_in(ctx.added_sorted, st.first, st.last):
            continue
        if st.down:
            continue  # undoing what the up section creates is what a rollback section is for
        for action in classify(st.text):
            if action.change != "added" and (action.obj_kind, action.obj_name) not in seen:
                seen.add((action.obj_kind, action.obj_name))
                part.symbols.append(
                    Symbol(action.obj_kind, action.obj_name, action.change, st.head)
                )
            if action.code is None or action.kind is None:
                continue
            part.signals.append(
                Signal(
                    kind=action.kind,
                    code=action.code,
                    detail=action.detail,
                    line=st.head,
                    side="new",
                    symbol=action.obj_name,
                    severity=action.severity,
                )
            )
    part.cosmetic = _cosmetic(ctx)
    return part


def _definitions(stmts: list[_Stmt]) -> list[Definition]:
    out: list[Definition] = []
    for st in stmts:
        target = None if st.down else create_target(st.text)
        if target is None:
            continue
        kind, name = target
        body = st.text.split(None, 1)[-1]
        body = (
            body[body.upper().find(name.upper()) + len(name) :]
            if name.upper() in body.upper()
            else body
        )
        out.append(
            Definition(
                kind=kind,
                name=name,
                start=st.first,
                end=st.last,
                head=st.head,
                digest="" if st.virtual else digest(f"{kind} {body}"),
                virtual=st.virtual,
            )
        )
    return out


def _cosmetic(ctx: FileContext) -> str | None:
    if ctx.status not in ("modified", "renamed"):
        return None
    spans: list[dict[int, list[tuple[int, int]]]] = []
    for side in ("old", "new"):
        changed = ctx.changed(side)
        found: dict[int, list[tuple[int, int]]] = {}
        for seg in ctx.segments(side):
            rows = seg.text.split("\n")
            starts = line_starts(seg.text)
            for a, b in comment_spans(seg.text):
                r0 = bisect.bisect_right(starts, a) - 1
                r1 = bisect.bisect_right(starts, max(a, b - 1)) - 1
                for r in range(r0, r1 + 1):
                    line = seg.line_of(r)
                    if line is None or line not in changed or r >= len(rows):
                        continue
                    c0 = a - starts[r] if r == r0 else 0
                    c1 = b - starts[r] if r == r1 else len(rows[r])
                    row = rows[r]
                    found.setdefault(line, []).append(
                        (
                            len(row[:c0].encode("utf-8", "replace")),
                            len(row[:c1].encode("utf-8", "replace")),
                        )
                    )
        spans.append(found)
    return cosmetic_level(ctx, (spans[0], spans[1]))
