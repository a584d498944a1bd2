"""Shell run by workflow steps: changed script lines, script injection, dangerous commands."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ...models import PERMISSION_WIDENING, Signal
from ...rx import lazy
from ..lex.yaml_outline import Node, Outline, unquote
from ..yaml_view import Change, is_comment
from .lines import signal_at

_UNTRUSTED_RE = lazy(
    r"\$\{\{[^}]*?\b(github\.event\.(pull_request\.(title|body|head\.(ref|label)|head\.repo\.[a-z_]+)"
    r"|issue\.(title|body)|comment\.body|review\.body|review_comment\.body|discussion\.(title|body)"
    r"|pages\.[^}]*?page_name|commits\.[^}]*?\.(message|author\.(email|name))"
    r"|head_commit\.(message|author\.(email|name))|workflow_run\.(head_branch|head_commit\.message"
    r"|display_title)|release\.(name|body))|github\.head_ref)\b",
    re.I,
)
_SET_ENV_RE = lazy(r"::(set-env|add-path)\b")
_SCRIPT_KEYS = frozenset({"run", "script"})


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


def script_checks(added: list[Change]) -> list[Signal]:
    """Workflow commands and untrusted interpolation on added script lines, then dangerous commands."""
    out: list[Signal] = []
    lines = script_lines(added)
    by_line = {ch.line: ch for ch in added}
    for line, text in lines:
        ch = by_line[line]
        if _SET_ENV_RE.search(text):
            out.append(
                signal_at(
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
                signal_at(
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
    """Dangerous commands on changed script lines, read with the rest of their script as context,
    through the shared command scanner (imported here: most workflow edits change no script)."""
    changed = script_lines(chs, keys)
    if not changed:
        return []
    from ..shell.danger import scan_commands

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
