"""Intent vs. scope: which files and changes the stated intent explains, and why. Pure.

A reviewer explains a changed file the way a person would: the intent names its path or component,
one of its symbols, or something its changed lines contain; or the file follows a change that is
explained (its test, its changelog entry, the README rows of a new input, a lockfile after a bump);
or the intent's size and kind fit it (a typo fix that only touches comments). A risky change inside
an explained file is licensed only when the intent both points at it and says that kind of thing
(a deletion needs "remove", "drop", "replace" ... about that resource).
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

from .. import models as m
from ..models import Diff, FileDiff, FileScope, Hunk, Intent, Scope, Signal
from ..paths import EXT_RE as _EXT_RE
from ..paths import GENERIC_DIRS as _GENERIC_DIRS
from ..paths import component
from ..record import field, record
from ..rx import lazy
from ..statements import Reading, clauses, needs_statement, read, stating_text
from ..terms import (
    GENERIC,
    is_identifier_like,
    stem,
    stems,
    subwords,
    term_set,
    terms_of,
    tokens,
    weight,
    words,
)

#: how much evidence (sum of term weights) explains a file directly
EXPLAIN_THRESHOLD = 1.0
#: changed lines read per file for content terms (keeps huge files cheap)
MAX_CONTENT_LINES = 600
MAX_CONTEXT_LINES = 300

#: words in the intent that name a file role
ROLE_WORDS: dict[str, frozenset[str]] = {
    "docs": stems(
        "doc docs documentation document readme typo typos spelling wording reword rewording "
        "markdown rst docstring docstrings comment comments guide tutorial link links"
    ),
    "test": stems(
        "test tests testing testsuite spec specs unittest pytest coverage fixture fixtures"
    ),
    "ci": stems(
        "ci workflow workflows pipeline pipelines action actions circleci travis jenkins gitlab "
        "github-actions job jobs runner runners"
    ),
    "changelog": stems("changelog changes news release-notes"),
    "dependency": stems(
        "bump upgrade downgrade dependency dependencies deps package packages requirement "
        "requirements lockfile pin version versions"
    ),
    "lockfile": stems("bump upgrade downgrade dependency dependencies deps lockfile lock"),
    "infra": stems(
        "terraform infra infrastructure helm chart charts k8s kubernetes manifest manifests "
        "kustomize kustomization deployment docker dockerfile compose cluster"
    ),
    "example": stems("example examples sample samples demo"),
    "governance": stems("codeowners owners dependabot renovate governance branch protection"),
    "agent": stems("agent agents copilot cursor claude instructions prompt mcp ai llm"),
}

#: words that license a change kind once the intent points at the changed thing
KIND_WORDS: dict[str, frozenset[str]] = {
    m.RESOURCE_DELETION: stems(
        "remove delete drop destroy decommission deprecate cleanup clean retire unused obsolete "
        "rollback revert replace split move migrate consolidate rid teardown eliminate"
    ),
    m.REPLACEMENT: stems(
        "rename replace recreate migrate move change update upgrade resize rollback revert split "
        "convert switch rekey"
    ),
    m.ENVIRONMENT_DEFINITION: stems(
        "count for_each foreach conditional conditionally optional toggle backend state workspace "
        "region provider environment environments moved import key keys rekey rollback revert "
        "address addresses number create add"
    ),
    m.PROTECTION_TOGGLE: stems(
        "protection snapshot destroy force retention backup prevent lifecycle deletion"
    ),
    m.DESTRUCTIVE_DATA: stems(
        "drop remove delete truncate migration migrations column columns table tables purge "
        "cleanup schema"
    ),
    m.PERMISSION_WIDENING: stems(
        "permission permissions iam policy policies role roles access public expose ingress egress "
        "cidr firewall security grant allow admin privilege privileges rbac pull_request_target "
        "secret secrets token auth route routes"
    ),
    m.CI_CD: stems(
        "ci workflow workflows pipeline action actions job jobs build release deploy publish "
        "codeowners dependabot renovate lint runner trigger triggers concurrency cd"
    ),
    m.AGENT_INSTRUCTIONS: stems(
        "agent agents copilot cursor claude instruction instructions prompt prompts mcp ai llm "
        "rules"
    ),
    m.GLOBAL_CONFIG: stems(
        "config configuration default defaults flag flags setting settings enable disable value "
        "values limit limits timeout memory cpu replicas request requests increase decrease raise "
        "lower"
    ),
    m.DANGEROUS_COMMAND: stems("destroy delete force reset clean cleanup prune rm wipe teardown"),
    m.PUBLIC_API: stems(
        "deprecate deprecation remove rename api breaking signature drop replace move delete"
    ),
    m.DEPENDENCY: stems(
        "bump upgrade update dependency dependencies deps version versions package packages pin "
        "require requirement install lock"
    ),
}
#: intents that undo earlier work license whatever they touch in the area they name
_UNDO = stems("revert rollback undo restore")


class Evidence:
    """What one file offers to be matched against the intent."""

    __slots__ = (
        "content_terms",
        "context_terms",
        "flags",
        "hunks",
        "identifiers",
        "path_terms",
        "symbol_names",
        "symbol_terms",
    )

    def __init__(self, path_terms: set[str] | None = None) -> None:
        self.path_terms: set[str] = path_terms if path_terms is not None else set()
        self.symbol_terms: set[str] = set()
        self.content_terms: set[str] = set()
        self.context_terms: set[str] = set()
        #: command-line options the changed lines add or remove (`-v`, `--force`)
        self.flags: set[str] = set()
        #: identifiers the change introduces or removes (for followers: README rows of a new input)
        self.identifiers: set[str] = set()
        #: per symbol, its specific terms (generic words left out)
        self.symbol_names: list[frozenset[str]] = []
        #: the file's hunks, for checks only some intents need
        self.hunks: tuple[Hunk, ...] = ()

    @property
    def typo_like(self) -> bool:
        """Every hunk only corrects a few words: what a typo fix looks like, in prose or code."""
        return bool(self.hunks) and all(_typo_hunk(h.lines) for h in self.hunks)


@record
class IntentTerms:
    weights: dict[str, float]
    roles: frozenset[str]
    words: frozenset[str]  # stemmed words of what the intent states, stopwords included
    targets: frozenset[str]  # identifier-like targets, lowercased
    #: terms of the title, of clauses saying what the change does, and of clauses naming something
    #: specific: only these make evidence strong; prose in passing adds to a score, never decides it
    firm: frozenset[str] = frozenset()
    #: command-line options the intent names where it says what the change does ("Remove -v")
    flags: frozenset[str] = frozenset()

    def score(self, terms: Iterable[str], factor: float = 1.0) -> tuple[float, list[str]]:
        total = 0.0
        hits: list[str] = []
        for t in terms:
            w = self.weights.get(t)
            if w:
                total += w * factor
                hits.append(t)
        return total, hits


@record
class FileMatch:
    explained: bool
    explained_by: tuple[str, ...]
    score: float


@record
class Match:
    files: dict[str, FileMatch]
    licensed: dict[Signal, bool]
    intent_terms: IntentTerms
    missing_targets: tuple[str, ...]
    #: how the intent reads each risky signal (statements.py): the clause that states it, or came close
    readings: dict[Signal, Reading] = field(default_factory=dict)


def intent_terms(intent: Intent) -> IntentTerms:
    weights: dict[str, float] = {}

    firm: set[str] = set()

    def add(text: str, factor: float, *, is_firm: bool = True) -> None:
        for tok in tokens(text):
            low = tok.lower()
            ident = is_identifier_like(tok) and len(low) > 2
            if ident:
                weights[low] = max(weights.get(low, 0.0), 2.0 * factor)
                if is_firm:
                    firm.add(low)
            parts = subwords(tok)
            for sw in parts:
                s = stem(sw)
                if _is_stop(sw):
                    continue
                # `securityContext` is about security contexts, only a little about "security"
                w = weight(sw) * factor * (0.75 if ident and len(parts) > 1 else 1.0)
                weights[s] = max(weights.get(s, 0.0), w)
                if is_firm:
                    firm.add(s)

    title = intent.title
    add(title, 1.0)
    # the body speaks where it says what the change does or names something specific; prose in
    # passing ("thanks to everyone who reviewed the infrastructure docs") weighs little, so that
    # more words never explain more files
    budget = 20_000
    for c in clauses(intent.text):
        if budget <= 0:
            break
        if c.start == 0 and c.text.startswith(title[:40]):
            continue
        specific = c.stating or any(is_identifier_like(t) for t in tokens(c.text))
        add(c.text[:budget], 0.7, is_firm=specific)
        budget -= len(c.text)
    if intent.prompt:
        add(intent.prompt[:20_000], 1.0)
    # what the intent says the change does: the title and the clauses that say so; a word in passing
    # ("CI should be green", "thanks for the review of the deployment docs") states nothing
    words = frozenset(
        stem(t.lower()) for t in tokens(stating_text(intent) + " " + (intent.prompt or ""))
    )
    roles = frozenset(role for role, ws in ROLE_WORDS.items() if words & ws)
    targets = frozenset(
        t.lower() for t in intent.targets if is_identifier_like(t) or "/" in t or "." in t
    )
    flags = frozenset(_FLAG_RE.findall(stating_text(intent) + "\n" + (intent.prompt or "")))
    return IntentTerms(weights, roles, words, targets, frozenset(firm), flags)


#: a command-line option standing on its own: `-v`, `--force-with-lease` (not "re-run", not "-1")
_FLAG_RE = lazy(r"(?<![\w-])(--?[A-Za-z][A-Za-z0-9-]*)(?![\w-])")


def _is_stop(word: str) -> bool:
    from ..terms import is_stop

    return is_stop(word)


@lru_cache(maxsize=50_000)
def _name_terms(name: str) -> tuple[frozenset[str], frozenset[str]]:
    """A symbol name's terms, and the specific ones (no generic word, no dotted path, > 2
    letters); cached, as the same names recur across the files of a change (methods, handlers)."""
    terms = frozenset(term_set(name))
    return terms, frozenset(t for t in terms if t not in GENERIC and "." not in t and len(t) > 2)


def evidence(fd: FileDiff, fs: FileScope) -> Evidence:
    ev = Evidence()
    for p in {fs.path, fs.old_path} - {None}:
        assert p is not None
        ev.path_terms |= _path_terms(p)
    for sym in fs.symbols[:200]:
        terms, specific = _name_terms(sym.name)
        ev.symbol_terms |= terms
        if specific and sym.kind not in ("statement", "section", "file"):
            ev.symbol_names.append(specific)
        if sym.old_name:
            ev.symbol_terms |= _name_terms(sym.old_name)[0]
    changed: list[str] = []
    context: list[str] = []
    for h in fd.hunks:
        if h.section:
            context.append(h.section)
        for line in h.lines:
            if line[:1] in "+-":
                if len(changed) < MAX_CONTENT_LINES:
                    changed.append(line[1:])
            elif len(context) < MAX_CONTEXT_LINES:
                context.append(line[1:])
    changed_tokens = set(tokens("\n".join(changed)))
    ev.content_terms = terms_of(changed_tokens)
    ev.context_terms = term_set("\n".join(context))
    ev.identifiers = {t.lower() for t in changed_tokens if is_identifier_like(t)}
    ev.flags = set(_FLAG_RE.findall("\n".join(changed)))
    ev.hunks = fd.hunks
    return ev


_WORDS_RE = lazy(r"[A-Za-z][A-Za-z0-9_']*|[0-9]+")


def _typo_hunk(lines: tuple[str, ...]) -> bool:
    import difflib

    old = [w for ln in lines if ln[:1] == "-" for w in _WORDS_RE.findall(ln[1:])]
    new = [w for ln in lines if ln[:1] == "+" for w in _WORDS_RE.findall(ln[1:])]
    if not old or not new:
        return False
    inserted = 0
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        if op == "replace" and i2 - i1 == j2 - j1:
            for a, b in zip(old[i1:i2], new[j1:j2], strict=False):
                if a.isdigit() or b.isdigit():
                    return False  # "302" -> "303" is a behaviour change, not a typo
                if difflib.SequenceMatcher(None, a.lower(), b.lower()).ratio() < 0.6:
                    inserted += 1
            continue
        inserted += max(i2 - i1, j2 - j1)
    return inserted <= 3


def _spelling_fix(hunks: tuple[Hunk, ...]) -> bool:
    """Some hunk corrects a word's spelling or case (`behaviour` -> `behavior`, `Json` -> `JSON`)
    or drops a doubled word or a stray article, and no hunk only takes other words out: removing mentions of a library from
    the docs is a few words too, but it is not a typo fix."""
    import difflib

    fixed = False
    for h in hunks:
        old = [w for ln in h.lines if ln[:1] == "-" for w in _WORDS_RE.findall(ln[1:])]
        new = [w for ln in h.lines if ln[:1] == "+" for w in _WORDS_RE.findall(ln[1:])]
        ops = [
            op
            for op in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
            if op[0] != "equal"
        ]
        if ops and all(op[0] == "delete" for op in ops):
            gone = [w for _o, i1, i2, _j1, _j2 in ops for w in old[i1:i2]]
            doubled = all(
                i1 > 0 and old[i1 - 1].lower() == old[i1].lower() for _o, i1, _i2, _j1, _j2 in ops
            )
            # "allows for a creating" -> "allows for creating": a stray article, not a mention
            stray = len(gone) <= 2 and all(len(w) <= 3 and w.isalpha() for w in gone)
            if not (doubled or stray):
                return False
            fixed = True
            continue
        for op, i1, i2, j1, j2 in ops:
            if op != "replace":
                continue
            for a, b in zip(old[i1:i2], new[j1:j2], strict=False):
                if a != b and difflib.SequenceMatcher(None, a.lower(), b.lower()).ratio() >= 0.6:
                    fixed = True
    return fixed


def _path_terms(path: str) -> set[str]:
    out: set[str] = set()
    for comp in path.split("/"):
        base = _EXT_RE.sub("", comp).lower()
        out.add(comp.lower())
        if base and base not in _GENERIC_DIRS:
            out.add(base)
        for sw in subwords(comp):
            if not _is_stop(sw) and sw not in (
                "py",
                "go",
                "tf",
                "yaml",
                "yml",
                "json",
                "md",
                "rst",
                "js",
                "ts",
                "txt",
            ):
                out.add(stem(sw))
    return out


def _names_component(term: str, anchored: set[str]) -> bool:
    return any(term == c or (len(term) >= 5 and c.startswith(term)) for c in anchored)


def _area_of(path: str) -> str:
    parts = path.split("/")
    return parts[0] if len(parts) > 1 else ""


def _path_hits(it: IntentTerms, path_terms: set[str]) -> list[str]:
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


def match(intent: Intent, scope: Scope, diff: Diff, *, ignored: set[str] | None = None) -> Match:
    it = intent_terms(intent)
    by_path = {f.path: f for f in diff.files}
    evs: dict[str, Evidence] = {}
    for fs in scope.files:
        fd = by_path.get(fs.path)
        evs[fs.path] = (
            evidence(fd, fs) if fd is not None else Evidence(path_terms=_path_terms(fs.path))
        )

    missing = _missing_targets(intent, it, evs)
    # when the intent names specific things and the change contains none of them, only strong
    # evidence explains a file (a message paired with somebody else's diff still shares words)
    specific = _specific_targets(it)
    strict = bool(specific) and len(missing) == len(specific)

    # components the intent names by path: a sibling component needs evidence of its own
    path_hits = {fs.path: _path_hits(it, evs[fs.path].path_terms) for fs in scope.files}
    anchored = {
        component(p) for p, hits in path_hits.items() if component(p) and component(p) in hits
    }
    anchored_areas = {_area_of(p) for p in path_hits if component(p) in anchored}

    results: dict[str, FileMatch] = {}
    for fs in scope.files:
        ev = evs[fs.path]
        if ignored and fs.path in ignored:
            results[fs.path] = FileMatch(True, ("ignored by policy",), 0.0)
            continue
        results[fs.path] = _explain_file(
            fs, ev, it, intent, path_hits[fs.path], anchored, anchored_areas, strict
        )
    _neighbours(scope, evs, results, it, anchored)
    _followers(scope, evs, results, it)
    readings: dict[Signal, Reading] = {}
    licensed = _license(scope, evs, results, it, intent, readings)
    return Match(results, licensed, it, missing, readings)


def _explain_file(
    fs: FileScope,
    ev: Evidence,
    it: IntentTerms,
    intent: Intent,
    h_path: list[str],
    anchored: set[str],
    anchored_areas: set[str],
    strict: bool,
) -> FileMatch:
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
        and _area_of(fs.path) not in anchored_areas
        and fs.role in ("code", "infra", "config", "dependency", "example", "ci")
    )
    if foreign and not sibling:
        h_content = [t for t in h_content if not _names_component(t, anchored)]
        h_ctx = [t for t in h_ctx if not _names_component(t, anchored)]
        s_content = sum(w(t) for t in h_content) * 0.8
        s_ctx = sum(w(t) for t in h_ctx) * 0.5
    if sibling:
        # the intent names another component: this one must be named itself, not share vocabulary
        # (a word of its directory name, "vpc" in "simple-vpc", is vocabulary too)
        # (its symbols too: `init` and `main` live in every service)
        s_content = s_ctx = s_sym = 0.0
        h_content, h_ctx, h_sym = [], [], []
        h_path = [t for t in h_path if "." in t and t == posixpath.basename(fs.path).lower()]
        s_path = sum(w(t) for t in h_path) * 1.3
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
    explained = score >= threshold and strong
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
        and fs.cosmetic
        # blocks that only move within their module are what a refactor is
        and (_cosmetic_intent(intent, it) or (fs.cosmetic == "moved" and intent.type == "refactor"))
        and (
            "typo" not in intent.size_words
            or fs.cosmetic in ("whitespace", "spelling")
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
        and _spelling_fix(ev.hunks)
        # a typo-sized edit that flips what the code does (`true` -> `false`) is not a typo fix
        and not any(s.severity in ("medium", "high", "critical") for s in fs.signals)
    ):
        # "Fix typos": every hunk corrects a few words, in prose, comments or test names alike
        explained = True
        reasons.append("every hunk corrects a few words, under a typo intent")
    conventional = _conventional_roles(intent.title)
    if not explained and fs.role in conventional:
        # "ci: use the ecosystem catalog": a `ci` change is made of CI files
        explained = True
        reasons.append(f"{_CONVENTIONAL_REASON} `{conventional[fs.role]}`: {fs.role} files")
    version = None if sibling else _version_evidence(ev, intent)
    if version:
        explained = True
        reasons.append(version)
    return FileMatch(explained, tuple(reasons), score)


_CONVENTIONAL_REASON = "conventional type"
_CONVENTIONAL = lazy(r"^\s*([a-z]+)(?:\(([^)]*)\))?!?:\s", re.I)
#: conventional-commit types and the file roles such a change is made of
_TYPE_ROLES: dict[str, tuple[str, ...]] = {
    "ci": ("ci",),
    "docs": ("docs", "changelog"),
    "test": ("test",),
    "tests": ("test",),
}
#: `build(deps):`, `chore(deps-dev):`: the scope that says the change is dependency updates
_DEPS_SCOPE = lazy(r"^deps(?:[-_]dev)?$", re.I)


@lru_cache(maxsize=1024)
def _conventional_roles(title: str) -> dict[str, str]:
    """File roles the title's conventional-commit type (and scope) is made of: role -> prefix."""
    m_ = _CONVENTIONAL.match(title)
    if m_ is None:
        return {}
    kind, scope = m_.group(1).lower(), m_.group(2) or ""
    prefix = f"{kind}({scope})" if scope else kind
    roles = list(_TYPE_ROLES.get(kind, ()))
    if kind == "deps" or _DEPS_SCOPE.match(scope.strip()):
        roles += ["dependency", "lockfile"]
    return dict.fromkeys(roles, prefix)


