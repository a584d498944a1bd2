"""The intent cut into clauses (sentences and bullets; a paragraph's wrapped lines read together),
each with its terms, its negated words, and whether it says what the change does."""

from __future__ import annotations

import re
from functools import lru_cache

from ..models import Intent
from ..record import record
from ..rx import lazy
from ..terms import stem, subwords, tokens, words
from .verbs import VERB_FORMS

_NEGATION = frozenset(
    [
        "not",
        "no",
        "never",
        "without",
        "don't",
        "doesn't",
        "won't",
        "isn't",
        "nor",
        "n't",
        "avoid",
        "keep",
        "keeps",
        "kept",
    ]
)


@record
class Clause:
    start: int
    end: int
    text: str
    terms: frozenset[str]
    #: stems preceded (within three words) by a negation: "does not remove", "never drop"
    negated: frozenset[str]
    #: the clause starts with a verb: it says what the change does ("Remove ...", "Updated ...")
    stating: bool
    #: each word's terms, in order: an action and its object must stand close together
    toks: tuple[frozenset[str], ...] = ()


_BULLET = lazy(r"^\s*(?:[-*+]|\d+[.)]|#+)\s")
_SENTENCE_END = lazy(r"(?<=[.!?])\s+(?=[A-Z`*\[(])|;\s")
_SUBJECTS = frozenset(["this", "it", "pr", "we", "i", "change", "commit", "patch"])
_LEADING = frozenset(
    [
        "also",
        "additionally",
        "and",
        "plus",
        "then",
        "finally",
        "lastly",
        "further",
        "furthermore",
        "now",
    ]
)
_WISH = words(
    "want wants wanted would like hope plan try aim intend should could might may need needs"
)


def _segments(text: str) -> list[tuple[int, int]]:
    """Paragraphs and bullets; lines wrapped inside a paragraph stay together."""
    out: list[tuple[int, int]] = []
    start = 0
    pos = 0
    for line in text.splitlines(keepends=True):
        content = line.strip()
        if not content or _BULLET.match(line):
            if pos > start:
                out.append((start, pos))
            start = pos if content else pos + len(line)
        pos += len(line)
    if pos > start:
        out.append((start, pos))
    return out


def _stating(seq: list[str]) -> bool:
    """The clause says what the change does: it starts with a verb ("Remove", "Updated"), or its
    subject is the change itself ("This fixes", "This PR adds")."""
    # "Also add release notes ...", "Additionally, remove ...": an allowance is a statement too
    while seq and seq[0] in _LEADING:
        seq = seq[1:]
    if not seq:
        return False
    if seq[0] in VERB_FORMS:
        return True
    # "This fixes ...", "This PR adds ...", "... this change will make sure ..."; a wish ("we want
    # to update ... where it makes sense") says what someone would like, not what the change does
    for i, w in enumerate(seq[:40]):
        if w not in _SUBJECTS or (i and w != "this"):
            continue
        for v in seq[i + 1 : i + 4]:
            if v in _WISH:
                break
            if v in VERB_FORMS:
                return True
    return False


@lru_cache(maxsize=256)
def clauses(text: str) -> tuple[Clause, ...]:
    out: list[Clause] = []
    for seg_start, seg_end in _segments(text):
        segment = text[seg_start:seg_end]
        pos = 0
        for mm in [*_SENTENCE_END.finditer(segment), None]:
            end = mm.start() if mm else len(segment)
            chunk = segment[pos:end]
            stripped = chunk.strip()
            if stripped:
                start = seg_start + pos + chunk.index(stripped)
                flat = " ".join(stripped.split())
                body = _BULLET.sub("", flat).lstrip("*_ ")
                seq = re.findall(r"[a-z][a-z'_-]*", body.lower())
                negated = {
                    stem(w)
                    for i, w in enumerate(seq)
                    if any(n in _NEGATION or n.endswith("n't") for n in seq[max(0, i - 3) : i])
                }
                out.append(
                    Clause(
                        start=start,
                        end=start + len(stripped),
                        text=flat,
                        terms=frozenset(_stems_of(stripped)),
                        negated=frozenset(negated),
                        stating=_stating(seq),
                        toks=tuple(frozenset(_stems_of(t)) for t in tokens(stripped)),
                    )
                )
            pos = mm.end() if mm else len(segment)
    return tuple(out)


def _stems_of(text: str) -> set[str]:
    out: set[str] = set()
    for tok in tokens(text):
        low = tok.lower()
        out.add(low)
        for part in subwords(tok):
            out.add(stem(part))
    return out


def stating_text(intent: Intent) -> str:
    """The title and every clause that says what the change does: where roles may be named."""
    return "\n".join([intent.title, *(c.text for c in clauses(intent.text) if c.stating)])
