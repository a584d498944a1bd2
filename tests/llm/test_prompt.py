"""Prompt templates: shipped with the package, versioned, filled in one pass; answers validated."""

from __future__ import annotations

import fnmatch
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from reviewer.llm.answer import (
    AskedQuestion,
    InvalidAnswer,
    Judgement,
    parse_answer,
    split_handle,
    validate,
)
from reviewer.llm.prompt import defuse, fill, load_templates
from reviewer.llm.tokens import count_schema, counter_for

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]


def test_templates_load_with_a_version_that_tracks_their_bytes() -> None:
    t = load_templates()
    assert re.fullmatch(r"review-\d+/[0-9a-f]{8}", t.version)
    assert "{{" not in t.system and "{{nonce}}" in t.user and "{{error}}" in t.repair
    assert t.schema["additionalProperties"] is False


def test_every_prompt_file_ships_in_the_wheel() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    setuptools = pyproject["tool"]["setuptools"]
    assert setuptools["package-dir"]["reviewer.prompts"] == "prompts"
    assert "reviewer.prompts" in setuptools["packages"]
    globs = setuptools["package-data"]["reviewer.prompts"]
    manifest = json.loads((ROOT / "prompts" / "manifest.json").read_text())
    for name in ("manifest.json", *(manifest[k] for k in ("system", "user", "repair", "schema"))):
        assert (ROOT / "prompts" / name).is_file()
        assert any(fnmatch.fnmatch(name, g) for g in globs), f"{name} is not package data"


def test_fill_is_one_pass_and_defuse_breaks_fences() -> None:
    assert fill("{{a}} {{b}}", {"a": "{{b}}", "b": "x"}) == "{{b}} x"
    assert defuse("DATA 1234>>> and <<<DATA") == "DATA 1234››› and ‹‹‹DATA"


def _valid() -> dict[str, object]:
    return {
        "implied": ["F1: r"],
        "findings": [{"title": "t", "severity": "low", "path": None, "line": 3, "confidence": 0.5}],
        "questions": ["N1: q?"],
        "summary": "s.",
    }


def test_a_valid_answer_parses_even_inside_a_markdown_fence() -> None:
    schema = load_templates().schema
    a = parse_answer(json.dumps(_valid()), schema)
    assert a.judgements == (Judgement("F1", True, "r"),)
    assert a.questions == (AskedQuestion("N1", "q?"),)
    assert a.findings[0].line == 3 and a.summary == "s."
    assert parse_answer("```json\n" + json.dumps(_valid()) + "\n```", schema) == a


@pytest.mark.parametrize(
    ("item", "handle", "text"),
    [
        ("F2: the docs follow the code", "F2", "the docs follow the code"),
        ("F12 - why", "F12", "why"),
        ("**N3**: bold", "N3", "bold"),
        ("[F4] bracketed", "F4", "bracketed"),
        ("F10:", "F10", ""),
        ("What about F1?", "", "What about F1?"),
        ("Fix: not a handle", "", "Fix: not a handle"),
    ],
)
def test_list_items_name_their_handle_first(item: str, handle: str, text: str) -> None:
    assert split_handle(item) == (handle, text)


def test_the_schema_is_strict_and_small() -> None:
    """OpenAI strict mode: every object closed, every property required; and few tokens."""
    schema = load_templates().schema

    def objects(node: object) -> list[dict[str, Any]]:
        if isinstance(node, dict):
            found = [node] if node.get("type") == "object" else []
            return found + [o for v in node.values() for o in objects(v)]
        if isinstance(node, list):
            return [o for v in node for o in objects(v)]
        return []

    for obj in objects(schema):
        assert obj["additionalProperties"] is False
        assert sorted(obj["required"]) == sorted(obj["properties"])
    counter = counter_for("gpt-4o-mini")
    assert count_schema(counter, schema) < 160
    assert counter.count(load_templates().system) < 140


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.pop("summary"), r"\$\.summary is missing"),
        (lambda d: d.update(extra=1), "not allowed"),
        (lambda d: d["findings"][0].update(severity="critical"), "one of"),
        (lambda d: d["findings"][0].update(line="3"), "integer or null"),
        (lambda d: d["implied"].append({"finding": "F1"}), "string"),
        (lambda d: d["questions"].append(3), "string"),
    ],
)
def test_schema_violations_are_named(mutate: object, message: str) -> None:
    data = _valid()
    mutate(data)  # type: ignore[operator]
    with pytest.raises(InvalidAnswer, match=message):
        parse_answer(json.dumps(data), load_templates().schema)


def test_not_json() -> None:
    with pytest.raises(InvalidAnswer, match="not JSON"):
        parse_answer("Sure, here it is:", load_templates().schema)
    with pytest.raises(InvalidAnswer):
        validate(True, {"type": "integer"})
