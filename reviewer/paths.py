"""What a path is: its language and its role (code, test, docs, ci, infra ...). Pure."""

from __future__ import annotations

import posixpath
import re
from functools import lru_cache

from .rx import lazy
from .terms import has_any, words

_EXT_LANG = {
    ".py": "python",
    ".pyi": "python",
    ".js": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".jsx": "javascript",
    ".ts": "typescript",
    ".mts": "typescript",
    ".cts": "typescript",
    ".tsx": "tsx",
    ".go": "go",
    ".rs": "rust",
    ".java": "java",
    ".rb": "ruby",
    ".rake": "ruby",
    ".gemspec": "ruby",
    ".c": "c",
    ".h": "c",
    ".cc": "cpp",
    ".cpp": "cpp",
    ".cxx": "cpp",
    ".hpp": "cpp",
    ".hh": "cpp",
    ".hxx": "cpp",
    ".cs": "c_sharp",
    ".kt": "kotlin",
    ".kts": "kotlin",
    ".php": "php",
    ".sh": "bash",
    ".bash": "bash",
    ".zsh": "bash",
    ".ksh": "bash",
    ".tf": "hcl",
    ".tfvars": "hcl",
    ".hcl": "hcl",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".json": "json",
    ".jsonc": "json",
    ".toml": "toml",
    ".sql": "sql",
    ".dockerfile": "dockerfile",
    ".mk": "make",
    ".md": "markdown",
    ".mdx": "markdown",
    ".markdown": "markdown",
    ".rst": "rst",
    ".txt": "text",
    ".adoc": "text",
}

_NAME_LANG = {
    "dockerfile": "dockerfile",
    "containerfile": "dockerfile",
    "makefile": "make",
    "gnumakefile": "make",
    "gemfile": "ruby",
    "rakefile": "ruby",
    "vagrantfile": "ruby",
    "podfile": "ruby",
    "jenkinsfile": "groovy",
    "codeowners": "codeowners",
    ".bashrc": "bash",
    ".profile": "bash",
    ".envrc": "bash",
}

_BINARY_EXT = words(
    ".png .jpg .jpeg .gif .ico .webp .bmp .tiff .svgz .pdf .zip .gz .tgz .bz2 .xz .7z .jar .war .class "
    ".so .dll .dylib .exe .bin .o .a .pyc .woff .woff2 .ttf .otf .eot .mp3 .mp4 .mov .avi .wasm .db "
    ".sqlite .parquet .pkl .npy"
)

LOCKFILES = words(
    "package-lock.json npm-shrinkwrap.json yarn.lock pnpm-lock.yaml poetry.lock pipfile.lock uv.lock "
    "pdm.lock go.sum cargo.lock gemfile.lock composer.lock packages.lock.json gradle.lockfile mix.lock "
    "pubspec.lock podfile.lock flake.lock bun.lockb bun.lock .terraform.lock.hcl jsonnetfile.lock.json"
)

MANIFESTS = words(
    "package.json pyproject.toml setup.py setup.cfg pipfile go.mod cargo.toml gemfile pom.xml "
    "build.gradle build.gradle.kts composer.json pubspec.yaml mix.exs environment.yml "
    "dependencies.gradle libs.versions.toml jsonnetfile.json"
)

_REQUIREMENTS_RE = lazy(r"(^|.*[-_.])requirements([-_.].*)?\.(txt|in)$|^constraints.*\.txt$")

