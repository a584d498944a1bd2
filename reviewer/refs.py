"""How widely a changed public symbol is used: files referencing it in the head revision, cached."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

from . import git
from .digest import short_hash
from .models import Scope

if TYPE_CHECKING:
    from pathlib import Path

#: names too common to say anything about callers
_TOO_COMMON = frozenset(
    [
        "get",
        "set",
        "run",
        "main",
        "init",
        "new",
        "close",
        "open",
        "read",
        "write",
        "start",
        "stop",
        "call",
        "apply",
        "update",
        "delete",
        "create",
        "build",
        "load",
        "save",
        "name",
        "value",
        "data",
        "self",
        "this",
        "test",
        "setup",
        "close",
        "handle",
        "process",
        "execute",
    ]
)
_RISKY_CHANGES = frozenset({"deleted", "signature", "renamed"})


def changed_public_names(scope: Scope) -> dict[str, str]:
    """Short name -> qualified name of public symbols whose callers can break."""
    out: dict[str, str] = {}
    for fs in scope.files:
        if fs.role in ("test", "docs", "example", "generated"):
            continue
        for sym in fs.symbols:
            if not sym.public or sym.change not in _RISKY_CHANGES:
                continue
            name = sym.old_name if sym.change == "renamed" and sym.old_name else sym.name
            short = name.rsplit(".", 1)[-1].rsplit("::", 1)[-1]
            if len(short) >= 4 and short.lower() not in _TOO_COMMON and short.isidentifier():
                out.setdefault(short, name)
    return out


def count_references(
    scope: Scope, rev: str, *, cwd: str | Path | None = None, limit: int = 50
) -> Mapping[str, int]:
    """Qualified name -> number of other files at ``rev`` that mention it as a whole word."""
    names = changed_public_names(scope)
    if not names:
        return {}
    import json  # here, not at the top: json's import compiles patterns that most reviews never use

    shorts = sorted(names)[:limit]
    tree = git.run(["rev-parse", f"{rev}^{{tree}}"], cwd=cwd, check=False).decode().strip() or rev
    key = short_hash("\0".join([tree, *shorts]).encode(), 12)
    folder = _cache_dir()
    cache = os.path.join(folder, f"{key}.json")
    try:
        with open(cache, encoding="utf-8") as fh:
            cached: dict[str, int] = json.load(fh)
        return cached
    except (OSError, ValueError):
        pass
    found = git.grep_words(rev, shorts, cwd=cwd)
    own = {fs.path for fs in scope.files} | {fs.old_path for fs in scope.files if fs.old_path}
    result = {names[s]: len(paths - own) for s, paths in found.items()}
    try:
        os.makedirs(folder, exist_ok=True)
        with open(cache, "w", encoding="utf-8") as fh:
            json.dump(result, fh)
    except OSError:
        pass
    return result


def _cache_dir() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "intent-reviewer", "refs")
