"""Renderers: pure functions Review -> str. Integrations only move the bytes they return."""

from __future__ import annotations

from collections.abc import Callable

from ..models import Review

FORMATS = ("text", "json", "markdown", "sarif")


def renderer(name: str) -> Callable[[Review], str]:
    if name == "json":
        from .report_json import render
    elif name == "markdown":
        from .markdown import render
    elif name == "sarif":
        from .sarif import render
    else:
        from .text import render
    return render
