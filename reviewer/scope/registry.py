"""Which analyzers read which file: by language, path and role, and which module reads which YAML
family. The tables are data: module names, loaded only when a file needs them, and every entry
is imported by ``tests/scope/test_registry.py``. A name that does not import is a bug, reported
loudly (``RegistryError``), never an analyzer silently switched off.

When a module is renamed, change its name here; nothing else names analyzers.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from types import ModuleType

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
        # a migrations directory, or a migration by its name (a generator's template for one:
        # `templates/migration_existing.rb`)
        re.compile(
            r"(^|/)(migrations?|migrate|alembic|versions|db/migrate)/"
            r"|(^|/)[^/]*migration[^/]*\.(rb|py|sql|php|ts|js)(\.(erb|tt|tmpl|j2))?$",
            re.I,
        ),
        "reviewer.scope.migrations",
    ),
    # credentials can be committed in any text file
    (re.compile(r""), "reviewer.scope.credentials"),
    # so can a security switch (a cookie's HttpOnly, TLS verification) be turned off
    (re.compile(r""), "reviewer.scope.safeguards"),
    # an authorization check made to say yes, in the languages whose functions it reads
    (
        re.compile(r"\.(py|pyi|js|jsx|mjs|cjs|ts|tsx|go|rb|java|kt|kts|php|cs|scala)$", re.I),
        "reviewer.scope.authz",
    ),
    # ... or a guard's condition weakened in place
    (
        re.compile(r"\.(py|pyi|js|jsx|mjs|cjs|ts|tsx|go|rb|java|kt|kts|php|cs|scala)$", re.I),
        "reviewer.scope.guards",
    ),
    # the shell commands Ruby hands to `sh` and `system` (Rakefile release tasks)
    (re.compile(r"(\.rb|\.rake|(^|/)Rakefile)$"), "reviewer.scope.shell.ruby_commands"),
    # ... and those Python hands to subprocess, os.system or a nox session
    (re.compile(r"\.py$"), "reviewer.scope.shell.python_commands"),
    # the commands `just` recipes run
    (re.compile(r"(^|/)(?:[Jj]ustfile|\.justfile|[^/]+\.just)$"), "reviewer.scope.shell.justfile"),
    # the commands every tox run executes
    (re.compile(r"(^|/)tox\.ini$"), "reviewer.scope.shell.tox"),
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

#: YAML/JSON family -> the module whose ``analyze_views`` reads it, in the order the family test
#: of the YAML module (``family_of``) tries them; any other YAML/JSON is read by its keys
YAML_FAMILIES: dict[str, str] = {
    "github-actions": "reviewer.scope.workflows",
    "github-action": "reviewer.scope.workflows",
    "gitlab-ci": "reviewer.scope.pipelines",
    "circleci": "reviewer.scope.pipelines",
    "ci": "reviewer.scope.pipelines",
    "docker-compose": "reviewer.scope.compose",
    "kustomize": "reviewer.scope.kustomize",
    "helm-chart": "reviewer.scope.helm",
    "helm-template": "reviewer.scope.helm",
    "helm-values": "reviewer.scope.helm",
    "cloudformation": "reviewer.scope.cloudformation",
    "kubernetes": "reviewer.scope.kubernetes",
}


class RegistryError(LookupError):
    """A table entry names a module (or a function) that does not exist: a bug, not a user error."""


_loaded: dict[str, Analyzer] = {}


def _import(module: str) -> ModuleType:
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        missing = exc.name or ""
        if module != missing and not module.startswith(missing + "."):
            raise  # the module exists; something it imports does not
        raise RegistryError(
            f"analyzer registry: there is no module {module} (renamed or misspelled? "
            "fix the table in reviewer/scope/registry.py)"
        ) from exc


def _load(module: str) -> Analyzer:
    fn = _loaded.get(module)
    if fn is None:
        fn = getattr(_import(module), "analyze", None)
        if not callable(fn):
            raise RegistryError(f"analyzer registry: {module} has no analyze(ctx) function")
        _loaded[module] = fn
    return fn


def family_module(family: str) -> ModuleType | None:
    """The module that reads YAML/JSON of ``family`` (its ``analyze_views``), None for plain keys."""
    module = YAML_FAMILIES.get(family)
    if module is None:
        return None
    mod = _import(module)
    if not callable(getattr(mod, "analyze_views", None)):
        raise RegistryError(f"analyzer registry: {module} has no analyze_views function")
    return mod


def modules() -> tuple[str, ...]:
    """Every module the tables name, once each."""
    names = [
        *BY_LANGUAGE.values(),
        *(module for _pattern, module in BY_PATH),
        *BY_ROLE.values(),
    ]
    return tuple(dict.fromkeys(names))


def analyzers_for(path: str, language: str, role: str) -> list[Analyzer]:
    names: list[str] = []
    if language in BY_LANGUAGE:
        names.append(BY_LANGUAGE[language])
    for pattern, module in BY_PATH:
        if pattern.search(path):
            names.append(module)
    if role in BY_ROLE:
        names.append(BY_ROLE[role])
    return [_load(name) for name in dict.fromkeys(names)]
