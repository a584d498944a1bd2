"""Findings -> the questions the author must answer, with stable ids. Pure.

Every risky finding asks something concrete about the thing it concerns; no generic filler.
"""

from __future__ import annotations

import re

from .config import QuestionTemplate
from .models import POLICY_SYMBOL, BlastRadius, Finding, Question, severity_rank
from .rules import fingerprint

_BY_KIND: dict[str, tuple[str, ...]] = {
    "resource_deletion": (
        "{what} is deleted: is that intended, and what depends on it? If it holds data, where is the final "
        "snapshot or backup, and how is it restored?",
    ),
    "replacement": (
        "{what} will be destroyed and recreated: what is the downtime, what state or data does the old one "
        "hold, and is a `moved` block or in-place change possible instead?",
    ),
    "environment_definition": (
        "{what} changes how the environment or its state is addressed: which existing resources will be "
        "re-created or orphaned, and what does `plan` show for production?",
    ),
    "protection_toggle": (
        "{what} weakens a protection against deletion or data loss: why is it needed, and when is it restored?",
    ),
    "destructive_data": (
        "{what} destroys data: is there a backup taken right before, and how is the migration reversed?",
    ),
    "permission_widening": (
        "{what} widens access: which principal or step needs it, and can untrusted code or users reach it?",
    ),
    "ci_cd": (
        "{what} changes how code is built, tested or shipped: which runs does it affect, and how do you know "
        "releases and checks still gate what they did?",
    ),
    "agent_instructions": (
        "{what} changes what AI agents are told or allowed to run: who reviewed these instructions, and can "
        "they make an agent skip checks or run destructive commands?",
    ),
    "global_config": (
        "{what} changes a default every environment inherits: which environments change behaviour, and how "
        "is it rolled back?",
    ),
    "dangerous_command": (
        "{what} runs a destructive command: what does it act on when a variable is empty or points elsewhere, "
        "and how is it guarded?",
    ),
    "public_api": (
        "{what} changes a public interface: which callers break, and is there a deprecation path?",
    ),
    "dependency": (
        "{what} changes a dependency: what changed upstream (changelog, breaking changes), and was the "
        "lockfile regenerated and tested?",
    ),
    "size_vs_intent": (
        "The description calls this change {words}, but it is not: what else does it do, and should that be "
        "a separate change?",
    ),
}
_BY_RULE: dict[str, tuple[str, ...]] = {
    "RV101": (
        "{path} is changed but the description does not mention it: why does it belong in this change?",
    ),
    "RV401": (
        "{title}: is the description wrong, or should this part be removed from the change?",
    ),
    "RV402": (
        "{title}: who approved touching a protected resource, and what is the recovery plan?",
    ),
    "RV403": ("{title}: what was verified before changing it, and who owns it?",),
    "RV501": (
        "What is this change supposed to do? State the intent (PR description, commit message or the prompt given to the assistant).",
    ),
    "RV502": (
        "The blast radius is {level}: how will you verify this change after it ships, and how is it rolled back if it goes wrong?",
    ),
}


def make_questions(
    findings: list[Finding],
    blast: BlastRadius,
    *,
    templates: tuple[QuestionTemplate, ...] = (),
    size_words: tuple[str, ...] = (),
) -> list[Question]:
    out: list[Question] = []
    asked: set[tuple[str, str, str]] = set()
    for f in findings:
        if not _asks(f):
            continue
        # one question per thing and kind: three attributes forcing `aws_subnet.x` to be replaced
        # are one "what is the downtime" for the author, not three
        topic = (f.kind or f.rule, f.symbol or f.path or "", f.rule if f.kind is None else "")
        if f.symbol or f.path:
            if topic in asked:
                continue
            asked.add(topic)
        texts = list(_texts_for(f, size_words))
        for t in templates:
            if f.rule.startswith(t.when) or (f.kind is not None and f.kind == t.when):
                texts.append(_fill(t.text, f, size_words))
        for i, text in enumerate(texts):
            qid = "Q" + fingerprint(f.id, i)[:7].upper()
            out.append(Question(id=qid, finding=f.id, text=text))
    return out


def _asks(f: Finding) -> bool:
    if f.rule in ("RV501", "RV502"):
        return True
    if f.rule == "RV101":
        return severity_rank(f.severity) >= severity_rank("low") and not f.licensed
    if f.licensed:
        # a stated risky change still needs its "what could go wrong" answered when it is high
        return severity_rank(f.severity) >= severity_rank("high")
    return severity_rank(f.severity) >= severity_rank("medium")


_POLICY_QUESTION = (
    "{title}: who approved this change of the reviewer's own policy (name them and link the "
    "approval), and why is it needed?"
)


def _texts_for(f: Finding, size_words: tuple[str, ...]) -> tuple[str, ...]:
    if f.symbol == POLICY_SYMBOL:
        return (_fill(_POLICY_QUESTION, f, size_words),)
    if f.rule in _BY_RULE:
        return tuple(_fill(t, f, size_words) for t in _BY_RULE[f.rule])
    if f.kind and f.kind in _BY_KIND:
        return tuple(_fill(t, f, size_words) for t in _BY_KIND[f.kind])
    return ()


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
