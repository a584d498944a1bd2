from __future__ import annotations

import time
from pathlib import Path

import pytest

from reviewer.diff import parse_diff
from reviewer.models import FileScope, Signal
from reviewer.scope import scope_file, terraform
from reviewer.scope.engine import FileContext
from reviewer.scope.lex.hcl import scan
from reviewer.scope.terraform import definitions
from tests.helpers import DictBlobs, git_diff, scope_both

GOLDEN = Path(__file__).parent / "golden" / "terraform"


def _codes(fs: FileScope) -> set[tuple[str, str]]:
    return {(s.code, s.severity) for s in fs.signals}


def _both(path: str, old: str | None, new: str | None, **kw: int) -> tuple[FileScope, FileScope]:
    return scope_both(path, old, new, **kw)


def _analyze(path: str, old: str | None, new: str | None) -> tuple[list[Signal], list[Signal]]:
    """Run the analyzer directly (for paths the registry does not route here)."""
    fd = parse_diff(git_diff(path, old, new)).files[0]
    lang = "hcl"
    full = terraform.analyze(
        FileContext(fd, language=lang, role="infra", old_source=old, new_source=new)
    )
    hunks = terraform.analyze(FileContext(fd, language=lang, role="infra"))
    return full.signals, hunks.signals


# --- hunk-only mode ------------------------------------------------------------------------------


def test_one_line_count_hunk_is_attributed_through_the_section_heading() -> None:
    body = "".join(f"  arg_{i} = {i}\n" for i in range(30))
    old = f'resource "aws_elasticache_cluster" "sessions" {{\n{body}}}\n'
    new = old.replace("  arg_20 = 20\n", "  arg_20 = 20\n  count  = var.enabled ? 1 : 0\n")
    full, hunks = _both("cache.tf", old, new, context=0)
    for fs in (full, hunks):
        assert [(s.kind, s.name, s.change) for s in fs.symbols] == [
            ("resource", "aws_elasticache_cluster.sessions", "modified")
        ]
        # Terraform moves the existing object to `[0]` by itself: only where the condition is
        # false does it go
        assert _codes(fs) == {("tf.count_condition", "low")}
        assert fs.signals[0].symbol == "aws_elasticache_cluster.sessions"
        assert fs.signals[0].line == 23


def test_stale_section_heading_after_a_rename_in_an_earlier_hunk() -> None:
    # git names a hunk by the OLD file; the block was renamed in an earlier hunk
    body = "".join(f"  arg_{i} = {i}\n" for i in range(20))
    old = f'resource "aws_s3_bucket" "old_name" {{\n  bucket = "b"\n{body}  force_destroy = false\n}}\n'
    new = old.replace('"old_name"', '"new_name"').replace("  arg_0 = 0\n", "  arg_0 = 1\n")
    new = new.replace("force_destroy = false", "force_destroy = true")
    full, hunks = _both("main.tf", old, new)
    # without the fix the second hunk would keep `old_name` alive on the new side; the header
    # edited in place is the same bucket under a new name
    assert [(s.name, s.old_name, s.change) for s in hunks.symbols] == [
        ("aws_s3_bucket.new_name", "aws_s3_bucket.old_name", "renamed")
    ]
    assert hunks.symbols == full.symbols and hunks.signals == full.signals
    # what changed inside the renamed block is still read against its old values
    assert {s.code for s in hunks.signals} == {"tf.address_changed", "tf.force_destroy"}


