"""Credentials committed in any file: an AWS key in settings.py is as exposed as one in .env."""

from __future__ import annotations

from ..models import PERMISSION_WIDENING, Signal
from ..secrets import ANY, find
from .engine import ADDED_LINE_CAP, FileContext, Partial

#: config files get a finer reading (assignments, placeholders) from config_files.py
_SKIP_ROLES = frozenset({"config", "asset", "lockfile"})
MAX_LINE = ADDED_LINE_CAP


def analyze(ctx: FileContext) -> Partial:
    part = Partial()
    if ctx.role in _SKIP_ROLES or not ctx.added:
        return part
    if ANY.search(ctx.added_text) is None:
        return part  # the common case: one scan of the whole change
    for line, text in sorted(ctx.added.items()):
        for name, _start, _end in find(text[:MAX_LINE]):
            part.signals.append(
                Signal(
                    kind=PERMISSION_WIDENING,
                    code="secret.committed",
                    detail=f"commits a credential ({name}) to `{ctx.path}`: anyone who can read the "
                    "repository can use it",
                    line=line,
                    side="new",
                    severity="high",
                )
            )
    return part
