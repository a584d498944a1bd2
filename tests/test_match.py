"""Matching the intent to the scope: what is explained, why, and which risky changes are licensed."""

from __future__ import annotations

import pytest

from reviewer.diff import parse_diff
from reviewer.intent import parse_intent
from reviewer.match import match
from reviewer.models import Diff, FileScope, Scope, Signal
from reviewer.paths import component
from reviewer.scope import build_scope


def _diff(files: dict[str, tuple[str, str]]) -> Diff:
    """path -> (removed line, added line) as a real unified diff."""
    text = "".join(
        f"diff --git a/{p} b/{p}\n--- a/{p}\n+++ b/{p}\n@@ -1,1 +1,1 @@\n-{old}\n+{new}\n"
        for p, (old, new) in files.items()
    )
    return parse_diff(text)


def _explained(intent: str, files: dict[str, tuple[str, str]]) -> dict[str, bool]:
    diff = _diff(files)
    m = match(parse_intent(intent), build_scope(diff), diff)
    return {p: fm.explained for p, fm in m.files.items()}


def test_component_names() -> None:
    assert component("src/frontend/main.go") == "frontend"
    assert component("kubernetes-manifests/redis.yaml") == "redis"
    assert component("terraform/main.tf") == ""
    assert component("main.tf") == ""
    assert component("modules/vpc-endpoints/main.tf") == "vpc-endpoints"


def test_path_symbol_and_content_evidence() -> None:
    got = _explained(
        "Fix the currency in the cost report",
        {
            "billing/cost_report.py": ("x = 1", "x = 2"),
            "billing/other.py": ("currency = 'USD'", "currency = 'EUR'"),
            "web/styles.css": ("color: red", "color: blue"),
        },
    )
    assert got == {
        "billing/cost_report.py": True,
        "billing/other.py": True,
        "web/styles.css": False,
    }


def test_sibling_component_needs_its_own_name() -> None:
    got = _explained(
        "shippingservice: prevent crash on profiler init",
        {
            "src/shippingservice/main.go": (
                "profiler.Start()",
                "if err := profiler.Start(); err != nil {}",
            ),
            "src/frontend/main.go": ("log.Info(profiler)", "log.Warn(profiler)"),
        },
    )
    assert got == {"src/shippingservice/main.go": True, "src/frontend/main.go": False}


def test_prefix_of_a_component_name_counts() -> None:
    got = _explained(
        "payment & productcatalog: sample rate 1.0",
        {
            "src/productcatalogservice/server.go": ("rate := 0.5", "rate := 1.0"),
            "src/shippingservice/main.go": ("rate := 0.5", "rate := 1.0"),
        },
    )
    assert got["src/productcatalogservice/server.go"] and not got["src/shippingservice/main.go"]


def test_tests_and_changelog_follow_an_explained_change() -> None:
    got = _explained(
        "Handle `--help` alone like no arguments in the CLI",
        {
            "src/pkg/cli.py": ("if not args:", "if not args or args == ['--help']:"),
            "tests/test_cli.py": ("assert run([])", "assert run(['--help'])"),
            "CHANGES.rst": ("- old entry", "- Handle help arg by itself"),
            "src/pkg/unrelated.py": ("a = 1", "a = 2"),
        },
    )
    assert got == {
        "src/pkg/cli.py": True,
        "tests/test_cli.py": True,
        "CHANGES.rst": True,
        "src/pkg/unrelated.py": False,
    }


def test_typo_intent_explains_comment_only_changes_but_not_code() -> None:
    text = (
        "diff --git a/app.py b/app.py\n--- a/app.py\n+++ b/app.py\n@@ -1,2 +1,2 @@\n"
        "-# the recieved value\n+# the received value\n x = 1\n"
        "diff --git a/db.py b/db.py\n--- a/db.py\n+++ b/db.py\n@@ -1,2 +1,2 @@\n"
        "-TIMEOUT = 30\n+TIMEOUT = 0\n y = 2\n"
    )
    diff = parse_diff(text)
    m = match(parse_intent("Fix typos"), build_scope(diff), diff)
    assert m.files["app.py"].explained and not m.files["db.py"].explained


def _scope_with(
    signal: Signal,
    path: str = "infra/network.tf",
    lines: tuple[str, str] = ('resource "aws_nat_gateway" "this" {', ""),
) -> tuple[Scope, Diff]:
    diff = _diff({path: lines})
    fs = FileScope(
        path=path, old_path=None, status="modified", language="hcl", role="infra", signals=(signal,)
    )
    return Scope(files=(fs,)), diff


def test_deletion_is_licensed_only_by_a_removal_verb_about_it() -> None:
    sig = Signal(
        "resource_deletion",
        "tf.resource_deleted",
        "deletes `aws_nat_gateway.this`",
        3,
        "old",
        "aws_nat_gateway.this",
        "high",
    )
    scope, diff = _scope_with(sig)
    key = ("infra/network.tf", sig)
    assert match(parse_intent("Remove the NAT gateway from the network"), scope, diff).licensed[key]
    assert not match(parse_intent("Fix the NAT gateway tags in the network"), scope, diff).licensed[
        key
    ]
    assert not match(parse_intent("Remove the unused S3 bucket"), scope, diff).licensed[key]


def test_naming_a_function_licenses_its_signature_change_but_not_its_deletion() -> None:
    sig = Signal(
        "public_api", "code.public_signature", "changes `redirect`", 3, "new", "redirect", "medium"
    )
    lines = ("def redirect(location, code=302):", "def redirect(location, code=303):")
    scope, diff = _scope_with(sig, "src/helpers.py", lines)
    assert match(parse_intent("redirect defaults to 303"), scope, diff).licensed[
        "src/helpers.py", sig
    ]
    gone = Signal(
        "resource_deletion",
        "tf.resource_deleted",
        "deletes `aws_db.redirect`",
        3,
        "old",
        "aws_db.redirect",
        "high",
    )
    scope2, diff2 = _scope_with(gone, "src/helpers.py", lines)
    assert not match(parse_intent("redirect defaults to 303"), scope2, diff2).licensed[
        "src/helpers.py", gone
    ]


def test_revert_licenses_what_it_touches() -> None:
    sig = Signal(
        "resource_deletion",
        "tf.resource_deleted",
        "deletes node pool",
        3,
        "old",
        "google_container_node_pool.pool",
        "high",
    )
    scope, diff = _scope_with(sig, "terraform/cluster.tf")
    assert match(
        parse_intent("Rollback the node pool customisation of the cluster"), scope, diff
    ).licensed["terraform/cluster.tf", sig]