def test_fragment_starting_inside_a_heredoc_policy() -> None:
    statements = "".join(
        f'    {{\n      "Effect": "Allow",\n      "Action": "sqs:Get{i}",\n      "Resource": "*"\n    }},\n'
        for i in range(8)
    )
    old = (
        'resource "aws_iam_policy" "p" {\n  policy = <<POLICY\n{\n  "Statement": [\n'
        + statements
        + '    {\n      "Effect": "Allow",\n      "Action": "sqs:SendMessage",\n      "Resource": "arn:q"\n    }\n'
        + "  ]\n}\nPOLICY\n}\n"
    )
    new = old.replace('"Action": "sqs:SendMessage"', '"Action": "*"')
    full, hunks = _both("p.tf", old, new)
    for fs in (full, hunks):
        assert ("tf.iam_wildcard", "high") in _codes(fs)
        assert {s.symbol for s in fs.signals} == {"aws_iam_policy.p"}


def test_security_group_rule_direction_from_visible_arguments() -> None:
    old = (
        'resource "aws_security_group_rule" "a" {\n  type = "egress"\n  cidr_blocks = ["10.0.0.0/8"]\n}\n\n'
        'resource "aws_security_group_rule" "b" {\n  type = "ingress"\n  cidr_blocks = ["10.0.0.0/8"]\n}\n'
    )
    new = old.replace('["10.0.0.0/8"]', '["0.0.0.0/0"]')
    full, hunks = _both("sg.tf", old, new)
    for fs in (full, hunks):
        assert [(s.code, s.symbol, s.severity) for s in fs.signals] == [
            ("tf.open_ingress", "aws_security_group_rule.b", "high")
        ]


def test_firewall_source_ranges_and_gcs_public_member() -> None:
    new = (
        'resource "google_compute_firewall" "ssh" {\n  name    = "ssh"\n  network = "default"\n'
        '  source_ranges = ["0.0.0.0/0"]\n}\n\n'
        'resource "google_storage_bucket_iam_member" "public" {\n  bucket = "b"\n'
        '  role   = "roles/storage.objectViewer"\n  member = "allUsers"\n}\n\n'
        'resource "google_project_iam_member" "ci" {\n  project = "p"\n  role    = "roles/owner"\n'
        '  member  = "serviceAccount:ci@p.iam.gserviceaccount.com"\n}\n\n'
        'resource "aws_iam_role_policy_attachment" "admin" {\n  role       = "ci"\n'
        '  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"\n}\n'
    )
    full, hunks = _both("fw.tf", None, new)
    for fs in (full, hunks):
        assert _codes(fs) == {
            ("tf.open_ingress", "high"),
            ("tf.public_access", "high"),
            ("tf.admin_policy", "high"),
        }
        assert len([s for s in fs.signals if s.code == "tf.admin_policy"]) == 2


def test_deny_statement_turned_into_allow() -> None:
    # git keeps `identifiers = ["*"]` as a context line: only the lost Deny shows on changed lines
    stmt = '  statement {{\n    effect  = "{e}"\n    actions = ["s3:*"]\n{extra}    principals {{\n      type        = "*"\n      identifiers = ["*"]\n    }}\n  }}\n'
    old = 'data "aws_iam_policy_document" "d" {\n' + stmt.format(e="Deny", extra="") + "}\n"
    new = 'data "aws_iam_policy_document" "d" {\n' + stmt.format(e="Allow", extra="") + "}\n"
    for fs in _both("d.tf", old, new):
        assert _codes(fs) == {("tf.iam_deny_removed", "high")}
    # a wildcard written into a Deny statement narrows, it does not widen
    denied = old.replace('actions = ["s3:*"]', 'actions = ["s3:*", "kms:*"]')
    for fs in _both("d.tf", old, denied):
        assert fs.signals == ()


def test_reformatting_a_policy_is_not_a_new_grant() -> None:
    old = 'resource "aws_iam_policy" "p" {\n  policy = jsonencode({ Statement = [{ Action = "*", Resource = "*" }] })\n}\n'
    new = 'resource "aws_iam_policy" "p" {\n  policy = jsonencode({ Statement = [{ Action   = "*", Resource = "*" }] })\n}\n'
    full, hunks = _both("p.tf", old, new)
    assert full.signals == () and hunks.signals == ()


