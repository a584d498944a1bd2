"""Which risky signals the intent licenses: the kinds that need a statement are read clause by clause
(``statements``); the others need the intent to point at the signal's object in an explained file
and to use a word of its kind."""

from __future__ import annotations

import posixpath
import re

from .. import models as m
from ..models import FileScope, Intent, Scope, Signal
from ..paths import EXT_RE as _EXT_RE
from ..paths import GENERIC_DIRS as _GENERIC_DIRS
from ..rx import lazy
from ..statements import Reading, needs_statement, read
from ..terms import GENERIC_STEMS, stem, stems, term_set
from .bumps import VERSION_REASONS
from .companions import GENERIC_FILE_STEMS, HOOKS_REASON, LOCKFILE_REASON, RETIRED_REASON
from .conventional import CONVENTIONAL_REASON
from .evidence import Evidence, added_terms, superseded_lines
from .explain import EXPLAIN_THRESHOLD, FileMatch
from .intent_words import IntentTerms

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
#: a signal where it stands: the file and the signal (equal signals of two files are two changes)
SignalKey = tuple[str, Signal]
#: intents that undo earlier work license whatever they touch in the area they name
#: intents that put one thing in the place of others
_MIGRATE = stems("migrate replace instead switch consolidate supersede")


def license_signals(
    scope: Scope,
    evs: dict[str, Evidence],
    results: dict[str, FileMatch],
    it: IntentTerms,
    intent: Intent,
    readings: dict[SignalKey, Reading],
) -> dict[SignalKey, bool]:
    """Whether the intent licenses each signal, by (path, signal): the same signal in two files
    (one version line in every module) is two changes, licensed each on its own."""
    out: dict[SignalKey, bool] = {}
    # an intent that undoes earlier work says so in its title ("Revert ..."), not in passing
    undo = undoes(intent)
    migrating = bool(it.words & _MIGRATE)
    for fs in scope.files:
        fm = results[fs.path]
        ev = evs[fs.path]
        named_file = _names_file(fs.path, it)
        for sig in fs.signals:
            if needs_statement(sig) and "ignored by policy" not in fm.explained_by:
                gained = added_terms(ev) if sig.code == "agent.instructions" else frozenset()
                reading = read(sig, fs.path, intent, added=gained)
                readings[fs.path, sig] = reading
                out[fs.path, sig] = reading.stated is not None or (
                    undo and fm.score >= EXPLAIN_THRESHOLD
                )
                continue
            out[fs.path, sig] = _signal_licensed(sig, fs, fm, ev, it, undo, named_file)
        # what an object held goes with it: the lines of a resource whose deletion is stated
        # (its `terraform.workspace` logic, its policy statements) are that deletion
        gone = {
            s.symbol: s
            for s in fs.signals
            if s.kind == m.RESOURCE_DELETION
            and s.symbol
            and out[fs.path, s]
            and (fs.path, s) in readings
        }
        for sig in fs.signals:
            owner = gone.get(sig.symbol) if sig.side == "old" and sig.symbol else None
            if owner is not None and not out[fs.path, sig] and sig.kind != m.RESOURCE_DELETION:
                out[fs.path, sig] = True
                readings[fs.path, sig] = Reading(stated=readings[fs.path, owner].stated)
        # "migrate to `DATABASE_URL` instead of separate variables": what the named newcomer
        # replaces where it stands (the settings and accessor removed in its place) goes with it
        if migrating and it.targets:
            runs = superseded_lines(ev, it.targets)
            for sig in fs.signals:
                if (
                    not out[fs.path, sig]
                    and sig.side == "old"
                    and sig.line in runs
                    and sig.kind in (m.GLOBAL_CONFIG, m.PUBLIC_API)
                    and sig.severity in ("low", "medium")
                ):
                    out[fs.path, sig] = True
        # `go 1.24` and `toolchain go1.24.0`, `engines.node` and `engines.npm`: a file's runtime
        # requirements move as one, so the intent that covers one covers its companions
        if any(out[fs.path, s] for s in fs.signals if s.code == "dep.runtime"):
            for sig in fs.signals:
                if sig.code == "dep.runtime" and sig.severity in ("low", "medium"):
                    out[fs.path, sig] = True
        # once the intent covers a change to a symbol, its medium side effects come with it
        covered = {s.symbol for s in fs.signals if s.symbol and out[fs.path, s]}
        for sig in fs.signals:
            if (
                not out[fs.path, sig]
                and (fs.path, sig) not in readings
                and sig.symbol in covered
                and sig.severity in ("low", "medium")
                and not sig.code.startswith("policy.")
            ):
                out[fs.path, sig] = True
    _lockfile_majors_follow(scope, results, out)
    return out


_TICKED_NAME = lazy(r"`([^`]+)` \S+ -> ")


def _lockfile_majors_follow(
    scope: Scope, results: dict[str, FileMatch], out: dict[SignalKey, bool]
) -> None:
    """A lockfile's major moves that the manifests' licensed bumps made (`jsonpointer` v0 -> v1 in
    go.sum after go.mod's stated bump of it) are those bumps, resolved."""
    bumped = {
        sig.symbol
        for (path, sig), ok in out.items()
        if ok and sig.kind == m.DEPENDENCY and sig.symbol
    }
    if not bumped:
        return
    for fs in scope.files:
        if fs.role != "lockfile" or LOCKFILE_REASON not in results[fs.path].explained_by:
            continue
        for sig in fs.signals:
            names = _TICKED_NAME.findall(sig.detail) if sig.code == "dep.major_bump" else []
            if names and not out[fs.path, sig] and all(n in bumped for n in names):
                out[fs.path, sig] = True


