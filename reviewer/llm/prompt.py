"""Prompt templates: loaded from ``reviewer.prompts`` (or the checkout's ``prompts/``), versioned, filled."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import LLMError
from ..record import record
from ..rx import lazy

_PLACEHOLDER = lazy(r"\{\{(\w+)\}\}")
#: fence markers inside data are defused so data can never close (or open) a fence
_FENCE_LIKE = lazy(r"<<<|>>>")


@record
class Templates:
    name: str
    #: the declared version plus a digest of every template byte: an edit without a bump still
    #: changes the cache key and the report
    version: str
    system: str
    user: str
    repair: str
    schema: Mapping[str, Any]


def _source_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "prompts"


def _read(name: str) -> bytes:
    """A template's bytes from the installed package, else from the source checkout."""
    try:
        from importlib import resources

        return resources.files("reviewer.prompts").joinpath(name).read_bytes()
    except (ModuleNotFoundError, FileNotFoundError, NotADirectoryError):
        pass
    try:
        return (_source_dir() / name).read_bytes()
    except OSError as exc:
        raise LLMError(
            f"prompt template {name} is missing from this installation; reinstall intent-reviewer"
        ) from exc


@lru_cache(maxsize=1)
def load_templates() -> Templates:
    manifest_bytes = _read("manifest.json")
    try:
        manifest = json.loads(manifest_bytes)
        files = {key: _read(manifest[key]) for key in ("system", "user", "repair", "schema")}
        schema = json.loads(files["schema"])
    except (ValueError, KeyError, TypeError) as exc:
        raise LLMError(
            f"the prompt templates are damaged ({exc}); reinstall intent-reviewer"
        ) from exc
    digest = hashlib.sha256(manifest_bytes)
    for key in ("system", "user", "repair", "schema"):
        digest.update(b"\0" + files[key])
    return Templates(
        name=str(manifest["name"]),
        version=f"{manifest['name']}-{manifest['version']}/{digest.hexdigest()[:8]}",
        system=files["system"].decode("utf-8").strip(),
        user=files["user"].decode("utf-8").strip(),
        repair=files["repair"].decode("utf-8").strip(),
        schema=schema,
    )


def fill(template: str, values: Mapping[str, str]) -> str:
    """Substitute ``{{name}}`` in one pass: values are never scanned for placeholders again."""

    def sub(m: re.Match[str]) -> str:
        return values[m.group(1)]

    return _PLACEHOLDER.sub(sub, template)


def defuse(data: str) -> str:
    """Make untrusted text unable to look like a fence marker."""
    return _FENCE_LIKE.sub(lambda m: "‹‹‹" if m.group(0) == "<<<" else "›››", data)
