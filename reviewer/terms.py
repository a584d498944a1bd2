"""Words as a reviewer compares them: identifiers split, stemmed, generic words weighed down. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from .rx import lazy

_TOKEN_RE = lazy(r"[A-Za-z_$][A-Za-z0-9_$]*(?:[-.][A-Za-z0-9_$]+)*|[0-9]+[A-Za-z][A-Za-z0-9_]*")
#: camelCase pieces; an acronym's plural ("ACLs", "APIs", "VPCs") is one word, not "AC" + "Ls"
_CAMEL_RE = lazy(r"[A-Z]{2,}s(?![a-z])|[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")
_ACRONYM_PLURAL = lazy(r"[A-Z]{2,}s")
_SPLIT_RE = lazy(r"[-_.$/:]+")


def words(text: str) -> frozenset[str]:
    """A word table written as one string: ``words("a b c")``."""
    return frozenset(text.split())


def has_any(text: str, hints: tuple[str, ...], *, folded: bool = False) -> bool:
    """Whether ``text`` contains one of ``hints``: the literal guard in front of a pattern, so that
    the pattern compiles and runs only for text it can match.

    ``folded``: ``text`` was lowercased for a case-insensitive pattern. Unicode case rules match
    more than lowercasing shows (``İ`` matches ``i``), so non-ASCII text always passes."""
    if folded and not text.isascii():
        return True
    return any(h in text for h in hints)


def stems(text: str) -> frozenset[str]:
    """The stems of a word table written as one string."""
    return frozenset(stem(w) for w in text.split())


#: English function words and the verbs every change description uses; they say nothing about *what*
STOPWORDS = words(
    "a an the and or but nor not no yes if then else when while for to from of in on at by with "
    "without into onto over under up down out off as is are was were be been being am do does did "
    "done doing have has had having it its it's this that these those there here their them they "
    "we our us you your i me my he she his her so such than too very can could should would will "
    "shall may might must just also only even still yet again about above below after before "
    "between through during per via vs etc all any both each few more most other some same own "
    "around across along within upon "
    "what which who whom whose why how where make makes made making use uses used using add adds "
    "added adding update updates updated updating change changes changed changing fix fixes fixed "
    "fixing remove removes removed removing set sets setting get gets getting put new old now some "
    "way ways thing things stuff lot lots bit little instead rather already always never ever "
    "allow allows allowed support supports supported supporting handle handles handled handling "
    "properly proper correct correctly incorrect incorrectly instead able unable pr prs commit "
    "commits merge merged merging branch main master issue issues resolve "
    "resolves resolved ref refs see via wip tmp todo fixme note notes cc co authored signed off by "
    "reviewed dependabot bot bump bumps minor small tiny trivial quick simple simply typo typos "
    "misc various several couple one two three first second last next previous current currently "
    "https http www com org github gitlab"
)

#: words that name very common code concepts: they count, but little
GENERIC = words(
    "code file files line lines test tests testing error errors bug bugs value values name names "
    "type types data default defaults option options config configuration configs setting settings "
    "variable variables var vars argument arguments arg args param params parameter parameters "
    "function functions method methods class classes object objects module modules package "
    "packages field fields key keys list lists item items string strings number numbers id ids "
    "call calls return returns result results output outputs input inputs request requests "
    "response responses message messages log logs logging service services server servers client "
    "clients user users app apps application applications api apis version versions release "
    "releases resource resources instance instances example examples doc docs documentation readme "
    "comment comments description descriptions text info information check checks case cases path "
    "paths time times run runs running build builds support feature features logic behavior "
    "behaviour issue problem problems work works working state status true false null none nil "
    "self this src lib main index util utils helper helpers common core base internal public "
    "private enable enabled disable disabled create created delete deleted deleting creating aws "
    "gcp google azure azurerm amazon kubernetes k8s kube docker github terraform python golang "
    "for_each depends_on count lifecycle dynamic locals provider container containers pod pods "
    "image images"
)

_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "ied", "ers", "er", "es", "ed", "s", "ly")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A light suffix-stripping stemmer: good enough to equate ``gateways``/``gateway``,
    ``deprecated``/``deprecate``, ``routing``/``route``."""
    w = word.lower()
    if len(w) <= 3 or not w.isalpha():
        return w
    for suf in _SUFFIXES:
        if w.endswith(suf) and len(w) - len(suf) >= 3:
            base = w[: -len(suf)]
            if suf == "ies" or suf == "ied":
                base += "y"
            elif (
                suf in ("es", "ed", "ing", "er", "ers", "ings")
                and base.endswith(base[-1] * 2)
                and base[-1] not in "lsz"
            ):
                base = base[:-1]  # "mapped" -> "map", but "installed" -> "install"
            return _silent_e(base)
    return _silent_e(w)


