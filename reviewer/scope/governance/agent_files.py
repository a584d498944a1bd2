"""AI-agent instructions and MCP servers: risky instructions, hidden text, servers that run commands."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from ...models import AGENT_INSTRUCTIONS, Side, Signal, Symbol, SymbolChange
from ...rx import lazy
from ..engine import Definition, FileContext, Partial, Segment, diff_definitions
from ..lex.keys import Pair
from ..shell.danger import scan_commands
from .shared import MCP_RE, changed_pairs, file_verb

#: risky-instruction signals reported per agent file (the rest are the same story)
MAX_RISKY = 5

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


def analyze(ctx: FileContext) -> Partial:
    lower = ctx.path.lower()
    if lower.endswith((".json", ".jsonc", ".json5", ".yaml", ".yml", ".toml")):
        return _agent_config(ctx, json_like=lower.endswith((".json", ".jsonc", ".json5")))
    return _agent_text(ctx)


def _agent_file_signal(ctx: FileContext, what: str) -> Signal:
    side: Side = "old" if ctx.status == "deleted" else "new"
    return Signal(
        kind=AGENT_INSTRUCTIONS,
        code="agent.instructions",
        detail=f"{file_verb(ctx)} {what} `{ctx.path}`",
        side=side,
        # without its instructions an agent loses the repository's rules (what not to touch)
        severity="high" if ctx.status == "deleted" else "medium",
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
                Signal(
                    kind=AGENT_INSTRUCTIONS,
                    code="agent.hidden_text",
                    detail="adds invisible characters that hide text from reviewers",
                    line=n,
                    side="new",
                    severity="high",
                )
            )
            risky += 1
            continue
        why = _risky(text, n)
        if why is not None:
            part.signals.append(
                Signal(
                    kind=AGENT_INSTRUCTIONS,
                    code="agent.risky_instruction",
                    detail=f"tells the agent {why}: `{_short(text)}`",
                    line=n,
                    side="new",
                    severity="high",
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
    old = changed_pairs(ctx, "old", json_like)
    new = changed_pairs(ctx, "new", json_like)
    mcp_file = bool(MCP_RE.search(ctx.path))
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
                    Signal(
                        kind=AGENT_INSTRUCTIONS,
                        code="agent.mcp_server",
                        detail=f"adds MCP server `{name}`",
                        line=line,
                        side="new",
                        symbol=name,
                        severity="high",
                    )
                )
            continue
        if name:
            part.symbols.append(Symbol("mcp_server", name, "modified", line))
        if (fields | other) & _MCP_EXEC_KEYS:
            shown = f"MCP server `{name}`" if name else "an MCP server"
            part.signals.append(
                Signal(
                    kind=AGENT_INSTRUCTIONS,
                    code="agent.mcp_server",
                    detail=f"changes what {shown} runs or connects to",
                    line=line,
                    side=side,
                    symbol=name or None,
                    severity="high",
                )
            )
    for n, text in sorted(ctx.added.items()):
        if _AUTO_APPROVE_RE.search(text):
            part.signals.append(
                Signal(
                    kind=AGENT_INSTRUCTIONS,
                    code="agent.auto_approve",
                    detail=f"lets the agent act without approval: `{_short(text)}`",
                    line=n,
                    side="new",
                    severity="high",
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
