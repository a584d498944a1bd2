"""`count` edits that change nothing or only gate: a local renamed with its value, a condition
added anywhere in a chain of `&&`."""

from __future__ import annotations

from reviewer.models import FileScope
from tests.helpers import scope_both


def _codes(scope: FileScope) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for s in scope.signals:
        out.setdefault(s.code, []).append(s.severity)
    return out


RENAMED = (
    "locals {\n  create_role_policy = var.create && var.create_policy\n}\n\n"
    'resource "aws_iam_role_policy" "inline" {\n  count = local.create_role_policy ? 1 : 0\n'
    "  role  = var.role\n}\n"
)


def test_a_local_renamed_with_its_value_and_its_readers_changes_no_count() -> None:
    new = RENAMED.replace("create_role_policy", "create_policy_x")
    for scope in scope_both("main.tf", RENAMED, new):
        codes = _codes(scope)
        assert "tf.count_input" not in codes and "tf.count_for_each" not in codes, codes


def test_a_local_renamed_and_given_another_value_still_decides_the_count() -> None:
    new = RENAMED.replace("create_role_policy", "create_policy_x").replace(
        "var.create && var.create_policy", "var.create"
    )
    for scope in scope_both("main.tf", RENAMED, new):
        assert "tf.count_for_each" in _codes(scope) or "tf.count_input" in _codes(scope)


GATED = (
    'resource "aws_security_group" "this" {\n'
    "  count = var.create && false == var.use_name_prefix ? 1 : 0\n  name  = var.name\n}\n"
)


def test_a_condition_added_inside_the_chain_is_a_gate() -> None:
    new = GATED.replace(
        "var.create && false == var.use_name_prefix",
        "var.create && var.create_sg && !var.use_name_prefix",
    )
    for scope in scope_both("main.tf", GATED, new):
        codes = _codes(scope)
        assert codes.get("tf.count_condition") == ["low"], codes
        (sig,) = [s for s in scope.signals if s.code == "tf.count_condition"]
        assert "`var.create_sg`" in sig.detail


def test_a_condition_dropped_or_swapped_is_not_a_gate() -> None:
    for cond in ("var.create_sg && !var.use_name_prefix", "var.create || var.create_sg"):
        new = GATED.replace("var.create && false == var.use_name_prefix", cond)
        for scope in scope_both("main.tf", GATED, new):
            assert "tf.count_condition" not in _codes(scope), cond


def test_a_gate_whose_new_variable_defaults_to_true_destroys_nothing_by_default() -> None:
    from reviewer.diff import parse_diff
    from reviewer.scope import build_scope
    from tests.helpers import git_diff

    gated = GATED.replace(
        "var.create && false == var.use_name_prefix",
        "var.create && var.create_sg && !var.use_name_prefix",
    )
    variables = 'variable "name" {\n  type = string\n}\n'
    for default, severity in (("true", "info"), ("false", "low")):
        declared = (
            variables + f'\nvariable "create_sg" {{\n  type    = bool\n  default = {default}\n}}\n'
        )
        text = git_diff("modules/sg/main.tf", GATED, gated) + git_diff(
            "modules/sg/variables.tf", variables, declared
        )
        scope = build_scope(parse_diff(text))
        main = next(f for f in scope.files if f.path.endswith("main.tf"))
        assert [s.severity for s in main.signals if s.code == "tf.count_condition"] == [severity]
    # a variable of another module says nothing about this one
    text = git_diff("modules/sg/main.tf", GATED, gated) + git_diff(
        "modules/other/variables.tf", None, 'variable "create_sg" {\n  default = true\n}\n'
    )
    main = build_scope(parse_diff(text)).files[0]
    assert [s.severity for s in main.signals if s.code == "tf.count_condition"] == ["low"]


PLAIN = 'resource "aws_s3_bucket_lifecycle_configuration" "logs" {\n  bucket = "b"\n}\n'
MODULE = 'module "logs" {\n  source = "./logs"\n}\n'


def _with_count(text: str, count: str) -> str:
    return text.replace("{\n", f"{{\n  count  = {count}\n", 1)


def test_count_added_to_an_existing_resource_keeps_it_as_instance_zero() -> None:
    # Terraform's implied move: the object becomes `[0]`; only a count of 0 destroys it
    for count, want in (
        ("1", ("tf.count_for_each", "low")),
        ("var.enabled ? 1 : 0", ("tf.count_condition", "low")),
        ("local.rules_count", ("tf.count_for_each", "medium")),
        ("0", ("tf.count_for_each", "high")),
    ):
        for scope in scope_both("main.tf", PLAIN, _with_count(PLAIN, count)):
            assert [(s.code, s.severity) for s in scope.signals] == [want], count
            assert "get new addresses" not in scope.signals[0].detail


def test_count_removed_from_a_resource_keeps_instance_zero() -> None:
    for count, severity in (("1", "low"), ("var.enabled ? 1 : 0", "low"), ("var.n", "medium")):
        for scope in scope_both("main.tf", _with_count(PLAIN, count), PLAIN):
            assert [(s.code, s.severity) for s in scope.signals] == [
                ("tf.count_for_each", severity)
            ], count
            assert "keeps `[0]`" in scope.signals[0].detail


def test_count_on_a_module_call_or_a_for_each_still_re_addresses() -> None:
    # Terraform moves nothing by itself for module calls or for `for_each` keys
    for scope in scope_both("main.tf", MODULE, _with_count(MODULE, "var.enabled ? 1 : 0")):
        assert [(s.code, s.severity) for s in scope.signals] == [("tf.count_for_each", "high")]
    for_each = PLAIN.replace("{\n", '{\n  for_each = toset(["a"])\n', 1)
    for scope in scope_both("main.tf", PLAIN, for_each):
        assert [(s.code, s.severity) for s in scope.signals] == [("tf.count_for_each", "high")]


def test_count_added_under_a_moved_block_says_nothing() -> None:
    new = _with_count(PLAIN, "var.enabled ? 1 : 0") + (
        "\nmoved {\n  from = aws_s3_bucket_lifecycle_configuration.logs\n"
        "  to   = aws_s3_bucket_lifecycle_configuration.logs[0]\n}\n"
    )
    for scope in scope_both("main.tf", PLAIN, new):
        assert not [s for s in scope.signals if s.code.startswith("tf.count")]
