"""Diff excerpts for the prompt: hunks cut into small blocks, redacted, ranked by risk. Pure.

A block is a run of changed lines without context, at most ``MAX_BLOCK_LINES`` long (a licence header
counts as one line, the indentation all its lines share is dropped), so the budget can take the first
block of every risky file before the second block of any. The rank puts destructive change kinds
(deleted resources, dropped data, replacements, protections, permissions, environment and state,
dangerous commands) first, then every other risky or unexplained file. Explained plain code, tests,
cosmetic hunks, docs, lockfiles and generated files are not worth reading: the model sees them by
name and symbols only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from ..models import DESTRUCTIVE_KINDS, FileDiff, FileReview, Hunk, severity_rank
from ..record import record
from ..rx import lazy
from .redact import Redactor

MAX_BLOCK_LINES = 10
#: a run of deleted lines is shown by its first lines: the symbols it held are listed by name anyway
DELETION_PREVIEW = 6
MAX_LINE_CHARS = 240
#: context lines around changes: none; the hunk heading names the enclosing function instead
CONTEXT = 0
MAX_SECTION_CHARS = 60

DESTRUCTIVE = DESTRUCTIVE_KINDS
#: roles whose hunks are read only when nothing riskier wants the room (never, by default)
LOW_VALUE_ROLES = frozenset({"docs", "changelog", "lockfile", "generated", "asset", "example"})

TIER_DESTRUCTIVE, TIER_RISKY, TIER_CODE, TIER_COSMETIC = 0, 1, 2, 3


@record
class Block:
    path: str
    file_order: int
    index: int  # position within the file
    tier: int
    signal: bool  # a risk signal points into this block
    text: str  # "@@ -a +b @@" header and the lines, redacted
    changed: int  # changed lines shown
    truncated: bool  # a line was shortened or lines were left out

    @property
    def must_read(self) -> bool:
        """Read even if it takes another request: a risky file's first block and its signal blocks."""
        return self.tier <= TIER_RISKY and (self.signal or self.index == 0)

    @property
    def worth_reading(self) -> bool:
        """Hunks of destructive, risky or unexplained files; plain explained code and docs: never."""
        return self.tier <= TIER_RISKY

    @property
    def key(self) -> tuple[int, int, int, int]:
        return (self.tier, 0 if self.signal else 1, self.index, self.file_order)


def file_tier(fd: FileDiff, fr: FileReview | None, risky_paths: frozenset[str]) -> int:
    scope = fr.scope if fr is not None else None
    if scope is not None:
        if any(
            s.kind in DESTRUCTIVE or severity_rank(s.severity) >= severity_rank("high")
            for s in scope.signals
        ):
            return TIER_DESTRUCTIVE
        if scope.cosmetic is not None or scope.role in LOW_VALUE_ROLES:
            return TIER_COSMETIC
        plain = scope.role in ("test", "example")
        if scope.signals or (not plain and (not fr.explained or fd.path in risky_paths)):  # type: ignore[union-attr]
            return TIER_RISKY
        return TIER_CODE
    if fd.path in risky_paths:
        return TIER_RISKY
    return TIER_COSMETIC if fd.binary else TIER_CODE


def blocks_for(
    fd: FileDiff,
    *,
    file_order: int,
    tier: int,
    signal_lines: frozenset[tuple[str, int]],
    redactor: Redactor,
) -> list[Block]:
    out: list[Block] = []
    for hunk in fd.hunks:
        lines = redactor.lines(fd.path, hunk.lines)
        section = redactor.text(hunk.section.strip()[:MAX_SECTION_CHARS])
        red = Hunk(
            hunk.old_start, hunk.old_count, hunk.new_start, hunk.new_count, section, tuple(lines)
        )
        for piece in _pieces(red):
            out.append(_block(fd.path, file_order, len(out), tier, piece, signal_lines, section))
    return out


def changed_lines(fd: FileDiff) -> int:
    return sum(1 for h in fd.hunks for line in h.lines if line[:1] in "+-")


# --- internals ------------------------------------------------------------------------------------

_Row = tuple[str, int | None, int | None, str]


