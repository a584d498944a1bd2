from __future__ import annotations

from pathlib import Path

from reviewer.models import FileScope
from tests.helpers import scope_both

GOLDEN = Path(__file__).parent / "golden" / "workflows"


WF = """name: CI
on: [push]
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: make
"""


def _codes(scope: FileScope) -> set[str]:
    return {s.code for s in scope.signals}


def test_the_command_scanner_reads_run_blocks() -> None:
    new = WF.replace(
        "      - run: make\n",
        "      - run: |\n          make\n          git push --force origin main\n",
    )
    full, hunks = scope_both(".github/workflows/ci.yml", WF, new)
    assert "cmd.git_force_push" in _codes(full) and "cmd.git_force_push" in _codes(hunks)


def test_removing_insecure_commands_is_not_a_widening() -> None:
    old = WF.replace(
        "      - run: make\n",
        '      - run: echo "::set-env name=A::b"\n        env:\n          ACTIONS_ALLOW_UNSECURE_COMMANDS: true\n',
    )
    new = WF.replace("      - run: make\n", '      - run: echo "A=b" >> "$GITHUB_ENV"\n')
    full, hunks = scope_both(".github/workflows/ci.yml", old, new)
    assert _codes(full) == _codes(hunks) == {"gha.workflow_changed"}


def test_pull_request_target_in_a_flow_list() -> None:
    full, hunks = scope_both(
        ".github/workflows/ci.yml", WF, WF.replace("on: [push]", "on: [push, pull_request_target]")
    )
    assert "gha.pull_request_target" in _codes(full) and "gha.pull_request_target" in _codes(hunks)


def test_pinned_and_first_party_actions_are_fine() -> None:
    new = WF.replace(
        "      - run: make\n",
        "      - uses: github/codeql-action/init@v3\n"
        "      - uses: docker/setup-buildx-action@b5ca514318bd6ebac0fb2aedd5d36ec1b5c232a2\n"
        "      - uses: ./.github/actions/local\n"
        "      - run: make\n",
    )
    full, hunks = scope_both(".github/workflows/ci.yml", WF, new)
    assert _codes(full) == _codes(hunks) == {"gha.workflow_changed"}


def test_a_renamed_workflow_with_trailing_whitespace_fixed_adds_nothing() -> None:
    old = WF.replace(
        "      - run: make\n", "      - run: |\t\n          kubectl delete pod -l app=x\t\n"
    )
    new = old.replace("\t", "")
    full, hunks = scope_both(".github/workflows/ci.yml", old, new)
    assert (
        _codes(full) == _codes(hunks) == {"gha.workflow_changed"} or full.cosmetic == "whitespace"
    )


SCAN = """name: cve-scan
on:
  push:
    branches: [main]
jobs:
  trivy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Run Trivy vulnerability scanner
        uses: aquasecurity/trivy-action@0.30.0
        with:
          exit-code: "1"
"""


def _by_code(scope: FileScope) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for s in scope.signals:
        out.setdefault(s.code, []).append(s.severity)
    return out


def test_a_scanner_replaced_by_another_scanner_in_a_new_job_still_scans() -> None:
    new = """name: cve-scan
on:
  push:
    branches: [main]
jobs:
  govulncheck:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Vulnerability scan
        uses: golang/govulncheck-action@v1
"""
    for scope in scope_both(".github/workflows/cve-scan.yml", SCAN, new):
        codes = _by_code(scope)
        assert "gha.security_step_removed" not in codes
        assert codes.get("gha.job_removed") == ["low"]


def test_a_scan_job_replaced_by_a_job_that_scans_nothing_is_a_removed_check() -> None:
    new = """name: cve-scan
on:
  push:
    branches: [main]
jobs:
  docs:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: make docs
"""
    for scope in scope_both(".github/workflows/cve-scan.yml", SCAN, new):
        codes = _by_code(scope)
        assert codes.get("gha.security_step_removed") == ["high"]
        assert codes.get("gha.job_removed") == ["high"]


def test_a_job_without_known_checks_replaced_by_another_is_still_a_removed_job() -> None:
    old = WF.replace("build:", "integration:")
    new = WF.replace("build:", "docs:").replace("run: make", "run: make docs")
    for scope in scope_both(".github/workflows/ci.yml", old, new):
        assert _by_code(scope).get("gha.job_removed") == ["high"]


