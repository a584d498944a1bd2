"""Review -> terminal text: verdict and blast radius first, readable in 80 columns."""

from __future__ import annotations

import textwrap

from ..models import Review, severity_rank
from ..rx import lazy
from .groups import describe, group_findings, mentions_path, where

_COLORS = {
    "red": "\033[31m",
    "yellow": "\033[33m",
    "green": "\033[32m",
    "bold": "\033[1m",
    "dim": "\033[2m",
    "reset": "\033[0m",
}
_VERDICT_COLOR = {"aligned": "green", "drift": "yellow", "mismatch": "red"}
_LEVEL_COLOR = {"low": "green", "medium": "yellow", "high": "red", "critical": "red"}
_SEV_COLOR = {"info": "dim", "low": "dim", "medium": "yellow", "high": "red", "critical": "red"}
MAX_LISTED = 40

#: what a terminal would act on: C0/C1 controls (ESC, BEL, CR, the C1 CSI and OSC introducers
#: that start colour, cursor, title and OSC 8 hyperlink sequences), line and paragraph separators,
#: and bidirectional overrides that reorder what is shown (Trojan Source)
_UNSAFE = lazy("[\x00-\x1f\x7f-\x9f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def safe(text: str) -> str:
    """Untrusted text made inert for a terminal: every control character becomes a visible U+FFFD.

    A git-quoted path (``"a\\033[31m"``) reaches here decoded by the diff reader, so its ESC is
    caught like a raw one.

    Paths, symbols, the intent, answers and notes come from the change and its author; printed
    raw, an ESC could recolour the verdict, an OSC 8 sequence hide a link, a CR overwrite a line."""
    return _UNSAFE.sub("\ufffd", text.replace("\t", " "))


def render(review: Review, *, color: bool = False, width: int = 80) -> str:
    def c(text: str, name: str) -> str:
        return f"{_COLORS[name]}{text}{_COLORS['reset']}" if color else text

    def wrap(text: str, indent: str, first: str | None = None) -> list[str]:
        return textwrap.wrap(
            text,
            width=width,
            initial_indent=first if first is not None else indent,
            subsequent_indent=indent,
            break_long_words=True,
            break_on_hyphens=False,
        ) or [first or indent]

    def wrap_safe(text: str, indent: str, first: str | None = None) -> list[str]:
        return wrap(safe(text), indent, first)

    out: list[str] = []
    verdict = c(review.verdict.upper(), _VERDICT_COLOR[review.verdict])
    level = review.blast_radius.level
    head = f"intent-review: {verdict} · blast radius {c(level.upper(), _LEVEL_COLOR[level])}"
    if review.requires_answers:
        head += " · " + c("answers required", "bold")
    out.append(head)
    intent = review.intent
    if intent.empty:
        out.append("Intent: (none stated)")
    else:
        label = f"Intent ({intent.source}{', ' + intent.type if intent.type else ''}): "
        out.extend(wrap_safe(_one_line(intent.title or intent.text), "  ", label))
    for reason in _distinct(review.blast_radius.reasons)[:3]:
        out.extend(wrap_safe(reason, "    ", "  - "))
    if review.degraded:
        out.append(
            c("  (degraded: the LLM step failed; this is the deterministic review)", "yellow")
        )
    if review.summary:
        out.extend(wrap_safe(review.summary, "  ", "  "))

    unexplained = [fr for fr in review.files if not fr.explained]
    if unexplained:
        out.append("")
        out.append(c(f"Out of scope ({len(unexplained)} of {len(review.files)} files):", "bold"))
        for fr in unexplained[:MAX_LISTED]:
            kinds = ", ".join(fr.scope.change_kinds)
            line = f"{fr.scope.path} ({fr.scope.status}{'; ' + kinds if kinds else ''})"
            out.extend(wrap_safe(line, "      ", "  - "))
        if len(unexplained) > MAX_LISTED:
            out.append(f"  ... and {len(unexplained) - MAX_LISTED} more")

    shown = [
        f
        for f in review.findings
        if severity_rank(f.severity) >= severity_rank("low") or f.rule == "RV102"
    ]
    if shown:
        out.append("")
        hidden = len(review.findings) - len(shown)
        more = f", and {hidden} info in --format json" if hidden else ""
        groups = group_findings(shown)
        objects = f" about {len(groups)} objects" if len(groups) != len(shown) else ""
        out.append(c(f"Findings ({len(shown)}{objects}{more}):", "bold"))
        for g in groups[:MAX_LISTED]:
            sev = c(g.severity.upper().ljust(8), _SEV_COLOR[g.severity])
            rules = ",".join(g.rules)
            text = describe(g) if len(g.findings) == 1 else f"`{g.name}`: {describe(g)}"
            out.extend(wrap_safe(text, " " * 11, f"  {sev} {rules} "))
            loc = where(g)
            if loc and not (mentions_path(g) and len(g.lines) <= 1):
                out.append(" " * 11 + c(safe(loc), "dim"))
        if len(groups) > MAX_LISTED:
            out.append(f"  ... and {len(groups) - MAX_LISTED} more (see --format json)")

    if review.questions:
        out.append("")
        out.append(c("Questions the author must answer:", "bold"))
        for q in review.questions:
            mark = "x" if q.answered else " "
            lead = f"  [{mark}] {q.id} "
            out.extend(wrap_safe(q.text, " " * len(lead), lead))
            if q.answered and q.answer:
                out.extend(wrap_safe(f"answer: {q.answer}", " " * len(lead), " " * len(lead)))
    if review.folded_questions:
        by_id = {f.id: f for f in review.findings}
        names = [
            (by_id[q.finding].symbol or by_id[q.finding].path or q.id)
            if q.finding in by_id
            else q.id
            for q in review.folded_questions
        ]
        out.extend(
            wrap_safe(
                f"Not asked (lower risk, in the findings): {', '.join(names)}",
                "  ",
                "  ",
            )
        )

    s = review.stats
    out.append("")
    tail = f"{s.files} file(s), +{s.additions} -{s.deletions}, {s.elapsed_ms} ms"
    if s.llm_calls:
        tail += f", LLM: {s.llm_calls} call(s), {s.llm_tokens} tokens"
    out.append(c(tail, "dim"))
    for note in review.notes:
        out.extend(wrap_safe(note, "  ", c("note: ", "dim")))
    return "\n".join(out) + "\n"


def _distinct(reasons: tuple[str, ...]) -> list[str]:
    """Reasons without restatements (the same words with another tail)."""
    out: list[str] = []
    seen: set[str] = set()
    for r in reasons:
        stem = r.split(" — ")[0].split(" (`")[0].strip().lower()
        if stem not in seen:
            seen.add(stem)
            out.append(r)
    return out


def _one_line(text: str) -> str:
    return " ".join(text.split())[:400]
