"""What a config file and a changed setting in it are: a feature flag, a limit, a secret, a source."""

from __future__ import annotations

import itertools
import posixpath
import re

from ..models import DEPENDENCY, GLOBAL_CONFIG, PERMISSION_WIDENING, Side, Signal
from ..record import record
from ..rx import lazy


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_FLAG_TOKENS = _words(
    "enabled enable disabled disable flag flags feature features toggle toggles toggled rollout "
    "percentage percent canary experiment experiments killswitch darklaunch beta"
)
#: first words that make a boolean switch of a key (use_cache, allowSignup, is_public)
_FLAG_PREFIXES = _words("enable disable use allow is ff feature")
_LIMIT_TOKENS = _words(
    "timeout timeouts ttl limit limits max min retries retry attempts backoff concurrency workers "
    "threads replicas quota burst interval deadline expiry expiration expires capacity memory cpu "
    "throttle ratelimit maxsize"
)
_SIZED = _words("pool batch queue cache buffer page chunk heap")
_SECRET_TOKENS = _words(
    "password passwd passphrase pwd secret secrets token apikey credential credentials dsn "
    "privatekey"
)
_SECRET_PAIRS = frozenset(
    {
        ("api", "key"),
        ("access", "key"),
        ("private", "key"),
        ("client", "secret"),
        ("auth", "key"),
        ("signing", "key"),
        ("encryption", "key"),
        ("connection", "string"),
        ("webhook", "url"),
        ("secret", "key"),
        ("master", "key"),
    }
)
#: last words of keys that name something about a secret, not the secret itself
_NOT_SECRET_LAST = _words(
    "url uri path file env name length ttl expiry expires expiration type header endpoint id "
    "enabled required policy rotation prefix format algorithm lifetime field param count limit "
    "size timeout location ref hint mode min max ids names"
)
_CAMEL_RE = lazy(r"([a-z0-9])([A-Z])")


def _tokens(key: str) -> list[str]:
    return [t for t in re.split(r"[_\-.\s/:]+", _CAMEL_RE.sub(r"\1_\2", key).lower()) if t]


def _is_flag(path: tuple[str, ...]) -> bool:
    toks = _tokens(path[-1])
    if not toks:
        return False
    if set(toks) & _FLAG_TOKENS or toks[0] in _FLAG_PREFIXES:
        return True
    return any(set(_tokens(p)) & {"features", "flags", "toggles", "experiments"} for p in path[:-1])


def _is_limit(key: str) -> bool:
    toks = _tokens(key)
    return bool(set(toks) & _LIMIT_TOKENS) or ("size" in toks and bool(set(toks) & _SIZED))


def _is_secret_key(key: str) -> bool:
    toks = _tokens(key)
    if not toks or toks[-1] in _NOT_SECRET_LAST or toks[0] in ("max", "min", "num"):
        return False
    if set(toks) & _SECRET_TOKENS:
        return True
    return any(pair in _SECRET_PAIRS for pair in itertools.pairwise(toks))