def test_a_job_whose_body_stays_under_a_new_id_is_renamed_not_removed() -> None:
    body = "    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: go test ./...\n"
    old = "name: CI\non: [push]\njobs:\n  build:\n" + body
    new = "name: CI\non: [push]\njobs:\n  unit-tests:\n" + body
    for scope in scope_both(".github/workflows/ci.yml", old, new):
        codes = _by_code(scope)
        assert "gha.job_removed" not in codes
        assert codes.get("gha.job_renamed") == ["medium"]
    # a new id and a changed body: the old checks may not run any more
    gutted = new.replace("      - run: go test ./...\n", "      - run: make docs\n")
    for scope in scope_both(".github/workflows/ci.yml", old, gutted):
        assert "gha.job_renamed" not in _by_code(scope)


def test_a_workflow_whose_action_refs_alone_move_is_a_dependency_update() -> None:
    old = (
        "on: push\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@9c091bb21b7c1c1d1991bb908d89e4e9dddfe3e0 # v7.0.0\n"
        "      - run: make lint\n"
    )
    bumped = old.replace(
        "9c091bb21b7c1c1d1991bb908d89e4e9dddfe3e0 # v7.0.0",
        "3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1",
    )
    for scope in scope_both(".github/workflows/lint.yml", old, bumped):
        assert [(s.code, s.severity, s.kind) for s in scope.signals] == [
            ("gha.action_ref_moved", "low", "dependency")
        ]
    # another action, or any other line, is a workflow change as before
    swapped = old.replace("actions/checkout@", "someone/checkout@")
    edited = bumped.replace("make lint", "make lint || true")
    for new in (swapped, edited):
        full, _ = scope_both(".github/workflows/lint.yml", old, new)
        assert "gha.workflow_changed" in {s.code for s in full.signals}


def test_a_new_workflow_has_no_token_to_widen_its_scopes_are_what_it_is() -> None:
    wf = (
        "name: Publish key\non:\n  workflow_dispatch:\npermissions:\n  contents: write\n"
        "  id-token: write\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: ./publish-key.sh\n"
    )
    full, hunks = scope_both(".github/workflows/publish-key.yml", None, wf)
    for fs in (full, hunks):
        got = {(s.code, s.severity) for s in fs.signals}
        assert got == {("gha.workflow_added", "high")}, got
        added = next(s for s in fs.signals if s.code == "gha.workflow_added")
        assert "`contents`, `id-token`" in added.detail
    # narrow scopes only: a medium addition, still asking to be explained
    issues = wf.replace("  contents: write\n  id-token: write\n", "  issues: write\n")
    full, _ = scope_both(".github/workflows/publish-key.yml", None, issues)
    assert {(s.code, s.severity) for s in full.signals} == {("gha.workflow_added", "medium")}
    # write-all declares no least privilege: it stands alone, new file or not
    everything = wf.replace("  contents: write\n  id-token: write\n", "").replace(
        "permissions:\n", "permissions: write-all\n"
    )
    full, _ = scope_both(".github/workflows/publish-key.yml", None, everything)
    assert ("gha.permissions_write_all", "high") in {(s.code, s.severity) for s in full.signals}
    # the same grant added to a workflow that exists widens its token
    old = wf.replace("  id-token: write\n", "")
    full, _ = scope_both(".github/workflows/publish-key.yml", old, wf)
    assert ("gha.permissions_widened", "high") in {(s.code, s.severity) for s in full.signals}


def test_a_release_action_replaced_by_the_gh_cli_still_releases() -> None:
    old = (
        "on:\n  push:\n    tags: ['v*']\njobs:\n  release:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - uses: actions/checkout@v4\n"
        "      - uses: softprops/action-gh-release@v2\n        with:\n          files: dist/*\n"
    )
    new = old.replace(
        "      - uses: softprops/action-gh-release@v2\n        with:\n          files: dist/*\n",
        '      - run: gh release create "$GITHUB_REF_NAME" dist/*\n',
    )
    full, hunks = scope_both(".github/workflows/release.yml", old, new)
    for fs in (full, hunks):
        assert "gha.release_step_removed" not in {s.code for s in fs.signals}
    gone = old.replace(
        "      - uses: softprops/action-gh-release@v2\n        with:\n          files: dist/*\n", ""
    )
    full, _ = scope_both(".github/workflows/release.yml", old, gone)
    assert "gha.release_step_removed" in {s.code for s in full.signals}


def test_a_check_made_unable_to_fail_no_longer_gates_merges() -> None:
    old = (
        "on: pull_request\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@v4\n      - run: npm test\n"
    )
    for weak in ("npm test || true", "npm test || exit 0", "npm test; true"):
        new = old.replace("run: npm test", f"run: {weak}")
        full, hunks = scope_both(".github/workflows/main.yml", old, new)
        for fs in (full, hunks):
            got = {(s.code, s.severity) for s in fs.signals}
            assert ("gha.check_removed", "high") in got, (weak, got)
    # a command that is not a check, or a check that already could not fail, is no news
    both = old + "      - run: npm run build\n"
    build = both.replace("run: npm run build", "run: npm run build || true")
    full, _ = scope_both(".github/workflows/main.yml", both, build)
    assert "gha.check_removed" not in {s.code for s in full.signals}
    already = old.replace("run: npm test", "run: npm test || true")
    moved = already.replace("run: npm test || true", "run: npm test  || true")
    full, _ = scope_both(".github/workflows/main.yml", already, moved)
    assert "gha.check_removed" not in {s.code for s in full.signals}


