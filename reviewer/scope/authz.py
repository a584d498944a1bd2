"""An authorization check made to say yes to everyone: ``has_export_permission`` whose condition is
taken away so that it returns ``True`` whatever the request.

What counts, in any of the languages read here: the change adds an unconditional ``return True``
(``return true;``) where a removed line held the condition that guarded it (the ``if`` is gone, or
the ``return`` now stands outside it) or the answer it gave (``return bool(user and
user.is_authenticated)``), and that was a permission question: the function's name asks
one (``has_*permission``, ``can_*``, ``is_allowed``, ``authorize``, ``check_access`` ...), or the
removed condition does (``if EXPORT_PERMISSION_CODE is None``, ``if user.is_staff``). A hunk cut
out of a method often shows neither the ``def`` nor its name; the condition is always there.
"""

from __future__ import annotations

import re

from ..models import PERMISSION_WIDENING, Signal
from ..rx import lazy
from ..terms import subwords
from .engine import FileContext, Partial

_SKIP_ROLES = frozenset({"test", "docs", "example", "generated", "changelog"})
_RETURN_YES = lazy(r"^(\s*)return\s+(?:True|true)\s*;?\s*(?:(?:#|//).*)?$")
_CONDITION = lazy(r"^(\s*)(?:if|elif|else\s+if|unless)\b")
#: the name of a function, method or closure that a header line declares
_HEADER = lazy(
    r"^\s*(?:(?:async\s+)?def\s+(\w+)|(?:export\s+)?(?:async\s+)?function\s*\*?\s*(\w+)"
    r"|func\s+(?:\([^)]*\)\s*)?(\w+)|(?:public|private|protected|static|final|\s)*[\w<>\[\]]+\s+"
    r"(\w+)\s*\([^)]*\)\s*\{|(\w+)\s*\([^)]*\)\s*\{)"
)
#: a question about permission: has_export_permission, can_edit, isAllowed, authorize, checkAccess
_AUTHZ_NAME = lazy(
    r"(?:^|_)(?:has|can|may|is|check|user|require)_?\w*?(?:perm|permission|permissions|access|"
    r"allowed|authori[sz]ed|admin|staff|owner|privilege)s?$|^(?:authori[sz]e|permit|allow)\w*$"
    r"|(?:^|_)can_\w+$",
    re.I,
)
#: a condition about who may do something
_PERM_WORD = lazy(
    r"perm|authori[sz]|authenticat|logged_in|access|admin|staff|superuser|owner|privilege|\brole"
    r"|\bacl\b|\bgrant",
    re.I,
)
#: a removed `return <the answer>`: what the function said before it said yes
_RETURN_ANSWER = lazy(r"^(\s*)return\s+(?!(?:True|true)\s*;?\s*$)\S")


def _asks_permission(name: str) -> bool:
    return bool(_AUTHZ_NAME.search("_".join(subwords(name))))


def _name_of(line: str) -> str | None:
    m = _HEADER.match(line)
    if m is None:
        return None
    return next((g for g in m.groups() if g), None)


def analyze(ctx: FileContext) -> Partial:
    part = Partial()
    if ctx.role in _SKIP_ROLES or not ctx.added:
        return part
    text = ctx.added_text
    if "return" not in text or not ("True" in text or "true" in text):
        return part  # the common case
    if not any(_RETURN_YES.match(t) for t in ctx.added.values()):
        return part
    for h in ctx.fd.hunks:
        name = _name_of(h.section) if h.section else None
        conditions: list[int] = []  # indentation of the removed conditions in the current block
        about_permission = False  # one of them asks who may do something
        for prefix, _old, new, text in h.numbered():
            header = _name_of(text)
            if header is not None and prefix != "-":
                name, conditions, about_permission = header, [], False
                continue
            if prefix == "-":
                # `if cond:` taken away, or `return cond` turned into `return True`
                m = _CONDITION.match(text) or _RETURN_ANSWER.match(text)
                if m is not None:
                    conditions.append(len(m.group(1).expandtabs()))
                    about_permission = about_permission or bool(_PERM_WORD.search(text))
                continue
            if prefix != "+" or new is None:
                if prefix == " " and _CONDITION.match(text):
                    # a condition the change keeps still guards what follows
                    conditions, about_permission = [], False
                continue
            yes = _RETURN_YES.match(text)
            if yes is None or not conditions:
                continue
            if not (about_permission or (name is not None and _asks_permission(name))):
                continue
            if len(yes.group(1).expandtabs()) > min(conditions):
                continue  # still under a condition of its own
            what = f"`{name}`" if name else "a permission check"
            part.signals.append(
                Signal(
                    kind=PERMISSION_WIDENING,
                    code="code.authz_always_true",
                    detail=f"makes {what} return true without its condition: everyone is allowed",
                    line=new,
                    side="new",
                    symbol=name,
                    severity="high",
                )
            )
            conditions, about_permission = [], False
    return part
