"""Python manifests: requirements, pyproject.toml (PEP 621, Poetry), Pipfile, setup.py/cfg, conda."""

from __future__ import annotations

import posixpath
import re

from ...rx import lazy
from ..lex.keys import ini_pairs, toml_pairs, yaml_pairs
from .entries import Entry, Scanner, add, inline, is_url, spec_like, toml_dep

_PEP508_RE = lazy(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$")
_REQ_SOURCE_RE = lazy(
    r"^(-i|--index-url|--extra-index-url|-f|--find-links|--trusted-host)(?:\s+|=)(\S+)"
)
_EGG_RE = lazy(r"#egg=([A-Za-z0-9._-]+)")


def _pep508(text: str, section: str, line: int) -> Entry | None:
    s = text.strip().strip(",").strip("\"'")
    if not s or s.startswith(("-", "#")):
        return None
    if is_url(s):
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


def requirements(section: str) -> Scanner:
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


#: extras that hold development tools, not optional features
_DEV_EXTRA_RE = lazy(r"^(dev|develop|test|tests|testing|lint|docs?|typing|style|ci)$|-dev$")
POETRY_FIELDS = frozenset(["version", "git", "url", "path", "branch", "tag", "rev", "registry"])


def scan_pyproject(rows: list[tuple[int | None, str]]) -> list[Entry]:
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
            add(out, _pep508(v, "runtime", p.line))
        elif item and (
            head[:2] == ("project", "optional-dependencies")
            or head[:1] == ("optional-dependencies",)
        ):
            add(out, _pep508(v, "dev" if _DEV_EXTRA_RE.search(head[-1]) else "optional", p.line))
        elif item and head[:1] == ("dependency-groups",):
            add(out, _pep508(v, "dev", p.line))
        elif item and head == ("build-system", "requires"):
            add(out, _pep508(v, "build", p.line))
        elif item and head[:2] in (("tool", "uv"), ("tool", "pdm")) and "dev-dependencies" in head:
            add(out, _pep508(v, "dev", p.line))
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
        elif len(head) == 1 and not item and spec_like(inline(v)[0] or v):
            # a fragment whose table header is out of view: a dependency line of unknown section
            if head[0] == "python":
                out.append(Entry("runtime", "python", inline(v)[0], "", p.line))
            else:
                out.extend(toml_dep(head[0], v, "", p.line))
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
            return [Entry("runtime", "python", inline(v)[0], "", line)]
        return toml_dep(rest[0], v, section, line)
    if len(rest) == 2 and rest[1] in POETRY_FIELDS:
        return [
            Entry("dep", rest[0], v if rest[1] == "version" else f"{rest[1]}={v}", section, line)
        ]
    return []


def scan_pipfile(rows: list[tuple[int | None, str]]) -> list[Entry]:
    out: list[Entry] = []
    sections = {"packages": "runtime", "dev-packages": "dev"}
    for p in toml_pairs(rows):
        path, v = p.path, p.value
        if v is None:
            continue
        if len(path) == 2 and path[0] in sections:
            out.extend(toml_dep(path[1], v, sections[path[0]], p.line))
        elif path[:1] == ("requires",):
            out.append(Entry("runtime", "python", v, "", p.line))
        elif path == ("source", "url"):
            out.append(Entry("source", "index", v, "", p.line))
    return out


def scan_conda(rows: list[tuple[int | None, str]]) -> list[Entry]:
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


def scan_setup_py(rows: list[tuple[int | None, str]]) -> list[Entry]:
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
                    add(out, _pep508(lone.group(2), "", line))
            continue
        for sm in _PY_STRING_RE.finditer(s):
            if sm.group(3) or line is None:
                continue  # an extras_require key
            add(out, _pep508(sm.group(2), section, line))
        masked = _PY_STRING_RE.sub("", s)
        depth += masked.count("[") + masked.count("{") - masked.count("]") - masked.count("}")
        if depth <= 0 and re.search(r"[\]}]", masked):
            section = None
    return out


def scan_setup_cfg(rows: list[tuple[int | None, str]]) -> list[Entry]:
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
                add(out, _pep508(part, _SETUP_SECTIONS[head[-1]], p.line))
        elif head[:1] == ("options.extras_require",) and path[-1] == "[]":
            add(out, _pep508(v, "optional", p.line))
    return out