def _neighbours(
    scope: Scope,
    evs: dict[str, Evidence],
    results: dict[str, FileMatch],
    it: IntentTerms,
    anchored: set[str],
) -> None:
    """A file next to an explained one needs less evidence: the intent already points there."""
    dirs = {posixpath.dirname(p) for p, fm in results.items() if fm.explained}
    comps = {component(p) for p, fm in results.items() if fm.explained and component(p)}
    for fs in scope.files:
        fm = results[fs.path]
        if fm.explained or fm.score < 0.5:
            continue
        comp = component(fs.path)
        folder = posixpath.dirname(fs.path)
        # the top of the repository is everybody's neighbour: it says nothing
        near = (folder != "" and folder in dirs) or (comp and comp in comps)
        if near and fs.role not in ("ci", "governance", "agent"):
            results[fs.path] = FileMatch(
                True, (*fm.explained_by, "next to an explained change"), fm.score
            )


_ROLE_LICENSED = frozenset(
    {"docs", "test", "ci", "changelog", "dependency", "lockfile", "example", "governance", "agent"}
)


def _specific_targets(it: IntentTerms) -> frozenset[str]:
    return frozenset(t for t in it.targets if len(t) > 3)


def _missing_targets(intent: Intent, it: IntentTerms, evs: dict[str, Evidence]) -> tuple[str, ...]:
    every: set[str] = set()
    for ev in evs.values():
        every |= (
            ev.path_terms | ev.symbol_terms | ev.content_terms | ev.context_terms | ev.identifiers
        )
    # `github.com/org/hooks`, `aws_db_instance.main`: a dotted name touches each of its words
    every |= {stem(s) for t in every if "." in t or "/" in t for s in subwords(t)}
    out: list[str] = []
    for t in sorted(_specific_targets(it)):
        parts = [stem(s) for s in subwords(t) if not _is_stop(s)]
        if t in every or posixpath.basename(t) in every:
            continue
        if parts and all(p in every for p in parts):
            continue
        out.append(t)
    return tuple(out)


