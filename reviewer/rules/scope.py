"""RV1xx / RV5xx: files the intent does not explain, targets it names but the change never touches."""

from __future__ import annotations

import posixpath
import re

from ..models import FileScope, Finding, Severity, severity_rank
from ..terms import stem, words
from .base import Context, finding


def check(ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    if ctx.intent.empty:
        out.append(
            finding(
                "RV501",
                "medium",
                "No intent was stated: every change is unexplained",
                key="intent-missing",
            )
        )
    covered = _tests_of_unexplained(ctx)
    folded = {t for tests in covered.values() for t in tests}
    # documentation riding along with an explained change (the README tables a hook regenerates,
    # an upgrade note) reaches no build and no user of the code: it stays out of scope, noted
    explained_roles = {fs.role for fs in ctx.scope.files if ctx.match.files[fs.path].explained}
    docs_ride_along = bool(explained_roles - {"docs", "changelog"})
    for fs in ctx.scope.files:
        fm = ctx.match.files[fs.path]
        if fm.explained or fs.path in folded:
            continue
        # what git tracks or how an editor formats never reaches a build or a user: noted only
        noted = posixpath.basename(fs.path) in _HOUSEKEEPING or (
            fs.role == "docs" and docs_ride_along
        )
        severity: Severity = "info" if noted else "low"
        unlicensed = [s for s in fs.signals if not ctx.match.licensed.get((fs.path, s), False)]
        for s in unlicensed:
            if severity_rank(s.severity) > severity_rank(severity):
                severity = s.severity
        if severity == "critical":
            severity = "high"
        what = _describe(fs.status, fs.role, fs.old_path)
        tests = covered.get(fs.path, [])
        also = (
            f" (nor its test{'s' if len(tests) > 1 else ''} "
            + ", ".join(f"`{t}`" for t in tests[:3])
            + (" ..." if len(tests) > 3 else "")
            + ")"
            if tests
            else ""
        )
        if fs.role == "docs" and severity == "info":
            also += " (noted: documentation that comes with an explained change)"
        out.append(
            finding(
                "RV101",
                severity,
                f"{what} `{fs.path}` is not explained by the intent{also}",
                path=fs.path,
                line=_first_line(fs),
                side="old" if fs.status == "deleted" else "new",
                key="file",
            )
        )
    if _shares_nothing(ctx):
        out.append(
            finding(
                "RV103",
                "medium",
                "The intent shares nothing with this change: no file, symbol or changed line of "
                "it says what the intent says (is it the description of another change?)",
                key="intent-unrelated",
            )
        )
    unexplained = [
        fs
        for fs in ctx.scope.files
        if not ctx.match.files[fs.path].explained and fs.role not in _TRIVIAL
    ]
    # the intent names things the change never touches while the change touches others: the
    # description is of another change (a swapped or stale PR text), not a note
    swapped = bool(unexplained) and _names_nothing_here(ctx)
    for target in ctx.match.missing_targets[:10]:
        out.append(
            finding(
                "RV102",
                "medium" if swapped else "info",
                f"The intent names `{target}`, which the change never touches"
                + (" — while it changes files the intent does not explain" if swapped else ""),
                key=target,
            )
        )
    return out


def _tests_of_unexplained(ctx: Context) -> dict[str, list[str]]:
    """Tests of a module the change also edits without explaining it, by module: the module's
    finding names them (a test never adds a concern of its own), and they stay out of scope."""
    from ..match import stem_of, tests_one_of

    modules: dict[str, str] = {}
    for fs in ctx.scope.files:
        if fs.role == "code" and not ctx.match.files[fs.path].explained:
            modules.setdefault(stem_of(fs.path), fs.path)
    out: dict[str, list[str]] = {}
    if not modules:
        return out
    for fs in ctx.scope.files:
        if fs.role != "test" or ctx.match.files[fs.path].explained:
            continue
        if any(s.severity not in ("info", "low") for s in fs.signals):
            continue
        stem = stem_of(fs.path)
        for module_stem, module in modules.items():
            if tests_one_of(stem, {module_stem}):
                out.setdefault(module, []).append(fs.path)
                break
    return out


#: repository housekeeping files (not `.dockerignore`: it decides what an image may contain)
_HOUSEKEEPING = frozenset({".gitignore", ".gitattributes", ".editorconfig", ".mailmap"})
_TRIVIAL = frozenset({"docs", "changelog", "lockfile", "asset", "generated"})


def _leading(files: tuple[FileScope, ...]) -> tuple[FileScope, ...]:
    """The files a change is about: its tests follow the rest (a test-only change is its tests)."""
    rest = tuple(fs for fs in files if fs.role != "test")
    return rest or files


#: words that say what kind of work a change is, not where: "Tweaks", "chore: address various
#: mypy issues". A checker or formatter named alone points at whatever it reported, anywhere
_VAGUE = frozenset(
    stem(w)
    for w in words(
        "tweak tweaks tweaked misc miscellaneous various assorted cleanup tidy polish nits nit wip "
        "stuff improvements issues address addressed mypy pyright ruff flake8 pylint black isort "
        "eslint prettier biome tsc clippy rustfmt gofmt golangci codespell typos shellcheck "
        "hadolint tflint yamllint markdownlint lint linter linting autofix autofixes "
        "golangci-lint positive positives oops fixup fork clean clean-ups cleanups ups naming "
        "suggestions nonsense better quiet style styling"
    )
)


def _vague(term: str) -> bool:
    """A work word, or a name made of them (`golangci-lint`)."""
    if term in _VAGUE:
        return True
    parts = [stem(p) for p in re.split(r"[-_.]", term) if p]
    return len(parts) > 1 and all(p in _VAGUE for p in parts)


def _shares_nothing(ctx: Context) -> bool:
    """A specific intent of which no word reaches any file of the change, by path, symbol,
    changed line or the code around it, and no file of a role it names: a description of another
    change. A vague intent ("Update") or one that only says what goes ("remove the ex-devs" over
    a change that only removes lines) is not."""
    if ctx.intent.empty or not ctx.scope.files:
        return False
    it = ctx.match.intent_terms
    if not any(it.weights[t] >= 1.0 and not _vague(t) for t in it.firm) and not it.flags:
        return False
    for fs in ctx.scope.files:
        fm = ctx.match.files[fs.path]
        if fm.explained or fm.score > 0 or fs.role in it.roles:
            return False
    if all(fs.status == "added" for fs in ctx.scope.files):
        return False  # a new project or module ("Initial import") has nothing to be swapped with
    if all(
        fs.role in _TRIVIAL or posixpath.basename(fs.path) in _HOUSEKEEPING or fs.cosmetic
        for fs in _leading(ctx.scope.files)
    ):
        # docs, locks, `.gitignore`, comment or whitespace edits ... alone say too little to
        # call a swap
        return False
    return not _removal_only(ctx)


def _removal_only(ctx: Context) -> bool:
    """The title says something goes and the change only takes lines away."""
    from ..statements.verbs import ACTIONS
    from ..terms import stem, tokens

    said = {stem(t.lower()) for t in tokens(ctx.intent.title)}
    return bool(said & ACTIONS["delete"]) and all(
        fs.additions == 0 for fs in _leading(ctx.scope.files)
    )


def _names_nothing_here(ctx: Context) -> bool:
    """Every specific thing the intent names is missing from the change."""
    from ..match.evidence import names_a_part
    from ..statements import stating_text

    missing = set(ctx.match.missing_targets)
    # what the intent says the change does, not a tool named in passing ("found with IntelliJ")
    said = stating_text(ctx.intent).lower()
    named = {
        t
        for t in ctx.intent.targets
        if t.lower() in said
        # paths, dotted, snake_case and CamelCase names (a brand such as "GitHub" reads as one too)
        if len(t) > 3
        and ("/" in t or "." in t or "_" in t or any(c.isupper() for c in t[1:]))
        and names_a_part(t, ctx.intent.title)
    }
    return bool(missing) and bool(named) and {t.lower() for t in named} <= missing


def _describe(status: str, role: str, old_path: str | None) -> str:
    noun = {
        "test": "Test",
        "docs": "Doc",
        "changelog": "Changelog",
        "ci": "CI file",
        "infra": "Infrastructure file",
        "dependency": "Dependency manifest",
        "lockfile": "Lockfile",
        "config": "Config file",
        "agent": "Agent instruction file",
        "governance": "Governance file",
        "example": "Example",
        "generated": "Generated file",
        "asset": "Asset",
    }.get(role, "File")
    if status == "deleted":
        return f"Deleted {noun.lower()}" if noun != "File" else "Deleted file"
    if status == "added":
        return f"New {noun.lower()}" if noun != "File" else "New file"
    if status == "renamed" and old_path:
        return f"Renamed {noun.lower()}" if noun != "File" else "Renamed file"
    return noun


def _first_line(fs: object) -> int | None:
    symbols = getattr(fs, "symbols", ())
    for s in symbols:
        if s.line:
            return int(s.line)
    return None