def test_missing_targets_are_reported() -> None:
    diff = _diff({"vpc-flow-logs.tf": ("path = null", 'path = "/"')})
    m = match(parse_intent("Fix `service_region` in the endpoint module"), build_scope(diff), diff)
    assert m.missing_targets == ("service_region",)
    assert not m.files["vpc-flow-logs.tf"].explained


def test_two_words_joined_by_a_slash_are_a_path_only_where_the_change_has_that_directory() -> None:
    diff = _diff({"modules/subnets/main.tf": ("path = null", 'path = "/"')})
    scope = build_scope(diff)
    prose = match(parse_intent("fix: constant time compare for low/negligible issues"), scope, diff)
    assert prose.missing_targets == ()
    # the change has `modules/`: "modules/routes" names a component it never touches
    other = match(parse_intent("feat: ADC compliance for modules/routes"), scope, diff)
    assert other.missing_targets == ("modules/routes",)
    # a conventional scope is a component, whatever its words
    scoped = match(parse_intent("fix(example/templates): apply the alert class"), scope, diff)
    assert scoped.missing_targets == ("example/templates",)


def test_a_score_of_weak_words_alone_does_not_explain_a_file() -> None:
    # prose in passing shares words with the file, but none of them is firm or specific: they are
    # shown as what came close and weigh nothing
    from reviewer.diff import parse_diff
    from reviewer.intent import parse_intent
    from reviewer.match import match
    from reviewer.scope import build_scope
    from tests.helpers import git_diff

    text = git_diff(
        "src/notify/mailer.py",
        "def send(message):\n    queue.put(message)\n",
        "def send(message, retries=3):\n    queue.put(message, retries)\n",
    )
    diff = parse_diff(text)
    scope = build_scope(diff)
    weak = parse_intent(
        "Thanks to everyone: the mailer queue, retries and message sending were reviewed.",
        title="Fix the invoice total",
    )
    fm = match(weak, scope, diff).files["src/notify/mailer.py"]
    assert fm.score == 0 and not fm.explained
    assert any("queu" in r for r in fm.explained_by)
    stated = parse_intent("", title="Add retries to the mailer send queue")
    assert match(stated, scope, diff).files["src/notify/mailer.py"].explained


def test_an_option_the_intent_names_explains_the_lines_that_drop_it() -> None:
    # "Remove -v from tests": the option itself is the evidence, not a shared word
    from reviewer.diff import parse_diff
    from reviewer.intent import parse_intent
    from reviewer.match import match
    from reviewer.scope import build_scope
    from tests.helpers import git_diff

    text = git_diff(
        ".github/workflows/ci.yml",
        "on: push\njobs:\n  unit:\n    runs-on: ubuntu-latest\n    steps:\n      - run: go build ./...\n      - run: go vet ./...\n      - run: go test -v -race ./...\n",
        "on: push\njobs:\n  unit:\n    runs-on: ubuntu-latest\n    steps:\n      - run: go build ./...\n      - run: go vet ./...\n      - run: go test -race ./...\n",
    )
    diff = parse_diff(text)
    scope = build_scope(diff)
    fm = match(parse_intent("", title="Remove -v from tests"), scope, diff).files[
        ".github/workflows/ci.yml"
    ]
    assert fm.explained and "option: -v" in fm.explained_by
    # another option is not this one, and a word with a dash inside ("re-run") is no option
    for title in ("Remove -x from tests", "Re-run the tests"):
        other = match(parse_intent("", title=title), scope, diff).files[".github/workflows/ci.yml"]
        assert not other.explained, title


def test_what_a_deleted_resource_held_goes_with_its_stated_deletion() -> None:
    # the `terraform.workspace` logic inside a resource whose deletion is stated is that deletion;
    # unstated, both stay unlicensed
    from reviewer.diff import parse_diff
    from reviewer.intent import parse_intent
    from reviewer.match import match
    from reviewer.scope import build_scope
    from tests.helpers import git_diff

    old = (
        'resource "aws_subnet" "firewall_private" {\n'
        "  vpc_id     = var.vpc_id\n"
        '  cidr_block = lookup(var.cidrs, terraform.workspace, "10.0.0.0/24")\n'
        "}\n\n"
        'resource "aws_s3_bucket" "logs" {\n  bucket = "logs"\n}\n'
    )
    new = 'resource "aws_s3_bucket" "logs" {\n  bucket = "logs"\n}\n'
    diff = parse_diff(git_diff("vpc/firewall-subnets.tf", old, new))
    scope = build_scope(diff)
    codes = {s.code for f in scope.files for s in f.signals}
    assert {"tf.workspace", "tf.resource_deleted"} <= codes
    stated = match(parse_intent("", title="Removing the firewall resources"), scope, diff)
    assert all(stated.licensed.values())
    workspace = next(k for k in stated.licensed if k[1].code == "tf.workspace")
    assert stated.readings[workspace].stated is not None
    unstated = match(parse_intent("", title="Fix the logs bucket"), scope, diff)
    assert not any(v for (_p, s), v in unstated.licensed.items() if s.code == "tf.workspace")


def test_a_grouped_bump_that_also_drops_a_pin_moves_versions_and_flags_the_drop() -> None:
    from reviewer.diff import parse_diff
    from reviewer.intent import parse_intent
    from reviewer.review import review
    from tests.helpers import git_diff

    old = "mypy==1.16.0\nruff==0.11.12\ntyping_extensions==4.12.2\npytest==8.3.5\n"
    new = "mypy==1.16.1\nruff==0.12.1\npytest==8.4.1\n"
    diff = parse_diff(git_diff("requirements.txt", old, new))
    r = review(diff, parse_intent("", title="Bump the python-packages group with 3 updates"))
    by_symbol = {f.symbol: f for f in r.findings if f.rule == "RV212"}
    assert by_symbol["ruff"].licensed and by_symbol["mypy"].licensed
    assert not by_symbol["typing_extensions"].licensed
    assert r.verdict == "drift"
    # more pins dropped than versions moved is not a bump
    gutted = parse_diff(git_diff("requirements.txt", old, "mypy==1.16.1\n"))
    r2 = review(gutted, parse_intent("", title="Bump the python-packages group with 3 updates"))
    assert not any(f.licensed for f in r2.findings if f.rule == "RV212" and f.symbol != "mypy")


