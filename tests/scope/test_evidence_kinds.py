"""Kinds of change the corpus taught: private modules, guard defaults, removed CI checks."""

from __future__ import annotations

from tests.helpers import scope_both

PY_OLD = "def _helper():\n    return 1\n\n\ndef __getattr__(name):\n    raise AttributeError(name)\n\n\ndef api():\n    return 2\n"


def codes(path: str, old: str | None, new: str | None) -> set[str]:
    full, hunks = scope_both(path, old, new)
    return {s.code for s in full.signals} | {s.code for s in hunks.signals}


def test_a_private_module_or_a_module_hook_is_not_public_api() -> None:
    assert "code.module_removed" not in codes("pkg/_compat.py", PY_OLD, None)
    assert "code.module_removed" in codes("pkg/client.py", PY_OLD, None)
    removed = codes("pkg/api.py", PY_OLD, "def api():\n    return 2\n")
    assert "code.public_removed" not in removed  # __getattr__ and _helper are not an API


def test_a_guard_variable_whose_default_turns_the_guard_off_is_a_protection_toggle() -> None:
    old = 'variable "force_destroy" {\n  type    = bool\n  default = false\n}\n'
    got = codes("variables.tf", old, old.replace("false", "true"))
    assert "tf.guard_default" in got
    back = codes("variables.tf", old.replace("false", "true"), old)
    assert "tf.guard_default" not in back  # turning the guard back on is no risk


WORKFLOW = """\
name: ci
on: [pull_request]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Run linting checks
        run: scripts/check
      - name: Run tests
        run: scripts/test
  docs:
    runs-on: ubuntu-latest
    steps:
      - run: mkdocs build
"""


def test_removing_a_check_step_or_a_job_is_high() -> None:
    no_lint = WORKFLOW.replace("      - name: Run linting checks\n        run: scripts/check\n", "")
    assert "gha.check_removed" in codes(".github/workflows/ci.yml", WORKFLOW, no_lint)
    no_docs = WORKFLOW[: WORKFLOW.index("  docs:")]
    assert "gha.job_removed" in codes(".github/workflows/ci.yml", WORKFLOW, no_docs)
    # a check replaced by another check still gates merges
    swapped = WORKFLOW.replace("run: scripts/check", "uses: astral-sh/ruff-action@v3").replace(
        "Run linting checks", "Lint"
    )
    assert "gha.check_removed" not in codes(".github/workflows/ci.yml", WORKFLOW, swapped)


def test_deleting_agent_instructions_is_high_editing_them_medium() -> None:
    full, _ = scope_both("AGENTS.md", "# Rules\n\nNever touch prod.\n", None)
    assert {s.severity for s in full.signals if s.code == "agent.instructions"} == {"high"}
    full, _ = scope_both("AGENTS.md", "# Rules\n", "# Rules\n\nBe nice.\n")
    assert {s.severity for s in full.signals if s.code == "agent.instructions"} == {"medium"}


def test_a_hook_script_without_an_extension_is_read_as_shell() -> None:
    got = codes(".husky/pre-push", "npm test\n", "npm test\ngit push --force origin main\n")
    assert "cmd.git_force_push" in got


def test_a_datastore_spelled_out_on_0_0_0_0_is_high() -> None:
    old = "services:\n  db:\n    image: postgres:16\n"
    full, _ = scope_both("compose.yml", old, old + '    ports:\n      - "0.0.0.0:5432:5432"\n')
    assert {s.severity for s in full.signals if s.code == "compose.db_port_exposed"} == {"high"}


def test_for_each_keys_added_create_keys_removed_destroy() -> None:
    old = 'resource "aws_subnet" "p" {\n  for_each   = toset(["a", "b"])\n  cidr_block = each.value\n}\n'
    full, hunks = scope_both("main.tf", old, old.replace('"b"]', '"b", "c"]'))
    for fs in (full, hunks):
        assert [(s.code, s.severity) for s in fs.signals] == [("tf.for_each_keys_added", "low")]
        assert "`c`" in fs.signals[0].detail
    full, _ = scope_both("main.tf", old, old.replace(', "b"', ""))
    assert [(s.code, s.severity) for s in full.signals] == [("tf.count_for_each", "high")]
    assert "`b`" in full.signals[0].detail
    # alignment only: nothing
    full, _ = scope_both("main.tf", old, old.replace("for_each   =", "for_each ="))
    assert not full.signals
