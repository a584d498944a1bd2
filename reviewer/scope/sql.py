"""SQL: tables, views and functions created, altered or dropped, and the destructive statements added.

Statement boundaries come from tree-sitter-sql where a segment parses cleanly, and from a
quote- and comment-aware splitter elsewhere (dialects vary: T-SQL brackets, MySQL backticks,
``$$`` bodies, fragments that start mid-statement). One regex classifier reads every statement,
so that both paths, and the SQL that migrations embed in strings, get the same verdicts.
Only statements with an added line are actions: SQL removed from a file runs nowhere.
"""

from __future__ import annotations

import bisect
import posixpath
import re
from collections.abc import Iterator

from ..models import (
    DESTRUCTIVE_DATA,
    PERMISSION_WIDENING,
    Severity,
    Side,
    Signal,
    Symbol,
    SymbolChange,
)
from ..record import record
from ..rx import lazy
from .engine import (
    Definition,
    FileContext,
    Partial,
    Segment,
    any_in,
    captures,
    cosmetic_level,
    diff_definitions,
    digest,
)

# --- splitting --------------------------------------------------------------------------------------

_TOKEN_RE = lazy(
    r"'(?:[^']|'')*'?"  # string
    r'|"(?:[^"]|"")*"?'  # quoted identifier
    r"|`[^`]*`?"
    r"|\$((?:[A-Za-z_]\w*)?)\$(?:.|\n)*?(?:\$\1\$|\Z)"  # dollar-quoted body
    r"|--[^\n]*|#(?![>{])[^\n]*"  # line comments (MySQL allows #)
    r"|/\*(?:.|\n)*?(?:\*/|\Z)"
    r"|;"
    r"|^[ \t]*GO[ \t]*$",  # T-SQL batch separator
    re.M | re.I,
)
_MAX_STATEMENT = 200_000


@record
class Statement:
    start: int  # character offsets in the text it was split from
    end: int
    text: str  # comments removed, whitespace squashed


def split_statements(text: str) -> list[Statement]:
    """Split SQL text into statements; comments are dropped, strings kept."""
    out: list[Statement] = []
    parts: list[str] = []
    start = None
    pos = 0
    for m in _TOKEN_RE.finditer(text):
        chunk = text[pos : m.start()]
        if chunk.strip() and start is None:
            start = pos + len(chunk) - len(chunk.lstrip())
        parts.append(chunk)
        tok = m.group()
        if tok == ";" or (tok.strip().upper() == "GO" and tok.strip()):
            _emit(out, parts, start, m.start())
            parts, start = [], None
        elif tok[:2] in ("--", "/*") or tok[:1] == "#":
            parts.append(" ")
        else:
            if start is None:
                start = m.start()
            parts.append(tok)
        pos = m.end()
    tail = text[pos:]
    if tail.strip() and start is None:
        start = pos + len(tail) - len(tail.lstrip())
    parts.append(tail)
    _emit(out, parts, start, len(text))
    return out


def _emit(out: list[Statement], parts: list[str], start: int | None, end: int) -> None:
    if start is None:
        return
    text = " ".join("".join(parts).split())[:_MAX_STATEMENT]
    if text:
        out.append(Statement(start, end, text))