def _silent_e(base: str) -> str:
    # a silent final "e" goes, so that every form meets: "rule"/"rules", "create"/"created",
    # "cache"/"cached" -> "rul", "creat", "cach"
    return base[:-1] if len(base) >= 4 and base.endswith("e") else base


def tokens(text: str) -> list[str]:
    """Raw code-like tokens of ``text`` (identifiers, dotted and dashed names)."""
    return _TOKEN_RE.findall(text)


@lru_cache(maxsize=200_000)
def subwords(token: str) -> tuple[str, ...]:
    """``AlloyDBCartStore`` -> alloy, db, cart, store; ``vpc-flow-logs.tf`` -> vpc, flow, logs, tf."""
    out: list[str] = []
    for part in _SPLIT_RE.split(token):
        if not part:
            continue
        pieces = _CAMEL_RE.findall(part)
        if not pieces:
            continue
        out.extend(p.lower() for p in pieces)
    return tuple(out)


@lru_cache(maxsize=200_000)
def is_identifier_like(token: str) -> bool:
    """A token a person would only write when naming code: snake_case, camelCase, dotted, digits
    (not an acronym's plural: "ACLs")."""
    if len(token) < 3 or _ACRONYM_PLURAL.fullmatch(token):
        return False
    if "_" in token.strip("_") or "." in token.strip("."):
        return True
    inner = token[1:]
    return (any(c.isupper() for c in inner) and any(c.islower() for c in token)) or (
        any(c.isdigit() for c in token) and any(c.isalpha() for c in token) and len(token) > 3
    )


def weight(term: str) -> float:
    """How much a (stemmed) term says about *where* a change is."""
    if term in GENERIC or stem(term) in GENERIC_STEMS:
        return 0.4
    if len(term) <= 2:
        return 0.3
    if len(term) >= 8:
        return 1.3
    return 1.0


#: the stems of the generic words
GENERIC_STEMS = frozenset(stem(w) for w in GENERIC)
#: the stems of the stopwords' inflected forms ("updating" -> "updat"); a stopword that is its
#: own stem ("them", "wip") is matched as written, so that "theme" and "wipe" stay words
STOP_STEMS = frozenset(s for w in STOPWORDS if (s := stem(w)) != w)


@lru_cache(maxsize=200_000)
def is_stop(word: str) -> bool:
    w = word.lower()
    return w in STOPWORDS or stem(w) in STOP_STEMS or len(w) < 2 or w.isdigit()


#: abbreviations written in code and config for the words people write ("auth" is
#: "authentication" or "authorization", `gh` is the GitHub CLI): both spellings are one term
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "auth": ("authentication", "authorization"),
    "authn": ("authentication",),
    "authz": ("authorization",),
    "repo": ("repository",),
    "repos": ("repository",),
    "env": ("environment",),
    "envs": ("environment",),
    "db": ("database",),
    "perms": ("permission",),
    "creds": ("credential",),
    "pkg": ("package",),
    "deps": ("dependency",),
    "impl": ("implementation",),
    "msg": ("message",),
    "mem": ("memory",),
    "gh": ("github",),
}
#: each abbreviation's expansions, stemmed
EXPANSIONS = {k: tuple(stem(w) for w in v) for k, v in ABBREVIATIONS.items()}


@lru_cache(maxsize=200_000)
def _token_terms(tok: str, keep_stop: bool, expand: bool) -> tuple[str, ...]:
    out: list[str] = []
    low = tok.lower()
    if len(low) > 2 and ("_" in low or "-" in low or "." in low):
        out.append(low)
    for sw in subwords(tok):
        if keep_stop or not is_stop(sw):
            out.append(stem(sw))
            if expand:
                out.extend(EXPANSIONS.get(sw.lower(), ()))
    return tuple(out)


def term_set(text: str, *, keep_stop: bool = False, expand: bool = True) -> set[str]:
    """Stemmed terms of ``text``: whole identifiers (lowercased) and their subwords, and what
    an abbreviation among them stands for (``expand``; a name the intent must point at is read
    as written: "database" does not name `POSTGRES_DB`)."""
    return terms_of(set(tokens(text)), keep_stop=keep_stop, expand=expand)


def terms_of(toks: Iterable[str], *, keep_stop: bool = False, expand: bool = True) -> set[str]:
    """:func:`term_set` of tokens already found (``set(tokens(text))``)."""
    out: set[str] = set()
    for tok in toks:
        out.update(_token_terms(tok, keep_stop, expand))
    return out
