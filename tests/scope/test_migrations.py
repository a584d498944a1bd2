from __future__ import annotations

from pathlib import Path

import pytest

from reviewer.models import FileScope
from tests.helpers import scope_both

GOLDEN = Path(__file__).parent / "golden" / "migrations"


def _mig(fs: FileScope) -> set[tuple[str, str]]:
    return {(s.code, s.severity) for s in fs.signals if s.code.startswith("mig.")}


def test_editing_an_old_migration_shows_only_what_the_edit_adds() -> None:
    old = (
        "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n"
        "    operations = [\n        migrations.AddField(model_name='a', name='b', field=None),\n    ]\n"
    )
    new = old.replace(
        "AddField(model_name='a', name='b', field=None)", "RemoveField(model_name='a', name='b')"
    )
    for fs in scope_both("app/migrations/0003_x.py", old, new):
        assert _mig(fs) == {("mig.remove_field", "high")}
        assert ("field", "a.b", "deleted") in {(s.kind, s.name, s.change) for s in fs.symbols}


def test_rollback_half_seen_only_through_the_hunk_heading() -> None:
    up = "".join(f"    op.add_column('t', sa.Column('c{i}', sa.Integer()))\n" for i in range(12))
    down = "".join(f"    op.drop_column('t', 'c{i}')\n" for i in range(12))
    old = f"def upgrade():\n{up}\n\ndef downgrade():\n{down}"
    new = old.replace("op.drop_column('t', 'c9')", "op.drop_column('t', 'c99')")
    full, hunks = scope_both("alembic/versions/1_x.py", old, new)
    for fs in (full, hunks):
        assert _mig(fs) == set()
        assert not [s for s in fs.symbols if s.kind == "column"]


def test_renamed_migration_rewrites_history() -> None:
    from reviewer.diff import parse_diff
    from reviewer.scope import scope_file

    diff = (
        "diff --git a/db/migrate/20240101_a.rb b/db/migrate/20240301_a.rb\n"
        "similarity index 90%\nrename from db/migrate/20240101_a.rb\nrename to db/migrate/20240301_a.rb\n"
        "--- a/db/migrate/20240101_a.rb\n+++ b/db/migrate/20240301_a.rb\n"
        "@@ -1,3 +1,3 @@\n class A < ActiveRecord::Migration[7.1]\n-  # first\n+  # second\n end\n"
    )
    fs = scope_file(parse_diff(diff).files[0], None)
    assert fs.status == "renamed"
    assert _mig(fs) == {("mig.renamed", "high")}


def test_comments_and_docs_in_migration_dirs() -> None:
    new = "# op.drop_table('users') is what we must never do\n# DROP TABLE users;\n"
    for fs in scope_both("alembic/versions/2_note.py", None, new):
        assert _mig(fs) == set()
    for fs in scope_both("db/migrate/README.md", None, "Never `drop_table :users` here.\n"):
        assert _mig(fs) == set()


_FRAGMENTS = [
    "",
    "migrations.RemoveField(",
    "op.drop_table(" + "(" * 3000,
    "drop_table " + ":x, " * 5000 + "\n",
    "def downgrade():\n",
    "execute <<~SQL\nDROP TABLE x;\n",
    "queryRunner.query(`DROP TABLE " + "y" * 200_000 + "`)\n",
    "\ufffd\ufffd RunPython(\r\n",
]


@pytest.mark.parametrize("index", range(len(_FRAGMENTS)))
def test_fragments_never_raise(index: int) -> None:
    text = _FRAGMENTS[index]
    for path in ("app/migrations/0001_x.py", "db/migrate/1_x.rb", "migrations/1.js"):
        if text:
            scope_both(path, None, text)
        scope_both(path, "x = 1\n", text + "\n")


def test_a_migration_known_by_its_name_is_read_as_one() -> None:
    # a generator's template for a migration lives outside any migrations directory
    old = (
        "class AddDeviseTo<%= table_name.camelize %> < ActiveRecord::Migration\n"
        "  def self.up\n    add_column :<%= table_name %>, :email, :string\n  end\n\n"
        "  def self.down\n    raise ActiveRecord::IrreversibleMigration\n  end\nend\n"
    )
    new = old.replace("raise ActiveRecord::IrreversibleMigration", "drop_table :<%= table_name %>")
    path = "lib/generators/active_record/templates/migration_existing.rb"
    full, _ = scope_both(path, old, new)
    assert ("mig.drop_table", "high") in _mig(full)