def test_strong_evidence_below_the_threshold_does_not_explain_a_file() -> None:
    """Both are needed: a score at the threshold and strong evidence. Here the path names the file
    (`vpc`: strong), but the intent's own target is nowhere in the change, so the threshold is the
    strict one and one path word does not reach it."""
    diff = _diff({"vpc-flow-logs.tf": ("log_destination = null", 'log_destination = "arn"')})
    scope = build_scope(diff)
    m = match(parse_intent("Fix `service_region` in the VPC module"), scope, diff)
    fm = m.files["vpc-flow-logs.tf"]
    assert m.missing_targets == ("service_region",)
    # strong (a path word), but under the strict threshold
    assert "path: vpc" in fm.explained_by and 0 < fm.score < 1.6
    assert not fm.explained
    # the same words without a target the change lacks: the usual threshold, reached
    assert (
        match(parse_intent("Fix the VPC module"), scope, diff).files["vpc-flow-logs.tf"].explained
    )


def test_a_ci_type_explains_ci_files_and_licenses_their_ordinary_edits() -> None:
    # `ci:` explains the workflows it edits; it does not state a deleted job, and a `docs:`
    # type explains no workflow
    from reviewer.diff import parse_diff
    from reviewer.intent import parse_intent
    from reviewer.review import review
    from tests.helpers import git_diff

    old = "name: e2e\non: [push]\njobs:\n  kind:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make e2e\n"
    new = old.replace("make e2e", "make e2e CATALOG=ecosystem")
    diff = parse_diff(git_diff(".github/workflows/e2e.yml", old, new))
    title = "ci: Use the ecosystem catalog for manifests validation"
    assert review(diff, parse_intent("", title=title)).verdict == "aligned"
    assert review(diff, parse_intent("", title="docs: explain the catalog")).verdict != "aligned"
    gone = parse_diff(git_diff(".github/workflows/e2e.yml", old, None))
    assert review(gone, parse_intent("", title=title)).verdict == "mismatch"


def test_conventional_roles_read_type_and_deps_scope() -> None:
    from reviewer.match.conventional import conventional_roles

    assert set(conventional_roles("ci: pin actions")) == {"ci"}
    assert set(conventional_roles("build(deps): bump x")) == {"dependency", "lockfile"}
    assert set(conventional_roles("chore(deps-dev): bump y")) == {"dependency", "lockfile"}
    assert conventional_roles("fix: the parser") == {}
    assert conventional_roles("Fix ci: things") == {}


def test_a_spelling_fix_is_told_from_removing_mentions() -> None:
    from reviewer.match.evidence import spelling_fix
    from reviewer.models import Hunk

    def hunk(*lines: str) -> Hunk:
        return Hunk(1, len(lines), 1, len(lines), "", lines)

    assert spelling_fix((hunk("-This behaviour is kept.", "+This behavior is kept."),))
    assert spelling_fix((hunk("-Reads Json data", "+Reads JSON data"),))
    assert spelling_fix((hunk("-construct the the thing", "+construct the thing"),))
    assert spelling_fix((hunk("-allows for a creating a tree", "+allows for creating a tree"),))
    # taking a library's name out of the docs is a few words, not a typo
    assert not spelling_fix(
        (hunk("-Traces go to OpenCensus and Jaeger.", "+Traces go to Jaeger."),)
    )
    assert not spelling_fix(
        (
            hunk("-This behaviour is kept.", "+This behavior is kept."),
            hunk("-Export with OpenCensus.", "+Export."),
        )
    )


def test_what_a_named_newcomer_replaces_in_its_place_goes_with_it() -> None:
    from reviewer.review import review
    from tests.helpers import git_diff

    old = (
        "SMTP_PORT=1025\n\n# Postgres\nPOSTGRES_SERVER=localhost\nPOSTGRES_DB=app\n"
        + "".join(f"OTHER_{i}=x\n" for i in range(12))
        + "LOG_LEVEL=info\n"
    )
    new = "SMTP_PORT=1025\n\n# Postgres\nDATABASE_URL=postgresql://localhost/app\n" + "".join(
        f"OTHER_{i}=x\n" for i in range(12)
    )
    diff = parse_diff(git_diff(".env", old, new))

    def removed(title: str) -> dict[str, bool]:
        r = review(diff, parse_intent("", title=title, source="commit"))
        return {f.symbol: f.licensed for f in r.findings if f.symbol and f.symbol != "DATABASE_URL"}

    # the settings removed where `DATABASE_URL` now stands go with the migration; `LOG_LEVEL`,
    # removed elsewhere in the file, is not part of it
    assert removed("Migrate to `DATABASE_URL` instead of separate variables") == {
        "POSTGRES_SERVER": True,
        "POSTGRES_DB": True,
        "LOG_LEVEL": False,
    }
    # naming the newcomer without saying it replaces anything licenses no removal
    assert removed("Add `DATABASE_URL` to the settings") == {
        "POSTGRES_SERVER": False,
        "POSTGRES_DB": False,
        "LOG_LEVEL": False,
    }


def test_a_template_kept_in_two_formats_is_explained_with_its_twin() -> None:
    from tests.helpers import git_diff

    yaml_old = (
        "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Handler: a\n"
    )
    json_old = '{"Resources": {"Fn": {"Type": "AWS::Lambda::Function",\n"Properties": {"Handler": "a"}}}}\n'
    text = git_diff("Lambda/Sample.yaml", yaml_old, yaml_old.replace("Handler: a", "Handler: b"))
    text += git_diff(
        "Lambda/Sample.json", json_old, json_old.replace('"Handler": "a"', '"Handler": "b"')
    )
    text += git_diff("Lambda/Other.json", json_old, json_old.replace('"a"', '"c"'))
    diff = parse_diff(text)
    intent = parse_intent("", title="Fix the handler name in sample.yaml", source="commit")
    files = match(intent, build_scope(diff), diff).files
    assert files["Lambda/Sample.yaml"].explained
    assert files["Lambda/Sample.json"].explained
    assert not files["Lambda/Other.json"].explained


