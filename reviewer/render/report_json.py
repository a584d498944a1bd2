"""Review -> the JSON report (DESIGN.md, ``schema_version`` 1). Fields may be added, never renamed."""

from __future__ import annotations

import json
from typing import Any

from ..models import Question, Review, Span

SCHEMA_VERSION = 1


def to_dict(review: Review) -> dict[str, Any]:
    intent = review.intent
    out: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "verdict": review.verdict,
        "requires_answers": review.requires_answers,
        "blast_radius": {
            "level": review.blast_radius.level,
            "reasons": list(review.blast_radius.reasons),
        },
        "intent": {
            "source": intent.source,
            "text": intent.text,
            "type": intent.type,
            "targets": list(intent.targets),
            "title": intent.title,
            "verbs": list(intent.verbs),
            "size_words": list(intent.size_words),
            "allowances": list(intent.allowances),
            "constraints": list(intent.constraints),
            "issue_refs": list(intent.issue_refs),
            "prompt": intent.prompt,
        },
        "files": [
            {
                "path": fr.scope.path,
                "old_path": fr.scope.old_path,
                "status": fr.scope.status,
                "language": fr.scope.language,
                "role": fr.scope.role,
                "explained": fr.explained,
                "explained_by": list(fr.explained_by),
                "change_kinds": list(fr.scope.change_kinds),
                "symbols": [
                    {
                        k: v
                        for k, v in (
                            ("kind", s.kind),
                            ("name", s.name),
                            ("change", s.change),
                            ("line", s.line),
                            ("old_name", s.old_name),
                            ("public", s.public),
                        )
                        if v is not None or k in ("kind", "name", "change")
                    }
                    for s in fr.scope.symbols
                ],
                "signals": [
                    {
                        "kind": s.kind,
                        "code": s.code,
                        "severity": s.severity,
                        "detail": s.detail,
                        "line": s.line,
                        "side": s.side,
                        "symbol": s.symbol,
                    }
                    for s in fr.scope.signals
                ],
                "additions": fr.scope.additions,
                "deletions": fr.scope.deletions,
                "similarity": fr.scope.similarity,
                "mode": fr.scope.mode,
                "cosmetic": fr.scope.cosmetic,
                "notes": list(fr.scope.notes),
                "unexplained_symbols": list(fr.unexplained_symbols),
            }
            for fr in review.files
        ],
        "out_of_scope_paths": list(review.out_of_scope_paths),
        "findings": [
            {
                "id": f.id,
                "rule": f.rule,
                "severity": f.severity,
                "title": f.title,
                "path": f.path,
                "line": f.line,
                "symbol": f.symbol,
                "source": f.source,
                "kind": f.kind,
                "side": f.side,
                "licensed": f.licensed,
                **({"confidence": f.confidence} if f.confidence is not None else {}),
                **({"stated": _span(f.stated)} if f.stated is not None else {}),
                **({"near": _span(f.near)} if f.near is not None else {}),
            }
            for f in review.findings
        ],
        "questions": [_question(q) for q in review.questions],
        "folded_questions": [_question(q) for q in review.folded_questions],
        "degraded": review.degraded,
        "summary": review.summary,
        "notes": list(review.notes),
        "stats": {
            "files": review.stats.files,
            "additions": review.stats.additions,
            "deletions": review.stats.deletions,
            "elapsed_ms": review.stats.elapsed_ms,
            "llm_tokens": review.stats.llm_tokens,
            "llm_calls": review.stats.llm_calls,
            "llm_cost_usd": review.stats.llm_cost_usd,
        },
    }
    if review.llm is not None:
        out["llm"] = review.llm
    return out


def render(review: Review) -> str:
    return dumps(to_dict(review))


def dumps(data: object) -> str:
    """The one printer of the report (and the SARIF log): two-space indent, UTF-8 kept, a newline."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _span(span: Span) -> dict[str, Any]:
    return {"text": span.text, "start": span.start, "end": span.end}


def _question(q: Question) -> dict[str, object]:
    return {
        "id": q.id,
        "finding": q.finding,
        "text": q.text,
        "answered": q.answered,
        "answer": q.answer,
        "findings": list(q.findings or (q.finding,)),
        "aliases": list(q.aliases),
    }
