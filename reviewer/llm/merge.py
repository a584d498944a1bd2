"""The deterministic review + the model's answers -> the enriched review. Pure, and monotone.

The model may only add: findings (source ``llm``), questions, a summary, and a one-line judgement
that a low-severity drift item is plausibly implied by the intent (recorded on the finding, which
stays). It can never remove or weaken a deterministic finding, lower the verdict, lower the blast
radius or drop a question, whatever it answers: this module enforces that, not the prompt.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence

from ..models import (
    SEVERITIES,
    VERDICTS,
    Finding,
    Question,
    Review,
    Severity,
    Verdict,
    severity_rank,
)
from ..record import record, replace
from ..rules import fingerprint
from ..rx import lazy
from .answer import Answer
from .index import resolvable

LLM_RULE = "RV900"
#: an LLM finding raises the verdict only when the model is this sure of it
VERDICT_CONFIDENCE = 0.8
MAX_FINDINGS = 8
MAX_QUESTIONS = 8
MAX_TITLE = 200
MAX_QUESTION = 400
MAX_REASON = 200
MAX_SUMMARY = 500
_CONTROL = lazy(r"[\x00-\x1f\x7f\u200b-\u200f\u2028-\u202e\u2066-\u2069]+")


@record
class Merged:
    review: Review
    #: what was applied / refused, for Review.llm and the notes
    resolved: tuple[dict[str, str], ...]
    refused: tuple[str, ...]


def one_line(text: str, limit: int) -> str:
    """Model text for a report: one line, no control or bidi characters, bounded."""
    flat = " ".join(_CONTROL.sub(" ", text).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def two_sentences(text: str) -> str:
    flat = one_line(text, 4 * MAX_SUMMARY)
    parts = re.split(r"(?<=[.!?])\s+", flat)
    return one_line(" ".join(parts[:2]), MAX_SUMMARY)


def merge(
    review: Review,
    answers: Sequence[Answer],
    handles: Mapping[str, str],
    paths: Sequence[str],
) -> Merged:
    by_id = {f.id: f for f in review.findings}
    refused: list[str] = []

    # 1. judgements: only low drift can be resolved, and only if no answer objects
    votes: dict[str, list[tuple[bool, str]]] = {}
    for answer in answers:
        for j in answer.judgements:
            fid = handles.get(j.finding.strip())
            if fid is None:
                refused.append(f"judgement about unknown finding {one_line(j.finding, 20)!r}")
                continue
            votes.setdefault(fid, []).append((j.implied, one_line(j.reason, MAX_REASON)))
    resolved: dict[str, str] = {}
    for fid, vs in votes.items():
        if not all(implied for implied, _ in vs):
            continue
        f = by_id[fid]
        if not resolvable(f):
            refused.append(f"tried to clear {f.rule} ({f.severity}) {fid}")
            continue
        reason = next((r for _, r in vs if r), "")
        if not reason:
            refused.append(f"judgement of {fid} without a reason")
            continue
        resolved[fid] = reason
    findings = [
        replace(f, title=f"{f.title} — LLM: plausibly implied by the intent ({resolved[f.id]})")
        if f.id in resolved
        else f
        for f in review.findings
    ]

    # 2. new findings, with handles N1, N2 ... per answer
    known_paths = set(paths)
    added: list[Finding] = []
    new_handles: list[dict[str, str]] = []
    for answer in answers:
        local: dict[str, str] = {}
        for n, nf in enumerate(answer.findings, 1):
            title = one_line(nf.title, MAX_TITLE)
            if not title or len(added) >= MAX_FINDINGS:
                continue
            severity: Severity = "low"
            for known in SEVERITIES:
                if nf.severity == known:
                    severity = "high" if known == "critical" else known
            path = nf.path if nf.path in known_paths else None
            line = (
                nf.line
                if path is not None and isinstance(nf.line, int) and 0 < nf.line < 10**9
                else None
            )
            confidence = nf.confidence if math.isfinite(nf.confidence) else 0.0
            fid = f"{LLM_RULE}-{fingerprint(LLM_RULE, path, title)}"
            if fid in by_id or any(a.id == fid for a in added):
                local[f"N{n}"] = fid
                continue
            added.append(
                Finding(
                    id=fid,
                    rule=LLM_RULE,
                    severity=severity,
                    title=title,
                    path=path,
                    line=line,
                    source="llm",
                    confidence=round(min(1.0, max(0.0, confidence)), 2),
                    kind=None,
                )
            )
            local[f"N{n}"] = fid
        new_handles.append(local)

    # 3. questions: about a known finding, new text only
    questions = list(review.questions)
    seen_text = {q.text.casefold() for q in questions}
    asked = 0
    for answer, local in zip(answers, new_handles, strict=True):
        for q in answer.questions:
            key = q.about.strip()
            fid = handles.get(key) or local.get(key)
            text = one_line(q.text, MAX_QUESTION)
            if fid is None or not text or text.casefold() in seen_text or asked >= MAX_QUESTIONS:
                if fid is None:
                    refused.append(f"question about unknown finding {one_line(key, 20)!r}")
                continue
            seen_text.add(text.casefold())
            asked += 1
            questions.append(
                Question(id="Q" + fingerprint("llm", fid, text)[:7].upper(), finding=fid, text=text)
            )

    # 4. the verdict and the blast radius only go up
    verdict: Verdict = review.verdict
    counted = [f for f in added if (f.confidence or 0.0) >= VERDICT_CONFIDENCE]
    if any(severity_rank(f.severity) >= severity_rank("medium") for f in counted):
        verdict = _max_verdict(verdict, "mismatch")
    elif any(severity_rank(f.severity) >= severity_rank("low") for f in counted):
        verdict = _max_verdict(verdict, "drift")
    requires = review.requires_answers or (verdict == "mismatch" and bool(questions))

    summary = next((two_sentences(a.summary) for a in answers if a.summary.strip()), None)
    merged = replace(
        review,
        verdict=verdict,
        requires_answers=requires,
        findings=(*findings, *sorted(added, key=lambda f: -severity_rank(f.severity))),
        questions=tuple(questions),
        summary=summary or review.summary,
    )
    return Merged(
        review=merged,
        resolved=tuple({"finding": fid, "reason": reason} for fid, reason in resolved.items()),
        refused=tuple(dict.fromkeys(refused)),
    )


def _max_verdict(a: Verdict, b: Verdict) -> Verdict:
    return a if VERDICTS.index(a) >= VERDICTS.index(b) else b
