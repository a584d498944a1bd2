"""Whether the intent explains one file by itself: its path, symbols, changed lines or options, the
roles and size the intent states, its conventional type or a version it names; the threshold, and
the reasons a review shows."""

from __future__ import annotations

import posixpath
import re

from ..models import FileScope, Intent
from ..paths import component, in_test_dir
from ..record import record
from ..rx import lazy
from ..terms import GENERIC, stem, subwords
from .bumps import version_evidence
from .conventional import CONVENTIONAL_REASON, conventional_roles, conventional_scope_dir
from .evidence import Evidence, spelling_fix
from .intent_words import IntentTerms

#: how much evidence (sum of term weights) explains a file directly
EXPLAIN_THRESHOLD = 1.0

#: one clause that removes tests: "remove stale tests", "delete the obsolete test fixtures"
_REMOVES_TESTS = lazy(
    r"\b(?:remov|delet|drop|prun|clean(?:ing|s|ed)? up|get rid of)\w*\s+(?:[\w-]+\s+){0,3}?"
    r"(?:tests?|test (?:fixtures?|suites?|cases?|files?)|specs|fixtures)\b",
    re.I,
)


def removes_tests(intent: Intent) -> bool:
    return any(_REMOVES_TESTS.search(line) for line in (intent.title, *intent.text.splitlines()))


@record
class FileMatch:
    explained: bool
    explained_by: tuple[str, ...]
    score: float


def _names_component(term: str, anchored: set[str]) -> bool:
    return any(term == c or (len(term) >= 5 and c.startswith(term)) for c in anchored)


def area_of(path: str) -> str:
    parts = path.split("/")
    return parts[0] if len(parts) > 1 else ""


def hits_in_path(it: IntentTerms, path_terms: set[str]) -> list[str]:
    """Intent terms found in the path: exactly, or as a prefix of a component name
    ("productcatalog" names ``productcatalogservice``)."""
    hits = [t for t in path_terms if t in it.weights]
    long_terms = [t for t in it.weights if len(t) >= 5 and it.weights[t] >= 0.6]
    for comp in path_terms:
        if len(comp) < 6 or comp in it.weights:
            continue
        for t in long_terms:
            if comp.startswith(t) and len(t) >= 0.5 * len(comp):
                hits.append(comp)
                it.weights.setdefault(comp, it.weights[t])
                break
    return hits


