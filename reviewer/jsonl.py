"""JSON Lines files of labelled cases (the bench, the corpus recipe): one object per line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .errors import UsageError


def read_objects(
    path: str | Path, error: type[UsageError] = UsageError
) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(line number, object)`` for every non-blank line; a line that is not a JSON object is
    one ``error`` naming the file and the line."""
    try:
        lines = Path(path).read_text("utf-8").splitlines()
    except OSError as exc:
        raise error(f"{path}: cannot read ({exc.strerror or exc})") from exc
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except ValueError as exc:
            raise error(f"{path}:{n}: not JSON ({exc})") from exc
        if not isinstance(raw, dict):
            raise error(f"{path}:{n}: not a JSON object")
        yield n, raw