_PLACEHOLDER_RE = lazy(
    r"^(?:|null|none|nil|~|true|false|yes|no|\d{1,6}|changeme|change[_\-]?me|todo|tbd|x+|\*+|"
    r"<[^>]*>|\$\{[^}]*\}|\$\(?[A-Za-z_]\w*\)?|%\([^)]*\)s|\{\{[^}]*\}\}|your[_\-\w]*|example\w*|"
    r"dummy\w*|placeholder|redacted|secret|password|passwd|test\w*|dev\w*|local\w*|admin|root|"
    r"postgres|mysql|guest|default|sample|fake|foo|bar|replace[_\-\w]*|insert[_\-\w]*|"
    r"(?:env|ENV)[(\[:].*|os\.environ.*|process\.env.*|vault:.*|ssm:.*|arn:aws:secretsmanager.*|"
    r"sm://.*|projects/.+/secrets/.*|.*_FILE|@Microsoft\.KeyVault.*)$",
    re.I,
)
#: tokens with a recognisable shape, wherever they appear
TOKEN_RE = lazy(
    r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b|\bghp_[A-Za-z0-9]{36}\b|\bgithub_pat_[A-Za-z0-9_]{40,}|"
    r"\bgh[ousr]_[A-Za-z0-9]{36}\b|\bxox[baprs]-[A-Za-z0-9-]{10,}|\bsk_live_[A-Za-z0-9]{16,}|"
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----|\bAIza[0-9A-Za-z_\-]{35}\b|\bglpat-[A-Za-z0-9_\-]{20,}|"
    r"\bnpm_[A-Za-z0-9]{36}\b|\bsk-(?:proj-)?[A-Za-z0-9_\-]{32,}|\bSG\.[\w\-]{22}\.[\w\-]{43}\b"
)
#: literal pieces of those tokens: a cheap test before the regex runs over a long line
TOKEN_MARKERS = (
    "AKIA",
    "ASIA",
    "ghp_",
    "github_pat_",
    "gho_",
    "ghu_",
    "ghs_",
    "ghr_",
    "xox",
    "sk_live_",
    "PRIVATE KEY",
    "AIza",
    "glpat-",
    "npm_",
    "sk-",
    "SG.",
)
_GLOBAL_NAME_RE = lazy(
    r"^(?:application|appsettings|settings|config|configuration|production|prod|staging|stage|"
    r"default|defaults|global|common|base|values|env)(?:[-._][\w.-]*)?"
    r"\.(?:ya?ml|json|jsonc|toml|ini|properties|conf|cfg|env)$"
    r"|^(?:netlify\.toml|vercel\.json|fly\.toml|app\.ya?ml|firebase\.json|procfile|now\.json|"
    r"wrangler\.toml|render\.ya?ml|heroku\.yml|app\.json)$",
    re.I,
)
_GLOBAL_DIR_RE = lazy(r"(^|/)(config|conf|settings|configuration|environments?|envs?)/", re.I)
ENV_FILE_RE = lazy(r"(^|/)\.env(\.[\w.-]+)?$|\.env$", re.I)
_EXAMPLE_RE = lazy(r"(example|sample|template|dist|tmpl|schema)", re.I)
_TOOL_NAMES_RE = lazy(
    r"^(?:tsconfig[\w.-]*|jsconfig|tox|mkdocs|codecov|babel\.config|jest\.config|lerna|nx|turbo|"
    r"biome|deno|cspell|typos|_typos|rustfmt|clippy|pyrightconfig|mypy|setup|pytest|\.?coveragerc|"
    r"sonar-project|crowdin|lefthook|commitlint\.config|release-please-config|"
    r"\.release-please-manifest)\.\w+$",
    re.I,
)
#: content that yaml_families.py owns (Kubernetes, workflows, compose, CloudFormation)
OWNED_BY_YAML_RE = lazy(
    r"^apiVersion:\s*\S|^AWSTemplateFormatVersion|^Resources:\s*$|^jobs:\s*$|^on:\s*(?:\S|$)"
    r"|^services:\s*$|^\s*\"?apiVersion\"?\s*:\s*\"?[\w./]+\"?,?\s*$",
    re.M,
)
K8S_PATH = frozenset({"spec", "metadata", "apiVersion", "kind", "Resources", "jobs", "services"})


#: package-manager settings files without an extension paths.py knows
RC_FILE_RE = lazy(r"(^|/)(\.npmrc|\.yarnrc|\.pypirc|\.condarc|\.gemrc)$", re.I)
#: package-manager settings: where their registry keys point is a supply-chain decision
_PACKAGE_CONFIG_RE = lazy(
    r"(^|/)(\.npmrc|\.yarnrc|\.yarnrc\.yml|\.pypirc|pip\.conf|pip\.ini|\.condarc|\.gemrc|"
    r"bunfig\.toml|\.cargo/config(\.toml)?|uv\.toml|\.pdm\.toml)$",
    re.I,
)
_PACKAGE_SOURCE_RE = lazy(
    r"registry|index[_\-]?url|find[_\-]links|trusted[_\-]host|replace[_\-]with|channels|"
    r"npmRegistryServer|repository",
    re.I,
)
_HELM_VALUES_RE = lazy(r"(^|/)values([-._][\w.-]*)?\.ya?ml$", re.I)


@record
class _FileKind:
    global_: bool  # settings every environment or user gets: value changes matter
    tool: bool  # a linter's or build tool's own config: only secrets and package sources
    example: bool  # an example or template: only real-looking tokens
    helm: (
        bool  # Helm values: yaml_families.py reports the values, this module only flags and secrets
    )
    packages: bool  # a package manager's settings (.npmrc, pip.conf): registries are sources


