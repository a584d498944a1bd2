"""Findings -> the few questions the author must answer, one per concern, with stable ids. Pure.

A concern is what one answer settles: the resources a module destroys (deleted, recreated for an
attribute, re-keyed), the state it moves, the guards it drops, the permissions it widens, the CI it
changes, the files nobody mentioned. Each question asks what only the author can answer and a
reviewer cannot see in the diff. At most ``max_questions`` are asked, ranked by risk; the others are
returned as folded: listed with their findings, never silently dropped, and never gating.

A question's id is the one its first finding's question always had, and it keeps the ids the other
findings' questions had as aliases, so an answer given before the grouping still matches.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from .config import QuestionTemplate
from .models import POLICY_SYMBOL, BlastRadius, Finding, Question, severity_rank
from .rules import fingerprint
from .rx import lazy

if TYPE_CHECKING:
    from typing import TypeVar

    T = TypeVar("T")

#: the order concerns of equal severity are asked in: what destroys first, what explains last
_FAMILIES = (
    "RV501",
    "RV103",
    "destroy",
    "state",
    "protection_toggle",
    "destructive_data",
    "permission_widening",
    "dangerous_command",
    "policy",
    "ci_cd",
    "agent_instructions",
    "RV4",
    "public_api",
    "global_config",
    "dependency",
    "size_vs_intent",
    "RV101",
    "RV502",
)
#: changes at most this many lines long never ask for a rollback plan of their own (a revert, a pin)
SMALL_CHANGE_LINES = 20
_MAX_NAMED = 4
_MAX_DESTROYED = 12
_RUNTIME = lazy(r"(?i)^(?:python|requires-python|node|engines\.\w+|go|rust-version|ruby)$")


def make_questions(
    findings: list[Finding],
    blast: BlastRadius,
    *,
    templates: tuple[QuestionTemplate, ...] = (),
    size_words: tuple[str, ...] = (),
    max_questions: int = 7,
    changed_lines: int | None = None,
    revert: bool = False,
) -> tuple[list[Question], list[Question]]:
    """``(asked, folded)``: at most ``max_questions`` asked, the riskiest concerns first."""
    concerns = _concerns([f for f in findings if _asks(f)])
    small = changed_lines is not None and changed_lines <= SMALL_CHANGE_LINES
    if revert or (small and len(concerns) > 1):
        # "how is it rolled back" asks nothing of a revert, nor of a few lines other questions cover
        concerns = [c for c in concerns if c[0] != "RV502"]
    concerns.sort(key=_rank)
    out: list[Question] = []
    for family, group in concerns:
        lead = group[0]
        texts = [_text(family, group, blast, size_words)]
        for t in templates:
            if any(f.rule.startswith(t.when) or f.kind == t.when for f in group):
                matched = next(f for f in group if f.rule.startswith(t.when) or f.kind == t.when)
                texts.append(_fill(t.text, matched, size_words))
        builtin = len(_builtin_texts(lead))
        for i, text in enumerate(texts):
            # the lead finding's own question keeps its id; a team's questions keep theirs
            index = 0 if i == 0 else builtin + i - 1
            qid = _qid(lead.id, index)
            aliases = tuple(_qid(f.id, 0) for f in group[1:]) if i == 0 else ()
            out.append(
                Question(
                    id=qid,
                    finding=lead.id,
                    text=text,
                    findings=tuple(f.id for f in group),
                    aliases=tuple(a for a in dict.fromkeys(aliases) if a != qid),
                )
            )
    return out[:max_questions], out[max_questions:]


def answer_for(question: Question, answers: Mapping[str, T]) -> T | None:
    """The answer given to ``question``, by its id or one of its aliases (ids are upper case)."""
    for qid in (question.id, *question.aliases):
        if qid.upper() in answers:
            return answers[qid.upper()]
        if qid in answers:
            return answers[qid]
    return None


def _qid(finding_id: str, index: int) -> str:
    return "Q" + fingerprint(finding_id, index)[:7].upper()


def _asks(f: Finding) -> bool:
    if f.rule in ("RV501", "RV502"):
        return True
    if f.rule == "RV101":
        return severity_rank(f.severity) >= severity_rank("low") and not f.licensed
    if f.licensed:
        # a stated risky change still needs its "what could go wrong" answered when it is high
        return severity_rank(f.severity) >= severity_rank("high")
    return severity_rank(f.severity) >= severity_rank("medium")


def family(f: Finding) -> str:
    """The kind of concern a finding belongs to (one question per family and module)."""
    if f.rule in ("RV501", "RV502", "RV101"):
        return f.rule
    if f.symbol == POLICY_SYMBOL:
        return "policy"  # the reviewer's own policy: who approved loosening the gate
    if f.rule.startswith("RV4"):
        return "RV4"
    if f.kind in ("resource_deletion", "replacement"):
        return "destroy"
    if f.kind == "environment_definition":
        return "state" if _is_state(f) else "destroy"
    if f.kind is not None:
        return f.kind
    if f.rule == "RV301":
        return "size_vs_intent"
    return f.rule


def _is_state(f: Finding) -> bool:
    """Where state lives or how it addresses things (backend, provider, ``moved``), rather than a
    resource whose instances are re-keyed or destroyed."""
    s = f.symbol or ""
    return not s or s.startswith(
        ("terraform.", "terraform", "provider", "moved.", "removed.", "workspace")
    )


def _area(f: Finding) -> str:
    path = f.path or ""
    return path.rsplit("/", 1)[0] if "/" in path else ""


def _concerns(findings: list[Finding]) -> list[tuple[str, list[Finding]]]:
    groups: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        fam = family(f)
        if fam in ("RV101", "RV501", "RV502", "size_vs_intent", "dependency"):
            key = (fam, "")
        elif fam == "RV4":
            key = (fam, f.rule + "\x00" + (f.symbol or f.path or ""))
        else:
            key = (fam, _area(f))
        groups.setdefault(key, []).append(f)
    # a file that another concern already asks about is not asked about twice
    asked_paths = {f.path for k, g in groups.items() if k[0] != "RV101" for f in g if f.path}
    oos = groups.get(("RV101", ""))
    if oos is not None:
        rest = [f for f in oos if f.path not in asked_paths]
        folded_in = [f for f in oos if f.path in asked_paths]
        for f in folded_in:
            for k, g in groups.items():
                if k[0] != "RV101" and any(x.path == f.path for x in g):
                    g.append(f)
                    break
        if rest:
            groups[("RV101", "")] = rest
        else:
            del groups[("RV101", "")]
    return [(k[0], g) for k, g in groups.items()]


def _rank(concern: tuple[str, list[Finding]]) -> tuple[int, int, int, int]:
    fam, group = concern
    worst = max(severity_rank(f.severity) for f in group)
    stated = all(f.licensed for f in group)
    order = _FAMILIES.index(fam) if fam in _FAMILIES else len(_FAMILIES) - 2
    if fam == "RV501":
        return (-99, 0, order, 0)
    if fam == "RV502":
        return (99, 0, order, 0)
    return (-worst, stated, order, -len(group))


def _names(items: Iterable[str], *, limit: int = _MAX_NAMED) -> str:
    names = list(dict.fromkeys(items))
    shown = [f"`{n}`" for n in names[:limit]]
    if len(names) > limit:
        return ", ".join(shown) + f" and {len(names) - limit} more"
    if len(shown) > 1:
        return ", ".join(shown[:-1]) + " and " + shown[-1]
    return shown[0] if shown else "This change"


def _objects(group: list[Finding]) -> list[str]:
    return [f.symbol or f.path or "" for f in group if (f.symbol or f.path) and f.rule != "RV101"]


def _where(group: list[Finding]) -> str:
    """`` (in `dir/`)`` after symbols (a path says where it is itself)."""
    if not any(f.symbol for f in group if f.rule != "RV101"):
        return ""
    areas = {_area(f) for f in group if f.path}
    if len(areas) == 1:
        (area,) = areas
        if area:
            return f" in `{area}/`"
        paths = {f.path for f in group if f.path}
        if len(paths) == 1 and not any(f.symbol for f in group):
            return ""
    return ""


def _text(fam: str, group: list[Finding], blast: BlastRadius, size_words: tuple[str, ...]) -> str:
    lead = group[0]
    names = _names(_objects(group))
    where = _where(group)
    plural = len(set(_objects(group))) > 1
    if fam == "policy":
        return (
            f"{lead.title}: who approved this change of the reviewer's own policy (name them and "
            "link the approval), and why is it needed?"
        )
    if fam == "destroy":
        # every destroyed resource is named: the author answers for each of them
        deleted = [f.symbol or f.path or "" for f in group if f.kind == "resource_deletion"]
        recreated = [
            f.symbol or f.path or ""
            for f in group
            if f.kind != "resource_deletion" and f.rule != "RV101" and f.symbol not in deleted
        ]
        parts = []
        if deleted:
            parts.append("deletes " + _names(deleted, limit=_MAX_DESTROYED))
        if recreated:
            parts.append("destroys and recreates " + _names(recreated, limit=_MAX_DESTROYED))
        text = f"This {' and '.join(parts)}{where}: " + (
            "which of them hold data or serve traffic, where is the final snapshot or backup of "
            "that data, and how is it restored if the apply goes wrong?"
            if plural
            else "if it holds data, where is its final snapshot or backup, how is it restored if "
            "the apply goes wrong, and what serves traffic meanwhile?"
        )
        if any("`moved`" in f.title for f in group):
            text += " Would a `moved` block keep what is only renamed?"
        return text
    if fam == "state":
        return (
            f"This change moves where Terraform keeps state or how it addresses resources "
            f"({names}{where}): how is the existing state carried over, and what does `plan` show "
            "for production afterwards?"
        )
    if fam == "protection_toggle":
        return (
            f"This change drops a guard against deletion or data loss on {names}{where}: why does "
            "it need that, and when is the guard put back?"
        )
    if fam == "destructive_data":
        return (
            f"This change destroys data ({names}{where}): is a backup taken right before it runs, "
            "and how is it reversed?"
        )
    if fam == "permission_widening":
        return (
            f"This change widens access in {names}{where}: who or what needs it, and why would "
            "anything narrower not do?"
        )
    if fam == "ci_cd":
        return (
            f"This change edits CI/CD ({names}{where}): which check stops running or stops gating "
            "merges and releases, and what gates them now?"
        )
    if fam == "agent_instructions":
        return (
            f"This change edits what AI agents are told or allowed to run ({names}{where}): who "
            "reviewed these instructions, and can they make an agent skip checks or run "
            "destructive commands?"
        )
    if fam == "global_config":
        return (
            f"This change edits a default that everything inherits ({names}{where}): who relies on "
            "the old value, and how do they keep it?"
        )
    if fam == "dangerous_command":
        return (
            f"This change runs a destructive command ({names}{where}): what does it act on when a "
            "variable is empty or points elsewhere, and how is it guarded?"
        )
    if fam == "public_api":
        return (
            f"This change alters the public interface of {names}{where}: which callers break, and "
            "is there a deprecation path?"
        )
    if fam == "dependency":
        symbols = [f.symbol or "" for f in group]
        if all(_RUNTIME.match(s) for s in symbols):
            return (
                f"This change moves the supported runtime ({names}): who still runs the versions "
                "it drops?"
            )
        return (
            f"This change updates {names}: what does the new version change that this code "
            "relies on?"
        )
    if fam == "size_vs_intent":
        words = " / ".join(f'"{w}"' for w in size_words) or "small"
        return (
            f"The description calls this change {words}, but it is not: what else does it do, and "
            "should that be a separate change?"
        )
    if fam == "RV101":
        paths = _names(f.path or "" for f in group)
        many = len({f.path for f in group}) > 1
        return (
            f"{paths} {'are' if many else 'is'} changed but the description does not mention "
            f"{'them' if many else 'it'}: why {'do they' if many else 'does it'} belong in this change?"
        )
    texts = _builtin_texts(lead)
    return _fill(texts[0], lead, size_words) if texts else _fill("{title}?", lead, size_words)


_BY_RULE: dict[str, tuple[str, ...]] = {
    "RV401": (
        "{title}: is the description wrong, or should this part be removed from the change?",
    ),
    "RV402": (
        "{title}: who approved touching a protected resource, and what is the recovery plan?",
    ),
    "RV403": ("{title}: what was verified before changing it, and who owns it?",),
    "RV103": (
        "The description shares nothing with this change: is it the description of another change? "
        "Say what this change does.",
    ),
    "RV501": (
        "What is this change supposed to do? State the intent (PR description, commit message or the "
        "prompt given to the assistant).",
    ),
    "RV502": (
        "The blast radius is {level}: how will you verify this change after it ships, and how is it "
        "rolled back if it goes wrong?",
    ),
}


def _builtin_texts(f: Finding) -> tuple[str, ...]:
    """How many built-in questions a finding asked before concerns were grouped (ids count on it)."""
    if f.rule in _BY_RULE or f.rule == "RV101":
        return _BY_RULE.get(f.rule, ("{path}",))
    return ("{what}",) if f.kind else ()


def _fill(template: str, f: Finding, size_words: tuple[str, ...]) -> str:
    what = f"`{f.symbol}`" if f.symbol else (f"`{f.path}`" if f.path else "This change")
    if f.symbol and f.path:
        what = f"`{f.symbol}` in `{f.path}`"
    level = re.search(r"blast radius is (\w+)", f.title)
    values = {
        "what": what,
        "path": f"`{f.path}`" if f.path else "this file",
        "symbol": f"`{f.symbol}`" if f.symbol else "",
        "title": f.title.rstrip("."),
        "words": " / ".join(f'"{w}"' for w in size_words) or "small",
        "level": level.group(1) if level else "high",
    }
    try:
        text = template.format(**values)
    except (KeyError, IndexError, ValueError):
        text = template
    return text[:1].upper() + text[1:]
