"""The JSON report's pretty-printer writes exactly what ``json.dumps(indent=2)`` writes."""

from __future__ import annotations

import enum
import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewer.render.json import pretty

_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
)
_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.lists(inner, max_size=3).map(tuple)
        | st.dictionaries(st.text(), inner, max_size=5)
    ),
    max_leaves=40,
)


def _stdlib(data: object) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)


@pytest.mark.slow
@settings(max_examples=400)
@given(_values)
def test_same_text_as_the_standard_library(data: object) -> None:
    assert pretty(data) == _stdlib(data)


class Colour(enum.IntEnum):
    RED = 1


class Name(str):
    pass


@pytest.mark.parametrize(
    "data",
    [
        {},
        [],
        {"a": {}, "b": [], "c": [{}], "d": [[]]},
        {'\u2028 \x00 "q" \\ é': "\u00e9\t\n\x7f\ud800"},
        {"nested": {"list": [1, 2.5, -0.0, math.inf, None, True, False, "x"]}},
        {"enum": Colour.RED, "sub": Name("n"), "subdict": {"k": [Name("v")]}},
        {1: "int key", "s": {True: 1}},
        {"big": 10**40, "neg": -(10**20)},
    ],
)
def test_corner_cases(data: object) -> None:
    assert pretty(data) == _stdlib(data)


def test_refuses_what_json_refuses() -> None:
    with pytest.raises(TypeError):
        pretty({"a": object()})
