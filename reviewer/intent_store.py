"""The intent recorded per branch (``reviewer intent``, an agent's prompts): JSON in the worktree's
git directory, read by the commit hooks and the agent hooks."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from . import git
from .errors import UsageError

INTENT_FILE = "reviewer-intent.json"
MAX_INTENT_CHARS = 100_000
SOURCES = ("prompt", "cli", "pr", "commit")


class IntentStore:
    """The intents recorded per branch, as JSON under the worktree's git directory.

    The file is per worktree (``git rev-parse --git-path``), so each worktree's detached HEAD has
    its own ``"HEAD"`` entry; branches are keyed by their short name.
    """

    def __init__(self, path: Path, key: str) -> None:
        self.path = path
        self.key = key

    @classmethod
    def here(cls, *, branch: str | None = None) -> IntentStore:
        (path,) = git.git_paths(INTENT_FILE)
        return cls(path, branch or git.current_branch())

    @property
    def label(self) -> str:
        return "detached HEAD" if self.key == "HEAD" else f"branch {self.key!r}"

    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text("utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise UsageError(f"{self.path}: unreadable intent record ({exc}); delete it") from exc
        branches = data.get("branches") if isinstance(data, dict) else None
        return branches if isinstance(branches, dict) else {}

    def get(self) -> dict[str, Any] | None:
        record = self._load().get(self.key)
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            return None
        source = record.get("source")
        return {
            "text": record["text"][:MAX_INTENT_CHARS],
            "source": source if source in SOURCES else "cli",
            "set_at": str(record.get("set_at", "")),
        }

    def set(self, text: str, *, source: str) -> dict[str, Any]:
        branches = self._load()
        record = {
            "text": text,
            "source": source,
            "set_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        branches[self.key] = record
        self._save(branches)
        return record

    def append(self, text: str, *, source: str = "prompt") -> dict[str, Any]:
        """Add ``text`` after the recorded intent (an agent's next prompt); the oldest text goes
        first when the record outgrows MAX_INTENT_CHARS."""
        current = self.get()
        if current is not None and current["text"].strip():
            if text.strip() in current["text"]:
                return current  # the same prompt again (a retry, a resumed session)
            text = f"{current['text'].rstrip()}\n\n{text}"
        return self.set(text[-MAX_INTENT_CHARS:], source=source)

    def clear(self) -> bool:
        branches = self._load()
        if self.key not in branches:
            return False
        del branches[self.key]
        self._save(branches)
        return True

    def _save(self, branches: dict[str, Any]) -> None:
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            tmp.write_text(
                json.dumps({"version": 1, "branches": branches}, indent=2, ensure_ascii=False)
                + "\n",
                "utf-8",
            )
            os.replace(tmp, self.path)  # atomic: a hook reading at the same time sees old or new
        except OSError as exc:
            raise UsageError(f"{self.path}: cannot write ({exc.strerror or exc})") from exc
