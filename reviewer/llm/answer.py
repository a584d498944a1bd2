"""The model's answer: parsed and validated on receipt against the strict schema it was given."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from ..record import record
from ..rx import lazy


class InvalidAnswer(ValueError):
    """The reply is not JSON, or not the schema's shape. ``str()`` is short enough to send back."""


@record
class Judgement:
    """``"F2: reason"`` in the answer's ``implied`` list: the model finds F2 implied by the intent."""

    finding: str  # a handle: F1, F2, ...; "" when the item names none
    implied: bool
    reason: str


@record
class NewFinding:
    title: str
    severity: str
    path: str | None
    line: int | None
    confidence: float


@record
class AskedQuestion:
    about: str  # a handle: F1 or N1; "" when the item names none
    text: str


@record
class Answer:
    judgements: tuple[Judgement, ...] = ()
    findings: tuple[NewFinding, ...] = ()
    questions: tuple[AskedQuestion, ...] = ()
    summary: str = ""


_FENCED = lazy(r"^\s*```(?:json)?\s*\n(.*)\n\s*```\s*$", re.S)


def parse_answer(content: str, schema: Mapping[str, Any]) -> Answer:
    """JSON text -> Answer, or InvalidAnswer naming the first problem."""
    m = _FENCED.match(
        content
    )  # some local servers wrap JSON in a Markdown fence despite the schema
    text = m.group(1) if m else content
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidAnswer(f"not JSON ({exc.msg} at position {exc.pos})") from None
    except ValueError as exc:  # numbers too long to convert, and the like
        raise InvalidAnswer(f"not JSON ({exc})") from None
    validate(data, schema)
    return Answer(
        judgements=tuple(
            Judgement(handle, True, rest) for handle, rest in map(split_handle, data["implied"])
        ),
        findings=tuple(
            NewFinding(f["title"], f["severity"], f["path"], f["line"], float(f["confidence"]))
            for f in data["findings"]
        ),
        questions=tuple(
            AskedQuestion(handle, rest) for handle, rest in map(split_handle, data["questions"])
        ),
        summary=data["summary"],
    )


_HANDLE = lazy(r"\s*[*`\[(]*([FN]\d{1,6})\b[*`\])]*\s*(?:[:\-\u2013\u2014.,]\s*)?(.*)", re.S)


def split_handle(item: str) -> tuple[str, str]:
    """``"F2: text"`` -> ``("F2", "text")``; text that names no handle -> ``("", text)``."""
    m = _HANDLE.fullmatch(item)
    return (m.group(1), m.group(2).strip()) if m else ("", item.strip())


_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}


def validate(value: Any, schema: Mapping[str, Any], where: str = "$") -> None:
    """The subset of JSON Schema that strict structured output allows (and the answer uses)."""
    types = schema.get("type")
    if types is not None:
        names = [types] if isinstance(types, str) else list(types)
        if not any(_is(value, n) for n in names):
            raise InvalidAnswer(f"{where} must be {' or '.join(names)}")
    if "enum" in schema and value not in schema["enum"]:
        raise InvalidAnswer(f"{where} must be one of {', '.join(map(str, schema['enum']))}")
    if isinstance(value, dict):
        props: Mapping[str, Any] = schema.get("properties", {})
        for key in schema.get("required", ()):
            if key not in value:
                raise InvalidAnswer(f"{where}.{key} is missing")
        if schema.get("additionalProperties") is False:
            extra = sorted(set(value) - set(props))
            if extra:
                raise InvalidAnswer(f"{where}.{extra[0][:40]} is not allowed")
        for key, sub in props.items():
            if key in value:
                validate(value[key], sub, f"{where}.{key}")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            validate(item, schema["items"], f"{where}[{i}]")


def _is(value: Any, name: str) -> bool:
    if isinstance(value, bool) and name in ("integer", "number"):
        return False
    return isinstance(value, _TYPES[name])
