from __future__ import annotations

import sys
from pathlib import Path

import pytest

from reviewer.diff import parse_diff
from reviewer.scope import scope_file
from reviewer.scope import yaml_families as yaml_scope
from reviewer.scope.engine import FileContext
from tests.helpers import git_diff, scope_both

GOLDEN = Path(__file__).parent / "golden" / "yaml_families"


def _context(path: str, old: str | None, new: str | None, *, full: bool) -> FileContext:
    fd = parse_diff(git_diff(path, old, new)).files[0]
    language = "json" if path.endswith(".json") else "yaml"
    return FileContext(
        fd,
        language=language,
        role="config",
        old_source=old if full else None,
        new_source=new if full else None,
    )


@pytest.mark.parametrize(
    ("path", "text", "language"),
    [
        (".github/workflows/ci.yml", "on: push\njobs: {}\n", "github-actions"),
        (".github/actions/setup/action.yml", "runs:\n  using: composite\n", "github-actions"),
        (".gitlab-ci.yml", "test:\n  script: [make]\n", "gitlab-ci"),
        (".circleci/config.yml", "version: 2.1\n", "circleci"),
        (".azure-pipelines.yml", "steps:\n- script: make\n", "ci"),
        ("docker-compose.override.yml", "services:\n  web: {}\n", "docker-compose"),
        ("deploy/compose.yaml", "services:\n  web: {}\n", "docker-compose"),
        ("overlays/prod/kustomization.yaml", "resources:\n- ../base\n", "kustomize"),
        ("charts/app/Chart.yaml", "apiVersion: v2\nname: app\n", "helm"),
        ("charts/app/values.yaml", "replicaCount: 1\n", "helm"),
        (
            "charts/app/templates/svc.yaml",
            "kind: Service\nmetadata:\n  name: {{ .Release.Name }}\n",
            "helm",
        ),
        ("stack/template.yaml", "Resources:\n  B:\n    Type: AWS::S3::Bucket\n", "cloudformation"),
        ("stack/vpc.json", '{\n  "AWSTemplateFormatVersion": "2010-09-09"\n}\n', "cloudformation"),
        ("k8s/app.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n", "kubernetes"),
        ("k8s/app.json", '{\n  "apiVersion": "v1",\n  "kind": "ConfigMap"\n}\n', "kubernetes"),
        ("skaffold.yaml", "apiVersion: skaffold/v4beta6\nkind: Config\n", "yaml"),
        (
            "metadata.display.yaml",
            "apiVersion: blueprints.cloud.google.com/v1alpha1\nkind: BlueprintMetadata\n"
            "metadata:\n  name: net-display\n",
            "yaml",
        ),
        (
            "catalog-info.yaml",
            "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: web\n",
            "yaml",
        ),
        ("config/app.yaml", "server:\n  port: 80\n", "yaml"),
        ("config/app.json", '{\n  "server": {"port": 80}\n}\n', "json"),
    ],
)
def test_family_by_path_and_content(path: str, text: str, language: str) -> None:
    full, hunks = scope_both(path, None, text)
    assert full.language == language
    assert hunks.language == language


def test_moved_line_in_a_helm_template_is_not_cosmetic() -> None:
    # moving ``containers:`` across ``{{- end }}`` changes what renders
    old = "spec:\n  {{- if .Values.sa }}\n  serviceAccountName: x\n  containers:\n  {{- end }}\n  - name: a\n"
    new = "spec:\n  {{- if .Values.sa }}\n  serviceAccountName: x\n  {{- end }}\n  containers:\n  - name: a\n"
    for full in (True, False):
        part = yaml_scope.analyze(_context("charts/app/templates/d.yaml", old, new, full=full))
        assert part.cosmetic is None


def test_indentation_is_not_whitespace_in_yaml() -> None:
    old = "a:\n  b: 1\n  c: 2\n"
    new = "a:\n  b: 1\nc: 2\n"
    for full in (True, False):
        part = yaml_scope.analyze(_context("ops/x.yaml", old, new, full=full))
        assert part.cosmetic is None
        assert {s.name for s in part.symbols} == {"a.c", "c"}


