"""Files explained by the company they keep: the neighbours of an explained file, and the tests, docs,
changelogs, lockfiles and retired local actions that follow an explained change."""

from __future__ import annotations

import posixpath

from ..models import FileScope, Scope
from ..paths import component
from ..rx import lazy
from ..terms import words
from .bumps import VERSION_REASONS
from .evidence import Evidence
from .explain import FileMatch
from .intent_words import IntentTerms

#: the reason a deleted local action is explained: the workflow change that dropped its last use
RETIRED_REASON = "its last use leaves"
LOCKFILE_REASON = "lockfile of an explained manifest change"


def explain_neighbours(
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


def explain_repeated_edits(
    scope: Scope, evs: dict[str, Evidence], results: dict[str, FileMatch], anchored: set[str]
) -> None:
    """One edit repeated across files (the same lines removed and added) is explained as a whole
    when the intent explains it once; a workflow or an agent's instructions answer for
    themselves, as with neighbours, and so does a component beside the ones the intent names
    ("Require Terraform 1.0 for Consul" is not the same line in `modules/kafka`)."""
    explained = [f for f in scope.files if results[f.path].explained]
    if not explained:
        return
    edits = _Edits(explained, evs)
    for fs in scope.files:
        fm = results[fs.path]
        if fm.explained or fs.role in ("ci", "governance", "agent"):
            continue
        comp = component(fs.path)
        if anchored and comp and comp not in anchored:
            continue
        same = edits.same_edit(evs[fs.path])
        if same:
            reason = f"the same edit as explained `{same}`"
            results[fs.path] = FileMatch(True, (*fm.explained_by, reason), fm.score)


def explain_followers(
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
        if f.role != "test":
            # `caddytest.go` is a module, not the test of `caddy`: its own name is a stem too
            stems.add(posixpath.splitext(posixpath.basename(f.path))[0].lower())
        dirs.add(posixpath.dirname(f.path))
        if f.role not in ("changelog", "docs"):
            topics |= {stem_of(f.path)} - GENERIC_FILE_STEMS
            topics |= {t for names in ev.symbol_names for t in names}
    explained_roles = {f.role for f in explained}
    # versions the intent moves, explained somewhere (a `versions.json`, a manifest): the lockfile
    # pins what they resolve to
    bumped = any(
        r.startswith(VERSION_REASONS) for f in explained for r in results[f.path].explained_by
    )
    twins = {_twin_key(f.path) for f in explained} - {None}
    explained_paths = {f.path for f in explained}
    # the hooks that generate files (terraform-docs, the wrapper module) moved to new versions
    hooks_bumped = any(
        posixpath.basename(f.path) == ".pre-commit-config.yaml"
        and any(r.startswith(VERSION_REASONS) for r in results[f.path].explained_by)
        for f in explained
    )
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
            reason = f"{RETIRED_REASON} {caller}"
        elif fs.role == "lockfile" and (explained_roles & {"dependency"} or bumped):
            reason = LOCKFILE_REASON
        elif fs.role == "generated" and (wrapped := _wrapped(fs.path)) in explained_paths:
            reason = f"the wrapper of explained `{wrapped}`"
        elif fs.role == "generated" and hooks_bumped:
            # `wrappers/` rewritten by the pre-commit hooks whose versions the change moves
            reason = HOOKS_REASON
        elif (
            fs.role == "generated"
            and explained_roles & {"code", "dependency", "lockfile"}
            and _BUILD_OUTPUT.search(fs.path)
        ):
            # `dist/index.js` rebuilt from the explained source or dependencies: its build output
            reason = "build output of an explained change"
        elif (
            fs.role == "docs"
            and posixpath.dirname(fs.path) in dirs - {""}
            and fs.path.lower().endswith(("readme.md", "readme.rst"))
        ):
            reason = "README next to an explained change"
        elif _twin_key(fs.path) in twins:
            reason = "the same file in another format as an explained change"
        if reason:
            results[fs.path] = FileMatch(True, (*fm.explained_by, reason), fm.score)


def _edit_lines(ev: Evidence) -> tuple[frozenset[str], frozenset[str]]:
    """A file's removed and added lines, as text: indentation and comment or list markers aside
    (a sentence fixed in the README and in a doc comment is one edit)."""
    sides: dict[str, set[str]] = {"-": set(), "+": set()}
    for h in ev.hunks:
        for line in h.lines:
            if line[:1] in sides:
                text = line[1:].strip().lstrip("*#/-;> ").strip()
                if text:
                    sides[line[:1]].add(text)
    return frozenset(sides["-"]), frozenset(sides["+"])


class _Edits:
    """The explained files' edit lines, indexed by line: built on first use, once per review."""

    def __init__(self, explained: list[FileScope], evs: dict[str, Evidence]) -> None:
        self._explained = explained
        self._evs = evs
        self._index: dict[tuple[str, str], set[str]] | None = None

    def same_edit(self, ev: Evidence) -> str | None:
        """The explained file that holds every removed and added line of this one."""
        old, new = _edit_lines(ev)
        # a change must say something: a line with a few words, not a brace or a bare version
        if not any(len(t) >= 12 and " " in t for t in old | new):
            return None
        if self._index is None:
            self._index = {}
            for f in self._explained:
                for sign, texts in zip("-+", _edit_lines(self._evs[f.path]), strict=True):
                    for t in texts:
                        self._index.setdefault((sign, t), set()).add(f.path)
        keys = [("-", t) for t in old] + [("+", t) for t in new]
        found = set.intersection(*(self._index.get(k, set()) for k in keys))
        return min(found) if found else None


def _wrapped(path: str) -> str | None:
    """The module file a generated wrapper file mirrors: `wrappers/outputs.tf` -> `outputs.tf`,
    `wrappers/object/main.tf` -> `modules/object/main.tf`."""
    parts = path.split("/")
    if parts[0] != "wrappers" or len(parts) not in (2, 3):
        return None
    return parts[1] if len(parts) == 2 else f"modules/{parts[1]}/{parts[2]}"


#: why a generated file follows: the pre-commit hooks that write it moved to new versions
HOOKS_REASON = "output of the pre-commit hooks the change bumps"
#: where a build writes its output (not vendored code, not a schema dump)
_BUILD_OUTPUT = lazy(r"(^|/)(dist|build|out)/")

#: formats one document is kept in side by side (a template as `x.yaml` and `x.json`)
_TWIN_FORMATS = frozenset({".yaml", ".yml", ".json", ".template"})


def _twin_key(path: str) -> str | None:
    """``stacks/app.yaml`` and ``stacks/app.json`` share a key: one document in two formats."""
    root, ext = posixpath.splitext(path)
    return root.lower() if ext.lower() in _TWIN_FORMATS else None


def _retired_action_caller(
    fs: FileScope, explained: list[FileScope], evs: dict[str, Evidence]
) -> str | None:
    """A deleted local action whose `uses:` an explained workflow change removes."""
    # imported here: only an unexplained deleted file needs it, and most reviews have none
    from ..scope.local_actions import ACTION_FILE, uses

    m_ = ACTION_FILE.match(fs.path)
    if m_ is None or any(s.severity not in ("info", "low") for s in fs.signals):
        return None
    for f in explained:
        for h in evs[f.path].hunks:
            if any(line[:1] == "-" and uses(line, m_.group(1)) for line in h.lines):
                return f"`{f.path}`"
    return None


def tests_one_of(test_stem: str, stems: set[str]) -> bool:
    """``test_cli`` and ``test_cli_errors`` test ``cli.py``; ``test_client`` does not."""
    return test_stem in stems or any(
        len(s) >= 2 and test_stem.startswith(s) and test_stem[len(s)] in "_-." for s in stems
    )


def stem_of(path: str) -> str:
    base = posixpath.splitext(posixpath.basename(path))[0].lower()
    for pre in ("test_", "tests_"):
        base = base.removeprefix(pre)
    for suf in ("_test", "_tests", ".test", ".spec", "_spec", "test", "tests"):
        base = base.removesuffix(suf)
    return base


#: file names that say nothing about which file or topic is meant (`main.tf`, `utils.py`)
GENERIC_FILE_STEMS = words(
    "main variables outputs output versions providers provider locals data values index app init "
    "readme changes changelog settings config utils helpers types models views urls server client"
)
