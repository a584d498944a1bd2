"""How the intent reads one risky signal: the clause that states it (object and action close
together, not negated), or the clause that came close, and what it would have had to say."""

from __future__ import annotations

import posixpath
import re

from .. import models as m
from ..intent import conventional_parts
from ..models import Intent, Signal, Span
from ..record import record
from ..rx import lazy
from ..terms import GENERIC_STEMS, STOP_STEMS, STOPWORDS, stem, term_set, weight, words
from .clauses import Clause, clauses
from .objects import BACKTICK, forcing_attributes, object_names
from .verbs import ACTIONS, SUGGESTED_VERB, VAGUE, action_of


@record
class Reading:
    """How the intent reads a risky signal: the clause that states it, or the one that came close."""

    stated: Span | None = None
    near: Span | None = None
    suggestion: str | None = None


def quote(span: Span, limit: int = 100) -> str:
    """«the clause», shortened for a one-line report."""
    text = span.text if len(span.text) <= limit else span.text[: limit - 1] + "…"
    return f"«{text}»"


def _span(c: Clause) -> Span:
    return Span(text=c.text[:300], start=c.start, end=c.end)


#: a token's terms that are all stopwords say nothing ("to", "the", "updating")
_STOPS = STOP_STEMS | STOPWORDS
#: the verbs that give an agent a rule: a clause restating an instruction uses one
_DIRECTIVES = frozenset(
    stem(w)
    for w in words(
        "require requires forbid forbids bar bars ban bans prefer prefers instruct instructs "
        "enforce enforces mandate mandates disallow disallows prohibit prohibits tell tells teach "
        "teaches"
    )
)
_GENERIC_STEMS_AND_VERBS = (
    GENERIC_STEMS
    | _STOPS
    | _DIRECTIVES
    | frozenset(stem(w) for w in ("make", "keep", "tighten", "loosen", "ensure"))
)

#: how far (in words) an object may stand after its verb ("remove the two unused NAT gateways"),
#: or before it ("the NAT gateway is removed")
_AFTER = 6
_BEFORE = 4


def _states(
    c: Clause,
    names: tuple[tuple[str, ...], ...],
    verbs: frozenset[str],
    *,
    negation: bool = True,
    compact: bool = False,
) -> bool:
    """One action of the right kind, not negated, with the object named next to it. ``compact``:
    distances count only the words that say something, for an attribute named in full ("update
    the ACL rules to the new rule numbers" keeps "numbers" close to "update")."""
    toks = list(c.toks)
    if compact:
        named = {w for name in names for w in name}
        toks = [t for t in toks if (t & verbs) or (t & named) or not t <= _STOPS]
    for i, terms in enumerate(toks):
        hit = terms & verbs
        if not hit or (negation and not (hit - c.negated)):
            continue
        window: set[str] = set()
        for t in toks[max(0, i - _BEFORE) : i + _AFTER + 1]:
            window |= t
        if any(all(w in window for w in name) for name in names):
            return True
    return False


def _restates(c: Clause, added: frozenset[str]) -> bool:
    """The clause restates an instruction the change adds: most of its words are the added
    instruction's words, at least two of them and one specific ("require comments to be
    lowercase fragments" for "one lowercase sentence fragment ...")."""
    if not (c.terms & _DIRECTIVES):
        return False  # "cut memory by moving methods" describes code, not a rule for an agent
    # a conventional-commit prefix ("chore:", "docs(agents):") is the kind of change, not its words
    parts = conventional_parts(c.text)
    text = parts[2] if parts else c.text
    said = {t for t in term_set(text) if t.isalpha() and len(t) >= 3} - _GENERIC_STEMS_AND_VERBS
    shared = said & added
    specific = {t for t in shared if weight(t) >= 1.0}
    return len(shared) >= 2 and bool(specific) and 2 * len(shared) >= len(said)


#: what a permission signal says when it grants everything
_BROAD_GRANT = lazy(r"`\*`|allUsers|administrative role|wildcard|anywhere|everyone")
#: the words that say how wide a grant is
_BREADTH = lazy(
    r"\*|\bwildcards?\b|\ball\b|\bany\b|\bevery\w*|\bfull\b|\badmin\w*|\bunrestrict\w*"
    r"|\bworld\b|\bpublic\w*|\banywhere\b|\binternet\b|0\.0\.0\.0/0|::/0|\ballusers\b"
    r"|\bowner\b|\broot\b|\bsuperuser\b",
    re.I,
)


def read(sig: Signal, path: str, intent: Intent, *, added: frozenset[str] = frozenset()) -> Reading:
    """How the intent reads ``sig`` (in the file at ``path``); ``added``: the terms of the lines
    the change adds to that file that it does not also remove (what an instruction file gains)."""
    names = object_names(sig, path)
    verbs = ACTIONS[action_of(sig)]
    attrs = forcing_attributes(sig) if sig.kind == m.REPLACEMENT else ()
    if sig.severity == "medium":
        # a change the extractor rates medium (a route recreated, a count input changed) is stated
        # by any change verb about it; destroying or exposing something needs its own verb
        verbs = verbs | ACTIONS["change"]
    near: Clause | None = None
    # access to everything (`*`, `allUsers`, an admin role, the whole internet) is stated by a
    # clause that says how wide: "allow namespaced rbac" names RBAC and a verb, not a wildcard
    broad = sig.kind == m.PERMISSION_WIDENING and bool(_BROAD_GRANT.search(sig.detail))
    for c in clauses(intent.text):
        if not any(all(w in c.terms for w in name) for name in names):
            continue
        if _states(c, names, verbs) and (not broad or _BREADTH.search(c.text)):
            return Reading(stated=_span(c))
        # "fix the availability zone value": the author states changing the very attribute that
        # forces the replacement
        if attrs and _states(c, attrs, ACTIONS["change"], compact=True):
            return Reading(stated=_span(c))
        if near is None and _states(c, names, VAGUE | verbs, negation=False):
            near = c
    if sig.code == "agent.instructions" and sig.severity == "medium" and added:
        # an instruction file is edited by stating the instruction: "require comments to be short
        # and tight" is the line the change adds to AGENTS.md (a deleted file, a risky or hidden
        # instruction are high and need their own statement)
        for c in clauses(intent.text):
            if _restates(c, added):
                return Reading(stated=_span(c))
    if near is None:
        return Reading()
    what = f"`{sig.symbol or posixpath.basename(path)}`"
    if sig.kind == m.PROTECTION_TOGGLE:
        guards = [q for q in BACKTICK.findall(sig.detail) if q != sig.symbol and " " not in q]
        if guards:
            what = f"`{guards[0].split('=')[0].strip()}` on {what}"
    return Reading(near=_span(near), suggestion=f"{SUGGESTED_VERB[action_of(sig)]} {what}")
