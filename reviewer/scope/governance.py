"""Governance and agent files: CODEOWNERS, branch protection, dependency bots, pre-commit hooks,
AI-agent instructions and MCP servers, and CI pipelines no language analyzer reads (Jenkinsfile).

Workflow YAML is yaml.py's: for a CI file it understands this module adds nothing.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator

from ..models import (
    AGENT_INSTRUCTIONS,
    CI_CD,
    DEPENDENCY,
    Severity,
    Side,
    Signal,
    Symbol,
    SymbolChange,
)
from ..rx import lazy
from .engine import Definition, FileContext, Partial, Segment, diff_definitions
from .lex.keys import Pair, json_pairs, segment_rows, yaml_pairs
from .shell.danger import scan_commands


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


#: risky-instruction signals reported per agent file (the rest are the same story)
MAX_RISKY = 5

_DEP_BOT_RE = lazy(
    r"(^|/)(\.github/dependabot\.ya?ml|renovate\.json5?|\.renovaterc(\.json5?)?|"
    r"\.github/renovate\.json5?|\.gitlab/renovate\.json5?)$",
    re.I,
)
_PROTECTION_RE = lazy(
    r"(^|/)\.github/(settings\.ya?ml|branch[-_]protection\.ya?ml|rulesets/[^/]+\.(json|ya?ml))$"
    r"|(^|/)(branch[-_]protection|rulesets?)[^/]*\.(json|ya?ml)$",
    re.I,
)
_PRECOMMIT_RE = lazy(r"(^|/)\.pre-commit-config\.ya?ml$", re.I)
#: non-YAML CI files under names paths.py does not give the role "ci"
_CI_EXTRA_RE = lazy(r"(^|/)([^/]*\.jenkinsfile|jenkinsfile\.[^/]+)$", re.I)
#: YAML pipelines under such names: yaml.py's, and no generic config either
_CI_YAML_RE = lazy(
    r"(^|/)(\.azure-pipelines\.ya?ml|azure-pipelines\.yaml|\.gitlab-ci\.yaml)$", re.I
)
_MCP_RE = lazy(
    r"(^|/)(\.?mcp\.json|mcp_config\.json|mcp_settings\.json|claude_desktop_config\.json|"
    r"cline_mcp_settings\.json)$",
    re.I,
)


def claims(path: str) -> bool:
    """Whether this module answers for ``path`` although paths.py gives it another role (``config``)."""
    return bool(
        _CI_YAML_RE.search(path)
        or _PRECOMMIT_RE.search(path)
        or _DEP_BOT_RE.search(path)
        or _PROTECTION_RE.search(path)
        or _CI_EXTRA_RE.search(path)
        or _MCP_RE.search(path)
    )


def analyze(ctx: FileContext) -> Partial:
    path = ctx.path
    name = posixpath.basename(path).lower()
    if _CI_YAML_RE.search(path):
        return Partial()  # yaml.py reads pipeline YAML
    if ctx.role == "agent" or _MCP_RE.search(path):
        return _agent(ctx)
    if name == "codeowners":
        return _codeowners(ctx)
    if _DEP_BOT_RE.search(path):
        return _dependency_bot(ctx)
    if _PRECOMMIT_RE.search(path):
        return _precommit(ctx)
    if _PROTECTION_RE.search(path):
        return _protection(ctx)
    if ctx.role == "ci" or _CI_EXTRA_RE.search(path):
        return _ci(ctx)
    return Partial()


def _sig(
    kind: str,
    code: str,
    detail: str,
    line: int | None,
    side: Side,
    symbol: str | None,
    severity: Severity,
) -> Signal:
    return Signal(kind, code, detail, line, side, symbol, severity)


def _file_verb(ctx: FileContext) -> str:
    return {"added": "adds", "deleted": "deletes"}.get(ctx.status, "changes")


def _changed_pairs(ctx: FileContext, side: Side, json_like: bool) -> list[Pair]:
    changed = ctx.changed(side)
    scan = json_pairs if json_like else yaml_pairs
    return [p for seg in ctx.segments(side) for p in scan(segment_rows(seg)) if p.line in changed]


def _is_json(path: str) -> bool:
    return path.lower().endswith((".json", ".json5", ".jsonc")) or path.lower().endswith(
        (".renovaterc",)
    )


# --- CODEOWNERS --------------------------------------------------------------------------------


def _owner_rules(lines: dict[int, str]) -> dict[str, tuple[int, tuple[str, ...]]]:
    rules: dict[str, tuple[int, tuple[str, ...]]] = {}
    for n, text in sorted(lines.items()):
        s = re.sub(r"(^|\s)#.*$", "", text).strip()
        if not s or (s.startswith("[") or s.startswith("^[")):
            continue  # GitLab section headers
        parts = s.split()
        rules[parts[0]] = (n, tuple(parts[1:]))
    return rules


def _codeowners(ctx: FileContext) -> Partial:
    part = Partial()
    old, new = _owner_rules(ctx.removed), _owner_rules(ctx.added)
    for pattern in dict.fromkeys([*new, *old]):
        o, n = old.get(pattern), new.get(pattern)
        if n is not None and o is None:
            part.symbols.append(Symbol("codeowners", pattern, "added", n[0]))
            if n[1]:
                part.signals.append(
                    _sig(
                        CI_CD,
                        "gov.codeowners_added",
                        f"assigns `{pattern}` to {' '.join(n[1])}",
                        n[0],
                        "new",
                        pattern,
                        "low",
                    )
                )
            else:
                part.signals.append(
                    _sig(
                        CI_CD,
                        "gov.codeowners",
                        f"leaves `{pattern}` without owners",
                        n[0],
                        "new",
                        pattern,
                        "high",
                    )
                )
        elif o is not None and n is None:
            part.symbols.append(Symbol("codeowners", pattern, "deleted", o[0]))
            part.signals.append(
                _sig(
                    CI_CD,
                    "gov.codeowners",
                    f"removes the owners rule for `{pattern}`",
                    o[0],
                    "old",
                    pattern,
                    "high",
                )
            )
        elif o is not None and n is not None:
            part.symbols.append(Symbol("codeowners", pattern, "modified", n[0]))
            gone = [x for x in o[1] if x not in n[1]]
            extra = [x for x in n[1] if x not in o[1]]
            if gone:
                part.signals.append(
                    _sig(
                        CI_CD,
                        "gov.codeowners",
                        f"removes {' '.join(gone)} from the owners of `{pattern}`",
                        n[0],
                        "new",
                        pattern,
                        "high",
                    )
                )
            elif extra:
                part.signals.append(
                    _sig(
                        CI_CD,
                        "gov.codeowners_added",
                        f"adds {' '.join(extra)} to the owners of `{pattern}`",
                        n[0],
                        "new",
                        pattern,
                        "low",
                    )
                )
    if ctx.status == "deleted":
        part.signals.append(
            _sig(
                CI_CD,
                "gov.codeowners",
                f"deletes `{ctx.path}`: no code owners review",
                None,
                "old",
                None,
                "high",
            )
        )
    return part


# --- dependency bots -------------------------------------------------------------------------------

_AUTOMERGE_RE = lazy(r"\b(automerge|auto-merge|platformAutomerge)\b\W+true", re.I)
_DISABLE_RE = lazy(
    r"\"enabled\"\s*:\s*false|open-pull-requests-limit\s*:\s*0\b|dependency-name\s*:\s*['\"]?\*['\"]?\s*$",
    re.I,
)


def _dependency_bot(ctx: FileContext) -> Partial:
    part = Partial()
    json_like = _is_json(ctx.path)
    sides: tuple[Side, Side] = ("old", "new")
    for side in sides:
        for p in _changed_pairs(ctx, side, json_like):
            if p.key == "package-ecosystem" and p.value:
                part.symbols.append(
                    Symbol("ecosystem", p.value, "added" if side == "new" else "deleted", p.line)
                )
    if ctx.status == "deleted":
        part.signals.append(
            _sig(
                CI_CD,
                "gov.dependency_bot",
                f"deletes `{ctx.path}`: dependency and security updates stop",
                None,
                "old",
                None,
                "high",
            )
        )
        return part
    severity: Severity = "low" if ctx.status == "added" else "medium"
    part.signals.append(
        _sig(
            CI_CD,
            "gov.dependency_bot",
            f"{_file_verb(ctx)} the dependency update config",
            None,
            "new",
            None,
            severity,
        )
    )
    for n, text in sorted(ctx.added.items()):
        if _AUTOMERGE_RE.search(text):
            part.signals.append(
                _sig(
                    CI_CD,
                    "gov.automerge",
                    "merges dependency updates without review",
                    n,
                    "new",
                    None,
                    "high",
                )
            )
        elif _DISABLE_RE.search(text):
            part.signals.append(
                _sig(
                    CI_CD,
                    "gov.dependency_bot",
                    "turns dependency updates off",
                    n,
                    "new",
                    None,
                    "high",
                )
            )
    return part


# --- pre-commit --------------------------------------------------------------------------------------


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


def _precommit(ctx: FileContext) -> Partial:
    part = Partial()
    o_revs, o_hooks, o_repos, _ = _precommit_side(ctx, "old")
    n_revs, n_hooks, n_repos, n_entries = _precommit_side(ctx, "new")
    for repo, (line, rev) in n_revs.items():
        old = o_revs.get(repo)
        if old is not None and old[1] != rev:
            part.symbols.append(Symbol("hook_repo", repo, "modified", line))
            part.signals.append(
                _sig(
                    DEPENDENCY,
                    "gov.precommit_rev",
                    f"moves hooks from `{repo}` from `{old[1]}` to `{rev}`",
                    line,
                    "new",
                    repo,
                    "low",
                )
            )
    new_keys = {_repo_key(u) for u in n_repos}
    old_keys = {_repo_key(u) for u in o_repos}
    for url, line in n_repos.items():
        if _repo_key(url) not in old_keys and old_keys and url != "local":
            part.signals.append(
                _sig(
                    DEPENDENCY,
                    "gov.precommit_repo",
                    f"takes hooks from another repository `{url}`",
                    line,
                    "new",
                    url,
                    "medium",
                )
            )
    for url, line in o_repos.items():
        if _repo_key(url) not in new_keys and not n_repos:
            part.symbols.append(Symbol("hook_repo", _repo_key(url), "deleted", line))
    for hook, line in n_hooks.items():
        if hook not in o_hooks:
            part.symbols.append(Symbol("hook", hook, "added", line))
            part.signals.append(
                _sig(
                    CI_CD,
                    "gov.precommit_hook_added",
                    f"adds pre-commit hook `{hook}`",
                    line,
                    "new",
                    hook,
                    "low",
                )
            )
    for hook, line in o_hooks.items():
        if hook not in n_hooks:
            part.symbols.append(Symbol("hook", hook, "deleted", line))
            part.signals.append(
                _sig(
                    CI_CD,
                    "gov.precommit_hook_removed",
                    f"removes pre-commit hook `{hook}`",
                    line,
                    "old",
                    hook,
                    "medium",
                )
            )
    for p in n_entries:
        part.signals.extend(scan_commands([(p.line, p.value or "")]))
    if ctx.status == "deleted":
        part.signals.append(
            _sig(
                CI_CD,
                "gov.precommit_hook_removed",
                f"deletes `{ctx.path}`: no pre-commit checks",
                None,
                "old",
                None,
                "medium",
            )
        )
    return part


# --- branch protection and rulesets ---------------------------------------------------------------------

#: settings whose true value protects a branch or repository
_PROTECTIVE = _set(
    "enforce_admins require_code_owner_reviews require_code_owner_review dismiss_stale_reviews "
    "dismiss_stale_reviews_on_push strict required_linear_history required_signatures "
    "required_conversation_resolution require_last_push_approval required_review_thread_resolution "
    "lock_branch private requires_commit_signatures required_deployments"
)
#: settings whose true value opens one up
_PERMISSIVE = _set(
    "allow_force_pushes allow_deletions allow_forking bypass_pull_request_allowances"
)
_COUNTS = frozenset({"required_approving_review_count"})
_CHECK_LISTS = frozenset({"contexts", "checks", "required_status_checks", "context"})
_RULE_TYPES = _set(
    "pull_request required_status_checks non_fast_forward deletion required_signatures "
    "required_linear_history code_scanning required_deployments creation update "
    "merge_queue"
)
_TRUE = frozenset({"true", "yes", "on", "1"})


def _protection(ctx: FileContext) -> Partial:
    part = Partial()
    if ctx.status == "deleted":
        part.signals.append(
            _sig(
                CI_CD,
                "gov.protection_weakened",
                f"deletes `{ctx.path}`: its branch protections are no longer managed",
                None,
                "old",
                None,
                "high",
            )
        )
        return part
    json_like = _is_json(ctx.path)
    old = _changed_pairs(ctx, "old", json_like)
    new = _changed_pairs(ctx, "new", json_like)
    old_by = {p.path: p for p in old if p.key != "[]"}
    new_by = {p.path: p for p in new if p.key != "[]"}
    weakened: list[tuple[str, int | None, Side]] = []
    for path, p in new_by.items():
        value = (p.value or "").lower()
        before = old_by.get(path)
        was = (before.value or "").lower() if before else ""
        if p.key in _PERMISSIVE and value in _TRUE and was not in _TRUE:
            weakened.append((f"turns on `{p.key}`", p.line, "new"))
        elif p.key in _PROTECTIVE and before is not None and was in _TRUE and value not in _TRUE:
            weakened.append((f"turns off `{p.key}`", p.line, "new"))
        elif p.key in _COUNTS and before is not None and _int(value) < _int(was):
            weakened.append((f"lowers `{p.key}` from {was} to {value}", p.line, "new"))
        elif p.key == "enforcement" and was == "active" and value != "active":
            weakened.append((f"sets ruleset enforcement to `{value}`", p.line, "new"))
        elif p.key == "visibility" and value == "public" and was != "public":
            weakened.append(("makes the repository public", p.line, "new"))
        elif "bypass_actors" in p.path and p.key in ("actor_id", "actor_type") and before is None:
            weakened.append(("adds a ruleset bypass actor", p.line, "new"))
    for path, p in old_by.items():
        if path in new_by:
            continue
        was = (p.value or "").lower()
        if (p.key in _PROTECTIVE and was in _TRUE) or p.key in _COUNTS:
            weakened.append((f"removes `{p.key}`", p.line, "old"))
        elif p.key == "type" and was in _RULE_TYPES:
            weakened.append((f"removes the `{was}` rule", p.line, "old"))
        elif p.key in ("protection", "required_pull_request_reviews", "required_status_checks"):
            weakened.append((f"removes `{p.key}`", p.line, "old"))
    new_items = {(p.path, p.value) for p in new if p.key == "[]"}
    for p in old:
        if p.key == "[]" and (p.path, p.value) not in new_items and set(p.path) & _CHECK_LISTS:
            weakened.append((f"drops required check `{p.value}`", p.line, "old"))
    for path in dict.fromkeys([*new_by, *old_by]):
        p = new_by.get(path) or old_by[path]
        change: SymbolChange = (
            "modified"
            if path in new_by and path in old_by
            else ("added" if path in new_by else "deleted")
        )
        part.symbols.append(
            Symbol("setting", ".".join(x for x in path[-3:] if x != "[]"), change, p.line)
        )
    for detail, line, side in weakened:
        part.signals.append(
            _sig(CI_CD, "gov.protection_weakened", detail, line, side, None, "high")
        )
    if not weakened and (ctx.added or ctx.removed):
        part.signals.append(
            _sig(
                CI_CD,
                "gov.protection_changed",
                f"{_file_verb(ctx)} repository protection settings",
                None,
                "new",
                None,
                "medium",
            )
        )
    return part


def _int(text: str) -> int:
    m = re.match(r"\d+", text.strip())
    return int(m.group(0)) if m else 0


# --- AI-agent instructions and MCP servers ----------------------------------------------------------------

_NEGATION_RE = lazy(
    r"\b(never|not|don'?t|do not|must not|mustn'?t|should not|shouldn'?t|avoid|forbidden|"
    r"prohibited|no longer|refuse|without ever)\b",
    re.I,
)
_RISKY_RES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "to skip tests, checks or reviews",
        re.compile(
            r"\b(skip(?:ping)?|bypass(?:ing)?|disabl(?:e|ing)|ignor(?:e|ing)|omit(?:ting)?|"
            r"don'?t (?:bother to )?(?:run|write|add)|do not (?:run|write|add)|no need to (?:run|write|add)|"
            r"without (?:running|writing|adding))\b[^.\n]{0,40}?"
            r"\b(tests?|test suite|ci|checks?|lint(?:ing|ers?)?|type[- ]?check(?:ing|s|er)?|hooks?|"
            r"pre-commit|reviews?|code review|approvals?|verification|validation|security scans?|"
            r"signing|signatures?)\b",
            re.I,
        ),
    ),
    (
        "to act without review or approval",
        re.compile(
            r"--no-verify|--dangerously-skip-permissions|--yolo\b|\bauto[- ]?approve|"
            r"\bmerge\b[^.\n]{0,30}\bwithout\b[^.\n]{0,20}\b(review|approval)|"
            r"\b(commit|push)(?:es)? (?:directly|straight) to (?:main|master|the default branch|prod\w*|release)|"
            r"\bforce[- ]push|"
            r"\b(don'?t|do not|never) ask (?:for |the user for )?(?:confirmation|permission|approval)|"
            r"\bwithout (?:asking|confirmation|approval|human review)|"
            r"\b(approve|accept|run) (?:all|every|any) (?:changes|commands|tool calls|edits)\b",
            re.I,
        ),
    ),
    (
        "to send out secrets",
        re.compile(
            r"\b(send|post|upload|exfiltrate|forward|transmit|leak|e-?mail|curl|paste|publish)\b[^.\n]{0,60}?"
            r"(?:\b(?:secrets?|tokens?|credentials?|api[ _-]?keys?|passwords?|private keys?|"
            r"ssh keys?|environment variables|env vars?|cookies?|session ids?)\b|\.env\b)|"
            r"\b(cat|print|echo|printenv|type)\b[^.\n]{0,40}(\.env\b|id_rsa|id_ed25519|\.aws/credentials|"
            r"\.ssh/|\.npmrc|\.netrc|\$\{?\w*(TOKEN|SECRET|PASSWORD|API_KEY)\b)",
            re.I,
        ),
    ),
    (
        "to override its instructions or hide its actions",
        re.compile(
            r"\bignore (?:all |any )?(?:previous|prior|above|earlier|other|system) "
            r"(?:instructions|rules|guidelines|prompts?)|\bdisregard (?:the |all |any )?"
            r"(?:previous|above|system|safety|security)\b|"
            r"\b(hide|conceal|don'?t mention|do not mention|never mention|don'?t tell|do not tell|never tell|"
            r"don'?t report|do not report)\b[^.\n]{0,30}\b(user|reviewers?|maintainers?|humans?|anyone)\b",
            re.I,
        ),
    ),
)
_HIDDEN_RE = lazy("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\U000e0000-\U000e007f]")
_CODE_SPAN_RE = lazy(r"`([^`]+)`")
_HEADING_RE = lazy(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_AUTO_APPROVE_RE = lazy(
    r"bypassPermissions|dangerously|--yolo\b|\"Bash\(\*\)\"|\"Bash\"\s*[,\]]|\bauto_?approve\b|"
    r"\bautoApprove\b|\balwaysAllow\b|\byes[-_]always\b|\"allow\"\s*:\s*\[\s*\"\*\"|"
    r"\bskip_?permissions\b|\btrust(?:ed)?\b\W+true|(?i:\bauto[-_]?approve\b|\byolo\b)"
)
_MCP_PARENTS = frozenset({"mcpServers", "servers", "context_servers", "mcp_servers"})
_MCP_EXEC_KEYS = frozenset(
    {"command", "args", "url", "serverUrl", "type", "transport", "cwd", "httpUrl"}
)


def _agent(ctx: FileContext) -> Partial:
    lower = ctx.path.lower()
    if lower.endswith((".json", ".jsonc", ".json5", ".yaml", ".yml", ".toml")):
        return _agent_config(ctx, json_like=lower.endswith((".json", ".jsonc", ".json5")))
    return _agent_text(ctx)


def _agent_file_signal(ctx: FileContext, what: str) -> Signal:
    side: Side = "old" if ctx.status == "deleted" else "new"
    return _sig(
        AGENT_INSTRUCTIONS,
        "agent.instructions",
        f"{_file_verb(ctx)} {what} `{ctx.path}`",
        None,
        side,
        None,
        # without its instructions an agent loses the repository's rules (what not to touch)
        "high" if ctx.status == "deleted" else "medium",
    )


def _agent_text(ctx: FileContext) -> Partial:
    part = Partial()
    part.signals.append(_agent_file_signal(ctx, "AI-agent instructions"))
    part.symbols.extend(_sections(ctx))
    risky = 0
    for n, text in sorted(ctx.added.items()):
        if risky >= MAX_RISKY:
            break
        if _HIDDEN_RE.search(text if n > 1 else text.lstrip("\ufeff")):
            part.signals.append(
                _sig(
                    AGENT_INSTRUCTIONS,
                    "agent.hidden_text",
                    "adds invisible characters that hide text from reviewers",
                    n,
                    "new",
                    None,
                    "high",
                )
            )
            risky += 1
            continue
        why = _risky(text, n)
        if why is not None:
            part.signals.append(
                _sig(
                    AGENT_INSTRUCTIONS,
                    "agent.risky_instruction",
                    f"tells the agent {why}: `{_short(text)}`",
                    n,
                    "new",
                    None,
                    "high",
                )
            )
            risky += 1
    return part


def _short(text: str) -> str:
    s = " ".join(text.split()).replace("`", "'")
    return s if len(s) <= 100 else s[:97] + "..."


def _risky(text: str, line: int) -> str | None:
    for why, pattern in _RISKY_RES:
        for m in pattern.finditer(text):
            if not _negated(text, m.start()):
                return why
    spans = [(m.start(), m.group(1)) for m in _CODE_SPAN_RE.finditer(text)]
    for pos, command in spans or [(0, text.strip().lstrip("$> "))]:
        if _negated(text, pos):
            continue
        if any(sig.severity == "high" for sig in scan_commands([(line, command)])):
            return "to run a destructive command"
    return None


_SENTENCE_END_RE = lazy(r"[.;!?:](?=\s|$)")


def _negated(text: str, pos: int) -> bool:
    """A guardrail ("never skip tests") rather than an instruction: a negation earlier in the sentence."""
    start = 0
    for m in _SENTENCE_END_RE.finditer(text, 0, pos):
        if (
            not text[max(0, m.start() - 3) : m.start()].strip().isdigit()
        ):  # "4. Never ..." is a list item
            start = m.end()
    return bool(_NEGATION_RE.search(text, start, pos))


def _markdown_sections(seg: Segment) -> list[Definition]:
    out: list[Definition] = []
    stack: list[Definition] = []
    fence = False
    last = seg.first_line
    for row, text in enumerate(seg.text.split("\n")):
        line = seg.line_of(row)
        if line is None:
            continue
        last = line
        if text.lstrip().startswith(("```", "~~~")):
            fence = not fence
            continue
        m = None if fence else _HEADING_RE.match(text)
        if m is None:
            continue
        level = len(m.group(1))
        while stack and int(stack[-1].signature) >= level:
            stack.pop().end = line - 1
        d = Definition("section", m.group(2).strip()[:120], line, line, line, str(level))
        out.append(d)
        stack.append(d)
    for d in stack:
        d.end = last
    for d in out:
        d.signature = ""
    return out


def _sections(ctx: FileContext) -> list[Symbol]:
    old = [d for seg in ctx.segments("old") for d in _markdown_sections(seg)]
    new = [d for seg in ctx.segments("new") for d in _markdown_sections(seg)]
    removed = [n for n in ctx.removed_sorted if ctx.removed[n].strip()]
    added = [n for n in ctx.added_sorted if ctx.added[n].strip()]
    changes, _o, _n = diff_definitions(
        old, new, removed, added, removed_set=ctx.removed, added_set=ctx.added
    )
    return [sym for sym, _od, _nd in changes]


def _mcp_servers(pairs: Iterable[Pair], *, mcp_file: bool) -> Iterator[tuple[str, str, Pair]]:
    """(server name, field, pair) for pairs inside an MCP servers map.

    In a hunk fragment of an MCP file the servers map itself may be above the hunk: a key that
    opens an object is then taken for a server, and a lone field for a field of a server out of
    view (name "").
    """
    for p in pairs:
        for i, part in enumerate(p.path[:-1]):
            if part in _MCP_PARENTS and i + 1 < len(p.path):
                field = p.path[i + 2] if i + 2 < len(p.path) else ""
                yield p.path[i + 1], field, p
                break
        else:
            if not mcp_file or not p.path or p.path[0] in _MCP_PARENTS:
                continue
            if len(p.path) >= 2:
                yield p.path[0], p.path[1], p
            elif p.value is None:
                yield p.path[0], "", p
            else:
                yield "", p.path[0], p


def _agent_config(ctx: FileContext, *, json_like: bool) -> Partial:
    part = Partial()
    old = _changed_pairs(ctx, "old", json_like)
    new = _changed_pairs(ctx, "new", json_like)
    mcp_file = bool(_MCP_RE.search(ctx.path))
    servers: dict[Side, dict[str, tuple[int, set[str]]]] = {"old": {}, "new": {}}
    by_side: tuple[tuple[Side, list[Pair]], ...] = (("old", old), ("new", new))
    for pair_side, pairs in by_side:
        for name, field, p in _mcp_servers(pairs, mcp_file=mcp_file):
            servers[pair_side].setdefault(name, (p.line, set()))[1].add(field)
    is_mcp = mcp_file or bool(servers["old"] or servers["new"])
    part.signals.append(
        _agent_file_signal(ctx, "MCP server config" if is_mcp else "AI-agent config")
    )
    for name in dict.fromkeys([*servers["new"], *servers["old"]]):
        side: Side = "new" if name in servers["new"] else "old"
        line, fields = servers[side][name]
        other_side: Side = "old" if side == "new" else "new"
        other = servers[other_side].get(name, (0, set()))[1]
        if "" in fields and name and not other:
            change: SymbolChange = "added" if side == "new" else "deleted"
            part.symbols.append(Symbol("mcp_server", name, change, line))
            if side == "new":
                part.signals.append(
                    _sig(
                        AGENT_INSTRUCTIONS,
                        "agent.mcp_server",
                        f"adds MCP server `{name}`",
                        line,
                        "new",
                        name,
                        "high",
                    )
                )
            continue
        if name:
            part.symbols.append(Symbol("mcp_server", name, "modified", line))
        if (fields | other) & _MCP_EXEC_KEYS:
            shown = f"MCP server `{name}`" if name else "an MCP server"
            part.signals.append(
                _sig(
                    AGENT_INSTRUCTIONS,
                    "agent.mcp_server",
                    f"changes what {shown} runs or connects to",
                    line,
                    side,
                    name or None,
                    "high",
                )
            )
    for n, text in sorted(ctx.added.items()):
        if _AUTO_APPROVE_RE.search(text):
            part.signals.append(
                _sig(
                    AGENT_INSTRUCTIONS,
                    "agent.auto_approve",
                    f"lets the agent act without approval: `{_short(text)}`",
                    n,
                    "new",
                    None,
                    "high",
                )
            )
    commands = [(p.line, p.value or "") for p in new if p.key in ("command", "entry", "run")]
    args: dict[int, list[str]] = {}
    for p in new:
        if p.path[-2:-1] == ("args",) or (len(p.path) >= 2 and p.path[-2] == "args"):
            args.setdefault(p.line, []).append(p.value or "")
    part.signals.extend(scan_commands(commands))
    for line, values in args.items():
        if "-c" in values:
            part.signals.extend(
                scan_commands(
                    [
                        (
                            line,
                            values[values.index("-c") + 1]
                            if values.index("-c") + 1 < len(values)
                            else "",
                        )
                    ]
                )
            )
    return part


# --- CI pipelines no language analyzer reads ---------------------------------------------------------

_GROOVY_SH_RE = lazy(
    r"""\b(?:sh|bat|powershell|pwsh)\s*\(?\s*(?:script\s*:\s*)?(['"]{1,3})(.*?)(?:\1|$)"""
)
_GROOVY_BLOCK_RE = lazy(
    r"""\b(?:sh|bat|powershell|pwsh)\s*\(?\s*(?:script\s*:\s*)?('''|\"\"\")(.*)$"""
)
_STAGE_RE = lazy(r"""\bstage\s*\(\s*['"]([^'"]+)['"]""")


def _ci(ctx: FileContext) -> Partial:
    part = Partial()
    language = ctx.language
    if language in ("markdown", "rst", "text"):
        return part
    if language in ("yaml", "json"):
        return part  # yaml.py reads workflow and pipeline YAML
    if ctx.status == "deleted":
        part.signals.append(
            _sig(
                CI_CD, "gov.ci_file", f"deletes CI pipeline `{ctx.path}`", None, "old", None, "high"
            )
        )
    else:
        part.signals.append(
            _sig(
                CI_CD,
                "gov.ci_file",
                f"{_file_verb(ctx)} CI pipeline `{ctx.path}`",
                None,
                "new",
                None,
                "medium",
            )
        )
    if language in ("bash", "dockerfile", "make"):
        return part  # commands.py scans these
    stages_old = [d for seg in ctx.segments("old") for d in _groovy_stages(seg)]
    stages_new = [d for seg in ctx.segments("new") for d in _groovy_stages(seg)]
    removed = [n for n in ctx.removed_sorted if ctx.removed[n].strip()]
    added = [n for n in ctx.added_sorted if ctx.added[n].strip()]
    changes, _o, _n = diff_definitions(
        stages_old, stages_new, removed, added, removed_set=ctx.removed, added_set=ctx.added
    )
    part.symbols.extend(sym for sym, _od, _nd in changes)
    for seg in ctx.segments("new"):
        part.signals.extend(scan_commands(_groovy_shell(seg), only=ctx.added))
    return part


def _groovy_stages(seg: Segment) -> list[Definition]:
    out: list[Definition] = []
    last = seg.first_line
    for row, text in enumerate(seg.text.split("\n")):
        line = seg.clamp_line(row)
        last = line
        m = _STAGE_RE.search(text)
        if m is None:
            continue
        if out:
            out[-1].end = line - 1
        out.append(
            Definition(
                "stage",
                m.group(1),
                line,
                line,
                line,
                "",
                "",
                None,
                virtual=seg.line_of(row) is None,
            )
        )
    if out:
        out[-1].end = last
    return out


def _groovy_shell(seg: Segment) -> list[tuple[int, str]]:
    """Shell text of ``sh '...'`` steps and ``sh '''...'''`` blocks, by line."""
    out: list[tuple[int, str]] = []
    block: str | None = None
    for line, text in segment_rows(seg):
        if line is None:
            continue
        if block is not None:
            end = text.find(block)
            out.append((line, text if end < 0 else text[:end]))
            if end >= 0:
                block = None
            continue
        b = _GROOVY_BLOCK_RE.search(text)
        if b is not None and b.group(1) not in b.group(2):
            block = b.group(1)
            if b.group(2).strip():
                out.append((line, b.group(2)))
            continue
        m = _GROOVY_SH_RE.search(text)
        if m is not None:
            out.append((line, m.group(2)))
    return out
