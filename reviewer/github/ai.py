"""Is this change AI-assisted? Evidence from labels, commit trailers, bot authors and a PR-body checkbox.

Pure. Each piece of evidence is reported, so a reader can see why a change was judged AI-assisted.
Extra markers (``ai-markers`` input, ``ai_markers`` in the policy) are case-insensitive words matched
in label names, author logins, ``Co-authored-by`` identities and checked checkbox lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..record import record
from ..rx import lazy

#: identities coding assistants and agents commit, co-author or open PRs as (lower case words)
KNOWN_ASSISTANTS = (
    "copilot",
    "claude",
    "anthropic",
    "cursor",
    "cursoragent",
    "devin",
    "kiro",
    "codex",
    "chatgpt",
    "openai",
    "gemini",
    "jules",
    "aider",
    "windsurf",
    "codeium",
    "amazon-q",
    "amazon q",
    "q developer",
    "openhands",
    "sweep",
    "tabnine",
    "codegen",
    "cline",
)
DEFAULT_LABELS = ("ai-assisted", "ai-generated", "ai", "llm", "copilot", "generated-by-ai", "agent")

_TRAILER_RE = lazy(r"^(co-authored-by|assisted-by|generated-by)\s*:\s*(.+)$", re.I | re.M)
_CHECKED_RE = lazy(r"^\s*[-*+]\s*\[[xX]\]\s*(.+)$", re.M)
_CHECKBOX_WORDS = lazy(
    r"\b(ai|a\.i\.|llm|assistant|copilot|agent|generated|generative|chatgpt|claude|cursor)\b", re.I
)


@record
class Commit:
    message: str
    author_login: str | None = None
    author_name: str = ""
    author_email: str = ""


@record
class Assistance:
    detected: bool
    evidence: tuple[str, ...] = ()


def detect(
    *,
    labels: Iterable[str] = (),
    author: str = "",
    author_type: str = "User",
    body: str = "",
    commits: Iterable[Commit] = (),
    markers: Iterable[str] = (),
) -> Assistance:
    extra = tuple(m.strip().lower() for m in markers if m.strip())
    words = KNOWN_ASSISTANTS + extra
    evidence: list[str] = []

    for label in labels:
        low = label.strip().lower()
        if low in DEFAULT_LABELS or _mentions(low, extra):
            evidence.append(f"label `{label}`")

    if author and (
        _mentions(author.lower(), words) and (author_type == "Bot" or _is_agent_login(author))
    ):
        evidence.append(f"opened by `{author}`")

    for match in _CHECKED_RE.finditer(body or ""):
        line = match.group(1).strip()
        if _CHECKBOX_WORDS.search(line) or _mentions(line.lower(), extra):
            evidence.append(f"checked box “{line[:80]}”")

    for commit in commits:
        short = (commit.message.strip().splitlines() or [""])[0][:60]
        for kind, value in _TRAILER_RE.findall(commit.message or ""):
            kind = kind.lower()
            if kind in ("assisted-by", "generated-by"):
                evidence.append(f"`{kind.title()}: {value.strip()[:60]}` in “{short}”")
            elif _mentions(value.lower(), words):
                evidence.append(f"`Co-authored-by: {value.strip()[:60]}` in “{short}”")
        login = (commit.author_login or "").lower()
        ident = f"{commit.author_name} {commit.author_email}".lower()
        if (login and _is_agent_login(login) and _mentions(login, words)) or (
            "[bot]" in ident and _mentions(ident, words)
        ):
            evidence.append(
                f"commit “{short}” authored by `{commit.author_login or commit.author_name}`"
            )

    unique = tuple(dict.fromkeys(evidence))
    return Assistance(bool(unique), unique[:10])


def _is_agent_login(login: str) -> bool:
    low = login.lower()
    # bots are "[bot]" accounts; Copilot's coding agent opens PRs as the user "Copilot"
    return low.endswith("[bot]") or low in ("copilot", "devin", "kiro", "claude", "cursor", "codex")


def _mentions(text: str, words: Iterable[str]) -> bool:
    return any(re.search(rf"(?<![a-z0-9]){re.escape(word)}(?![a-z0-9])", text) for word in words)
