"""Dependabot and Renovate configuration: automerge switched on, updates disabled."""

from __future__ import annotations

import re

from ...models import CI_CD, Severity, Side, Signal, Symbol
from ...rx import lazy
from ..engine import FileContext, Partial
from .shared import changed_pairs, file_verb, is_json

_AUTOMERGE_RE = lazy(r"\b(automerge|auto-merge|platformAutomerge)\b\W+true", re.I)
_DISABLE_RE = lazy(
    r"\"enabled\"\s*:\s*false|open-pull-requests-limit\s*:\s*0\b|dependency-name\s*:\s*['\"]?\*['\"]?\s*$",
    re.I,
)


def analyze(ctx: FileContext) -> Partial:
    part = Partial()
    json_like = is_json(ctx.path)
    sides: tuple[Side, Side] = ("old", "new")
    for side in sides:
        for p in changed_pairs(ctx, side, json_like):
            if p.key == "package-ecosystem" and p.value:
                part.symbols.append(
                    Symbol("ecosystem", p.value, "added" if side == "new" else "deleted", p.line)
                )
    if ctx.status == "deleted":
        part.signals.append(
            Signal(
                kind=CI_CD,
                code="gov.dependency_bot",
                detail=f"deletes `{ctx.path}`: dependency and security updates stop",
                side="old",
                severity="high",
            )
        )
        return part
    severity: Severity = "low" if ctx.status == "added" else "medium"
    part.signals.append(
        Signal(
            kind=CI_CD,
            code="gov.dependency_bot",
            detail=f"{file_verb(ctx)} the dependency update config",
            side="new",
            severity=severity,
        )
    )
    for n, text in sorted(ctx.added.items()):
        if _AUTOMERGE_RE.search(text):
            part.signals.append(
                Signal(
                    kind=CI_CD,
                    code="gov.automerge",
                    detail="merges dependency updates without review",
                    line=n,
                    side="new",
                    severity="high",
                )
            )
        elif _DISABLE_RE.search(text):
            part.signals.append(
                Signal(
                    kind=CI_CD,
                    code="gov.dependency_bot",
                    detail="turns dependency updates off",
                    line=n,
                    side="new",
                    severity="high",
                )
            )
    return part
