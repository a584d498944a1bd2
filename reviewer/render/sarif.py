"""Review -> SARIF 2.1.0 for GitHub code scanning: one run, one result per finding, rule metadata.

GitHub refuses a whole upload when one result has no location, so every result names a file:
findings about the change as a whole (no path) are anchored to its first changed file at line 1.
Lines on the base side (deleted code) do not exist in the analysed revision: such results point at
line 1 of the file and keep the base line in ``properties.baseLine``. See docs/output-formats.md.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from .. import __version__
from ..models import CHANGE_KINDS, DESTRUCTIVE_KINDS, Finding, Question, Review
from ..rules import RULES_BY_ID
from ..rules.catalogue import code_table, codes_of_kind
from ..rx import lazy
from .report_json import dumps

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
INFORMATION_URI = "https://github.com/intent-reviewer/intent-reviewer"
#: the partialFingerprints key; the value is the finding id, which never depends on line numbers
FINGERPRINT_KEY = "intentReviewer/v1"
#: GitHub rejects a run with more results than this; findings arrive most severe first
MAX_RESULTS = 25_000

_LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
#: rule id prefix -> (tag, why it matters, what to do)
_FAMILY: dict[str, tuple[str, str, str]] = {
    "RV1": (
        "scope",
        "Every part of a change should follow from what its author says it does: an unexplained "
        "file is where unreviewed risk hides.",
        "Say in the intent why this part belongs to the change, or move it to a separate change; "
        "then answer the review's questions.",
    ),
    "RV2": (
        "change-kind",
        "Changes of this kind (deleting, replacing, widening access, rewriting how things are "
        "built or run) cause outages and data loss when they slip in unannounced.",
        'If the change is intended, state it in the intent (for example "also deletes X") and '
        "answer the review's questions about impact and recovery; if it is not, remove it.",
    ),
    "RV3": (
        "size",
        "A change described as small gets a small review.",
        "Describe the change as it is, or split it into changes that match their descriptions.",
    ),
    "RV4": (
        "policy",
        "The repository's review policy protects what the change touches.",
        "Have an owner of the protected resource or path review the change, and answer the "
        "review's questions.",
    ),
    "RV5": (
        "review",
        "The review needs this before the change can be accepted.",
        "Answer the review's questions in the pull request (or state the intent).",
    ),
}
_LLM_FAMILY = (
    "llm",
    "Reported by the LLM review step, which can add findings but never remove deterministic ones.",
    "Check the finding against the diff, then answer the review's questions.",
)
_OTHER_FAMILY = (
    "rules",
    "A rule this version of the renderer has no description for.",
    "Answer the review's questions.",
)
#: kinds whose unlicensed findings are errors by default: they destroy, replace or expose
_DESTRUCTIVE = DESTRUCTIVE_KINDS
_DEFAULT_LEVEL = {"RV101": "note", "RV102": "note", "RV501": "warning", "RV502": "note"}
_STATED = " (explained by the intent)"
_SURROGATE = lazy("[\ud800-\udfff]")


def render(review: Review) -> str:
    return dumps(_clean(to_dict(review)))


def to_dict(review: Review) -> dict[str, Any]:
    anchor = _anchor(review)
    located = [f for f in review.findings if f.path is not None or anchor is not None]
    kept = located[:MAX_RESULTS]
    by_rule: dict[str, list[Finding]] = {}
    for f in kept:
        by_rule.setdefault(f.rule, []).append(f)
    index = {rid: i for i, rid in enumerate(by_rule)}
    asked: dict[str, list[Question]] = {}
    for q in review.questions:
        for fid in dict.fromkeys((q.finding, *q.findings)):
            asked.setdefault(fid, []).append(q)
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "intent-reviewer",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [_rule(rid, found) for rid, found in by_rule.items()],
            }
        },
        "invocations": [_invocation(review, dropped=len(located) - len(kept))],
        "results": [_result(f, index[f.rule], anchor, asked.get(f.id, [])) for f in kept],
        "properties": _run_properties(review, anchor),
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


# --- rules ------------------------------------------------------------------------------------


def _rule(rule_id: str, findings: list[Finding]) -> dict[str, Any]:
    """The descriptor of ``rule_id``; ``findings`` are this run's results of it."""
    rule = RULES_BY_ID.get(rule_id)
    kinds = sorted({f.kind for f in findings if f.kind})
    from_llm = all(f.source == "llm" for f in findings)
    family, explanation, advice = _FAMILY.get(
        rule_id[:3], _LLM_FAMILY if from_llm else _OTHER_FAMILY
    )
    if rule is None:
        # LLM findings and rules newer than this renderer: describe them from their findings
        name = f"{family}-finding"
        summary = "A finding of the LLM review step." if family == "llm" else f"Finding {rule_id}."
        kind = kinds[0] if len(kinds) == 1 else None
    else:
        name, summary, kind = rule.name, rule.summary, rule.kind
        kinds = sorted({*kinds, *([kind] if kind else [])})
    full = f"{summary} {explanation}"
    if kind:
        full += f" Change kind: {CHANGE_KINDS.get(kind, kind)}."
    level = _DEFAULT_LEVEL.get(rule_id)
    if level is None:
        level = "error" if (kind in _DESTRUCTIVE or family == "policy") else "warning"
    text = markdown = f"{full}\n\n{advice}"
    codes = codes_of_kind(kind) if rule is not None and kind else ()
    if codes:
        # the catalogue's signal codes: what puts a change in this kind (the JSON report names it)
        text += "\n\nSignal codes of this kind:\n" + "\n".join(
            f"- {c.code}: {c.meaning}" for c in codes
        )
        markdown += "\n\nSignal codes of this kind:\n\n" + "\n".join(code_table(codes))
    return {
        "id": rule_id,
        "name": name,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": full},
        "help": {"text": text, "markdown": markdown},
        "defaultConfiguration": {"level": level},
        # GitHub keeps at most 20 tags and shows 10
        "properties": {"tags": ["intent-reviewer", family, *kinds][:10]},
    }