def test_a_schema_dump_follows_its_migration_not_the_intents_words() -> None:
    from reviewer.paths import role_of
    from tests.helpers import git_diff

    assert role_of("db/schema.rb") == role_of("db/structure.sql") == "generated"
    schema_old = 'ActiveRecord::Schema[7.2].define(version: 1) do\n  create_table "accounts" do |t|\n  end\nend\n'
    schema_new = schema_old.replace(
        "  end\nend",
        '  end\n  add_index "accounts", ["family_id"], name: "index_accounts_on_family_id"\nend',
    )
    dump = git_diff("db/schema.rb", schema_old, schema_new)
    migration = git_diff(
        "db/migrate/20250101_add_indexes_to_accounts.rb",
        None,
        "class AddIndexesToAccounts < ActiveRecord::Migration[7.2]\n  def change\n"
        '    add_index :accounts, :family_id, name: "index_accounts_on_family_id"\n  end\nend\n',
    )
    intent = parse_intent("", title="Add indexes to accounts", source="commit")
    alone = parse_diff(dump)
    assert not match(intent, build_scope(alone), alone).files["db/schema.rb"].explained
    both = parse_diff(migration + dump)
    assert match(intent, build_scope(both), both).files["db/schema.rb"].explained


def test_the_same_signal_in_two_files_is_licensed_file_by_file() -> None:
    # one version line changed the same way in every module: equal signals, two changes
    from tests.helpers import git_diff

    old = 'terraform {\n  required_version = ">= 0.13.1"\n}\n'
    new = 'terraform {\n  required_version = ">= 1.0"\n}\n'
    text = git_diff("modules/consul/versions.tf", old, new)
    text += git_diff(
        "modules/consul/main.tf", "locals {\n  port = 8300\n}\n", "locals {\n  port = 8503\n}\n"
    )
    text += git_diff("modules/kafka/versions.tf", old, new)
    diff = parse_diff(text)
    scope = build_scope(diff)
    m = match(parse_intent("", title="Require Terraform 1.0 for Consul"), scope, diff)
    by_path = {
        path: ok for (path, sig), ok in m.licensed.items() if sig.code == "tf.provider_version"
    }
    assert by_path == {"modules/consul/versions.tf": True, "modules/kafka/versions.tf": False}


def test_an_intent_that_bumps_versions_bumps_them_in_every_component() -> None:
    from tests.helpers import git_diff

    old = 'terraform {\n  required_version = ">= 0.13.1"\n}\n'
    new = 'terraform {\n  required_version = ">= 1.0"\n}\n'
    text = git_diff(
        "modules/consul/main.tf", "locals {\n  port = 8300\n}\n", "locals {\n  port = 8503\n}\n"
    )
    text += git_diff("modules/kafka/versions.tf", old, new)
    diff = parse_diff(text)
    scope = build_scope(diff)
    bump = parse_intent(
        "", title="Upgraded version of Terraform, and added the gRPC port for Consul"
    )
    assert match(bump, scope, diff).files["modules/kafka/versions.tf"].explained
    # naming Consul alone does not explain another component's files
    port = parse_intent("", title="Add the gRPC port for Consul")
    assert not match(port, scope, diff).files["modules/kafka/versions.tf"].explained


def test_a_changed_name_that_says_the_component_and_the_rest_explains_a_shared_file() -> None:
    from tests.helpers import git_diff

    text = git_diff(
        "modules/splunk/main.tf",
        'locals {\n  ingress = ["splunk-clients-tcp"]\n}\n',
        'locals {\n  ingress = ["splunk-web-tcp"]\n}\n',
    )
    text += git_diff(
        "rules.tf",
        'rules = {\n  splunk-clients-tcp = [8080, 8080, "tcp", "Splunk clients"]\n}\n',
        'rules = {\n  splunk-web-tcp = [8000, 8000, "tcp", "Splunk Web"]\n}\n',
    )
    text += git_diff(
        "scripts/release.sh",
        "echo building\n",
        "echo building splunk\n",
    )
    diff = parse_diff(text)
    files = match(parse_intent("", title="Fix Splunk Web"), build_scope(diff), diff).files
    assert files["rules.tf"].explained
    # a script outside the component that only mentions it is not explained by the mention
    assert not files["scripts/release.sh"].explained


def test_an_identifier_the_intent_names_explains_every_file_that_changes_it() -> None:
    from tests.helpers import git_diff

    text = git_diff(
        "modules/fastcgi/client.go",
        "func send() {\n\tfilter(headers)\n}\n",
        "func send() {\n\tfilter(headers, expected_dot_headers)\n}\n",
    )
    text += git_diff(
        "caddyconfig/options.go",
        'case "other":\n\treturn nil\n',
        'case "expected_dot_headers":\n\topts.expected_dot_headers = d.RemainingArgs()\n',
    )
    text += git_diff("caddyconfig/other.go", "x := 1\n", "x := 2\n")
    diff = parse_diff(text)
    intent = parse_intent(
        "Honour `expected_dot_headers` in the FastCGI header filter.", title="Fix fastcgi"
    )
    files = match(intent, build_scope(diff), diff).files
    assert files["caddyconfig/options.go"].explained
    assert not files["caddyconfig/other.go"].explained


def test_a_short_field_name_does_not_reach_into_a_sibling_service() -> None:
    from tests.helpers import git_diff

    text = git_diff("src/emailservice/server.py", "x = 1\n", "project_id = env('PROJECT_ID')\n")
    text += git_diff("src/adservice/server.py", "y = 1\n", "project_id = env('PROJECT_ID')\n")
    diff = parse_diff(text)
    intent = parse_intent("Adds an explicit project_id.", title="Fix emailservice crash loop")
    files = match(intent, build_scope(diff), diff).files
    assert files["src/emailservice/server.py"].explained
    assert not files["src/adservice/server.py"].explained


def test_the_only_file_of_a_change_needs_its_words_to_reach_it_not_to_single_it_out() -> None:
    from tests.helpers import git_diff

    view = git_diff(
        "app/views/pages/dashboard.html.erb",
        "<div>Welcome</div>\n",
        '<div>Welcome</div>\n<div class="alert">The hosted version shuts down in July</div>\n',
    )
    other = git_diff("app/models/user.rb", "x = 1\n", "x = 2\n")
    intent = parse_intent("", title="Hosted version notice", source="commit")
    alone = parse_diff(view)
    assert (
        match(intent, build_scope(alone), alone)
        .files["app/views/pages/dashboard.html.erb"]
        .explained
    )
    both = parse_diff(view + other)
    assert (
        not match(intent, build_scope(both), both)
        .files["app/views/pages/dashboard.html.erb"]
        .explained
    )