def _cosmetic_intent(intent: Intent, it: IntentTerms) -> bool:
    size = set(intent.size_words)
    return bool(
        size & {"typo", "comments", "formatting", "docs only", "no functional change"}
    ) or intent.type in (
        "docs",
        "style",
    )


def _followers(
    scope: Scope, evs: dict[str, Evidence], results: dict[str, FileMatch], it: IntentTerms
) -> None:
    """Tests, docs, changelogs, examples and lockfiles that follow an explained change."""
    explained = [f for f in scope.files if results[f.path].explained]
    if not explained:
        return
    vocab: set[str] = set()
    stems: set[str] = set()
    dirs: set[str] = set()
    topics: set[str] = set()  # what the explained files are about: their names and symbols
    for f in explained:
        ev = evs[f.path]
        vocab |= {i for i in ev.identifiers if len(i) > 4}
        stems |= {stem_of(f.path)}
        dirs.add(posixpath.dirname(f.path))
        if f.role not in ("changelog", "docs"):
            topics |= {stem_of(f.path)} - _GENERIC_FILE_STEMS
            topics |= {t for names in ev.symbol_names for t in names}
    explained_roles = {f.role for f in explained}
    for fs in scope.files:
        fm = results[fs.path]
        if fm.explained:
            continue
        ev = evs[fs.path]
        reason = None
        if fs.role == "test" and (tests_one_of(stem_of(fs.path), stems) or ev.identifiers & vocab):
            reason = "tests an explained change"
        elif (
            fs.role == "changelog"
            and (explained_roles - {"changelog"})
            and (fm.score > 0 or ev.identifiers & vocab or ev.content_terms & topics)
        ):
            reason = "changelog entry of an explained change"
        elif (
            fs.role in ("docs", "example", "test", "generated") and len(ev.identifiers & vocab) >= 1
        ):
            shared = sorted(ev.identifiers & vocab)[:3]
            reason = f"{fs.role} follows an explained change ({', '.join(shared)})"
        elif fs.status == "deleted" and (caller := _retired_action_caller(fs, explained, evs)):
            reason = f"its last use leaves {caller}"
        elif fs.role == "lockfile" and explained_roles & {"dependency"}:
            reason = "lockfile of an explained manifest change"
        elif (
            fs.role == "docs"
            and posixpath.dirname(fs.path) in dirs - {""}
            and fs.path.lower().endswith(("readme.md", "readme.rst"))
        ):
            reason = "README next to an explained change"
        if reason:
            results[fs.path] = FileMatch(True, (*fm.explained_by, reason), fm.score)