def explain_file(
    fs: FileScope,
    ev: Evidence,
    it: IntentTerms,
    intent: Intent,
    h_path: list[str],
    anchored: set[str],
    anchored_areas: set[str],
    strict: bool,
    alone: bool = False,
) -> FileMatch:
    """``alone``: the only file of the change, so the intent can mean no other one: its words
    need not single it out, only reach it."""

    def w(t: str) -> float:
        # prose in passing names nothing: a word only it shares with the file adds no weight, so
        # that more text never explains more
        return it.weights[t] if t in it.firm else 0.0

    reasons: list[str] = []
    # generic words in a path ("docs", "src") say nothing about which file is meant
    h_path = [t for t in h_path if w(t) >= 0.6]
    seen = set(h_path)
    s_path = sum(w(t) for t in h_path) * 1.3
    h_sym = [t for t in ev.symbol_terms - seen if t in it.weights]
    seen |= set(h_sym)
    h_content = [t for t in ev.content_terms - seen if t in it.weights]
    seen |= set(h_content)
    h_ctx = [t for t in ev.context_terms - seen if t in it.weights]
    s_sym = sum(w(t) for t in h_sym)
    s_content = sum(w(t) for t in h_content) * 0.8
    s_ctx = sum(w(t) for t in h_ctx) * 0.5
    comp = component(fs.path)
    sibling = bool(
        comp
        and anchored
        and comp not in anchored
        and comp not in h_path
        and fs.role in ("code", "infra", "config", "dependency", "example")
    )
    # a file outside every area the intent names (CI next to a service fix) is not explained by
    # merely mentioning the named component: CI and scripts mention every component
    foreign = bool(
        anchored
        and not comp
        and area_of(fs.path) not in anchored_areas
        and fs.role in ("code", "infra", "config", "dependency", "example", "ci")
    )
    if foreign and not sibling:
        # ... unless one changed name says the component and the rest of what the intent says
        # (`splunk-web-tcp` for "Fix Splunk Web")
        joined = {
            t
            for name in ev.content_terms
            if any(c in name for c in "-_.")
            and len(parts := {stem(p) for p in subwords(name)} & it.firm) >= 2
            for t in parts
        }
        h_content = [t for t in h_content if t in joined or not _names_component(t, anchored)]
        h_ctx = [t for t in h_ctx if not _names_component(t, anchored)]
        s_content = sum(w(t) for t in h_content) * 0.8
        s_ctx = sum(w(t) for t in h_ctx) * 0.5
    if sibling:
        # the intent names another component: this one must be named itself, not share vocabulary
        # (a word of its directory name, "vpc" in "simple-vpc", is vocabulary too)
        # (its symbols too: `init` and `main` live in every service)
        # ... or changing a long identifier the intent names in full (`expected_dot_headers`; a
        # short one, `project_id`, is a field every service has)
        h_content = [
            t for t in h_content if len(t) >= 12 and t in it.targets and t in ev.identifiers
        ]
        s_content = sum(w(t) for t in h_content) * 0.8
        s_ctx = s_sym = 0.0
        h_ctx, h_sym = [], []
        h_path = [t for t in h_path if "." in t and t == posixpath.basename(fs.path).lower()]
        s_path = sum(w(t) for t in h_path) * 1.3
    if fs.role == "generated" and not h_path:
        # a generated file (a bundle, a schema dump) says what its source says: it is explained
        # by naming it, or as a follower of its explained source, not by sharing its words
        s_content = s_ctx = s_sym = 0.0
        h_content, h_ctx, h_sym = [], [], []
    score = s_path + s_sym + s_content + s_ctx
    hits = [*h_path, *h_sym, *h_content, *h_ctx]
    firm = [t for t in hits if t in it.firm]
    strongest = max((w(t) for t in firm), default=0.0)
    distinct = {t for t in firm if w(t) >= 0.6}
    content_terms = {t for t in ev.content_terms if t not in GENERIC and len(t) > 2}
    # only what the intent states covers the change: prose in passing that happens to share the
    # changed lines' words covers nothing
    firm_content = set(h_content) & it.firm
    coverage = len(content_terms & firm_content) / len(content_terms) if content_terms else 0.0
    # a symbol the intent names in full (`blinker` in a requirements file) is the change itself
    named_symbol = not sibling and any(
        terms and terms <= it.firm and sum(it.weights[t] for t in terms) >= 0.6
        for terms in ev.symbol_names
    )
    # the intent names the very option the changed lines add or remove ("Remove -v from tests")
    named_flag = bool(it.flags & ev.flags) and not sibling
    if named_flag:
        score += 1.0
    strong = (
        named_flag
        or len(distinct) >= 2
        or strongest >= 1.3
        or any(w(t) >= 0.6 and t in it.firm for t in h_path)
        or (coverage >= 0.5 and bool(h_content))
        or named_symbol
    )
    threshold = EXPLAIN_THRESHOLD * (1.6 if strict else 1.0)
    if ((coverage >= 0.5 and h_content) or named_symbol or named_flag) and not strict:
        threshold = 0.5
    explained = score >= threshold and (strong or (alone and not strict))
    if h_path:
        reasons.append("path: " + ", ".join(sorted(h_path)[:4]))
    if h_sym:
        reasons.append("symbol: " + ", ".join(sorted(h_sym)[:4]))
    if h_content:
        reasons.append("changed lines: " + ", ".join(sorted(h_content)[:4]))
    if named_flag:
        reasons.append("option: " + ", ".join(sorted(it.flags & ev.flags)[:4]))
    if h_ctx and explained:
        reasons.append("context: " + ", ".join(sorted(h_ctx)[:4]))
    role_hit = fs.role in it.roles or (fs.role == "changelog" and "docs" in it.roles)
    if (
        not explained
        and role_hit
        and fs.role in _ROLE_LICENSED
        # the file shares something with what the intent states, not only with prose in passing
        and (bool(firm) or fs.cosmetic)
        and (
            "typo" not in intent.size_words
            or fs.role not in ("docs", "changelog")
            or ev.typo_like
            or score >= 0.5
        )
    ):
        # "fix typo" names docs in general: a docs change that shares nothing with it is not that
        explained = True
        reasons.append(f"intent mentions {fs.role} changes")
    if (
        not explained
        and fs.status == "deleted"
        and (fs.role == "test" or in_test_dir(fs.path))
        and removes_tests(intent)
    ):
        # "remove stale tests": every test file it deletes, fixtures included, is what it says
        explained = True
        reasons.append("intent removes tests")
    if (
        not explained
        and fs.cosmetic
        # blocks that only move within their module are what a refactor is
        and (_cosmetic_intent(intent, it) or (fs.cosmetic == "moved" and intent.type == "refactor"))
        and (
            "typo" not in intent.size_words
            or fs.cosmetic in ("whitespace", "spelling", "description")
            or ev.typo_like
        )
    ):
        explained = True
        kind = " / ".join(intent.size_words) or (
            "refactor" if intent.type == "refactor" else "docs"
        )
        reasons.append(f"{fs.cosmetic}-only change under a {kind} intent")
    if (
        not explained
        and "typo" in intent.size_words
        and ev.typo_like
        and spelling_fix(ev.hunks)
        # a typo-sized edit that flips what the code does (`true` -> `false`) is not a typo fix
        and not any(s.severity in ("medium", "high", "critical") for s in fs.signals)
    ):
        # "Fix typos": every hunk corrects a few words, in prose, comments or test names alike
        explained = True
        reasons.append("every hunk corrects a few words, under a typo intent")
    conventional = conventional_roles(intent.title)
    if not explained and fs.role in conventional:
        # "ci: use the ecosystem catalog": a `ci` change is made of CI files
        explained = True
        reasons.append(f"{CONVENTIONAL_REASON} `{conventional[fs.role]}`: {fs.role} files")
    scope_dir = conventional_scope_dir(intent.title, fs.path)
    if not explained and scope_dir:
        # "fix(docs): restore spacing ...", "refactor(http-add-on): ...": the scope names the
        # directory the change lives in
        explained = True
        reasons.append(f"{CONVENTIONAL_REASON} scope `{scope_dir}`: files under `{scope_dir}/`")
    version = version_evidence(ev, intent)
    if sibling and version is not None and not version.startswith("only versions change"):
        # a version the intent names for another component is that component's; an intent that
        # says it bumps versions ("Upgraded version of Terraform") bumps them wherever they are
        version = None
    if version:
        explained = True
        reasons.append(version)
    scheme = scheme_switch(ev, intent)
    if not explained and scheme:
        explained = True
        reasons.append(f"changed lines: URLs switched to {scheme}, as the intent says")
    return FileMatch(explained, tuple(reasons), score)