#: file names (before the first dot, lowercased) of project documents and of change logs
_DOC_NAMES = words(
    "readme license licence copying notice authors contributors contributing code_of_conduct "
    "security support governance maintainers citation"
)
_CHANGELOG_NAMES = words(
    "changes changelog history news releasenotes release-notes release_notes releases"
)
_TEST_FILE_RE = lazy(
    r"(^test_.*|.*_test\.[a-z]+|.*\.test\.[a-z]+|.*\.spec\.[a-z]+|.*_spec\.rb|.*Tests?\.(java|kt|cs|php|swift)"
    r"|^conftest\.py|.*_tests?\.py)$"
)
_TEST_DIRS = words(
    "test tests testing testsuite __tests__ spec specs e2e integration-tests test-data testdata "
    "fixtures __snapshots__"
)
_DOC_DIRS = frozenset(["docs", "doc", "documentation", "site-docs", "man"])
_EXAMPLE_DIRS = words("examples example samples sample demo demos")
_GENERATED_DIRS = words(
    "vendor vendored third_party third-party node_modules dist build generated gen __generated__ "
    # the `licensed` tool's record of every dependency's licence, rewritten when they change
    ".licenses"
)
_GENERATED_RE = lazy(
    r"(_pb2(_grpc)?\.pyi?|\.pb\.go|\.pb\.(cc|h)|_grpc\.pb\.go|\.generated\.[a-z]+|\.g\.dart|\.min\.(js|css)"
    r"|\.designer\.cs|_generated\.[a-z]+|\.snap)$"
)
_CI_DIRS = (
    ".github/workflows/",
    ".circleci/",
    ".buildkite/",
    ".gitlab/ci/",
    ".azure-pipelines/",
    ".github/actions/",
    ".tekton/",
    ".drone/",
)
_CI_NAMES = words(
    ".gitlab-ci.yml .gitlab-ci.yaml .travis.yml azure-pipelines.yml .azure-pipelines.yml "
    "azure-pipelines.yaml bitbucket-pipelines.yml jenkinsfile appveyor.yml .drone.yml cloudbuild.yaml "
    "cloudbuild.yml buildspec.yml codefresh.yml .woodpecker.yml skaffold.yaml"
)
_GOVERNANCE_NAMES = words(
    "codeowners .github/codeowners docs/codeowners .github/settings.yml .github/dependabot.yml "
    ".github/dependabot.yaml renovate.json renovate.json5 .renovaterc .renovaterc.json "
    ".renovaterc.json5 .github/renovate.json .github/renovate.json5 .gitlab/renovate.json "
    ".github/branch-protection.yml .pre-commit-config.yaml .pre-commit-config.yml"
)
_AGENT_RE = lazy(
    r"(^|/)(agents\.md|agent\.md|claude\.md|gemini\.md|\.cursorrules|\.windsurfrules|\.clinerules"
    r"|copilot-instructions\.md|\.aider\.conf\.yml|conventions\.md|\.mcp\.json|mcp\.json"
    r"|mcp_config\.json|claude_desktop_config\.json)$"
    r"|(^|/)\.(cursor|windsurf|clinerules|continue|roo|kiro|claude|amazonq|junie|agents|codex"
    r"|gemini|opencode)/"
    # an agent skill: a directory of instructions an agent loads when the task calls for it
    r"|(^|/)skill\.md$"
    r"|(^|/)\.github/(instructions|prompts|chatmodes|agents)/"
    # the rules a repository sets for AI-generated contributions, which agents that open pull
    # requests are held to like their own instructions
    r"|(^|/)ai[-_]?(policy|usage|use|contributions?|guidelines|contributing)(\.md|\.rst|\.txt)?$",
    re.I,
)
# Literal parts that the patterns need: a path without any of them is not tested against the
# pattern (every path of every review goes through these; most have none of them).
_AGENT_HINTS = (
    "agent",
    "claude",
    "gemini",
    ".cursor",
    ".windsurf",
    ".clinerules",
    "copilot-instructions",
    ".aider.conf",
    "conventions.md",
    "mcp",
    ".continue",
    ".roo",
    ".kiro",
    ".amazonq",
    ".junie",
    "instructions/",
    "prompts/",
    "chatmodes/",
    ".codex",
    ".opencode",
    "skill.md",
    "ai_",
    "ai-",
    "aipolicy",
    "aiusage",
    "aiuse",
    "aicontribut",
    "aiguidelines",
)
_GENERATED_HINTS = (
    "_pb2",
    ".pb.",
    ".generated.",
    ".g.dart",
    ".min.",
    ".designer.cs",
    "_generated.",
    ".snap",
)


