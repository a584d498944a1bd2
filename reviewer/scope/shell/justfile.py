"""``just`` recipes: every indented line under a recipe is a command ``just <recipe>`` runs, read
like any other script (the recipe headers, settings and variables are not)."""

from __future__ import annotations

from ..engine import FileContext, Partial
from .danger import scan_commands


def analyze(ctx: FileContext) -> Partial:
    part = Partial()
    if not ctx.added:
        return part
    lines = [
        (n, text.strip().lstrip("@-").strip())
        for n, text in ctx.added.items()
        if text[:1] in (" ", "\t") and text.strip() and not text.strip().startswith("#")
    ]
    if lines:
        part.signals.extend(scan_commands(lines, only=ctx.added))
    return part