def kind_of_file(path: str) -> _FileKind:
    lower = path.lower()
    name = posixpath.basename(lower)
    env = bool(ENV_FILE_RE.search(lower))
    example = bool(_EXAMPLE_RE.search(name))
    tool = not env and (
        any(part.startswith(".") and part not in (".github",) for part in lower.split("/"))
        or bool(_TOOL_NAMES_RE.match(name))
    )
    helm = bool(_HELM_VALUES_RE.search(lower))
    global_ = (
        not tool
        and not example
        and not helm
        and (env or bool(_GLOBAL_NAME_RE.match(name)) or bool(_GLOBAL_DIR_RE.search(lower)))
    )
    return _FileKind(global_, tool, example, helm, bool(_PACKAGE_CONFIG_RE.search(lower)))


Value = tuple[int, list[str]]  # (first line, values: one for a scalar, the items for a list)


def classify(
    path: tuple[str, ...],
    o: Value | None,
    n: Value | None,
    kind: _FileKind,
) -> Signal | None:
    key = path[-1]
    name = ".".join(path)
    line = n[0] if n is not None else (o[0] if o is not None else None)
    side: Side = "new" if n is not None else "old"
    new_v = ", ".join(n[1]) if n else ""
    old_v = ", ".join(o[1]) if o else ""
    if n is not None and _is_secret_key(key):
        if not kind.example and any(_real_secret(v) for v in n[1]):
            return Signal(
                kind=PERMISSION_WIDENING,
                code="flag.secret",
                detail=f"commits a value for secret `{name}`",
                line=line,
                side="new",
                symbol=name,
                severity="high",
            )
        return None
    if kind.packages and _PACKAGE_SOURCE_RE.search(name):
        if n is None:
            return Signal(
                kind=DEPENDENCY,
                code="flag.package_source",
                detail=f"removes package source `{name}`",
                line=line,
                side="old",
                symbol=name,
                severity="low",
            )
        detail = f"sets package source `{name}` to `{_cut(new_v)}`"
        return Signal(
            kind=DEPENDENCY,
            code="flag.package_source",
            detail=detail,
            line=line,
            side="new",
            symbol=name,
            severity="high",
        )
    if kind.tool or kind.example:
        return None
    if _is_flag(path):
        if o is not None and n is not None:
            return Signal(
                kind=GLOBAL_CONFIG,
                code="flag.default",
                detail=f"changes flag `{name}` from `{_cut(old_v)}` to `{_cut(new_v)}`",
                line=line,
                side="new",
                symbol=name,
                severity="medium",
            )
        if n is not None:
            return Signal(
                kind=GLOBAL_CONFIG,
                code="flag.added",
                detail=f"adds flag `{name}` = `{_cut(new_v)}`",
                line=line,
                side="new",
                symbol=name,
                severity="low",
            )
        return Signal(
            kind=GLOBAL_CONFIG,
            code="flag.removed",
            detail=f"removes flag `{name}` (was `{_cut(old_v)}`)",
            line=line,
            side="old",
            symbol=name,
            severity="medium",
        )
    if kind.helm:
        return None  # yaml_families.py reports changed Helm values
    if _is_limit(key) and o is not None and n is not None:
        return Signal(
            kind=GLOBAL_CONFIG,
            code="flag.limit",
            detail=f"changes `{name}` from `{_cut(old_v)}` to `{_cut(new_v)}`",
            line=line,
            side="new",
            symbol=name,
            severity="medium",
        )
    if kind.global_:
        if o is not None and n is not None:
            detail = f"changes `{name}` from `{_cut(old_v)}` to `{_cut(new_v)}`"
        elif n is not None:
            detail = f"adds setting `{name}` = `{_cut(new_v)}`"
        else:
            detail = f"removes setting `{name}`"
        return Signal(
            kind=GLOBAL_CONFIG,
            code="flag.config",
            detail=detail,
            line=line,
            side=side,
            symbol=name,
            severity="medium",
        )
    return None


def _real_secret(value: str) -> bool:
    v = value.strip().strip("\"'")
    if len(v) < 8 or " " in v or _PLACEHOLDER_RE.match(v):
        return False
    return not re.fullmatch(r"[a-z_]+", v)  # a word, not a key


def _cut(text: str) -> str:
    s = text.replace("`", "'")
    return s if len(s) <= 60 else s[:57] + "..."
