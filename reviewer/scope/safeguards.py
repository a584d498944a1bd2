"""Security switches turned off in any code or config file: a session cookie no longer
``HttpOnly``, TLS certificates no longer verified, CSRF checks off.

Terraform and CloudFormation have their own protection attributes (``deletion_protection``,
``DeletionPolicy``); this module reads the switches that live in application code and settings,
whatever the language: ``SESSION_COOKIE_HTTPONLY = False``, ``"verify": false``,
``InsecureSkipVerify: true``, ``rejectUnauthorized: false``.

Two shapes count:

- a **toggle**: a removed line gives a switch its safe value and an added line gives the same switch
  its unsafe one (``True`` -> ``False``);
- a **TLS check switched off** where it was never set: certificate verification has no unsafe
  default worth writing down, so an added ``verify=False`` or ``InsecureSkipVerify: true`` is the
  change.

Tests, docs, examples and fixtures set these on purpose; they are not read.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from ..models import PROTECTION_TOGGLE, Severity, Side, Signal
from ..rx import lazy
from ..terms import subwords
from .engine import FileContext, Partial

_SKIP_ROLES = frozenset({"test", "docs", "example", "changelog", "asset", "lockfile", "generated"})
_SKIP_LANGUAGES = frozenset({"hcl", "markdown", "rst", "text", "binary"})
MAX_LINE = 2_000

#: words of a switch that protects when on (a key is split at `_`, `-`, `.` and camelCase)
_GUARD_WORDS = (
    "httponly",
    "secure",
    "csrf",
    "xsrf",
    "verify",
    "verification",
    "checkhostname",
    "validatecerts",
    "rejectunauthorized",
    "sandbox",
    "autoescape",
    "sanitize",
    "protection",
)
#: words of a switch that exposes when on
_EXPOSE_WORDS = ("insecure", "skipverify", "noverify", "unsafe", "disablessl", "allowinsecure")
#: TLS checks: setting one off is the change even where the line is new
_TLS_GUARD = lazy(
    r"^(?:verify|verify_?ssl|ssl_?verify|tls_?verify|verify_?certs?|check_?hostname|"
    r"validate_?certs?|reject_?unauthorized|node_tls_reject_unauthorized)$",
    re.I,
)
_TLS_EXPOSE = lazy(
    r"^(?:insecure_?skip_?(?:tls_?)?verify|skip_?tls_?verify|tls_?skip_?verify|insecure_?ssl|"
    r"insecure)$",
    re.I,
)
#: `KEY = value`, `"key": value`, `key: value`, `key=value` (a keyword argument), `:key => value`,
#: and Sinatra's `set :key, value`
_ASSIGN = lazy(
    r"""(?P<key>[A-Za-z_][A-Za-z0-9_.\-]*)["']?\s*(?::|=>|=(?!=)|:=|(?<=\w),)\s*"""
    r"""(?P<value>["']?(?:true|false|yes|no|on|off|0|1)["']?)(?![\w.])""",
    re.I,
)
#: a command-line option declared on the line above its default: `'--verify',` then `default='yes'`
_OPTION = lazy(r"""["']--?([A-Za-z][\w-]*)["']""")
_ON = frozenset({"true", "yes", "on", "1"})
_OFF = frozenset({"false", "no", "off", "0"})


def _last_key(key: str) -> str:
    return re.split(r"[.\[]", key)[-1].strip("\"'")


def _words(key: str) -> str:
    """``SESSION_COOKIE_HTTPONLY`` -> ``sessioncookiehttponly``: a key's words, run together."""
    return "".join(subwords(key))


def _guard(key: str) -> str | None:
    """``"guard"`` for a switch that protects when on, ``"expose"`` for one that exposes when on."""
    joined = _words(key)
    if any(w in joined for w in _EXPOSE_WORDS):
        return "expose"
    if "deletion" in joined or "termination" in joined:
        return None  # a resource's delete protection: the infrastructure readers judge it
    if any(joined.endswith(w) or joined.startswith(w) for w in _GUARD_WORDS):
        return "guard"
    return None


