"""One workflow or action file: its triggers, permissions and jobs as symbols, and its signals."""

from __future__ import annotations

import re

from ...models import CI_CD, DEPENDENCY, Signal
from ...rx import lazy
from ..engine import Definition, FileContext, Partial
from ..yaml_view import (
    Change,
    SideView,
    changes,
    cosmetic,
    dedupe,
    file_symbol,
    fresh,
    is_comment,
    symbol_changes,
)
from .jobs import (
    environment_gates_removed,
    identity_guards_removed,
    release_gates_removed,
    removed_jobs,
)
from .keys import key_value_checks
from .lines import job_of, uses_of
from .permissions import HIGH_SCOPES, permissions, write_scopes
from .scripts import script_checks
from .steps import neutralized_checks, removed_steps
from .triggers import pull_request_target, untrusted_checkout


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


def refs_moved(removed: list[Change], added: list[Change]) -> list[str]:
    """The actions whose ``uses:`` ref is all that changes (``actions/checkout@<sha> # v7.0.0`` to
    another sha), or [] when anything else changes too."""

    def actions(chs: list[Change]) -> list[str] | None:
        out = []
        for ch in chs:
            if is_comment(ch.text):
                continue
            used = uses_of(ch)
            if used is None or "@" not in used:
                return None
            out.append(used.split("@", 1)[0])
        return sorted(out)

    before, after = actions(removed), actions(added)
    if not before or before != after:
        return []
    return sorted(set(after))


#: a version a line sets: `v0.22.0`, `1.9.3`, `3.12`
_VERSION = lazy(r"(?<![\w.])v?\d+(?:\.\d+)+(?:[-+][\w.]+)?(?![\w.])")
#: a key that names a version (`TERRAFORM_DOCS_VERSION:`, `python-version:`, `go-version:`)
_VERSION_KEY = lazy(r"^\s*-?\s*[\w-]*version\s*:", re.I)


def versions_moved(removed: list[Change], added: list[Change]) -> list[str]:
    """The keys whose version value is all that changes (`TERRAFORM_DOCS_VERSION: v0.22.0` to
    `v0.20.0`), or [] when anything else changes too."""

    def shapes(chs: list[Change]) -> list[str] | None:
        out = []
        for ch in chs:
            if is_comment(ch.text):
                continue
            if not _VERSION_KEY.match(ch.text) or not _VERSION.search(ch.text):
                return None
            out.append(_VERSION.sub("#", ch.text).strip())
        return sorted(out)

    before, after = shapes(removed), shapes(added)
    if not before or before != after:
        return []
    return sorted({ch.text.split(":", 1)[0].strip(" -") for ch in added})


#: the keys of a job that say where it runs: its runner and the matrix it fans out over
_WHERE_KEYS = frozenset({"strategy", "runs-on"})


def where_jobs_run(removed: list[Change], added: list[Change]) -> list[str]:
    """The jobs whose runner or matrix is all that changes (`node-version: [18.x, 20.x]` to
    `[20.x, 22.x]`, another runner image), or [] when anything else changes too; a job the hunks
    do not name is "".

    A line that leaves with the same text and place it comes back with (an end-of-file newline)
    changes nothing and is not counted."""

    def key(ch: Change) -> tuple[str, tuple[str, ...]]:
        return ch.text.strip(), ch.path

    gone, back = {key(ch) for ch in removed}, {key(ch) for ch in added}
    jobs: set[str] = set()
    for ch in removed + added:
        if is_comment(ch.text) or key(ch) in gone & back:
            continue
        path = ch.path
        if len(path) < 3 or path[0] != "jobs" or path[2] not in _WHERE_KEYS:
            return []
        jobs.add(job_of(ch.node) or "")
    return sorted(jobs)


def analyze_views(ctx: FileContext, old: SideView, new: SideView, family: str) -> Partial:
    """The scope of one workflow (or, for ``github-action``, one action) file."""
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
    removed, added = changes(ctx, old), changes(ctx, new)
    if ctx.status == "added":
        # the scopes a new workflow's token writes are part of what it is (permissions.py): a
        # workflow that writes the repository, packages or cloud credentials is a high change
        scopes = [s for s in write_scopes(added) if s != "write-all"]
        writes = f" (its token writes {', '.join(f'`{s}`' for s in scopes)})" if scopes else ""
        part.signals.append(
            Signal(
                kind=CI_CD,
                code=f"gha.{what}_added",
                detail=f"adds GitHub {what} `{ctx.path}`{writes}",
                side="new",
                severity="high" if set(scopes) & HIGH_SCOPES else "medium",
            )
        )
    if ctx.status not in ("added", "deleted") and part.cosmetic is None:
        # the same actions at another ref, or only the versions of the tools it installs: a
        # dependency update of CI, what dependabot does
        moved = refs_moved(removed, added)
        tools = [] if moved else versions_moved(removed, added)
        runs = [] if moved or tools else where_jobs_run(removed, added)
        if runs:
            # the versions and platforms the tests run on: where a check runs, not whether
            named = [n for n in runs if n]
            shown = ", ".join(f"`{n}`" for n in named[:3]) + (" ..." if len(named) > 3 else "")
            part.signals.append(
                Signal(
                    kind=CI_CD,
                    code="gha.matrix_changed",
                    detail=f"changes where {shown or 'its jobs'} run (runner or matrix) in "
                    f"`{ctx.path}`",
                    side="new",
                    symbol=named[0] if named else None,
                    severity="low",
                )
            )
        elif moved or tools:
            code, names, where = (
                ("gha.action_ref_moved", moved, "ref")
                if moved
                else ("gha.tool_version_moved", tools, "version")
            )
            shown = ", ".join(f"`{n}`" for n in names[:3]) + (" ..." if len(names) > 3 else "")
            part.signals.append(
                Signal(
                    kind=DEPENDENCY,
                    code=code,
                    detail=f"moves {shown} to another {where} in `{ctx.path}`",
                    side="new",
                    symbol=names[0],
                    severity="low",
                )
            )
        else:
            triggers = any(s.kind == "trigger" for s in symbols)
            detail = f"changes GitHub {what} `{ctx.path}`" + (
                " (its triggers included)" if triggers else ""
            )
            part.signals.append(
                Signal(
                    kind=CI_CD,
                    code=f"gha.{what}_changed",
                    detail=detail,
                    side="new",
                    severity="medium",
                )
            )

    dead_jobs = {s.name for s in symbols if s.kind == "job" and s.change == "deleted"}
    signals: list[Signal] = []
    signals.extend(pull_request_target(removed, added, new))
    signals.extend(untrusted_checkout(added, new))
    signals.extend(permissions(removed, added, dead_jobs, new_file=ctx.status == "added"))
    new_lines = fresh(added, removed)
    signals.extend(key_value_checks(removed, new_lines))
    signals.extend(release_gates_removed(removed, added))
    signals.extend(script_checks(new_lines))
    signals.extend(neutralized_checks(removed, added))
    steps, netted = removed_steps(removed, added)
    signals.extend(steps)
    signals.extend(removed_jobs(old, symbols, removed, replaced=netted > 0 and not steps))
    signals.extend(environment_gates_removed(new, removed, added, dead_jobs))
    signals.extend(identity_guards_removed(removed, added, dead_jobs))
    part.signals.extend(dedupe(signals))
    return part
