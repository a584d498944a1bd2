"""What the governance families share: which paths are theirs, signals, changed key/value pairs."""

from __future__ import annotations

import re

from ...models import Side
from ...rx import lazy
from ..engine import FileContext
from ..lex.keys import Pair, json_pairs, segment_rows, yaml_pairs


def word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


DEP_BOT_RE = lazy(
    r"(^|/)(\.github/dependabot\.ya?ml|renovate\.json5?|\.renovaterc(\.json5?)?|"
    r"\.github/renovate\.json5?|\.gitlab/renovate\.json5?)$",
    re.I,
)
PROTECTION_RE = lazy(
    r"(^|/)\.github/(settings\.ya?ml|branch[-_]protection\.ya?ml|rulesets/[^/]+\.(json|ya?ml))$"
    r"|(^|/)(branch[-_]protection|rulesets?)[^/]*\.(json|ya?ml)$",
    re.I,
)
PRECOMMIT_RE = lazy(r"(^|/)\.pre-commit-config\.ya?ml$", re.I)
#: non-YAML CI files under names paths.py does not give the role "ci"
CI_EXTRA_RE = lazy(r"(^|/)([^/]*\.jenkinsfile|jenkinsfile\.[^/]+)$", re.I)
#: YAML pipelines under such names: yaml_families.py's, and no generic config either
CI_YAML_RE = lazy(r"(^|/)(\.azure-pipelines\.ya?ml|azure-pipelines\.yaml|\.gitlab-ci\.yaml)$", re.I)
MCP_RE = lazy(
    r"(^|/)(\.?mcp\.json|mcp_config\.json|mcp_settings\.json|claude_desktop_config\.json|"
    r"cline_mcp_settings\.json)$",
    re.I,
)


def file_verb(ctx: FileContext) -> str:
    return {"added": "adds", "deleted": "deletes"}.get(ctx.status, "changes")


def changed_pairs(ctx: FileContext, side: Side, json_like: bool) -> list[Pair]:
    changed = ctx.changed(side)
    scan = json_pairs if json_like else yaml_pairs
    return [p for seg in ctx.segments(side) for p in scan(segment_rows(seg)) if p.line in changed]


def is_json(path: str) -> bool:
    return path.lower().endswith((".json", ".json5", ".jsonc")) or path.lower().endswith(
        (".renovaterc",)
    )
