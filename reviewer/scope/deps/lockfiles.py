"""Lockfiles summarised: packages updated, added, removed (``MAX_SYMBOLS`` named), one signal per concern."""

from __future__ import annotations

import re

from ...models import Side, Symbol
from ...record import record
from ...rx import lazy
from ..engine import FileContext, Partial, any_in
from ..lex.keys import segment_rows
from ..lex.versions import compare_versions, version_tuple
from .entries import dependency_signal

#: symbols listed for one lockfile; the rest are counted in the signal's detail
MAX_SYMBOLS = 50


@record(slots=False)
class _LockFormat:
    #: a line that is a whole entry: groups ``name`` and ``version``
    single: re.Pattern[str] | None = None
    #: a line that opens a package block: group ``name`` (may be empty: see ``name``)
    header: re.Pattern[str] | None = None
    #: a line inside a block that names the package (when the header does not)
    name: re.Pattern[str] | None = None
    #: a line inside a block that gives the version
    version: re.Pattern[str] | None = None
    #: header names that are not packages (sub-objects of a package)
    skip: frozenset[str] = frozenset()


_NPM_SUBKEYS = frozenset(
    [
        "dependencies",
        "devDependencies",
        "optionalDependencies",
        "peerDependencies",
        "peerDependenciesMeta",
        "requires",
        "engines",
        "bin",
        "funding",
        "packages",
        "license",
        "cpu",
        "os",
        "libc",
    ]
)
_JSON_BLOCK = lazy(r'^\s*"(?P<name>[^"]*)"\s*:\s*\{\s*$')
_JSON_VERSION = lazy(r'^\s*"version"\s*:\s*"(?P<version>[^"]+)"')
_TOML_PACKAGE = _LockFormat(
    header=lazy(r"^\[\[package\]\]\s*$"),
    name=lazy(r'^name\s*=\s*"(?P<name>[^"]+)"'),
    version=lazy(r'^version\s*=\s*"(?P<version>[^"]+)"'),
)
_LOCK_FORMATS: dict[str, _LockFormat] = {
    "package-lock.json": _LockFormat(header=_JSON_BLOCK, version=_JSON_VERSION, skip=_NPM_SUBKEYS),
    "npm-shrinkwrap.json": _LockFormat(
        header=_JSON_BLOCK, version=_JSON_VERSION, skip=_NPM_SUBKEYS
    ),
    "yarn.lock": _LockFormat(
        header=lazy(r'^(?P<name>"?[^\s#"][^\n]*?)"?:\s*$'),
        version=lazy(r'^\s+version:?\s+"?(?P<version>[^"\s]+)"?'),
        skip=frozenset({"__metadata"}),
    ),
    "pnpm-lock.yaml": _LockFormat(
        single=lazy(
            r"^\s{2,4}['\"]?/?(?P<name>(?:@[^/@\s]+/)?[^/@:\s'\"(]+)[@/](?P<version>\d[^:'\"\s(]*)"
        )
    ),
    "poetry.lock": _TOML_PACKAGE,
    "uv.lock": _TOML_PACKAGE,
    "pdm.lock": _TOML_PACKAGE,
    "cargo.lock": _TOML_PACKAGE,
    "go.sum": _LockFormat(
        single=lazy(r"^(?P<name>\S+)\s+(?P<version>v[^\s/]+)(?:/go\.mod)?\s+h1:")
    ),
    "gemfile.lock": _LockFormat(
        single=lazy(r"^ {4}(?P<name>[A-Za-z0-9_.\-]+) \((?P<version>[^)]+)\)\s*$")
    ),
    "composer.lock": _LockFormat(
        header=lazy(r'^\s*"name"\s*:\s*"(?P<name>[^"]+/[^"]+)"'),
        version=lazy(r'^\s*"version"\s*:\s*"(?P<version>[^"]+)"'),
    ),
    "pipfile.lock": _LockFormat(
        header=lazy(r'^\s{6,10}"(?P<name>[^"]+)"\s*:\s*\{\s*$'),
        version=lazy(r'^\s*"version"\s*:\s*"=*(?P<version>[^"]+)"'),
        skip=frozenset({"hashes", "markers", "_meta", "default", "develop", "requires", "sources"}),
    ),
    "packages.lock.json": _LockFormat(
        header=lazy(r'^\s{6}"(?P<name>[^"]+)"\s*:\s*\{\s*$'),
        version=lazy(r'^\s*"resolved"\s*:\s*"(?P<version>[^"]+)"'),
    ),
    "gradle.lockfile": _LockFormat(
        single=lazy(r"^(?P<name>[^:#\s]+:[^:\s]+):(?P<version>[^=\s]+)=")
    ),
    "pubspec.lock": _LockFormat(
        header=lazy(r"^ {2}(?P<name>[\w\-]+):\s*$"),
        version=lazy(r'^ {4}version:\s*"?(?P<version>[^"\s]+)"?'),
    ),
    "podfile.lock": _LockFormat(
        single=lazy(r'^ {2}- "?(?P<name>[^\s("]+) \((?P<version>[^)]+)\)"?:?\s*$')
    ),
    "mix.lock": _LockFormat(
        single=lazy(r'^\s+"(?P<name>[^"]+)"\s*:\s*\{:\w+,\s*:[\w]+,\s*"(?P<version>[^"]+)"')
    ),
    "flake.lock": _LockFormat(
        header=lazy(r'^ {4}"(?P<name>[^"]+)"\s*:\s*\{\s*$'),
        version=lazy(r'^\s*"rev"\s*:\s*"(?P<version>[0-9a-f]{7,})"'),
    ),
    ".terraform.lock.hcl": _LockFormat(
        header=lazy(r'^provider\s+"(?P<name>[^"]+)"'),
        version=lazy(r'^\s+version\s*=\s*"(?P<version>[^"]+)"'),
    ),
    "bun.lock": _LockFormat(
        single=lazy(r'^\s+"(?P<name>[^"]+)"\s*:\s*\["(?:@?[^@"]+)@(?P<version>[^"]+)"')
    ),
}

