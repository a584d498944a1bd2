"""One migration file: history rewritten, destructive operations and SQL on added lines."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from ...models import DESTRUCTIVE_DATA, Signal, Symbol
from ...rx import lazy
from ..engine import FileContext, Partial, Segment, lines_in
from ..sql import classify, split_statements
from .operations import OP_RE, OPS, call_args, target_of
from .rollback import irreversible, irreversible_signals, rails_irreversible
from .text import DOWN_RE, Text

#: files that live in migration directories without being migrations
_NOT_MIGRATIONS = frozenset(
    [
        "__init__.py",
        "env.py",
        "script.py.mako",
        "alembic.ini",
        "readme",
        "readme.md",
        "readme.rst",
        ".gitkeep",
        ".keep",
        "schema.rb",
        "structure.sql",
        "seeds.rb",
    ]
)
_MIGRATION_EXT = frozenset(
    [
        ".py",
        ".rb",
        ".js",
        ".ts",
        ".mjs",
        ".cjs",
        ".sql",
        ".go",
        ".java",
        ".kt",
        ".php",
        ".cs",
        ".ex",
        ".exs",
        ".yaml",
        ".yml",
        ".xml",
    ]
)

_STRING_RE = lazy(
    r'"""(?:.|\n)*?"""|\'\'\'(?:.|\n)*?\'\'\''  # Python triple quotes
    r"|<<[~-]?(['\"]?)([A-Z_][A-Z0-9_]*)\1[^\n]*\n((?:.|\n)*?)^[ \t]*\2\b"  # Ruby heredoc
    r"|`(?:[^`\\]|\\.)*`"  # JS template literal, Go raw string
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'',
    re.M,
)
_SQLISH_RE = lazy(r"^\s*(?:DROP|TRUNCATE|DELETE|UPDATE|ALTER|GRANT)\b", re.I)


def analyze(ctx: FileContext) -> Partial:
    """The migration signals of one file under a migration directory."""
    part = Partial()
    name = posixpath.basename(ctx.path).lower()
    ext = posixpath.splitext(name)[1]
    if name in _NOT_MIGRATIONS or ext not in _MIGRATION_EXT or ctx.role in ("docs", "test"):
        return part
    part.signals.extend(_history_signals(ctx))
    if ctx.status == "deleted":
        return part
    if ext != ".sql":  # SQL files: the SQL analyzer reads their statements
        for seg in ctx.segments("new"):
            _scan_segment(ctx, seg, part)
    return part


def _history_signals(ctx: FileContext) -> Iterator[Signal]:
    if ctx.status == "deleted":
        yield Signal(
            kind=DESTRUCTIVE_DATA,
            code="mig.deleted",
            detail=f"deletes migration `{ctx.path}`: migration history is rewritten",
            side="old",
            severity="high",
        )
    elif ctx.status == "renamed":
        yield Signal(
            kind=DESTRUCTIVE_DATA,
            code="mig.renamed",
            detail=f"renames migration `{ctx.old_path}` to `{ctx.path}`: its identity in the history changes",
            side="new",
            severity="high",
        )


def _scan_segment(ctx: FileContext, seg: Segment, part: Partial) -> None:
    if not lines_in(ctx.added_sorted, seg.first_line, seg.first_line + seg.text.count("\n")):
        return
    t = Text(seg)
    added = ctx.added
    for m in OP_RE.finditer(t.text):
        line = t.line_at(m.start())
        if line is None or line not in added or t.in_comment(m.start()):
            continue
        name = m.group(1)
        op = OPS[name]
        args = call_args(t.text, m.end() - 1)
        target = target_of(op, args)
        fn = t.function_at(m.start())
        if DOWN_RE.match(fn):
            continue  # the rollback half undoes the upgrade: that is its job
        if target:
            part.symbols.append(Symbol(op.obj_kind, target, op.change, line))
        if not op.destructive:
            continue
        what = f"`{target}`" if target else "(a name the code computes)"
        part.signals.append(
            Signal(
                kind=DESTRUCTIVE_DATA,
                code=op.code,
                detail=f"{op.verb} {what}",
                line=line,
                side="new",
                symbol=target or None,
                severity=op.severity,
            )
        )
        if fn == "change" and rails_irreversible(name, args, t.text, m.end()):
            part.signals.append(
                irreversible(
                    line, target or None, f"`{name}` in `def change` cannot be rolled back"
                )
            )
    part.signals.extend(_embedded_sql(ctx, t, part.symbols))
    part.signals.extend(irreversible_signals(ctx, t))


def _embedded_sql(ctx: FileContext, t: Text, symbols: list[Symbol]) -> Iterator[Signal]:
    for m in _STRING_RE.finditer(t.text):
        body = _strip_quotes(m.group(3) if m.group(2) else m.group())
        if not _SQLISH_RE.match(body):
            continue
        line = t.line_at(m.start())
        last = t.line_at(m.end() - 1)
        if line is None or last is None or not lines_in(ctx.added_sorted, line, last):
            continue
        fn = t.function_at(m.start())
        if DOWN_RE.match(fn) or _is_reverse_sql(t.text, m.start()) or t.in_comment(m.start()):
            continue
        for stmt in split_statements(body):
            for action in classify(stmt.text):
                if action.change != "added":
                    symbols.append(Symbol(action.obj_kind, action.obj_name, action.change, line))
                if action.code is None or action.kind is None:
                    continue
                yield Signal(
                    kind=action.kind,
                    code="mig.run_sql",
                    detail=f"runs SQL that {action.detail}",
                    line=line,
                    side="new",
                    symbol=action.obj_name,
                    severity=action.severity,
                )
        if fn == "change":
            before = t.text[max(0, m.start() - 20) : m.start()]
            if re.search(r"\bexecute[ \t(]*$", before):
                yield irreversible(line, None, "`execute` in `def change` cannot be rolled back")


def _is_reverse_sql(text: str, pos: int) -> bool:
    """A string passed as ``reverse_sql=`` (Django) runs only on rollback."""
    before = text[max(0, pos - 40) : pos]
    return bool(re.search(r"reverse_sql\s*=\s*\[?\s*$", before))


def _strip_quotes(s: str) -> str:
    for q in ('"""', "'''", "`", '"', "'"):
        if len(s) >= 2 * len(q) and s.startswith(q) and s.endswith(q):
            return s[len(q) : -len(q)]
    return s
