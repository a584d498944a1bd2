"""SQL text into statements: a quote-, comment- and dialect-aware splitter, no parser."""

from __future__ import annotations

import re

from ...record import record
from ...rx import lazy

_TOKEN_RE = lazy(
    r"'(?:[^']|'')*'?"  # string
    r'|"(?:[^"]|"")*"?'  # quoted identifier
    r"|`[^`]*`?"
    r"|\$((?:[A-Za-z_]\w*)?)\$(?:.|\n)*?(?:\$\1\$|\Z)"  # dollar-quoted body
    r"|--[^\n]*|#(?![>{])[^\n]*"  # line comments (MySQL allows #)
    r"|/\*(?:.|\n)*?(?:\*/|\Z)"
    r"|;"
    r"|^[ \t]*GO[ \t]*$",  # T-SQL batch separator
    re.M | re.I,
)
_MAX_STATEMENT = 200_000


@record
class Statement:
    start: int  # character offsets in the text it was split from
    end: int
    text: str  # comments removed, whitespace squashed


def split_statements(text: str) -> list[Statement]:
    """Split SQL text into statements; comments are dropped, strings kept."""
    out: list[Statement] = []
    parts: list[str] = []
    start = None
    pos = 0
    for m in _TOKEN_RE.finditer(text):
        chunk = text[pos : m.start()]
        if chunk.strip() and start is None:
            start = pos + len(chunk) - len(chunk.lstrip())
        parts.append(chunk)
        tok = m.group()
        if tok == ";" or (tok.strip().upper() == "GO" and tok.strip()):
            _emit(out, parts, start, m.start())
            parts, start = [], None
        elif tok[:2] in ("--", "/*") or tok[:1] == "#":
            parts.append(" ")
        else:
            if start is None:
                start = m.start()
            parts.append(tok)
        pos = m.end()
    tail = text[pos:]
    if tail.strip() and start is None:
        start = pos + len(tail) - len(tail.lstrip())
    parts.append(tail)
    _emit(out, parts, start, len(text))
    return out


def _emit(out: list[Statement], parts: list[str], start: int | None, end: int) -> None:
    if start is None:
        return
    text = " ".join("".join(parts).split())[:_MAX_STATEMENT]
    if text:
        out.append(Statement(start, end, text))


def comment_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the comments in ``text``."""
    return [
        (m.start(), m.end())
        for m in _TOKEN_RE.finditer(text)
        if m.group()[:2] in ("--", "/*") or m.group()[:1] == "#"
    ]


def split_top_level(text: str) -> list[str]:
    """Split on commas outside brackets and quotes (ALTER TABLE actions, call arguments)."""
    out: list[str] = []
    depth = 0
    start = 0
    quote = ""
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"`":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(0, depth - 1)
        elif ch == "," and depth == 0:
            out.append(text[start:i])
            start = i + 1
    out.append(text[start:])
    return out
