"""Dependency manifests and lockfiles: packages added, removed, bumped; runtimes; package sources.

Every manifest format is a scanner turning rows of text into ``Entry`` records (a dependency, a
runtime requirement or a package source). Only entries that contain a changed line are compared,
old side against new, so both modes agree wherever the hunk shows the entry and its section.

Lockfiles are summarised: counts of packages updated, added and removed, at most ``lockfiles.MAX_SYMBOLS``
symbols, one signal per concern. Whether a lockfile changed *without* its manifest is a question
about the whole file set, which one analyzer call cannot answer: a lockfile reports
``dep.lockfile_changed`` and the analysis pairs it with the ``dep.*`` signals of a manifest of the
same ecosystem in the same directory, reporting a lockfile-only change when there is none.

"""

from __future__ import annotations

import posixpath

from ..engine import FileContext, Partial
from .changes import changed_entries, compare, pair_entries
from .lockfiles import analyze_lockfile
from .manifests import is_library, scanner_for


def analyze(ctx: FileContext) -> Partial:
    name = posixpath.basename(ctx.path).lower()
    if ctx.role == "lockfile" or ctx.language == "lockfile":
        return analyze_lockfile(ctx, name)
    scanner = scanner_for(ctx.path)
    if scanner is None:
        return Partial()
    old = changed_entries(ctx, "old", scanner)
    new = changed_entries(ctx, "new", scanner)
    part = Partial()
    library = is_library(ctx)
    for o, n in pair_entries(old, new):
        compare(part, o, n, library=library, ctx=ctx)
    return part