def _retired_action_caller(
    fs: FileScope, explained: list[FileScope], evs: dict[str, Evidence]
) -> str | None:
    """A deleted local action whose `uses:` an explained workflow change removes."""
    from ..scope.local_actions import ACTION_FILE, uses

    m_ = ACTION_FILE.match(fs.path)
    if m_ is None or any(s.severity not in ("info", "low") for s in fs.signals):
        return None
    for f in explained:
        for h in evs[f.path].hunks:
            if any(line[:1] == "-" and uses(line, m_.group(1)) for line in h.lines):
                return f"`{f.path}`"
    return None


# --- versions: "Drop Node 16", "bump Go to v1.26", "Bump the actions group" ---------------------

_DOTTED = lazy(r"(?<![\w.#/])v?(\d+(?:\.\d+)+)(?![\w])")
_RUNTIMES = (
    "node|nodejs|python|go|golang|java|jdk|ruby|rust|php|postgres|postgresql|mysql|redis|alpine|"
    "ubuntu|debian|kubernetes|k8s|helm|terraform|dotnet"
)
_NAMED_MAJOR = lazy(rf"\b({_RUNTIMES})\s*v?(\d+)\b", re.I)
_ANY_NUMBER = lazy(r"(?<![\w.])v?(\d+(?:\.\d+)*)")
_BUMPY = lazy(r"[vV]?\d+(?:\.\d+)*[\w.+-]*|\b[0-9a-f]{7,40}\b")
_BUMP_TITLE = lazy(
    r"\b(bump|bumps|bumped|upgrade[sd]?|downgrade[sd]?|pin|pins|pinned|pinning|unpin)\b"
    r"|\b(shas?|digests?|release tags?)\b"
    r"|\bupdate[sd]?\b.*\b(versions?|dependenc(y|ies)|deps|actions|hooks|packages|lock)",
    re.I,
)
_TRAILING_COMMENT = lazy(r"\s+#\s.*$")
_VERSION_REASONS = ("changed lines: version", "only versions change")