def test_a_test_of_a_short_or_test_named_module_follows_it() -> None:
    from reviewer.match import tests_one_of
    from tests.helpers import git_diff

    assert tests_one_of("ca_bench", {"ca"}) and not tests_one_of("cache", {"ca"})
    # `caddytest.go` is a module whose name ends in "test"; its benchmark test follows it
    text = git_diff("caddytest/caddytest.go", "func a() {}\n", "func a() { defer f.Close() }\n")
    text += git_diff(
        "caddytest/caddytest_bench_test.go", None, "func BenchmarkA(b *testing.B) {}\n"
    )
    diff = parse_diff(text)
    intent = parse_intent("", title="close the files the test helper opens", source="commit")
    files = match(intent, build_scope(diff), diff).files
    assert files["caddytest/caddytest.go"].explained
    assert files["caddytest/caddytest_bench_test.go"].explained


def test_a_dependency_bot_group_named_after_an_ecosystem_bumps_its_versions() -> None:
    from tests.helpers import git_diff

    old = "module web\n\ngo 1.26\n\ntoolchain go1.26.4\n\nrequire golang.org/x/net v0.45.0\n"
    new = "module web\n\ngo 1.26\n\ntoolchain go1.26.5\n\nrequire golang.org/x/net v0.46.0\n"
    diff = parse_diff(git_diff("src/web/go.mod", old, new))
    scope = build_scope(diff)
    assert (
        match(parse_intent("", title="Update golang (#3445)"), scope, diff)
        .files["src/web/go.mod"]
        .explained
    )
    # an ecosystem named next to something else is not a group title
    assert (
        not match(parse_intent("", title="Update golang docs for the proxy"), scope, diff)
        .files["src/web/go.mod"]
        .explained
    )


def test_an_update_to_a_named_version_is_not_another_files_bump() -> None:
    from tests.helpers import git_diff

    old = "pillow==11.3.0\nrequests==2.32.4\n"
    new = "pillow==12.0.0\nrequests==2.32.4\n"
    diff = parse_diff(git_diff("src/assistant/requirements.txt", old, new))
    scope = build_scope(diff)
    other = parse_intent("", title="Update Terraform google to v7.43.0 (#3467)")
    assert not match(other, scope, diff).files["src/assistant/requirements.txt"].explained
    own = parse_intent("", title="Update pillow to v12.0.0")
    assert match(own, scope, diff).files["src/assistant/requirements.txt"].explained


def test_dropping_a_runtimes_old_versions_explains_their_lines_leaving_the_matrix() -> None:
    from tests.helpers import git_diff

    old = (
        "jobs:\n  tests:\n    strategy:\n      matrix:\n        include:\n"
        "          - {python: '3.10'}\n          - {python: '3.9'}\n"
        "    runs-on: ubuntu-latest\n    steps:\n      - run: tox\n"
    )
    new = old.replace("          - {python: '3.9'}\n", "")
    diff = parse_diff(git_diff(".github/workflows/tests.yaml", old, new))
    scope = build_scope(diff)
    path = ".github/workflows/tests.yaml"
    drop = parse_intent("", title="drop end of life python versions (#5731)")
    assert match(drop, scope, diff).files[path].explained
    # the same words with another runtime, or lines that are more than versions, are not it
    assert (
        not match(parse_intent("", title="drop end of life node versions"), scope, diff)
        .files[path]
        .explained
    )
    gutted = old.replace("      - run: tox\n", "").replace("          - {python: '3.9'}\n", "")
    diff2 = parse_diff(git_diff(path, old, gutted))
    assert not match(drop, build_scope(diff2), diff2).files[path].explained


def test_a_lockfile_moving_with_its_bumped_manifest_is_licensed_with_it() -> None:
    from reviewer.review import review
    from tests.helpers import git_diff

    manifest_old = '{\n  "dependencies": {\n    "@grpc/grpc-js": "1.13.0"\n  }\n}\n'
    manifest_new = manifest_old.replace("1.13.0", "1.14.0")
    lock_old = (
        '{\n  "lockfileVersion": 3,\n  "packages": {\n'
        '    "node_modules/@grpc/grpc-js": {\n      "version": "1.13.0"\n    },\n'
        '    "node_modules/long": {\n      "version": "5.2.0"\n    }\n  }\n}\n'
    )
    # the new version pulls one package in and drops another: not a versions-only edit
    lock_new = lock_old.replace('"1.13.0"', '"1.14.0"').replace(
        '"node_modules/long": {\n      "version": "5.2.0"',
        '"node_modules/protobufjs": {\n      "version": "7.5.3"',
    )
    text = git_diff("src/cart/package.json", manifest_old, manifest_new)
    text += git_diff("src/cart/package-lock.json", lock_old, lock_new)
    r = review(parse_diff(text), parse_intent("", title="Update nodejs (#3448)"))
    lock = [f for f in r.findings if f.path == "src/cart/package-lock.json" and f.rule == "RV212"]
    assert lock and all(f.licensed for f in lock)
    assert r.verdict == "aligned"


def test_a_files_runtime_requirements_move_as_one() -> None:
    from reviewer.review import review
    from tests.helpers import git_diff

    old = "module example.com/tests\n\ngo 1.20\n\nrequire github.com/stretchr/testify v1.8.4\n"
    new = old.replace("go 1.20\n", "go 1.24\n\ntoolchain go1.24.0\n")
    diff = parse_diff(git_diff("test/src/go.mod", old, new))
    r = review(diff, parse_intent("", title="chore: Fix go version in tests (#222)"))
    runtime = [f for f in r.findings if f.rule == "RV212"]
    assert len(runtime) == 2 and all(f.licensed for f in runtime)
    # an intent that covers neither leaves both
    other = review(diff, parse_intent("", title="chore: update the README banner"))
    assert not any(f.licensed for f in other.findings if f.rule == "RV212")


