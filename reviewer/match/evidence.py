"""What one changed file offers to be matched against the intent (the terms of its path, symbols,
changed and context lines, its identifiers and options), whether its hunks look like a typo fix,
and which targets the intent names that no file contains."""

from __future__ import annotations

import posixpath
from functools import lru_cache

from ..intent import conventional_parts
from ..models import FileDiff, FileScope, Hunk, Intent
from ..paths import EXT_RE as _EXT_RE
from ..paths import GENERIC_DIRS as _GENERIC_DIRS
from ..rx import lazy
from ..terms import GENERIC, is_identifier_like, is_stop, stem, subwords, term_set, terms_of, tokens
from .intent_words import FLAG_RE, IntentTerms

#: changed lines read per file for content terms (keeps huge files cheap)
MAX_CONTENT_LINES = 600
MAX_CONTEXT_LINES = 300


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


@lru_cache(maxsize=50_000)
def _name_terms(name: str) -> tuple[frozenset[str], frozenset[str]]:
    """A symbol name's terms, and the specific ones (no generic word, no dotted path, > 2
    letters); cached, as the same names recur across the files of a change (methods, handlers)."""
    terms = frozenset(term_set(name))
    return terms, frozenset(t for t in terms if t not in GENERIC and "." not in t and len(t) > 2)


def evidence(fd: FileDiff, fs: FileScope, *, flags: bool = False) -> Evidence:
    """What ``fd`` offers; ``flags``: also the command-line options its changed lines name (only
    wanted when the intent names one)."""
    ev = Evidence()
    for p in {fs.path, fs.old_path} - {None}:
        assert p is not None
        ev.path_terms |= terms_of_path(p)
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
    text = "\n".join(changed)
    changed_tokens = set(tokens(text))
    ev.content_terms = terms_of(changed_tokens)
    ev.context_terms = term_set("\n".join(context))
    ev.identifiers = {t.lower() for t in changed_tokens if is_identifier_like(t)}
    if flags:
        ev.flags = set(FLAG_RE.findall(text))
    ev.hunks = fd.hunks
    return ev


def added_terms(ev: Evidence) -> frozenset[str]:
    """Terms of the lines the change adds that its removed lines do not have: what a file gains."""
    plus: list[str] = []
    minus: list[str] = []
    for h in ev.hunks:
        for line in h.lines:
            if line[:1] == "+" and len(plus) < MAX_CONTENT_LINES:
                plus.append(line[1:])
            elif line[:1] == "-" and len(minus) < MAX_CONTENT_LINES:
                minus.append(line[1:])
    return frozenset(term_set("\n".join(plus)) - term_set("\n".join(minus)))


def superseded_lines(ev: Evidence, targets: frozenset[str]) -> frozenset[int]:
    """Old lines removed in a hunk that adds one of ``targets`` (an identifier the intent names):
    what the newcomer takes the place of."""
    out: set[int] = set()
    for h in ev.hunks:
        removed: list[int] = []
        names_target = False
        for prefix, old, _new, text in h.numbered():
            if prefix == "-" and old is not None:
                removed.append(old)
            elif prefix == "+" and not names_target:
                low = text.lower()
                names_target = any(t in low for t in targets)
        if names_target:
            out.update(removed)
    return frozenset(out)


_WORDS_RE = lazy(r"[A-Za-z][A-Za-z0-9_']*|[0-9]+")


def _word_edits(
    lines: tuple[str, ...],
) -> tuple[list[str], list[str], list[tuple[str, int, int, int, int]]]:
    """A hunk's removed and added words, and the edits (not the equal runs) between them."""
    import difflib

    old = [w for ln in lines if ln[:1] == "-" for w in _WORDS_RE.findall(ln[1:])]
    new = [w for ln in lines if ln[:1] == "+" for w in _WORDS_RE.findall(ln[1:])]
    ops = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    return old, new, [op for op in ops if op[0] != "equal"]


def _similar(a: str, b: str) -> bool:
    """One word written two ways (`behaviour` / `behavior`, `Json` / `JSON`)."""
    import difflib

    return difflib.SequenceMatcher(None, a.lower(), b.lower()).ratio() >= 0.6


def _typo_hunk(lines: tuple[str, ...]) -> bool:
    old, new, edits = _word_edits(lines)
    if not old or not new:
        return False
    inserted = 0
    for op, i1, i2, j1, j2 in edits:
        if op == "replace" and i2 - i1 == j2 - j1:
            for a, b in zip(old[i1:i2], new[j1:j2], strict=False):
                if a.isdigit() or b.isdigit():
                    return False  # "302" -> "303" is a behaviour change, not a typo
                if not _similar(a, b):
                    inserted += 1
            continue
        inserted += max(i2 - i1, j2 - j1)
    return inserted <= 3


