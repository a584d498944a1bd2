"""Database migrations (Django, Alembic, Rails, Knex, Sequelize, TypeORM, SQL): history and destructive operations.

Runs on files under migration directories, next to the file's language analyzer. What it reads
is the shape every framework shares: an operation name on an added line (``RemoveField``,
``op.drop_table``, ``remove_column``, ``dropTable``), the arguments that follow it, and whether
it sits in the rollback half of the migration (``downgrade``, ``def down``, ``down()``), where
undoing what the upgrade created is the expected content. SQL embedded in strings goes through
the SQL analyzer's classifier. A migration file deleted or renamed rewrites history.
"""

from __future__ import annotations

import bisect
import posixpath
import re
from collections.abc import Iterator

from ..models import DESTRUCTIVE_DATA, Severity, Signal, Symbol, SymbolChange
from ..record import record
from ..rx import lazy
from .engine import FileContext, Partial, Segment, lines_in
from .sql import classify, split_statements, split_top_level

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


@record
class _Op:
    """An operation name and what it means."""

    code: str
    severity: Severity
    verb: str  # "drops table", ...
    obj_kind: str
    change: SymbolChange
    #: argument positions (or keywords) holding (container, name) of the object
    args: tuple[str, ...]
    destructive: bool = True  # False: symbol only (creations, additions)


def _op(
    code: str,
    sev: Severity,
    verb: str,
    kind: str,
    change: SymbolChange,
    *args: str,
    destructive: bool = True,
) -> _Op:
    return _Op(code, sev, verb, kind, change, args, destructive)


# operation name -> meaning; args name where the table/model and the column/field are
_OPS: dict[str, _Op] = {
    # Django
    "RemoveField": _op(
        "mig.remove_field", "high", "removes field", "field", "deleted", "model_name", "name"
    ),
    "DeleteModel": _op("mig.delete_model", "high", "deletes model", "model", "deleted", "name"),
    "AlterField": _op(
        "mig.alter_field", "medium", "alters field", "field", "modified", "model_name", "name"
    ),
    "RenameField": _op(
        "mig.rename", "medium", "renames field", "field", "modified", "model_name", "old_name"
    ),
    "RenameModel": _op("mig.rename", "medium", "renames model", "model", "modified", "old_name"),
    "RemoveIndex": _op(
        "mig.remove_index", "medium", "removes an index of", "model", "modified", "model_name"
    ),
    "RemoveConstraint": _op(
        "mig.remove_index", "medium", "removes a constraint of", "model", "modified", "model_name"
    ),
    "CreateModel": _op("", "low", "creates model", "model", "added", "name", destructive=False),
    "AddField": _op(
        "", "low", "adds field", "field", "added", "model_name", "name", destructive=False
    ),
    # Alembic
    "drop_table": _op("mig.drop_table", "high", "drops table", "table", "deleted", "0"),
    "drop_column": _op("mig.drop_column", "high", "drops column", "column", "deleted", "0", "1"),
    "alter_column": _op(
        "mig.alter_column", "medium", "alters column", "column", "modified", "0", "1"
    ),
    "drop_index": _op("mig.remove_index", "medium", "drops index", "index", "deleted", "0"),
    "drop_constraint": _op(
        "mig.remove_index", "medium", "drops constraint", "constraint", "deleted", "0"
    ),
    "create_table": _op("", "low", "creates table", "table", "added", "0", destructive=False),
    "add_column": _op("", "low", "adds column", "column", "added", "0", "1", destructive=False),
    # Rails
    "remove_column": _op(
        "mig.remove_column", "high", "removes column", "column", "deleted", "0", "1"
    ),
    "remove_columns": _op(
        "mig.remove_column", "high", "removes columns of", "table", "modified", "0"
    ),
    "remove_reference": _op(
        "mig.remove_column", "high", "removes reference", "column", "deleted", "0", "1"
    ),
    "remove_belongs_to": _op(
        "mig.remove_column", "high", "removes reference", "column", "deleted", "0", "1"
    ),
    "remove_timestamps": _op(
        "mig.remove_column", "high", "removes the timestamps of", "table", "modified", "0"
    ),
    "change_column": _op(
        "mig.change_column", "medium", "changes column", "column", "modified", "0", "1"
    ),
    "rename_column": _op("mig.rename", "medium", "renames column", "column", "modified", "0", "1"),
    "rename_table": _op("mig.rename", "medium", "renames table", "table", "modified", "0"),
    "remove_index": _op(
        "mig.remove_index", "medium", "removes an index of", "table", "modified", "0"
    ),
    # Knex, Sequelize, TypeORM
    "dropTable": _op("mig.drop_table", "high", "drops table", "table", "deleted", "0"),
    "dropTableIfExists": _op("mig.drop_table", "high", "drops table", "table", "deleted", "0"),
    "dropColumn": _op("mig.drop_column", "high", "drops column", "column", "deleted", "0", "1"),
    "dropColumns": _op("mig.drop_column", "high", "drops columns", "column", "deleted", "0", "1"),
    "removeColumn": _op("mig.drop_column", "high", "removes column", "column", "deleted", "0", "1"),
    "changeColumn": _op(
        "mig.change_column", "medium", "changes column", "column", "modified", "0", "1"
    ),
    "renameColumn": _op("mig.rename", "medium", "renames column", "column", "modified", "0", "1"),
    "renameTable": _op("mig.rename", "medium", "renames table", "table", "modified", "0"),
    "createTable": _op("", "low", "creates table", "table", "added", "0", destructive=False),
}
# Rails' drop_table and Alembic's share a name; Knex's table builder calls dropColumn on `table.`
_OP_RE = lazy(
    r"(?<![\w$])(?:migrations\.|op\.|queryInterface\.|queryRunner\.|knex\.schema\.|schema\.|table\.|t\.|this\.)?("
    + "|".join(sorted(_OPS, key=len, reverse=True))
    + r")\b\s*[(\s]"
)

