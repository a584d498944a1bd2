"""Governance and agent files: CODEOWNERS, branch protection, dependency bots, pre-commit hooks,
AI-agent instructions and MCP servers, and CI pipelines no language analyzer reads (Jenkinsfile).

Workflow YAML is yaml_families.py's: for a CI file it understands this package adds nothing.
"""

from __future__ import annotations

import posixpath

from ..engine import FileContext, Partial
from . import (
    agent_files,
    branch_protection,
    ci_pipelines,
    codeowners,
    dependency_bots,
    precommit_config,
)
from .shared import CI_EXTRA_RE, CI_YAML_RE, DEP_BOT_RE, MCP_RE, PRECOMMIT_RE, PROTECTION_RE


def claims(path: str) -> bool:
    """Whether this package answers for ``path`` although paths.py gives it another role (``config``)."""
    return bool(
        CI_YAML_RE.search(path)
        or PRECOMMIT_RE.search(path)
        or DEP_BOT_RE.search(path)
        or PROTECTION_RE.search(path)
        or CI_EXTRA_RE.search(path)
        or MCP_RE.search(path)
    )


def analyze(ctx: FileContext) -> Partial:
    path = ctx.path
    name = posixpath.basename(path).lower()
    if CI_YAML_RE.search(path):
        return Partial()  # yaml_families.py reads pipeline YAML
    if ctx.role == "agent" or MCP_RE.search(path):
        return agent_files.analyze(ctx)
    if name == "codeowners":
        return codeowners.analyze(ctx)
    if DEP_BOT_RE.search(path):
        return dependency_bots.analyze(ctx)
    if PRECOMMIT_RE.search(path):
        return precommit_config.analyze(ctx)
    if PROTECTION_RE.search(path):
        return branch_protection.analyze(ctx)
    if ctx.role == "ci" or CI_EXTRA_RE.search(path):
        return ci_pipelines.analyze(ctx)
    return Partial()
