"""Dependency manifests and lockfiles: packages added, removed, bumped; runtimes; package sources.

Every manifest format is a scanner turning rows of text into ``Entry`` records (a dependency, a
runtime requirement or a package source). Only entries that contain a changed line are compared,
old side against new, so both modes agree wherever the hunk shows the entry and its section.

Lockfiles are summarised: counts of packages updated, added and removed, at most ``MAX_SYMBOLS``
symbols, one signal per concern. Whether a lockfile changed *without* its manifest is a question
about the whole file set, which one analyzer call cannot answer: a lockfile reports
``dep.lockfile_changed`` and the analysis pairs it with the ``dep.*`` signals of a manifest of the
same ecosystem in the same directory, reporting a lockfile-only change when there is none.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable

from ..models import DEPENDENCY, Severity, Side, Signal, Symbol
from ..record import record
from ..rx import lazy
from .engine import FileContext, Partial, any_in
from .lex.keys import ini_pairs, json_pairs, segment_rows, toml_pairs, yaml_pairs

#: symbols listed for one lockfile; the rest are counted in the signal's detail
MAX_SYMBOLS = 50

_VERSION_RE = lazy(r"(\d+)(?:\.(\d+))?(?:\.(\d+))?")


def version_tuple(text: str) -> tuple[int, ...] | None:
    """The first dotted number in ``text`` (``^1.2.3`` -> (1, 2, 3)); None when it has none."""
    m = _VERSION_RE.search(text)
    if m is None:
        return None
    return tuple(int(g) for g in m.groups() if g is not None)


def compare_versions(
    old: str, new: str, *, significant: int = 1, variants: bool = False, zero: bool = True
) -> str | None:
    """``major`` when the first ``significant`` numbers differ, ``minor`` for any other difference.

    With ``zero``, a 0.x version counts one more number (``0.3`` -> ``0.4`` is major, as in
    semver). With ``variants``, text after the version (``-alpine`` -> ``-slim``) also makes a
    change major. None when the two are the same.
    """
    if old == new:
        return None
    o, n = version_tuple(old), version_tuple(new)
    if o is None or n is None:
        return "major" if (o is None) != (n is None) or variants else "minor"
    if zero and o[0] == 0 and n[0] == 0:
        significant += 1
    if o[:significant] != n[:significant]:
        return "major"
    if variants and _variant(old) != _variant(new):
        return "major"
    return "minor"


def _variant(tag: str) -> str:
    m = _VERSION_RE.search(tag)
    return tag[m.end() :] if m else tag


# --- entries ------------------------------------------------------------------------------------


@record
class Entry:
    kind: str  # "dep", "runtime", "source" or "script"
    name: str
    spec: str  # version spec, runtime constraint, URL or command
    section: str  # runtime, dev, optional, peer, build, override, indirect, property, "" (unknown)
    line: int
    end: int = 0  # last line of a multi-line entry (a pom <dependency> block)

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, _norm(self.name))


Scanner = Callable[[list[tuple[int | None, str]]], list[Entry]]

_GO_MAJOR_RE = lazy(r"(/v\d+|\.v\d+)$")


def _norm(name: str) -> str:
    low = name.lower().strip()
    low = _GO_MAJOR_RE.sub("", low)
    return re.sub(r"[-_.]+", "-", low) if "/" not in low and ":" not in low else low


_URL_SPEC_RE = lazy(
    r"^(?:git\+|hg\+|svn\+|bzr\+|git://|https?://|ssh://|github:|gitlab:|bitbucket:|file:|link:|"
    r"[\w.-]+/[\w.-]+#|(?:git|github|url|path|registry|index|hosted)=)"
)


def _is_url(spec: str) -> bool:
    return bool(_URL_SPEC_RE.match(spec.strip().lstrip("@ ").strip()))


_SPEC_LIKE_RE = lazy(
    r"^(?:[\^~<>=!*]|\d|v\d|latest$|next$|workspace:|npm:|git|github:|file:|link:|https?:)"
)


def _spec_like(value: str) -> bool:
    return bool(_SPEC_LIKE_RE.match(value.strip()))


# --- manifest scanners ------------------------------------------------------------------------------

_PEP508_RE = lazy(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$")
_REQ_SOURCE_RE = lazy(
    r"^(-i|--index-url|--extra-index-url|-f|--find-links|--trusted-host)(?:\s+|=)(\S+)"
)
_EGG_RE = lazy(r"#egg=([A-Za-z0-9._-]+)")


def _pep508(text: str, section: str, line: int) -> Entry | None:
    s = text.strip().strip(",").strip("\"'")
    if not s or s.startswith(("-", "#")):
        return None
    if _is_url(s):
        egg = _EGG_RE.search(s)
        name = (
            egg.group(1) if egg else posixpath.basename(s.split("#")[0].rstrip("/")).split("@")[0]
        )
        return Entry("dep", name.removesuffix(".git"), s, section, line)
    m = _PEP508_RE.match(s)
    if m is None:
        return None
    spec = m.group(3).split(";", 1)[0].strip()
    if spec.startswith("@"):
        spec = spec[1:].strip()
    return Entry("dep", m.group(1), spec, section, line)


def _requirements(section: str) -> Scanner:
    def scan(rows: list[tuple[int | None, str]]) -> list[Entry]:
        out: list[Entry] = []
        for line, text in rows:
            if line is None:
                continue
            s = re.sub(r"(^|\s)#.*$", "", text).strip().rstrip("\\").strip()
            if not s:
                continue
            src = _REQ_SOURCE_RE.match(s)
            if src is not None:
                out.append(Entry("source", src.group(1).lstrip("-"), src.group(2), "", line))
                continue
            editable = re.match(r"^(?:-e|--editable)\s+(\S+)", s)
            if editable is not None:
                s = editable.group(1)
            e = _pep508(s, section, line)
            if e is not None:
                out.append(e)
        return out

    return scan


_INLINE_VERSION_RE = lazy(r"""\bversion\s*=\s*["']([^"']*)["']""")
_INLINE_SOURCE_RE = lazy(r"""\b(git|url|path|registry|index|github)\s*=\s*["']([^"']*)["']""")


def _inline(value: str) -> tuple[str, str]:
    """(version, source) of a TOML dependency value: ``"^1.2"`` or ``{ version = "1", git = ... }``."""
    if not value.startswith("{"):
        return value, ""
    v = _INLINE_VERSION_RE.search(value)
    s = _INLINE_SOURCE_RE.search(value)
    return (v.group(1) if v else ""), (f"{s.group(1)}={s.group(2)}" if s else "")


def _toml_dep(name: str, value: str, section: str, line: int) -> list[Entry]:
    version, source = _inline(value)
    out = [Entry("dep", name, source or version, section, line)]
    return out


#: extras that hold development tools, not optional features
_DEV_EXTRA_RE = lazy(r"^(dev|develop|test|tests|testing|lint|docs?|typing|style|ci)$|-dev$")
_POETRY_FIELDS = frozenset(["version", "git", "url", "path", "branch", "tag", "rev", "registry"])


def _scan_pyproject(rows: list[tuple[int | None, str]]) -> list[Entry]:
    out: list[Entry] = []
    for p in toml_pairs(rows):
        path, v = p.path, p.value
        if v is None:
            continue
        item = path[-1] == "[]"
        head = path[:-1] if item else path
        if head == ("project", "requires-python") or head == ("requires-python",):
            out.append(Entry("runtime", "python", v, "", p.line))
        elif item and head in (("project", "dependencies"), ("dependencies",)):
            _add(out, _pep508(v, "runtime", p.line))
        elif item and (
            head[:2] == ("project", "optional-dependencies")
            or head[:1] == ("optional-dependencies",)
        ):
            _add(out, _pep508(v, "dev" if _DEV_EXTRA_RE.search(head[-1]) else "optional", p.line))
        elif item and head[:1] == ("dependency-groups",):
            _add(out, _pep508(v, "dev", p.line))
        elif item and head == ("build-system", "requires"):
            _add(out, _pep508(v, "build", p.line))
        elif item and head[:2] in (("tool", "uv"), ("tool", "pdm")) and "dev-dependencies" in head:
            _add(out, _pep508(v, "dev", p.line))
        elif head[:3] == ("tool", "uv", "sources") and len(head) == 4:
            out.append(Entry("source", head[3], v, "", p.line))
        elif head[-1:] == ("url",) and head[:3] in (
            ("tool", "poetry", "source"),
            ("tool", "uv", "index"),
            ("tool", "pdm", "source"),
        ):
            out.append(Entry("source", f"{head[1]} index", v, "", p.line))
        elif head[:2] == ("tool", "uv") and head[2:] in (("index-url",), ("extra-index-url",)):
            out.append(Entry("source", head[2], v, "", p.line))
        elif head[:2] == ("tool", "poetry"):
            out.extend(_poetry(path, v, p.line))
        elif len(head) == 1 and not item and _spec_like(_inline(v)[0] or v):
            # a fragment whose table header is out of view: a dependency line of unknown section
            if head[0] == "python":
                out.append(Entry("runtime", "python", _inline(v)[0], "", p.line))
            else:
                out.extend(_toml_dep(head[0], v, "", p.line))
    return out


def _poetry(path: tuple[str, ...], v: str, line: int) -> list[Entry]:
    rest = path[2:]
    section = ""
    if rest[:1] == ("dependencies",):
        section, rest = "runtime", rest[1:]
    elif rest[:1] == ("dev-dependencies",):
        section, rest = "dev", rest[1:]
    elif rest[:1] == ("group",) and len(rest) >= 3 and rest[2] == "dependencies":
        section, rest = "dev", rest[3:]
    else:
        return []
    if len(rest) == 1:
        if rest[0] == "python":
            return [Entry("runtime", "python", _inline(v)[0], "", line)]
        return _toml_dep(rest[0], v, section, line)
    if len(rest) == 2 and rest[1] in _POETRY_FIELDS:
        return [
            Entry("dep", rest[0], v if rest[1] == "version" else f"{rest[1]}={v}", section, line)
        ]
    return []


def _add(out: list[Entry], e: Entry | None) -> None:
    if e is not None:
        out.append(e)


def _scan_pipfile(rows: list[tuple[int | None, str]]) -> list[Entry]:
    out: list[Entry] = []
    sections = {"packages": "runtime", "dev-packages": "dev"}
    for p in toml_pairs(rows):
        path, v = p.path, p.value
        if v is None:
            continue
        if len(path) == 2 and path[0] in sections:
            out.extend(_toml_dep(path[1], v, sections[path[0]], p.line))
        elif path[:1] == ("requires",):
            out.append(Entry("runtime", "python", v, "", p.line))
        elif path == ("source", "url"):
            out.append(Entry("source", "index", v, "", p.line))
    return out


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
            if len(path) == 1 and _spec_like(_inline(v)[0] or v):
                out.extend(_toml_dep(path[0], v, "", p.line))
            continue
        section = _CARGO_TABLES[path[idx]]
        rest = path[idx + 1 :]
        if len(rest) == 1:
            out.extend(_toml_dep(rest[0], v, section, p.line))
        elif len(rest) == 2 and rest[1] in _POETRY_FIELDS:
            out.append(
                Entry(
                    "dep", rest[0], v if rest[1] == "version" else f"{rest[1]}={v}", section, p.line
                )
            )
    return out


def _scan_version_catalog(rows: list[tuple[int | None, str]]) -> list[Entry]:
    out: list[Entry] = []
    for p in toml_pairs(rows):
        path, v = p.path, p.value
        if v is None or len(path) != 2:
            continue
        table, name = path
        if table == "versions":
            out.append(Entry("dep", name, v, "property", p.line))
        elif table in ("libraries", "plugins"):
            module = re.search(r"""(?:module|id)\s*=\s*["']([^"']+)["']""", v)
            version, _src = _inline(v)
            ref = re.search(r"""version\.ref\s*=\s*["']([^"']+)["']""", v)
            spec = version or (f"ref:{ref.group(1)}" if ref else "")
            label = module.group(1) if module else name
            if ":" in v and not v.startswith("{"):
                parts = v.split(":")
                label, spec = ":".join(parts[:2]), ":".join(parts[2:])
            out.append(
                Entry("dep", label, spec, "build" if table == "plugins" else "runtime", p.line)
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
_INSTALL_SCRIPTS = frozenset(
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
        elif len(path) == 2 and path[0] == "scripts":
            out.append(Entry("script", path[1], v, "", p.line))
        elif len(path) == 3 and path[:2] == ("pnpm", "overrides"):
            out.append(Entry("dep", path[2], v, "override", p.line))
        elif len(path) == 1 and path[0] not in _NPM_TOP and _spec_like(v):
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
        elif len(path) == 1 and "/" in path[0] and _spec_like(v):
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


_XML_TAG_RE = lazy(r"<([A-Za-z][\w.\-]*)>\s*([^<]*?)\s*</\1>")
_POM_BLOCKS = ("dependency", "parent", "plugin", "extension")
_POM_RUNTIMES = frozenset(
    [
        "java.version",
        "maven.compiler.source",
        "maven.compiler.target",
        "maven.compiler.release",
        "kotlin.version",
        "scala.version",
    ]
)


def _scan_pom(rows: list[tuple[int | None, str]]) -> list[Entry]:
    out: list[Entry] = []
    block: dict[str, str] | None = None
    start = 0
    kind = ""
    in_properties = False
    in_repo = False
    last = 0
    for line, text in rows:
        if line is not None:
            last = line
        opened = re.search(r"<(dependency|parent|plugin|extension)>", text)
        if opened is not None:
            block, start, kind = {}, line or last, opened.group(1)
        if re.search(r"<properties>", text):
            in_properties = True
        if re.search(r"<(repository|pluginRepository|snapshotRepository)>", text):
            in_repo = True
        for tag, value in _XML_TAG_RE.findall(text):
            if (
                block is None
                and tag in ("groupId", "artifactId")
                and not in_properties
                and not in_repo
            ):
                block, start, kind = {}, line or last, "dependency"
            if block is not None:
                block[tag] = value
            elif in_properties and line is not None:
                if tag in _POM_RUNTIMES:
                    out.append(Entry("runtime", tag, value, "", line))
                elif tag.lower().endswith("version"):
                    out.append(Entry("dep", tag, value, "property", line))
            elif in_repo and tag == "url" and line is not None:
                out.append(Entry("source", "maven repository", value, "", line))
        closed = re.search(r"</(dependency|parent|plugin|extension)>", text)
        if closed is not None and block is not None:
            name = f"{block.get('groupId', '')}:{block.get('artifactId', '')}".strip(":")
            if name and start:
                section = {"parent": "runtime", "plugin": "build", "extension": "build"}.get(
                    kind, "runtime"
                )
                if block.get("scope") in ("test", "provided"):
                    section = "dev"
                out.append(
                    Entry("dep", name, block.get("version", ""), section, start, line or last)
                )
            block = None
        if re.search(r"</properties>", text):
            in_properties = False
        if re.search(r"</(repository|pluginRepository|snapshotRepository)>", text):
            in_repo = False
    return out


_GRADLE_CONFIG = (
    r"(implementation|api|compile|compileOnly|runtimeOnly|runtime|testImplementation|testCompile|"
    r"testRuntimeOnly|androidTestImplementation|debugImplementation|kapt|ksp|annotationProcessor|"
    r"classpath|developmentOnly|testFixturesImplementation|compileOnlyApi)"
)
_GRADLE_DEP_RE = lazy(
    _GRADLE_CONFIG
    + r"""\s*\(?\s*(?:platform\(|enforcedPlatform\()?["']([^"':\s]+):([^"':\s]+)(?::([^"'@\s]+))?"""
)
_GRADLE_BARE_RE = lazy(r"""^\s*["']([\w.\-]+):([\w.\-]+):([^"'\s]+)["']""")
_GRADLE_VAR_RE = lazy(
    r"""^\s*(?:def|val|var|ext\.|set\(\s*["'])?\s*([A-Za-z_]\w*[Vv]ersion\w*)["']?\s*[=,]\s*["']([^"']+)["']"""
)
_GRADLE_PLUGIN_RE = lazy(
    r"""\bid\s*\(?\s*["']([\w.\-]+)["']\s*\)?\s*version\s*\(?\s*["']([^"']+)["']|kotlin\(\s*["']([\w.\-]+)["']\s*\)\s*version\s*["']([^"']+)["']"""
)
_GRADLE_JAVA_RE = lazy(
    r"(?:sourceCompatibility|targetCompatibility|jvmToolchain|JavaLanguageVersion\.of|jvmTarget)\s*[=(]?\s*(?:JavaVersion\.VERSION_)?[\"']?([\d_.]+)"
)
_GRADLE_REPO_RE = lazy(
    r"""maven\s*(?:\{\s*url\s*=?\s*(?:uri\()?|\(\s*(?:url\s*=\s*)?(?:uri\()?)["']([^"']+)["']|^\s*url\s*=?\s*(?:uri\()?["'](https?://[^"']+)["']"""
)
_GRADLE_DEV = lazy(r"^(test|androidTest|debug)")


def _scan_gradle(rows: list[tuple[int | None, str]]) -> list[Entry]:
    out: list[Entry] = []
    config = ""
    for line, text in rows:
        s = text.split("//", 1)[0]
        c = re.search(r"\b" + _GRADLE_CONFIG + r"\b", s)
        if c is not None:
            config = c.group(1)
        if line is None:
            continue
        section = (
            "dev"
            if _GRADLE_DEV.match(config)
            else (
                "build"
                if config in ("kapt", "ksp", "annotationProcessor", "classpath", "compileOnly")
                else "runtime"
            )
        )
        found = False
        for m in _GRADLE_DEP_RE.finditer(s):
            sec = "dev" if _GRADLE_DEV.match(m.group(1)) else section
            out.append(Entry("dep", f"{m.group(2)}:{m.group(3)}", m.group(4) or "", sec, line))
            found = True
        if not found:
            b = _GRADLE_BARE_RE.match(s)
            if b is not None:
                out.append(
                    Entry(
                        "dep",
                        f"{b.group(1)}:{b.group(2)}",
                        b.group(3),
                        section if config else "",
                        line,
                    )
                )
                continue
        v = _GRADLE_VAR_RE.match(s)
        if v is not None:
            out.append(Entry("dep", v.group(1), v.group(2), "property", line))
        pl = _GRADLE_PLUGIN_RE.search(s)
        if pl is not None:
            name = pl.group(1) or f"kotlin-{pl.group(3)}"
            out.append(Entry("dep", name, pl.group(2) or pl.group(4) or "", "build", line))
        j = _GRADLE_JAVA_RE.search(s)
        if j is not None:
            out.append(Entry("runtime", "java", j.group(1).replace("_", "."), "", line))
        r = _GRADLE_REPO_RE.search(s)
        if r is not None:
            out.append(Entry("source", "maven repository", r.group(1) or r.group(2), "", line))
    return out


_NUGET_RE = lazy(
    r"""<Package(?:Reference|Version)\s+(?:Include|Update)\s*=\s*"([^"]+)"(?:[^>]*?\bVersion\s*=\s*"([^"]*)")?"""
)
_NUGET_VERSION_RE = lazy(r"<Version>\s*([^<]+?)\s*</Version>")
_NUGET_FRAMEWORK_RE = lazy(r"<TargetFrameworks?>\s*([^<]+?)\s*</TargetFrameworks?>")
_NUGET_SOURCE_RE = lazy(r"<(RestoreSources|RestoreAdditionalProjectSources)>\s*([^<]+?)\s*</")


def _scan_msbuild(rows: list[tuple[int | None, str]]) -> list[Entry]:
    out: list[Entry] = []
    pending: tuple[str, int] | None = None
    for line, text in rows:
        if line is None:
            continue
        m = _NUGET_RE.search(text)
        if m is not None:
            if m.group(2) is not None or text.rstrip().endswith("/>"):
                out.append(Entry("dep", m.group(1), m.group(2) or "", "runtime", line))
                pending = None
            else:
                pending = (m.group(1), line)
            continue
        if pending is not None:
            v = _NUGET_VERSION_RE.search(text)
            if v is not None:
                out.append(Entry("dep", pending[0], v.group(1), "runtime", pending[1], line))
                pending = None
            elif "</PackageReference>" in text or "</PackageVersion>" in text:
                out.append(Entry("dep", pending[0], "", "runtime", pending[1], line))
                pending = None
        f = _NUGET_FRAMEWORK_RE.search(text)
        if f is not None:
            out.append(Entry("runtime", "dotnet", f.group(1), "", line))
        s = _NUGET_SOURCE_RE.search(text)
        if s is not None:
            out.append(Entry("source", s.group(1), s.group(2), "", line))
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


def _scan_conda(rows: list[tuple[int | None, str]]) -> list[Entry]:
    out: list[Entry] = []
    for p in yaml_pairs(rows):
        path, v = p.path, p.value
        if v is None:
            continue
        if path == ("dependencies", "[]") or path == ("dependencies", "[]", "pip", "[]"):
            m = re.match(r"^([A-Za-z0-9_.\-]+)\s*(.*)$", v.split("::")[-1])
            if m is None:
                continue
            if m.group(1) == "python":
                out.append(Entry("runtime", "python", m.group(2), "", p.line))
            else:
                out.append(Entry("dep", m.group(1), m.group(2).lstrip("="), "runtime", p.line))
        elif path == ("channels", "[]"):
            out.append(Entry("source", f"channel {v}", v, "", p.line))
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


_SETUP_LIST_RE = lazy(
    r"\b(install_requires|setup_requires|tests_require|extras_require)\s*=\s*([\[{])"
)
_SETUP_SECTIONS = {
    "install_requires": "runtime",
    "setup_requires": "build",
    "tests_require": "dev",
    "extras_require": "optional",
}
_PY_STRING_RE = lazy(r"""(["'])((?:(?!\1).)*)\1(\s*:)?""")


def _scan_setup_py(rows: list[tuple[int | None, str]]) -> list[Entry]:
    out: list[Entry] = []
    section: str | None = None
    depth = 0
    for line, text in rows:
        s = text.split("#", 1)[0]
        pr = re.search(r"""python_requires\s*=\s*["']([^"']+)["']""", s)
        if pr is not None and line is not None:
            out.append(Entry("runtime", "python", pr.group(1), "", line))
            continue
        m = _SETUP_LIST_RE.search(s)
        if m is not None:
            section, depth = _SETUP_SECTIONS[m.group(1)], 0
            s = s[m.start(2) :]
        if section is None:
            if line is not None:
                lone = re.match(
                    r"""^\s*(["'])([A-Za-z0-9][\w.\-]*(?:\[[^\]]*\])?\s*[<>=!~][^"']*)\1\s*,?\s*$""",
                    s,
                )
                if lone is not None:
                    _add(out, _pep508(lone.group(2), "", line))
            continue
        for sm in _PY_STRING_RE.finditer(s):
            if sm.group(3) or line is None:
                continue  # an extras_require key
            _add(out, _pep508(sm.group(2), section, line))
        masked = _PY_STRING_RE.sub("", s)
        depth += masked.count("[") + masked.count("{") - masked.count("]") - masked.count("}")
        if depth <= 0 and re.search(r"[\]}]", masked):
            section = None
    return out


def _scan_setup_cfg(rows: list[tuple[int | None, str]]) -> list[Entry]:
    out: list[Entry] = []
    for p in ini_pairs(rows):
        path, v = p.path, p.value
        if v is None:
            continue
        head = path[:-1] if path[-1] == "[]" else path
        if head in (("options", "python_requires"), ("python_requires",)):
            out.append(Entry("runtime", "python", v, "", p.line))
        elif head[-1] in _SETUP_SECTIONS and head[:-1] in (("options",), ()):
            # () when the [options] header is above the hunk
            for part in v.split(";") if path[-1] != "[]" else [v]:
                _add(out, _pep508(part, _SETUP_SECTIONS[head[-1]], p.line))
        elif head[:1] == ("options.extras_require",) and path[-1] == "[]":
            _add(out, _pep508(v, "optional", p.line))
    return out


def _scanner_for(path: str) -> Scanner | None:
    name = posixpath.basename(path).lower()
    if name.endswith((".txt", ".in")):
        dev = re.search(r"(dev|test|lint|doc|ci|typing|style|travis|tox)", name)
        return _requirements("dev" if dev else "runtime")
    if name.endswith((".csproj", ".fsproj", ".vbproj", ".props")):
        return _scan_msbuild
    if name.endswith((".gradle", ".gradle.kts")):
        return _scan_gradle
    return _SCANNERS.get(name)


_SCANNERS: dict[str, Scanner] = {
    "pyproject.toml": _scan_pyproject,
    "pipfile": _scan_pipfile,
    "cargo.toml": _scan_cargo,
    "libs.versions.toml": _scan_version_catalog,
    "package.json": _scan_package_json,
    "composer.json": _scan_composer,
    "go.mod": _scan_gomod,
    "gemfile": _scan_gemfile,
    "pom.xml": _scan_pom,
    "pubspec.yaml": _scan_pubspec,
    "environment.yml": _scan_conda,
    "environment.yaml": _scan_conda,
    "mix.exs": _scan_mix,
    "setup.py": _scan_setup_py,
    "setup.cfg": _scan_setup_cfg,
}

_NOT_LIBRARY_RE = {
    "package.json": re.compile(r"\"private\"\s*:\s*true"),
    "pyproject.toml": re.compile(r"package-mode\s*=\s*false"),
    "cargo.toml": re.compile(r"publish\s*=\s*false"),
    "composer.json": re.compile(r"\"type\"\s*:\s*\"project\""),
    "pubspec.yaml": re.compile(r"publish_to\s*:\s*['\"]?none"),
}
_LIBRARY_FILES = frozenset({"setup.py", "setup.cfg", *_NOT_LIBRARY_RE})


def _is_library(ctx: FileContext) -> bool:
    name = posixpath.basename(ctx.path).lower()
    if name not in _LIBRARY_FILES:
        return False
    pattern = _NOT_LIBRARY_RE.get(name)
    if pattern is None:
        return True
    side: Side = "old" if ctx.status == "deleted" else "new"
    return not any(pattern.search(seg.text) for seg in ctx.segments(side))


# --- manifest analysis ------------------------------------------------------------------------------


def analyze(ctx: FileContext) -> Partial:
    name = posixpath.basename(ctx.path).lower()
    if ctx.role == "lockfile" or ctx.language == "lockfile":
        return _analyze_lockfile(ctx, name)
    scanner = _scanner_for(ctx.path)
    if scanner is None:
        return Partial()
    old = _changed_entries(ctx, "old", scanner)
    new = _changed_entries(ctx, "new", scanner)
    part = Partial()
    library = _is_library(ctx)
    for o, n in _pair_entries(old, new):
        _compare(part, o, n, library=library, ctx=ctx)
    return part


def _changed_entries(ctx: FileContext, side: Side, scanner: Scanner) -> list[Entry]:
    changed = ctx.changed(side)
    lines = [n for n in ctx.changed_sorted(side) if changed[n].strip()]
    if not lines:
        return []
    out: list[Entry] = []
    for seg in ctx.segments(side):
        for e in scanner(segment_rows(seg)):
            if any_in(lines, e.line, max(e.end, e.line)):
                out.append(e)
    return out


def _pair_entries(old: list[Entry], new: list[Entry]) -> list[tuple[Entry | None, Entry | None]]:
    old_by: dict[tuple[str, str], list[Entry]] = {}
    for e in old:
        old_by.setdefault(e.key, []).append(e)
    out: list[tuple[Entry | None, Entry | None]] = []
    for n in new:
        olds = old_by.get(n.key)
        out.append((olds.pop(0) if olds else None, n))
    out.extend((o, None) for es in old_by.values() for o in es)
    return out


_SECTION_WORDS = {
    "runtime": "runtime dependency",
    "dev": "development dependency",
    "optional": "optional dependency",
    "peer": "peer dependency",
    "build": "build dependency",
    "override": "version override",
    "indirect": "indirect dependency",
    "property": "version property",
    "": "dependency",
}


def _sig(
    code: str, detail: str, line: int | None, side: Side, symbol: str | None, severity: Severity
) -> Signal:
    return Signal(DEPENDENCY, code, detail, line, side, symbol, severity)


def _compare(
    part: Partial, o: Entry | None, n: Entry | None, *, library: bool, ctx: FileContext
) -> None:
    e = n or o
    assert e is not None
    change = "added" if o is None else ("deleted" if n is None else "modified")
    if (
        o is not None
        and n is not None
        and (o.spec, o.section, o.name) == (n.spec, n.section, n.name)
    ):
        return
    line = n.line if n is not None else (o.line if o is not None else None)
    sym_kind = {"dep": "dependency", "runtime": "runtime", "source": "source", "script": "script"}[
        e.kind
    ]
    part.symbols.append(Symbol(sym_kind, e.name, change, line))  # type: ignore[arg-type]
    side: Side = "old" if n is None else "new"
    if e.kind == "runtime":
        detail = _change_detail(f"the `{e.name}` requirement", o, n)
        part.signals.append(_sig("dep.runtime", detail, line, side, e.name, "medium"))
    elif e.kind == "source":
        _source_signal(part, o, n, line)
    elif e.kind == "script":
        _script_signals(part, o, n, ctx)
    else:
        _dep_signals(part, o, n, line, library=library)


def _change_detail(what: str, o: Entry | None, n: Entry | None) -> str:
    if o is None and n is not None:
        return f"sets {what} to `{n.spec}`"
    if n is None and o is not None:
        return f"removes {what} (`{o.spec}`)"
    assert o is not None and n is not None
    return f"changes {what} from `{o.spec}` to `{n.spec}`"


def _source_signal(part: Partial, o: Entry | None, n: Entry | None, line: int | None) -> None:
    if n is None:
        assert o is not None
        part.signals.append(
            _sig(
                "dep.source",
                f"removes package source `{o.name}` (`{o.spec}`)",
                line,
                "old",
                o.name,
                "low",
            )
        )
        return
    local = n.name.startswith("replace ") and n.spec.startswith((".", "/"))
    severity: Severity = "medium" if local else "high"
    detail = _change_detail(f"package source `{n.name}`", o, n)
    part.signals.append(_sig("dep.source", detail, line, "new", n.name, severity))


def _dep_signals(
    part: Partial, o: Entry | None, n: Entry | None, line: int | None, *, library: bool
) -> None:
    if n is None:
        assert o is not None
        part.signals.append(
            _sig(
                "dep.removed",
                f"removes {_SECTION_WORDS.get(o.section, 'dependency')} `{o.name}`",
                line,
                "old",
                o.name,
                "low",
            )
        )
        return
    words = _SECTION_WORDS.get(n.section, "dependency")
    if o is None:
        severity: Severity = "medium" if library and n.section in ("runtime", "peer") else "low"
        shown = f" (`{n.spec}`)" if n.spec else ""
        part.signals.append(
            _sig("dep.added", f"adds {words} `{n.name}`{shown}", line, "new", n.name, severity)
        )
        if _is_url(n.spec):
            part.signals.append(
                _sig(
                    "dep.source",
                    f"installs `{n.name}` from `{n.spec}`",
                    line,
                    "new",
                    n.name,
                    "medium",
                )
            )
        return
    if _is_url(n.spec) and n.spec != o.spec:
        part.signals.append(
            _sig(
                "dep.source",
                f"changes where `{n.name}` comes from: `{o.spec or 'registry'}` to `{n.spec}`",
                line,
                "new",
                n.name,
                "high",
            )
        )
        return
    # transitive (indirect) 0.x modules move minor versions all the time, as in lockfiles
    level = (
        None if _is_url(o.spec) else _version_level(o.spec, n.spec, zero=n.section != "indirect")
    )
    if level == "major":
        verb = (
            "downgrades"
            if (version_tuple(n.spec) or ()) < (version_tuple(o.spec) or ())
            else "bumps"
        )
        # a development tool's major version changes the build, not what users run
        tool = n.section in ("dev", "build")
        part.signals.append(
            _sig(
                "dep.major_bump",
                f"{verb} {words} `{n.name}` from `{o.spec}` to `{n.spec}`",
                line,
                "new",
                n.name,
                "low" if tool else "medium",
            )
        )
    else:
        if o.spec == n.spec:
            before = _SECTION_WORDS.get(o.section, "dependency")
            detail = f"reclassifies `{n.name}` as {words} (was {before})"
        else:
            detail = f"updates {words} `{n.name}` from `{o.spec or 'any'}` to `{n.spec or 'any'}`"
        part.signals.append(
            _sig(
                "dep.updated",
                detail,
                line,
                "new",
                n.name,
                "low",
            )
        )


def _version_level(old: str, new: str, *, zero: bool = True) -> str | None:
    if version_tuple(old) is None or version_tuple(new) is None:
        return "minor" if old != new else None
    return compare_versions(old, new, zero=zero)


def _script_signals(part: Partial, o: Entry | None, n: Entry | None, ctx: FileContext) -> None:
    from .commands import scan_commands

    if n is None:
        return
    if n.name in _INSTALL_SCRIPTS:
        part.signals.append(
            _sig(
                "dep.install_script",
                f"{'adds' if o is None else 'changes'} install script `{n.name}`: `{n.spec[:80]}`",
                n.line,
                "new",
                n.name,
                "medium",
            )
        )
    part.signals.extend(scan_commands([(n.line, n.spec)], only=ctx.added))


# --- lockfiles ------------------------------------------------------------------------------------


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
_JSON_BLOCK = re.compile(r'^\s*"(?P<name>[^"]*)"\s*:\s*\{\s*$')
_JSON_VERSION = re.compile(r'^\s*"version"\s*:\s*"(?P<version>[^"]+)"')
_TOML_PACKAGE = _LockFormat(
    header=re.compile(r"^\[\[package\]\]\s*$"),
    name=re.compile(r'^name\s*=\s*"(?P<name>[^"]+)"'),
    version=re.compile(r'^version\s*=\s*"(?P<version>[^"]+)"'),
)
_LOCK_FORMATS: dict[str, _LockFormat] = {
    "package-lock.json": _LockFormat(header=_JSON_BLOCK, version=_JSON_VERSION, skip=_NPM_SUBKEYS),
    "npm-shrinkwrap.json": _LockFormat(
        header=_JSON_BLOCK, version=_JSON_VERSION, skip=_NPM_SUBKEYS
    ),
    "yarn.lock": _LockFormat(
        header=re.compile(r'^(?P<name>"?[^\s#"][^\n]*?)"?:\s*$'),
        version=re.compile(r'^\s+version:?\s+"?(?P<version>[^"\s]+)"?'),
        skip=frozenset({"__metadata"}),
    ),
    "pnpm-lock.yaml": _LockFormat(
        single=re.compile(
            r"^\s{2,4}['\"]?/?(?P<name>(?:@[^/@\s]+/)?[^/@:\s'\"(]+)[@/](?P<version>\d[^:'\"\s(]*)"
        )
    ),
    "poetry.lock": _TOML_PACKAGE,
    "uv.lock": _TOML_PACKAGE,
    "pdm.lock": _TOML_PACKAGE,
    "cargo.lock": _TOML_PACKAGE,
    "go.sum": _LockFormat(
        single=re.compile(r"^(?P<name>\S+)\s+(?P<version>v[^\s/]+)(?:/go\.mod)?\s+h1:")
    ),
    "gemfile.lock": _LockFormat(
        single=re.compile(r"^ {4}(?P<name>[A-Za-z0-9_.\-]+) \((?P<version>[^)]+)\)\s*$")
    ),
    "composer.lock": _LockFormat(
        header=re.compile(r'^\s*"name"\s*:\s*"(?P<name>[^"]+/[^"]+)"'),
        version=re.compile(r'^\s*"version"\s*:\s*"(?P<version>[^"]+)"'),
    ),
    "pipfile.lock": _LockFormat(
        header=re.compile(r'^\s{6,10}"(?P<name>[^"]+)"\s*:\s*\{\s*$'),
        version=re.compile(r'^\s*"version"\s*:\s*"=*(?P<version>[^"]+)"'),
        skip=frozenset({"hashes", "markers", "_meta", "default", "develop", "requires", "sources"}),
    ),
    "packages.lock.json": _LockFormat(
        header=re.compile(r'^\s{6}"(?P<name>[^"]+)"\s*:\s*\{\s*$'),
        version=re.compile(r'^\s*"resolved"\s*:\s*"(?P<version>[^"]+)"'),
    ),
    "gradle.lockfile": _LockFormat(
        single=re.compile(r"^(?P<name>[^:#\s]+:[^:\s]+):(?P<version>[^=\s]+)=")
    ),
    "pubspec.lock": _LockFormat(
        header=re.compile(r"^ {2}(?P<name>[\w\-]+):\s*$"),
        version=re.compile(r'^ {4}version:\s*"?(?P<version>[^"\s]+)"?'),
    ),
    "podfile.lock": _LockFormat(
        single=re.compile(r'^ {2}- "?(?P<name>[^\s("]+) \((?P<version>[^)]+)\)"?:?\s*$')
    ),
    "mix.lock": _LockFormat(
        single=re.compile(r'^\s+"(?P<name>[^"]+)"\s*:\s*\{:\w+,\s*:[\w]+,\s*"(?P<version>[^"]+)"')
    ),
    "flake.lock": _LockFormat(
        header=re.compile(r'^ {4}"(?P<name>[^"]+)"\s*:\s*\{\s*$'),
        version=re.compile(r'^\s*"rev"\s*:\s*"(?P<version>[0-9a-f]{7,})"'),
    ),
    ".terraform.lock.hcl": _LockFormat(
        header=re.compile(r'^provider\s+"(?P<name>[^"]+)"'),
        version=re.compile(r'^\s+version\s*=\s*"(?P<version>[^"]+)"'),
    ),
    "bun.lock": _LockFormat(
        single=re.compile(r'^\s+"(?P<name>[^"]+)"\s*:\s*\["(?:@?[^@"]+)@(?P<version>[^"]+)"')
    ),
}

#: rows read above and below each changed line of a whole lockfile (package blocks are short)
_WINDOW_BEFORE = 300
_WINDOW_AFTER = 60
_URL_HOST_RE = lazy(r"(?:git\+)?(?:https?|git|ssh)://(?:[^@/\s\"']+@)?([^/\s\"':]+)")
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
        for line, text in rows:
            if line is None or not _SOURCE_KEY_RE.search(text):
                continue
            hosts = changed_hosts if line in changed else other_hosts
            hosts.update(h.lower() for h in _URL_HOST_RE.findall(text))
    return found, changed_hosts, other_hosts


def _analyze_lockfile(ctx: FileContext, name: str) -> Partial:
    part = Partial()
    fmt = _LOCK_FORMATS.get(name)
    if fmt is None:
        part.signals.append(
            _sig("dep.lockfile_changed", f"changes lockfile `{ctx.path}`", None, "new", None, "low")
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
            _sig(
                "dep.lockfile_deleted",
                f"deletes lockfile `{ctx.path}` ({len(removed)} pinned packages)",
                None,
                "old",
                None,
                "medium",
            )
        )
    else:
        counts = f"{len(updated)} updated, {len(added)} added, {len(removed)} removed"
        verb = "adds" if ctx.status == "added" else "changes"
        part.signals.append(
            _sig(
                "dep.lockfile_changed",
                f"{verb} lockfile `{ctx.path}`: {counts}",
                None,
                "new",
                None,
                "low",
            )
        )
    if majors:
        shown = ", ".join(f"`{k}` {old[k].version} -> {new[k].version}" for k in majors[:5])
        more = f" and {len(majors) - 5} more" if len(majors) > 5 else ""
        part.signals.append(
            _sig(
                "dep.major_bump",
                f"{len(majors)} locked package{'s' if len(majors) > 1 else ''} change"
                f"{'' if len(majors) > 1 else 's'} major version: {shown}{more}",
                new[majors[0]].start,
                "new",
                None,
                "medium",
            )
        )
    fresh = sorted(new_hosts - old_hosts - old_other - new_other - _DEFAULT_HOSTS)
    if fresh:
        part.signals.append(
            _sig(
                "dep.source",
                f"locks packages from a new source: `{'`, `'.join(fresh[:3])}`",
                None,
                "new",
                None,
                "high",
            )
        )
    return part