def test_protection_arguments_on_a_new_resource_are_not_toggles() -> None:
    new = 'resource "aws_db_instance" "scratch" {\n  identifier = "scratch"\n  skip_final_snapshot = true\n}\n'
    full, hunks = _both("db.tf", None, new)
    assert full.change_kinds == () and hunks.change_kinds == ()
    assert [(s.kind, s.name, s.change) for s in full.symbols] == [
        ("resource", "aws_db_instance.scratch", "added")
    ]


def test_google_deletion_protection_defaults_on() -> None:
    old = 'resource "google_sql_database_instance" "db" {\n  name = "db"\n  deletion_protection = true\n}\n'
    removed = old.replace("  deletion_protection = true\n", "")
    off = old.replace("= true", "= false")
    assert _codes(_both("db.tf", old, removed)[0]) == set()
    assert ("tf.deletion_protection", "high") in _codes(_both("db.tf", old, off)[0])


def test_expression_rewritten_with_the_same_inputs_is_medium() -> None:
    old = 'resource "aws_instance" "a" {\n  subnet_id = var.subnets["a"]\n}\n'
    new = 'resource "aws_instance" "a" {\n  subnet_id = lookup(var.subnets, "a")\n}\n'
    assert _codes(_both("i.tf", old, new)[0]) == {("tf.force_new_attribute", "medium")}
    literal = old.replace('var.subnets["a"]', '"subnet-0abc"')
    assert _codes(_both("i.tf", literal, old)[0]) == {("tf.force_new_attribute", "high")}


def test_an_argument_wired_to_a_new_input_is_opt_in() -> None:
    old = 'resource "aws_iam_role" "r" {\n  name = "r"\n}\n'
    new = 'resource "aws_iam_role" "r" {\n  name = "r"\n  path = var.role_path\n}\n'
    assert _both("r.tf", old, new)[1].signals == ()


def test_workspace_logic_and_provider_removed() -> None:
    old = 'provider "aws" {\n  alias  = "dr"\n  region = "us-west-2"\n}\n\nlocals {\n  env = "prod"\n}\n'
    new = "locals {\n  env = terraform.workspace\n}\n"
    full, hunks = _both("main.tf", old, new)
    for fs in (full, hunks):
        assert _codes(fs) == {("tf.provider", "high"), ("tf.workspace", "medium")}


def test_terragrunt_remote_state_is_a_backend() -> None:
    old = 'remote_state {\n  backend = "s3"\n  config = {\n    key = "app/terraform.tfstate"\n  }\n}\n'
    new = old.replace("app/", "app-v2/")
    full, hunks = _both("live/prod/terragrunt.hcl", old, new)
    for fs in (full, hunks):
        assert _codes(fs) == {("tf.backend", "high")}


def test_lifecycle_ignore_changes_widened_and_create_before_destroy() -> None:
    old = 'resource "aws_lb" "a" {\n  name = "a"\n\n  lifecycle {\n    ignore_changes = [tags]\n  }\n}\n'
    new = (
        'resource "aws_lb" "a" {\n  name = "a"\n\n  lifecycle {\n    ignore_changes = [tags, subnets]\n'
        "    create_before_destroy = true\n  }\n}\n"
    )
    for fs in _both("lb.tf", old, new):
        assert _codes(fs) == {
            ("tf.ignore_changes", "medium"),
            ("tf.create_before_destroy", "medium"),
        }


def test_public_access_block_and_versioning() -> None:
    old = (
        'resource "aws_s3_bucket_public_access_block" "b" {\n  bucket = "b"\n  block_public_acls = true\n'
        "  restrict_public_buckets = true\n}\n\n"
        'resource "aws_s3_bucket_versioning" "b" {\n  bucket = "b"\n  versioning_configuration {\n'
        '    status = "Enabled"\n  }\n}\n'
    )
    new = old.replace("block_public_acls = true", "block_public_acls = false").replace(
        '"Enabled"', '"Suspended"'
    )
    for fs in _both("s3.tf", old, new):
        assert _codes(fs) == {("tf.public_access", "high"), ("tf.versioning", "high")}