def _intent_versions(intent: Intent) -> tuple[frozenset[str], frozenset[tuple[str, str]]]:
    """Dotted versions (``3.8``, ``v1.26``) and runtime majors (``Node 16``, ``Java 8``) named."""
    dotted = frozenset(_DOTTED.findall(intent.text))
    majors = frozenset((r.lower(), n) for r, n in _NAMED_MAJOR.findall(intent.text))
    return dotted, majors


def _version_evidence(ev: Evidence, intent: Intent) -> str | None:
    """A file whose changed lines carry a version the intent names, or that only bumps versions
    under an intent that says it bumps them."""
    changed = [ln[1:] for h in ev.hunks for ln in h.lines if ln[:1] in "+-"]
    if not changed:
        return None
    dotted, majors = _intent_versions(intent)
    hit: set[str] = set()
    if dotted:
        seen = {v for ln in changed for v in _ANY_NUMBER.findall(ln)}
        hit |= {w for w in dotted if any(v == w or v.startswith(w + ".") for v in seen)}
    for runtime, major in majors:
        # `node-version: 16`, `FROM python:3.9`, `<maven.compiler.release>8`: the runtime's own key
        near = re.compile(
            rf"({runtime}|version|release|target|source)\W{{0,20}}v?{major}(?![\d])", re.I
        )
        if any(near.search(ln) for ln in changed):
            hit.add(f"{runtime} {major}")
    if hit:
        return f"changed lines: version {', '.join(sorted(hit)[:3])} the intent names"
    if _BUMP_TITLE.search(intent.title):

        def shape(side: str) -> list[str]:
            # `uses: x@v4` -> `uses: x@<sha> # v4`: the version and its comment are the bump
            return sorted(
                _BUMPY.sub("#", _TRAILING_COMMENT.sub("", ln[1:])).strip()
                for h in ev.hunks
                for ln in h.lines
                if ln[:1] == side
            )

        old, new = Counter(shape("-")), Counter(shape("+"))
        shared = sum((old & new).values())
        # a grouped bump may also drop or add a pin (dependabot removing `typing_extensions`):
        # each such line is its own signal, judged on its own
        surplus = sum((old - new).values()) + sum((new - old).values())
        if shared and (old <= new or new <= old) and surplus <= shared:
            return "only versions change, under an intent that bumps them"
    return None


