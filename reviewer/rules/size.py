"""RV301: a change the intent calls a typo, one-liner, minor or docs-only that is none of those."""

from __future__ import annotations

from ..models import Finding, Severity
from ..paths import area
from .base import Context, finding

_COSMETIC_WORDS = ("typo", "formatting", "comments")
_SMALL_WORDS = ("minor", "small", "trivial")
_NON_CODE_ROLES = frozenset({"docs", "changelog", "test", "example", "generated", "asset"})


def check(ctx: Context) -> list[Finding]:
    size = set(ctx.intent.size_words)
    if not size:
        return []
    files = ctx.scope.files
    changed = sum(f.additions + f.deletions for f in files)
    areas = {area(f.path) for f in files}
    out: list[Finding] = []
    real = [
        f
        for f in files
        # a generated file whose source is not part of the explained change (a schema dump with
        # no migration) is a change of its own
        if (
            f.role not in _NON_CODE_ROLES
            or (f.role == "generated" and not ctx.match.files[f.path].explained)
        )
        and not f.cosmetic
        and (f.additions or f.deletions or f.status == "deleted")
    ]
    risky = any(s.severity in ("high", "critical") for f in files for s in f.signals)
    if size & set(_COSMETIC_WORDS) or "docs only" in size:
        word: str = next(w for w in ("typo", "docs only", "formatting", "comments") if w in size)
        spelled = [f for f in real if not ctx.match.files[f.path].explained or f.signals]
        if spelled:
            sev: Severity = "high" if risky else "medium"
            names = ", ".join(f"`{f.path}`" for f in spelled[:3]) + (
                " ..." if len(spelled) > 3 else ""
            )
            out.append(
                finding(
                    "RV301",
                    sev,
                    f'The intent says "{word}" but the change alters {len(spelled)} non-cosmetic file(s): {names}',
                    kind="size_vs_intent",
                    key=f"cosmetic:{word}",
                )
            )
    if "one-line" in size and changed > 6:
        out.append(
            finding(
                "RV301",
                "high" if risky else "medium",
                f'The intent says "one-line" but the change has {changed} changed lines in {len(files)} file(s)',
                kind="size_vs_intent",
                key="one-line",
            )
        )
    if size & set(_SMALL_WORDS):
        word = next(w for w in _SMALL_WORDS if w in size)
        big = changed > 150 or len(files) > 12 or len(areas) > 4
        if big or (risky and (changed > 40 or len(areas) > 2)):
            out.append(
                finding(
                    "RV301",
                    "high" if risky else "medium",
                    f'The intent says "{word}" but the change spans {len(files)} file(s) in '
                    f"{len(areas)} area(s) with {changed} changed lines"
                    + (" and destructive changes" if risky else ""),
                    kind="size_vs_intent",
                    key=f"small:{word}",
                )
            )
    return out
