"""Which scanner reads which manifest, and the scanners of Cargo, npm, Composer, Go, Bundler, pub, Mix."""

from __future__ import annotations

import posixpath
import re

from ...models import Side
from ...rx import lazy
from ..engine import FileContext
from ..lex.keys import json_pairs, toml_pairs, yaml_pairs
from .entries import Entry, Scanner, inline, spec_like, toml_dep
from .jvm import scan_gradle, scan_msbuild, scan_pom, scan_version_catalog
from .python import (
    POETRY_FIELDS,
    requirements,
    scan_conda,
    scan_pipfile,
    scan_pyproject,
    scan_setup_cfg,
    scan_setup_py,
)

_CARGO_TABLES = {
    "dependencies": "runtime",
    "dev-dependencies": "dev",
    "build-dependencies": "build",
}


def _scan_cargo(rows: list[tuple[int | None, str]]) -> list[Entry]:
    out: list[Entry] = []
    for p in toml_pairs(rows):
        path, v = p.path, p.value
        if v is None:
            continue
        if path in (
            ("package", "rust-version"),
            ("package", "edition"),
            ("workspace", "package", "rust-version"),
        ):
            out.append(Entry("runtime", f"rust {path[-1]}", v, "", p.line))
            continue
        if path[:1] in (("patch",), ("replace",)) and len(path) >= 3:
            out.append(Entry("source", path[2], v, "", p.line))
            continue
        idx = next((i for i, part in enumerate(path) if part in _CARGO_TABLES), None)
        if idx is None:
            if len(path) == 1 and spec_like(inline(v)[0] or v):
                out.extend(toml_dep(path[0], v, "", p.line))
            continue
        section = _CARGO_TABLES[path[idx]]
        rest = path[idx + 1 :]
        if len(rest) == 1:
            out.extend(toml_dep(rest[0], v, section, p.line))
        elif len(rest) == 2 and rest[1] in POETRY_FIELDS:
            out.append(
                Entry(
                    "dep", rest[0], v if rest[1] == "version" else f"{rest[1]}={v}", section, p.line
                )
            )
    return out


_NPM_SECTIONS = {
    "dependencies": "runtime",
    "devDependencies": "dev",
    "peerDependencies": "peer",
    "optionalDependencies": "optional",
    "overrides": "override",
    "resolutions": "override",
}
_NPM_TOP = frozenset(
    [
        "name",
        "version",
        "description",
        "main",
        "module",
        "types",
        "typings",
        "license",
        "author",
        "homepage",
        "repository",
        "bugs",
        "type",
        "private",
        "packageManager",
        "browser",
        "bin",
        "man",
        "files",
        "exports",
        "imports",
        "sideEffects",
    ]
)
INSTALL_SCRIPTS = frozenset(
    [
        "preinstall",
        "install",
        "postinstall",
        "prepare",
        "prepublish",
        "preuninstall",
        "uninstall",
        "postuninstall",
    ]
)


#: npm's pre/post hooks of any script: `prepublish`, `postpublish`, `preversion` ...
_LIFECYCLE = lazy(
    r"^(?:pre|post)(?:publish|publishOnly|pack|version|install|uninstall|test|start|stop|restart"
    r"|build|deploy|release)$"
)
#: a value that is a command line, not a version range (`^1 || ^2` is a range)
_COMMAND_LINE = lazy(r"&&|;\s|\s-{1,2}[a-z]|^(?:node|npm|npx|yarn|pnpm|git|rm|tsc|bash|sh)\s")


def _scan_package_json(rows: list[tuple[int | None, str]]) -> list[Entry]:
    out: list[Entry] = []
    for p in json_pairs(rows):
        path, v = p.path, p.value
        if v is None:
            continue
        if len(path) == 2 and path[0] in _NPM_SECTIONS:
            out.append(Entry("dep", path[1], v, _NPM_SECTIONS[path[0]], p.line))
        elif len(path) == 2 and path[0] == "engines":
            out.append(Entry("runtime", path[1], v, "", p.line))
        elif path == ("packageManager",):
            out.append(Entry("runtime", "package manager", v, "", p.line))
        elif path[:1] == ("publishConfig",) and path[-1] == "registry":
            out.append(Entry("source", "registry", v, "", p.line))
        elif (len(path) == 2 and path[0] == "scripts") or (
            # a hunk cut out of `scripts` shows no section: a lifecycle hook's name says it, and
            # so does a value that is a command line (`git push && git push --tags`)
            len(path) == 1
            and path[0] not in _NPM_TOP
            and (path[0] in INSTALL_SCRIPTS or _LIFECYCLE.match(path[0]) or _COMMAND_LINE.search(v))
        ):
            out.append(Entry("script", path[-1], v, "", p.line))
        elif len(path) == 3 and path[:2] == ("pnpm", "overrides"):
            out.append(Entry("dep", path[2], v, "override", p.line))
        elif len(path) == 1 and path[0] not in _NPM_TOP and spec_like(v):
            out.append(Entry("dep", path[0], v, "", p.line))
    return out