# --- paths the registry routes by name -------------------------------------------------------------


def test_state_file_edit_is_environment_definition() -> None:
    old = '{\n  "version": 4,\n  "serial": 7\n}\n'
    new = old.replace('"serial": 7', '"serial": 8')
    full, hunks = _analyze("environments/prod/terraform.tfstate", old, new)
    assert [(s.kind, s.code, s.severity) for s in full] == [
        ("environment_definition", "tf.state_file", "high")
    ]
    assert hunks == full


def test_lockfile_major_provider_bump() -> None:
    old = (
        'provider "registry.terraform.io/hashicorp/aws" {\n  version     = "4.67.0"\n'
        '  constraints = ">= 4.0"\n  hashes = [\n    "h1:abc=",\n  ]\n}\n\n'
        'provider "registry.terraform.io/hashicorp/random" {\n  version = "3.5.1"\n}\n'
    )
    new = (
        old.replace('"4.67.0"', '"5.31.0"')
        .replace('"h1:abc="', '"h1:def="')
        .replace("3.5.1", "3.6.0")
    )
    full, hunks = _analyze(".terraform.lock.hcl", old, new)
    assert {(s.code, s.symbol, s.severity) for s in full} == {
        ("tf.lockfile", "registry.terraform.io/hashicorp/aws", "medium"),
        ("tf.lockfile", "registry.terraform.io/hashicorp/random", "low"),
    }
    assert set(hunks) == set(full)


# --- robustness ----------------------------------------------------------------------------------------

_FRAGMENTS = [
    "",
    "}\n}\n]\n)\n",
    "{{{{\n",
    'resource "a" {\n  x = "unterminated\n',
    "  policy = <<EOF\n{\n",
    '/* never closed\nresource "a" "b" {}\n',
    "x = " + "[" * 10_000 + "]" * 10_000 + "\n",
    'resource "a" "b" {\r\n  count = 1\r\n}\r\n',
    'resource "aws_s3_bucket" "\ufffd\ufffd" {\n  bucket = "\ufffd"\n}\n',
    "a = " + "x" * 300_000 + "\n",
    "EOF\nEOT\n}\n  }\nresource\n",
    '${"}"}\n%{ if x }\n',
    "<<\n<<-\n<<EOF",
    "locals {\n  a = [for x in y : x if x]\n  b = { for k, v in m : k => v... }\n}\n",
]


@pytest.mark.parametrize("index", range(len(_FRAGMENTS)))
def test_fragments_never_raise(index: int) -> None:
    text = _FRAGMENTS[index]
    other = 'resource "aws_vpc" "this" {\n  cidr_block = "10.0.0.0/16"\n}\n'
    for old, new in ((text, other), (other, text), (None, text), (text, None)):
        if old == new or (old is None and not new) or (new is None and not old):
            continue
        _both("f.tf", old, new)
    # and straight from the scanner, with and without a section heading
    scan(text, heading=True, fragment=True)
    scan(text, heading=False, fragment=False)


def test_a_hand_made_diff_with_odd_hunks() -> None:
    diff = (
        "diff --git a/m.tf b/m.tf\n--- a/m.tf\n+++ b/m.tf\n"
        '@@ -10,3 +10,4 @@ resource "aws_db_instance" "db" {\n'
        "       }\n     }\n-  deletion_protection = true\n+  deletion_protection = false\n+  }\n"
        '@@ -40,2 +41,2 @@ EOF\n-    "Effect": "Deny",\n+    "Effect": "Allow",\n'
    )
    fs = scope_file(parse_diff(diff).files[0], None)
    assert ("tf.deletion_protection", "high") in _codes(fs)
    assert {s.symbol for s in fs.signals if s.code == "tf.deletion_protection"} == {
        "aws_db_instance.db"
    }


