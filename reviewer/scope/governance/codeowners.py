"""CODEOWNERS: owners removed, rules widened or dropped, the file deleted."""

from __future__ import annotations

import re

from ...models import CI_CD, Signal, Symbol
from ..engine import FileContext, Partial


def _owner_rules(lines: dict[int, str]) -> dict[str, tuple[int, tuple[str, ...]]]:
    rules: dict[str, tuple[int, tuple[str, ...]]] = {}
    for n, text in sorted(lines.items()):
        s = re.sub(r"(^|\s)#.*$", "", text).strip()
        if not s or (s.startswith("[") or s.startswith("^[")):
            continue  # GitLab section headers
        parts = s.split()
        rules[parts[0]] = (n, tuple(parts[1:]))
    return rules


def analyze(ctx: FileContext) -> Partial:
    part = Partial()
    old, new = _owner_rules(ctx.removed), _owner_rules(ctx.added)
    for pattern in dict.fromkeys([*new, *old]):
        o, n = old.get(pattern), new.get(pattern)
        if n is not None and o is None:
            part.symbols.append(Symbol("codeowners", pattern, "added", n[0]))
            if n[1]:
                part.signals.append(
                    Signal(
                        kind=CI_CD,
                        code="gov.codeowners_added",
                        detail=f"assigns `{pattern}` to {' '.join(n[1])}",
                        line=n[0],
                        side="new",
                        symbol=pattern,
                        severity="low",
                    )
                )
            else:
                part.signals.append(
                    Signal(
                        kind=CI_CD,
                        code="gov.codeowners",
                        detail=f"leaves `{pattern}` without owners",
                        line=n[0],
                        side="new",
                        symbol=pattern,
                        severity="high",
                    )
                )
        elif o is not None and n is None:
            part.symbols.append(Symbol("codeowners", pattern, "deleted", o[0]))
            part.signals.append(
                Signal(
                    kind=CI_CD,
                    code="gov.codeowners",
                    detail=f"removes the owners rule for `{pattern}`",
                    line=o[0],
                    side="old",
                    symbol=pattern,
                    severity="high",
                )
            )
        elif o is not None and n is not None:
            part.symbols.append(Symbol("codeowners", pattern, "modified", n[0]))
            gone = [x for x in o[1] if x not in n[1]]
            extra = [x for x in n[1] if x not in o[1]]
            if gone:
                part.signals.append(
                    Signal(
                        kind=CI_CD,
                        code="gov.codeowners",
                        detail=f"removes {' '.join(gone)} from the owners of `{pattern}`",
                        line=n[0],
                        side="new",
                        symbol=pattern,
                        severity="high",
                    )
                )
            elif extra:
                part.signals.append(
                    Signal(
                        kind=CI_CD,
                        code="gov.codeowners_added",
                        detail=f"adds {' '.join(extra)} to the owners of `{pattern}`",
                        line=n[0],
                        side="new",
                        symbol=pattern,
                        severity="low",
                    )
                )
    if ctx.status == "deleted":
        part.signals.append(
            Signal(
                kind=CI_CD,
                code="gov.codeowners",
                detail=f"deletes `{ctx.path}`: no code owners review",
                side="old",
                severity="high",
            )
        )
    return part
