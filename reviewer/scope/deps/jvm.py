"""JVM and .NET builds: Maven pom.xml, Gradle scripts and version catalogs, MSBuild projects."""

from __future__ import annotations

import re

from ...rx import lazy
from ..lex.keys import toml_pairs
from .entries import Entry, inline


def scan_version_catalog(rows: list[tuple[int | None, str]]) -> list[Entry]:
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
            version, _src = inline(v)
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


def scan_pom(rows: list[tuple[int | None, str]]) -> list[Entry]:
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


def scan_gradle(rows: list[tuple[int | None, str]]) -> list[Entry]:
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


def scan_msbuild(rows: list[tuple[int | None, str]]) -> list[Entry]:
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
