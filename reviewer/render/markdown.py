"""Review -> the sticky PR comment (GitHub Markdown): verdict first, bounded size, inert user text.

Everything that comes from the change or its author (file names, PR text, symbols, answers, LLM
prose) is untrusted: it is rendered either inside a code span or escaped so that it cannot open HTML,
images, links, mentions, issue references, headings or table cells, and nothing of it ever reaches an
HTML comment. The comment stays under GitHub's size limit by listing fewer rows, never by cutting one.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterable, Sequence

from .. import __version__
from ..models import CHANGE_KINDS, SEVERITIES, FileReview, Finding, Question, Review, severity_rank
from ..record import record
from ..rx import lazy
from .groups import (
    LARGE_REVIEW,
    Group,
    areas,
    describe,
    explanation,
    group_findings,
    mentions_path,
    where,
)

#: GitHub refuses issue and pull request comments longer than this
GITHUB_COMMENT_LIMIT = 65_536
#: what ``render`` stays within, counted in UTF-16 code units (never fewer than characters), with
#: room left for a caller that wraps the body
MAX_CHARS = 64_000
#: what the readable part aims at: two screens of a PR comment. Lists get shorter (never a row cut)
#: until the comment fits; the JSON report and SARIF keep every detail
READ_CHARS = 20_000
#: the largest ``state`` accepted: a readable review must always fit beside it
MAX_STATE_CHARS = 32_000

FINGERPRINT_MARKER = "intent-reviewer:fingerprint"
STATE_MARKER = "intent-reviewer:state"

_BADGE = {"aligned": "✅", "drift": "⚠️", "mismatch": "🛑"}
_SOURCE = {
    "pr": "PR",
    "commit": "commit message",
    "prompt": "assistant prompt",
    "cli": "command line",
}
_NO_REASON = "no risky change kinds found"
#: up to this many files, explained files share the scope table with the out-of-scope ones
_SMALL_REVIEW = 15
_ZWJ = "\u200d"


# --- inert text -------------------------------------------------------------------------------

_SURROGATE = lazy("[\ud800-\udfff]")
#: bidirectional overrides and isolates reorder what the reader sees (Trojan Source)
_BIDI = lazy("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_CONTROL = lazy("[\x00-\x1f\x7f-\x9f\u2028\u2029\u0085]")
_SPECIAL = lazy(r"([\\`*_\[\]|~$])")
_MENTION = lazy(r"@(?=\w)")
_ISSUE_REF = lazy(r"#(?=\d)")
_SCHEME = lazy(r"(?i)\b([a-z][a-z0-9+.-]*)(?=://)|\b(mailto|xmpp)(?=:)")
_WWW = lazy(r"(?i)\bwww\.")
_BLOCK_START = lazy(r"^(?:[#+=-]|\d+[.)])")
_SPAN = lazy(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")


def _clean(text: str, limit: int) -> str:
    """One line of at most ``limit`` characters: no control, bidi or unpaired surrogate characters."""
    text = _SURROGATE.sub("\ufffd", _BIDI.sub("\ufffd", text))
    text = " ".join(_CONTROL.sub(" ", text).split())
    if len(text) > limit:
        text = text[: max(limit - 1, 0)].rstrip() + "…"
    return text


def _escape(text: str, *, at_start: bool) -> str:
    """Plain text that GitHub Markdown shows as written."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _SPECIAL.sub(r"\\\1", text)
    text = _MENTION.sub("@" + _ZWJ, text)
    text = _ISSUE_REF.sub("#" + _ZWJ, text)
    text = _SCHEME.sub(lambda m: m.group(0) + _ZWJ, text)
    text = _WWW.sub(lambda m: m.group(0)[:3] + _ZWJ + ".", text)
    if at_start:
        m = _BLOCK_START.match(text)
        if m:
            # "# x", "- x", "1. x" would start a heading or a list; escape the marker's punctuation
            text = text[: m.end() - 1] + "\\" + text[m.end() - 1 :]
    return text