#: a title that takes earlier work back says so first: "Revert ...", "Roll back #12", "undo: x"
_UNDO_TITLE = lazy(
    r"^\s*(?:\w+(?:\([^)]*\))?!?:\s*)?(?:revert|roll\s*back|rollback|undo|back\s*out|restore)\b",
    re.I,
)


def undoes(intent: Intent) -> bool:
    """The intent undoes earlier work: its title says so first, not a word in passing
    ("set_rollback should only roll back initialized connections" undoes nothing)."""
    return bool(_UNDO_TITLE.match(intent.title))


def _names_file(path: str, it: IntentTerms) -> bool:
    """The intent names this very file, by a name specific enough to mean it (not ``main.tf``)."""
    base = posixpath.basename(path).lower()
    stem_ = _EXT_RE.sub("", base)
    if "." in base and base in it.weights:
        return True  # named with its extension: "values.yaml"
    return (
        stem_ not in _GENERIC_DIRS
        and stem_ not in GENERIC_FILE_STEMS
        and len(stem_) >= 5
        and stem_ in it.weights
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
        r.startswith(RETIRED_REASON) for r in fm.explained_by
    ):
        return True  # a local action the explained workflow change stopped using
    if (
        sig.kind in (m.CI_CD, m.DEPENDENCY, m.GLOBAL_CONFIG)
        and sig.severity in ("info", "low", "medium")
        and any(r.startswith(VERSION_REASONS) for r in fm.explained_by)
        # a pin a bump drops or adds is not one of the versions it moves
        and not sig.code.endswith(("_removed", ".removed", "_added", ".added"))
    ):
        # "Drop Python 3.8" and `3.8` leaves the CI matrix; "bump the actions group" and only refs
        # change: the change is the one the intent names
        return True
    if (
        sig.kind == m.DEPENDENCY
        and fs.role == "lockfile"
        and sig.severity in ("info", "low")
        and LOCKFILE_REASON in fm.explained_by
    ):
        return True  # the lockfile moving with its explained manifest: what the bump resolves to
    if (
        sig.kind in (m.CI_CD, m.DEPENDENCY)
        and sig.severity in ("info", "low", "medium")
        and any(r.startswith(CONVENTIONAL_REASON) for r in fm.explained_by)
    ):
        # `ci:` and a workflow edit, `build(deps):` and a version moved: the type says what it is
        return True
    if HOOKS_REASON in fm.explained_by and sig.severity in ("info", "low", "medium"):
        return True  # what the bumped generator writes: the version constraints it copies
    if "intent removes tests" in fm.explained_by:
        return True  # a test module's manifest and lockfile go with its tests
    if fs.role in ("test", "example") and sig.severity in ("info", "low"):
        # what a test fixture or an example deploys is a sample (the scope rated it low): the
        # intent that explains the file explains it
        return True
    if undo and fm.score >= EXPLAIN_THRESHOLD:
        # "roll back #1566" licenses what it takes back in the files it explains, named or not
        return True
    # does the intent point at the thing the signal is about?
    if sig.symbol and not (sig.kind == m.CI_CD and sig.symbol.startswith("jobs.")):
        # a symbol named by common words only (`Serve`, `Config`) is still named by them
        named = term_set(sig.symbol, expand=False)
        sym_terms = named - GENERIC_STEMS or named
        pointed = bool(sym_terms & it.firm) or sig.symbol.lower() in it.targets
    else:
        # a workflow's job is where a CI signal sits, not what the intent must name: "update the
        # CI workflows" points at every step of them
        pointed = fm.score >= EXPLAIN_THRESHOLD or any(
            r.startswith("intent mentions") for r in fm.explained_by
        )
    if not pointed and sig.code == "dep.runtime":
        # "update the engine": the required runtime is named by what it is
        pointed = bool(it.words & _RUNTIME_WORDS)
    if not pointed:
        # "remove unused variables": the intent names the kind of thing, not each instance;
        # "values.yaml", "memorystore.tf": the intent names the very file
        pointed = bool(_symbol_kind_words(sig) & it.words) or named_file
    if not pointed and sig.code == "tf.count_condition":
        # "make glacier transition rules optional": a gate is named by what it reads (imported
        # here: only a Terraform count gate needs the Terraform reader)
        from ..scope.terraform.count import gate_condition
        from ..scope.terraform.definitions import REF_NAME_RE

        gate = gate_condition(sig) or ""
        pointed = any(_strongly_named(ref.group(0), it) for ref in REF_NAME_RE.finditer(gate))
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
    if (
        sig.kind == m.CI_CD
        # an action's own definition (`action.yml`) is CI work too: its inputs are its interface
        and (fs.role in ("ci", "governance") or _ACTION_FILE.search(fs.path))
        and fm.score >= EXPLAIN_THRESHOLD
    ):
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


_RUNTIME_WORDS = stems("engine engines runtime toolchain")
_ACTION_FILE = lazy(r"(^|/)action\.ya?ml$")

_NAMING_IS_ENOUGH = frozenset(
    {m.PUBLIC_API, m.GLOBAL_CONFIG, m.CI_CD, m.DEPENDENCY, m.AGENT_INSTRUCTIONS}
)


def _strongly_named(symbol: str, it: IntentTerms) -> bool:
    low = symbol.lower()
    if low in it.weights or low.rsplit(".", 1)[-1] in it.weights:
        return True
    if low.isalpha() and stem(low) in it.firm:
        return True  # a one-word name the intent states: "Serve::with_executor" names `Serve`
    terms = term_set(symbol) - GENERIC_STEMS
    return sum(it.weights.get(t, 0.0) for t in terms) >= 1.3


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
