"""Version evidence ("Drop Node 16", "bump Go to v1.26", "Bump the actions group"): a file whose
changed lines carry a version the intent names, or that only moves versions under an intent that
says it bumps them."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from ..models import Intent
from ..rx import lazy
from ..terms import words
from .evidence import Evidence

_DOTTED = lazy(r"(?<![\w.#/])v?(\d+(?:\.\d+)+)(?![\w])")
_RUNTIMES = (
    "node|nodejs|python|go|golang|java|jdk|ruby|rust|php|postgres|postgresql|mysql|redis|alpine|"
    "ubuntu|debian|kubernetes|k8s|helm|terraform|dotnet"
)
#: "Node 16", "node@18", "Node.js 20", "python-3"
_NAMED_MAJOR = lazy(rf"\b({_RUNTIMES})(?:\.js)?(?:\s*|[@-])v?(\d+)\b", re.I)
_ANY_NUMBER = lazy(r"(?<![\w.])v?(\d+(?:\.\d+)*)")
_BUMPY = lazy(r"[vV]?\d+(?:\.\d+)*[\w.+-]*|\b[0-9a-f]{7,40}\b")
_ECOSYSTEMS = f"{_RUNTIMES}|npm|yarn|pnpm|maven|gradle|nuget|pip|poetry|cargo|gomod|bundler|docker"
#: titles that say the change moves versions: "bump x", "update x to v2", "Update golang" (a
#: dependency bot's group named after an ecosystem); a file still has to change only versions
_BUMP_TITLE = lazy(
    r"\b(bump|bumps|bumped|upgrade[sd]?|downgrade[sd]?|pin|pins|pinned|pinning|unpin"
    r"|auto-?update[sd]?)\b"
    r"|\b(shas?|digests?|release tags?)\b"
    r"|\bupdate[sd]?\b.*\b(versions?|dependenc(y|ies)|deps|actions|hooks|packages|lock|components"
    r"|modules|images|charts|plugins|submodules)\b"
    r"|\bupdate[sd]?\b.*\bto\s+v?\d"
    r"|\bversions?\s+(?:updates?|bumps?|upgrades?)\b"
    rf"|^\s*update[sd]?\s+(?:the\s+)?(?:{_ECOSYSTEMS})\b(?:\s+(?:group|dependencies|deps))?"
    r"(?:\s*\(#\d+\))?\s*$",
    re.I,
)
_DROP_VERB = lazy(r"\b(drop(?:s|ped|ping)?|remov(?:e|es|ed|ing)|end[- ]of[- ]life|eol)\b", re.I)
_RUNTIME_WORD = lazy(rf"\b({_RUNTIMES})\b", re.I)


@lru_cache(maxsize=256)
def _dropped_runtimes(title: str) -> frozenset[str]:
    """Runtimes a title says it drops versions of: "drop end of life python versions"."""
    if not _DROP_VERB.search(title):
        return frozenset()
    return frozenset(m.lower() for m in _RUNTIME_WORD.findall(title))


_INDIRECT = lazy(r"//\s*indirect\s*$")
_TARGET_VERSION = lazy(r"\bto\s+v?\d+(?:\.\d+)+")
_TRAILING_COMMENT = lazy(r"\s+#\s.*$")
VERSION_REASONS = ("changed lines: version", "only versions change")


def _intent_versions(intent: Intent) -> tuple[frozenset[str], frozenset[tuple[str, str]]]:
    """Dotted versions (``3.8``, ``v1.26``) and runtime majors (``Node 16``, ``Java 8``) named."""
    dotted = frozenset(_DOTTED.findall(intent.text))
    majors = frozenset((r.lower(), n) for r, n in _NAMED_MAJOR.findall(intent.text))
    return dotted, majors


def _shape(line: str) -> str:
    """A line with its versions (and a trailing `# v4` comment) taken out: `uses: x@v4` and
    `uses: x@<sha> # v4` have one shape."""
    return _BUMPY.sub("#", _TRAILING_COMMENT.sub("", line)).strip()


_UPDATE_VERB = lazy(
    r"\b(?:update[sd]?|upgrade[sd]?|bump(?:s|ed)?)\s+(?:the\s+)?([\w@./-]{3,})", re.I
)


def _named_bump(ev: Evidence, title: str) -> str | None:
    """ "update pnpm etc" and `"packageManager": "pnpm@10.18.3"` -> `pnpm@11.3.0`: the file only
    moves the version of the very thing the title updates (its other lines are punctuation)."""
    m = _UPDATE_VERB.search(title)
    if m is None:
        return None
    name = m.group(1).lower()
    if name in _NOT_A_NAME:
        return None
    word = re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])", re.I)
    sides: dict[str, list[str]] = {"-": [], "+": []}
    for h in ev.hunks:
        for ln in h.lines:
            if ln[:1] not in sides:
                continue
            if word.search(ln):
                sides[ln[:1]].append(_shape(ln[1:]).rstrip(","))  # moved to the last entry
            elif re.search(r"\w", ln[1:]):
                return None  # the file changes something else too
    old, new = sides["-"], sides["+"]
    if old and sorted(old) == sorted(new):
        return name
    return None


_NOT_A_NAME = words("to from all some the version versions dependencies deps packages docs readme")


def version_evidence(ev: Evidence, intent: Intent) -> str | None:
    """A file whose changed lines carry a version the intent names, or that only bumps versions
    under an intent that says it bumps them."""
    signed = [ln for h in ev.hunks for ln in h.lines if ln[:1] in "+-"]
    if not signed:
        return None
    changed = [ln[1:] for ln in signed]
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
    dropped = _dropped_runtimes(intent.title)
    if dropped and all(ln[0] == "-" for ln in signed):
        # "drop end of life python versions" and `- {python: '3.9'}` leaving the CI matrix
        names = "|".join(sorted(dropped))
        versioned = re.compile(rf"\b(?:{names})\b\W{{0,12}}v?\d+(?:\.\d+)?\b", re.I)
        if all(versioned.search(ln) for ln in changed):
            return f"only versions change: {', '.join(sorted(dropped))} versions the intent drops"
    named = _named_bump(ev, intent.title)
    if named:
        return f"changed lines: version of `{named}` the intent updates"
    # "update X to v7.43.0": a file that does not carry the version the title moves to is not the
    # bump it describes, however version-shaped its edit
    if _BUMP_TITLE.search(intent.title) and not _TARGET_VERSION.search(intent.title):

        def shape(side: str) -> list[str]:
            # `uses: x@v4` -> `uses: x@<sha> # v4`: the version and its comment are the bump;
            # a go.mod's `// indirect` requirements are what resolving the bump wrote, as in a
            # lockfile, so the ones it adds or drops are not edits of their own
            return sorted(
                _shape(ln[1:])
                for h in ev.hunks
                for ln in h.lines
                if ln[:1] == side and not _INDIRECT.search(ln)
            )

        old, new = Counter(shape("-")), Counter(shape("+"))
        shared = sum((old & new).values())
        # a grouped bump may also drop or add a pin (dependabot removing `typing_extensions`):
        # each such line is its own signal, judged on its own
        surplus = sum((old - new).values()) + sum((new - old).values())
        if shared and (old <= new or new <= old) and surplus <= shared:
            return "only versions change, under an intent that bumps them"
    return None