def test_scanner_speed_on_a_large_file() -> None:
    # a timing goal is printed, not asserted (see STYLE.md)
    block = (
        'resource "aws_subnet" "s{i}" {{\n  vpc_id = aws_vpc.this.id\n  cidr_block = "10.{i}.0.0/24"\n'
        '  tags = merge(var.tags, {{ Name = "s{i}" }})\n  policy = jsonencode({{\n'
        '    Statement = [{{ Effect = "Allow", Action = ["s3:GetObject"] }}]\n  }})\n}}\n\n'
    )
    old = "".join(block.format(i=i) for i in range(2000))
    new = old.replace('"10.7.0.0/24"', '"10.77.0.0/24"')
    fd = parse_diff(git_diff("big.tf", old, new)).files[0]
    start = time.perf_counter()
    fs = scope_file(fd, DictBlobs({"big.tf": old}, {"big.tf": new}))
    elapsed = time.perf_counter() - start
    print(f"\nfull-mode scope of a {len(old) // 1000} kB .tf file: {elapsed * 1000:.0f} ms")
    assert ("tf.force_new_attribute", "high") in _codes(fs)


def test_whole_files_cut_into_blocks_read_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    filler = "".join(
        f'# subnet {i}\nresource "aws_subnet" "s{i}" {{\n  vpc_id = aws_vpc.this.id\n  cidr_block = "10.{i}.0.0/24"\n}}\n\n'
        for i in range(120)
    )
    heredoc = (
        'resource "aws_instance" "web" {\n  ami = "ami-1"\n  user_data = <<-EOT\nresource "fake" "x" {\n'
        "  count = local.not_real\nEOT\n}\n\n"
    )
    tail = (
        "locals {\n  n = var.enabled ? 2 : 0\n}\n\n"
        'resource "aws_nat_gateway" "this" {\n  count = local.n\n  subnet_id = aws_subnet.s0.id\n}\n\n'
        'resource "aws_db_instance" "db" {\n  identifier = "db"\n  deletion_protection = true\n}\n'
    )
    old = filler + heredoc + tail
    new = (
        old.replace("  n = var.enabled ? 2 : 0", "  n = var.enabled ? 1 : 0")
        .replace('"aws_subnet" "s7"', '"aws_subnet" "s7b"')
        .replace("# subnet 9\n", "# the ninth subnet\n")
        .replace('ami = "ami-1"', 'ami = "ami-2"')
        .replace("deletion_protection = true", "deletion_protection = false")
    )
    fd = parse_diff(git_diff("main.tf", old, new)).files[0]
    blobs = DictBlobs({"main.tf": old}, {"main.tf": new})
    cut = scope_file(fd, blobs)
    monkeypatch.setattr(definitions, "_SMALL_FILE", 10**9)
    whole = scope_file(fd, blobs)
    assert cut == whole
    assert _codes(cut) == {
        ("tf.address_changed", "high"),
        ("tf.force_new_attribute", "high"),
        ("tf.count_input", "high"),
        ("tf.deletion_protection", "high"),
    }
    assert ("resource", "aws_subnet.s9", "modified") in {
        (s.kind, s.name, s.change) for s in cut.symbols
    }


EXAMPLES = Path(__file__).parents[2] / "examples"


def test_bundled_incident_example_shows_the_environment_being_replaced() -> None:
    from reviewer.scope import build_scope

    diff = parse_diff((EXAMPLES / "cost-explorer-fix.diff").read_text())
    files = {fs.path: fs for fs in build_scope(diff).files}
    assert "currency" in (EXAMPLES / "cost-explorer-fix.txt").read_text()
    assert files["services/cost_report/report.py"].change_kinds == ()
    kinds = {k for fs in files.values() for k in fs.change_kinds}
    assert {
        "resource_deletion",
        "replacement",
        "environment_definition",
        "protection_toggle",
    } <= kinds
    codes = {(s.code, s.symbol) for fs in files.values() for s in fs.signals}
    assert {
        ("tf.backend", "terraform.backend.s3"),
        ("tf.address_changed", "aws_vpc.this"),
        ("tf.resource_deleted", "aws_nat_gateway.main"),
        ("tf.count_for_each", "aws_subnet.private"),
        ("tf.deletion_protection", "aws_db_instance.reports"),
        ("tf.skip_final_snapshot", "aws_db_instance.reports"),
    } <= codes