# --- results ----------------------------------------------------------------------------------


def _anchor(review: Review) -> str | None:
    """Where results about the change as a whole are shown: its first file that still exists."""
    for fr in review.files:
        if fr.scope.status != "deleted":
            return fr.scope.path
    return review.files[0].scope.path if review.files else None


def uri(path: str) -> str:
    """A repository path as a relative URI reference (GitHub refuses spaces, ``#``, ``:`` ...)."""
    return quote(path.encode("utf-8", "surrogateescape"), safe="/")


def _location(path: str, line: int, properties: dict[str, Any] | None = None) -> dict[str, Any]:
    loc: dict[str, Any] = {
        "physicalLocation": {"artifactLocation": {"uri": uri(path)}, "region": {"startLine": line}}
    }
    if properties:
        loc["properties"] = properties
    return loc


def _result(
    f: Finding, rule_index: int, anchor: str | None, questions: list[Question]
) -> dict[str, Any]:
    text = f.title
    stated = f.licensed and (f.kind is not None or f.path is not None)
    if stated and f.stated is None and not text.endswith(_STATED):
        text += _STATED
    props: dict[str, Any] = {"severity": f.severity, "licensed": f.licensed, "source": f.source}
    if f.stated is not None:
        props["stated"] = {"text": f.stated.text, "start": f.stated.start, "end": f.stated.end}
    if f.kind:
        props["kind"] = f.kind
    if f.symbol:
        props["symbol"] = f.symbol
    if f.confidence is not None:
        props["confidence"] = f.confidence
    if f.path is None:
        assert anchor is not None  # to_dict keeps path-less findings only when there is an anchor
        text += " (about the change as a whole; shown on its first changed file)"
        location = _location(anchor, 1, {"anchor": "intent"})
    elif f.side == "old" and f.line:
        text += f" (line {f.line} of the base revision)"
        location = _location(
            f.path,
            1,
            {"side": "old", "baseLine": f.line, "note": "the line is in the base revision"},
        )
    else:
        location = _location(f.path, f.line if f.line and f.line > 0 else 1)
    if questions:
        text += "\n\nAnswer before merging:\n" + "\n".join(
            f"- {q.id}{' (answered)' if q.answered else ''}: {q.text}" for q in questions
        )
        props["questions"] = [q.id for q in questions]
    return {
        "ruleId": f.rule,
        "ruleIndex": rule_index,
        "level": _LEVEL[f.severity],
        "message": {"text": text},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT_KEY: f.id},
        "properties": props,
    }


# --- run --------------------------------------------------------------------------------------


def _invocation(review: Review, *, dropped: int) -> dict[str, Any]:
    notes: list[dict[str, Any]] = []
    if review.degraded:
        notes.append(
            {
                "level": "warning",
                "message": {"text": "The LLM step failed: this is the deterministic review only."},
                "descriptor": {"id": "degraded"},
            }
        )
    if dropped:
        notes.append(
            {
                "level": "warning",
                "message": {
                    "text": f"{dropped} lower-severity findings are left out: code scanning "
                    f"accepts at most {MAX_RESULTS} results per run (see the JSON report)."
                },
                "descriptor": {"id": "results-capped"},
            }
        )
    unanalysed = [fr.scope for fr in review.files if fr.scope.mode == "none"]
    for fs in unanalysed[:100]:
        notes.append(
            {
                "level": "note",
                "message": {"text": f"{fs.path}: {'; '.join(fs.notes) or 'not analysed'}"},
                "locations": [_location(fs.path, 1)],
                "descriptor": {"id": "file-not-analysed"},
            }
        )
    for note in review.notes[:100]:
        notes.append(
            {"level": "note", "message": {"text": note}, "descriptor": {"id": "review-note"}}
        )
    out: dict[str, Any] = {"executionSuccessful": True}
    if notes:
        out["toolExecutionNotifications"] = notes
    return out


def _run_properties(review: Review, anchor: str | None) -> dict[str, Any]:
    intent_level = [f for f in review.findings if f.path is None]
    props: dict[str, Any] = {
        "verdict": review.verdict,
        "requiresAnswers": review.requires_answers,
        "blastRadius": {
            "level": review.blast_radius.level,
            "reasons": list(review.blast_radius.reasons),
        },
        "questions": [
            {"id": q.id, "finding": q.finding, "text": q.text, "answered": q.answered}
            for q in review.questions
        ],
        "outOfScopePaths": list(review.out_of_scope_paths),
        "degraded": review.degraded,
        "intentSource": review.intent.source,
        "intentLevelFindings": [
            {"id": f.id, "rule": f.rule, "severity": f.severity, "title": f.title}
            for f in intent_level
        ],
    }
    if anchor is not None and intent_level:
        props["intentLevelAnchor"] = anchor
    if review.summary:
        props["summary"] = review.summary
    return props


def _clean(value: Any) -> Any:
    """Undecodable bytes survive in paths and text as lone surrogates; JSON cannot carry them."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    return value
