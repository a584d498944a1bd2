"""SQL: tables, views and functions created, altered or dropped, and the destructive statements added.

Statement boundaries come from tree-sitter-sql where a segment parses cleanly, and from a
quote- and comment-aware splitter elsewhere (dialects vary: T-SQL brackets, MySQL backticks,
``$$`` bodies, fragments that start mid-statement). One regex classifier reads every statement,
so that both paths, and the SQL that migrations embed in strings, get the same verdicts.
Only statements with an added line are actions: SQL removed from a file runs nowhere.

``split`` cuts text into statements, ``classify`` says what each does (``migrations`` reads the
SQL it finds in strings with both), ``analyzer`` reads a file.
"""

from .analyzer import analyze
from .classify import SqlAction, classify, create_target, unquote
from .split import Statement, comment_spans, split_statements, split_top_level

__all__ = [
    "SqlAction",
    "Statement",
    "analyze",
    "classify",
    "comment_spans",
    "create_target",
    "split_statements",
    "split_top_level",
    "unquote",
]
