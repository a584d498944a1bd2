"""Migration operations by name (``RemoveField``, ``op.drop_table``, ``dropTable`` ...): what each
does, and the object its arguments name."""

from __future__ import annotations

from ...models import Severity, SymbolChange
from ...record import record
from ...rx import lazy
from ..sql import split_top_level


@record
class Op:
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
) -> Op:
    return Op(code, sev, verb, kind, change, args, destructive)


# operation name -> meaning; args name where the table/model and the column/field are
OPS: dict[str, Op] = {
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
OP_RE = lazy(
    r"(?<![\w$])(?:migrations\.|op\.|queryInterface\.|queryRunner\.|knex\.schema\.|schema\.|table\.|t\.|this\.)?("
    + "|".join(sorted(OPS, key=len, reverse=True))
    + r")\b\s*[(\s]"
)
_ARG_RE = lazy(
    r"""(?:(\w+)\s*=\s*|(\w+)\s*:\s+)?(?:"([^"]*)"|'([^']*)'|:(\w+)|`([^`]*)`|([A-Za-z_][\w.]*))"""
)


def call_args(text: str, open_pos: int) -> list[tuple[str | None, str]]:
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


def target_of(op: Op, args: list[tuple[str | None, str]]) -> str:
    """The object an operation's arguments name: ``table.column``, ``model.field`` or one name."""
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
