"""Review -> terminal text: verdict and blast radius first, readable in 80 columns."""

from __future__ import annotations

import textwrap

from ..models import Review, severity_rank

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
        out.extend(wrap(_one_line(intent.title or intent.text), "  ", label))
    for reason in review.blast_radius.reasons[:3]:
        out.extend(wrap(reason, "    ", "  - "))
    if review.degraded:
        out.append(
            c("  (degraded: the LLM step failed; this is the deterministic review)", "yellow")
        )
    if review.summary:
        out.extend(wrap(review.summary, "  ", "  "))

    unexplained = [fr for fr in review.files if not fr.explained]
    if unexplained:
        out.append("")
        out.append(c(f"Out of scope ({len(unexplained)} of {len(review.files)} files):", "bold"))
        for fr in unexplained[:MAX_LISTED]:
            kinds = ", ".join(fr.scope.change_kinds)
            line = f"{fr.scope.path} ({fr.scope.status}{'; ' + kinds if kinds else ''})"
            out.extend(wrap(line, "      ", "  - "))
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
        out.append(c(f"Findings ({len(shown)}{more}):", "bold"))
        for f in shown[:MAX_LISTED]:
            loc = f.path or ""
            if f.path and f.line:
                loc += f":{f.line}"
            sev = c(f.severity.upper().ljust(8), _SEV_COLOR[f.severity])
            out.extend(wrap(f.title, " " * 11, f"  {sev} {f.rule} "))
            if loc:
                out.append(" " * 11 + c(loc, "dim"))
        if len(shown) > MAX_LISTED:
            out.append(f"  ... and {len(shown) - MAX_LISTED} more (see --format json)")

    if review.questions:
        out.append("")
        out.append(c("Questions the author must answer:", "bold"))
        for q in review.questions:
            mark = "x" if q.answered else " "
            lead = f"  [{mark}] {q.id} "
            out.extend(wrap(q.text, " " * len(lead), lead))
            if q.answered and q.answer:
                out.extend(wrap(f"answer: {q.answer}", " " * len(lead), " " * len(lead)))

    s = review.stats
    out.append("")
    tail = f"{s.files} file(s), +{s.additions} -{s.deletions}, {s.elapsed_ms} ms"
    if s.llm_calls:
        tail += f", LLM: {s.llm_calls} call(s), {s.llm_tokens} tokens"
    out.append(c(tail, "dim"))
    for note in review.notes:
        out.extend(wrap(note, "  ", c("note: ", "dim")))
    return "\n".join(out) + "\n"


def _one_line(text: str) -> str:
    return " ".join(text.split())[:400]
