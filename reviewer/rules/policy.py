"""RV4xx: what the intent forbids, what the policy protects, which paths the policy marks critical."""

from __future__ import annotations

import re

from ..models import Finding, Severity
from .base import Context, finding

_CONSTRAINT_TOPICS: tuple[tuple[re.Pattern[str], frozenset[str], str], ...] = (
    (re.compile(r"infra|terraform|deploy", re.I), frozenset({"infra"}), "infrastructure"),
    (re.compile(r"\bapi\b|breaking", re.I), frozenset(), "public API"),
    (re.compile(r"schema|migration|database", re.I), frozenset(), "data"),
)


def check(ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    out.extend(_constraints(ctx))
    for fs in ctx.scope.files:
        for sym in fs.symbols:
            if ctx.config.protected and ctx.config.is_protected(sym.name):
                out.append(
                    finding(
                        "RV402",
                        "high",
                        f"`{sym.name}` is protected by policy and is {sym.change} here",
                        path=fs.path,
                        line=sym.line,
                        symbol=sym.name,
                        key=sym.name,
                    )
                )
        cp = ctx.config.critical_level(fs.path)
        if cp is not None:
            sev: Severity = (
                "high"
                if cp.level in ("high", "critical")
                else "medium"
                if cp.level == "medium"
                else "low"
            )
            label = f" ({cp.label})" if cp.label else ""
            out.append(
                finding(
                    "RV403",
                    sev,
                    f"`{fs.path}` is on a critical path{label}: `{cp.pattern}`",
                    path=fs.path,
                    key=cp.pattern,
                    licensed=ctx.match.files[fs.path].explained,
                )
            )
    return out


def _constraints(ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    for text in ctx.intent.constraints:
        for rx, roles, topic in _CONSTRAINT_TOPICS:
            if not rx.search(text):
                continue
            if roles:
                # whitespace, comments, or Terraform blocks only moved within their module
                hits = [f for f in ctx.scope.files if f.role in roles and not f.cosmetic]
            elif topic == "public API":
                hits = [f for f in ctx.scope.files if "public_api" in f.change_kinds]
            else:
                hits = [
                    f
                    for f in ctx.scope.files
                    if "destructive_data" in f.change_kinds or "migration" in f.path
                ]
            for f in hits[:20]:
                out.append(
                    finding(
                        "RV401",
                        "high",
                        f'The intent says "{text}" but `{f.path}` changes {topic}',
                        path=f.path,
                        key=text,
                    )
                )
    return out