def test_a_bots_version_update_moves_versions_and_its_lockfile_follows() -> None:
    from reviewer.paths import role_of
    from reviewer.review import review
    from tests.helpers import git_diff

    assert role_of("jsonnetfile.lock.json") == "lockfile"
    assert role_of("jsonnetfile.json") == "dependency"
    versions = '{\n  "prometheus": "3.13.1",\n  "grafana": "13.1.1"\n}\n'
    lock = (
        '{\n  "dependencies": [\n    {\n      "name": "grafana",\n'
        '      "version": "1f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c",\n'
        '      "sum": "GwHpQ7uX2Zx0kqLw4hZfKy5d3aV5oXxYqg3Hh1d2u1M="\n    }\n  ]\n}\n'
    )
    lock_new = lock.replace(
        "1f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c", "9a8b7c6d5e4f3a2b1c0d9a8b7c6d5e4f3a2b1c0d"
    ).replace(
        "GwHpQ7uX2Zx0kqLw4hZfKy5d3aV5oXxYqg3Hh1d2u1M=",
        "p1V0dWvX3q9tFq2H8sYk0cR6bJ4mN7aL5eD2gH9wZx8=",
    )
    text = git_diff("jsonnet/versions.json", versions, versions.replace("3.13.1", "3.13.2"))
    text += git_diff("jsonnetfile.lock.json", lock, lock_new)
    r = review(parse_diff(text), parse_intent("", title="[bot] [main] Automated version update"))
    assert r.verdict == "aligned", [(f.rule, f.path, f.title) for f in r.findings]
    quiet = review(parse_diff(text), parse_intent("", title="Add the Grafana dashboards"))
    assert quiet.verdict != "aligned"


def test_a_go_bump_that_tidies_indirect_requirements_is_the_bump() -> None:
    from reviewer.diff import parse_diff
    from reviewer.intent import parse_intent
    from reviewer.review import review
    from tests.helpers import git_diff

    indirect = "".join(f"\texample.com/dep{i} v1.0.{i} // indirect\n" for i in range(6))
    old = (
        "module example.com/m\n\ngo 1.17\n\nrequire (\n\tgithub.com/acme/kit v0.40.6\n)\n\n"
        f"require (\n{indirect})\n"
    )
    new = old.replace("v0.40.6", "v0.40.13").replace(indirect, indirect.split("\n", 2)[2])
    diff = parse_diff(git_diff("test/go.mod", old, new))
    r = review(diff, parse_intent("", title="build: upgrade dependencies"))
    dropped = [f for f in r.findings if "indirect" in f.title]
    assert len(dropped) == 2 and all(f.licensed for f in dropped)
    assert r.verdict == "aligned"
    # a direct requirement dropped is still its own change, bump or not
    gone = parse_diff(
        git_diff("test/go.mod", old, new.replace("\tgithub.com/acme/kit v0.40.13\n", ""))
    )
    r2 = review(gone, parse_intent("", title="build: upgrade dependencies"))
    assert r2.verdict != "aligned"


def test_an_intent_naming_a_url_scheme_explains_lines_that_only_switch_to_it() -> None:
    from reviewer.diff import parse_diff
    from reviewer.intent import parse_intent
    from reviewer.review import review
    from tests.helpers import git_diff

    old = "repos:\n  - repo: git://github.com/acme/hooks\n    rev: v1.62.3\n"
    diff = parse_diff(git_diff(".pre-commit-config.yaml", old, old.replace("git://", "https://")))
    r = review(diff, parse_intent("", title="chore: use https protocol"))
    assert r.verdict == "aligned"
    # the same words do not explain a hook moved to another repository
    moved = old.replace("git://github.com/acme/hooks", "https://github.com/other/hooks")
    r2 = review(
        parse_diff(git_diff(".pre-commit-config.yaml", old, moved)),
        parse_intent("", title="chore: use https protocol"),
    )
    assert r2.verdict != "aligned"
    # nor does an intent that names no scheme
    r3 = review(diff, parse_intent("", title="chore: tidy the hooks"))
    assert "URLs switched" not in " ".join(fm for f in r3.files for fm in f.explained_by)


def test_one_edit_repeated_across_files_is_explained_as_a_whole() -> None:
    from reviewer.diff import parse_diff
    from reviewer.intent import parse_intent
    from reviewer.review import review
    from tests.helpers import git_diff

    sentence = "Ky will wait until the date, {} or timestamp given in the header has passed."
    readme = f"# ky\n\n{sentence.format('timeout,')}\n"
    # a hunk cut out of a doc comment whose lines carry no comment marker
    code = "".join(f"\tline {i} of the options comment\n" for i in range(8))
    code = f"export type Options = {{\n\t/**\n{code}\n\t{sentence.format('timeout,')}\n\t*/\n}}\n"
    text = git_diff("readme.md", readme, readme.replace("timeout,", "delay,"), context=1)
    text += git_diff("source/types/options.ts", code, code.replace("timeout,", "delay,"), context=1)
    diff = parse_diff(text)
    r = review(diff, parse_intent("", title="Fix the wording of readme.md"))
    by_path = {f.scope.path: f for f in r.files}
    assert any("same edit" in why for why in by_path["source/types/options.ts"].explained_by)
    assert r.verdict == "aligned"
    # a different sentence in the code file is its own edit
    other = code.replace("Ky will wait", "Ky retries")
    text2 = git_diff("readme.md", readme, readme.replace("timeout,", "delay,"), context=1)
    text2 += git_diff("source/types/options.ts", code, other, context=1)
    r2 = review(parse_diff(text2), parse_intent("", title="Fix the wording of readme.md"))
    assert not any("same edit" in why for f in r2.files for why in f.explained_by)


def test_a_workflow_repeating_an_explained_edit_still_answers_for_itself() -> None:
    from reviewer.diff import parse_diff
    from reviewer.intent import parse_intent
    from reviewer.review import review
    from tests.helpers import git_diff

    line = "      - run: helm unittest --strict charts/app with the pinned plugin\n"
    wf = f"on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n{line}"
    doc = f"# app\n\nRun:\n\n{line}"
    edit = ("--strict", "--strict --color")
    text = git_diff("docs/testing.md", doc, doc.replace(*edit)) + git_diff(
        ".github/workflows/release.yaml", wf, wf.replace(*edit)
    )
    r = review(parse_diff(text), parse_intent("", title="Fix the wording of docs/testing.md"))
    by_path = {f.scope.path: f for f in r.files}
    assert by_path["docs/testing.md"].explained
    assert not any(
        "same edit" in why for why in by_path[".github/workflows/release.yaml"].explained_by
    )