def _span(text: str, *, table: bool) -> str:
    """``text`` as one code span; inside it nothing is Markdown or HTML."""
    if not text:
        return "*(empty)*"
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text[0] in "` " or text[-1] in "` " else ""
    if table:
        text = text.replace("|", "\\|")
    return f"{fence}{pad}{text}{pad}{fence}"


def code(text: str, *, limit: int = 200, table: bool = False) -> str:
    """Untrusted ``text`` (a path, a symbol) as a code span, shortened to ``limit`` characters."""
    return _span(_clean(text, limit), table=table)


def inline(text: str, *, limit: int = 500, table: bool = False) -> str:
    """Untrusted prose on one line; its backtick spans stay code spans, the rest is escaped."""
    text = _clean(text, limit)
    out: list[str] = []
    pos = 0
    for m in _SPAN.finditer(text):
        out.append(_escape(text[pos : m.start()], at_start=pos == 0))
        out.append(_span(m.group(2).strip(" ") or m.group(2), table=table))
        pos = m.end()
    out.append(_escape(text[pos:], at_start=pos == 0))
    return "".join(out)


def utf16_len(text: str) -> int:
    """Length as GitHub's limit counts it at worst: UTF-16 code units."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


# --- hidden markers ---------------------------------------------------------------------------


def fingerprint(review: Review) -> str:
    """A hash of the findings' and questions' ids: equal when nothing a reader acts on changed."""
    parts = [
        *sorted(f.id for f in review.findings),
        "\x00",
        *sorted(q.id for q in review.questions),
    ]
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _state_block(state: str) -> str:
    """The state inside an HTML comment; base64 when the text itself could end or nest a comment."""
    if "--" in state or "<!" in state or _SURROGATE.search(state):
        payload = base64.b64encode(state.encode("utf-8", "surrogatepass")).decode("ascii")
        return f"<!-- {STATE_MARKER} base64\n{payload}\n-->"
    return f"<!-- {STATE_MARKER}\n{state}\n-->"


# GitHub may store an edited comment (a ticked checkbox) with CRLF line ends
_FINGERPRINT_RE = lazy(rf"^<!-- {FINGERPRINT_MARKER} ([0-9a-f]+) -->\r?$", re.M)
_STATE_RE = lazy(rf"^<!-- {STATE_MARKER}( base64)?\r?\n(.*?)\r?\n-->\r?$", re.M | re.S)


def read_fingerprint(body: str) -> str | None:
    """The fingerprint a rendered comment carries (the last marker: ours is near the end)."""
    found = _FINGERPRINT_RE.findall(body)
    return found[-1] if found else None


def read_state(body: str) -> str | None:
    """The ``state`` given to ``render``, exactly as it was, or None when the body has none."""
    found = list(_STATE_RE.finditer(body))
    if not found:
        return None
    m = found[-1]
    if not m.group(1):
        return m.group(2)
    try:
        return base64.b64decode(m.group(2), validate=True).decode("utf-8", "surrogatepass")
    except (binascii.Error, UnicodeDecodeError):
        return None


# --- layout -----------------------------------------------------------------------------------


@record(slots=False)
class _Limits:
    """How many items each list shows; lowered step by step until the comment fits."""

    rows: int = 60
    findings: int = 25  # object groups per severity
    questions: int = 100
    reasons: int = 6
    notes: int = 20
    areas: int = 12

    def shrink(self) -> _Limits:
        return _Limits(
            rows=self.rows * 3 // 5,
            findings=self.findings * 3 // 5,
            questions=self.questions * 4 // 5,
            reasons=self.reasons * 4 // 5,
            notes=self.notes // 2,
            areas=self.areas * 4 // 5,
        )

    @property
    def exhausted(self) -> bool:
        return not (
            self.rows or self.findings or self.questions or self.reasons or self.notes or self.areas
        )


def render(review: Review, *, state: str | None = None) -> str:
    """The sticky comment; ``state`` (built by the GitHub layer) is embedded verbatim, hidden."""
    tail = [f"<!-- {FINGERPRINT_MARKER} {fingerprint(review)} -->"]
    if state is not None:
        if utf16_len(state) > MAX_STATE_CHARS:
            raise ValueError(
                f"comment state is {utf16_len(state)} characters; at most {MAX_STATE_CHARS} fit"
            )
        tail.append(_state_block(state))
    limits = _Limits()
    while True:
        body = "\n".join([*_body(review, limits), ""]) + "\n"
        text = body + "\n".join(tail) + "\n"
        if (utf16_len(body) <= READ_CHARS and utf16_len(text) <= MAX_CHARS) or limits.exhausted:
            return text
        limits = limits.shrink()


def _body(review: Review, limits: _Limits) -> list[str]:
    out = [_badge(review), ""]
    headline = _headline(review)
    if headline:
        out += [headline, ""]
    out.extend(_intent(review))
    if review.degraded:
        out += ["", "> [!WARNING]", "> The LLM step failed: this is the deterministic review only."]
    out += ["", *_summary(review, limits)]
    # the questions are what the author acts on: right after the summary
    out += _questions(review, limits)
    if len(review.files) >= LARGE_REVIEW:
        out += ["", *_areas(review, limits)]
    out += ["", *_scope(review, limits)]
    out += _findings(review, limits)
    out += _notes(review, limits)
    out += ["", "---", _footer(review)]
    return out


def _badge(review: Review) -> str:
    answers = "answers required" if review.requires_answers else "no answers required"
    return (
        f"### {_BADGE[review.verdict]} Intent review: **{review.verdict}** · "
        f"blast radius **{review.blast_radius.level}** · {answers}"
    )


_HEADLINE = {
    "destroy": "destroys",
    "state": "moves state",
    "protection_toggle": "drops deletion guards",
    "destructive_data": "destroys data",
    "permission_widening": "widens access",
    "dangerous_command": "runs destructive commands",
    "ci_cd": "changes CI/CD",
    "agent_instructions": "changes agent instructions",
    "public_api": "changes a public API",
    "global_config": "changes defaults",
    "dependency": "changes dependencies",
}


def _headline(review: Review) -> str:
    """What matters most, by name, before anything else: the unstated high-risk changes."""
    from ..questions import family

    names: dict[str, dict[str, None]] = {}
    for f in review.findings:
        fam = family(f)
        if (
            fam in _HEADLINE
            and not f.licensed
            and severity_rank(f.severity) >= severity_rank("high")
        ):
            names.setdefault(fam, {})[f.symbol or f.path or f.rule] = None
    parts = []
    for fam in _HEADLINE:
        if fam in names:
            found = list(names[fam])
            shown = ", ".join(code(n, limit=80) for n in found[:3])
            more = f" and {len(found) - 3:,} more" if len(found) > 3 else ""
            parts.append(f"{_HEADLINE[fam]} {shown}{more}")
    return ("**Unstated:** " + " · ".join(parts)) if parts else ""


def _intent(review: Review) -> list[str]:
    intent = review.intent
    if intent.empty:
        return ["**Intent:** none stated"]
    label = _SOURCE.get(intent.source, "intent")
    if intent.type:
        label += f", {intent.type}"
    first = intent.title or intent.text.strip().splitlines()[0]
    return [f"**Intent** ({inline(label, limit=60)}): {inline(first, limit=300)}"]


def _reasons(review: Review) -> list[str]:
    """Blast radius reasons, without restatements of one already given (same words, other tail)."""
    out: list[str] = []
    seen: set[str] = set()
    for reason in review.blast_radius.reasons:
        stem = reason.split(" — ")[0].split(" (`")[0].strip().lower()
        if reason != _NO_REASON and stem not in seen:
            seen.add(stem)
            out.append(reason)
    return out


def _own_reasons(review: Review) -> list[str]:
    """Reasons that are not a finding said again (the findings list says those, by object)."""
    titles = {f.title.split(" (stated")[0].rstrip(".").lower() for f in review.findings}
    return [r for r in _reasons(review) if r.split(" (`")[0].rstrip(".").lower() not in titles]


def _summary(review: Review, limits: _Limits) -> list[str]:
    reasons = _own_reasons(review)
    if review.summary:
        lines = [inline(review.summary, limit=2000)]
        rest = reasons
    else:
        lines = [inline(deterministic_summary(review), limit=2000)]
        rest = reasons[1:]
    shown = rest[: limits.reasons]
    if shown:
        lines += ["", "Blast radius also reflects:" if not review.summary else "Blast radius:"]
        lines += [f"- {inline(r, limit=300)}" for r in shown]
        if len(rest) > len(shown):
            lines.append(f"- … and {len(rest) - len(shown)} more")
    return lines


def deterministic_summary(review: Review) -> str:
    """One sentence from the verdict, the unexplained files and the top blast radius reasons."""
    n = len(review.files)
    k = sum(1 for fr in review.files if not fr.explained)
    reasons = (_own_reasons(review) or _reasons(review))[:1]
    why = f" ({reasons[0]})" if reasons else ""
    blast = f"blast radius {review.blast_radius.level}{why}"
    if n == 0:
        return f"The diff changes no files; {blast}."
    if review.intent.empty:
        changed = "changed file" if n == 1 else f"{n:,} changed files"
        return f"No intent was stated, so the {changed} could not be compared with one; {blast}."
    if review.verdict == "aligned":
        every = "the file is" if n == 1 else f"all {n:,} files are"
        return f"The change matches its stated intent: {every} explained by it; {blast}."
    noun = "file" if n == 1 else "files"
    verb = "is" if k == 1 else "are"
    outside = (
        f"{k:,} of {n:,} {noun} {verb} not explained by it"
        if k
        else "every file is explained by it"
    )
    if review.verdict == "drift":
        return f"The change drifts from its stated intent: {outside}, nothing risky; {blast}."
    risky = sum(
        1
        for f in review.findings
        if not f.licensed and severity_rank(f.severity) >= severity_rank("medium")
    )
    return (
        f"The change does more than its stated intent says: {outside}, and "
        f"{_plural(risky, 'risky finding')} {'is' if risky == 1 else 'are'} not licensed by it; "
        f"{blast}."
    )


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


# --- scope table ------------------------------------------------------------------------------


def _file_risk(review: Review) -> dict[str, int]:
    worst: dict[str, int] = {}
    for f in review.findings:
        if f.path is not None:
            worst[f.path] = max(worst.get(f.path, -1), severity_rank(f.severity))
    return worst


def _ranked(files: Sequence[FileReview], risk: dict[str, int]) -> list[FileReview]:
    def key(item: tuple[int, FileReview]) -> tuple[int, int, int, int]:
        i, fr = item
        s = fr.scope
        return (-risk.get(s.path, -1), -len(s.change_kinds), -(s.additions + s.deletions), i)

    return [fr for _, fr in sorted(enumerate(files), key=key)]


_TABLE_HEAD = [
    "| File | Status | Change kinds | Explained by the intent |",
    "| --- | --- | --- | --- |",
]


def _row(fr: FileReview, intent_text: str = "") -> str:
    s = fr.scope
    status: str = s.status
    if s.old_path and s.old_path != s.path:
        status += f" from {code(s.old_path, limit=120, table=True)}"
    if s.cosmetic:
        status += f" ({s.cosmetic} only)"
    if s.mode == "none":
        status += " (not analysed)"
    kinds = ", ".join(CHANGE_KINDS.get(k, k) for k in s.change_kinds) or "—"
    if fr.explained:
        said = [explanation(r, fr, intent_text) for r in fr.explained_by[:3]]
        why = "; ".join(said) + (" …" if len(fr.explained_by) > 3 else "")
        explained = f"yes: {inline(why, limit=160, table=True)}" if why else "yes"
    else:
        explained = "**out of scope**"
        if fr.unexplained_symbols:
            names = ", ".join(code(n, limit=80, table=True) for n in fr.unexplained_symbols[:3])
            more = (
                f" and {len(fr.unexplained_symbols) - 3} more"
                if len(fr.unexplained_symbols) > 3
                else ""
            )
            explained += f": {names}{more}"
    return f"| {code(s.path, limit=200, table=True)} | {status} | {inline(kinds, table=True)} | {explained} |"


def _scope(review: Review, limits: _Limits) -> list[str]:
    files = review.files
    s = review.stats
    unexplained = [fr for fr in files if not fr.explained]
    explained = [fr for fr in files if fr.explained]
    out = [
        "#### Scope vs intent",
        "",
        f"{_plural(len(files), 'file')} changed (+{s.additions:,} −{s.deletions:,}): "
        f"{len(explained):,} explained by the intent, {len(unexplained):,} out of scope.",
    ]
    if not files:
        return out
    risk = _file_risk(review)
    small = len(files) <= _SMALL_REVIEW
    main = _ranked(unexplained, risk) + (_ranked(explained, risk) if small else [])
    # a few of the riskiest explained files stay listed even when out-of-scope ones are many
    reserve = 0 if small else min(len(explained), limits.rows // 6)
    shown = main[: limits.rows - reserve]
    if shown and len(files) >= LARGE_REVIEW:
        # the areas above summarise a large change; its files are there for who looks for one
        out += [
            "",
            "<details>",
            f"<summary>{_plural(len(shown), 'file')} out of scope, riskiest first</summary>",
            "",
            *_TABLE_HEAD,
            *(_row(fr, review.intent.text) for fr in shown),
            "",
            "</details>",
        ]
    elif shown:
        out += ["", *_TABLE_HEAD, *(_row(fr, review.intent.text) for fr in shown)]
    left = limits.rows - len(shown)
    hidden_oos = max(len(unexplained) - len(shown), 0)
    if not small and explained:
        extra = _ranked(explained, risk)[: max(left, 0)]
        if extra:
            out += [
                "",
                "<details>",
                f"<summary>{_plural(len(explained), 'file')} explained by the intent</summary>",
                "",
                *_TABLE_HEAD,
                *(_row(fr, review.intent.text) for fr in extra),
                "",
                "</details>",
            ]
        not_listed = len(explained) - len(extra)
    else:
        not_listed = len(main) - len(shown) - hidden_oos
    missing = hidden_oos + not_listed
    if missing:
        of = f" ({hidden_oos:,} of them out of scope)" if hidden_oos else ""
        out += ["", f"… and {_plural(missing, 'more file')}{of} (see the JSON report)."]
    return out


# --- findings and questions -------------------------------------------------------------------

_STATED = " (explained by the intent)"


def _title(f: Finding) -> str:
    title = f.title[: -len(_STATED)] if f.title.endswith(_STATED) else f.title
    if f.stated is not None and " (stated: «" in title:
        title = title[: title.rindex(" (stated: «")]
    return title


def _finding_group(g: Group) -> str:
    """One object: its rules, name and location once, what happens to it, and the intent's words."""
    rules = ", ".join(g.rules)
    if len(g.findings) == 1:
        what = inline(_title(g.findings[0]), limit=400)
        parts = [f"- **{inline(rules, limit=60)}** {what}"]
    else:
        stripped = Group(
            name=g.name,
            path=g.path,
            severity=g.severity,
            findings=tuple(_untitled(f) for f in g.findings),
        )
        parts = [
            f"- **{inline(rules, limit=60)}** {code(g.name, limit=120)}: "
            f"{inline(describe(stripped), limit=600)}"
        ]
    f0 = g.findings[0]
    if g.path and not mentions_path(g):
        if len(g.lines) == 1 and f0.side == "old":
            parts.append(f"{code(g.path)} line {g.lines[0]} of the base revision")
        else:
            parts.append(code(where(g), limit=240))
    elif g.path and g.lines and len(g.lines) > 1:
        parts.append(f"lines {inline(where(g).rsplit('lines ', 1)[-1], limit=80)}")
    stated = next((f.stated for f in g.findings if f.stated is not None), None)
    near = next((f.near for f in g.findings if f.near is not None), None)
    if stated is not None:
        parts.append(f"*stated:* «{inline(stated.text, limit=200)}»")
    elif g.licensed and any(f.kind or f.path for f in g.findings):
        # review-level findings (the rollback plan) are "licensed" only to keep them off the verdict
        parts.append("*explained by the intent*")
    elif near is not None:
        parts.append(f"*came close:* «{inline(near.text, limit=200)}»")
    llm = [f for f in g.findings if f.source == "llm"]
    if llm:
        conf = llm[0].confidence
        parts.append(f"*LLM{f', confidence {conf:.0%}' if conf is not None else ''}*")
    return " · ".join(parts)