#: operations that Rails cannot reverse inside ``def change``
_RAILS_IRREVERSIBLE = frozenset(("change_column", "execute", "remove_columns", "remove_index"))

_FUNC_RE = lazy(
    r"^[ \t]*(?:async[ \t]+)?def[ \t]+(\w+)"  # Python, Ruby
    r"|^[ \t]*(?:export[ \t]+)?(?:public[ \t]+|private[ \t]+)?(?:async[ \t]+)?(?:function[ \t]*)?(\w+)[ \t]*\([^)]*\)[ \t]*(?::[ \t]*[\w<>\[\], .]+)?[ \t]*\{"
    r"|^[ \t]*(?:exports|module\.exports)\.(\w+)[ \t]*="
    r"|^[ \t]*(\w+)[ \t]*:[ \t]*(?:async[ \t]*)?(?:function\b|\()"
    r"|^[ \t]*(?:export[ \t]+)?(?:const|let|var)[ \t]+(\w+)[ \t]*=[ \t]*(?:async[ \t]*)?(?:function\b|\()"
    r"|^[ \t]*func[ \t]+(\w+)",  # Go (goose)
    re.M,
)
#: the rollback half of a migration, by function name (Go's goose: ``downAddUsers``)
_DOWN_RE = lazy(
    r"^(?:down|downgrade|rollback|revert|backwards|reverse|undo)$|^down(?=[A-Z_0-9])", re.I
)
_NOT_FUNCS = frozenset(("if", "for", "while", "switch", "catch", "return", "function", "else"))

