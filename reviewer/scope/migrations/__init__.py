"""Database migrations (Django, Alembic, Rails, Knex, Sequelize, TypeORM, SQL): history and destructive operations.

Runs on files under migration directories, next to the file's language analyzer. What it reads
is the shape every framework shares: an operation name on an added line (``RemoveField``,
``op.drop_table``, ``remove_column``, ``dropTable``), the arguments that follow it, and whether
it sits in the rollback half of the migration (``downgrade``, ``def down``, ``down()``), where
undoing what the upgrade created is the expected content. SQL embedded in strings goes through
the SQL analyzer's classifier. A migration file deleted or renamed rewrites history.

``analyzer`` reads a file with ``text`` (lines, functions, comments) and ``operations`` (the
table of operation names and their arguments); ``rollback`` says what cannot be undone.
"""

from .analyzer import analyze

__all__ = ["analyze"]