def _untitled(f: Finding) -> Finding:
    from ..record import replace

    return replace(f, title=_title(f))


def _group(title: str, items: Sequence[Group], limit: int) -> list[str]:
    count = sum(len(g.findings) for g in items)
    objects = f", {_plural(len(items), 'object')}" if len(items) != count else ""
    lines = [f"**{title}** ({count:,}{objects})", ""]
    lines += [_finding_group(g) for g in items[:limit]]
    if len(items) > limit:
        rest = items[limit:]
        names = ", ".join(code(g.name, limit=60) for g in rest[:5])
        more = f" and {len(rest) - 5:,} more" if len(rest) > 5 else ""
        lines.append(
            f"- … and {_plural(len(rest), 'more object')}: {names}{more} (see the JSON report)"
        )
    return lines


def _findings(review: Review, limits: _Limits) -> list[str]:
    if not review.findings:
        return ["", "#### Findings", "", "None."]
    by_sev: dict[str, list[Group]] = {s: [] for s in SEVERITIES}
    for g in group_findings(review.findings):
        by_sev.setdefault(g.severity, []).append(g)
    out = ["", f"#### Findings ({len(review.findings):,})"]
    # a large change shows what can break; its medium findings wait behind a click
    loud = (
        ("critical", "high")
        if len(review.files) >= LARGE_REVIEW
        else ("critical", "high", "medium")
    )
    for sev in loud:
        if by_sev[sev]:
            out += ["", *_group(sev.capitalize(), by_sev[sev], limits.findings)]
    quiet = [(sev, by_sev[sev]) for sev in SEVERITIES[::-1] if sev not in loud and by_sev[sev]]
    if quiet:
        count = sum(len(g.findings) for _, items in quiet for g in items)
        which = "Medium, low and info" if "medium" not in loud else "Low and info"
        out += ["", "<details>", f"<summary>{which} findings ({count:,})</summary>"]
        for sev, items in quiet:
            out += ["", *_group(sev.capitalize(), items, limits.findings)]
        out += ["", "</details>"]
    return out


