"""The rule registry: stable ids, one module per family, findings as small fixed records.

    RV1xx  scope: files and changes the intent does not explain       (rules/scope.py)
    RV2xx  change kinds the intent does not license                   (rules/kinds.py)
    RV3xx  size versus intent                                         (rules/size.py)
    RV4xx  policy: constraints, protected resources, critical paths   (rules/policy.py)
    RV5xx  review hygiene: missing intent, rollback plan              (rules/scope.py)
    RV900  findings the optional LLM step adds                        (llm/merge.py)

``select``/``ignore`` in the policy filter by id prefix, like flake8.
"""

from __future__ import annotations

from collections.abc import Callable

from ..models import Finding
from .base import KIND_RULES, RULES, RULES_BY_ID, Context, Rule, finding, fingerprint

__all__ = [
    "KIND_RULES",
    "RULES",
    "RULES_BY_ID",
    "Context",
    "Rule",
    "RuleFamily",
    "finding",
    "fingerprint",
    "run_rules",
]

RuleFamily = Callable[[Context], list[Finding]]


def run_rules(ctx: Context) -> list[Finding]:
    from . import kinds, policy, scope, size

    found: list[Finding] = []
    for family in (scope.check, kinds.check, size.check, policy.check):
        found.extend(f for f in family(ctx) if ctx.config.rule_enabled(f.rule))
    # one finding per id: the first (most specific) wins
    return list({f.id: f for f in found}.values())
