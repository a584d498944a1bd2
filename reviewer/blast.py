"""Scope + findings + policy -> BlastRadius: how much the change can break, with reasons. Pure."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from .config import Config
from .models import DESTRUCTIVE_KINDS, BlastRadius, FileScope, Finding, Level, Scope, level_rank
from .paths import area, component
from .rx import lazy

#: severity of a signal -> the blast radius it implies on its own
_BY_SEVERITY: dict[str, Level] = {
    "info": "low",
    "low": "low",
    "medium": "medium",
    "high": "high",
    "critical": "high",
}
_PROD_RE = lazy(r"(^|/)(prod|production|prd|live)(/|[-_.]|$)", re.I)
_NOT_MANIFESTS = frozenset(
    {"hcl", "dockerfile", "bash", "make", "markdown", "rst", "text", "binary"}
)
_TF_KINDS = frozenset({"resource", "data", "module", "local", "provider", "backend"})


def _changes_behaviour(fs: FileScope) -> bool:
    """Edits that change what is deployed, as opposed to adding an opt-in input or output.

    Manifest fields (limits, images, ports) are deployment config whatever the edit; in Terraform an
    edited block that only gains lines gains opt-in arguments, one that loses or rewrites lines
    changes existing resources.
    """
    if fs.role == "infra" and fs.language not in _NOT_MANIFESTS:
        return any(s.change != "added" for s in fs.symbols)
    if fs.language == "hcl" and fs.deletions:
        return any(
            s.kind in _TF_KINDS and s.change in ("modified", "signature") for s in fs.symbols
        )
    return False


def blast_radius(
    scope: Scope,
    findings: Sequence[Finding],
    config: Config,
    *,
    references: Mapping[str, int] | None = None,
) -> BlastRadius:
    level: Level = "low"
    reasons: list[str] = []

    def raise_to(new: Level, why: str) -> None:
        nonlocal level
        if level_rank(new) > level_rank(level):
            level = new
            reasons.insert(0, why)
        elif level_rank(new) == level_rank(level) and len(reasons) < 8 and why not in reasons:
            reasons.append(why)

    for fs in scope.files:
        prod = bool(_PROD_RE.search(fs.path))
        for sig in fs.signals:
            lvl = _BY_SEVERITY[sig.severity]
            if prod and lvl == "medium":
                # the same change is riskier where production lives
                raise_to("high", f"{sig.detail} in a production path (`{fs.path}`)")
                continue
            raise_to(lvl, f"{sig.detail} (`{fs.path}`)")
        if not fs.cosmetic and fs.status == "modified" and _changes_behaviour(fs):
            raise_to("medium", f"changes how deployed resources are configured (`{fs.path}`)")
        cp = config.critical_level(fs.path)
        if cp is not None:
            raise_to(cp.level, f"`{fs.path}` is on a critical path (`{cp.pattern}`)")  # type: ignore[arg-type]

    # many medium changes of one kind add up: a dozen removed public functions break callers,
    # CI/CD rewritten in several files changes how everything ships
    removed_api = [
        (f.path, s)
        for f in scope.files
        for s in f.signals
        if s.kind == "public_api" and s.side == "old"
    ]
    api_files = {p for p, _ in removed_api}
    if len(removed_api) >= 5 and len(api_files) >= 2:
        raise_to("high", f"removes {len(removed_api)} public symbols across {len(api_files)} files")
    ci_files = {
        f.path for f in scope.files for s in f.signals if s.kind == "ci_cd" and s.severity != "low"
    }
    if len(ci_files) >= 3:
        raise_to("high", f"changes how code is built or shipped in {len(ci_files)} CI/CD files")

    # code of many deployable components changed at once: if it goes wrong, it goes wrong everywhere
    code_components = {
        component(f.path)
        for f in scope.files
        if f.role in ("code", "dependency") and not f.cosmetic and component(f.path)
    }
    if len(code_components) >= 4:
        raise_to("high", f"changes the code of {len(code_components)} components at once")

    areas = {area(f.path) for f in scope.files if f.role not in ("docs", "changelog", "test")}
    if len(areas) >= 6 and level_rank(level) < level_rank("high"):
        bumped: Level = "medium" if level == "low" else "high"
        raise_to(bumped, f"spans {len(areas)} top-level areas")

    for name, count in (references or {}).items():
        if count >= 20:
            raise_to("high", f"`{name}` is referenced from {count} files")
        elif count >= 5:
            raise_to("medium", f"`{name}` is referenced from {count} files")

    # a destructive change the intent does not state weighs what its finding says (an unstated
    # `rm -rf` in a script is high even where the command alone reads medium)
    for f in findings:
        if (
            level_rank(level) < level_rank("high")
            and f.kind in DESTRUCTIVE_KINDS
            and not f.licensed
            and f.severity in ("high", "critical")
            and f.source == "rules"
        ):
            raise_to("high", f"{f.title} (`{f.path}`)" if f.path else f.title)
    # critical is reserved for combinations: something destructive that nobody stated
    unlicensed_destructive = [f for f in findings if f.severity == "critical" and not f.licensed]
    if unlicensed_destructive and level == "high":
        level = "critical"
        reasons.insert(0, f"{unlicensed_destructive[0].title} — and the intent does not say so")
    if not reasons:
        reasons.append("no risky change kinds found")
    return BlastRadius(level=level, reasons=tuple(dict.fromkeys(reasons))[:10])