def _areas(review: Review, limits: _Limits) -> list[str]:
    """A large change by area: what changed there, the risky objects by name, counts for the rest."""
    found = areas(review)
    out = ["#### Areas", ""]
    for a in found[: limits.areas]:
        kinds = ", ".join(CHANGE_KINDS.get(k, k) for k in a.kinds[:4])
        oos = f", {a.out_of_scope:,} out of scope" if a.out_of_scope else ""
        line = (
            f"- {code(a.name + '/' if a.name != '(top level)' else a.name, limit=80)}: "
            f"{_plural(a.files, 'file')} (+{a.additions:,} −{a.deletions:,}){oos}"
        )
        if kinds:
            line += f"; {inline(kinds, limit=160)}"
        if a.risky:
            names = ", ".join(code(g.name, limit=60) for g in a.risky[:3])
            more = f" and {len(a.risky) - 3:,} more" if len(a.risky) > 3 else ""
            line += f"; at risk: {names}{more}"
        elif a.findings:
            line += f"; {_plural(a.findings, 'finding')}, none high"
        out.append(line)
    if len(found) > limits.areas:
        rest = found[limits.areas :]
        out.append(
            f"- … and {_plural(len(rest), 'more area')} "
            f"({sum(a.files for a in rest):,} files, none with a high finding)"
            if not any(a.risky for a in rest)
            else f"- … and {_plural(len(rest), 'more area')} (see the JSON report)"
        )
    return out


