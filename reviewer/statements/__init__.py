"""Risky changes are licensed by statement: one clause of the intent names the object and the action.

A clause is a sentence or a bullet of the intent (a paragraph's wrapped lines are read together;
semicolons split too). A risky signal (a deletion, a replacement, a protection turned off, a
widened permission, an environment or state change, destroyed data, a deleted CI workflow or a
switched trigger, an agent-instruction change) counts as stated only when a single clause names
**both** what the signal is about (its address, its name, its type in words, its file or folder)
**and** an action of the signal's kind ("remove", "rename", "disable", "grant" ...), the two close
together (four words before the verb to six after). The license quotes that clause. Words elsewhere
in the text, in another clause, in the diff's deleted lines, or a vague verb ("update", "clean up",
"tidy") license nothing; more text can only add clauses, and a clause licenses only what it states,
so padding an intent never makes the reviewer less sensitive. A clause that names the object with a vague verb is
a near miss: the finding stays and says which phrase came close.

The parts, in the order a reading uses them: ``verbs`` (which verbs state each kind of change, and
which signals need a statement), ``objects`` (what a clause may call the object), ``clauses`` (the
intent cut into clauses) and ``reading`` (one signal read against them). Importers use the names
this package exports.
"""

from __future__ import annotations

from .clauses import Clause, clauses, stating_text
from .objects import object_names
from .reading import Reading, quote, read
from .verbs import STATED_KINDS, action_of, needs_statement

__all__ = [
    "STATED_KINDS",
    "Clause",
    "Reading",
    "action_of",
    "clauses",
    "needs_statement",
    "object_names",
    "quote",
    "read",
    "stating_text",
]