#: rows read above and below each changed line of a whole lockfile (package blocks are short)
_WINDOW_BEFORE = 300
_WINDOW_AFTER = 60
_URL_HOST_RE = lazy(r"(?:git\+)?(?:https?|git|ssh)://(?:[^@/\s\"']+@)?([^/\s\"':]+)")
_FUNDING_URL = lazy(r'^\s*"url"\s*:')
_SOURCE_KEY_RE = lazy(r"\b(?:resolved|url|source|registry|remote|tarball)\b", re.I)
_DEFAULT_HOSTS = frozenset(
    [
        "registry.npmjs.org",
        "registry.yarnpkg.com",
        "pypi.org",
        "files.pythonhosted.org",
        "pypi.python.org",
        "crates.io",
        "index.crates.io",
        "static.crates.io",
        "github.com",
        "rubygems.org",
        "repo.packagist.org",
        "proxy.golang.org",
        "registry.terraform.io",
        "pub.dev",
        "pub.dartlang.org",
        "repo.maven.apache.org",
        "repo1.maven.org",
        "plugins.gradle.org",
        "api.nuget.org",
        "conda.anaconda.org",
        "hex.pm",
        "repo.hex.pm",
        "codeload.github.com",
        "objects.githubusercontent.com",
    ]
)


@record(frozen=False, slots=False)
class _Block:
    name: str
    version: str
    start: int
    end: int


def _window(rows: list[tuple[int | None, str]], changed: list[int]) -> list[tuple[int | None, str]]:
    """The rows near changed lines (all of them when the file is small or wholly changed)."""
    if len(rows) < 2 * (_WINDOW_BEFORE + _WINDOW_AFTER) or not changed:
        return rows
    keep = bytearray(len(rows))
    first = next((n for n, _t in rows if n is not None), 1)
    for n in changed:
        lo = max(0, n - first - _WINDOW_BEFORE)
        hi = min(len(rows), n - first + _WINDOW_AFTER)
        keep[lo:hi] = b"\x01" * (hi - lo)
    return [r for r, k in zip(rows, keep, strict=False) if k]


def _lock_blocks(rows: list[tuple[int | None, str]], fmt: _LockFormat) -> list[_Block]:
    out: list[_Block] = []
    current: _Block | None = None
    prev: int | None = None
    for line, text in rows:
        if line is None:
            continue
        if prev is not None and line != prev + 1:
            current = None  # a gap between windows: the block above is unknown
        prev = line
        if fmt.single is not None:
            m = fmt.single.match(text)
            if m is not None:
                out.append(_Block(m.group("name"), m.group("version"), line, line))
            continue
        if fmt.header is not None:
            h = fmt.header.match(text)
            if h is not None:
                name = h.groupdict().get("name") or ""
                if name not in fmt.skip:
                    current = _Block(_lock_name(name), "", line, line)
                    out.append(current)
                    continue
        if current is None:
            continue
        current.end = line
        if fmt.name is not None and not current.name:
            nm = fmt.name.match(text)
            if nm is not None:
                current.name = nm.group("name")
                continue
        if fmt.version is not None and not current.version:
            v = fmt.version.match(text)
            if v is not None:
                current.version = v.group("version")
    return out


def _lock_name(raw: str) -> str:
    """``node_modules/a/node_modules/@s/b`` -> ``@s/b``; ``"@s/b@^1.0", "@s/b@^1.1"`` -> ``@s/b``."""
    name = raw.strip().strip('"')
    if "node_modules/" in name:
        name = name.rsplit("node_modules/", 1)[1]
    name = name.split(",", 1)[0].strip().strip('"')
    at = name.find("@", 1)
    return name[:at] if at > 0 else name


