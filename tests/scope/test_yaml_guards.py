"""The literal guards in front of the YAML family patterns never hide a match."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewer.scope import yaml_families as y
from reviewer.terms import has_any

GUARDED = [
    ("other-ci", y._OTHER_CI_RE, y._OTHER_CI_HINTS, True),
    ("cfn", y._CFN_RE, y._CFN_HINTS, False),
    ("cfn-path", y._CFN_PATH_RE, y._CFN_PATH_HINTS, True),
    ("not-k8s-api", y._NOT_K8S_API_RE, y._NOT_K8S_API_HINTS, False),
]


@pytest.mark.parametrize(("name", "rx", "hints", "lowered"), GUARDED, ids=[g[0] for g in GUARDED])
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_guard_is_a_superset_of_its_pattern(
    name: str, rx: re.Pattern[str], hints: tuple[str, ...], lowered: bool, data: st.DataObject
) -> None:
    text = data.draw(st.from_regex(rx.pattern, alphabet=st.characters(codec="utf-8")))
    if rx.search(text):
        assert has_any(text.lower() if lowered else text, hints, folded=lowered), (name, text)
