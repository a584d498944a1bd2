"""RV1xx / RV5xx: files the intent does not explain, targets it names but the change never touches."""

from __future__ import annotations

from ..models import Finding, Severity, severity_rank
from . import Context, finding


def check(ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    if ctx.intent.empty:
        out.append(
            finding(
                "RV501",
                "medium",
                "No intent was stated: every change is unexplained",
                key="intent-missing",
            )
        )
    for fs in ctx.scope.files:
        fm = ctx.match.files[fs.path]
        if fm.explained:
            continue
        severity: Severity = "low"
        unlicensed = [s for s in fs.signals if not ctx.match.licensed.get(s, False)]
        for s in unlicensed:
            if severity_rank(s.severity) > severity_rank(severity):
                severity = s.severity
        if severity == "critical":
            severity = "high"
        what = _describe(fs.status, fs.role, fs.old_path)
        out.append(
            finding(
                "RV101",
                severity,
                f"{what} `{fs.path}` is not explained by the intent",
                path=fs.path,
                line=_first_line(fs),
                side="old" if fs.status == "deleted" else "new",
                key="file",
            )
        )
    for target in ctx.match.missing_targets[:10]:
        out.append(
            finding(
                "RV102",
                "info",
                f"The intent names `{target}`, which the change never touches",
                key=target,
            )
        )
    return out


def _describe(status: str, role: str, old_path: str | None) -> str:
    noun = {
        "test": "Test",
        "docs": "Doc",
        "changelog": "Changelog",
        "ci": "CI file",
        "infra": "Infrastructure file",
        "dependency": "Dependency manifest",
        "lockfile": "Lockfile",
        "config": "Config file",
        "agent": "Agent instruction file",
        "governance": "Governance file",
        "example": "Example",
        "generated": "Generated file",
        "asset": "Asset",
    }.get(role, "File")
    if status == "deleted":
        return f"Deleted {noun.lower()}" if noun != "File" else "Deleted file"
    if status == "added":
        return f"New {noun.lower()}" if noun != "File" else "New file"
    if status == "renamed" and old_path:
        return f"Renamed {noun.lower()}" if noun != "File" else "Renamed file"
    return noun


def _first_line(fs: object) -> int | None:
    symbols = getattr(fs, "symbols", ())
    for s in symbols:
        if s.line:
            return int(s.line)
    return None
