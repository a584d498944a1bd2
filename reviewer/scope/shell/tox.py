"""tox's ``commands`` (and ``commands_pre`` / ``commands_post``): shell commands every ``tox`` run
executes, read like any other script. Everything else in ``tox.ini`` is configuration."""

from __future__ import annotations

from ...rx import lazy
from ..engine import FileContext, Partial
from .danger import scan_commands

_COMMANDS_KEY = lazy(r"^\s*commands(?:_pre|_post)?\s*=\s*(.*)$")
_KEY = lazy(r"^\S[^=]*=|^\s*\[")


def analyze(ctx: FileContext) -> Partial:
    part = Partial()
    if not ctx.added:
        return part
    lines: list[tuple[int, str]] = []
    for h in ctx.fd.hunks:
        inside = False
        for prefix, _old, new, text in h.numbered():
            if prefix == "-" or new is None:
                continue
            m = _COMMANDS_KEY.match(text)
            if m is not None:
                inside = True
                if m.group(1).strip():
                    lines.append((new, m.group(1)))
                continue
            if _KEY.match(text):
                inside = False
                continue
            if inside and text.strip():
                lines.append((new, text.strip()))
    if lines:
        part.signals.extend(scan_commands(lines, only=ctx.added))
    return part