def tests_one_of(test_stem: str, stems: set[str]) -> bool:
    """``test_cli`` and ``test_cli_errors`` test ``cli.py``; ``test_client`` does not."""
    return test_stem in stems or any(
        len(s) >= 3 and test_stem.startswith(s) and test_stem[len(s)] in "_-." for s in stems
    )


def stem_of(path: str) -> str:
    base = posixpath.splitext(posixpath.basename(path))[0].lower()
    for pre in ("test_", "tests_"):
        base = base.removeprefix(pre)
    for suf in ("_test", "_tests", ".test", ".spec", "_spec", "test", "tests"):
        base = base.removesuffix(suf)
    return base


def _license(
    scope: Scope,
    evs: dict[str, Evidence],
    results: dict[str, FileMatch],
    it: IntentTerms,
    intent: Intent,
    readings: dict[Signal, Reading],
) -> dict[Signal, bool]:
    out: dict[Signal, bool] = {}
    # an intent that undoes earlier work says so in its title ("Revert ..."), not in passing
    undo = bool(words_of_title(intent) & _UNDO)
    for fs in scope.files:
        fm = results[fs.path]
        ev = evs[fs.path]
        named_file = _names_file(fs.path, it)
        for sig in fs.signals:
            if needs_statement(sig) and "ignored by policy" not in fm.explained_by:
                reading = read(sig, fs.path, intent)
                readings[sig] = reading
                out[sig] = reading.stated is not None or (undo and fm.score >= EXPLAIN_THRESHOLD)
                continue
            out[sig] = _signal_licensed(sig, fs, fm, ev, it, undo, named_file)
        # what an object held goes with it: the lines of a resource whose deletion is stated
        # (its `terraform.workspace` logic, its policy statements) are that deletion
        gone = {
            s.symbol: s
            for s in fs.signals
            if s.kind == m.RESOURCE_DELETION and s.symbol and out[s] and s in readings
        }
        for sig in fs.signals:
            owner = gone.get(sig.symbol) if sig.side == "old" and sig.symbol else None
            if owner is not None and not out[sig] and sig.kind != m.RESOURCE_DELETION:
                out[sig] = True
                readings[sig] = Reading(stated=readings[owner].stated)
        # once the intent covers a change to a symbol, its medium side effects come with it
        covered = {s.symbol for s in fs.signals if s.symbol and out[s]}
        for sig in fs.signals:
            if (
                not out[sig]
                and sig not in readings
                and sig.symbol in covered
                and sig.severity in ("low", "medium")
                and not sig.code.startswith("policy.")
            ):
                out[sig] = True
    return out


