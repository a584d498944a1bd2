"""The answer cache: one file per request under the user cache dir, keyed by what was sent.

key = sha256(model, prompt version, the redacted request body). An unchanged change re-reviewed
costs no call and no token. Only answers that passed validation are stored; a damaged entry is
ignored. Entries are written atomically with owner-only permissions.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

FORMAT = 1


def cache_dir(env: dict[str, str] | None = None) -> Path:
    """``$XDG_CACHE_HOME/intent-reviewer/llm``; ``~/.cache`` by default; ``%LOCALAPPDATA%`` on Windows."""
    env = dict(os.environ) if env is None else env
    base = env.get("XDG_CACHE_HOME")
    if not base and sys.platform == "win32":
        base = env.get("LOCALAPPDATA")
    if not base:
        base = str(Path(env.get("HOME") or Path.home()) / ".cache")
    return Path(base) / "intent-reviewer" / "llm"


def cache_key(model: str, prompt_version: str, body: dict[str, Any]) -> str:
    h = hashlib.sha256()
    for part in (model, prompt_version, json.dumps(body, sort_keys=True, separators=(",", ":"))):
        h.update(part.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


class AnswerCache:
    def __init__(self, root: Path | None = None) -> None:
        self.root = root if root is not None else cache_dir()

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        try:
            data = json.loads(self._path(key).read_text("utf-8"))
        except (OSError, ValueError):
            return None
        if (
            not isinstance(data, dict)
            or data.get("format") != FORMAT
            or not isinstance(data.get("content"), str)
        ):
            return None
        return data

    def put(
        self, key: str, *, content: str, model: str, prompt_tokens: int, completion_tokens: int
    ) -> None:
        path = self._path(key)
        entry = {
            "format": FORMAT,
            "model": model,
            "content": content,
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
        }
        tmp: str | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(entry, fh)
            os.replace(tmp, path)
            tmp = None
        except OSError:
            pass  # a read-only or full disk costs a future call, never the review
        finally:
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)
