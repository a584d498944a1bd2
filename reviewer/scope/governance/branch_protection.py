"""Branch protection and rulesets: protective settings switched off, permissive ones on, fewer checks."""

from __future__ import annotations

import re

from ...models import CI_CD, Side, Signal, Symbol, SymbolChange
from ..engine import FileContext, Partial
from .shared import changed_pairs, file_verb, is_json, word_set

#: settings whose true value protects a branch or repository
_PROTECTIVE = word_set(
    "enforce_admins require_code_owner_reviews require_code_owner_review dismiss_stale_reviews "
    "dismiss_stale_reviews_on_push strict required_linear_history required_signatures "
    "required_conversation_resolution require_last_push_approval required_review_thread_resolution "
    "lock_branch private requires_commit_signatures required_deployments"
)
#: settings whose true value opens one up
_PERMISSIVE = word_set(
    "allow_force_pushes allow_deletions allow_forking bypass_pull_request_allowances"
)
_COUNTS = frozenset({"required_approving_review_count"})
_CHECK_LISTS = frozenset({"contexts", "checks", "required_status_checks", "context"})
_RULE_TYPES = word_set(
    "pull_request required_status_checks non_fast_forward deletion required_signatures "
    "required_linear_history code_scanning required_deployments creation update "
    "merge_queue"
)
_TRUE = frozenset({"true", "yes", "on", "1"})


def analyze(ctx: FileContext) -> Partial:
    part = Partial()
    if ctx.status == "deleted":
        part.signals.append(
            Signal(
                kind=CI_CD,
                code="gov.protection_weakened",
                detail=f"deletes `{ctx.path}`: its branch protections are no longer managed",
                side="old",
                severity="high",
            )
        )
        return part
    json_like = is_json(ctx.path)
    old = changed_pairs(ctx, "old", json_like)
    new = changed_pairs(ctx, "new", json_like)
    old_by = {p.path: p for p in old if p.key != "[]"}
    new_by = {p.path: p for p in new if p.key != "[]"}
    weakened: list[tuple[str, int | None, Side]] = []
    for path, p in new_by.items():
        value = (p.value or "").lower()
        before = old_by.get(path)
        was = (before.value or "").lower() if before else ""
        if p.key in _PERMISSIVE and value in _TRUE and was not in _TRUE:
            weakened.append((f"turns on `{p.key}`", p.line, "new"))
        elif p.key in _PROTECTIVE and before is not None and was in _TRUE and value not in _TRUE:
            weakened.append((f"turns off `{p.key}`", p.line, "new"))
        elif p.key in _COUNTS and before is not None and _int(value) < _int(was):
            weakened.append((f"lowers `{p.key}` from {was} to {value}", p.line, "new"))
        elif p.key == "enforcement" and was == "active" and value != "active":
            weakened.append((f"sets ruleset enforcement to `{value}`", p.line, "new"))
        elif p.key == "visibility" and value == "public" and was != "public":
            weakened.append(("makes the repository public", p.line, "new"))
        elif "bypass_actors" in p.path and p.key in ("actor_id", "actor_type") and before is None:
            weakened.append(("adds a ruleset bypass actor", p.line, "new"))
    for path, p in old_by.items():
        if path in new_by:
            continue
        was = (p.value or "").lower()
        if (p.key in _PROTECTIVE and was in _TRUE) or p.key in _COUNTS:
            weakened.append((f"removes `{p.key}`", p.line, "old"))
        elif p.key == "type" and was in _RULE_TYPES:
            weakened.append((f"removes the `{was}` rule", p.line, "old"))
        elif p.key in ("protection", "required_pull_request_reviews", "required_status_checks"):
            weakened.append((f"removes `{p.key}`", p.line, "old"))
    new_items = {(p.path, p.value) for p in new if p.key == "[]"}
    for p in old:
        if p.key == "[]" and (p.path, p.value) not in new_items and set(p.path) & _CHECK_LISTS:
            weakened.append((f"drops required check `{p.value}`", p.line, "old"))
    for path in dict.fromkeys([*new_by, *old_by]):
        p = new_by.get(path) or old_by[path]
        change: SymbolChange = (
            "modified"
            if path in new_by and path in old_by
            else ("added" if path in new_by else "deleted")
        )
        part.symbols.append(
            Symbol("setting", ".".join(x for x in path[-3:] if x != "[]"), change, p.line)
        )
    for detail, line, side in weakened:
        part.signals.append(
            Signal(
                kind=CI_CD,
                code="gov.protection_weakened",
                detail=detail,
                line=line,
                side=side,
                severity="high",
            )
        )
    if not weakened and (ctx.added or ctx.removed):
        part.signals.append(
            Signal(
                kind=CI_CD,
                code="gov.protection_changed",
                detail=f"{file_verb(ctx)} repository protection settings",
                side="new",
                severity="medium",
            )
        )
    return part


def _int(text: str) -> int:
    m = re.match(r"\d+", text.strip())
    return int(m.group(0)) if m else 0
