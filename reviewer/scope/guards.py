"""A guard weakened in place: the condition that refuses a request or a path keeps its shape but
lets more through.

Two edits count, on a removed line and the added line that replaces it:

- **an operator turned**: ``if !userOk || !passOk`` becomes ``if !userOk && !passOk`` (``or`` ->
  ``and``), in code about authentication or access: one wrong credential no longer refuses;
- **a check dropped from a chain**: ``elif resolved.is_file() and path in resolved.parents``
  becomes ``elif resolved.is_file()``, where the check taken away is a security one: a path kept
  inside its root, a permission, a token, a signature;
- **a condition made constant**: ``if (!isSameDomain(a, b))`` becomes ``if (false && !isSameDomain(a,
  b))`` (or ``if True or ...:``, ``if (false)``): the branch it guarded never runs (or always
  does), whatever it checked.

Tests, docs and examples are not read.
"""

from __future__ import annotations

import re

from ..models import PROTECTION_TOGGLE, Signal
from ..rx import lazy
from .engine import FileContext, Partial

_SKIP_ROLES = frozenset({"test", "docs", "example", "generated", "changelog"})
MAX_LINE = 2_000
_CONDITION = lazy(
    r"^\s*(?:\}\s*)?(?:if|elif|else\s+if|unless|while|when)\b|\breturn\b.*(?:&&|\|\||\band\b|\bor\b)"
)
#: what code about access is named after (its path, or the line itself)
_ACCESS = lazy(
    r"auth|login|passw|credential|token|session|csrf|xsrf|permission|perm\b|access|secret|"
    r"signature|verify|admin|owner|acl\b|role",
    re.I,
)
#: a check that keeps something safe: a path inside its root, who may, what was signed
_SECURITY_CHECK = lazy(
    r"\.parents\b|is_relative_to|commonpath|startswith\(|HasPrefix|realpath|abspath|"
    r"\bauth|permission|\bperm\b|allowed|token|signature|verify|valid|csrf|owner|admin|"
    r"ConstantTimeCompare|compare_digest",
    re.I,
)
_AND = lazy(r"\s*(?:&&|\band\b)\s*")


def _conjuncts(cond: str) -> list[str]:
    body = re.sub(r"^\s*(?:\}\s*)?(?:if|elif|else\s+if|unless|while|when)\b\s*", "", cond)
    body = body.rstrip().rstrip(":{").strip().strip("()")
    return [c.strip().strip("()").strip() for c in _AND.split(body) if c.strip()]


_IF = lazy(r"^\s*(?:\}\s*)?(?:if|elif|else\s+if|unless)\b\s*\(?")
#: a constant a condition is short-circuited with: `false && x`, `True or x`, `0 &&`
_SHORT_CIRCUIT = lazy(
    r"^(?:(?P<never>false|False|0)\s*(?:&&|\band\b)|(?P<always>true|True|1)\s*(?:\|\||\bor\b))\s*",
)
_CONSTANT = frozenset({"false", "False", "0", "true", "True", "1"})


def _made_constant(old: str, new: str) -> str | None:
    """The condition of ``old`` short-circuited to a constant in ``new``, described, or None."""
    m_old, m_new = _IF.match(old), _IF.match(new)
    if m_old is None or m_new is None:
        return None
    before, after = old[m_old.end() :].strip(), new[m_new.end() :].strip()
    if before == after:
        return None
    short = _SHORT_CIRCUIT.match(after)
    bare_before, bare_after = before.rstrip("):{ ").strip(), after.rstrip("):{ ").strip()
    if short and "".join(after[short.end() :].split()) == "".join(before.split()):
        never = bool(short.group("never"))
    elif bare_after in _CONSTANT and bare_before not in _CONSTANT:
        never = bare_after in ("false", "False", "0")
    else:
        return None
    cond = before.rstrip(":{ ")
    if cond.count(")") > cond.count("("):
        cond = cond[:-1]  # the `(` the `if` opened
    what = "never runs" if never else "always runs"
    return f"makes the condition `{cond[:80]}` constant: the branch it guarded {what}, whatever it checked"


def analyze(ctx: FileContext) -> Partial:
    part = Partial()
    if ctx.role in _SKIP_ROLES or not ctx.added or not ctx.removed:
        return part
    about_access = bool(_ACCESS.search(ctx.path))
    for old, line, new in ctx.replaced:
        old, new = old[:MAX_LINE], new[:MAX_LINE]
        if not (_CONDITION.search(old) and _CONDITION.search(new)):
            continue
        detail = None
        flipped = old.replace("||", "&&") == new or re.sub(r"\bor\b", "and", old) == new
        if flipped and old != new and (about_access or _ACCESS.search(old)):
            detail = "turns `||` into `&&` in a condition about access: it refuses less often"
        else:
            before, after = _conjuncts(old), _conjuncts(new)
            dropped = [c for c in before if c not in after]
            if (
                len(before) > len(after) >= 1
                and all(c in before for c in after)
                and any(_SECURITY_CHECK.search(c) for c in dropped)
            ):
                shown = next(c for c in dropped if _SECURITY_CHECK.search(c))
                detail = f"drops the check `{shown[:80]}` from a condition: what it kept out gets through"
        if detail is None:
            detail = _made_constant(old, new)
        if detail is None:
            continue
        part.signals.append(
            Signal(
                kind=PROTECTION_TOGGLE,
                code="code.guard_weakened",
                detail=detail,
                line=line,
                side="new",
                symbol=None,
                severity="high",
            )
        )
    return part
