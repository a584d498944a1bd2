"""Conditions that pin a wildcard principal to known callers, for every platform the scope reads.

``Principal: "*"`` alone lets anybody call; the same statement with a condition on the caller's
organisation, account or source (``aws:PrincipalOrgID``, ``aws:SourceArn`` ...) lets only those
callers in. AWS documents these as the global condition keys for the principal and the request's
source; a statement pinned by one grants to a known set, not to the world.
"""

from __future__ import annotations

import re

from ..rx import lazy

_KEYS = (
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:PrincipalAccount",
    "aws:PrincipalArn",
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    "aws:SourceOwner",
    "aws:SourceVpce",
    "aws:SourceVpc",
)
#: the keys, lower case (condition keys are case-insensitive)
PRINCIPAL_PINS = frozenset(k.lower() for k in _KEYS)
#: one of them written anywhere on a line (a Terraform `variable = "..."`, a JSON key)
PIN_RE = lazy(r"(?i)\b(?:" + "|".join(re.escape(k) for k in _KEYS) + r")\b")


def pinned_detail(pin: str | None) -> str:
    """How a wildcard-principal signal reads, pinned or not."""
    return (
        f"allows any principal (`*`) that matches `{pin}`" if pin else "allows any principal (`*`)"
    )