def test_a_lockfile_major_move_made_by_a_stated_bump_follows_it() -> None:
    from reviewer.diff import parse_diff
    from reviewer.intent import parse_intent
    from reviewer.review import review
    from tests.helpers import git_diff

    mod = "module example.com/m\n\ngo 1.25\n\nrequire (\n\tgithub.com/acme/ptr v0.22.4\n\tgithub.com/acme/net v0.56.0\n)\n"
    bumped = mod.replace("ptr v0.22.4", "ptr v1.0.0").replace("net v0.56.0", "net v0.58.0")

    def gosum(ptr: str, other: str) -> str:
        return (
            f"github.com/acme/net v0.56.0 h1:aaa=\ngithub.com/acme/net v0.56.0/go.mod h1:bbb=\n"
            f"github.com/acme/other {other} h1:ccc=\ngithub.com/acme/other {other}/go.mod h1:ddd=\n"
            f"github.com/acme/ptr {ptr} h1:eee=\ngithub.com/acme/ptr {ptr}/go.mod h1:fff=\n"
        ) + (
            # resolving the bump brings packages of its own: more than a versions-only edit
            "".join(f"github.com/acme/dep{i} v0.3.0/go.mod h1:g{i}=\n" for i in range(6))
            if ptr != "v0.22.4"
            else ""
        )

    old_sum = gosum("v0.22.4", "v0.1.0")
    text = git_diff("go.mod", mod, bumped) + git_diff("go.sum", old_sum, gosum("v1.0.0", "v0.1.0"))
    r = review(parse_diff(text), parse_intent("", title="bump dependencies for release"))
    majors = [f for f in r.findings if f.path == "go.sum" and "major version" in f.title]
    assert majors and all(f.licensed for f in majors)
    # a locked package the manifest never bumps moving a major version is its own change
    text2 = git_diff("go.mod", mod, bumped) + git_diff("go.sum", old_sum, gosum("v1.0.0", "v2.0.0"))
    r2 = review(parse_diff(text2), parse_intent("", title="bump dependencies for release"))
    majors2 = [f for f in r2.findings if f.path == "go.sum" and "major version" in f.title]
    assert majors2 and not any(f.licensed for f in majors2)


def test_an_update_of_a_named_tool_explains_a_file_that_only_moves_its_version() -> None:
    from reviewer.diff import parse_diff
    from reviewer.intent import parse_intent
    from reviewer.review import review
    from tests.helpers import git_diff

    old = '{\n  "name": "app",\n  "packageManager": "pnpm@10.18.3",\n  "license": "MIT"\n}\n'
    new = old.replace("pnpm@10.18.3", "pnpm@11.3.0+sha512.2c403d65")
    r = review(
        parse_diff(git_diff("package.json", old, new)), parse_intent("", title="update pnpm etc")
    )
    assert r.files[0].explained and r.verdict == "aligned"
    # the same title does not explain a file that changes something besides that version
    more = new.replace('"license": "MIT"', '"license": "Apache-2.0"')
    r2 = review(
        parse_diff(git_diff("package.json", old, more)), parse_intent("", title="update pnpm etc")
    )
    assert not any("the intent updates" in why for why in r2.files[0].explained_by)


def test_an_update_of_components_moves_versions() -> None:
    from reviewer.diff import parse_diff
    from reviewer.intent import parse_intent
    from reviewer.review import review
    from tests.helpers import git_diff

    old = "module example.com/m\n\ngo 1.25\n\nrequire github.com/acme/ctrl/api v1.2.3\n"
    diff = parse_diff(git_diff("go.mod", old, old.replace("v1.2.3", "v1.2.4")))
    assert (
        review(diff, parse_intent("", title="Update toolkit components (#6030)")).verdict
        == "aligned"
    )
    # "components" named without an update verb says nothing about versions
    r = review(diff, parse_intent("", title="Document the toolkit components"))
    assert r.verdict != "aligned"


def test_build_output_follows_the_explained_source() -> None:
    from reviewer.diff import parse_diff
    from reviewer.intent import parse_intent
    from reviewer.review import review
    from tests.helpers import git_diff

    src = "export function cacheKey(v) {\n  return `py-${v}`\n}\n"
    bundle = (
        "".join(f"var m{i} = {i};\n" for i in range(30))
        + 'function cacheKey(v) { return "py-" + v }\n'
    )
    text = git_diff("src/cache.ts", src, src.replace("py-", "python-")) + git_diff(
        "dist/setup/index.js", bundle, bundle.replace('"py-"', '"python-"')
    )
    r = review(parse_diff(text), parse_intent("", title="Use the python- prefix in cacheKey"))
    by_path = {f.scope.path: f for f in r.files}
    assert any("build output" in why for why in by_path["dist/setup/index.js"].explained_by)
    # vendored code is no build output of this change
    vend = git_diff("src/cache.ts", src, src.replace("py-", "python-")) + git_diff(
        "vendor/lib/index.js", bundle, bundle.replace("var m3 = 3", "var m3 = 4")
    )
    r2 = review(parse_diff(vend), parse_intent("", title="Use the python- prefix in cacheKey"))
    assert not any("build output" in why for f in r2.files for why in f.explained_by)


def test_a_v_prefixed_version_is_touched_by_the_bare_number() -> None:
    from reviewer.diff import parse_diff
    from reviewer.intent import parse_intent
    from reviewer.scope import build_scope
    from tests.helpers import git_diff

    old = '{\n  "name": "app",\n  "devDependencies": {\n    "typescript": "~5.9.2"\n  }\n}\n'
    diff = parse_diff(git_diff("package.json", old, old.replace("~5.9.2", "~6.0.2")))
    m = match(
        parse_intent("", title="chore: upgrade typescript to v6.0.2"), build_scope(diff), diff
    )
    assert "v6.0.2" not in m.missing_targets
    m2 = match(
        parse_intent("", title="chore: upgrade typescript to v7.0.0"), build_scope(diff), diff
    )
    assert "v7.0.0" in m2.missing_targets


def test_a_conventional_scope_names_the_directory_the_change_lives_in() -> None:
    from reviewer.diff import parse_diff
    from reviewer.intent import parse_intent
    from reviewer.review import review
    from tests.helpers import git_diff

    old = "export default defineConfig({\n  footer: { gap: '0' },\n})\n"
    diff = parse_diff(git_diff("docs/astro.config.ts", old, old.replace("'0'", "'1rem'")))
    r = review(diff, parse_intent("", title="fix(docs): restore spacing around footer links"))
    assert r.files[0].explained and r.verdict == "aligned"
    # a scope that is no directory of the file explains nothing by itself
    r2 = review(diff, parse_intent("", title="fix(api): restore spacing around footer links"))
    assert not any("scope" in why for why in r2.files[0].explained_by)