def _scan_composer(rows: list[tuple[int | None, str]]) -> list[Entry]:
    out: list[Entry] = []
    sections = {"require": "runtime", "require-dev": "dev"}
    for p in json_pairs(rows):
        path, v = p.path, p.value
        if v is None:
            continue
        if len(path) == 2 and path[0] in sections:
            if path[1] == "php":
                out.append(Entry("runtime", "php", v, "", p.line))
            else:
                out.append(Entry("dep", path[1], v, sections[path[0]], p.line))
        elif path[:1] == ("repositories",) and path[-1] == "url":
            out.append(Entry("source", "repository", v, "", p.line))
        elif path == ("config", "platform", "php"):
            out.append(Entry("runtime", "php", v, "", p.line))
        elif len(path) == 1 and "/" in path[0] and spec_like(v):
            out.append(Entry("dep", path[0], v, "", p.line))
    return out


_GO_DIRECTIVE_RE = lazy(r"^(require|replace|exclude|retract)\s*(\(?)\s*(.*)$")


def _scan_gomod(rows: list[tuple[int | None, str]]) -> list[Entry]:
    out: list[Entry] = []
    block: str | None = None
    for line, text in rows:
        indirect = "// indirect" in text
        s = text.split("//", 1)[0].strip()
        if not s:
            continue
        if s == ")":
            block = None
            continue
        m = _GO_DIRECTIVE_RE.match(s)
        if m is not None:
            if m.group(2) == "(":
                block = m.group(1)
                continue
            directive, body = m.group(1), m.group(3)
        elif block is not None:
            directive, body = block, s
        else:
            word, _, value = s.partition(" ")
            if word in ("go", "toolchain") and line is not None:
                out.append(Entry("runtime", word, value.strip(), "", line))
            continue
        if line is None:
            continue
        parts = body.split()
        if directive == "require" and len(parts) >= 2:
            out.append(
                Entry("dep", parts[0], parts[1], "indirect" if indirect else "runtime", line)
            )
        elif directive == "replace" and "=>" in body:
            left, right = (x.strip() for x in body.split("=>", 1))
            out.append(Entry("source", f"replace {left.split()[0]}", right, "", line))
    return out


_GEM_RE = lazy(r"""^\s*gem\s*\(?\s*["']([^"']+)["']((?:\s*,\s*["'][^"']*["'])*)(.*)$""")
_GEM_SOURCE_RE = lazy(
    r"""\b(git|github|path|source):\s*["']([^"']+)["']|:(git|github|path|source)\s*=>\s*["']([^"']+)["']"""
)


def _scan_gemfile(rows: list[tuple[int | None, str]]) -> list[Entry]:
    out: list[Entry] = []
    group = ""
    for line, text in rows:
        s = text.split("#", 1)[0].rstrip()
        g = re.match(r"^\s*group\s+(.*?)\s+do\b", s)
        if g is not None:
            group = "dev" if re.search(r"development|test", g.group(1)) else "runtime"
            continue
        if re.match(r"^end\b", s):
            group = ""
            continue
        if line is None:
            continue
        m = _GEM_RE.match(s)
        if m is not None:
            versions = ", ".join(re.findall(r"""["']([^"']*)["']""", m.group(2)))
            src = _GEM_SOURCE_RE.search(m.group(3))
            spec = (
                f"{src.group(1) or src.group(3)}={src.group(2) or src.group(4)}"
                if src
                else versions
            )
            out.append(Entry("dep", m.group(1), spec, group or "runtime", line))
            continue
        r = re.match(r"""^\s*ruby\s+["']([^"']+)["']""", s)
        if r is not None:
            out.append(Entry("runtime", "ruby", r.group(1), "", line))
            continue
        src_line = re.match(r"""^\s*source\s+["']([^"']+)["']""", s)
        if src_line is not None:
            out.append(Entry("source", "gem source", src_line.group(1), "", line))
    return out


