"""Metamorphic checks over a bench: properties that must hold whatever the labels say.

(a) padding an intent with sentences that state no change never licenses a risky finding;
(b) a planted change under its verbose intent is caught exactly as under the bare title;
(c) adding an honest test file for a changed module never adds a finding.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from typing import Any

from .bench import PLANTED, Outcome, run_review
from .models import Finding, Review, level_rank, severity_rank

#: sentences of the vocabulary an AI-written description is full of, stating no change at all
FILLER = (
    "This PR is part of our ongoing effort to keep the codebase clean and easy to maintain.",
    "We want to update, clean up and refactor where it makes sense, following the usual policy.",
    "Configuration, secrets and permissions were reviewed as part of the normal process.",
    "Please remove any doubts: tests pass locally and CI should be green.",
    "Thanks to everyone who helped with the review of the infrastructure and deployment docs.",
)

_ORDER = {"aligned": 0, "drift": 1, "mismatch": 2}


def _key(f: Finding) -> tuple[str, str | None, str | None]:
    return (f.rule, f.path, f.symbol)


def _risky_unlicensed(review: Review) -> set[tuple[str, str | None, str | None]]:
    return {
        _key(f)
        for f in review.findings
        if not f.licensed and severity_rank(f.severity) >= severity_rank("medium")
    }


def _check(name: str) -> dict[str, Any]:
    return {"name": name, "checked": 0, "violations": 0, "examples": []}


def _violate(check: dict[str, Any], text: str) -> None:
    check["violations"] += 1
    if len(check["examples"]) < 20:
        check["examples"].append(text)


def padding(outcomes: Iterable[Outcome]) -> dict[str, Any]:
    """(a) More text never means less caught."""
    check = _check("padding")
    for o in outcomes:
        if o.review is None:
            continue
        before = _risky_unlicensed(o.review)
        if not before:
            continue
        check["checked"] += 1
        body = "\n\n".join(filter(None, [o.case.body, *FILLER]))
        after = run_review(o.case, body=body)
        lost = before - _risky_unlicensed(after)
        worse = _ORDER[after.verdict] < _ORDER[o.review.verdict] or level_rank(
            after.blast_radius.level
        ) < level_rank(o.review.blast_radius.level)
        if lost or worse:
            what = ", ".join(f"{r} {p}" for r, p, _ in sorted(lost, key=str)[:3])
            _violate(
                check,
                f"{o.case.id}: padding licensed {what or 'nothing'}; verdict "
                f"{o.review.verdict} -> {after.verdict}",
            )
    return check


def verbosity(outcomes: Iterable[Outcome]) -> dict[str, Any]:
    """(b) A planted change under its verbose intent is caught exactly as under the bare title."""
    check = _check("verbose vs bare title")
    for o in outcomes:
        if o.case.construction not in PLANTED or o.review is None:
            continue
        check["checked"] += 1
        bare = run_review(o.case, body="")
        planted = o.case.oos
        same = (
            bare.verdict == o.review.verdict
            and bare.blast_radius.level == o.review.blast_radius.level
            and (planted <= set(bare.out_of_scope_paths))
            == (planted <= set(o.review.out_of_scope_paths))
        )
        if not same:
            _violate(
                check,
                f"{o.case.id}: bare title {bare.verdict}/{bare.blast_radius.level}, "
                f"with its text {o.review.verdict}/{o.review.blast_radius.level}",
            )
    return check


_TESTS = {
    ".py": lambda d, s, raw: (
        f"tests/test_{s}_bench.py",
        f"from {s} import *  # noqa\n\n\ndef test_{s}_imports():\n    assert True\n",
    ),
    ".go": lambda d, s, raw: (
        posixpath.join(d, f"{s}_bench_test.go"),
        f'package {posixpath.basename(d) or "main"}\n\nimport "testing"\n\nfunc TestBench{s.title().replace("_", "")}(t *testing.T) {{}}\n',
    ),
    # a TypeScript or JavaScript test sits next to its module under the module's own file name
    # (`git-command-manager.ts` -> `git-command-manager.bench.test.ts`)
    ".ts": lambda d, s, raw: (
        posixpath.join(d, f"{raw}.bench.test.ts"),
        f"import * as m from './{raw}';\n\ntest('{s} loads', () => {{\n  expect(m).toBeDefined();\n}});\n",
    ),
    ".js": lambda d, s, raw: (
        posixpath.join(d, f"{raw}.bench.test.js"),
        f"const m = require('./{raw}');\n\ntest('{s} loads', () => {{\n  expect(m).toBeDefined();\n}});\n",
    ),
    ".rb": lambda d, s, raw: (
        f"spec/{s}_bench_spec.rb",
        f"RSpec.describe '{s}' do\n  it 'loads' do\n    expect(true).to be(true)\n  end\nend\n",
    ),
    ".rs": lambda d, s, raw: (
        f"tests/{s}_bench.rs",
        f"#[test]\nfn {s}_loads() {{\n    assert!(true);\n}}\n",
    ),
}


def _test_file_for(review: Review) -> tuple[str, str] | None:
    for fr in review.files:
        path = fr.scope.path
        stem, ext = posixpath.splitext(posixpath.basename(path))
        make = _TESTS.get(ext)
        if make is None or fr.scope.status == "deleted" or fr.scope.role != "code":
            continue
        name = "".join(ch if ch.isalnum() else "_" for ch in stem).lower() or "module"
        return make(posixpath.dirname(path), name, stem)
    return None


def _added_file(path: str, text: str) -> str:
    lines = text.splitlines()
    body = "".join(f"+{line}\n" for line in lines)
    return (
        f"diff --git a/{path} b/{path}\nnew file mode 100644\n--- /dev/null\n+++ b/{path}\n"
        f"@@ -0,0 +1,{len(lines)} @@\n{body}"
    )


def companion_test(outcomes: Iterable[Outcome]) -> dict[str, Any]:
    """(c) An honest test file for a changed module adds no finding."""
    check = _check("added test file")
    for o in outcomes:
        if o.review is None or o.case.verdict != "aligned":
            continue
        made = _test_file_for(o.review)
        if made is None:
            continue
        path, text = made
        check["checked"] += 1
        diff = o.case.diff if o.case.diff.endswith("\n") else o.case.diff + "\n"
        after = run_review(o.case, diff=diff + _added_file(path, text))
        new = {_key(f) for f in after.findings} - {_key(f) for f in o.review.findings}
        if new or _ORDER[after.verdict] > _ORDER[o.review.verdict]:
            what = ", ".join(f"{r} {p}" for r, p, _ in sorted(new, key=str)[:3])
            _violate(check, f"{o.case.id}: adding {path} added {what or 'a worse verdict'}")
    return check


def metamorphic(outcomes: list[Outcome]) -> dict[str, Any]:
    return {
        c["name"]: c for c in (padding(outcomes), verbosity(outcomes), companion_test(outcomes))
    }
