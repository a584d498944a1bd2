"""Dependabot and Renovate configuration: automerge switched on, updates disabled.

An edit of the configuration decides which update pull requests are opened and when; it deploys
nothing and grants nothing. Grouping, schedules, labels, cooldowns and comments are therefore low.
What is worth a statement: updates stopped for some dependencies or a whole ecosystem (``ignore``,
an ecosystem removed), credentials and registries the bot is given, commands it is let run; and,
above those, automerge, updates turned off and the file deleted (high).
"""

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


#: keys whose edit changes what the bot may skip, reach or run (Dependabot and Renovate spellings)
_WEIGHTY_KEYS = frozenset(
    {
        "ignore",
        "registries",
        "insecure-external-code-execution",
        "ignoreDeps",
        "ignorePaths",
        "hostRules",
        "registryAliases",
        "allowedPostUpgradeCommands",
        "postUpgradeTasks",
        "enabledManagers",
    }
)


def analyze(ctx: FileContext) -> Partial:
    part = Partial()
    json_like = is_json(ctx.path)
    sides: tuple[Side, Side] = ("old", "new")
    weighty = False  # a key whose edit changes what the bot may skip, reach or run
    for side in sides:
        for p in changed_pairs(ctx, side, json_like):
            weighty = weighty or any(k in _WEIGHTY_KEYS for k in p.path)
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
    kept = {s.name for s in part.symbols if s.change == "added"}
    # an ecosystem whose updates stop weighs like an `ignore`
    weighty = weighty or any(s.change == "deleted" and s.name not in kept for s in part.symbols)
    severity: Severity = "medium" if ctx.status != "added" and weighty else "low"
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
            kinds = _only_update_types(ctx, n)
            part.signals.append(
                Signal(
                    kind=CI_CD,
                    code="gov.dependency_bot",
                    # `update-types: [semver-patch]` under `dependency-name: "*"` skips patch
                    # releases, and the rest still arrive: an `ignore`, not updates switched off
                    detail=f"ignores {', '.join(kinds)} updates of every dependency"
                    if kinds
                    else "turns dependency updates off",
                    line=n,
                    side="new",
                    severity="medium" if kinds else "high",
                )
            )
    return part


_UPDATE_TYPES = lazy(r"update-types\s*:\s*(.*)$")
_SEMVER = lazy(r"semver-(major|minor|patch)")


def _only_update_types(ctx: FileContext, n: int) -> list[str]:
    """The kinds of update an ignore rule added at line ``n`` skips, when they are not all of
    them (its `update-types`, within the next few added lines); else nothing."""
    for k in range(n + 1, n + 4):
        text = ctx.added.get(k)
        if text is None or _DISABLE_RE.search(text):
            break
        m = _UPDATE_TYPES.search(text)
        if m is not None:
            kinds = sorted(set(_SEMVER.findall(m.group(1))))
            return kinds if kinds and len(kinds) < 3 else []
    return []