def _scan_pubspec(rows: list[tuple[int | None, str]]) -> list[Entry]:
    out: list[Entry] = []
    sections = {
        "dependencies": "runtime",
        "dev_dependencies": "dev",
        "dependency_overrides": "override",
    }
    for p in yaml_pairs(rows):
        path, v = p.path, p.value
        if v is None:
            continue
        if path[:1] == ("environment",) and len(path) == 2:
            out.append(Entry("runtime", path[1], v, "", p.line))
        elif len(path) >= 2 and path[0] in sections:
            if len(path) == 2:
                out.append(Entry("dep", path[1], v, sections[path[0]], p.line))
            elif path[2] in ("version", "git", "path", "hosted", "url", "sdk"):
                spec = v if path[2] in ("version", "sdk") else f"{path[2]}={v}"
                out.append(Entry("dep", path[1], spec, sections[path[0]], p.line))
    return out


_MIX_DEP_RE = lazy(r"""\{\s*:(\w+)\s*,\s*(?:"([^"]+)"|(git|github|path):\s*"([^"]+)")(.*?)\}""")


def _scan_mix(rows: list[tuple[int | None, str]]) -> list[Entry]:
    out: list[Entry] = []
    for line, text in rows:
        if line is None:
            continue
        for m in _MIX_DEP_RE.finditer(text):
            section = (
                "dev" if re.search(r"only:\s*\[?[^\]]*:(?:dev|test)", m.group(5)) else "runtime"
            )
            spec = m.group(2) or f"{m.group(3)}={m.group(4)}"
            out.append(Entry("dep", m.group(1), spec, section, line))
        e = re.search(r"""\belixir:\s*"([^"]+)\"""", text)
        if e is not None:
            out.append(Entry("runtime", "elixir", e.group(1), "", line))
    return out


def scanner_for(path: str) -> Scanner | None:
    name = posixpath.basename(path).lower()
    if name.endswith((".txt", ".in")):
        dev = re.search(r"(dev|test|lint|doc|ci|typing|style|travis|tox)", name)
        return requirements("dev" if dev else "runtime")
    if name.endswith((".csproj", ".fsproj", ".vbproj", ".props")):
        return scan_msbuild
    if name.endswith((".gradle", ".gradle.kts")):
        return scan_gradle
    return _SCANNERS.get(name)


_SCANNERS: dict[str, Scanner] = {
    "pyproject.toml": scan_pyproject,
    "pipfile": scan_pipfile,
    "cargo.toml": _scan_cargo,
    "libs.versions.toml": scan_version_catalog,
    "package.json": _scan_package_json,
    "composer.json": _scan_composer,
    "go.mod": _scan_gomod,
    "gemfile": _scan_gemfile,
    "pom.xml": scan_pom,
    "pubspec.yaml": _scan_pubspec,
    "environment.yml": scan_conda,
    "environment.yaml": scan_conda,
    "mix.exs": _scan_mix,
    "setup.py": scan_setup_py,
    "setup.cfg": scan_setup_cfg,
}

_NOT_LIBRARY_RE = {
    "package.json": lazy(r"\"private\"\s*:\s*true"),
    "pyproject.toml": lazy(r"package-mode\s*=\s*false"),
    "cargo.toml": lazy(r"publish\s*=\s*false"),
    "composer.json": lazy(r"\"type\"\s*:\s*\"project\""),
    "pubspec.yaml": lazy(r"publish_to\s*:\s*['\"]?none"),
}
_LIBRARY_FILES = frozenset({"setup.py", "setup.cfg", *_NOT_LIBRARY_RE})


def is_library(ctx: FileContext) -> bool:
    name = posixpath.basename(ctx.path).lower()
    if name not in _LIBRARY_FILES:
        return False
    pattern = _NOT_LIBRARY_RE.get(name)
    if pattern is None:
        return True
    side: Side = "old" if ctx.status == "deleted" else "new"
    return not any(pattern.search(seg.text) for seg in ctx.segments(side))
