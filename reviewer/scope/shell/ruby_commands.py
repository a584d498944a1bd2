"""Shell commands Ruby runs: a heredoc handed to ``sh`` or ``system`` (``sh <<-SH ... SH``, as
Rakefiles write release tasks), and the string of ``sh "..."``, ``system("...")`` or backticks.
They are read like any other script."""

from __future__ import annotations

from ...rx import lazy
from ..engine import FileContext, Partial
from .danger import scan_commands

_HEREDOC_OPEN = lazy(r"""\b(?:sh|system|exec|run|%x)\s*\(?\s*<<[-~]?['"]?(\w+)['"]?""")
_CALL = lazy(r"""\b(?:sh|system|exec)\s*\(?\s*(["'])(.+?)\1""")
_BACKTICKS = lazy(r"`([^`]+)`")


def analyze(ctx: FileContext) -> Partial:
    part = Partial()
    if not ctx.added or ctx.role in ("test", "docs"):
        return part
    lines: list[tuple[int, str]] = []
    for h in ctx.fd.hunks:
        closing: str | None = None
        for prefix, _old, new, text in h.numbered():
            if prefix == "-" or new is None:
                continue
            if closing is not None:
                if text.strip() == closing:
                    closing = None
                else:
                    lines.append((new, text.strip()))
                continue
            opened = _HEREDOC_OPEN.search(text)
            if opened is not None:
                closing = opened.group(1)
                continue
            for m in _CALL.finditer(text):
                lines.append((new, m.group(2)))
            for m in _BACKTICKS.finditer(text):
                lines.append((new, m.group(1)))
    if lines:
        part.signals.extend(scan_commands(lines, only=ctx.added))
    return part
