from __future__ import annotations

from pathlib import Path

import pytest

from reviewer.models import FileScope
from reviewer.scope.sql import classify, create_target, split_statements
from tests.helpers import scope_both

GOLDEN = Path(__file__).parent / "golden" / "sql"


def _codes(fs: FileScope) -> set[tuple[str, str]]:
    return {(s.code, s.severity) for s in fs.signals}


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        (
            "DROP TABLE IF EXISTS a.b, c CASCADE",
            [("sql.drop", "table", "a.b"), ("sql.drop", "table", "c")],
        ),
        ("drop schema reporting", [("sql.drop", "schema", "reporting")]),
        ("DROP MATERIALIZED VIEW mv", [("sql.drop", "view", "mv")]),
        ("DROP INDEX CONCURRENTLY idx", [("sql.drop", "index", "idx")]),
        (
            "TRUNCATE ONLY t1, t2",
            [("sql.truncate", "table", "t1"), ("sql.truncate", "table", "t2")],
        ),
        ("DELETE FROM t", [("sql.delete_all", "table", "t")]),
        ("DELETE t FROM t JOIN s ON s.id = t.id WHERE s.gone", [(None, "table", "t")]),
        ("UPDATE t SET a = 1", [("sql.update_all", "table", "t")]),
        ("UPDATE t AS x SET a = 1 WHERE x.id = 2", [(None, "table", "t")]),
        ("ALTER TABLE t ALTER COLUMN a DROP NOT NULL", [(None, "table", "t")]),
        ("ALTER TABLE t RENAME COLUMN a TO b", [(None, "table", "t")]),
        (
            "ALTER TABLE t DROP CONSTRAINT t_fk",
            [(None, "table", "t"), ("sql.alter_drop", "table", "t")],
        ),
        ("GRANT SELECT ON t TO reporting", []),
        ('CREATE TABLE IF NOT EXISTS "s"."t" (id int)', [(None, "table", "s.t")]),
        ("SELECT 1", []),
        ("", []),
    ],
)
def test_classify(statement: str, expected: list[tuple[str | None, str, str]]) -> None:
    assert [(a.code, a.obj_kind, a.obj_name) for a in classify(statement)] == expected


def test_splitting_respects_strings_comments_and_bodies() -> None:
    text = (
        "INSERT INTO t VALUES ('a;b'); -- DROP TABLE x;\n"
        "/* TRUNCATE y; */\n"
        "CREATE FUNCTION f() RETURNS int AS $body$ DELETE FROM z; $body$ LANGUAGE sql;\n"
        'SELECT "weird;name" FROM t'
    )
    texts = [s.text for s in split_statements(text)]
    assert texts == [
        "INSERT INTO t VALUES ('a;b')",
        "CREATE FUNCTION f() RETURNS int AS $body$ DELETE FROM z; $body$ LANGUAGE sql",
        'SELECT "weird;name" FROM t',
    ]
    assert create_target(texts[1]) == ("function", "f")


def test_removed_statements_are_not_actions() -> None:
    old = "DROP TABLE a;\nSELECT 1;\n"
    new = "SELECT 1;\n"
    for fs in scope_both("x.sql", old, new):
        assert fs.signals == ()


def test_long_create_table_named_from_the_section_heading() -> None:
    cols = "".join(f"  c{i} int,\n" for i in range(20))
    old = f"CREATE TABLE wide (\n{cols}  last int\n);\n"
    new = old.replace("  c15 int,\n", "  c15 bigint,\n")
    full, hunks = scope_both("schema.sql", old, new)
    assert [(s.kind, s.name, s.change) for s in full.symbols] == [("table", "wide", "modified")]
    assert [(s.kind, s.name, s.change) for s in hunks.symbols] == [("table", "wide", "modified")]


_FRAGMENTS = [
    "",
    ";;;;",
    "'unterminated\n",
    "$$ body without end\n",
    "/* open comment\nDROP TABLE x;\n",
    "DROP TABLE " + "x" * 300_000 + ";\n",
    "(" * 5000 + ")" * 5000 + ";\n",
    "DELETE FROM \ufffd\ufffd;\r\n",
    "GO\nGO\n",
    "ALTER TABLE t " + ", ".join(f"DROP COLUMN c{i}" for i in range(2000)) + ";\n",
]


@pytest.mark.parametrize("index", range(len(_FRAGMENTS)))
def test_fragments_never_raise(index: int) -> None:
    text = _FRAGMENTS[index]
    other = "SELECT 1;\n"
    for old, new in ((text, other), (other, text), (None, text)):
        if old == new or (old is None and not new):
            continue
        scope_both("f.sql", old, new)
    for st in split_statements(text):
        classify(st.text)