def comment_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the comments in ``text``."""
    return [
        (m.start(), m.end())
        for m in _TOKEN_RE.finditer(text)
        if m.group()[:2] in ("--", "/*") or m.group()[:1] == "#"
    ]


# --- classifying --------------------------------------------------------------------------------------

_ID = r'(?:`[^`]+`|"[^"]+"|\[[^\]]+\]|[\w$]+)'
_NAME = rf"{_ID}(?:\s*\.\s*{_ID})*"
_OBJECTS = r"TABLE|DATABASE|SCHEMA|VIEW|MATERIALIZED\s+VIEW|INDEX|FUNCTION|PROCEDURE|TRIGGER|SEQUENCE|TYPE|DOMAIN|EXTENSION|USER|ROLE|COLUMN|COLLECTION"

_DROP_RE = lazy(
    rf"^DROP\s+(?:TEMPORARY\s+)?({_OBJECTS})\s+(?:CONCURRENTLY\s+)?(?:IF\s+EXISTS\s+)?({_NAME}(?:\s*,\s*{_NAME})*)",
    re.I,
)
_TRUNCATE_RE = lazy(rf"^TRUNCATE\s+(?:TABLE\s+)?(?:ONLY\s+)?({_NAME}(?:\s*,\s*{_NAME})*)", re.I)
_DELETE_RE = re.compile(rf"^DELETE\s+(?:FROM\s+)?(?:ONLY\s+)?({_NAME})", re.I)
_UPDATE_RE = re.compile(rf"^UPDATE\s+(?:ONLY\s+)?({_NAME})(?:\s+(?:AS\s+)?{_ID})?\s+SET\b", re.I)
#: statements that write every row of a table unless a WHERE narrows them
_ROW_WRITES = (
    ("DELETE", _DELETE_RE, "sql.delete_all", "deletes every row of"),
    ("UPDATE", _UPDATE_RE, "sql.update_all", "rewrites every row of"),
)
_WHERE_RE = lazy(r"\bWHERE\b|\bLIMIT\b", re.I)
_ALTER_TABLE_RE = lazy(
    rf"^ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?({_NAME})\s*(.*)$", re.I | re.S
)
_ALTER_OTHER_RE = lazy(rf"^ALTER\s+({_OBJECTS})\s+(?:IF\s+EXISTS\s+)?({_NAME})", re.I)
_CREATE_RE = lazy(
    r"^CREATE\s+(?:OR\s+REPLACE\s+)?(?:(?:GLOBAL|LOCAL|TEMP|TEMPORARY|UNLOGGED|UNIQUE|CLUSTERED|NONCLUSTERED|"
    r"RECURSIVE|DEFINER\s*=\s*\S+|SQL\s+SECURITY\s+\w+|ALGORITHM\s*=\s*\w+)\s+)*"
    rf"(MATERIALIZED\s+VIEW|TABLE|VIEW|FUNCTION|PROCEDURE|INDEX|TRIGGER|SCHEMA|DATABASE|SEQUENCE|TYPE|DOMAIN)\s+"
    rf"(?:CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?(?:(?!ON\s)({_NAME}))?(?:\s*\bON\s+(?:ONLY\s+)?({_NAME}))?",
    re.I,
)
_GRANT_RE = lazy(r"^GRANT\s+(.*?)\s+ON\s+(.*?)\s+TO\s+(.*)$", re.I | re.S)
_SUPERUSER_RE = lazy(r"^ALTER\s+(?:ROLE|USER)\s+(\S+)\s+.*\b(SUPERUSER|BYPASSRLS)\b", re.I)
_DROP_ACTION_RE = lazy(
    rf"^DROP\s+(?:(COLUMN)\s+)?(?:IF\s+EXISTS\s+)?(CONSTRAINT\s+|INDEX\s+|KEY\s+|PRIMARY\s+KEY|FOREIGN\s+KEY\s+|PARTITION\s+)?({_NAME})?",
    re.I,
)
_TYPE_ACTION_RE = lazy(
    rf"^(?:ALTER\s+(?:COLUMN\s+)?({_ID})\s+(?:SET\s+DATA\s+)?TYPE\b|MODIFY\s+(?:COLUMN\s+)?({_ID})\s|CHANGE\s+(?:COLUMN\s+)?({_ID})\s)",
    re.I,
)
_STATEMENT_KINDS = {"MATERIALIZED VIEW": "view"}
_HIGH_DROPS = frozenset(("table", "database", "schema", "view", "column", "collection"))


@record
class SqlAction:
    """What one statement does: a symbol change, and a signal when it is risky."""

    obj_kind: str  # table, view, column, function, index, ...
    obj_name: str
    change: SymbolChange
    code: str | None = None  # sql.* signal code, None when nothing risky
    kind: str | None = None  # change-kind id
    severity: Severity = "low"
    detail: str = ""


def unquote(name: str) -> str:
    parts = re.split(r"\s*\.\s*", name.strip())
    return ".".join(p.strip('`"[]') for p in parts)


def _kind_of(word: str) -> str:
    w = " ".join(word.upper().split())
    return _STATEMENT_KINDS.get(w, w.lower())


def _names(text: str) -> list[str]:
    return [unquote(n) for n in re.findall(_NAME, text) if n.upper() not in ("CASCADE", "RESTRICT")]


def classify(statement: str) -> list[SqlAction]:
    """What a statement (comments stripped, as ``split_statements`` gives it) does."""
    s = statement.strip()
    head = s[:12].upper()
    if head.startswith("DROP"):
        return _drop(s)
    if head.startswith("TRUNCATE"):
        m = _TRUNCATE_RE.match(s)
        if m is None:
            return []
        return [
            SqlAction(
                "table",
                n,
                "modified",
                "sql.truncate",
                DESTRUCTIVE_DATA,
                "high",
                f"empties table `{n}`",
            )
            for n in _names(m.group(1))
        ]
    for verb, rx, code, what in _ROW_WRITES:
        if not head.startswith(verb):
            continue
        m = rx.match(s)
        if m is None:
            return []
        n = unquote(m.group(1))
        if _WHERE_RE.search(s):
            return [SqlAction("table", n, "modified")]
        detail = f"{what} `{n}` (no WHERE clause)"
        return [SqlAction("table", n, "modified", code, DESTRUCTIVE_DATA, "high", detail)]
    if head.startswith("ALTER"):
        return _alter(s)
    if head.startswith("CREATE"):
        c = create_target(s)
        return [] if c is None else [SqlAction(c[0], c[1], "added")]
    if head.startswith("GRANT"):
        return _grant(s)
    return []


def create_target(statement: str) -> tuple[str, str] | None:
    """(kind, name) of the object a CREATE statement defines."""
    m = _CREATE_RE.match(statement.strip())
    if m is None:
        return None
    kind = _kind_of(m.group(1))
    if m.group(2):
        return kind, unquote(m.group(2))
    if m.group(3):
        return kind, unquote(m.group(3))  # an unnamed index is known by its table
    return None


def _drop(s: str) -> list[SqlAction]:
    m = _DROP_RE.match(s)
    if m is None:
        return []
    kind = _kind_of(m.group(1))
    sev: Severity = "high" if kind in _HIGH_DROPS else "medium"
    return [
        SqlAction(kind, n, "deleted", "sql.drop", DESTRUCTIVE_DATA, sev, f"drops {kind} `{n}`")
        for n in _names(m.group(2))
    ]


def _alter(s: str) -> list[SqlAction]:
    su = _SUPERUSER_RE.match(s)
    if su is not None:
        n = unquote(su.group(1))
        return [
            SqlAction(
                "role",
                n,
                "modified",
                "sql.superuser",
                PERMISSION_WIDENING,
                "high",
                f"gives `{n}` {su.group(2).upper()}",
            )
        ]
    m = _ALTER_TABLE_RE.match(s)
    if m is None:
        o = _ALTER_OTHER_RE.match(s)
        return (
            [] if o is None else [SqlAction(_kind_of(o.group(1)), unquote(o.group(2)), "modified")]
        )
    table = unquote(m.group(1))
    out = [SqlAction("table", table, "modified")]
    for action in split_top_level(m.group(2)):
        out.extend(_alter_action(table, action.strip()))
    return out


def _alter_action(table: str, action: str) -> Iterator[SqlAction]:
    upper = action[:40].upper()
    if upper.startswith("DROP"):
        d = _DROP_ACTION_RE.match(action)
        if d is None:
            return
        what = (d.group(2) or "").strip().upper()
        name = unquote(d.group(3) or "")
        if what in ("", "COLUMN") or d.group(1):
            if name.upper() in ("DEFAULT", "NOT", "IDENTITY", "EXPRESSION"):
                return
            yield SqlAction(
                "column",
                f"{table}.{name}",
                "deleted",
                "sql.alter_drop",
                DESTRUCTIVE_DATA,
                "high",
                f"drops column `{name}` of `{table}`",
            )
        elif what.startswith("PARTITION"):
            yield SqlAction(
                "table",
                table,
                "modified",
                "sql.alter_drop",
                DESTRUCTIVE_DATA,
                "high",
                f"drops partition `{name}` of `{table}` and its rows",
            )
        else:
            label = what.split()[0].lower()
            yield SqlAction(
                "table",
                table,
                "modified",
                "sql.alter_drop",
                DESTRUCTIVE_DATA,
                "medium",
                f"drops {label} `{name}` of `{table}`" if name else f"drops a {label} of `{table}`",
            )
        return
    t = _TYPE_ACTION_RE.match(action)
    if t is not None:
        col = unquote(t.group(1) or t.group(2) or t.group(3) or "")
        yield SqlAction(
            "column",
            f"{table}.{col}",
            "modified",
            "sql.alter_type",
            DESTRUCTIVE_DATA,
            "medium",
            f"changes the type of `{table}.{col}`: values may be cast or truncated",
        )
    elif "DISABLE ROW LEVEL SECURITY" in " ".join(action.upper().split()):
        yield SqlAction(
            "table",
            table,
            "modified",
            "sql.rls_disabled",
            PERMISSION_WIDENING,
            "high",
            f"turns off row-level security on `{table}`",
        )


def split_top_level(text: str) -> list[str]:
    """Split on commas outside brackets and quotes (ALTER TABLE actions, call arguments)."""
    out: list[str] = []
    depth = 0
    start = 0
    quote = ""
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"`":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(0, depth - 1)
        elif ch == "," and depth == 0:
            out.append(text[start:i])
            start = i + 1
    out.append(text[start:])
    return out


def _grant(s: str) -> list[SqlAction]:
    m = _GRANT_RE.match(s)
    if m is None:
        return []
    privileges, target, grantees = m.group(1), m.group(2), m.group(3)
    target_name = unquote(target.split()[-1]) if target.split() else "?"
    out: list[SqlAction] = []
    if re.match(r"^ALL\b", privileges.strip(), re.I):
        out.append(
            SqlAction(
                "grant",
                target_name,
                "added",
                "sql.grant_all",
                PERMISSION_WIDENING,
                "high",
                f"grants ALL privileges on `{target.strip()}`",
            )
        )
    if re.search(r"\bPUBLIC\b", grantees, re.I):
        out.append(
            SqlAction(
                "grant",
                target_name,
                "added",
                "sql.grant_public",
                PERMISSION_WIDENING,
                "high",
                f"grants privileges on `{target.strip()}` to PUBLIC",
            )
        )
    return out


# --- the analyzer ----------------------------------------------------------------------------------

_DOWN_MARKER_RE = lazy(r"^\s*--\s*(?:\+goose\s+down|\+migrate\s+down|migrate:down)\b", re.I | re.M)
_UP_MARKER_RE = lazy(r"^\s*--\s*(?:\+goose\s+up|\+migrate\s+up|migrate:up)\b", re.I | re.M)
_DOWN_PATH_RE = lazy(r"(^|[/._-])(down|rollback|revert)([/._-]|$)", re.I)


@record
class _Stmt:
    first: int  # real line numbers
    last: int
    head: int  # line of the statement's first word
    virtual: bool  # begins on the hunk's section heading
    text: str
    down: bool  # only runs when a migration is rolled back


def _statements(ctx: FileContext, side: Side) -> list[_Stmt]:
    out: list[_Stmt] = []
    down_file = (
        bool(_DOWN_PATH_RE.search(posixpath.basename(ctx.path))) or "/down/" in ctx.path.lower()
    )
    for seg, clean in _spans(ctx, side):
        text = seg.text
        starts = _line_starts(text)
        down_at = _down_sections(text)
        for st in clean:
            row0 = bisect.bisect_right(starts, st.start) - 1
            row1 = bisect.bisect_right(starts, max(st.start, st.end - 1)) - 1
            first = seg.clamp_line(row0)
            out.append(
                _Stmt(
                    first,
                    seg.clamp_line(row1),
                    first,
                    seg.heading and row0 == 0,
                    st.text,
                    down_file or any(a <= st.start < b for a, b in down_at),
                )
            )
    return out


def _spans(ctx: FileContext, side: Side) -> Iterator[tuple[Segment, list[Statement]]]:
    """Statements of each segment: tree-sitter's where it parses cleanly, the splitter's elsewhere."""
    for seg, tree in ctx.trees(side, "sql"):
        root = tree.root_node
        if root.has_error:
            yield seg, split_statements(seg.text)
            continue
        raw = seg.text.encode("utf-8", "replace")
        stmts: list[Statement] = []
        for node in captures("sql", "(program (statement) @s)", root).get("s", []):
            piece = raw[node.start_byte : node.end_byte].decode("utf-8", "replace")
            start = len(raw[: node.start_byte].decode("utf-8", "replace"))
            stmts.extend(
                Statement(start + s.start, start + s.end, s.text) for s in split_statements(piece)
            )
        stmts.sort(key=lambda s: s.start)
        yield seg, stmts


def _line_starts(text: str) -> list[int]:
    starts = [0]
    pos = text.find("\n")
    while pos >= 0:
        starts.append(pos + 1)
        pos = text.find("\n", pos + 1)
    return starts


def _down_sections(text: str) -> list[tuple[int, int]]:
    """Character ranges of ``-- +goose Down`` style sections (they run only on rollback)."""
    downs = [m.start() for m in _DOWN_MARKER_RE.finditer(text)]
    if not downs:
        return []
    ups = [m.start() for m in _UP_MARKER_RE.finditer(text)]
    out = []
    for d in downs:
        nxt = min((u for u in ups if u > d), default=len(text))
        out.append((d, nxt))
    return out


def analyze(ctx: FileContext) -> Partial:
    part = Partial()
    old = _statements(ctx, "old")
    new = _statements(ctx, "new")
    removed = [n for n in ctx.removed_sorted if ctx.removed[n].strip()]
    added = [n for n in ctx.added_sorted if ctx.added[n].strip()]
    changes, _o, _n = diff_definitions(
        _definitions(old),
        _definitions(new),
        removed,
        added,
        removed_set=ctx.removed,
        added_set=ctx.added,
    )
    part.symbols.extend(sym for sym, _od, _nd in changes)
    seen = {(s.kind, s.name) for s in part.symbols}
    for st in new:
        if not any_in(ctx.added_sorted, st.first, st.last):
            continue
        if st.down:
            continue  # undoing what the up section creates is what a rollback section is for
        for action in classify(st.text):
            if action.change != "added" and (action.obj_kind, action.obj_name) not in seen:
                seen.add((action.obj_kind, action.obj_name))
                part.symbols.append(
                    Symbol(action.obj_kind, action.obj_name, action.change, st.head)
                )
            if action.code is None or action.kind is None:
                continue
            part.signals.append(
                Signal(
                    kind=action.kind,
                    code=action.code,
                    detail=action.detail,
                    line=st.head,
                    side="new",
                    symbol=action.obj_name,
                    severity=action.severity,
                )
            )
    part.cosmetic = _cosmetic(ctx)
    return part


def _definitions(stmts: list[_Stmt]) -> list[Definition]:
    out: list[Definition] = []
    for st in stmts:
        target = None if st.down else create_target(st.text)
        if target is None:
            continue
        kind, name = target
        body = st.text.split(None, 1)[-1]
        body = (
            body[body.upper().find(name.upper()) + len(name) :]
            if name.upper() in body.upper()
            else body
        )
        out.append(
            Definition(
                kind=kind,
                name=name,
                start=st.first,
                end=st.last,
                head=st.head,
                digest="" if st.virtual else digest(f"{kind} {body}"),
                virtual=st.virtual,
            )
        )
    return out


def _cosmetic(ctx: FileContext) -> str | None:
    if ctx.status not in ("modified", "renamed"):
        return None
    spans: list[dict[int, list[tuple[int, int]]]] = []
    for side in ("old", "new"):
        changed = ctx.changed(side)
        found: dict[int, list[tuple[int, int]]] = {}
        for seg in ctx.segments(side):
            rows = seg.text.split("\n")
            starts = _line_starts(seg.text)
            for a, b in comment_spans(seg.text):
                r0 = bisect.bisect_right(starts, a) - 1
                r1 = bisect.bisect_right(starts, max(a, b - 1)) - 1
                for r in range(r0, r1 + 1):
                    line = seg.line_of(r)
                    if line is None or line not in changed or r >= len(rows):
                        continue
                    c0 = a - starts[r] if r == r0 else 0
                    c1 = b - starts[r] if r == r1 else len(rows[r])
                    row = rows[r]
                    found.setdefault(line, []).append(
                        (
                            len(row[:c0].encode("utf-8", "replace")),
                            len(row[:c1].encode("utf-8", "replace")),
                        )
                    )
        spans.append(found)
    return cosmetic_level(ctx, (spans[0], spans[1]))
