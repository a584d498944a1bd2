"""Extract the chat completions request schema from OpenAI's OpenAPI document into a JSON Schema.

    python tests/llm/openapi/extract.py [path/to/openapi.yaml]

Writes ``chat_request.schema.json`` beside this script: ``CreateChatCompletionRequest`` and every
schema it references, descriptions and examples dropped, OpenAPI's ``nullable: true`` turned into
JSON Schema's null type, references rewritten to ``#/$defs/...``. CI has no copy of the document,
so the result is committed (see PROVENANCE.md).
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = "CreateChatCompletionRequest"
PREFIX = "#/components/schemas/"
DROP = {"description", "example", "examples", "title", "deprecated", "discriminator"}
HERE = Path(__file__).resolve().parent


def _refs(node: Any, found: set[str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(PREFIX):
            found.add(ref[len(PREFIX) :])
        for value in node.values():
            _refs(value, found)
    elif isinstance(node, list):
        for value in node:
            _refs(value, found)


def _convert(node: Any, *, in_properties: bool = False) -> Any:
    if isinstance(node, list):
        return [_convert(v) for v in node]
    if not isinstance(node, dict):
        return node
    if in_properties:  # keys are property names, not keywords
        return {k: _convert(v) for k, v in node.items()}
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in DROP or key.startswith("x-") or key == "nullable":
            continue
        if key == "$ref" and isinstance(value, str) and value.startswith(PREFIX):
            out[key] = "#/$defs/" + value[len(PREFIX) :]
        else:
            out[key] = _convert(
                value, in_properties=key in ("properties", "patternProperties", "$defs")
            )
    if node.get("nullable") is True:
        types = out.get("type")
        if isinstance(types, str):
            out["type"] = [types, "null"]
        elif isinstance(types, list) and "null" not in types:
            out["type"] = [*types, "null"]
        elif types is None:
            out = {"anyOf": [out, {"type": "null"}]}
        if "enum" in out and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
    return out


def extract(document: dict[str, Any]) -> dict[str, Any]:
    schemas = document["components"]["schemas"]
    todo, seen = [ROOT], set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        found: set[str] = set()
        _refs(schemas[name], found)
        todo.extend(sorted(found - seen))
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": f"#/$defs/{ROOT}",
        "$defs": {name: _convert(schemas[name]) for name in sorted(seen)},
    }


def main(argv: list[str]) -> int:
    source = (
        Path(argv[1]) if len(argv) > 1 else HERE.parents[3] / "shared" / "openai" / "openapi.yaml"
    )
    raw = source.read_bytes()
    schema = extract(yaml.safe_load(raw))
    out = HERE / "chat_request.schema.json"
    out.write_text(json.dumps(schema, indent=1, sort_keys=True) + "\n")
    print(
        f"{out.name}: {len(schema['$defs'])} schemas from {source} (sha256 {hashlib.sha256(raw).hexdigest()})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
