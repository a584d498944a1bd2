"""Config files (role ``config``): feature-flag defaults, global settings, limits, committed secrets.

Key paths come from the line scanners of ``lex/keys.py``.
"""

from __future__ import annotations

import itertools
import posixpath
import re
from collections.abc import Callable, Iterator

from ..models import (
    DEPENDENCY,
    GLOBAL_CONFIG,
    PERMISSION_WIDENING,
    Side,
    Signal,
    Symbol,
    SymbolChange,
    severity_rank,
)
from ..record import record
from ..rx import lazy
from .engine import FileContext, Partial
from .lex.keys import Pair, Rows, ini_pairs, json_pairs, segment_rows, toml_pairs, yaml_pairs


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# --- analysis -------------------------------------------------------------------------------------

#: settings and signals reported per file (generated data files change thousands of keys)
MAX_SYMBOLS = 50
MAX_SIGNALS = 20

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
_TOKEN_RE = lazy(
    r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b|\bghp_[A-Za-z0-9]{36}\b|\bgithub_pat_[A-Za-z0-9_]{40,}|"
    r"\bgh[ousr]_[A-Za-z0-9]{36}\b|\bxox[baprs]-[A-Za-z0-9-]{10,}|\bsk_live_[A-Za-z0-9]{16,}|"
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----|\bAIza[0-9A-Za-z_\-]{35}\b|\bglpat-[A-Za-z0-9_\-]{20,}|"
    r"\bnpm_[A-Za-z0-9]{36}\b|\bsk-(?:proj-)?[A-Za-z0-9_\-]{32,}|\bSG\.[\w\-]{22}\.[\w\-]{43}\b"
)
#: literal pieces of those tokens: a cheap test before the regex runs over a long line
_TOKEN_MARKERS = (
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
_ENV_FILE_RE = lazy(r"(^|/)\.env(\.[\w.-]+)?$|\.env$", re.I)
_EXAMPLE_RE = lazy(r"(example|sample|template|dist|tmpl|schema)", re.I)
_TOOL_NAMES_RE = lazy(
    r"^(?:tsconfig[\w.-]*|jsconfig|tox|mkdocs|codecov|babel\.config|jest\.config|lerna|nx|turbo|"
    r"biome|deno|cspell|typos|_typos|rustfmt|clippy|pyrightconfig|mypy|setup|pytest|\.?coveragerc|"
    r"sonar-project|crowdin|lefthook|commitlint\.config|release-please-config|"
    r"\.release-please-manifest)\.\w+$",
    re.I,
)
#: content that yaml_families.py owns (Kubernetes, workflows, compose, CloudFormation)
_OWNED_BY_YAML_RE = lazy(
    r"^apiVersion:\s*\S|^AWSTemplateFormatVersion|^Resources:\s*$|^jobs:\s*$|^on:\s*(?:\S|$)"
    r"|^services:\s*$|^\s*\"?apiVersion\"?\s*:\s*\"?[\w./]+\"?,?\s*$",
    re.M,
)
_K8S_PATH = frozenset({"spec", "metadata", "apiVersion", "kind", "Resources", "jobs", "services"})


#: package-manager settings files without an extension paths.py knows
_RC_FILE_RE = lazy(r"(^|/)(\.npmrc|\.yarnrc|\.pypirc|\.condarc|\.gemrc)$", re.I)
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


def _scanner(ctx: FileContext) -> Callable[[Rows], Iterator[Pair]] | None:
    lang = ctx.language
    lower = ctx.path.lower()
    if lang == "yaml":
        return yaml_pairs
    if lang == "json":
        return json_pairs
    if lang == "toml":
        return toml_pairs
    if lang in ("ini", "dotenv") or _ENV_FILE_RE.search(lower) or _RC_FILE_RE.search(lower):
        return ini_pairs
    return None


def _owned_by_yaml(ctx: FileContext) -> bool:
    if ctx.language not in ("yaml", "json"):
        return False
    sides: tuple[Side, Side] = ("old", "new")
    return any(
        _OWNED_BY_YAML_RE.search(seg.text[:20_000]) for side in sides for seg in ctx.segments(side)
    )


@record
class _FileKind:
    global_: bool  # settings every environment or user gets: value changes matter
    tool: bool  # a linter's or build tool's own config: only secrets and package sources
    example: bool  # an example or template: only real-looking tokens
    helm: (
        bool  # Helm values: yaml_families.py reports the values, this module only flags and secrets
    )
    packages: bool  # a package manager's settings (.npmrc, pip.conf): registries are sources


def _kind_of_file(path: str) -> _FileKind:
    lower = path.lower()
    name = posixpath.basename(lower)
    env = bool(_ENV_FILE_RE.search(lower))
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


def analyze(ctx: FileContext) -> Partial:
    from . import governance

    if governance.claims(ctx.path):
        return governance.analyze(ctx)
    part = Partial()
    scanner = _scanner(ctx)
    if scanner is None or _owned_by_yaml(ctx):
        return part
    kind = _kind_of_file(ctx.path)
    old = _scalars(ctx, "old", scanner)
    new = _scalars(ctx, "new", scanner)
    if any(set(path) & _K8S_PATH and len(path) > 1 for path in [*old, *new]):
        return part  # a manifest fragment whose header is out of view: yaml_families.py's
    signals: list[Signal] = []
    symbols: list[Symbol] = []
    for path in dict.fromkeys([*new, *old]):
        o, n = old.get(path), new.get(path)
        change: SymbolChange = "modified" if o and n else ("added" if n else "deleted")
        if o is not None and n is not None and sorted(o[1]) == sorted(n[1]):
            continue
        line = (n or o or (None, []))[0]
        symbols.append(Symbol("key", ".".join(path), change, line))
        sig = _classify(path, o, n, kind)
        if sig is not None:
            signals.append(sig)
    flagged = {s.line for s in signals if s.code == "flag.secret"}
    signals.extend(s for s in _token_signals(ctx, example=kind.example) if s.line not in flagged)
    if ctx.language in ("yaml", "json"):
        symbols = []  # yaml_families.py names the keys of YAML and JSON files
    part.symbols = symbols[:MAX_SYMBOLS]
    if len(symbols) > MAX_SYMBOLS:
        part.notes.append(f"{len(symbols)} settings changed; {MAX_SYMBOLS} listed")
    part.signals = _cap(signals)
    return part


Value = tuple[int, list[str]]  # (first line, values: one for a scalar, the items for a list)


def _scalars(
    ctx: FileContext, side: Side, scanner: Callable[[Rows], Iterator[Pair]]
) -> dict[tuple[str, ...], Value]:
    """Changed settings of one side: path -> (line, values); list items gather under their list."""
    changed = ctx.changed(side)
    out: dict[tuple[str, ...], Value] = {}
    for seg in ctx.segments(side):
        for p in scanner(segment_rows(seg)):
            if p.line not in changed or p.value is None:
                continue
            path = tuple(x for x in p.path if x != "[]") or ("[]",)
            seen = out.get(path)
            if seen is None:
                out[path] = (p.line, [p.value])
            else:
                seen[1].append(p.value)
    return out


def _classify(
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


def _token_signals(ctx: FileContext, *, example: bool) -> list[Signal]:
    out: list[Signal] = []
    for n, text in sorted(ctx.added.items()):
        if any(marker in text for marker in _TOKEN_MARKERS) and _TOKEN_RE.search(text):
            what = "an example file" if example else "config"
            out.append(
                Signal(
                    kind=PERMISSION_WIDENING,
                    code="flag.secret",
                    detail=f"commits a credential-shaped token to {what}",
                    line=n,
                    side="new",
                    severity="high",
                )
            )
    return out


def _cap(signals: list[Signal]) -> list[Signal]:
    if len(signals) <= MAX_SIGNALS:
        return signals
    ranked = sorted(signals, key=lambda s: -severity_rank(s.severity))
    return ranked[:MAX_SIGNALS]