def _requirements(name: str) -> bool:
    return ("requirements" in name or name.startswith("constraints")) and bool(
        _REQUIREMENTS_RE.match(name)
    )


_INFRA_DIRS = words(
    "terraform infra infrastructure deploy deployment deployments k8s kubernetes kubernetes-manifests "
    "manifests helm charts helm-chart kustomize istio-manifests cloudformation cfn ansible release ops"
)


def split(path: str) -> tuple[str, ...]:
    return tuple(p for p in path.split("/") if p)


@lru_cache(maxsize=65536)
def language_of(path: str) -> str:
    """The grammar (or text kind) a file is read with; ``unknown`` when none fits."""
    name = posixpath.basename(path)
    lower = name.lower()
    if lower in _NAME_LANG:
        return _NAME_LANG[lower]
    if lower.startswith(("dockerfile.", "containerfile.")) or lower.endswith(".dockerfile"):
        return "dockerfile"
    if lower.startswith("jenkinsfile.") or lower.endswith((".jenkinsfile", ".groovy")):
        return "groovy"
    if lower.startswith("makefile."):
        return "make"
    ext = posixpath.splitext(lower)[1]
    if ext in _BINARY_EXT:
        return "binary"
    if lower in ("requirements.txt",) or _requirements(lower):
        return "requirements"
    if lower in LOCKFILES:
        return "lockfile"
    if lower == ".env" or lower.startswith(".env.") or ext in (".env",):
        return "dotenv"
    if ext in (".ini", ".cfg", ".conf", ".properties"):
        return "ini"
    if ext in (".html", ".htm", ".jinja", ".j2", ".tmpl", ".tpl", ".erb", ".hbs"):
        return "template"
    if not ext and _SCRIPT_DIRS & set(path.lower().split("/")[:-1]):
        # `scripts/publish`, `bin/deploy`: executables without an extension are shell scripts
        return "bash"
    return _EXT_LANG.get(ext, "unknown")


_SCRIPT_DIRS = frozenset({"scripts", "script", "bin", "hack", "tools", ".husky", ".githooks"})


@lru_cache(maxsize=65536)
def in_test_dir(path: str) -> bool:
    """Under a test directory (``test/``, ``tests/``, ``testdata/`` ...): a test module's own
    manifest and lockfile included."""
    return any(d in _TEST_DIRS for d in split(path.lower())[:-1])


def in_sample_dir(path: str) -> bool:
    """Under an example or test directory: a sample app's manifest is nobody's dependency."""
    dirs = split(path.lower())[:-1]
    return any(d in _EXAMPLE_DIRS or d in _TEST_DIRS for d in dirs)


