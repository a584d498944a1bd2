"""Secret redaction: nothing that looks like a credential leaves the machine in a request."""

from __future__ import annotations

import math
import posixpath
import re
from collections import Counter
from collections.abc import Callable, Sequence

from ..rx import lazy
from ..secrets import SHAPED as _SHAPED  # shared with the secret scanner

MARK = "[REDACTED:{}]"

#: credentials recognised by what precedes them; only the value group is replaced
_PREFIXED: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "aws-secret-key",
        lazy(
            r"(?i)(aws[\w.-]{0,30}?(?:secret|key)[\w.-]{0,20}[\"']?\s*(?:=|:|=>)\s*[\"']?)([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])"
        ),
    ),
    ("url-password", lazy(r"(\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s:/@'\"]+:)([^\s@/'\"]+)(?=@)")),
    ("bearer-token", lazy(r"(?i)(\b(?:bearer|token)\s+)([A-Za-z0-9._~+/-]{24,}=*)")),
)

_PRIVATE_BEGIN = lazy(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----")
_PRIVATE_END = lazy(r"-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----")
_PRIVATE_BLOCK = lazy(
    r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----.*?(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|\Z)",
    re.S,
)

_SECRET_NAME = (
    r"[A-Za-z0-9_.-]*(?:password|passwd|passphrase|pwd|secret|token|api[_-]?key|apikey|access[_-]?key"
    r"|private[_-]?key|client[_-]?secret|credentials?|auth[_-]?key)[A-Za-z0-9_.-]*"
)
#: ``password = "..."``, ``"secret": "..."``, ``API_KEY=...``, ``token: ...``
_ASSIGNMENT = lazy(
    r"(?i)(?P<name>[\"']?" + _SECRET_NAME + r"[\"']?)(?P<op>\s*(?::=|=>|=|:)\s*)"
    r"(?:(?P<q>[\"'`])(?P<quoted>[^\"'`\n]*)(?P=q)|(?P<bare>[^\s\"'`,;)}\]]+))"
)
#: a value that names another value instead of being one: variables, templates, lookups
_REFERENCE = lazy(
    r"^(?:\$\{?|\{\{|%\(|<|os\.|env\.|process\.env|var\.|local\.|secrets\.|settings\.|config\."
    r"|getenv|None$|null$|nil$|true$|false$)"
)
_IDENTIFIER = lazy(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*(?:\(.*)?$")
_ENV_LINE = lazy(r"^(?P<head>\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_.-]*\s*=\s*)(?P<value>.*\S)\s*$")


def entropy(value: str) -> float:
    """Shannon entropy in bits per character."""
    if not value:
        return 0.0
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in Counter(value).values())


def high_entropy(value: str) -> bool:
    return len(value) >= 8 and entropy(value) >= 3.0


def is_env_file(path: str) -> bool:
    """``.env``, ``.env.production``, ``prod.env``: files whose values are secrets by convention."""
    base = posixpath.basename(path).lower()
    return base == ".env" or base.startswith(".env.") or base.endswith(".env")


def _reference(value: str) -> bool:
    """A bare value that is code (``user.password``, ``get_token()``, ``API_TOKEN``), not a literal."""
    if _REFERENCE.match(value):
        return True
    if not _IDENTIFIER.match(value):
        return False
    # random literals mix cases and digits; names use words, dots, underscores and calls
    return any(c in value for c in "._(") or not any(c.isdigit() for c in value)


class Redactor:
    """Replaces secrets with ``[REDACTED:kind]`` and counts what it replaced (never what it saw)."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        #: every value replaced so far: the same secret quoted elsewhere (a finding title that
        #: repeats an .env value, a symbol name) is scrubbed too
        self.values: set[str] = set()

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def text(self, text: str) -> str:
        """Redact free text (intent, titles, file names): shaped tokens, assignments, key blocks."""
        if "PRIVATE KEY" in text:
            text = _PRIVATE_BLOCK.sub(self._count_sub("private-key"), text)
        return self._line(text)

    def lines(self, path: str, lines: Sequence[str]) -> list[str]:
        """Redact diff lines (each with its one-character prefix), following key blocks across lines."""
        env = is_env_file(path)
        out: list[str] = []
        in_key = False
        for raw in lines:
            prefix, body = raw[:1], raw[1:]
            if in_key:
                if _PRIVATE_END.search(body):
                    in_key = False
                out.append(prefix + MARK.format("private-key"))
                continue
            if _PRIVATE_BEGIN.search(body):
                self.counts["private-key"] += 1
                in_key = not _PRIVATE_END.search(body)
                out.append(prefix + MARK.format("private-key"))
                continue
            if env:
                body = self._env_value(body)
            out.append(prefix + self._line(body))
        return out

    # --- internals --------------------------------------------------------------------------

    def scrub(self, text: str) -> str:
        """Replace every value redacted anywhere so far, wherever it appears in ``text``."""
        for value in sorted(self.values, key=len, reverse=True):
            if value in text:
                text = text.replace(value, MARK.format("repeated"))
        return text

    def _remember(self, value: str) -> None:
        if len(value) >= 4:
            self.values.add(value)

    def _count_sub(self, kind: str) -> Callable[[re.Match[str]], str]:
        def sub(m: re.Match[str]) -> str:
            self.counts[kind] += 1
            if kind != "private-key":
                self._remember(m.group(0))
            return MARK.format(kind)

        return sub

    def _line(self, text: str) -> str:
        for kind, rx in _SHAPED:
            text = rx.sub(self._count_sub(kind), text)
        for kind, rx in _PREFIXED:
            text = rx.sub(self._keep_prefix(kind), text)
        return _ASSIGNMENT.sub(self._assignment, text)

    def _keep_prefix(self, kind: str) -> Callable[[re.Match[str]], str]:
        def sub(m: re.Match[str]) -> str:
            if m.group(2).startswith("[REDACTED"):
                return m.group(0)
            self.counts[kind] += 1
            self._remember(m.group(2))
            return m.group(1) + MARK.format(kind)

        return sub

    def _assignment(self, m: re.Match[str]) -> str:
        quoted = m.group("quoted")
        value = quoted if quoted is not None else m.group("bare") or ""
        if value.startswith("[REDACTED") or not high_entropy(value):
            return m.group(0)
        if quoted is None and _reference(value):
            return m.group(0)
        if quoted is not None and value.startswith(("${", "{{", "$(")):
            return m.group(0)
        self.counts["secret-assignment"] += 1
        self._remember(value)
        q = m.group("q") or ""
        return f"{m.group('name')}{m.group('op')}{q}{MARK.format('secret')}{q}"

    def _env_value(self, body: str) -> str:
        m = _ENV_LINE.match(body)
        if m is None or body.lstrip().startswith("#"):
            return body
        value = m.group("value").strip("\"'")
        if not value or value.startswith(("${", "[REDACTED")):
            return body
        self.counts["env-value"] += 1
        self._remember(m.group("value"))
        self._remember(value)
        return m.group("head") + MARK.format("env")
