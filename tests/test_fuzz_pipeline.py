"""Whatever a diff contains, every analyzer returns and the review renders: generated inputs."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewer.diff import parse_diff
from reviewer.intent import parse_intent
from reviewer.render.report_json import render as render_json
from reviewer.render.text import render as render_text
from reviewer.review import review

PATHS = [
    "src/app/main.py",
    "pkg/server/server.go",
    "web/app.ts",
    "web/view.tsx",
    "web/legacy.js",
    "svc/Main.java",
    "svc/Util.kt",
    "core/lib.rs",
    "native/x.c",
    "native/y.cpp",
    "native/z.h",
    "svc/Cart.cs",
    "app/model.rb",
    "web/index.php",
    "infra/main.tf",
    "infra/prod.tfvars",
    "k8s/deploy.yaml",
    ".github/workflows/ci.yml",
    "docker-compose.yml",
    "cfn/template.json",
    "package.json",
    "requirements.txt",
    "go.mod",
    "Cargo.toml",
    "db/migrations/0001_init.sql",
    "db/migrate/20240101_drop.rb",
    "scripts/deploy.sh",
    "Dockerfile",
    "Makefile",
    "CODEOWNERS",
    "AGENTS.md",
    ".cursor/rules/x.mdc",
    ".mcp.json",
    "config/settings.yaml",
    ".env",
    "README.md",
    "CHANGES.rst",
    "helm/templates/deploy.yaml",
    "kustomization.yaml",
    "pyproject.toml",
    "yarn.lock",
    "assets/logo.png",
    "weird name with spaces.txt",
    "ünïcode/fïle.py",
]

FRAGMENTS = [
    "def f(x):",
    "    return x",
    "class A:",
    "}",
    "{",
    'resource "aws_vpc" "main" {',
    '  cidr_block = "10.0.0.0/16"',
    "kind: Deployment",
    "metadata:",
    "  name: web",
    "---",
    "apiVersion: v1",
    "on: pull_request_target",
    "permissions: write-all",
    "DROP TABLE users;",
    "rm -rf /",
    "terraform destroy -auto-approve",
    '"dependencies": {"left-pad": "^2.0.0"}',
    "func Main() {",
    "pub fn x() -> i32 {",
    "<?php function f() {",
    '"""',
    "'''",
    "/*",
    "*/",
    "#",
    "<<EOF",
    "EOF",
    "((((((((((",
    "]]]]]",
    "\t\t",
    "é",
    "\x00",
    "😀",
    "deletion_protection = false",
    "  - uses: some/action@v1",
    "FROM python:3.12",
    "USER root",
    "@@",
    "--- a/x",
]

_line = st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=40))


@st.composite
def diffs(draw: st.DrawFn) -> str:
    out = []
    for path in draw(st.lists(st.sampled_from(PATHS), min_size=1, max_size=5, unique=True)):
        status = draw(st.sampled_from(["modified", "added", "deleted"]))
        lines = draw(st.lists(st.tuples(st.sampled_from(" -+"), _line), min_size=1, max_size=25))
        if status == "added":
            lines = [("+", t) for _, t in lines]
        elif status == "deleted":
            lines = [("-", t) for _, t in lines]
        body = [(p, t.replace("\n", " ").replace("\r", " ")) for p, t in lines]
        old = sum(1 for p, _ in body if p != "+")
        new = sum(1 for p, _ in body if p != "-")
        head = f"diff --git a/{path} b/{path}\n"
        if status == "added":
            head += f"new file mode 100644\n--- /dev/null\n+++ b/{path}\n"
            start_old = 0
        elif status == "deleted":
            head += f"deleted file mode 100644\n--- a/{path}\n+++ /dev/null\n"
            start_old = 1
        else:
            head += f"--- a/{path}\n+++ b/{path}\n"
            start_old = draw(st.integers(1, 500))
        start_new = 0 if status == "deleted" else (1 if status == "added" else start_old)
        section = draw(
            st.sampled_from(["", " def f():", ' resource "aws_vpc" "x" {', " spec:", " class A {"])
        )
        out.append(
            head
            + f"@@ -{start_old},{old} +{start_new},{new} @@{section}\n"
            + "".join(f"{p}{t}\n" for p, t in body)
        )
    return "".join(out)


@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(diffs(), st.text(max_size=200))
def test_any_diff_reviews_and_renders(text: str, intent: str) -> None:
    diff = parse_diff(text)
    r = review(diff, parse_intent(intent))
    assert {f.scope.path for f in r.files} == {f.path for f in diff.files}
    json.loads(render_json(r))
    render_text(r)


def test_ten_thousand_nested_brackets() -> None:
    deep = "x = " + "(" * 10_000 + ")" * 10_000
    for path in ("a.py", "a.go", "a.js", "main.tf", "a.json", "a.yaml", "a.rs"):
        text = f"diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n@@ -1 +1 @@\n-y = 1\n+{deep}\n"
        r = review(parse_diff(text), parse_intent("nest"))
        assert r.files[0].scope.path == path