def _question(q: Question) -> list[str]:
    mark = "x" if q.answered else " "
    lines = [f"- [{mark}] **{inline(q.id, limit=40)}** {inline(q.text, limit=1000)}"]
    if q.answered and q.answer:
        lines.append(f"  > {inline(q.answer, limit=1000)}")
    return lines


def _questions(review: Review, limits: _Limits) -> list[str]:
    qs = review.questions
    if not qs:
        return _folded(review)
    open_ = sum(1 for q in qs if not q.answered)
    out = ["", f"#### Questions ({open_:,} open, {len(qs) - open_:,} answered)", ""]
    for q in qs[: limits.questions]:
        out += _question(q)
    if len(qs) > limits.questions:
        rest = qs[limits.questions :]
        still = sum(1 for q in rest if not q.answered)
        out.append(
            f"- … and {_plural(len(rest), 'more question')} ({still:,} open; see the JSON report)"
        )
    out += _folded(review)
    return out


def _folded(review: Review) -> list[str]:
    """Concerns past ``max_questions``: named, so nothing is dropped, but not asked."""
    folded = review.folded_questions
    if not folded:
        return []
    by_id = {f.id: f for f in review.findings}
    names = []
    for q in folded:
        f = by_id.get(q.finding)
        names.append(code(f.symbol or f.path or f.rule, limit=80) if f else inline(q.id, limit=20))
    return [
        "",
        f"Also in the findings, not asked ({len(folded):,} lower-risk concerns past the "
        f"{len(review.questions):,} above): "
        + ", ".join(names[:12])
        + (f" and {len(names) - 12:,} more" if len(names) > 12 else "")
        + ".",
    ]


