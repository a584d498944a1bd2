"""Conventional-commit titles (``ci:``, ``docs:``, ``build(deps):``): the file roles a change of that
type is made of."""

from __future__ import annotations

import re
from functools import lru_cache

from ..intent import conventional_parts
from ..rx import lazy

CONVENTIONAL_REASON = "conventional type"
#: conventional-commit types and the file roles such a change is made of
_TYPE_ROLES: dict[str, tuple[str, ...]] = {
    "ci": ("ci",),
    "docs": ("docs", "changelog"),
    "test": ("test",),
    "tests": ("test",),
}
#: `build(deps):`, `chore(deps-dev):`: the scope that says the change is dependency updates
_DEPS_SCOPE = lazy(r"^deps(?:[-_]dev)?$", re.I)


@lru_cache(maxsize=1024)
def conventional_roles(title: str) -> dict[str, str]:
    """File roles the title's conventional-commit type (and scope) is made of: role -> prefix."""
    parts = conventional_parts(title)
    if parts is None:
        return {}
    kind, scope, _rest = parts
    prefix = f"{kind}({scope})" if scope else kind
    roles = list(_TYPE_ROLES.get(kind, ()))
    if kind == "deps" or _DEPS_SCOPE.match(scope.strip()):
        roles += ["dependency", "lockfile"]
    return dict.fromkeys(roles, prefix)


#: scopes that name no directory of their own
_NOT_A_DIR = frozenset({"deps", "deps-dev", "main", "master", "release", "ci", "build", "all"})


def conventional_scope_dir(title: str, path: str) -> str | None:
    """The conventional scope when it is a directory the file lives under (`fix(docs): ...` and
    `docs/astro.config.ts`); else ``None``."""
    parts = conventional_parts(title)
    if parts is None:
        return None
    scope = parts[1].strip().lower()
    if not scope or scope in _NOT_A_DIR or len(scope) < 3:
        return None
    dirs = [d.lower() for d in path.split("/")[:-1]]
    return scope if scope in dirs else None