def _pieces(hunk: Hunk) -> Iterator[list[_Row]]:
    """Runs of changed lines with CONTEXT lines around them, cut at MAX_BLOCK_LINES."""
    rows = list(hunk.numbered())
    changed = [i for i, r in enumerate(rows) if r[0] != " "]
    if not changed:
        return
    spans: list[list[int]] = []
    for i in changed:
        lo, hi = max(0, i - CONTEXT), min(len(rows) - 1, i + CONTEXT)
        if spans and lo <= spans[-1][1] + 1:
            spans[-1][1] = max(spans[-1][1], hi)
        else:
            spans.append([lo, hi])
    for lo, hi in spans:
        span = rows[lo : hi + 1]
        if (
            all(r[0] != "+" for r in span)
            and sum(1 for r in span if r[0] == "-") > DELETION_PREVIEW
        ):
            yield next(_cut(span, DELETION_PREVIEW + CONTEXT))
            continue
        yield from _cut(span, MAX_BLOCK_LINES)


def _cut(span: list[_Row], limit: int) -> Iterator[list[_Row]]:
    """Pieces of ``limit`` rows; the rows of a licence header, shown as one line, count as one."""
    boiler = _boilerplate(span)
    free = range(boiler[0] + 1, boiler[1] + 1) if boiler else range(0)
    piece: list[_Row] = []
    counted = 0
    for i, row in enumerate(span):
        piece.append(row)
        counted += i not in free
        if counted == limit:
            yield piece
            piece, counted = [], 0
    if piece:
        yield piece


def _block(
    path: str,
    file_order: int,
    index: int,
    tier: int,
    rows: Sequence[_Row],
    signal_lines: frozenset[tuple[str, int]],
    section: str = "",
) -> Block:
    old = next((o for _, o, _, _ in rows if o is not None), 0)
    new = next((n for _, _, n, _ in rows if n is not None), 0)
    sides = " ".join(x for x in (f"-{old}" if old else "", f"+{new}" if new else "") if x)
    out = [f"@@ {sides} @@" + (f" {section}" if section else "")]
    margin = _margin(rows)
    truncated = False
    changed = 0
    signal = False
    boiler = _boilerplate(rows)
    for i, (prefix, o, n, text) in enumerate(rows):
        if boiler and boiler[0] <= i <= boiler[1]:
            if i == boiler[1]:
                out.append(f"{prefix}[licence header, {boiler[1] - boiler[0] + 1} lines]")
            changed += prefix != " "
            continue
        text = text[margin:]
        if len(text) > MAX_LINE_CHARS:
            text = text[:MAX_LINE_CHARS] + "…"
            truncated = True
        out.append(prefix + text)
        if prefix != " ":
            changed += 1
        if (o is not None and ("old", o) in signal_lines) or (
            n is not None and ("new", n) in signal_lines
        ):
            signal = True
    return Block(path, file_order, index, tier, signal, "\n".join(out), changed, truncated)


def _margin(rows: Sequence[_Row]) -> int:
    """The indentation every non-blank line of the block shares: not worth a token per line."""
    texts = [t for _, _, _, t in rows if t.strip()]
    if not texts:
        return 0
    first = texts[0][: len(texts[0]) - len(texts[0].lstrip())]
    n = len(first)
    for t in texts[1:]:
        while n and not t.startswith(first[:n]):
            n -= 1
    return n


_COMMENT = lazy(r"^\s*(?:#|//|/\*|\*|--|;|<!--|rem\b)", re.I)
_LICENCE = lazy(r"licen[cs]e|copyright|spdx", re.I)


def _boilerplate(rows: Sequence[_Row]) -> tuple[int, int] | None:
    """The first run of 4+ comment lines that is a licence header: (first, last) row index."""
    start = None
    for i, (_, _, _, text) in enumerate(rows):
        if _COMMENT.match(text) or (start is not None and not text.strip()):
            start = i if start is None else start
            continue
        if start is not None:
            return _licence_run(rows, start, i - 1)
    return _licence_run(rows, start, len(rows) - 1) if start is not None else None


def _licence_run(rows: Sequence[_Row], lo: int, hi: int) -> tuple[int, int] | None:
    if hi - lo < 3 or not any(_LICENCE.search(rows[i][3]) for i in range(lo, hi + 1)):
        return None
    return lo, hi
