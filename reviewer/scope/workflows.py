"""GitHub Actions workflows and actions: triggers, permissions, jobs, and what weakens their security."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..models import CI_CD, PERMISSION_WIDENING, Severity, Signal, Symbol
from ..rx import lazy
from .engine import Definition, FileContext, Partial
from .lex.yaml_outline import GAP, Node, Outline, flow_items, unquote
from .yaml_view import (
    Change,
    SideView,
    changes,
    cosmetic,
    count_by,
    dedupe,
    file_symbol,
    fresh,
    is_comment,
    symbol_changes,
)

_FIRST_PARTY = frozenset({"actions", "github"})
_SHA_RE = lazy(r"^[0-9a-f]{40}$", re.I)
_UNTRUSTED_RE = lazy(
    r"\$\{\{[^}]*?\b(github\.event\.(pull_request\.(title|body|head\.(ref|label)|head\.repo\.[a-z_]+)"
    r"|issue\.(title|body)|comment\.body|review\.body|review_comment\.body|discussion\.(title|body)"
    r"|pages\.[^}]*?page_name|commits\.[^}]*?\.(message|author\.(email|name))"
    r"|head_commit\.(message|author\.(email|name))|workflow_run\.(head_branch|head_commit\.message"
    r"|display_title)|release\.(name|body))|github\.head_ref)\b",
    re.I,
)
_HEAD_CHECKOUT_RE = lazy(
    r"github\.event\.pull_request\.head\.(sha|ref)|github\.head_ref|refs/pull/|"
    r"github\.event\.workflow_run\.head_(sha|branch)",
    re.I,
)
_SET_ENV_RE = lazy(r"::(set-env|add-path)\b")
_HIGH_SCOPES = frozenset(
    {"contents", "id-token", "actions", "packages", "deployments", "attestations"}
)
_SCOPES = _HIGH_SCOPES | frozenset(
    {
        "checks",
        "discussions",
        "issues",
        "pages",
        "pull-requests",
        "repository-projects",
        "security-events",
        "statuses",
        "models",
    }
)
_TRUE = frozenset({"true", "yes", "on"})
#: key -> (values that trigger, change kind, code, detail, severity)
_KEY_CHECKS: dict[str, tuple[frozenset[str], str, str, str, Severity]] = {
    "ACTIONS_ALLOW_UNSECURE_COMMANDS": (
        _TRUE,
        PERMISSION_WIDENING,
        "gha.unsecure_commands",
        "sets `ACTIONS_ALLOW_UNSECURE_COMMANDS`: steps' output can set environment variables and PATH",
        "high",
    ),
    "secrets": (
        frozenset({"inherit"}),
        CI_CD,
        "gha.secrets_inherit",
        "passes every secret to a called workflow (`secrets: inherit`)",
        "medium",
    ),
    "persist-credentials": (
        _TRUE,
        CI_CD,
        "gha.persist_credentials",
        "keeps the token in the checkout (`persist-credentials: true`)",
        "medium",
    ),
    "continue-on-error": (
        _TRUE,
        CI_CD,
        "gha.continue_on_error",
        "lets failures pass (`continue-on-error: true`)",
        "medium",
    ),
}
_SCRIPT_KEYS = frozenset({"run", "script"})
_RELEASE_NAME_RE = lazy(r"deploy|release|publish|promot|rollout|\bship\b", re.I)

#: steps whose net removal weakens the pipeline (high): code -> (``uses:`` pattern, ``run:`` pattern, what)
_STEP_CLASSES: dict[str, tuple[re.Pattern[str], re.Pattern[str] | None, str]] = {
    "gha.provenance_removed": (
        re.compile(r"slsa|attest|sigstore|cosign|in-toto|witness|provenance", re.I),
        re.compile(r"\bcosign\s+(sign|attest)|\bgh\s+attestation|\bslsa-|\bsigstore\b", re.I),
        "provenance, signing or attestation",
    ),
    "gha.security_step_removed": (
        re.compile(
            r"codeql|zizmor|dependency-review|trivy|snyk|gitleaks|trufflehog|semgrep|scorecard"
            r"|anchore|grype|bandit|osv-scanner|checkov|tfsec|kics|harden-runner|govulncheck",
            re.I,
        ),
        None,
        "security scanning",
    ),
    "gha.check_removed": (
        re.compile(r"golangci-lint|pre-commit|super-linter|ruff|eslint|typos|mypy|pylint", re.I),
        re.compile(
            r"\b(pytest|tox|nox|mypy|ruff|flake8|pylint|pyright|eslint|tsc|golangci-lint|rspec|phpunit"
            r"|(npm|yarn|pnpm|bun)\s+(run\s+)?(test|lint|typecheck|type-check|check)"
            r"|go\s+(test|vet)|cargo\s+(test|clippy)|make\s+(test|lint|check)|pre-commit\s+run"
            r"|(gradle\w*|\./gradlew)\s+(test|check)|mvn\s+(test|verify)|dotnet\s+test)\b",
            re.I,
        ),
        "a test, lint or type-check step that gates merges",
    ),
    "gha.release_step_removed": (
        re.compile(
            r"publish|deploy|release|build-push|push-action|gh-pages|upload-artifact-to", re.I
        ),
        re.compile(
            r"\b(twine\s+upload|(npm|yarn|pnpm|cargo|poetry|uv|flit|hatch|gem|dotnet\s+nuget)\s+(publish|push)"
            r"|gh\s+release\s+(create|upload)|docker\s+push|helm\s+(push|upgrade|install)|mvn\s+deploy"
            r"|gradle\w*\s+publish|kubectl\s+apply|terraform\s+apply|skaffold\s+(run|deploy)"
            r"|gcloud\s+(\S+\s+)*deploy|(sam|serverless|sls|firebase|cdk)\s+deploy|aws\s+s3\s+sync)\b",
            re.I,
        ),
        "a release, publish or deploy step",
    ),
}


# --- symbols ----------------------------------------------------------------------------------------


def _definitions(view: SideView, action: bool) -> list[Definition]:
    out: list[Definition] = []
    for _ol, _i, n in view.nodes():
        if n.key == "-" or not n.exact:
            continue
        end = max(n.end, n.line)
        if n.path == ():
            kind = {"on": "trigger", "permissions": "permissions"}.get(n.key, "key")
            out.append(
                Definition(
                    kind,
                    "on" if kind == "trigger" else n.key,
                    n.start,
                    end,
                    n.line,
                    virtual=n.virtual,
                )
            )
        elif n.path == ("jobs",) and not action:
            out.append(Definition("job", f"jobs.{n.key}", n.start, end, n.line, virtual=n.virtual))
        elif action and n.path in (("inputs",), ("outputs",)):
            out.append(
                Definition(
                    n.path[0][:-1], f"{n.path[0]}.{n.key}", n.start, end, n.line, virtual=n.virtual
                )
            )
    return out


# --- line helpers -------------------------------------------------------------------------------------


def script_lines(
    chs: Iterable[Change], keys: frozenset[str] = _SCRIPT_KEYS
) -> list[tuple[int, str]]:
    """Changed shell lines: values, list items and block content of ``keys``, or text of unknown owner."""
    out: list[tuple[int, str]] = []
    for ch in chs:
        if is_comment(ch.text):
            continue
        node = ch.node
        if not ch.is_text:
            if (
                node is not None
                and node.value
                and not node.block
                and (node.key in keys or _in_list(node, keys))
            ):
                out.append((ch.line, unquote(node.value)))
            continue
        if node is None or node.key in keys or _in_list(node, keys):
            out.append((ch.line, ch.text.strip()))
    return out


def _in_list(node: Node, keys: frozenset[str]) -> bool:
    return node.key == "-" and bool(node.path) and node.path[-1] in keys


_INSTALL_RE = lazy(r"\b(install|add|setup)\b", re.I)
_CHECK_NAME_RE = lazy(
    r"\b(lint|linting|linters?|tests?|testing|type[- ]?check(s|ing)?|typing|static analysis|mypy"
    r"|ruff|eslint|vet|pre-commit|unit|integration|e2e)\b",
    re.I,
)


#: a step named for a security scan, whatever runs it
_SCAN_NAME_RE = lazy(
    r"\b(vulnerabilit(y|ies)|cve|sast|security|secrets?)\b.*\bscan(s|ning|ner)?\b"
    r"|\bscan(s|ning)?\b.*\b(vulnerabilit(y|ies)|cves?)\b",
    re.I,
)
#: step classes where another step of the class takes the removed one's place
_NET_BY_CLASS = frozenset({"gha.check_removed", "gha.security_step_removed"})


def _step_name(ch: Change) -> str | None:
    """The ``name:`` of a step (``jobs.x.steps[].name``), or of a job (``jobs.x.name``)."""
    node = ch.node
    if ch.is_text or node is None or node.key != "name" or not node.value:
        return None
    full = node.fullpath
    if len(full) >= 2 and full[0] == "jobs":
        return node.scalar
    return None


def _uses(ch: Change) -> str | None:
    node = ch.node
    if ch.is_text or node is None or node.key != "uses" or not node.value:
        return None
    return node.scalar


def _job_of(node: Node | None) -> str | None:
    if node is None:
        return None
    full = node.fullpath
    if len(full) >= 2 and full[0] == "jobs" and full[1] not in ("-", GAP):
        return f"jobs.{full[1]}"
    return None


def _sig(kind: str, code: str, detail: str, ch: Change, sev: Severity) -> Signal:
    return Signal(
        kind=kind,
        code=code,
        detail=detail,
        line=ch.line,
        side=ch.side,
        symbol=_job_of(ch.node),
        severity=sev,
    )


# --- checks ---------------------------------------------------------------------------------------------


def _trigger_mentions(chs: Iterable[Change], name: str) -> list[Change]:
    out: list[Change] = []
    for ch in chs:
        node = ch.node
        if ch.is_text or node is None:
            continue
        if node.key == name or (
            node.key in ("on", "-")
            and name in flow_items(node.value)
            and (node.path in ((), ("on",)) or GAP in node.path)
        ):
            out.append(ch)
    return out


def _pull_request_target(removed: list[Change], added: list[Change], new: SideView) -> list[Signal]:
    got = _trigger_mentions(added, "pull_request_target")
    if len(got) <= len(_trigger_mentions(removed, "pull_request_target")):
        return []
    head = any(_HEAD_CHECKOUT_RE.search(t) for t in new.visible_text())
    detail = (
        "adds the `pull_request_target` trigger: fork pull requests run with the base repository's "
        "secrets and write token"
    )
    if head:
        detail += ", and the workflow checks out the pull request's head"
    return [_sig(PERMISSION_WIDENING, "gha.pull_request_target", detail, got[0], "high")]


def _untrusted_checkout(added: list[Change], new: SideView) -> list[Signal]:
    privileged = any(
        re.search(r"\b(pull_request_target|workflow_run)\b", t) for t in new.visible_text()
    )
    if not privileged:
        return []
    for ch in added:
        if (
            not ch.is_text
            and ch.node is not None
            and ch.key == "ref"
            and _HEAD_CHECKOUT_RE.search(ch.value)
        ):
            return [
                _sig(
                    PERMISSION_WIDENING,
                    "gha.untrusted_checkout",
                    "checks out the pull request's head in a privileged workflow (untrusted code "
                    "runs with secrets)",
                    ch,
                    "high",
                )
            ]
    return []


def _grants(chs: list[Change]) -> list[tuple[str, Change]]:
    """(scope, line) of each write grant: ``permissions: write-all`` or ``<scope>: write``."""
    found: list[tuple[str, Change]] = []
    for ch in chs:
        node = ch.node
        if ch.is_text or node is None:
            continue
        value = node.scalar.lower()
        if node.key == "permissions" and value == "write-all":
            found.append(("write-all", ch))
        elif (
            node.key in _SCOPES
            and value == "write"
            and (node.path[-1:] == ("permissions",) or GAP in node.path)
        ):
            found.append((node.key, ch))
    return found


def _blocks(chs: list[Change]) -> list[tuple[str, Change]]:
    """(where, line) of each workflow- or job-level ``permissions`` key."""
    found: list[tuple[str, Change]] = []
    for ch in chs:
        node = ch.node
        if ch.is_text or node is None or node.key != "permissions":
            continue
        if node.exact and (node.path == () or (len(node.path) == 2 and node.path[0] == "jobs")):
            found.append((".".join(node.fullpath), ch))
        elif node.path == ("jobs", GAP) and ch.outline and node.col == 2 * ch.outline.unit:
            # under the ``jobs:`` heading, two levels in: a job whose header the hunk does not show
            found.append(("jobs.*.permissions", ch))
    return found


def _permissions(removed: list[Change], added: list[Change], dead_jobs: set[str]) -> list[Signal]:
    """Write grants the change adds, and permission blocks it drops (moved ones do not count)."""
    out: list[Signal] = []
    before = count_by(scope for scope, _ in _grants(removed))
    for scope, ch in _grants(added):
        if before.get(scope, 0) > 0:
            before[scope] -= 1
            continue
        everything = scope == "write-all"
        out.append(
            _sig(
                PERMISSION_WIDENING,
                "gha.permissions_write_all" if everything else "gha.permissions_widened",
                "grants the workflow token "
                + ("`permissions: write-all`" if everything else f"`{scope}: write`"),
                ch,
                "high" if everything or scope in _HIGH_SCOPES else "medium",
            )
        )
    kept = count_by(where for where, _ in _blocks(added))
    for where, ch in _blocks(removed):
        if kept.get(where, 0) > 0:
            kept[where] -= 1
            continue
        job = _job_of(ch.node)
        if job is not None and job in dead_jobs:
            continue
        top = where == "permissions"
        whose = "the workflow's" if top else (f"job `{job}`'s" if job else "a job's")
        out.append(
            _sig(
                PERMISSION_WIDENING,
                "gha.permissions_removed",
                f"removes {whose} `permissions` block: the token falls back to a wider default",
                ch,
                "high" if top else "medium",
            )
        )
    return out


def _key_value_checks(removed: list[Change], added: list[Change]) -> list[Signal]:
    out: list[Signal] = []
    for ch in added:
        node = ch.node
        if ch.is_text or node is None:
            continue
        rule = _KEY_CHECKS.get(node.key)
        if rule is not None and node.scalar.lower() in rule[0]:
            out.append(_sig(rule[1], rule[2], rule[3], ch, rule[4]))
        elif node.key == "uses":
            sig = _unpinned(ch)
            if sig is not None:
                out.append(sig)
    kept = sum(1 for ch in added if ch.key == "persist-credentials" and ch.value.lower() == "false")
    gone = [ch for ch in removed if ch.key == "persist-credentials" and ch.value.lower() == "false"]
    if len(gone) > kept:
        detail = "drops `persist-credentials: false`: the checkout keeps the token"
        out.append(_sig(CI_CD, "gha.persist_credentials", detail, gone[0], "medium"))
    return out


def _unpinned(ch: Change) -> Signal | None:
    ref = _uses(ch)
    if not ref or ref.startswith(("./", "docker://")) or "@" not in ref:
        return None
    target, _, version = ref.partition("@")
    owner = target.split("/", 1)[0].lower()
    if owner in _FIRST_PARTY or _SHA_RE.match(version) or "${{" in ref:
        return None
    return _sig(
        CI_CD,
        "gha.unpinned_action",
        f"uses third-party `{target}@{version}` by a movable ref, not a commit SHA",
        ch,
        "medium",
    )


def _script_checks(added: list[Change]) -> list[Signal]:
    out: list[Signal] = []
    lines = script_lines(added)
    by_line = {ch.line: ch for ch in added}
    for line, text in lines:
        ch = by_line[line]
        if _SET_ENV_RE.search(text):
            out.append(
                _sig(
                    PERMISSION_WIDENING,
                    "gha.set_env_command",
                    "uses the disabled `::set-env`/`::add-path` workflow commands",
                    ch,
                    "high",
                )
            )
        m = _UNTRUSTED_RE.search(text)
        if m is not None:
            out.append(
                _sig(
                    PERMISSION_WIDENING,
                    "gha.script_injection",
                    f"interpolates untrusted `{m.group(1)}` into a shell script (script injection)",
                    ch,
                    "high",
                )
            )
    out.extend(scan_scripts(added))
    return out


def scan_scripts(chs: list[Change], keys: frozenset[str] = _SCRIPT_KEYS) -> list[Signal]:
    """Dangerous commands on changed script lines, read with the rest of their script as context.

    Goes through the shared command scanner; without it (an older checkout) finds nothing.
    """
    changed = script_lines(chs, keys)
    if not changed:
        return []
    try:
        from .shell.danger import scan_commands
    except ImportError:
        return []
    lines = dict(changed)
    owners: dict[int, set[int]] = {}  # outline id -> owners of changed script lines
    outlines: dict[int, Outline] = {}
    for ch in chs:
        if ch.outline is not None and ch.index >= 0 and ch.is_text and ch.line in lines:
            owners.setdefault(id(ch.outline), set()).add(ch.index)
            outlines[id(ch.outline)] = ch.outline
    for key, ol in outlines.items():
        wanted = owners[key]
        for t in ol.texts:
            if t.owner in wanted and not is_comment(t.text):
                lines.setdefault(t.line, t.text)
    ordered = sorted(lines.items())
    return list(scan_commands(ordered, side="new", only={n for n, _ in changed}))


def _removed_steps(removed: list[Change], added: list[Change]) -> tuple[list[Signal], int]:
    """Provenance, security or release steps the change takes out without putting them back, and
    how many it took out and put back."""
    out: list[Signal] = []
    netted = 0

    def tokens(chs: list[Change]) -> list[tuple[str, str, Change]]:
        found: list[tuple[str, str, Change]] = []
        for ch in chs:
            step = _step_name(ch)
            if step and _SCAN_NAME_RE.search(step):
                # `- name: Vulnerability scan`: what the step is for, whichever tool runs it
                found.append(("gha.security_step_removed", step.lower(), ch))
                continue
            if step and _CHECK_NAME_RE.search(step):
                # `- name: Run linting checks` / `run: scripts/check`: what the step is for
                found.append(("gha.check_removed", step.lower(), ch))
                continue
            uses = _uses(ch)
            if uses:
                name = uses.partition("@")[0].lower()
                for code, (pattern, _run, _what) in _STEP_CLASSES.items():
                    if pattern.search(name):
                        found.append((code, name, ch))
                        break
        by_line = {c.line: c for c in chs}
        for line, text in script_lines(chs):
            if _INSTALL_RE.search(text):
                continue  # `pip install ruff` installs a check; it does not run one
            for code, (_pattern, run, _what) in _STEP_CLASSES.items():
                m = run.search(text) if run is not None else None
                if m is not None:
                    found.append((code, re.sub(r"\s+", " ", m.group(0).lower()), by_line[line]))
                    break
        return found

    # a check replaced by another check (`ruff check .` -> `ruff-action`), a scanner by another
    # scanner (trivy -> govulncheck), still gates merges
    def tag_of(code: str, name: str) -> str:
        return code if code in _NET_BY_CLASS else f"{code}:{name}"

    back = count_by(tag_of(code, name) for code, name, _ in tokens(added))
    for code, name, ch in tokens(removed):
        tag = tag_of(code, name)
        if back.get(tag, 0) > 0:
            back[tag] -= 1
            netted += 1
            continue
        what = _STEP_CLASSES[code][2]
        sig = _sig(CI_CD, code, f"removes {what} (`{name}`)", ch, "high")
        # a step's name and its `uses:` both tell what it is: one finding a job and kind
        if not any(o.code == sig.code and o.symbol == sig.symbol for o in out):
            out.append(sig)
    return out, netted


def _removed_jobs(
    old: SideView, symbols: Iterable[Symbol], removed: list[Change], *, replaced: bool
) -> list[Signal]:
    """Jobs the workflow loses. ``replaced``: every check, scan or release step the removed jobs
    ran comes back in the change, so a job added in their place (`trivy` -> `govulncheck`) is a
    replacement, not a check that stops running."""
    out: list[Signal] = []
    symbols = list(symbols)
    dead = {s.name for s in symbols if s.kind == "job" and s.change == "deleted"}
    if not dead:
        return out
    born = sorted(s.name for s in symbols if s.kind == "job" and s.change == "added")
    # lines the change takes out of each job besides its key: none means the body stays, under
    # the job id the change gives it (a rename)
    gutted = count_by(
        j for ch in removed if ch.node and (j := _job_of(ch.node)) and ch.node.key != j[5:]
    )
    for ol, i, n in old.nodes():
        if n.path != ("jobs",) or f"jobs.{n.key}" not in dead:
            continue
        name_node = ol.child(i, "name")
        uses_node = ol.child(i, "uses")
        label = " ".join(x.scalar for x in (name_node, uses_node) if x is not None)
        if born and not gutted.get(f"jobs.{n.key}"):
            new = born.pop(0)
            # the checks it ran still run; what a required status check names may not
            out.append(
                Signal(
                    kind=CI_CD,
                    code="gha.job_renamed",
                    detail=f"renames job `{n.key}` to `{new.removeprefix('jobs.')}`: required status "
                    "checks that name the old job stop matching",
                    line=n.line,
                    side="old",
                    symbol=f"jobs.{n.key}",
                    severity="medium",
                )
            )
        elif _RELEASE_NAME_RE.search(f"{n.key} {label}") or ol.child(i, "environment") is not None:
            out.append(
                Signal(
                    kind=CI_CD,
                    code="gha.release_job_removed",
                    detail=f"removes deploy/release job `{n.key}`",
                    line=n.line,
                    side="old",
                    symbol=f"jobs.{n.key}",
                    severity="high",
                )
            )
        elif replaced and born:
            new = born.pop(0)
            out.append(
                Signal(
                    kind=CI_CD,
                    code="gha.job_removed",
                    detail=f"replaces job `{n.key}` with `{new.removeprefix('jobs.')}`",
                    line=n.line,
                    side="old",
                    symbol=f"jobs.{n.key}",
                    severity="low",
                )
            )
        else:
            # a job of a workflow that stays: whatever it checked stops gating merges
            out.append(
                Signal(
                    kind=CI_CD,
                    code="gha.job_removed",
                    detail=f"removes job `{n.key}`: what it checked no longer runs",
                    line=n.line,
                    side="old",
                    symbol=f"jobs.{n.key}",
                    severity="high",
                )
            )
    return out


def analyze_views(ctx: FileContext, old: SideView, new: SideView, family: str) -> Partial:
    action = family == "github-action"
    part = Partial(language="github-actions")
    results, old_out, new_out = symbol_changes(
        ctx, _definitions(old, action), _definitions(new, action)
    )
    symbols = [sym for sym, _o, _n in results]
    part.symbols.extend(symbols)
    stray = file_symbol(ctx, new_out or old_out)
    if stray is not None:
        part.symbols.append(stray)
    part.cosmetic = cosmetic(ctx)

    what = "action" if action else "workflow"
    if ctx.status == "deleted":
        part.signals.append(
            Signal(
                kind=CI_CD,
                code=f"gha.{what}_deleted",
                detail=f"deletes GitHub {what} `{ctx.path}`",
                side="old",
                severity="high",
            )
        )
        return part
    if ctx.status == "added":
        part.signals.append(
            Signal(
                kind=CI_CD,
                code=f"gha.{what}_added",
                detail=f"adds GitHub {what} `{ctx.path}`",
                side="new",
                severity="medium",
            )
        )
    elif part.cosmetic is None:
        triggers = any(s.kind == "trigger" for s in symbols)
        detail = f"changes GitHub {what} `{ctx.path}`" + (
            " (its triggers included)" if triggers else ""
        )
        part.signals.append(
            Signal(
                kind=CI_CD, code=f"gha.{what}_changed", detail=detail, side="new", severity="medium"
            )
        )

    removed, added = changes(ctx, old), changes(ctx, new)
    dead_jobs = {s.name for s in symbols if s.kind == "job" and s.change == "deleted"}
    signals: list[Signal] = []
    signals.extend(_pull_request_target(removed, added, new))
    signals.extend(_untrusted_checkout(added, new))
    signals.extend(_permissions(removed, added, dead_jobs))
    new_lines = fresh(added, removed)
    signals.extend(_key_value_checks(removed, new_lines))
    signals.extend(_script_checks(new_lines))
    steps, netted = _removed_steps(removed, added)
    signals.extend(steps)
    signals.extend(_removed_jobs(old, symbols, removed, replaced=netted > 0 and not steps))
    part.signals.extend(dedupe(signals))
    return part
