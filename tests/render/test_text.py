"""The terminal report: what it lists, and that its counts say what it lists."""

from __future__ import annotations

import re

import pytest

from reviewer.record import replace
from reviewer.render.text import render
from tests.render.cases import case_names, load_case


@pytest.mark.parametrize("name", case_names())
def test_the_findings_count_is_what_is_listed(name: str) -> None:
    review, _ = load_case(name)
    text = render(review, color=False, width=100)
    header = re.search(
        r"^Findings \((\d+)(?: about \d+ objects)?(?:, and (\d+) info in --format json)?\):$",
        text,
        re.M,
    )
    if header is None:
        assert not [f for f in review.findings if f.severity != "info"]
        return
    listed = int(header.group(1))
    hidden = int(header.group(2) or 0)
    assert listed + hidden == len(review.findings)
    assert hidden == sum(1 for f in review.findings if f.severity == "info" and f.rule != "RV102")


def test_control_characters_from_the_change_never_reach_the_terminal() -> None:
    from reviewer.diff import parse_diff
    from reviewer.intent import parse_intent
    from reviewer.review import review

    evil = "a\x1b[31mRED\x07b\rc\x1b]8;;https://x.invalid\x1b\\link\x1b]8;;\x1b\\\x9b2J\x9d0;t\x07"
    diff = (
        # a git-quoted path (decoded by the diff reader) and a raw one
        'diff --git "a/q\\033[2Jx.py" "b/q\\033[2Jx.py"\n--- "a/q\\033[2Jx.py"\n'
        '+++ "b/q\\033[2Jx.py"\n@@ -1 +1 @@\n-x = 1\n+x = 2\n'
        f"diff --git a/{evil}.py b/{evil}.py\n--- a/{evil}.py\n+++ b/{evil}.py\n"
        f"@@ -1 +1 @@\n-def {evil[:1]}(): pass\n+def f(): pass\n"
    )
    r = review(parse_diff(diff), parse_intent(f"Fix {evil}\n\nbody {evil}", source="cli"))
    r = replace(r, notes=(f"note {evil}",))
    text = render(r, color=False)
    for ch in ("\x1b", "\x07", "\r", "\x9b", "\x9d"):
        assert ch not in text, repr(ch)
    assert "\ufffd" in text
