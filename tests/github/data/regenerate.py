"""Regenerate the GitHub test data in this folder from the npm registry (needs node/npm and network).

    python tests/github/data/regenerate.py

It runs ``npm pack`` for the three packages named in PROVENANCE.md, then writes:
- ``openapi.json``: GitHub's REST description (``generated/api.github.com.json`` of ``@octokit/openapi``)
  trimmed to the operations the reviewer calls, with every component they reference;
- ``webhooks/*.json``: example payloads from ``@octokit/webhooks-examples`` (``api.github.com/index.json``);
- ``webhook-schema.json``: the event definitions of ``@octokit/webhooks-schemas`` those examples use,
  with every definition they reference.
Versions are pinned below; bump them deliberately and re-run the tests.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

import jsonschema

HERE = Path(__file__).resolve().parent
PACKAGES = {
    "@octokit/openapi": "23.0.2",
    "@octokit/webhooks-examples": "7.6.1",
    "@octokit/webhooks-schemas": "7.6.1",
}
#: (method, path) of every REST operation reviewer/github/api.py and app.py may call
OPERATIONS = [
    ("get", "/repos/{owner}/{repo}/pulls/{pull_number}"),
    ("get", "/repos/{owner}/{repo}/pulls/{pull_number}/files"),
    ("get", "/repos/{owner}/{repo}/pulls/{pull_number}/commits"),
    ("get", "/repos/{owner}/{repo}/compare/{basehead}"),
    ("get", "/repos/{owner}/{repo}/contents/{path}"),
    ("get", "/repos/{owner}/{repo}/issues/{issue_number}/comments"),
    ("post", "/repos/{owner}/{repo}/issues/{issue_number}/comments"),
    ("patch", "/repos/{owner}/{repo}/issues/comments/{comment_id}"),
    ("delete", "/repos/{owner}/{repo}/issues/comments/{comment_id}"),
    ("get", "/repos/{owner}/{repo}/pulls/{pull_number}/comments"),
    ("get", "/repos/{owner}/{repo}/pulls/{pull_number}/reviews"),
    ("post", "/repos/{owner}/{repo}/pulls/{pull_number}/reviews"),
    ("post", "/repos/{owner}/{repo}/check-runs"),
    ("post", "/repos/{owner}/{repo}/statuses/{sha}"),
    ("post", "/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers"),
    ("get", "/repos/{owner}/{repo}/collaborators/{username}/permission"),
    ("get", "/orgs/{org}/teams/{team_slug}/memberships/{username}"),
    ("get", "/user"),
    ("get", "/app"),
    ("post", "/app/installations/{installation_id}/access_tokens"),
]
#: (event, action): each is saved as ``webhooks/<event>.<action>.json``, the first example of that
#: action that carries an ``installation`` (as App deliveries do) and validates against the schema
WEBHOOKS = [
    ("pull_request", "opened"),
    ("pull_request", "synchronize"),
    ("pull_request", "closed"),
    ("issue_comment", "created"),
    ("pull_request_review", "submitted"),
]

#: event definitions kept in webhook-schema.json: what the tests build from the examples above
SCHEMA_EVENTS = [
    "pull_request$opened",
    "pull_request$synchronize",
    "pull_request$reopened",
    "pull_request$edited",
    "pull_request$closed",
    "pull_request$labeled",
    "issue_comment$created",
    "issue_comment$edited",
    "pull_request_review$submitted",
    "pull_request_review$dismissed",
]


def pack(name: str, version: str, into: Path) -> Path:
    out = (
        subprocess.run(
            ["npm", "pack", f"{name}@{version}", "--silent", "--pack-destination", str(into)],
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    folder = into / name.replace("/", "_")
    with tarfile.open(into / out) as tar:
        tar.extractall(folder, filter="data")
    return folder / "package"


def refs(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            found.add(ref)
        for value in node.values():
            found |= refs(value)
    elif isinstance(node, list):
        for value in node:
            found |= refs(value)
    return found


def closure(doc: dict[str, Any], start: Any, prefix: str) -> set[str]:
    """Every ``#/...`` pointer reachable from ``start``."""
    seen: set[str] = set()
    todo = list(refs(start))
    while todo:
        ref = todo.pop()
        if ref in seen or not ref.startswith(prefix):
            continue
        seen.add(ref)
        node: Any = doc
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        todo.extend(refs(node))
    return seen


def trim_openapi(doc: dict[str, Any]) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for method, path in OPERATIONS:
        item = doc["paths"][path]
        kept = paths.setdefault(path, {k: v for k, v in item.items() if k == "parameters"})
        kept[method] = item[method]
    components: dict[str, dict[str, Any]] = {}
    for ref in sorted(closure(doc, paths, "#/components/")):
        _, _, kind, name = ref.split("/", 3)
        components.setdefault(kind, {})[name] = doc["components"][kind][name]
    return {
        "openapi": doc["openapi"],
        "info": {**doc["info"], "x-trimmed": "intent-reviewer tests: only the operations it calls"},
        "servers": doc.get("servers", []),
        "paths": paths,
        "components": components,
    }


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        spec = pack("@octokit/openapi", PACKAGES["@octokit/openapi"], root)
        examples = pack("@octokit/webhooks-examples", PACKAGES["@octokit/webhooks-examples"], root)
        schemas = pack("@octokit/webhooks-schemas", PACKAGES["@octokit/webhooks-schemas"], root)

        doc = json.loads((spec / "generated" / "api.github.com.json").read_text())
        (HERE / "openapi.json").write_text(
            json.dumps(trim_openapi(doc), indent=1, sort_keys=True) + "\n"
        )

        schema = json.loads((schemas / "schema.json").read_text())
        index = {
            e["name"]: e
            for e in json.loads((examples / "api.github.com" / "index.json").read_text())
        }
        (HERE / "webhooks").mkdir(exist_ok=True)
        for event, action in WEBHOOKS:
            wanted_schema = {
                "$ref": f"#/definitions/{event}${action}",
                "definitions": schema["definitions"],
            }
            chosen = next(
                x
                for x in index[event]["examples"]
                if x.get("action") == action
                and "installation" in x
                and jsonschema.Draft7Validator(wanted_schema).is_valid(x)
            )
            (HERE / "webhooks" / f"{event}.{action}.json").write_text(
                json.dumps(chosen, indent=1) + "\n"
            )

        wanted = {f"{event}${action}" for event, action in WEBHOOKS} | set(SCHEMA_EVENTS)
        start = {k: schema["definitions"][k] for k in wanted}
        names = wanted | {r.split("/")[-1] for r in closure(schema, start, "#/definitions/")}
        trimmed = {
            "$schema": schema["$schema"],
            "definitions": {k: schema["definitions"][k] for k in sorted(names)},
        }
        (HERE / "webhook-schema.json").write_text(
            json.dumps(trimmed, indent=1, sort_keys=True) + "\n"
        )
    print("regenerated", ", ".join(f"{k}@{v}" for k, v in PACKAGES.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
