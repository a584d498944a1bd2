"""File roles: the cheap checks in front of the path patterns never change a role."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewer import paths
from reviewer.paths import role_of
from reviewer.terms import has_any

# the patterns the set lookups replaced, kept here as the oracle
OLD_DOC_NAMES = re.compile(
    r"^(readme|license|licence|copying|notice|authors|contributors|contributing|code_of_conduct|"
    r"security|support|governance|maintainers|citation)(\.|$)",
    re.I,
)
OLD_CHANGELOG = re.compile(
    r"^(changes|changelog|history|news|release[-_]?notes|releases)(\.|$)", re.I
)

# path pieces that reach every branch: agent files, generated code, tests, docs, change logs
PIECES = [
    "src",
    "docs",
    ".github",
    "instructions",
    "prompts",
    ".cursor",
    ".claude",
    "app",
    "x",
    "agents.md",
    "CLAUDE.md",
    "mcp.json",
    ".mcp.json",
    "copilot-instructions.md",
    ".cursorrules",
    "api_pb2.py",
    "svc.pb.go",
    "bundle.min.js",
    "Form.designer.cs",
    "out_generated.ts",
    "a.snap",
    "test_api.py",
    "api_test.go",
    "app.spec.ts",
    "user_spec.rb",
    "conftest.py",
    "FooTest.java",
    "README.md",
    "readme",
    "LICENSE",
    "code_of_conduct.md",
    "CHANGELOG.md",
    "release-notes.rst",
    "history.txt",
    "news",
    "requirements-dev.txt",
    "constraints.txt",
    "dev-requirements.in",
    "main.py",
    "values.yaml",
    ".env",
    "Makefile",
    "notes.md",
    "AI_POLICY.md",
    "ai-usage.md",
    "AIContributing.rst",
    "ai_model.py",
    ".agents",
    "SKILL.md",
    ".codex",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=4))
def test_guards_agree_with_the_patterns_they_guard(parts: list[str]) -> None:
    path = "/".join(parts)
    lower = path.lower()
    name = lower.rsplit("/", 1)[-1]
    agent = bool(paths._AGENT_RE.search(lower))
    assert (has_any(lower, paths._AGENT_HINTS, folded=True) and agent) == agent, path
    generated = bool(paths._GENERATED_RE.search(name))
    assert (has_any(name, paths._GENERATED_HINTS) and generated) == generated, path
    test = bool(paths._TEST_FILE_RE.match(path.rsplit("/", 1)[-1]))
    assert (("test" in name or "spec" in name) and test) == test, path
    assert paths._requirements(name) == bool(paths._REQUIREMENTS_RE.match(name)), path
    first = name.split(".", 1)[0]
    assert (first in paths._DOC_NAMES) == bool(OLD_DOC_NAMES.match(name)), path
    assert (first in paths._CHANGELOG_NAMES) == bool(OLD_CHANGELOG.match(name)), path


@pytest.mark.parametrize(
    ("path", "role"),
    [
        ("AGENTS.md", "agent"),
        (".github/instructions/python.instructions.md", "agent"),
        (".cursor/rules/style.mdc", "agent"),
        ("AI_POLICY.md", "agent"),
        ("typer/.agents/skills/typer/SKILL.md", "agent"),
        ("skills/pdf/SKILL.md", "agent"),
        ("src/agents/runner.py", "code"),
        ("docs/ai-contributions.md", "agent"),
        ("src/ai_model.py", "code"),
        ("eslint.config.mjs", "config"),
        ("vite.config.ts", "config"),
        ("src/config.ts", "code"),
        ("proto/api_pb2.py", "generated"),
        ("web/bundle.min.js", "generated"),
        ("wrappers/main.tf", "generated"),
        ("wrappers/object/versions.tf", "generated"),
        ("modules/wrappers/main.tf", "infra"),
        ("tests/test_api.py", "test"),
        ("pkg/api_test.go", "test"),
        ("src/main/java/shop/CartTest.java", "test"),
        ("src/Cart.Tests.cs", "test"),
        ("src/Contest.cs", "code"),
        ("docs/guide.md", "docs"),
        ("CHANGELOG.md", "changelog"),
        ("requirements-dev.txt", "dependency"),
        ("src/app/main.py", "code"),
    ],
)
def test_roles(path: str, role: str) -> None:
    assert role_of(path) == role


def test_pull_request_and_issue_templates_are_how_the_repository_is_run() -> None:
    from reviewer.paths import role_of

    for path in (
        ".github/pull_request_template.md",
        ".github/PULL_REQUEST_TEMPLATE.md",
        ".github/PULL_REQUEST_TEMPLATE/release.md",
        ".github/ISSUE_TEMPLATE/bug_report.md",
    ):
        assert role_of(path) == "governance", path
    assert role_of("docs/pull-requests.md") == "docs"


def test_a_wrapper_of_a_module_is_that_module() -> None:
    from reviewer.paths import component

    # terraform-aws-modules' `wrappers/<name>/` call `modules/<name>/` for each of many instances
    assert (
        component("wrappers/vectors/main.tf") == component("modules/vectors/main.tf") == "vectors"
    )
