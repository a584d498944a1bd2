"""Jobs a workflow loses (renamed, replaced, or removed with what they checked or released) and the
gates they drop: an environment, an identity `if:`, the check jobs a release job `needs`."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ...models import CI_CD, PROTECTION_TOGGLE, Severity, Signal, Symbol
from ...rx import lazy
from ..yaml_view import Change, SideView, count_by
from .lines import item_lines, job_of, signal_at
from .steps import RELEASE_RUN, check_of

RELEASE_NAME_RE = lazy(r"deploy|release|publish|promot|rollout|\bship\b", re.I)


def removed_jobs(
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
        j for ch in removed if ch.node and (j := job_of(ch.node)) and ch.node.key != j[5:]
    )
    for ol, i, n in old.nodes():
        if n.path != ("jobs",) or f"jobs.{n.key}" not in dead:
            continue
        name_node = ol.child(i, "name")
        uses_node = ol.child(i, "uses")
        label = " ".join(x.scalar for x in (name_node, uses_node) if x is not None)
        code = "gha.job_removed"
        severity: Severity = "high"
        if born and not gutted.get(f"jobs.{n.key}"):
            # the checks it ran still run; what a required status check names may not
            code, severity = "gha.job_renamed", "medium"
            detail = (
                f"renames job `{n.key}` to `{born.pop(0).removeprefix('jobs.')}`: required "
                "status checks that name the old job stop matching"
            )
        elif RELEASE_NAME_RE.search(f"{n.key} {label}") or ol.child(i, "environment") is not None:
            code, detail = "gha.release_job_removed", f"removes deploy/release job `{n.key}`"
        elif replaced and born:
            severity = "low"
            detail = f"replaces job `{n.key}` with `{born.pop(0).removeprefix('jobs.')}`"
        else:
            # a job of a workflow that stays: whatever it checked stops gating merges
            detail = f"removes job `{n.key}`: what it checked no longer runs"
        out.append(
            Signal(
                kind=CI_CD,
                code=code,
                detail=detail,
                line=n.line,
                side="old",
                symbol=f"jobs.{n.key}",
                severity=severity,
            )
        )
    return out


def environment_gates_removed(
    new: SideView, removed: list[Change], added: list[Change], dead: set[str]
) -> list[Signal]:
    """A job that stays but no longer names its `environment`: the environment's protection
    rules (required reviewers, wait timers, branch rules) stop gating it, and its secrets too."""
    kept_env = {
        f"jobs.{n.path[1]}"
        for _ol, _i, n in new.nodes()
        if n.key == "environment" and len(n.path) == 2 and n.path[0] == "jobs"
    }
    # a hunk that does not show the job's id: an `environment` the same lines add back keeps it
    readded = any(
        ch.node is not None and not ch.is_text and ch.node.key == "environment" for ch in added
    )
    out: list[Signal] = []
    for ch in removed:
        node = ch.node
        if ch.is_text or node is None or node.key != "environment":
            continue
        full = node.fullpath
        if len(full) != 3 or full[0] != "jobs":
            continue
        job = job_of(node)
        if job in dead or job in kept_env or (job is None and readded):
            continue
        name = f"job `{job.removeprefix('jobs.')}`" if job else "a job"
        detail = (
            f"removes `environment` from {name}: its protection rules (required reviewers, wait "
            "timers, branch rules) no longer gate it"
        )
        out.append(signal_at(PROTECTION_TOGGLE, "gha.environment_removed", detail, ch, "high"))
    return out


#: an `if:` that decides who or what a job runs for: the actor, the repository (forks), the
#: author's association, the head repository of a pull request
_IDENTITY_GUARD = lazy(
    r"github\.actor|github\.triggering_actor|github\.repository\b|head\.repo|author_association"
    r"|github\.event\.sender"
)


def identity_guards_removed(
    removed: list[Change], added: list[Change], dead: set[str]
) -> list[Signal]:
    """A job or step `if:` that only lets a given actor, repository or author run it, taken away
    (or loosened to no longer name who) while the job stays: it now runs for anyone, secrets and
    write token included (`if: github.actor == 'dependabot[bot]'` on an auto-merge job)."""
    kept = {
        m.group(0)
        for ch in added
        if ch.node is not None and ch.node.key == "if" and (m := _IDENTITY_GUARD.search(ch.text))
    }
    out: list[Signal] = []
    for ch in removed:
        node = ch.node
        if ch.is_text or node is None or node.key != "if":
            continue
        m = _IDENTITY_GUARD.search(ch.text)
        if m is None or m.group(0) in kept:
            continue
        job = job_of(node)
        if job is not None and job in dead:
            continue
        where = f"job `{job.removeprefix('jobs.')}`" if job else "a job"
        detail = (
            f"removes the `if:` that limits {where} to a given `{m.group(0)}`: it runs for anyone "
            "now, with its token and secrets"
        )
        out.append(signal_at(PROTECTION_TOGGLE, "gha.identity_guard_removed", detail, ch, "high"))
    return out


def _needs(ch: Change) -> tuple[list[str], int] | None:
    """The jobs a `needs:` line names, and the outline index of the job it belongs to."""
    node, outline = ch.node, ch.outline
    if ch.is_text or node is None or outline is None:
        return None
    if node.key == "needs" and node.path[:1] == ("jobs",) and len(node.path) == 2:
        names = [v.strip(" '\"") for v in node.scalar.strip("[]").split(",") if v.strip()]
        return names, node.parent
    if node.key == "-" and node.path[-1:] == ("needs",) and node.parent >= 0:
        holder = outline.nodes[node.parent]
        return [node.scalar.strip(" '\"")], holder.parent
    return None


def release_gates_removed(removed: list[Change], added: list[Change]) -> list[Signal]:
    """A release or deploy job that stops waiting for a check job (`needs: test-summary` taken
    out of `pre-deploy`): it can ship what failed the checks."""
    kept = {name for ch in added if (got := _needs(ch)) for name in got[0]}
    out: list[Signal] = []
    for ch in removed:
        got = _needs(ch)
        if got is None or got[1] < 0 or ch.outline is None:
            continue
        gone = [n for n in got[0] if n and n not in kept and check_of([f"name: {n}"])]
        if not gone:
            continue
        lines = item_lines(ch.outline, got[1])
        if not any(RELEASE_NAME_RE.search(t) or RELEASE_RUN.search(t) for t in lines):
            continue
        detail = (
            f"takes `{gone[0]}` out of a release job's `needs`: it no longer waits for the "
            "checks and can ship what failed them"
        )
        out.append(signal_at(CI_CD, "gha.check_removed", detail, ch, "high"))
    return out