def spelling_fix(hunks: tuple[Hunk, ...]) -> bool:
    """Some hunk corrects a word's spelling or case (`behaviour` -> `behavior`, `Json` -> `JSON`)
    or drops a doubled word or a stray article, and no hunk only takes other words out: removing
    mentions of a library from the docs is a few words too, but it is not a typo fix."""
    fixed = False
    for h in hunks:
        old, new, edits = _word_edits(h.lines)
        if edits and all(op[0] == "delete" for op in edits):
            gone = [w for _o, i1, i2, _j1, _j2 in edits for w in old[i1:i2]]
            doubled = all(
                i1 > 0 and old[i1 - 1].lower() == old[i1].lower() for _o, i1, _i2, _j1, _j2 in edits
            )
            # "allows for a creating" -> "allows for creating": a stray article, not a mention
            stray = len(gone) <= 2 and all(len(w) <= 3 and w.isalpha() for w in gone)
            if not (doubled or stray):
                return False
            fixed = True
            continue
        fixed = fixed or any(
            a != b and _similar(a, b)
            for op, i1, i2, j1, j2 in edits
            if op == "replace"
            for a, b in zip(old[i1:i2], new[j1:j2], strict=False)
        )
    return fixed


def terms_of_path(path: str) -> set[str]:
    out: set[str] = set()
    for comp in path.split("/"):
        base = _EXT_RE.sub("", comp).lower()
        out.add(comp.lower())
        if base and base not in _GENERIC_DIRS:
            out.add(base)
        for sw in subwords(comp):
            if not is_stop(sw) and sw not in (
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


def specific_targets(it: IntentTerms) -> frozenset[str]:
    return frozenset(t for t in it.targets if len(t) > 3)


#: two plain words joined by a slash: a path only where the first is a directory of the change
_PROSE_PAIR = lazy(r"[A-Za-z]+/[A-Za-z]+")


#: what a description measures or refers to, not a part of the code it could name: a quantity
#: (`07ms`, `10kb`, `1067ns`), a commit hash, a pull request (`pr6318`)
_NOT_A_PART = lazy(r"\d+(?:\.\d+)?[a-zµ]{1,3}|(?=[a-f]*\d)[0-9a-f]{7,40}|(?:pr|gh)-?\d+")
#: a version (`v6.0.2`, `1.5.7`, `pre-8.5.0`) and the number it carries
_VERSIONISH = lazy(r"(?:[a-z]+-)?v?(\d+(?:\.\d+)+(?:-\w+)?)")


def names_a_part(target: str, title: str) -> bool:
    """Whether a target the intent names is a part the change could touch: not a quantity, a hash
    or a pull request, and a version only in the title (a version in the body's prose, from a
    benchmark or the history, is not what the change is; "upgrade typescript to v6.0.2" is)."""
    t = target.lower()
    if _NOT_A_PART.fullmatch(t):
        return False
    return not _VERSIONISH.fullmatch(t) or t in title.lower()


def missing_targets(intent: Intent, it: IntentTerms, evs: dict[str, Evidence]) -> tuple[str, ...]:
    every: set[str] = set()
    for ev in evs.values():
        every |= (
            ev.path_terms | ev.symbol_terms | ev.content_terms | ev.context_terms | ev.identifiers
        )
    # `github.com/org/hooks`, `aws_db_instance.main`: a dotted name touches each of its words
    every |= {stem(s) for t in every if "." in t or "/" in t for s in subwords(t)}
    dirs = {part.lower() for path in evs for part in path.split("/")[:-1]}
    parts_ = conventional_parts(intent.title)
    scoped = parts_[1] if parts_ is not None else ""
    out: list[str] = []
    for t in sorted(specific_targets(it)):
        if (
            _PROSE_PAIR.fullmatch(t)
            and t.split("/")[0].lower() not in dirs
            and t != scoped
            and f"`{t}`" not in intent.text
        ):
            continue  # "low/negligible", "read/write": two words, not a path of this change
        if not names_a_part(t, intent.title):
            continue
        version = _VERSIONISH.fullmatch(t)
        if version and any(
            version.group(1) in ln
            for ev in evs.values()
            for h in ev.hunks
            for ln in h.lines
            if ln[:1] == "+"
        ):
            continue  # "upgrade typescript to v6.0.2" and `"typescript": "~6.0.2"`
        parts = [stem(s) for s in subwords(t) if not is_stop(s)]
        if t in every or posixpath.basename(t) in every:
            continue
        if parts and all(p in every for p in parts):
            continue
        out.append(t)
    return tuple(out)
