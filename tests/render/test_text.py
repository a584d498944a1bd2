"""The terminal report: what it lists, and that its counts say what it lists."""

from __future__ import annotations

import re

import pytest

from reviewer.render.text import render
from tests.render.cases import case_names, load_case


@pytest.mark.parametrize("name", case_names())
def test_the_findings_count_is_what_is_listed(name: str) -> None:
    review, _ = load_case(name)
    text = render(review, color=False, width=100)
    header = re.search(r"^Findings \((\d+)(?:, and (\d+) info in --format json)?\):$", text, re.M)
    if header is None:
        assert not [f for f in review.findings if f.severity != "info"]
        return
    listed = int(header.group(1))
    hidden = int(header.group(2) or 0)
    assert listed + hidden == len(review.findings)
    assert hidden == sum(1 for f in review.findings if f.severity == "info" and f.rule != "RV102")