def _switches(
    lines: dict[int, str], context: Callable[[], dict[int, str]] | None = None
) -> dict[str, tuple[int, str, str]]:
    """key -> (line, its value: on/off, the key as written) for every boolean switch set;
    ``context``: the file's lines around them, where an option's name stands above its default."""
    out: dict[str, tuple[int, str, str]] = {}
    for n, text in lines.items():
        for mm in _ASSIGN.finditer(text[:MAX_LINE]):
            key = _last_key(mm.group("key"))
            if key.lower() == "default" and context is not None:
                # `parser.add_argument('--verify', default='yes')` written over two lines
                shown = context()
                above = " ".join(shown.get(k, "") for k in (n - 2, n - 1)) + " " + text
                opt = _OPTION.findall(above[:MAX_LINE])
                if opt:
                    key = opt[-1]
            value = mm.group("value").strip("\"'").lower()
            state = "on" if value in _ON else "off" if value in _OFF else None
            if state is not None and _guard(key) is not None:
                out.setdefault(key.lower(), (n, state, key))
    return out


def _context(ctx: FileContext, side: str) -> dict[int, str]:
    """Every line the hunks show on one side, by its number on that side."""
    out: dict[int, str] = {}
    for h in ctx.fd.hunks:
        for prefix, old, new, text in h.numbered():
            n = new if side == "new" else old
            if n is not None and prefix != ("-" if side == "new" else "+"):
                out[n] = text
    return out


def _unsafe(key: str, state: str) -> bool:
    kind = _guard(key)
    return (kind == "guard" and state == "off") or (kind == "expose" and state == "on")


#: literal pieces of every switch above: one scan of a file's added text before any regex runs
_HINTS = (
    "httponly",
    "secure",
    "csrf",
    "xsrf",
    "verif",
    "hostname",
    "certs",
    "unauthorized",
    "sandbox",
    "escape",
    "sanitiz",
    "unsafe",
    "ssl",
    "protection",
)
#: an option's `default=` is a switch only in code that declares command-line options
_OPTION_LANGUAGES = frozenset({"python", "javascript", "typescript", "go", "ruby"})


#: a package manager's delay before a fresh release may be installed (pnpm and Renovate
#: `minimumReleaseAge`, Yarn `npmMinimalAgeGate`): the time a compromised release is caught in
_RELEASE_AGE = lazy(
    r"""(?P<key>minimum[-_]?release[-_]?age|min[-_]?release[-_]?age|npm[-_]?minimal[-_]?age[-_]?gate)"""
    r"""["']?\s*[:=]\s*["']?(?P<value>\d+)""",
    re.I,
)


def _numbers(pattern: re.Pattern[str], lines: dict[int, str]) -> dict[str, tuple[int, int, str]]:
    """key words -> (line, the number it is set to, the key as written) for every `key = <number>`
    ``pattern`` finds (its groups `key` and `value`)."""
    out: dict[str, tuple[int, int, str]] = {}
    for n, text in lines.items():
        for mm in pattern.finditer(text[:MAX_LINE]):
            key = mm.group("key").lstrip("@.")
            out.setdefault(_words(key), (n, int(mm.group("value")), key))
    return out


def _safeguard_off(
    detail: str, line: int | None, side: Side, symbol: str, severity: Severity = "high"
) -> Signal:
    return Signal(
        kind=PROTECTION_TOGGLE,
        code="code.safeguard_off",
        detail=detail,
        line=line,
        side=side,
        symbol=symbol,
        severity=severity,
    )


def _release_age_signals(ctx: FileContext) -> list[Signal]:
    """The delay set to 0 or taken out: every new release installs the minute it is published."""
    before = _numbers(_RELEASE_AGE, ctx.removed)
    if not before:
        return []
    after = _numbers(_RELEASE_AGE, ctx.added)
    out = []
    for low, (line, days, key) in before.items():
        now = after.get(low)
        if days <= 0 or (now is not None and now[1] > 0):
            continue
        if now is not None:
            detail = (
                f"sets `{key}` to 0 (it was {days}): new releases of every dependency install "
                "as soon as they are published"
            )
        else:
            # the tool's default applies, and that depends on its version: pnpm 11 waits a day
            # by itself, pnpm 10 and Yarn do not wait
            detail = (
                f"removes `{key}` (it was {days}): the package manager's default applies, which "
                "for older versions is no wait at all"
            )
        if now is not None:
            out.append(_safeguard_off(detail, now[0], "new", key))
        else:
            out.append(_safeguard_off(detail, line, "old", key, "medium"))
    return out


