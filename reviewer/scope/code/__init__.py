"""Scope of source code: definitions, signatures, imports, module statements, public API.

A language is a ``CodeSpec`` (``spec``): tree-sitter queries plus a few conventions (what
qualifies a name, what makes a symbol public). The algorithm is shared by every language; in the
order a file goes through it:

- ``trees``: the trees a language reads (hunk fragments repaired by ``fragments``) and the one
  query that finds definitions, containers, imports, comments and strings around the changes;
- ``definitions``: each side's definitions, qualified by their containers, with signatures;
- ``analyzer``: symbol changes, imports and module statements of one file, judged by ``api``
  (public API signals) and ``cosmetic`` (whitespace, comment or string only changes).
"""

from .analyzer import analyze, analyzer
from .definitions import definitions, parents
from .fragments import FragmentSyntax, repair_fragment, unclosed_brackets
from .spec import SENTINEL, CodeSpec, PublicRule
from .trees import changed_rows, spec_trees

__all__ = [
    "SENTINEL",
    "CodeSpec",
    "FragmentSyntax",
    "PublicRule",
    "analyze",
    "analyzer",
    "changed_rows",
    "definitions",
    "parents",
    "repair_fragment",
    "spec_trees",
    "unclosed_brackets",
]
