"""``.pre-commit-config.yaml``: hooks removed, repositories added or unpinned, checks skipped."""

from __future__ import annotations

import re

from ...models import CI_CD, DEPENDENCY, Side, Signal, Symbol
from ..engine import FileContext, Partial
from ..lex.keys import Pair, segment_rows, yaml_pairs
from ..shell.danger import scan_commands


def _repo_key(url: str) -> str:
    key = re.sub(r"^[a-z+]+://", "", url.strip().lower())
    key = re.sub(r"^git@([^:]+):", r"\1/", key)
    return key.removesuffix(".git").rstrip("/")


def _precommit_side(
    ctx: FileContext, side: Side
) -> tuple[dict[str, tuple[int, str]], dict[str, int], dict[str, int], list[Pair]]:
    """Changed ``rev`` lines by repo, changed hook ids, changed repo URLs, changed ``entry`` pairs."""
    changed = ctx.changed(side)
    revs: dict[str, tuple[int, str]] = {}
    hooks: dict[str, int] = {}
    repos: dict[str, int] = {}
    entries: list[Pair] = []
    for seg in ctx.segments(side):
        repo = ""
        for p in yaml_pairs(segment_rows(seg)):
            if p.key == "repo" and p.value:
                repo = p.value
                if p.line in changed:
                    repos[p.value] = p.line
            elif p.line not in changed:
                continue
            elif p.key == "rev" and p.value:
                revs[_repo_key(repo) or "(unknown repo)"] = (p.line, p.value)
            elif p.key == "id" and p.value and "hooks" in p.path:
                hooks[p.value] = p.line
            elif p.key == "entry" and p.value:
                entries.append(p)
    return revs, hooks, repos, entries


def analyze(ctx: FileContext) -> Partial:
    part = Partial()
    o_revs, o_hooks, o_repos, _ = _precommit_side(ctx, "old")
    n_revs, n_hooks, n_repos, n_entries = _precommit_side(ctx, "new")
    for repo, (line, rev) in n_revs.items():
        old = o_revs.get(repo)
        if old is not None and old[1] != rev:
            part.symbols.append(Symbol("hook_repo", repo, "modified", line))
            part.signals.append(
                Signal(
                    kind=DEPENDENCY,
                    code="gov.precommit_rev",
                    detail=f"moves hooks from `{repo}` from `{old[1]}` to `{rev}`",
                    line=line,
                    side="new",
                    symbol=repo,
                    severity="low",
                )
            )
    new_keys = {_repo_key(u) for u in n_repos}
    old_keys = {_repo_key(u) for u in o_repos}
    for url, line in n_repos.items():
        if _repo_key(url) not in old_keys and old_keys and url != "local":
            part.signals.append(
                Signal(
                    kind=DEPENDENCY,
                    code="gov.precommit_repo",
                    detail=f"takes hooks from another repository `{url}`",
                    line=line,
                    side="new",
                    symbol=url,
                    severity="medium",
                )
            )
    for url, line in o_repos.items():
        if _repo_key(url) not in new_keys and not n_repos:
            part.symbols.append(Symbol("hook_repo", _repo_key(url), "deleted", line))
    for hook, line in n_hooks.items():
        if hook not in o_hooks:
            part.symbols.append(Symbol("hook", hook, "added", line))
            part.signals.append(
                Signal(
                    kind=CI_CD,
                    code="gov.precommit_hook_added",
                    detail=f"adds pre-commit hook `{hook}`",
                    line=line,
                    side="new",
                    symbol=hook,
                    severity="low",
                )
            )
    for hook, line in o_hooks.items():
        if hook not in n_hooks:
            part.symbols.append(Symbol("hook", hook, "deleted", line))
            part.signals.append(
                Signal(
                    kind=CI_CD,
                    code="gov.precommit_hook_removed",
                    detail=f"removes pre-commit hook `{hook}`",
                    line=line,
                    side="old",
                    symbol=hook,
                    severity="medium",
                )
            )
    for p in n_entries:
        part.signals.extend(scan_commands([(p.line, p.value or "")]))
    if ctx.status == "deleted":
        part.signals.append(
            Signal(
                kind=CI_CD,
                code="gov.precommit_hook_removed",
                # pre-commit.ci and every CI job that runs `pre-commit run` check with this file:
                # without it they check nothing
                detail=f"deletes `{ctx.path}`: no pre-commit checks, locally or in CI",
                side="old",
                severity="high",
            )
        )
    return part