# --- notes and footer -------------------------------------------------------------------------


def _file_notes(review: Review) -> Iterable[str]:
    for fr in review.files:
        s = fr.scope
        if s.mode == "none" or s.notes:
            what = "; ".join(s.notes) or "not analysed"
            yield f"`{s.path}`: {what}"


def _notes(review: Review, limits: _Limits) -> list[str]:
    notes = list(review.notes)
    file_notes = list(_file_notes(review))
    total = len(notes) + len(file_notes)
    if not total:
        return []
    shown = (notes + file_notes)[: limits.notes]
    out = ["", "<details>", f"<summary>Review notes ({total:,})</summary>", ""]
    out += [f"- {inline(n, limit=300)}" for n in shown]
    if total > len(shown):
        out.append(f"- … and {_plural(total - len(shown), 'more note')} (see the JSON report)")
    out += ["", "</details>"]
    return out


def _footer(review: Review) -> str:
    s = review.stats
    parts = [
        f"intent-reviewer {__version__}",
        f"{_plural(s.files, 'file')}, +{s.additions:,} −{s.deletions:,}",
    ]
    if s.llm_calls:
        model = review.llm.get("model") if review.llm else None
        which = f" ({inline(model, limit=60)})" if isinstance(model, str) and model else ""
        parts.append(f"rules + LLM{which}: {_plural(s.llm_calls, 'call')}, {s.llm_tokens:,} tokens")
    else:
        parts.append("rules only")
    parts.append(f"{s.elapsed_ms:,} ms")
    return "<sub>" + " · ".join(parts) + "</sub>"