def words_of_title(intent: Intent) -> set[str]:
    return {stem(t.lower()) for t in tokens(intent.title)}


def _names_file(path: str, it: IntentTerms) -> bool:
    """The intent names this very file, by a name specific enough to mean it (not ``main.tf``)."""
    base = posixpath.basename(path).lower()
    stem_ = _EXT_RE.sub("", base)
    if "." in base and base in it.weights:
        return True  # named with its extension: "values.yaml"
    return (
        stem_ not in _GENERIC_DIRS
        and stem_ not in _GENERIC_FILE_STEMS
        and len(stem_) >= 5
        and stem_ in it.weights
    )


_GENERIC_FILE_STEMS = words(
    "main variables outputs output versions providers provider locals data values index app init "
    "readme changes changelog settings config utils helpers types models views urls server client"
)


def _signal_licensed(
    sig: Signal,
    fs: FileScope,
    fm: FileMatch,
    ev: Evidence,
    it: IntentTerms,
    undo: bool,
    named_file: bool,
) -> bool:
    if not fm.explained or sig.code.startswith("policy."):
        return False  # the reviewer's own policy: no wording explains loosening the gate
    if "ignored by policy" in fm.explained_by:
        return True
    if sig.severity in ("info", "low") and any(
        r.startswith("its last use leaves") for r in fm.explained_by
    ):
        return True  # a local action the explained workflow change stopped using
    if (
        sig.kind in (m.CI_CD, m.DEPENDENCY, m.GLOBAL_CONFIG)
        and sig.severity in ("info", "low", "medium")
        and any(r.startswith(_VERSION_REASONS) for r in fm.explained_by)
        # a pin a bump drops or adds is not one of the versions it moves
        and not sig.code.endswith(("_removed", ".removed", "_added", ".added"))
    ):
        # "Drop Python 3.8" and `3.8` leaves the CI matrix; "bump the actions group" and only refs
        # change: the change is the one the intent names
        return True
    if (
        sig.kind in (m.CI_CD, m.DEPENDENCY)
        and sig.severity in ("info", "low", "medium")
        and any(r.startswith(_CONVENTIONAL_REASON) for r in fm.explained_by)
    ):
        # `ci:` and a workflow edit, `build(deps):` and a version moved: the type says what it is
        return True
    if undo and fm.score >= EXPLAIN_THRESHOLD:
        # "roll back #1566" licenses what it takes back in the files it explains, named or not
        return True
    # does the intent point at the thing the signal is about?
    if sig.symbol and not (sig.kind == m.CI_CD and sig.symbol.startswith("jobs.")):
        sym_terms = term_set(sig.symbol) - _GENERIC_STEMS
        pointed = bool(sym_terms & it.firm) or sig.symbol.lower() in it.targets
    else:
        # a workflow's job is where a CI signal sits, not what the intent must name: "update the
        # CI workflows" points at every step of them
        pointed = fm.score >= EXPLAIN_THRESHOLD or any(
            r.startswith("intent mentions") for r in fm.explained_by
        )
    if not pointed:
        # "remove unused variables": the intent names the kind of thing, not each instance;
        # "values.yaml", "memorystore.tf": the intent names the very file
        pointed = bool(_symbol_kind_words(sig) & it.words) or named_file
    if not pointed and sig.severity in ("info", "low", "medium"):
        # "Fix Splunk Web" and the default changes inside `modules/splunk/`: the intent names the
        # component the change lives in, which is enough for a change that destroys nothing
        pointed = any(r.startswith("path:") for r in fm.explained_by)
    if not pointed:
        return False
    if undo:
        return True
    words = KIND_WORDS.get(sig.kind, frozenset())
    if words & it.words:
        return True
    # naming the thing is enough for changes that do not destroy or expose: "redirect defaults
    # to 303" licenses the signature change of `redirect`
    if sig.kind in _NAMING_IS_ENOUGH and sig.symbol and _strongly_named(sig.symbol, it):
        return True
    # a change kind the file's own role makes obvious: editing a workflow is CI/CD work
    if sig.kind == m.CI_CD and fs.role in ("ci", "governance") and fm.score >= EXPLAIN_THRESHOLD:
        return True
    if (
        sig.kind == m.DEPENDENCY
        and fs.role in ("dependency", "lockfile")
        and fm.score >= EXPLAIN_THRESHOLD
    ):
        return True
    if (
        sig.kind == m.GLOBAL_CONFIG
        and sig.severity in ("low", "medium")
        and fm.score >= EXPLAIN_THRESHOLD
    ):
        return True
    return sig.severity in ("low", "info")


