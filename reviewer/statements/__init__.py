"""Risky changes are licensed by statement: one clause of the intent names the object and the action.

A clause is a sentence or a bullet of the intent (a paragraph's wrapped lines are read together;
semicolons split too). A risky signal (a
deletion, a replacement, a protection turned off, a widened permission, an environment or state
change, destroyed data, a deleted CI workflow or a switched trigger, an agent-instruction change)
counts as stated only when a single clause names **both** what the signal is about (its address, its
name, its type in words, its file or folder) **and** an action of the signal's kind ("remove",
"rename", "disable", "grant" ...), the two close together (four words before the verb to six
after). The license quotes that clause. Words elsewhere in the text, in
another clause, in the diff's deleted lines, or a vague verb ("update", "clean up", "tidy") license
nothing; more text can only add clauses, and a clause licenses only what it states, so padding an
intent never makes the reviewer less sensitive. A clause that names the object with a vague verb is
a near miss: the finding stays and says which phrase came close.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from functools import lru_cache

from .. import models as m
from ..intent import VERBS
from ..models import Intent, Signal, Span
from ..record import record
from ..rx import lazy
from ..terms import stem, subwords, tokens, words


def _stem(word: str) -> str:
    """The terms' stemmer, with a final "e" dropped so that "rule" and "rules" meet ("rul")."""
    s = stem(word)
    return s[:-1] if len(s) > 3 and s.endswith("e") else s


# --- what each kind of risky change needs a clause to say ------------------------------------------

# "replace the archived action", "migrate the labels to Latest Changes" say the old one goes
_DELETE = (
    "remove delete drop destroy decommission retire eliminate purge teardown tear rid deprovision "
    "replace migrate"
)
_REPLACE = (
    "rename recreate replace rekey re-key move migrate switch convert split merge consolidate swap"
)
_DISABLE = (
    "disable turn switch remove drop skip allow enable relax lower reduce unprotect unset loosen "
    "bypass opt"
)
# no "make": "where it makes sense ... the usual policy" states nothing about a policy
_GRANT = (
    "grant allow widen open expose give permit add create enable publish extend broaden introduce "
    "integrate"
)
_CHANGE = (
    "change update set switch move migrate use convert rekey re-key replace add create enable "
    "disable introduce remove delete drop fix support rename adjust configure"
)
_EDIT = (
    "add update edit change rewrite write create revise remove delete drop replace extend adjust "
    "integrate"
)

_ACTIONS: dict[str, frozenset[str]] = {
    name: frozenset(_stem(w) for w in text.split())
    for name, text in {
        "delete": _DELETE,
        "replace": _REPLACE,
        "disable": _DISABLE,
        "grant": _GRANT,
        "change": _CHANGE,
        "edit": _EDIT,
    }.items()
}
#: every verb a clause that says what the change does may start with
_BASE_VERBS = (
    words(" ".join(text for text in (_DELETE, _REPLACE, _DISABLE, _GRANT, _CHANGE, _EDIT)))
    | VERBS
    | words("undo apply make ensure use improve rework tidy run set stop start")
)


def _forms(verb: str) -> set[str]:
    """``remove`` -> remove, removes, removed, removing: the words a clause may start with."""
    stem_ = verb[:-1] if verb.endswith("e") else verb
    out = {verb, verb + "s", verb + "es", stem_ + "ed", stem_ + "ing", verb + "d"}
    if verb.endswith("y"):
        out |= {verb[:-1] + "ies", verb[:-1] + "ied"}
    if len(verb) <= 4 and verb[-1] not in "aeiouwy":
        out |= {verb + verb[-1] + "ed", verb + verb[-1] + "ing"}  # drop -> dropped
    return out


#: every verb a clause that says what the change does may start with, in its written forms (a noun
#: such as "Configuration" is not "configure")
_VERB_FORMS = frozenset(f for v in _BASE_VERBS for f in _forms(v))
#: a verb that comes close without saying what happens: the near-miss words
_VAGUE = frozenset(
    _stem(w)
    for w in [
        "update",
        "tidy",
        "clean",
        "cleanup",
        "refactor",
        "improve",
        "adjust",
        "touch",
        "tweak",
        "modify",
        "rework",
        "revise",
        "simplify",
        "streamline",
        "harden",
        "review",
        "align",
        "fix",
        "change",
        "handle",
    ]
)

#: kinds whose medium-or-worse signals need a statement
STATED_KINDS = frozenset(
    {
        m.RESOURCE_DELETION,
        m.REPLACEMENT,
        m.PROTECTION_TOGGLE,
        m.ENVIRONMENT_DEFINITION,
        m.PERMISSION_WIDENING,
        m.DESTRUCTIVE_DATA,
        m.AGENT_INSTRUCTIONS,
        m.DANGEROUS_COMMAND,
    }
)
#: CI/CD signals that need a statement: a deleted workflow or step, a switched trigger
_CI_STATED = lazy(r"(?:deleted|removed|trigger|pull_request_target|dependency_bot)")


def needs_statement(sig: Signal) -> bool:
    if sig.severity in ("info", "low"):
        return False
    if sig.kind in STATED_KINDS:
        return True
    return sig.kind == m.CI_CD and bool(_CI_STATED.search(sig.code))