def test_a_job_that_loses_its_environment_loses_its_protection_rules() -> None:
    head = "on: push\njobs:\n  publish:\n    runs-on: ubuntu-latest\n"
    body = "".join(f"      - run: echo step {i}\n" for i in range(12))
    old = head + '    environment:\n      name: "publish"\n    steps:\n' + body
    new = head + "    steps:\n" + body
    for scope in scope_both(".github/workflows/publish.yml", old, new):
        found = [(s.code, s.severity) for s in scope.signals if s.kind == "protection_toggle"]
        assert found == [("gha.environment_removed", "high")], scope.mode
    # renamed, not removed: still gated
    renamed = old.replace('name: "publish"', 'name: "pypi"')
    for scope in scope_both(".github/workflows/publish.yml", old, renamed):
        assert not [s for s in scope.signals if s.code == "gha.environment_removed"]


def test_id_token_granted_in_place_of_a_stored_secret_is_narrower() -> None:
    head = "on: pull_request\npermissions: {}\njobs:\n  lint:\n    runs-on: ubuntu-latest\n"
    old = (
        head
        + "    steps:\n      - uses: actions/checkout@v4\n        with:\n          token: ${{ secrets.BOT_PAT }}\n"
    )
    oidc = head + (
        "    permissions:\n      contents: read\n      id-token: write\n    steps:\n"
        "      - id: app\n        uses: acme/app-token@v1\n"
        "      - uses: actions/checkout@v4\n        with:\n          token: ${{ steps.app.outputs.token }}\n"
    )
    for scope in scope_both(".github/workflows/lint.yml", old, oidc):
        grants = [(s.severity, s.detail) for s in scope.signals if s.kind == "permission_widening"]
        assert [sev for sev, _ in grants] == ["low"] and "BOT_PAT" in grants[0][1]
    # the same grant with the secret still read is a widening
    both = oidc.replace("steps.app.outputs.token", "secrets.BOT_PAT")
    full, _ = scope_both(".github/workflows/lint.yml", old, both)
    assert [s.severity for s in full.signals if s.kind == "permission_widening"] == ["high"]


def test_a_scan_set_never_to_fail_is_a_check_removed() -> None:
    old = (
        "on: push\njobs:\n  scan:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: aquasecurity/trivy-action@0123456789abcdef0123456789abcdef01234567\n"
        '        with:\n          severity: CRITICAL,HIGH\n          exit-code: "1"\n'
    )
    for scope in scope_both(".github/workflows/trivy.yml", old, old.replace('"1"', '"0"')):
        assert ("gha.check_removed", "high") in {(s.code, s.severity) for s in scope.signals}
    # a scan made to fail is no check removed
    for scope in scope_both(".github/workflows/trivy.yml", old.replace('"1"', '"0"'), old):
        assert "gha.check_removed" not in {s.code for s in scope.signals}


def test_a_workflow_edit_that_only_moves_tool_versions_is_a_dependency_update() -> None:
    old = (
        "on: pull_request\nenv:\n  TERRAFORM_DOCS_VERSION: v0.22.0\n  TFLINT_VERSION: v0.59.1\n"
        "jobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make lint\n"
    )
    for scope in scope_both(
        ".github/workflows/pre-commit.yml", old, old.replace("v0.22.0", "v0.20.0")
    ):
        assert [(s.code, s.severity) for s in scope.signals] == [("gha.tool_version_moved", "low")]
    # a version moved with a command changed is a workflow change
    both = old.replace("v0.22.0", "v0.20.0").replace("make lint", "make lint || true")
    for scope in scope_both(".github/workflows/pre-commit.yml", old, both):
        assert "gha.tool_version_moved" not in {s.code for s in scope.signals}


def test_a_job_that_loses_the_if_naming_who_it_runs_for() -> None:
    old = (
        "on: pull_request_target\npermissions:\n  contents: write\njobs:\n  dependabot:\n"
        "    runs-on: ubuntu-latest\n    if: ${{ github.actor == 'dependabot[bot]' }}\n"
        '    steps:\n      - run: gh pr merge --auto --squash "$PR_URL"\n'
    )
    new = old.replace("    if: ${{ github.actor == 'dependabot[bot]' }}\n", "")
    for scope in scope_both(".github/workflows/auto-merge.yml", old, new):
        found = [(s.code, s.severity) for s in scope.signals if s.kind == "protection_toggle"]
        assert found == [("gha.identity_guard_removed", "high")], scope.mode
    # the same guard kept in other words is no guard removed
    kept = old.replace("github.actor == 'dependabot[bot]'", "github.actor == 'renovate[bot]'")
    for scope in scope_both(".github/workflows/auto-merge.yml", old, kept):
        assert "gha.identity_guard_removed" not in {s.code for s in scope.signals}


