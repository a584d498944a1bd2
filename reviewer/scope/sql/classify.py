"""What one statement does: the object it creates, alters or drops, and whether that is risky."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...models import DESTRUCTIVE_DATA, PERMISSION_WIDENING, Severity, SymbolChange
from ...record import record
from ...rx import lazy
from .split import split_top_level

_ID = r'(?:`[^`]+`|"[^"]+"|\[[^\]]+\]|[\w$]+)'
_NAME = rf"{_ID}(?:\s*\.\s*{_ID})*"
_OBJECTS = r"TABLE|DATABASE|SCHEMA|VIEW|MATERIALIZED\s+VIEW|INDEX|FUNCTION|PROCEDURE|TRIGGER|SEQUENCE|TYPE|DOMAIN|EXTENSION|USER|ROLE|COLUMN|COLLECTION"

_DROP_RE = lazy(
    rf"^DROP\s+(?:TEMPORARY\s+)?({_OBJECTS})\s+(?:CONCURRENTLY\s+)?(?:IF\s+EXISTS\s+)?({_NAME}(?:\s*,\s*{_NAME})*)",
    re.I,
)
_TRUNCATE_RE = lazy(rf"^TRUNCATE\s+(?:TABLE\s+)?(?:ONLY\s+)?({_NAME}(?:\s*,\s*{_NAME})*)", re.I)
_DELETE_RE = lazy(rf"^DELETE\s+(?:FROM\s+)?(?:ONLY\s+)?({_NAME})", re.I)
_UPDATE_RE = lazy(rf"^UPDATE\s+(?:ONLY\s+)?({_NAME})(?:\s+(?:AS\s+)?{_ID})?\s+SET\b", re.I)
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
    """A (dotted) name without its quotes, backticks or brackets."""
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