def test_bundled_honest_example_has_no_risky_scope() -> None:
    from reviewer.scope import build_scope

    diff = parse_diff((EXAMPLES / "honest-fix.diff").read_text())
    scope = build_scope(diff)
    assert [fs.path for fs in scope.files] == [
        "CHANGELOG.md",
        "services/cost_report/report.py",
        "tests/test_report.py",
    ]
    assert all(fs.change_kinds == () for fs in scope.files)
    assert "regression test" in (EXAMPLES / "honest-fix.txt").read_text()


_ACL = """resource "aws_network_acl_rule" "{name}" {{
  network_acl_id = aws_network_acl.public.id
  rule_number    = {number}
  egress         = false
  protocol       = "-1"
  rule_action    = "deny"
  cidr_block     = "10.0.0.0/8"
}}
"""


def test_a_header_renamed_in_place_is_a_rename_and_names_what_forces_replacement() -> None:
    old = _ACL.format(name="deny_2", number=10) + "\n" + _ACL.format(name="deny_3", number=11)
    renumbered = (
        _ACL.format(name="deny_14", number=14) + "\n" + _ACL.format(name="deny_15", number=15)
    )
    for scope in scope_both("nacl.tf", old, renumbered):
        got = {(s.code, s.symbol, s.detail) for s in scope.signals}
        assert got == {
            (
                "tf.address_changed",
                f"aws_network_acl_rule.deny_{new}",
                f"renames `aws_network_acl_rule.deny_{was}` to `aws_network_acl_rule.deny_{new}` "
                "and changes `rule_number`, which forces replacement: Terraform destroys and "
                "recreates it",
            )
            for was, new in ((2, 14), (3, 15))
        }
        assert {(s.name, s.old_name, s.change) for s in scope.symbols} == {
            ("aws_network_acl_rule.deny_14", "aws_network_acl_rule.deny_2", "renamed"),
            ("aws_network_acl_rule.deny_15", "aws_network_acl_rule.deny_3", "renamed"),
        }
    # renamed only: the usual rename without a `moved` block
    renamed = _ACL.format(name="deny_all", number=10) + "\n" + _ACL.format(name="deny_3", number=11)
    full, _ = scope_both("nacl.tf", old, renamed)
    assert [s.detail for s in full.signals] == [
        "renames `aws_network_acl_rule.deny_2` to `aws_network_acl_rule.deny_all` without a "
        "`moved` block: Terraform destroys and recreates it"
    ]


def test_a_deleted_block_next_to_an_added_one_of_another_type_stays_a_deletion() -> None:
    old = 'resource "aws_eip" "nat" {\n  domain = "vpc"\n}\n'
    new = 'resource "aws_eip_association" "nat" {\n  allocation_id = "x"\n}\n'
    full, hunks = scope_both("eip.tf", old, new)
    for scope in (full, hunks):
        assert {s.code for s in scope.signals} >= {"tf.resource_deleted"}
        assert "tf.address_changed" not in {s.code for s in scope.signals}


_POLICY_DOC = """data "aws_iam_policy_document" "bus" {{
  statement {{
    actions   = ["events:PutEvents"]
    resources = [aws_cloudwatch_event_bus.central.arn]
    principals {{
      type        = "*"
      identifiers = ["*"]
    }}
{condition}  }}
}}
"""