#: a statement that only calls a check: `self.enforce_csrf(request)`, `verify_signature(body)`,
#: `check_object_permissions(request, obj)`, `authorize!(:update, post)`
_CHECK_CALL = lazy(
    r"^\s*(?:await\s+)?(?:[\w.]+\.)?(?P<name>(?:enforce|verify|validate|check|require|assert|ensure)"
    r"_?\w*?(?:csrf|xsrf|signature|hmac|token|permission|permissions|auth|authentication|"
    r"authorization|access|origin|nonce|scope|scopes|owner|admin)|authenticate!?|authorize!?)"
    r"\s*(?:\(.*\))?\s*;?\s*(?:(?:#|//).*)?$",
    re.I,
)


def _check_calls(lines: dict[int, str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for n, text in lines.items():
        m = _CHECK_CALL.match(text[:MAX_LINE])
        if m is not None and ("(" in text or m.group("name").endswith("!")):
            out.setdefault(m.group("name").lower(), n)
    return out


_CHECK_HINTS = lazy(
    r"csrf|xsrf|signature|hmac|token|permission|auth|access|origin|nonce|scope|owner|admin", re.I
)


def _removed_check_signals(ctx: FileContext) -> list[Signal]:
    """A call that enforces a check (CSRF, a signature, a permission) taken out while nothing calls
    it again: whatever it refused now goes through."""
    if not _CHECK_HINTS.search("\n".join(t[:MAX_LINE] for t in ctx.removed.values())):
        return []  # the common case: one search over the removed text
    gone = _check_calls(ctx.removed)
    if not gone:
        return []
    again = ctx.added_text.lower()
    return [
        _safeguard_off(
            f"removes the call to `{name}`: the check it made no longer runs", line, "old", name
        )
        for name, line in gone.items()
        if name.rstrip("!") not in again
    ]


#: a password hash's work factor: `@@stretches = 12`, `BCRYPT_ROUNDS = 12`, `iterations: 600000`
_WORK_FACTOR = lazy(
    r"(?P<key>[\w.@]*(?:stretches|bcrypt[\w]*|pbkdf2[\w]*|argon2?[\w]*|scrypt[\w]*|log_?rounds|"
    r"hash_?rounds|hash_?iterations|password_?iterations|work_?factor|time_?cost|memory_?cost))"
    r"[\"']?\s*(?:=|:|=>)\s*(?P<value>\d+)\b",
    re.I,
)


_WORK_HINTS = lazy(r"stretch|bcrypt|pbkdf|argon|scrypt|rounds|iterations|work_?factor|_cost", re.I)


def _work_factor_signals(ctx: FileContext) -> list[Signal]:
    """A password hash's work factor lowered: every hash it makes is cheaper to crack."""
    before = _numbers(_WORK_FACTOR, ctx.removed)
    if not before:
        return []
    after = _numbers(_WORK_FACTOR, ctx.added)
    out = []
    for low, (_line, was, key) in before.items():
        now = after.get(low)
        if now is None or now[1] >= was:
            continue
        detail = f"lowers `{key}` from {was} to {now[1]}: password hashes get cheaper to crack"
        out.append(_safeguard_off(detail, now[0], "new", key))
    return out


#: linters and scanners whose whole job is security findings
_SECURITY_LINTER = lazy(
    r"(?<![\w-])(gosec|bandit|semgrep|brakeman|codeql|gitleaks|trufflehog|detect-secrets|"
    r"eslint-plugin-security|njsscan|flawfinder|checkov|tfsec|kics|trivy|grype|osv-scanner)(?![\w-])",
    re.I,
)
_COMMENTED = lazy(r"^\s*(?:#|//|;)")


def _linters(lines: dict[int, str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for n, text in lines.items():
        if _COMMENTED.match(text):
            continue
        for m in _SECURITY_LINTER.finditer(text[:MAX_LINE]):
            out.setdefault(m.group(1).lower(), n)
    return out


def _security_linter_signals(ctx: FileContext) -> list[Signal]:
    """A security linter or scanner taken out of a lint or CI configuration (deleted or commented
    out) while nothing names it again: its findings stop being reported."""
    gone = _linters(ctx.removed)
    if not gone:
        return []
    kept = _linters(ctx.added)
    return [
        _safeguard_off(
            f"stops running the security linter `{name}`: what it finds is no longer reported",
            line,
            "old",
            name,
        )
        for name, line in gone.items()
        if name not in kept
    ]


#: settings that say whom to trust or let in: trusted proxies and hosts, the addresses whose
#: forwarded headers count, allowed origins and hosts (`FORWARDED_ALLOW_IPS`, `trustedProxies`,
#: `ALLOWED_HOSTS`, `allow_origins`)
_TRUST_SETTING = lazy(
    r"(?:trust(?:ed)?[-_ ]?(?:prox(?:y|ies)|hosts?|ips?|origins?|networks?)"
    r"|forwarded[-_]?allow[-_]?ips|allow(?:ed)?[-_]?(?:hosts|origins|ips)|cors[-_]?origins?)",
    re.I,
)
#: a wildcard value: every address, host or origin
_WILDCARD = lazy(r"""["'](?:\*|0\.0\.0\.0/0|::/0)["']""")


def _trust_widened(ctx: FileContext) -> list[Signal]:
    """A trust setting replaced by a wildcard on the same line (`FORWARDED_ALLOW_IPS` from
    `127.0.0.1` to `*`, `ALLOWED_HOSTS = ["*"]`): whoever connects is trusted or let in, and can
    set the client address, host or origin the application believes."""
    out: list[Signal] = []
    for old, line, new in ctx.replaced:
        old, new = old[:MAX_LINE], new[:MAX_LINE]
        m = _TRUST_SETTING.search(new)
        if m is None or not _TRUST_SETTING.search(old):
            continue
        if _WILDCARD.search(new) and not _WILDCARD.search(old):
            detail = f"sets `{m.group(0)}` to a wildcard: every client is trusted or let in"
            out.append(_safeguard_off(detail, line, "new", m.group(0)))
    return out


def analyze(ctx: FileContext) -> Partial:
    part = Partial()
    if ctx.role in _SKIP_ROLES or ctx.language in _SKIP_LANGUAGES:
        return part
    if ctx.removed and ctx.added and ("*" in ctx.added_text or "0/0" in ctx.added_text):
        part.signals.extend(_trust_widened(ctx))
    if ctx.removed and any("age" in t.lower() for t in ctx.removed.values()):
        part.signals.extend(_release_age_signals(ctx))
    if ctx.removed and ctx.language not in ("yaml", "json", "toml"):
        part.signals.extend(_removed_check_signals(ctx))
    if ctx.removed and ctx.added and _WORK_HINTS.search(ctx.added_text):
        part.signals.extend(_work_factor_signals(ctx))
    if ctx.removed and ctx.status == "modified" and ctx.role in ("config", "governance"):
        part.signals.extend(_security_linter_signals(ctx))
    if not ctx.added:
        return part
    text = ctx.added_text.lower()
    if not any(h in text for h in _HINTS) and not (
        ctx.language in _OPTION_LANGUAGES and "default" in text
    ):
        return part  # the common case
    # the lines around a switch are read only for an option's `default=`, once per side
    added = _switches(ctx.added, cache(lambda: _context(ctx, "new")))
    if not added:
        return part
    removed = _switches(ctx.removed, cache(lambda: _context(ctx, "old")))
    for low, (line, state, key) in sorted(added.items(), key=lambda kv: kv[1][0]):
        if not _unsafe(key, state):
            continue
        before = removed.get(low)
        if before is not None and not _unsafe(key, before[1]):
            detail = f"turns `{key}` off (it was `{_shown(before[1])}`)"
        elif before is None and (_TLS_GUARD.match(key) or _TLS_EXPOSE.match(key)):
            detail = f"sets `{key}` to `{_shown(state)}`: TLS certificates are not checked"
        else:
            continue
        part.signals.append(_safeguard_off(detail, line, "new", key))
    return part


def _shown(state: str) -> str:
    return "true" if state == "on" else "false"