def test_trailing_whitespace_and_comments_are_cosmetic() -> None:
    old = "a:\n  b: 1\n  c: 2\n"
    full, hunks = scope_both("ops/x.yaml", old, "a:\n  b: 1   \n  c: 2\n")
    assert full.cosmetic == hunks.cosmetic == "whitespace"
    full, hunks = scope_both("ops/x.yaml", old, "a:\n  b: 1  # one\n  c: 2\n")
    assert full.cosmetic == hunks.cosmetic == "comments"


def test_config_file_keys_from_this_analyzer() -> None:
    old = "server:\n  port: 80\n  host: a\nlogging:\n  level: info\n"
    new = old.replace("port: 80", "port: 8080")
    for full in (True, False):
        part = yaml_scope.analyze(_context("config/app.yaml", old, new, full=full))
        assert [(s.kind, s.name, s.change) for s in part.symbols] == [
            ("key", "server.port", "modified")
        ]
        assert part.signals == []


@pytest.mark.parametrize(
    ("path", "old", "new"),
    [
        ("ops/crlf.yaml", "a:\r\n  b: 1\r\n", "a:\r\n  b: 2\r\n"),
        ("ops/bad.yaml", "a: \ufffd\ufffd\n", "a: \ufffd\n  - ]]]\n: :\n"),
        ("ops/long.yaml", "x: 1\n", "x: " + "a" * 5_000_000 + "\n"),
        ("ops/long.json", '{"a": 1}\n', '{"a": [' + "1," * 1_000_000 + "1]}\n"),
        ("ops/deep.yaml", "a: 1\n", "".join(" " * i + f"k{i}:\n" for i in range(2000))),
        ("ops/brackets.yaml", "a: 1\n", "a: " + "[" * 10_000 + "]" * 10_000 + "\n"),
        ("ops/brackets.json", "{}\n", "{\n" + "[\n" * 10_000 + "]\n" * 10_000 + "}\n"),
        ("k8s/odd.yaml", "kind: Pod\n", "---\n---\n- - - -\nkind:\nmetadata:\n  name:\n"),
        (".github/workflows/x.yml", "on: push\n", "on: [push,\njobs:\n  a:\n    run: |\n"),
        (
            "charts/c/templates/t.yaml",
            "{{ if }}\n",
            "{{- range .Values }}\n  - {{ . }}\n{{- end }}\n",
        ),
    ],
)
def test_never_raises_on_odd_input(path: str, old: str | None, new: str | None) -> None:
    full, hunks = scope_both(path, old, new)
    assert full.path == hunks.path == path


@pytest.mark.parametrize(("old", "new"), [(None, ""), ("", None)])
def test_empty_files(old: str | None, new: str | None) -> None:
    fd = parse_diff(git_diff("k8s/empty.yaml", old, new)).files[0]
    scope = scope_file(fd, None)
    assert scope.status in ("added", "deleted") and scope.signals == ()


def test_a_large_manifest_is_fast_enough() -> None:
    import time

    doc = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app{i}\nspec:\n  replicas: 1\n"
        "  template:\n    spec:\n      containers:\n      - name: c\n        image: app:{i}\n"
    )
    old = "---\n".join(doc.format(i=i) for i in range(2000))
    new = old.replace("image: app:7\n", "image: app:8\n")
    start = time.perf_counter()
    full, _hunks = scope_both("k8s/all.yaml", old, new)
    elapsed = time.perf_counter() - start
    print(f"\n22,000-line manifest, both modes: {elapsed * 1000:.0f} ms", file=sys.stderr)
    assert [s.name for s in full.symbols] == ["Deployment/app7"]


@pytest.mark.parametrize(
    ("path", "key"),
    [
        ("appveyor.yml", "build_script"),
        ("appveyor.yml", "on_success"),
        (".travis.yml", "after_failure"),
        (".gitlab-ci.yml", "script"),
    ],
)
def test_the_script_phases_of_other_ci_systems_are_read_as_commands(path: str, key: str) -> None:
    old = f"{key}:\n  - echo build\n"
    new = f"{key}:\n  - echo build\n  - git push --force origin HEAD:master\n"
    if path.endswith("gitlab-ci.yml"):
        old, new = (f"build:\n  {t.replace(chr(10) + '  ', chr(10) + '    ')}" for t in (old, new))
    for scope in scope_both(path, old, new):
        assert ("cmd.git_force_push", "high") in {(s.code, s.severity) for s in scope.signals}
