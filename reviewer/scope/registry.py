"""Which analyzers read which file: by language and by path. Modules load only when needed."""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable

from .engine import FileContext, Partial

Analyzer = Callable[[FileContext], Partial]

#: language -> module with an ``analyze(ctx) -> Partial``
BY_LANGUAGE: dict[str, str] = {
    "python": "reviewer.scope.python",
    "javascript": "reviewer.scope.javascript",
    "typescript": "reviewer.scope.javascript",
    "tsx": "reviewer.scope.javascript",
    "go": "reviewer.scope.go",
    "rust": "reviewer.scope.rust",
    "java": "reviewer.scope.jvm",
    "kotlin": "reviewer.scope.jvm",
    "c": "reviewer.scope.cfamily",
    "cpp": "reviewer.scope.cfamily",
    "c_sharp": "reviewer.scope.cfamily",
    "ruby": "reviewer.scope.ruby",
    "php": "reviewer.scope.php",
    "hcl": "reviewer.scope.terraform",
    "yaml": "reviewer.scope.yaml_families",
    "json": "reviewer.scope.yaml_families",
    "sql": "reviewer.scope.sql",
    "bash": "reviewer.scope.shell.scripts",
    "dockerfile": "reviewer.scope.shell.dockerfile",
    "make": "reviewer.scope.shell.makefile",
}

#: (path pattern, module): analyzers chosen by path, in addition to the language's
BY_PATH: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"(^|/)(migrations?|migrate|alembic|versions|db/migrate)/", re.I),
        "reviewer.scope.migrations",
    ),
    # credentials can be committed in any text file
    (re.compile(r""), "reviewer.scope.credentials"),
    # the reviewer's own policy: a governance change whatever the file's role
    (re.compile(r"^(\.reviewer\.toml|pyproject\.toml)$"), "reviewer.scope.policy"),
    # state and lock files are not HCL to the extension table, but they are Terraform's business
    (
        re.compile(r"(^|/)[^/]*\.tfstate(\.\d+)?(\.backup)?$|(^|/)\.terraform\.lock\.hcl$", re.I),
        "reviewer.scope.terraform",
    ),
)

#: role -> module, in addition to the language's
BY_ROLE: dict[str, str] = {
    "dependency": "reviewer.scope.deps",
    "lockfile": "reviewer.scope.deps",
    "ci": "reviewer.scope.governance",
    "governance": "reviewer.scope.governance",
    "agent": "reviewer.scope.governance",
    "config": "reviewer.scope.config_files",
}

_loaded: dict[str, Analyzer | None] = {}


def _load(module: str) -> Analyzer | None:
    if module not in _loaded:
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            _loaded[module] = None
        else:
            _loaded[module] = getattr(mod, "analyze", None)
    return _loaded[module]


def analyzers_for(path: str, language: str, role: str) -> list[Analyzer]:
    names: list[str] = []
    if language in BY_LANGUAGE:
        names.append(BY_LANGUAGE[language])
    for pattern, module in BY_PATH:
        if pattern.search(path):
            names.append(module)
    if role in BY_ROLE:
        names.append(BY_ROLE[role])
    out: list[Analyzer] = []
    for name in dict.fromkeys(names):
        fn = _load(name)
        if fn is not None:
            out.append(fn)
    return out