def _lock_side(
    ctx: FileContext, side: Side, fmt: _LockFormat
) -> tuple[dict[str, _Block], set[str], set[str]]:
    """Changed packages (name -> block with the highest version), hosts on changed and on other rows."""
    changed = ctx.changed(side)
    lines = [n for n in ctx.changed_sorted(side) if changed[n].strip()]
    found: dict[str, _Block] = {}
    changed_hosts: set[str] = set()
    other_hosts: set[str] = set()
    for seg in ctx.segments(side):
        rows = _window(segment_rows(seg), lines)
        for b in _lock_blocks(rows, fmt):
            if b.name and any_in(lines, b.start, b.end):
                seen = found.get(b.name)
                if seen is None or (version_tuple(b.version) or ()) > (
                    version_tuple(seen.version) or ()
                ):
                    found[b.name] = b
        for i, (line, text) in enumerate(rows):
            if line is None or not _SOURCE_KEY_RE.search(text):
                continue
            if _FUNDING_URL.search(text) and any(
                "funding" in t for _n, t in rows[max(0, i - 3) : i]
            ):
                continue  # npm's `"funding": {"url": ...}`: where to donate, not where from
            hosts = changed_hosts if line in changed else other_hosts
            hosts.update(h.lower() for h in _URL_HOST_RE.findall(text))
    return found, changed_hosts, other_hosts


def analyze_lockfile(ctx: FileContext, name: str) -> Partial:
    part = Partial()
    fmt = _LOCK_FORMATS.get(name)
    if fmt is None:
        part.signals.append(
            dependency_signal(
                code="dep.lockfile_changed",
                detail=f"changes lockfile `{ctx.path}`",
                line=None,
                side="new",
                symbol=None,
                severity="low",
            )
        )
        return part
    old, old_hosts, old_other = _lock_side(ctx, "old", fmt)
    new, new_hosts, new_other = _lock_side(ctx, "new", fmt)
    updated = sorted(k for k in new if k in old and new[k].version != old[k].version)
    added = sorted(k for k in new if k not in old)
    removed = sorted(k for k in old if k not in new)
    # transitive 0.x packages move minor versions all the time: only a first-number change counts
    majors = [
        k
        for k in updated
        if compare_versions(old[k].version, new[k].version, zero=False) == "major"
    ]

    ordered: list[tuple[str, str]] = (
        [(k, "modified") for k in majors]
        + [(k, "added") for k in added]
        + [(k, "deleted") for k in removed]
        + [(k, "modified") for k in updated if k not in set(majors)]
    )
    for k, change in ordered[:MAX_SYMBOLS]:
        block = old[k] if change == "deleted" else new[k]
        part.symbols.append(Symbol("dependency", k, change, block.start))  # type: ignore[arg-type]
    if len(ordered) > MAX_SYMBOLS:
        part.notes.append(
            f"lockfile summarised: {len(ordered)} packages changed, {MAX_SYMBOLS} listed"
        )

    if ctx.status == "deleted":
        part.signals.append(
            dependency_signal(
                code="dep.lockfile_deleted",
                detail=f"deletes lockfile `{ctx.path}` ({len(removed)} pinned packages)",
                line=None,
                side="old",
                symbol=None,
                severity="medium",
            )
        )
    else:
        counts = f"{len(updated)} updated, {len(added)} added, {len(removed)} removed"
        verb = "adds" if ctx.status == "added" else "changes"
        part.signals.append(
            dependency_signal(
                code="dep.lockfile_changed",
                detail=f"{verb} lockfile `{ctx.path}`: {counts}",
                line=None,
                side="new",
                symbol=None,
                severity="low",
            )
        )
    if majors:
        shown = ", ".join(f"`{k}` {old[k].version} -> {new[k].version}" for k in majors[:5])
        more = f" and {len(majors) - 5} more" if len(majors) > 5 else ""
        part.signals.append(
            dependency_signal(
                code="dep.major_bump",
                detail=f"{len(majors)} locked package{'s' if len(majors) > 1 else ''} change"
                f"{'' if len(majors) > 1 else 's'} major version: {shown}{more}",
                line=new[majors[0]].start,
                side="new",
                symbol=None,
                severity="medium",
            )
        )
    fresh = sorted(new_hosts - old_hosts - old_other - new_other - _DEFAULT_HOSTS)
    if fresh:
        part.signals.append(
            dependency_signal(
                code="dep.source",
                detail=f"locks packages from a new source: `{'`, `'.join(fresh[:3])}`",
                line=None,
                side="new",
                symbol=None,
                severity="high",
            )
        )
    return part
