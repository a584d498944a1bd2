"""The rules' records: a rule's id and meaning, the context every family reads, and the finding
each builds (the registry in ``__init__`` runs the families; they import these, never it)."""

from __future__ import annotations

from ..config import Config
from ..digest import short_hash
from ..match import Match
from ..models import CHANGE_KINDS, Diff, Finding, Intent, Scope, Severity, Span
from ..record import record


@record
class Rule:
    id: str
    name: str
    summary: str
    kind: str | None = None
    #: the severity it usually reports (RV2xx: its signal's, raised when the intent does not license it)
    severity: Severity = "medium"


@record
class Context:
    intent: Intent
    scope: Scope
    diff: Diff
    match: Match
    config: Config


KIND_RULES: dict[str, str] = {
    kind: f"RV2{i:02d}" for i, kind in enumerate(CHANGE_KINDS, start=1) if kind != "size_vs_intent"
}

RULES: tuple[Rule, ...] = (
    Rule(
        "RV101",
        "out-of-scope-file",
        "A changed file that the stated intent does not explain.",
        severity="low",
    ),
    Rule(
        "RV102",
        "intent-target-missing",
        "The intent names something the change never touches.",
        severity="info",
    ),
    Rule(
        "RV103",
        "intent-unrelated",
        "The intent shares nothing with the change: no file, symbol or changed line of it.",
        severity="medium",
    ),
    *(
        Rule(
            rid,
            f"unlicensed-{kind.replace('_', '-')}",
            f"A change of kind '{CHANGE_KINDS[kind]}' that the stated intent does not license.",
            kind,
        )
        for kind, rid in KIND_RULES.items()
    ),
    Rule(
        "RV301",
        "size-vs-intent",
        "The intent calls the change small, a typo or docs-only; the diff is not.",
        "size_vs_intent",
    ),
    Rule(
        "RV401",
        "constraint-violated",
        'The intent forbids what the change does ("no infra changes").',
        severity="high",
    ),
    Rule(
        "RV402",
        "protected-resource",
        "The change touches a resource the policy protects.",
        severity="high",
    ),
    Rule("RV403", "critical-path", "The change touches a path the policy marks critical."),
    Rule("RV501", "intent-missing", "No intent was stated: nothing to compare the change with."),
    Rule(
        "RV502",
        "rollback-plan",
        "A high blast radius change needs a rollback and verification plan.",
        severity="info",
    ),
    Rule(
        "RV900",
        "llm-finding",
        "A finding the LLM added (source llm, with a confidence); never lowers anything.",
    ),
)
RULES_BY_ID: dict[str, Rule] = {r.id: r for r in RULES}


def fingerprint(*parts: object) -> str:
    """A stable id from what a finding is about (never from line numbers, which shift)."""
    return short_hash("\x1f".join("" if p is None else str(p) for p in parts).encode(), 6)


def finding(
    rule: str,
    severity: Severity,
    title: str,
    *,
    path: str | None = None,
    line: int | None = None,
    symbol: str | None = None,
    kind: str | None = None,
    side: str = "new",
    licensed: bool = False,
    key: str = "",
    stated: Span | None = None,
    near: Span | None = None,
) -> Finding:
    return Finding(
        id=f"{rule}-{fingerprint(rule, path, symbol, kind, key or title)}",
        rule=rule,
        severity=severity,
        title=title,
        path=path,
        line=line,
        symbol=symbol,
        kind=kind,
        side=side,  # type: ignore[arg-type]
        licensed=licensed,
        stated=stated,
        near=near,
    )
