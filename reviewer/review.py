"""The deterministic pipeline: Diff + Intent (+ blobs) -> Review. No I/O beyond the blob source."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import TYPE_CHECKING

from .blast import blast_radius
from .config import Config
from .match import Match, match
from .models import (
    Diff,
    FileReview,
    Finding,
    Intent,
    Review,
    Scope,
    Stats,
    Verdict,
    level_rank,
    severity_rank,
)
from .questions import make_questions
from .rules import Context, finding, run_rules
from .scope import build_scope

if TYPE_CHECKING:
    from .scope import BlobSource

#: findings that describe the review rather than the change: they never decide the verdict
_NEUTRAL_RULES = frozenset({"RV502"})


def review(
    diff: Diff,
    intent: Intent,
    config: Config | None = None,
    *,
    blobs: BlobSource | None = None,
    references: Mapping[str, int] | None = None,
    scope: Scope | None = None,
    started: float | None = None,
) -> Review:
    t0 = time.perf_counter() if started is None else started
    config = config or Config()
    if scope is None:
        scope = build_scope(diff, blobs=blobs)
    ignored = {f.path for f in scope.files if config.ignored(f.path)}
    m = match(intent, scope, diff, ignored=ignored)
    ctx = Context(intent=intent, scope=scope, diff=diff, match=m, config=config)
    findings = run_rules(ctx)
    blast = blast_radius(scope, findings, config, references=references)
    if level_rank(blast.level) >= level_rank("high") and config.rule_enabled("RV502"):
        findings.append(
            finding(
                "RV502",
                "info",
                f"The blast radius is {blast.level}: a rollback and verification plan is needed",
                key="rollback",
                licensed=True,
            )
        )
    findings.sort(
        key=lambda f: (-severity_rank(f.severity), f.licensed, f.path or "", f.line or 0, f.rule)
    )
    verdict = decide(findings)
    questions, folded = make_questions(
        findings,
        blast,
        templates=config.questions,
        size_words=intent.size_words,
        max_questions=config.max_questions,
        changed_lines=diff.additions + diff.deletions,
        revert=_is_revert(intent),
    )
    files = _file_reviews(scope, m, findings)
    oos = tuple(fr.scope.path for fr in files if not fr.explained)
    # the author must answer before the change goes in when it does something risky it does not
    # state: a mismatch, or a critical blast radius (an unstated destructive change). A high blast
    # radius whose every risky change is stated asks its questions without blocking by default
    # (``fail_on = "high"`` blocks those too)
    requires = verdict == "mismatch" or blast.level == "critical"
    return Review(
        verdict=verdict,
        requires_answers=requires and bool(questions),
        blast_radius=blast,
        intent=intent,
        files=files,
        findings=tuple(findings),
        questions=tuple(questions),
        folded_questions=tuple(folded),
        out_of_scope_paths=oos,
        stats=Stats(
            files=len(scope.files),
            additions=sum(f.additions for f in scope.files),
            deletions=sum(f.deletions for f in scope.files),
            elapsed_ms=int((time.perf_counter() - t0) * 1000),
        ),
    )


def _is_revert(intent: Intent) -> bool:
    first = (intent.title or intent.text).lstrip().lower()
    return intent.type == "revert" or first.startswith(("revert ", 'revert "', "revert:"))


def decide(findings: list[Finding] | tuple[Finding, ...]) -> Verdict:
    """``mismatch`` when an unlicensed finding is risky, ``drift`` when only low-risk ones remain."""
    live = [f for f in findings if not f.licensed and f.rule not in _NEUTRAL_RULES]
    if any(severity_rank(f.severity) >= severity_rank("medium") for f in live):
        return "mismatch"
    if any(severity_rank(f.severity) >= severity_rank("low") for f in live):
        return "drift"
    return "aligned"


def _file_reviews(scope: Scope, m: Match, findings: list[Finding]) -> tuple[FileReview, ...]:
    risky_paths: dict[str, list[str]] = {}
    for f in findings:
        if (
            f.path
            and not f.licensed
            and f.rule not in _NEUTRAL_RULES
            and severity_rank(f.severity) >= severity_rank("low")
        ):
            risky_paths.setdefault(f.path, [])
            if f.symbol:
                risky_paths[f.path].append(f.symbol)
    out = []
    for fs in scope.files:
        fm = m.files[fs.path]
        explained = fm.explained and fs.path not in risky_paths
        out.append(
            FileReview(
                scope=fs,
                explained=explained,
                explained_by=fm.explained_by,
                unexplained_symbols=tuple(dict.fromkeys(risky_paths.get(fs.path, []))),
            )
        )
    return tuple(out)
