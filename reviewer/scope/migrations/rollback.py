"""Migrations that cannot be rolled back: empty or raising downgrades, Rails' one-way operations,
``RunPython`` without a reverse."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...models import DESTRUCTIVE_DATA, Signal
from ...rx import lazy
from ..engine import FileContext
from .operations import call_args
from .text import Text

#: operations that Rails cannot reverse inside ``def change``
_RAILS_IRREVERSIBLE = frozenset(("change_column", "execute", "remove_columns", "remove_index"))
_IRREVERSIBLE_DOWN_RE = lazy(
    r"^[ \t]*def[ \t]+(?:downgrade|down)\b[^\n]*:[ \t]*(?:#[^\n]*)?\n(?:[ \t]*(?:#[^\n]*)?\n)*[ \t]*(pass|raise\b|\.\.\.)",
    re.M,
)
_RAILS_IRREVERSIBLE_RE = lazy(r"raise[ \t]+ActiveRecord::IrreversibleMigration")
_RUNPYTHON_RE = lazy(r"(?<![\w.])(?:migrations\.)?RunPython\s*\(")


def rails_irreversible(name: str, args: list[tuple[str | None, str]], text: str, pos: int) -> bool:
    """Whether Rails cannot reverse operation ``name`` when it sits in ``def change``."""
    if name in _RAILS_IRREVERSIBLE:
        return True
    positional = [v for k, v in args if k is None]
    if name == "remove_column":
        return len(positional) < 3  # without the column type, rollback cannot recreate it
    if name == "drop_table":
        eol = text.find("\n", pos)
        return " do" not in text[pos : eol if eol >= 0 else len(text)]
    return False


def irreversible_signals(ctx: FileContext, t: Text) -> Iterator[Signal]:
    """Added downgrades that do nothing or raise, and ``RunPython`` without a reverse."""
    added = ctx.added
    for m in _IRREVERSIBLE_DOWN_RE.finditer(t.text):
        head = t.line_at(m.start())
        body = t.line_at(m.start(1))
        if (head is not None and head in added) or (body is not None and body in added):
            yield irreversible(
                body or head,
                None,
                "the downgrade does nothing or raises: this migration cannot be rolled back",
            )
    for m in _RAILS_IRREVERSIBLE_RE.finditer(t.text):
        line = t.line_at(m.start())
        if line is not None and line in added:
            yield irreversible(
                line, None, "raises `ActiveRecord::IrreversibleMigration`: it cannot be rolled back"
            )
    for m in _RUNPYTHON_RE.finditer(t.text):
        line = t.line_at(m.start())
        if line is None or line not in added or t.in_comment(m.start()):
            continue
        args = call_args(t.text, m.end() - 1)
        positional = [a for a in args if a[0] is None]
        if len(positional) < 2 and not any(k == "reverse_code" for k, _v in args):
            yield irreversible(
                line, None, "`RunPython` without a reverse function cannot be rolled back"
            )


def irreversible(line: int | None, target: str | None, detail: str) -> Signal:
    """The signal of a migration that cannot be rolled back."""
    return Signal(
        kind=DESTRUCTIVE_DATA,
        code="mig.irreversible",
        detail=detail,
        line=line,
        side="new",
        symbol=target,
        severity="medium",
    )