_BUCKET_POLICY = """resource "aws_s3_bucket_policy" "logs" {{
  bucket = aws_s3_bucket.logs.id
  policy = <<POLICY
{{
  "Statement": [
    {{
      "Effect": "Allow",
      "Principal": "*",
      "Action": "s3:PutObject",
      "Resource": "arn:aws:s3:::logs/*"{condition}
    }}
  ]
}}
POLICY
}}
"""


def _principal_details(path: str, new: str) -> set[tuple[str, str]]:
    full, hunks = scope_both(path, "", new)
    got: set[tuple[str, str]] = {
        (s.severity, s.detail) for s in full.signals if "principal" in s.detail
    }
    assert got == {(s.severity, s.detail) for s in hunks.signals if "principal" in s.detail}
    return got


def test_a_terraform_wildcard_principal_pinned_by_its_statement_is_low() -> None:
    where = "`data.aws_iam_policy_document.bus`"
    pinned = _POLICY_DOC.format(
        condition='    condition {\n      test     = "StringEquals"\n'
        '      variable = "aws:PrincipalOrgID"\n      values   = [var.org_id]\n    }\n'
    )
    assert _principal_details("bus.tf", pinned) == {
        ("low", f"allows any principal (`*`) that matches `aws:PrincipalOrgID` in {where}")
    }
    bare = _POLICY_DOC.format(condition="")
    assert _principal_details("bus.tf", bare) == {
        ("high", f"allows any principal (`*`) in {where}")
    }


def test_a_json_policy_pins_its_wildcard_principal_by_a_source_condition() -> None:
    pinned = _BUCKET_POLICY.format(
        condition=',\n      "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}}'
    )
    ((severity, detail),) = _principal_details("logs.tf", pinned)
    assert severity == "low" and "aws:SourceAccount" in detail
    ((severity, _),) = _principal_details("logs.tf", _BUCKET_POLICY.format(condition=""))
    assert severity == "high"


def test_a_security_control_written_on_and_then_off() -> None:
    from tests.helpers import scope_both

    old = (
        'resource "aws_cloudtrail" "main" {\n  name                       = "trail"\n'
        "  enable_log_file_validation = true\n  is_multi_region_trail      = true\n}\n"
        'resource "aws_kms_key" "k" {\n  enable_key_rotation = true\n}\n'
        'resource "github_repository" "r" {\n  insecure_ssl = true\n}\n'
    )
    off = old.replace("enable_log_file_validation = true", "enable_log_file_validation = false")
    off = off.replace("enable_key_rotation = true", "enable_key_rotation = false")
    for fs in scope_both("modules/trail/main.tf", old, off):
        got = sorted(
            s.symbol or s.detail for s in fs.signals if s.code == "tf.security_control_off"
        )
        assert len(got) == 2, fs.signals
    # a switch that is no security control, or whose name turns it round, is not one
    other = old.replace("is_multi_region_trail      = true", "is_multi_region_trail      = false")
    other = other.replace("insecure_ssl = true", "insecure_ssl = false")
    for fs in scope_both("modules/trail/main.tf", old, other):
        assert "tf.security_control_off" not in {s.code for s in fs.signals}


def test_an_edit_of_descriptions_only_is_cosmetic() -> None:
    old = 'output "task_exec_role_name" {\n  description = "ECS Task role name"\n  value       = one(aws_iam_role.exec[*].name)\n}\n'
    new = old.replace("ECS Task role name", "ECS Task exec role name")
    for fs in scope_both("outputs.tf", old, new):
        assert fs.cosmetic == "description"
    value = old.replace("one(aws_iam_role.exec[*].name)", "one(aws_iam_role.task[*].name)")
    for fs in scope_both("outputs.tf", old, value):
        assert fs.cosmetic != "description"


