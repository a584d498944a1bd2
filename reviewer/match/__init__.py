"""Intent vs. scope: which files and changes the stated intent explains, and why. Pure.

A reviewer explains a changed file the way a person would: the intent names its path or component,
one of its symbols, or something its changed lines contain; or the file follows a change that is
explained (its test, its changelog entry, the README rows of a new input, a lockfile after a bump);
or the intent's size and kind fit it (a typo fix that only touches comments). A risky change inside
an explained file is licensed only when the intent both points at it and says that kind of thing
(a deletion needs "remove", "drop", "replace" ... about that resource).

The steps, in the order :func:`match` runs them: ``intent_words`` (the intent as weighted words),
``evidence`` (what each file offers), ``explain`` (each file on its own, with ``conventional``
titles and version ``bumps``), ``companions`` (files that follow an explained one) and
``licensing`` (which risky signals the intent licenses; ``statements`` reads the clauses).
"""

from __future__ import annotations

from ..models import Diff, Intent, Scope
from ..paths import component
from ..record import field, record
from ..statements import Reading
from .companions import (
    explain_followers,
    explain_neighbours,
    explain_repeated_edits,
    stem_of,
    tests_one_of,
)
from .evidence import (
    Evidence,
    evidence,
    missing_targets,
    names_a_part,
    specific_targets,
    terms_of_path,
)
from .explain import FileMatch, area_of, explain_file, hits_in_path
from .intent_words import IntentTerms, intent_terms
from .licensing import SignalKey, license_signals

__all__ = ["FileMatch", "IntentTerms", "Match", "match", "stem_of", "tests_one_of"]


@record
class Match:
    files: dict[str, FileMatch]
    #: by (path, signal): whether the intent licenses it
    licensed: dict[SignalKey, bool]
    intent_terms: IntentTerms
    missing_targets: tuple[str, ...]
    #: how the intent reads each risky signal (statements/): the clause that states it, or came close
    readings: dict[SignalKey, Reading] = field(default_factory=dict)


def match(intent: Intent, scope: Scope, diff: Diff, *, ignored: set[str] | None = None) -> Match:
    it = intent_terms(intent)
    by_path = {f.path: f for f in diff.files}
    evs: dict[str, Evidence] = {}
    for fs in scope.files:
        fd = by_path.get(fs.path)
        evs[fs.path] = (
            evidence(fd, fs, flags=bool(it.flags))
            if fd is not None
            else Evidence(path_terms=terms_of_path(fs.path))
        )

    missing = missing_targets(intent, it, evs)
    # when the intent names specific things and the change contains none of them, only strong
    # evidence explains a file (a message paired with somebody else's diff still shares words)
    specific = {t for t in specific_targets(it) if names_a_part(t, intent.title)}
    strict = bool(specific) and len(missing) == len(specific)

    # components the intent names by path: a sibling component needs evidence of its own
    path_hits = {fs.path: hits_in_path(it, evs[fs.path].path_terms) for fs in scope.files}
    anchored = {
        component(p) for p, hits in path_hits.items() if component(p) and component(p) in hits
    }
    anchored_areas = {area_of(p) for p in path_hits if component(p) in anchored}

    results: dict[str, FileMatch] = {}
    leading = [f for f in scope.files if f.role != "test"] or list(scope.files)
    for fs in scope.files:
        ev = evs[fs.path]
        if ignored and fs.path in ignored:
            results[fs.path] = FileMatch(True, ("ignored by policy",), 0.0)
            continue
        results[fs.path] = explain_file(
            fs,
            ev,
            it,
            intent,
            path_hits[fs.path],
            anchored,
            anchored_areas,
            strict,
            # a change's tests follow it: the one file besides them is still the only one meant
            alone=fs.role != "test" and len(leading) == 1,
        )
    explain_neighbours(scope, evs, results, it, anchored)
    explain_repeated_edits(scope, evs, results, anchored)
    explain_followers(scope, evs, results, it)
    readings: dict[SignalKey, Reading] = {}
    licensed = license_signals(scope, evs, results, it, intent, readings)
    return Match(results, licensed, it, missing, readings)