_STRING_RE = lazy(
    r'"""(?:.|\n)*?"""|\'\'\'(?:.|\n)*?\'\'\''  # Python triple quotes
    r"|<<[~-]?(['\"]?)([A-Z_][A-Z0-9_]*)\1[^\n]*\n((?:.|\n)*?)^[ \t]*\2\b"  # Ruby heredoc
    r"|`(?:[^`\\]|\\.)*`"  # JS template literal, Go raw string
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'',
    re.M,
)
_SQLISH_RE = lazy(r"^\s*(?:DROP|TRUNCATE|DELETE|UPDATE|ALTER|GRANT)\b", re.I)
_ARG_RE = lazy(
    r"""(?:(\w+)\s*=\s*|(\w+)\s*:\s+)?(?:"([^"]*)"|'([^']*)'|:(\w+)|`([^`]*)`|([A-Za-z_][\w.]*))"""
)
_IRREVERSIBLE_DOWN_RE = lazy(
    r"^[ \t]*def[ \t]+(?:downgrade|down)\b[^\n]*:[ \t]*(?:#[^\n]*)?\n(?:[ \t]*(?:#[^\n]*)?\n)*[ \t]*(pass|raise\b|\.\.\.)",
    re.M,
)
_RAILS_IRREVERSIBLE_RE = lazy(r"raise[ \t]+ActiveRecord::IrreversibleMigration")
_RUNPYTHON_RE = lazy(r"(?<![\w.])(?:migrations\.)?RunPython\s*\(")
_COMMENT_START_RE = lazy(r"#|//|--|^\s*\*")


def analyze(ctx: FileContext) -> Partial:
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


class _Text:
    """A segment's text with its line numbers and the functions it defines."""

    def __init__(self, seg: Segment) -> None:
        self.seg = seg
        self.text = seg.text
        self.starts = _line_starts(seg.text)
        funcs = [
            (m.start(), next(g for g in m.groups() if g)) for m in _FUNC_RE.finditer(self.text)
        ]
        self.funcs = [(pos, fn) for pos, fn in funcs if fn.lower() not in _NOT_FUNCS]
        self.func_pos = [p for p, _fn in self.funcs]

    def line_at(self, pos: int) -> int | None:
        return self.seg.line_of(bisect.bisect_right(self.starts, pos) - 1)

    def function_at(self, pos: int) -> str:
        i = bisect.bisect_right(self.func_pos, pos) - 1
        return self.funcs[i][1] if i >= 0 else ""

    def in_comment(self, pos: int) -> bool:
        row_start = self.starts[bisect.bisect_right(self.starts, pos) - 1]
        return bool(_COMMENT_START_RE.search(self.text[row_start:pos]))


def _scan_segment(ctx: FileContext, seg: Segment, part: Partial) -> None:
    if not lines_in(ctx.added_sorted, seg.first_line, seg.first_line + seg.text.count("\n")):
        return
    t = _Text(seg)
    added = ctx.added
    for m in _OP_RE.finditer(t.text):
        line = t.line_at(m.start())
        if line is None or line not in added or t.in_comment(m.start()):
            continue
        name = m.group(1)
        op = _OPS[name]
        args = _call_args(t.text, m.end() - 1)
        target = _target(op, args)
        fn = t.function_at(m.start())
        if _DOWN_RE.match(fn):
            continue  # the rollback half undoes the upgrade: that is its job
        if target:
            part.symbols.append(Symbol(op.obj_kind, target, op.change, line))
        if not op.destructive:
            continue
        what = f"`{target}`" if target else "an object"
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
        if fn == "change" and _rails_irreversible(name, args, t.text, m.end()):
            part.signals.append(
                _irreversible(
                    line, target or None, f"`{name}` in `def change` cannot be rolled back"
                )
            )
    part.signals.extend(_embedded_sql(ctx, t, part.symbols))
    part.signals.extend(_irreversible_signals(ctx, t))


def _rails_irreversible(name: str, args: list[tuple[str | None, str]], text: str, pos: int) -> bool:
    if name in _RAILS_IRREVERSIBLE:
        return True
    positional = [v for k, v in args if k is None]
    if name == "remove_column":
        return len(positional) < 3  # without the column type, rollback cannot recreate it
    if name == "drop_table":
        eol = text.find("\n", pos)
        return " do" not in text[pos : eol if eol >= 0 else len(text)]
    return False


def _embedded_sql(ctx: FileContext, t: _Text, symbols: list[Symbol]) -> Iterator[Signal]:
    for m in _STRING_RE.finditer(t.text):
        body = _strip_quotes(m.group(3) if m.group(2) else m.group())
        if not _SQLISH_RE.match(body):
            continue
        line = t.line_at(m.start())
        last = t.line_at(m.end() - 1)
        if line is None or last is None or not lines_in(ctx.added_sorted, line, last):
            continue
        fn = t.function_at(m.start())
        if _DOWN_RE.match(fn) or _is_reverse_sql(t.text, m.start()) or t.in_comment(m.start()):
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
                yield _irreversible(line, None, "`execute` in `def change` cannot be rolled back")