def test_a_workflow_edit_that_only_moves_where_jobs_run_is_a_low_ci_change() -> None:
    old = (
        "on: pull_request\njobs:\n  test:\n    runs-on: ubuntu-22.04\n    strategy:\n"
        "      matrix:\n        node-version: [18.x, 20.x, 22.x]\n    steps:\n"
        "      - run: npm test\n"
    )
    new = old.replace("[18.x, 20.x, 22.x]", "[20.x, 22.x, 24.x]").replace("22.04", "24.04")
    for scope in scope_both(".github/workflows/ci.yml", old, new):
        assert [(s.code, s.severity) for s in scope.signals] == [("gha.matrix_changed", "low")]
    # the matrix moved with a step changed is a workflow change
    both = new.replace("npm test", "npm test || true")
    for scope in scope_both(".github/workflows/ci.yml", old, both):
        codes = {s.code for s in scope.signals}
        assert "gha.matrix_changed" not in codes and "gha.workflow_changed" in codes


def test_continue_on_error_on_a_check_lets_it_pass_as_if_removed() -> None:
    job = (
        "on: pull_request\njobs:\n  tests:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@v4\n      - name: Unit tests\n        run: pnpm vitest run\n"
        "      - name: Upload coverage\n        run: ./upload.sh\n"
    )
    on_job = job.replace(
        "runs-on: ubuntu-latest\n", "runs-on: ubuntu-latest\n    continue-on-error: true\n"
    )
    for scope in scope_both(".github/workflows/ci.yml", job, on_job):
        assert ("gha.check_removed", "high") in {(s.code, s.severity) for s in scope.signals}
    scan = job.replace("        run: pnpm vitest run\n", "        run: pnpm vitest run\n").replace(
        "      - name: Upload coverage\n",
        "      - uses: securego/gosec@master\n        continue-on-error: true\n      - name: Upload coverage\n",
    )
    for scope in scope_both(".github/workflows/ci.yml", job, scan):
        assert any(s.code == "gha.check_removed" and "gosec" in s.detail for s in scope.signals)
    # a step that checks nothing may fail as it likes: the setting is noted, not a removed check
    upload = job.replace(
        "run: ./upload.sh\n", "run: ./upload.sh\n        continue-on-error: true\n"
    )
    for scope in scope_both(".github/workflows/ci.yml", job, upload):
        codes = {(s.code, s.severity) for s in scope.signals}
        assert ("gha.continue_on_error", "medium") in codes
        assert "gha.check_removed" not in {c for c, _ in codes}


def test_a_release_job_that_stops_waiting_for_the_tests_can_ship_what_failed() -> None:
    old = (
        "on: push\njobs:\n  test-summary:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: pytest\n  pre-deploy:\n    name: Pre-Deploy\n    runs-on: ubuntu-latest\n"
        "    needs: test-summary\n    steps:\n      - run: twine upload dist/*\n"
    )
    new = old.replace("    needs: test-summary\n", "")
    for scope in scope_both(".github/workflows/ci-cd.yml", old, new):
        assert any(
            s.code == "gha.check_removed" and "test-summary" in s.detail for s in scope.signals
        ), scope.mode
    # a list of needs loses the test job the same way
    listed = old.replace("needs: test-summary", "needs:\n      - build\n      - test-summary")
    for scope in scope_both(
        ".github/workflows/ci-cd.yml", listed, listed.replace("      - test-summary\n", "")
    ):
        assert any(s.code == "gha.check_removed" for s in scope.signals), scope.mode
    # a job that ships nothing may stop waiting; a release that still waits is no removal
    docs = (
        old.replace("Pre-Deploy", "Docs")
        .replace("pre-deploy", "docs")
        .replace("twine upload dist/*", "mkdocs build")
    )
    for scope in scope_both(
        ".github/workflows/ci-cd.yml", docs, docs.replace("    needs: test-summary\n", "")
    ):
        assert "gha.check_removed" not in {s.code for s in scope.signals}
    both = old.replace("needs: test-summary", "needs: [test-summary, lint]")
    for scope in scope_both(".github/workflows/ci-cd.yml", old, both):
        assert "gha.check_removed" not in {s.code for s in scope.signals}