def role_of(path: str) -> str:
    """One coarse role a reviewer would give the file.

    ``agent``, ``ci``, ``governance``, ``lockfile``, ``dependency``, ``generated``, ``changelog``,
    ``test``, ``docs``, ``example``, ``infra``, ``config``, ``asset`` or ``code``.
    """
    lower = path.lower()
    parts = split(lower)
    name = parts[-1] if parts else lower
    dirs = parts[:-1]
    if has_any(lower, _AGENT_HINTS, folded=True) and _AGENT_RE.search(lower):
        return "agent"
    if (
        lower.startswith(_CI_DIRS)
        or name in _CI_NAMES
        or lower.startswith(".github/workflow")
        or name.endswith(".jenkinsfile")
        or name.startswith("jenkinsfile.")
    ):
        return "ci"
    if (
        lower in _GOVERNANCE_NAMES
        or name == "codeowners"
        or lower.startswith((".github/rulesets/", ".github/issue_template/"))
        # the checklist every pull request is held to is how the repository is run, not docs
        or name.startswith("pull_request_template")
        or lower.startswith(".github/pull_request_template/")
    ):
        return "governance"
    if name in LOCKFILES:
        return "lockfile"
    if name in MANIFESTS or _requirements(name) or name.endswith((".csproj", ".fsproj", ".vbproj")):
        return "dependency"
    if (
        any(d in _GENERATED_DIRS for d in dirs)
        or (has_any(name, _GENERATED_HINTS) and _GENERATED_RE.search(name))
        # Rails dumps the schema its migrations make: `bin/rails db:migrate` writes these
        or (dirs[-1:] == ("db",) and (name == "structure.sql" or name.endswith("schema.rb")))
        # the wrapper module pre-commit-terraform's `terraform_wrapper_module_for_each` hook
        # writes at the top of a module's repository
        or (dirs[:1] == ("wrappers",) and name.endswith(".tf"))
    ):
        return "generated"
    if (
        name.split(".", 1)[0] in _CHANGELOG_NAMES
        or "changelog.d" in dirs
        or ("changes" in dirs and name.endswith((".md", ".rst")))
    ):
        return "changelog"
    if in_test_dir(path) or (
        # the original case: `FooTest.java` is a test, `footest.java` need not be
        ("test" in name or "spec" in name) and _TEST_FILE_RE.match(path.rsplit("/", 1)[-1])
    ):
        return "test"
    lang = language_of(path)
    if (
        lang in ("markdown", "rst", "text")
        or name.split(".", 1)[0] in _DOC_NAMES
        or any(d in _DOC_DIRS for d in dirs)
    ) and lang not in ("python", "javascript", "typescript", "go", "hcl", "yaml", "json"):
        return "docs"
    if any(d in _EXAMPLE_DIRS for d in dirs):
        return "example"
    if lang == "binary":
        return "asset"
    if lang in ("hcl", "dockerfile") or any(d in _INFRA_DIRS for d in dirs):
        return "infra"
    if name.startswith(("docker-compose", "compose.")) or name.endswith(
        (".template.yaml", ".template.json")
    ):
        return "infra"
    if lang in ("yaml", "json", "toml", "ini", "dotenv") or name.startswith("."):
        return "config"
    if _TOOL_CONFIG.match(name):
        # `eslint.config.mjs`, `vite.config.ts`: a tool's settings written in code, not a module
        return "config"
    return "code"


#: a tool's settings file written in a programming language
_TOOL_CONFIG = lazy(r"^[\w-]+\.config\.(?:js|mjs|cjs|ts|mts|cts)$")


EXT_RE = lazy(r"\.[A-Za-z0-9]{1,8}$")
#: directory names that group components rather than name one
GENERIC_DIRS = words(
    "src lib libs pkg pkgs app apps internal main index init __init__ cmd services service "
    "packages modules module components plugins source sources code kubernetes-manifests manifests "
    "k8s helm-chart helm charts chart templates template deploy deployment deployments terraform "
    "infra config configs scripts tools test tests docs doc examples example .github workflows "
    "kustomize istio-manifests environments envs overlays base wrappers"
)
#: directories whose files are each one component (one manifest per service)
COLLECTION_DIRS = words(
    "kubernetes-manifests manifests k8s templates istio-manifests deploy deployments services"
)


def component(path: str) -> str:
    """The part of a path that names a component: ``src/frontend/x.go`` -> ``frontend``,
    ``kubernetes-manifests/redis.yaml`` -> ``redis``; ``""`` when nothing does (``main.tf``)."""
    parts = [p.lower() for p in path.split("/") if p]
    for part in parts[:-1]:
        if part not in GENERIC_DIRS and not part.startswith("."):
            return part
    if len(parts) > 1 and parts[-2] in COLLECTION_DIRS:
        return EXT_RE.sub("", parts[-1])
    return ""


def area(path: str) -> str:
    """The top-level area of a path: its first directory, or `src/<x>`-style second level."""
    parts = path.split("/")
    if len(parts) >= 3 and parts[0] in (
        "src",
        "services",
        "packages",
        "apps",
        "modules",
        "cmd",
        "lib",
        "charts",
        "environments",
        "envs",
    ):
        return "/".join(parts[:2])
    return parts[0] if len(parts) > 1 else "."
