"""Credentials with a recognisable shape: shared by the secret scanner and the LLM redactor. Pure."""

from __future__ import annotations

import re

from .rx import lazy

#: credentials with a recognisable shape: (name, pattern matching the whole credential)
SHAPED: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "aws-access-key",
        lazy(
            r"\b(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA)[A-Z0-9]{16}\b"
        ),
    ),
    (
        "github-token",
        lazy(r"\b(?:gh[pousr]_[A-Za-z0-9]{30,255}|github_pat_[A-Za-z0-9_]{22,255})"),
    ),
    (
        "gitlab-token",
        lazy(r"\bgl(?:pat|dt|rt|ptt|ft|imt|oas|cbt|soat|agent|feed)-[A-Za-z0-9_\-]{20,}"),
    ),
    ("slack-token", lazy(r"\bx(?:ox[abposre]|app)-[A-Za-z0-9-]{10,}")),
    (
        "slack-webhook",
        lazy(r"https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9/_-]+"),
    ),
    ("openai-key", lazy(r"\bsk-(?:proj-|svcacct-|admin-|ant-)?[A-Za-z0-9_\-]{20,}")),
    ("jwt", lazy(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")),
    ("google-api-key", lazy(r"\bAIza[0-9A-Za-z_\-]{35}")),
    ("stripe-key", lazy(r"\b(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{20,}")),
)

PRIVATE_KEY = lazy(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----")

#: documentation's own example credentials (AWS's AKIAIOSFODNN7EXAMPLE ...) and obvious fillers
_EXAMPLE = lazy(r"EXAMPLE|example|XXXX|xxxx|0000000000|1234567890|dummy|fake|placeholder", re.I)


#: one pass that says whether any shape can be present (most text has none): the literal part each
#: shape starts with. Compiling the union of the shapes themselves would cost every cold start;
#: the shapes are compiled only for text that has one of these.
ANY = lazy(
    r"A3T[A-Z0-9]|A(?:KIA|SIA|BIA|CCA|GPA|IDA|ROA|IPA|NPA|NVA|PKA)|gh[pousr]_|github_pat_|gl[a-z]+-"
    r"|xox[abposre]-|xapp-|hooks\.slack\.com/|sk-|eyJ|AIza|[sr]k_(?:live|test)_|-----BEGIN "
)


def find(text: str) -> list[tuple[str, int, int]]:
    """Credentials in ``text``: (name, start, end), example values left out."""
    out: list[tuple[str, int, int]] = []
    if ANY.search(text) is None:
        return out
    for name, rx in SHAPED:
        for m in rx.finditer(text):
            if not _EXAMPLE.search(m.group(0)):
                out.append((name, m.start(), m.end()))
    key = PRIVATE_KEY.search(text)
    if key is not None:
        out.append(("private-key", key.start(), key.end()))
    return out