def action_of(sig: Signal) -> str:
    """Which family of verbs states this signal."""
    code = sig.code
    if sig.kind == m.PROTECTION_TOGGLE:
        return "disable"
    if sig.kind == m.PERMISSION_WIDENING:
        return "grant"
    if sig.kind == m.ENVIRONMENT_DEFINITION:
        return "change"
    if sig.kind == m.DANGEROUS_COMMAND:
        return "edit"
    if sig.kind == m.AGENT_INSTRUCTIONS:
        return "delete" if "delet" in code or "remov" in code else "edit"
    if sig.kind == m.REPLACEMENT:
        return "replace"
    if "trigger" in code:
        return "change"
    return "delete"


_EXAMPLE = {
    "delete": "remove",
    "replace": "replace",
    "disable": "turn off",
    "grant": "grant",
    "change": "change",
    "edit": "update",
}

# --- what a clause may call the object --------------------------------------------------------------

#: words people use for the parts of resource types and attributes
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "db": ("database",),
    "rds": ("database",),
    "sg": ("security",),
    "lb": ("balancer", "loadbalancer"),
    "alb": ("balancer", "loadbalancer"),
    "elb": ("balancer", "loadbalancer"),
    "eip": ("elastic",),
    "iam": ("permission", "role", "policy"),
    "s3": ("bucket",),
    "kms": ("key",),
    "sqs": ("queue",),
    "sns": ("topic",),
    "ecr": ("registry", "repository"),
    "vpc": ("network",),
    "rbac": ("role",),
    "gha": ("workflow",),
}
#: type prefixes that name the provider, not the object
_PROVIDERS = frozenset(
    [
        "aws",
        "google",
        "azurerm",
        "azuread",
        "kubernetes",
        "helm",
        "github",
        "cloudflare",
        "digitalocean",
    ]
)
#: names that say nothing about which object is meant
_GENERIC_NAMES = frozenset(
    [
        "this",
        "main",
        "default",
        "example",
        "test",
        "tests",
        "primary",
        "default_",
        "var",
        "local",
        "output",
        "module",
        "resource",
        "data",
        "jobs",
        "job",
        "on",
        "steps",
        "step",
        "env",
        "name",
        "value",
        "values",
        "spec",
        "metadata",
        "file",
        "config",
    ]
)
_TYPE_FILLER = frozenset(
    _stem(w) for w in words("instance resource object attachment association configuration config")
)
_QUANTITY = frozenset(
    _stem(w)
    for w in words("max min count length number num enable enabled create list total size id ids")
)
_BACKTICK = lazy(r"`([^`]+)`")
_RESOURCE = _stem("resources")


def _stems_of(text: str) -> set[str]:
    out: set[str] = set()
    for tok in tokens(text):
        low = tok.lower()
        out.add(low)
        for part in subwords(tok):
            out.add(_stem(part))
    return out


def _words(name: str) -> tuple[str, ...]:
    parts = [_stem(p) for p in subwords(name) if p]
    return tuple(p for p in parts if p and p not in _PROVIDERS)


@lru_cache(maxsize=20_000)
def object_names(sig: Signal, path: str) -> tuple[tuple[str, ...], ...]:
    """Ways a clause may name what ``sig`` is about: each a tuple of stems that must all appear."""
    names: list[tuple[str, ...]] = []

    def add(words: Iterable[str]) -> None:
        t = tuple(w for w in words if w and w not in _GENERIC_NAMES)
        if t and t not in names:
            names.append(t)

    # `deletion_protection = false` names the attribute, not its value
    quoted = [q.split("=")[0].strip() for q in _BACKTICK.findall(sig.detail)]
    subjects = [sig.symbol] if sig.symbol else []
    subjects += quoted
    for subject in subjects:
        if not subject:
            continue
        low = subject.lower()
        add((low,))
        # `aws_nat_gateway.this`, `ClusterRole/admin`, `var.enabled`, `jobs.build`
        head = re.split(r"[./:]", subject, maxsplit=1)[0]
        name = re.split(r"[./:]", subject)[-1]
        name_words = _words(name) if name != subject else ()
        if name and name.lower() not in _GENERIC_NAMES and len(name) > 2 and name_words:
            add((name.lower(),))
            add(name_words)
            # `local.max_subnet_length` is "the subnet count": quantity words say how, not what
            add(w for w in name_words if w not in _QUANTITY)
        type_words = _words(head)
        if type_words and head.lower() not in ("var", "output", "local", "module", "data", "jobs"):
            add(type_words)
            # "the deny rules" for `aws_network_acl_rule.deny_inbound_14`: the kind of thing by its
            # head noun, the instance by a word of its name
            for w in name_words:
                if len(w) >= 3 and w not in _QUANTITY and not w.isdigit():
                    add((type_words[-1], w))
            # "the database" for `aws_db_instance`: the part that says which kind of thing
            add(w for w in type_words if w not in _TYPE_FILLER)
            for w in type_words:
                for syn in _SYNONYMS.get(w, ()):
                    add(tuple(syn if x == w else x for x in type_words))
        if "/" in subject and "." in posixpath.basename(subject):
            add((posixpath.basename(subject).lower(),))
    base = posixpath.basename(path).lower()
    add((base,))
    stem_ = posixpath.splitext(base)[0]
    if len(stem_) >= 4:
        add(_words(stem_))
    # "the firewall resources" for `aws_subnet.firewall_private` in firewall-subnets.tf: a word of
    # the object's own name or file, and the collective noun for what it is
    if sig.symbol and sig.kind in (m.RESOURCE_DELETION, m.REPLACEMENT):
        own = [
            *_words(re.split(r"[./:]", sig.symbol)[-1]),
            *(_words(stem_) if len(stem_) >= 4 else ()),
        ]
        for w in own:
            if len(w) >= 4 and w not in _QUANTITY and w not in _GENERIC_NAMES and not w.isdigit():
                pair = (w, _RESOURCE)
                if pair not in names:
                    names.append(pair)
    folder = posixpath.basename(posixpath.dirname(path)).lower()
    if (
        folder
        and len(folder) >= 4
        and folder not in ("src", "lib", "modules", "workflows", "templates")
    ):
        add(_words(folder))
    if sig.kind == m.CI_CD or "/workflows/" in path:
        add(("workflow",))
        add(("pipeline",))
        add(("ci",))
    if sig.kind == m.AGENT_INSTRUCTIONS:
        add(("agent", "instruction"))
        add(("instruction",))
    return tuple(names)


