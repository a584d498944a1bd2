"""CI configurations other than GitHub Actions (GitLab CI, CircleCI, Azure, Travis ...): jobs and scripts."""

from __future__ import annotations

from ..models import CI_CD, Signal
from .engine import Definition, FileContext, Partial
from .workflows import scan_scripts
from .workflows.jobs import RELEASE_NAME_RE
from .yaml_view import SideView, changes, cosmetic, dedupe, file_symbol, fresh, symbol_changes

_SYSTEMS = {"gitlab-ci": "GitLab CI", "circleci": "CircleCI", "ci": "CI"}
_GITLAB_RESERVED = frozenset(
    [
        "stages",
        "variables",
        "include",
        "default",
        "workflow",
        "image",
        "services",
        "before_script",
        "after_script",
        "cache",
        "spec",
    ]
)
#: CircleCI sections whose keys are named things: section -> symbol kind
_CIRCLE_SECTIONS = {
    "jobs": "job",
    "workflows": "workflow",
    "commands": "command",
    "executors": "executor",
    "orbs": "orb",
}
#: keys of a list item that name a job or stage (Azure Pipelines, Bitbucket, Drone ...)
_ITEM_NAMES = {"job": "job", "deployment": "job", "stage": "stage", "step": "step", "name": "step"}
SCRIPT_KEYS = frozenset(
    [
        "script",
        "before_script",
        "after_script",
        "run",
        "command",
        "commands",
        "bash",
        "sh",
        "pwsh",
        "powershell",
        "install",
        "before_install",
        "after_success",
        "deploy_script",
        # AppVeyor's and Travis's phases
        "init",
        "build_script",
        "test_script",
        "before_build",
        "after_build",
        "before_test",
        "after_test",
        "before_deploy",
        "after_deploy",
        "after_failure",
        "on_success",
        "on_failure",
        "on_finish",
    ]
)


def _definitions(view: SideView, family: str) -> list[Definition]:
    out: list[Definition] = []
    for ol, i, n in view.nodes():
        if not n.exact:
            continue
        end = max(n.end, n.line)
        if n.path == () and n.key != "-":
            if family == "gitlab-ci" and n.key not in _GITLAB_RESERVED:
                kind = "template" if n.key.startswith(".") else "job"
            else:
                kind = "key"
            out.append(Definition(kind, n.key, n.start, end, n.line, virtual=n.virtual))
        elif (
            family == "circleci"
            and len(n.path) == 1
            and n.key != "-"
            and n.path[0] in _CIRCLE_SECTIONS
        ):
            out.append(
                Definition(
                    _CIRCLE_SECTIONS[n.path[0]],
                    f"{n.path[0]}.{n.key}",
                    n.start,
                    end,
                    n.line,
                    virtual=n.virtual,
                )
            )
        elif family == "ci" and n.key == "-" and "-" not in n.path:
            for k in ol.children(i):
                child = ol.nodes[k]
                if child.line == n.line and child.key in _ITEM_NAMES and child.value:
                    out.append(
                        Definition(
                            _ITEM_NAMES[child.key],
                            child.scalar,
                            n.start,
                            max(n.end, n.line),
                            n.line,
                        )
                    )
                    break
    return out


def analyze_views(ctx: FileContext, old: SideView, new: SideView, family: str) -> Partial:
    part = Partial(language=family)
    results, old_out, new_out = symbol_changes(
        ctx, _definitions(old, family), _definitions(new, family)
    )
    symbols = [sym for sym, _o, _n in results]
    part.symbols.extend(symbols)
    stray = file_symbol(ctx, new_out or old_out)
    if stray is not None:
        part.symbols.append(stray)
    part.cosmetic = cosmetic(ctx)
    system = _SYSTEMS[family]
    if ctx.status == "deleted":
        part.signals.append(
            Signal(
                kind=CI_CD,
                code="ci.config_deleted",
                detail=f"deletes {system} configuration `{ctx.path}`",
                side="old",
                severity="high",
            )
        )
        return part
    if ctx.status == "added":
        part.signals.append(
            Signal(
                kind=CI_CD,
                code="ci.config_added",
                detail=f"adds {system} configuration `{ctx.path}`",
                side="new",
                severity="medium",
            )
        )
    elif part.cosmetic is None:
        part.signals.append(
            Signal(
                kind=CI_CD,
                code="ci.config_changed",
                detail=f"changes {system} configuration `{ctx.path}`",
                side="new",
                severity="medium",
            )
        )
    added = fresh(changes(ctx, new), changes(ctx, old))
    for ch in added:
        if (
            ch.key in ("allow_failure", "continue-on-error", "continueOnError")
            and ch.value.lower() == "true"
        ):
            part.signals.append(
                Signal(
                    kind=CI_CD,
                    code="ci.allow_failure",
                    detail=f"lets a job's failures pass (`{ch.key}`)",
                    line=ch.line,
                    side="new",
                    severity="medium",
                )
            )
    for sym in symbols:
        if (
            sym.change == "deleted"
            and sym.kind in ("job", "workflow")
            and RELEASE_NAME_RE.search(sym.name)
        ):
            part.signals.append(
                Signal(
                    kind=CI_CD,
                    code="ci.release_job_removed",
                    detail=f"removes deploy/release {sym.kind} `{sym.name}`",
                    line=sym.line,
                    side="old",
                    symbol=sym.name,
                    severity="high",
                )
            )
    part.signals.extend(scan_scripts(added, SCRIPT_KEYS))
    part.signals = dedupe(part.signals)
    return part