#: a URL scheme named as a word, not inside a URL: "use https protocol", "clone over ssh"
_SCHEME_WORD = lazy(r"\b(https|http|ssh|git)\b(?!:)", re.I)
_SCHEME = lazy(r"\b(?:https|http|ssh|git)://|\bgit@([\w.-]+):", re.I)


def scheme_switch(ev: Evidence, intent: Intent) -> str | None:
    """Every changed line only swaps a URL's scheme for the one the intent names (``git://`` ->
    ``https://`` under "use https protocol"): that scheme, else ``None``."""
    named = {w.lower() for w in _SCHEME_WORD.findall(intent.title + "\n" + intent.text)}
    if not named:
        return None
    old = [ln[1:] for h in ev.hunks for ln in h.lines if ln[:1] == "-"]
    new = [ln[1:] for h in ev.hunks for ln in h.lines if ln[:1] == "+"]
    if not new or len(old) != len(new):
        return None
    used: set[str] = set()
    for a, b in zip(old, new, strict=True):
        schemes = {m.group(0).split(":")[0].lower() for m in _SCHEME.finditer(b)}
        if a == b or not schemes or not schemes <= named:
            return None
        if _SCHEME.sub("", a).replace("/", "") != _SCHEME.sub("", b).replace("/", ""):
            return None
        used |= schemes
    return "/".join(sorted(used))


_ROLE_LICENSED = frozenset(
    {"docs", "test", "ci", "changelog", "dependency", "lockfile", "example", "governance", "agent"}
)


def _cosmetic_intent(intent: Intent, it: IntentTerms) -> bool:
    size = set(intent.size_words)
    return bool(
        size & {"typo", "comments", "formatting", "docs only", "no functional change"}
    ) or intent.type in (
        "docs",
        "style",
    )