def _irreversible_signals(ctx: FileContext, t: _Text) -> Iterator[Signal]:
    added = ctx.added
    for m in _IRREVERSIBLE_DOWN_RE.finditer(t.text):
        head = t.line_at(m.start())
        body = t.line_at(m.start(1))
        if (head is not None and head in added) or (body is not None and body in added):
            yield _irreversible(
                body or head,
                None,
                "the downgrade does nothing or raises: this migration cannot be rolled back",
            )
    for m in _RAILS_IRREVERSIBLE_RE.finditer(t.text):
        line = t.line_at(m.start())
        if line is not None and line in added:
            yield _irreversible(
                line, None, "raises `ActiveRecord::IrreversibleMigration`: it cannot be rolled back"
            )
    for m in _RUNPYTHON_RE.finditer(t.text):
        line = t.line_at(m.start())
        if line is None or line not in added or t.in_comment(m.start()):
            continue
        args = _call_args(t.text, m.end() - 1)
        positional = [a for a in args if a[0] is None]
        if len(positional) < 2 and not any(k == "reverse_code" for k, _v in args):
            yield _irreversible(
                line, None, "`RunPython` without a reverse function cannot be rolled back"
            )


def _irreversible(line: int | None, target: str | None, detail: str) -> Signal:
    return Signal(
        kind=DESTRUCTIVE_DATA,
        code="mig.irreversible",
        detail=detail,
        line=line,
        side="new",
        symbol=target,
        severity="medium",
    )


def _is_reverse_sql(text: str, pos: int) -> bool:
    """A string passed as ``reverse_sql=`` (Django) runs only on rollback."""
    before = text[max(0, pos - 40) : pos]
    return bool(re.search(r"reverse_sql\s*=\s*\[?\s*$", before))


def _strip_quotes(s: str) -> str:
    for q in ('"""', "'''", "`", '"', "'"):
        if len(s) >= 2 * len(q) and s.startswith(q) and s.endswith(q):
            return s[len(q) : -len(q)]
    return s


def _call_args(text: str, open_pos: int) -> list[tuple[str | None, str]]:
    """The (keyword, value) arguments of the call whose ``(`` (or first argument) is at ``open_pos``."""
    end = min(len(text), open_pos + 2000)
    depth = 0
    i = open_pos
    paren = text[open_pos] == "("
    chunk_end = end
    while i < end:
        ch = text[i]
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth <= 0 and paren:
                chunk_end = i
                break
        elif ch == "\n" and not paren and depth <= 0:
            chunk_end = i
            break
        i += 1
    inner = text[open_pos + 1 if paren else open_pos : chunk_end]
    out: list[tuple[str | None, str]] = []
    for part in split_top_level(inner):
        m = _ARG_RE.match(part.strip())
        if m is None:
            continue
        key = m.group(1) or m.group(2)
        value = next((g for g in m.groups()[2:] if g is not None), "")
        out.append((key, value))
    return out


def _target(op: _Op, args: list[tuple[str | None, str]]) -> str:
    positional = [v for k, v in args if k is None]
    keyword = {k: v for k, v in args if k is not None}
    parts: list[str] = []
    for a in op.args:
        if a.isdigit():
            i = int(a)
            v = positional[i] if i < len(positional) else ""
        else:
            v = keyword.get(a, "")
            if not v and positional:
                # Django also takes these positionally, in the documented order
                idx = op.args.index(a)
                v = positional[idx] if idx < len(positional) else ""
        if v:
            parts.append(v)
    return ".".join(parts)


def _line_starts(text: str) -> list[int]:
    starts = [0]
    pos = text.find("\n")
    while pos >= 0:
        starts.append(pos + 1)
        pos = text.find("\n", pos + 1)
    return starts