_NAMING_IS_ENOUGH = frozenset(
    {m.PUBLIC_API, m.GLOBAL_CONFIG, m.CI_CD, m.DEPENDENCY, m.AGENT_INSTRUCTIONS}
)


def _strongly_named(symbol: str, it: IntentTerms) -> bool:
    low = symbol.lower()
    if low in it.weights or low.rsplit(".", 1)[-1] in it.weights:
        return True
    terms = term_set(symbol) - _GENERIC_STEMS
    return sum(it.weights.get(t, 0.0) for t in terms) >= 1.3


_GENERIC_STEMS = frozenset(stem(w) for w in GENERIC)
_KIND_OF_SYMBOL = lazy(r"^(var|output|module|data|local|resource|job|jobs|service|object)[.:/]")


def _symbol_kind_words(sig: Signal) -> set[str]:
    if not sig.symbol:
        return set()
    mm = _KIND_OF_SYMBOL.match(sig.symbol)
    words = {
        "var": {"variable", "input"},
        "output": {"output"},
        "module": {"module"},
        "data": {"data"},
        "local": {"local"},
        "resource": {"resource"},
        "job": {"job"},
        "jobs": {"job"},
        "service": {"service"},
        "object": {"object"},
    }
    if mm is None:
        return set()
    return {stem(w) for w in words.get(mm.group(1), set())}