# --- clauses -----------------------------------------------------------------------------------------

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
    if seq[0] in _VERB_FORMS:
        return True
    # "This fixes ...", "This PR adds ...", "... this change will make sure ..."; a wish ("we want
    # to update ... where it makes sense") says what someone would like, not what the change does
    for i, w in enumerate(seq[:40]):
        if w not in _SUBJECTS or (i and w != "this"):
            continue
        for v in seq[i + 1 : i + 4]:
            if v in _WISH:
                break
            if v in _VERB_FORMS:
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
                    _stem(w)
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


@record
class Reading:
    """How the intent reads a risky signal: the clause that states it, or the one that came close."""

    stated: Span | None = None
    near: Span | None = None
    suggestion: str | None = None


def stating_text(intent: Intent) -> str:
    """The title and every clause that says what the change does: where roles may be named."""
    return "\n".join([intent.title, *(c.text for c in clauses(intent.text) if c.stating)])


def quote(span: Span, limit: int = 100) -> str:
    """«the clause», shortened for a one-line report."""
    text = span.text if len(span.text) <= limit else span.text[: limit - 1] + "…"
    return f"«{text}»"


def _span(c: Clause) -> Span:
    return Span(text=c.text[:300], start=c.start, end=c.end)


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
) -> bool:
    """One action of the right kind, not negated, with the object named next to it."""
    for i, terms in enumerate(c.toks):
        hit = terms & verbs
        if not hit or (negation and not (hit - c.negated)):
            continue
        window: set[str] = set()
        for t in c.toks[max(0, i - _BEFORE) : i + _AFTER + 1]:
            window |= t
        if any(all(w in window for w in name) for name in names):
            return True
    return False


def _attributes(sig: Signal) -> tuple[tuple[str, ...], ...]:
    """The attributes a replacement is forced by (`AvailabilityZone`, `cidr_block`), as names."""
    out: list[tuple[str, ...]] = []
    for q in _BACKTICK.findall(sig.detail):
        q = q.split("=")[0].strip()
        if q == sig.symbol or any(c in q for c in "./: "):
            continue
        words_ = tuple(w for w in _words(q) if w not in _GENERIC_NAMES)
        if words_:
            out.append(words_)
    return tuple(out)


def read(sig: Signal, path: str, intent: Intent) -> Reading:
    names = object_names(sig, path)
    verbs = _ACTIONS[action_of(sig)]
    attrs = _attributes(sig) if sig.kind == m.REPLACEMENT else ()
    if sig.severity == "medium":
        # a change the extractor rates medium (a route recreated, a count input changed) is stated
        # by any change verb about it; destroying or exposing something needs its own verb
        verbs = verbs | _ACTIONS["change"]
    near: Clause | None = None
    for c in clauses(intent.text):
        if not any(all(w in c.terms for w in name) for name in names):
            continue
        if _states(c, names, verbs):
            return Reading(stated=_span(c))
        # "fix the availability zone value": the author states changing the very attribute that
        # forces the replacement
        if attrs and _states(c, attrs, _ACTIONS["change"]):
            return Reading(stated=_span(c))
        if near is None and _states(c, names, _VAGUE | verbs, negation=False):
            near = c
    if near is None:
        return Reading()
    what = f"`{sig.symbol or posixpath.basename(path)}`"
    if sig.kind == m.PROTECTION_TOGGLE:
        guards = [q for q in _BACKTICK.findall(sig.detail) if q != sig.symbol and " " not in q]
        if guards:
            what = f"`{guards[0].split('=')[0].strip()}` on {what}"
    return Reading(near=_span(near), suggestion=f"{_EXAMPLE[action_of(sig)]} {what}")