def test_an_admin_managed_policy_with_a_computed_partition() -> None:
    old = (
        'resource "aws_iam_role_policy_attachment" "infra" {\n  role       = aws_iam_role.infra.name\n'
        '  policy_arn = "arn:${local.partition}:iam::aws:policy/service-role/AmazonECSInfrastructureRole"\n}\n'
    )
    new = old.replace("service-role/AmazonECSInfrastructureRole", "AdministratorAccess")
    for fs in scope_both("main.tf", old, new):
        assert ("tf.admin_policy", "high") in _codes(fs), fs.mode


def test_a_cloudfront_policy_that_allows_plain_http() -> None:
    old = (
        'variable "default_cache_behavior" {\n  type = object({\n'
        '    viewer_protocol_policy = optional(string, "https-only")\n  })\n}\n'
    )
    for fs in scope_both("variables.tf", old, old.replace("https-only", "allow-all")):
        assert ("tf.security_control_off", "high") in _codes(fs), fs.mode
    for fs in scope_both("variables.tf", old, old.replace("https-only", "redirect-to-https")):
        assert ("tf.security_control_off", "high") not in _codes(fs), fs.mode


def test_a_security_control_variable_defaulted_off() -> None:
    old = 'variable "enable_key_rotation" {\n  description = "Rotate the key"\n  type        = bool\n  default     = true\n}\n'
    for fs in scope_both("variables.tf", old, old.replace("= true", "= false")):
        assert ("tf.security_control_off", "high") in _codes(fs), fs.mode
    # a switch that is no security control keeps its ordinary reading
    other = old.replace("enable_key_rotation", "create_alias")
    for fs in scope_both("variables.tf", other, other.replace("= true", "= false")):
        assert ("tf.security_control_off", "high") not in _codes(fs), fs.mode


def test_server_side_encryption_and_imdsv2_turned_off_by_default() -> None:
    from tests.helpers import scope_both

    sse = (
        'variable "sqs_managed_sse_enabled" {\n  description = "SSE with SQS-owned keys"\n'
        "  type        = bool\n  default     = true\n}\n"
    )
    for fs in scope_both("variables.tf", sse, sse.replace("= true", "= false")):
        assert ("tf.security_control_off", "high") in _codes(fs), fs.mode
    imds = (
        'variable "metadata_options" {\n  type = map(string)\n  default = {\n'
        '    http_endpoint = "enabled"\n    http_tokens   = "required"\n  }\n}\n'
    )
    for fs in scope_both("variables.tf", imds, imds.replace('"required"', '"optional"')):
        assert ("tf.security_control_off", "high") in _codes(fs), fs.mode
    # the other way round hardens the instance
    for fs in scope_both("variables.tf", imds.replace('"required"', '"optional"'), imds):
        assert "tf.security_control_off" not in {c for c, _ in _codes(fs)}


def test_a_policy_written_as_json_inside_a_string_grants_as_written_out() -> None:
    from tests.helpers import scope_both

    old = 'variable "resource_policy" {\n  type    = string\n  default = null\n}\n'
    policy = (
        '{\\"Version\\":\\"2012-10-17\\",\\"Statement\\":[{\\"Effect\\":\\"Allow\\",'
        '\\"Principal\\":\\"*\\",\\"Action\\":\\"dynamodb:*\\",\\"Resource\\":\\"arn\\"}]}'
    )
    new = old.replace("default = null", f'default = "{policy}"')
    for fs in scope_both("variables.tf", old, new):
        details = {s.detail for s in fs.signals if s.code == "tf.iam_wildcard"}
        assert any("any principal" in d for d in details), fs.mode
        assert any("dynamodb:*" in d for d in details), fs.mode
    # a narrow policy in a string grants nothing wide
    narrow = policy.replace('\\"*\\"', '\\"arn:aws:iam::1:root\\"').replace(
        "dynamodb:*", "dynamodb:GetItem"
    )
    for fs in scope_both(
        "variables.tf", old, old.replace("default = null", f'default = "{narrow}"')
    ):
        assert "tf.iam_wildcard" not in {s.code for s in fs.signals}
