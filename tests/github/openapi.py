"""Checks requests and responses against GitHub's REST description (tests/github/data/openapi.json).

OpenAPI 3.0 schemas are converted to JSON Schema (draft 4 semantics; ``nullable`` becomes a
``null`` type) and validated with jsonschema. A request is valid when its method and path match an
operation, its query names are parameters of that operation with values of the right type, and its
JSON body validates against the operation's request body schema.
"""

from __future__ import annotations

import copy
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

SPEC_PATH = Path(__file__).parent / "data" / "openapi.json"


def _convert(node: Any) -> Any:
    if isinstance(node, list):
        return [_convert(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {
        k: _convert(v)
        for k, v in node.items()
        if k not in ("nullable", "discriminator", "example", "examples", "xml", "externalDocs")
    }
    if node.get("nullable"):
        if "type" in out:
            types = out["type"] if isinstance(out["type"], list) else [out["type"]]
            out["type"] = [*types, "null"]
            if "enum" in out and None not in out["enum"]:
                out["enum"] = [*out["enum"], None]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


class Spec:
    def __init__(self, path: Path = SPEC_PATH) -> None:
        self.doc = json.loads(path.read_text())
        self.components = {"schemas": _convert(self.doc["components"].get("schemas", {}))}
        self._validators: dict[int, jsonschema.Draft4Validator] = {}
        self.ops: list[tuple[str, re.Pattern[str], str, dict[str, Any], list[dict[str, Any]]]] = []
        for template, item in self.doc["paths"].items():
            rx = re.compile(
                "^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template)) + "$"
            )
            if template.endswith("/contents/{path}"):  # the file path may contain slashes
                rx = re.compile(rx.pattern.replace("(?P<path>[^/]+)", "(?P<path>.+)"))
            for method, op in item.items():
                if method == "parameters":
                    continue
                params = [
                    self.resolve(p) for p in item.get("parameters", []) + op.get("parameters", [])
                ]
                self.ops.append((method.upper(), rx, template, op, params))

    def resolve(self, node: Any) -> Any:
        while isinstance(node, dict) and "$ref" in node:
            target: Any = self.doc
            for part in node["$ref"][2:].split("/"):
                target = target[part]
            node = target
        return node

    def match(
        self, method: str, path: str
    ) -> tuple[str, dict[str, Any], list[dict[str, Any]], dict[str, str]] | None:
        for m, rx, template, op, params in self.ops:
            found = rx.match(path)
            if m == method and found:
                return template, op, params, found.groupdict()
        return None

    def _validate(self, schema: Any, value: Any) -> list[str]:
        validator = self._validators.get(id(schema))
        if validator is None:
            root = dict(_convert(schema))
            root["components"] = self.components
            validator = self._validators[id(schema)] = jsonschema.Draft4Validator(root)
        return [
            f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message[:300]}"
            for e in validator.iter_errors(value)
        ]

    def check_request(
        self, method: str, path: str, query: dict[str, list[str]], body: bytes | None
    ) -> list[str]:
        found = self.match(method, path)
        if found is None:
            return [f"{method} {path}: no such operation in GitHub's REST description"]
        template, op, params, path_values = found
        where = f"{method} {template}"
        errors: list[str] = []
        by_in = {(p["in"], p["name"]): p for p in params}
        for name, value in path_values.items():
            p = by_in.get(("path", name))
            if p is None:
                errors.append(f"{where}: path parameter {name} is not described")
                continue
            errors += [f"{where}: path {name}: {e}" for e in self._param_errors(p, value)]
        for name, values in query.items():
            p = by_in.get(("query", name))
            if p is None:
                errors.append(f"{where}: unknown query parameter {name!r}")
                continue
            for value in values:
                errors += [f"{where}: query {name}: {e}" for e in self._param_errors(p, value)]
        for (kind, name), p in by_in.items():
            if kind == "query" and p.get("required") and name not in query:
                errors.append(f"{where}: missing required query parameter {name!r}")
        request_body = self.resolve(op.get("requestBody")) if op.get("requestBody") else None
        if request_body is None:
            if body:
                errors.append(f"{where}: takes no request body")
            return errors
        if not body:
            if request_body.get("required"):
                errors.append(f"{where}: a request body is required")
            return errors
        try:
            data = json.loads(body)
        except ValueError:
            return [*errors, f"{where}: the request body is not JSON"]
        schema = request_body["content"]["application/json"]["schema"]
        errors += [f"{where}: body {e}" for e in self._validate(schema, data)]
        return errors

    def _param_errors(self, param: dict[str, Any], raw: str) -> list[str]:
        schema = param.get("schema", {})
        kind = schema.get("type")
        value: Any = raw
        if kind == "integer":
            if not re.fullmatch(r"-?\d+", raw):
                return [f"{raw!r} is not an integer"]
            value = int(raw)
        elif kind == "boolean":
            if raw not in ("true", "false"):
                return [f"{raw!r} is not a boolean"]
            value = raw == "true"
        return self._validate(schema, value)

    def check_response(self, method: str, path: str, status: int, data: Any) -> list[str]:
        found = self.match(method, path)
        if found is None:
            return []
        template, op, _, _ = found
        response = op["responses"].get(str(status))
        if response is None:
            return (
                [] if status >= 400 else [f"{method} {template}: status {status} is not described"]
            )
        response = self.resolve(response)
        content = response.get("content", {}).get("application/json")
        if content is None:
            return (
                [] if data is None else [f"{method} {template} {status}: described without a body"]
            )
        return [
            f"{method} {template} {status}: {e}" for e in self._validate(content["schema"], data)
        ]

    def example(self, method: str, template: str, status: int, name: str | None = None) -> Any:
        """A deep copy of a documented response example (the first one unless ``name`` is given)."""
        op = self.resolve(self.doc["paths"][template][method.lower()])
        content = self.resolve(op["responses"][str(status)])["content"]["application/json"]
        examples = content["examples"]
        chosen = examples[name] if name else next(iter(examples.values()))
        return copy.deepcopy(self.resolve(chosen)["value"])


@cache
def spec() -> Spec:
    return Spec()
