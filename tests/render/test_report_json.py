"""The JSON report: ``to_dict`` printed by the one printer, ``json.dumps(indent=2)``."""

from __future__ import annotations

import json

import pytest

from reviewer.render import renderer
from reviewer.render.report_json import SCHEMA_VERSION, dumps, render, to_dict

from .cases import case_names, load_case


@pytest.mark.parametrize("name", case_names())
def test_the_report_is_its_dict_printed_by_the_standard_library(name: str) -> None:
    review, _state = load_case(name)
    text = render(review)
    assert text == json.dumps(to_dict(review), indent=2, ensure_ascii=False) + "\n"
    assert json.loads(text)["schema_version"] == SCHEMA_VERSION
    assert renderer("json") is render


def test_the_printer_keeps_utf8_and_ends_with_a_newline() -> None:
    assert dumps({"a": "é\u2028", "b": []}) == '{\n  "a": "é\u2028",\n  "b": []\n}\n'


def test_the_printer_refuses_what_json_refuses() -> None:
    with pytest.raises(TypeError):
        dumps({"a": object()})