def test_an_intent_about_the_engine_names_the_runtime_requirement() -> None:
    from reviewer.diff import parse_diff
    from reviewer.intent import parse_intent
    from reviewer.review import review
    from tests.helpers import git_diff

    old = '{\n  "name": "app",\n  "engines": {\n    "node": "^20.19.0 || >=22.12.0"\n  }\n}\n'
    diff = parse_diff(git_diff("package.json", old, old.replace("^20.19.0 || ", "")))
    r = review(
        diff, parse_intent("", title="Update changelog and version and engine for prerelease")
    )
    assert all(f.licensed for f in r.findings if f.rule == "RV212")
    r2 = review(diff, parse_intent("", title="Update changelog for prerelease"))
    assert not all(f.licensed for f in r2.findings if f.rule == "RV212")


def test_a_pre_commit_autoupdate_moves_hook_versions() -> None:
    from reviewer.diff import parse_diff
    from reviewer.intent import parse_intent
    from reviewer.review import review
    from tests.helpers import git_diff

    old = "repos:\n  - repo: https://github.com/astral-sh/ruff-pre-commit\n    rev: v0.16.2\n    hooks:\n      - id: ruff\n"
    diff = parse_diff(git_diff(".pre-commit-config.yaml", old, old.replace("v0.16.2", "v0.16.3")))
    r = review(diff, parse_intent("", title="[pre-commit.ci] pre-commit autoupdate (#1555)"))
    assert r.verdict == "aligned"


def test_a_test_added_beside_the_only_file_leaves_it_the_only_one_meant() -> None:
    from reviewer.diff import parse_diff
    from reviewer.intent import parse_intent
    from reviewer.review import review
    from tests.helpers import git_diff

    body = "".join(f"func f{i}() int {{\n\treturn {i}\n}}\n\n" for i in range(8))
    src = f"package cobra\n\nvar minNamePadding = 11\n\n{body}var minUsagePadding = 11\n"
    diff = git_diff("command.go", src, src.replace("var min", "const min"), context=1)
    intent = parse_intent("", title="refactor: replace several vars with consts")
    alone = review(parse_diff(diff), intent)
    assert alone.files[0].explained
    test = git_diff(
        "command_bench_test.go", None, "package cobra\n\nfunc TestLoads(t *testing.T) {}\n"
    )
    with_test = review(parse_diff(diff + test), intent)
    assert {f.scope.path: f.explained for f in with_test.files}["command.go"]


def test_quantities_hashes_and_versions_in_prose_are_not_parts_the_change_should_touch() -> None:
    diff = _diff({"route.go": ("a := 1", "a := 2")})
    body = (
        "Benchmarks before/after: 1067ns -> 07ms, 10kb allocated; see 0eba4f5731f3 and pr6318.\n"
        "Needs Terraform 1.5.7 or later, as in pre-8.5.0."
    )
    m = match(parse_intent(body, title="Speed up route matching"), build_scope(diff), diff)
    assert m.missing_targets == ()
    # a name is still a target
    named = match(parse_intent(body, title="Speed up `match_route`"), build_scope(diff), diff)
    assert named.missing_targets == ("match_route",)


@pytest.mark.parametrize(
    "title", ["feat!: drop node@18 support", "Drop Node.js 18", "drop node-18"]
)
def test_a_runtime_major_written_with_at_or_dash_is_named(title: str) -> None:
    diff = _diff(
        {".github/workflows/ci.yml": ("node-version: [18.x, 20.x]", "node-version: [20.x, 22.x]")}
    )
    m = match(parse_intent("", title=title), build_scope(diff), diff)
    assert any(
        r.startswith("changed lines: version node 18")
        for r in m.files[".github/workflows/ci.yml"].explained_by
    )


def test_a_terraform_wrapper_module_follows_what_it_wraps_and_the_hooks_that_write_it() -> None:
    from reviewer.diff import parse_diff
    from reviewer.intent import parse_intent
    from reviewer.review import review
    from tests.helpers import git_diff

    out = 'output "grants" {\n  value = aws_kms_grant.this\n}\n'
    wrapper = 'output "wrapper" {\n  value = module.wrapper\n}\n'
    text = git_diff(
        "outputs.tf", out, out.replace("this\n", "this\n  sensitive = true\n")
    ) + git_diff(
        "wrappers/outputs.tf",
        wrapper,
        # aligned as `terraform fmt` writes it: not the very same edit as the module's
        wrapper.replace(
            "value = module.wrapper\n}", "value     = module.wrapper\n  sensitive = true\n}"
        ),
    )
    r = review(parse_diff(text), parse_intent("", title="feat: Grants output marked as sensitive"))
    by_path = {f.scope.path: f for f in r.files}
    assert by_path["wrappers/outputs.tf"].explained
    assert any("wrapper of explained" in why for why in by_path["wrappers/outputs.tf"].explained_by)

    # the hooks that write `wrappers/` move: the constraints they copy there follow
    hooks = (
        "repos:\n  - repo: https://github.com/antonbabenko/pre-commit-terraform\n"
        "    rev: v1.88.0\n    hooks:\n      - id: terraform_wrapper_module_for_each\n"
    )
    versions = 'terraform {\n  required_version = ">= 0.13.1"\n}\n'
    bump = git_diff(".pre-commit-config.yaml", hooks, hooks.replace("v1.88.0", "v1.96.1"))
    bump += git_diff("wrappers/versions.tf", versions, versions.replace("0.13.1", "1.3"))
    r2 = review(parse_diff(bump), parse_intent("", title="fix: Update pre-commit hook versions"))
    assert r2.verdict == "aligned", [f.title for f in r2.findings]
    # without the hooks' bump, the wrapper's constraint moved is a change of its own
    other = git_diff(
        ".pre-commit-config.yaml",
        hooks,
        hooks.replace("for_each\n", "for_each\n      - id: terraform_fmt\n"),
    )
    other += git_diff("wrappers/versions.tf", versions, versions.replace("0.13.1", "1.3"))
    r3 = review(parse_diff(other), parse_intent("", title="chore: run terraform_fmt in pre-commit"))
    assert r3.verdict != "aligned"
