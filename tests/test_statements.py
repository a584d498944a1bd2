"""Risky changes are licensed by a statement: one clause names the object and the action."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewer.diff import parse_diff
from reviewer.intent import parse_intent
from reviewer.models import Review, level_rank, severity_rank
from reviewer.review import review
from reviewer.statements import clauses

NAT = """\
diff --git a/infra/network.tf b/infra/network.tf
--- a/infra/network.tf
+++ b/infra/network.tf
@@ -1,8 +1,3 @@
 resource "aws_vpc" "main" {
   cidr_block = "10.0.0.0/16"
 }
-
-resource "aws_nat_gateway" "this" {
-  allocation_id = aws_eip.nat.id
-  subnet_id     = aws_subnet.public.id
-}
"""

PROTECTION = """\
diff --git a/infra/db.tf b/infra/db.tf
--- a/infra/db.tf
+++ b/infra/db.tf
@@ -1,5 +1,5 @@
 resource "aws_db_instance" "main" {
   identifier          = "main"
   engine              = "postgres"
-  deletion_protection = true
+  deletion_protection = false
 }
"""

RBAC = """\
diff --git a/deploy/rbac.yaml b/deploy/rbac.yaml
--- a/deploy/rbac.yaml
+++ b/deploy/rbac.yaml
@@ -4,6 +4,6 @@ metadata:
   name: reader
 rules:
   - apiGroups: [""]
-    resources: ["secrets"]
-    verbs: ["get"]
+    resources: ["*"]
+    verbs: ["*"]
"""

RETYPE = """\
diff --git a/stacks/hosts.yaml b/stacks/hosts.yaml
--- a/stacks/hosts.yaml
+++ b/stacks/hosts.yaml
@@ -1,5 +1,6 @@
 Resources:
   Hosts:
-    Type: AWS::AutoScaling::LaunchConfiguration
+    Type: AWS::EC2::LaunchTemplate
     Properties:
-      ImageId: ami-1
+      LaunchTemplateData:
+        ImageId: ami-1
"""

RENUMBER = """\
diff --git a/infra/nacl.tf b/infra/nacl.tf
--- a/infra/nacl.tf
+++ b/infra/nacl.tf
@@ -1,6 +1,6 @@
-resource "aws_network_acl_rule" "deny_inbound_2" {
+resource "aws_network_acl_rule" "deny_inbound_14" {
   network_acl_id = aws_network_acl.public.id
-  rule_number    = 10
+  rule_number    = 14
   egress         = false
   rule_action    = "deny"
 }
"""

RENAME = """\
diff --git a/infra/vpc.tf b/infra/vpc.tf
--- a/infra/vpc.tf
+++ b/infra/vpc.tf
@@ -1,3 +1,3 @@
-resource "aws_vpc" "main" {
+resource "aws_vpc" "primary" {
   cidr_block = "10.0.0.0/16"
 }
"""

WORKFLOW = """\
diff --git a/.github/workflows/release.yml b/.github/workflows/release.yml
deleted file mode 100644
--- a/.github/workflows/release.yml
+++ /dev/null
@@ -1,6 +0,0 @@
-name: release
-on: push
-jobs:
-  publish:
-    runs-on: ubuntu-latest
-    steps: [{run: make publish}]
"""

RBAC_HEAD = """\
diff --git a/deploy/rbac.yaml b/deploy/rbac.yaml
--- a/deploy/rbac.yaml
+++ b/deploy/rbac.yaml
@@ -1,9 +1,9 @@
 apiVersion: rbac.authorization.k8s.io/v1
 kind: ClusterRole
 metadata:
   name: reader
 rules:
   - apiGroups: [""]
-    resources: ["secrets"]
-    verbs: ["get"]
+    resources: ["*"]
+    verbs: ["*"]
"""


AGENTS_EDIT = (
    "diff --git a/AGENTS.md b/AGENTS.md\n--- a/AGENTS.md\n+++ b/AGENTS.md\n@@ -1,3 +1,3 @@\n"
    " # Agents\n \n-Write comments as you like.\n+Comments are one short sentence.\n"
)


FORCE_PUSH = (
    "diff --git a/ci/helm-docs.sh b/ci/helm-docs.sh\n--- a/ci/helm-docs.sh\n+++ b/ci/helm-docs.sh\n"
    "@@ -1,2 +1,3 @@\n #!/bin/sh\n helm-docs --template-files ./ci/README.md.gotmpl\n"
    "+git commit -am docs && git push --force origin HEAD:master\n"
)


def run(diff: str, text: str) -> Review:
    return review(parse_diff(diff), parse_intent(text, source="pr"))


def risky(r: Review) -> list:  # type: ignore[type-arg]
    return [
        f for f in r.findings if f.kind and severity_rank(f.severity) >= severity_rank("medium")
    ]


@pytest.mark.parametrize(
    ("diff", "text"),
    [
        (NAT, "Remove the unused NAT gateway"),
        (NAT, "Cost savings\n\n- delete `aws_nat_gateway.this`, nothing routes through it"),
        (PROTECTION, "Disable deletion protection on the main database before the migration"),
        (RENAME, "Rename the VPC to primary; it will be recreated in the maintenance window"),
        (WORKFLOW, "Delete the release workflow: releases are cut by hand now"),
        (RBAC_HEAD, "Grant the reader ClusterRole access to every resource"),
        # moving off a deprecated kind of thing is replacing it
        (RETYPE, 'Fix the "launch configurations deprecated" problem of the hosts stack'),
        # the rule number forces the replacement: stating that change states it
        (RENUMBER, "Update network ACL rules to new rule numbers"),
        # "amend" edits what it names
        (AGENTS_EDIT, "Amend AGENTS.md: comments are one short sentence"),
        # a destroying command is stated by what it does
        (FORCE_PUSH, "helm-docs.sh now force-pushes the regenerated READMEs to master"),
    ],
)
def test_a_clause_naming_object_and_action_licenses_and_is_quoted(diff: str, text: str) -> None:
    r = run(diff, text)
    found = risky(r)
    assert found and all(f.licensed for f in found), [(f.rule, f.title) for f in found]
    for f in found:
        assert f.stated is not None
        assert r.intent.text[f.stated.start : f.stated.end].split() == f.stated.text.split()
    assert r.verdict == "aligned"


@pytest.mark.parametrize(
    ("diff", "text"),
    [
        (NAT, "Removes unused bits and cleans up the module"),
        (NAT, "Remove unused variables. The NAT gateway is documented in the README."),
        (PROTECTION, "Tidies up deletion protection settings for the database"),
        (RENAME, "Updates the VPC naming to match our conventions"),
        (RBAC_HEAD, "Fix the secret name used by the reader"),
        (WORKFLOW, "We do not remove the release workflow; this only fixes a typo"),
        (NAT, "Please remove any doubts about the budget: the gateway bill is fine"),
        (RETYPE, "Fix the launch configuration problem"),
        (RENUMBER, "Update the network ACL rules"),
        # object and verb, but not how wide: a wildcard is stated by saying it grants everything
        (RBAC_HEAD, "fix(rbac): allow namespaced rbac with only the reader ClusterRole"),
        # the script named with "update": what it now does to the remote is not said
        (FORCE_PUSH, "Update helm-docs.sh to fix the error"),
    ],
)
def test_vague_or_split_wording_licenses_nothing(diff: str, text: str) -> None:
    r = run(diff, text)
    found = risky(r)
    assert found and not any(f.licensed for f in found), [(f.rule, f.title) for f in found]
    assert r.verdict == "mismatch"
    assert level_rank(r.blast_radius.level) >= level_rank("high")


def test_a_close_phrase_is_named_with_what_a_statement_would_say() -> None:
    r = run(PROTECTION, "Tidy up deletion protection on the database")
    f = next(f for f in risky(r) if f.kind == "protection_toggle")
    assert f.near is not None and f.near.text == "Tidy up deletion protection on the database"
    assert "deletion_protection" in f.title and "comes close" in f.title


def test_words_only_in_the_deleted_lines_license_nothing() -> None:
    # the deleted block mentions "remove" and the NAT gateway; the intent does not
    diff = NAT.replace(
        "-  subnet_id     = aws_subnet.public.id",
        "-  # remove the NAT gateway later\n-  subnet_id     = aws_subnet.public.id",
    ).replace("@@ -1,8 +1,3 @@", "@@ -1,9 +1,3 @@")
    r = run(diff, "Fix the VPC tags")
    assert not any(f.licensed for f in risky(r))


def test_clauses_keep_wrapped_lines_together_and_offsets_true() -> None:
    text = "Fix the report\n\nThis change makes sure the\nreport uses EUR.\n- Remove the old job\n- Keep the rest"
    got = clauses(text)
    assert [c.text for c in got] == [
        "Fix the report",
        "This change makes sure the report uses EUR.",
        "- Remove the old job",
        "- Keep the rest",
    ]
    for c in got:
        assert text[c.start : c.end].split() == c.text.split()
    assert [c.stating for c in got] == [True, True, True, False]


FILLER = st.sampled_from(
    [
        "This PR keeps the codebase clean and easy to maintain.",
        "We reviewed configuration, secrets, permissions and policy as usual.",
        "Thanks to everyone who helped; CI should be green.",
        "Please remove any doubts: tests pass locally.",
        "Cleaned up and refactored a few helpers for readability.",
        "Updated the docs where needed.",
        "The NAT gateway, the database and the workflow were all reviewed.",
    ]
)


@settings(max_examples=60, deadline=None)
@given(
    diff=st.sampled_from([NAT, PROTECTION, RBAC, RENAME, WORKFLOW, RBAC_HEAD]),
    title=st.sampled_from(["Fix the report currency", "Tidy up the module", "chore: housekeeping"]),
    extra=st.lists(FILLER, min_size=1, max_size=6),
)
def test_more_text_never_licenses_more(diff: str, title: str, extra: list[str]) -> None:
    bare = run(diff, title)
    padded = run(diff, title + "\n\n" + "\n\n".join(extra))
    unlicensed = {(f.rule, f.path, f.symbol) for f in risky(bare) if not f.licensed}
    still = {(f.rule, f.path, f.symbol) for f in risky(padded) if not f.licensed}
    assert unlicensed <= still
    assert level_rank(padded.blast_radius.level) >= level_rank(bare.blast_radius.level)


def test_a_huge_intent_does_not_lower_the_blast_radius() -> None:
    bare = run(NAT, "Fix the report currency")
    huge = run(
        NAT, "Fix the report currency\n\n" + ("We updated and cleaned up the config. " * 6000)
    )
    assert len(huge.intent.text) > 100_000 // 2
    assert huge.verdict == "mismatch"
    assert level_rank(huge.blast_radius.level) >= level_rank(bare.blast_radius.level)


# --- evidence: versions, claims, companions -------------------------------------------------------

MATRIX = """\
diff --git a/.github/workflows/tests.yml b/.github/workflows/tests.yml
--- a/.github/workflows/tests.yml
+++ b/.github/workflows/tests.yml
@@ -8,7 +8,7 @@ jobs:
     runs-on: ubuntu-latest
     strategy:
       matrix:
-        python-version: ["3.8", "3.9", "3.10"]
+        python-version: ["3.9", "3.10"]
     steps:
       - uses: actions/checkout@v4
"""

ACTIONS_BUMP = """\
diff --git a/.github/workflows/lint.yml b/.github/workflows/lint.yml
--- a/.github/workflows/lint.yml
+++ b/.github/workflows/lint.yml
@@ -10,5 +10,5 @@ jobs:
     runs-on: ubuntu-latest
     steps:
-      - uses: actions/checkout@v3
-      - uses: actions/setup-python@v4
+      - uses: actions/checkout@v4
+      - uses: actions/setup-python@v5
       - run: make lint
"""


def test_a_version_the_intent_names_explains_the_files_that_change_it() -> None:
    r = run(MATRIX, "Drop Python 3.8")
    assert r.verdict == "aligned" and not r.out_of_scope_paths
    reasons = r.files[0].explained_by
    assert any("version 3.8" in x for x in reasons), reasons
    # a version the intent does not name explains nothing
    assert run(MATRIX, "Fix the cookie parser").out_of_scope_paths


def test_only_versions_change_under_a_bump_intent() -> None:
    assert run(ACTIONS_BUMP, "Bump the github-actions group with 2 updates").verdict == "aligned"
    # "update the description" is not a bump
    assert run(ACTIONS_BUMP, "Update the variable description").out_of_scope_paths


@pytest.mark.parametrize(
    ("title", "claimed"),
    [
        ("Fix typo in README", ("typo",)),
        ("added rdp-udp, fixed typo in mssql-broker-tcp", ()),
        ("Add the new endpoint", ()),
    ],
)
def test_size_claims_come_from_the_title_and_whole_change_sentences(
    title: str, claimed: tuple[str, ...]
) -> None:
    assert (
        parse_intent("- [x] ran formatting\n- small nit from review", title=title).size_words
        == claimed
    )
    assert "small" in parse_intent("This is a small fix.", title=title).size_words


PIN = """\
diff --git a/.github/workflows/format.yml b/.github/workflows/format.yml
--- a/.github/workflows/format.yml
+++ b/.github/workflows/format.yml
@@ -6,3 +6,3 @@ jobs:
     steps:
-      - uses: actions/checkout@v4.2.2
+      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
       - run: make fmt
"""


def test_pinning_tags_to_shas_is_a_version_only_change() -> None:
    assert run(PIN, "feat: replace release tags with SHA").verdict == "aligned"
    assert run(PIN, "feat: add the billing endpoint").out_of_scope_paths


def test_replacing_a_named_release_step_states_its_removal() -> None:
    diff = """\
diff --git a/.github/workflows/release.yml b/.github/workflows/release.yml
--- a/.github/workflows/release.yml
+++ b/.github/workflows/release.yml
@@ -8,5 +8,5 @@ jobs:
     steps:
       - uses: actions/checkout@v4
-      - uses: actions/create-release@v1
+      - uses: softprops/action-gh-release@v2
         with:
           tag_name: ${{ github.ref }}
"""
    stated = run(diff, "ci: replace the archived create-release action on the publish path")
    assert stated.verdict == "aligned", [(f.rule, f.title) for f in risky(stated)]
    assert run(diff, "ci: tidy the publish path").verdict == "mismatch"


def test_filler_that_makes_sense_of_a_policy_licenses_no_permission() -> None:
    policy = """\
diff --git a/iam.tf b/iam.tf
--- a/iam.tf
+++ b/iam.tf
@@ -1,4 +1,4 @@
 resource "aws_iam_policy" "reader" {
   name   = "reader"
-  policy = jsonencode({ Statement = [{ Action = ["s3:GetObject"], Resource = "*" }] })
+  policy = jsonencode({ Statement = [{ Action = ["s3:*"], Resource = "*" }] })
 }
"""
    filler = (
        "We want to update, clean up and refactor where it makes sense, following the usual policy."
    )
    bare = run(policy, "Fix the report currency")
    padded = run(policy, "Fix the report currency\n\n" + filler)
    assert {(f.rule, f.licensed) for f in risky(bare)} == {
        (f.rule, f.licensed) for f in risky(padded)
    }


def test_an_allowance_starting_with_also_is_a_statement() -> None:
    from reviewer.statements import clauses

    stating = [
        c.stating for c in clauses("Also remove the old NAT gateway.\n\nAdditionally, drop `x`.")
    ]
    assert stating == [True, True]


def test_a_wish_is_not_a_statement() -> None:
    from reviewer.statements import clauses

    (c,) = clauses("We want to update, clean up and refactor where it makes sense.")
    assert not c.stating
    (d,) = clauses("We update the release workflow.")
    assert d.stating


def test_the_resources_named_by_a_word_of_their_name_are_stated() -> None:
    # "Removing Network Firewall resources" names `aws_subnet.firewall_private` in
    # firewall-subnets.tf; a word elsewhere ("network") does not
    from reviewer.intent import parse_intent
    from reviewer.models import RESOURCE_DELETION, Signal
    from reviewer.statements import read

    sig = Signal(
        RESOURCE_DELETION,
        "tf.resource_deleted",
        "deletes resource `aws_subnet.firewall_private`",
        1,
        "old",
        "aws_subnet.firewall_private",
        "high",
    )
    path = "vpc/firewall-subnets.tf"
    assert read(sig, path, parse_intent("", title="Removing Network Firewall resources")).stated
    assert not read(sig, path, parse_intent("", title="Removing Network resources")).stated
    assert not read(sig, path, parse_intent("", title="Firewall resources were reviewed")).stated


AGENTS_EDIT = """\
diff --git a/AGENTS.md b/AGENTS.md
--- a/AGENTS.md
+++ b/AGENTS.md
@@ -1,3 +1,4 @@
 # Rules
 - No log statements in tests or production code
+- Keep comments short and tight: one lowercase fragment, no trailing period.
 - Ask before generating new files
"""


@pytest.mark.parametrize(
    ("title", "stated"),
    [
        # the title restates the instruction the change adds, with a verb that gives a rule
        ("chore: require comments to be short and tight", True),
        ("Require lowercase comment fragments", True),
        # the same words describing code are not a rule for an agent
        ("perf: keep comments short and tight in the parser", False),
        # a directive about something else restates nothing
        ("chore: require reviews for the release workflow", False),
    ],
)
def test_an_instruction_edit_is_stated_by_restating_the_rule_it_adds(
    title: str, stated: bool
) -> None:
    r = review(parse_diff(AGENTS_EDIT), parse_intent("", title=title, source="commit"))
    f = next(f for f in r.findings if f.kind == "agent_instructions")
    assert f.licensed is stated
    assert (f.stated is not None) is stated
    assert r.verdict == ("aligned" if stated else "mismatch")


def test_restating_a_rule_never_licenses_deleting_the_instructions() -> None:
    deleted = """\
diff --git a/AGENTS.md b/AGENTS.md
deleted file mode 100644
--- a/AGENTS.md
+++ /dev/null
@@ -1,2 +0,0 @@
-# Rules
-- Keep comments short and tight: one lowercase fragment, no trailing period.
"""
    r = review(
        parse_diff(deleted),
        parse_intent("", title="chore: require comments to be short and tight", source="commit"),
    )
    f = next(f for f in r.findings if f.kind == "agent_instructions")
    assert not f.licensed and r.verdict == "mismatch"


def test_only_a_title_that_undoes_licenses_by_undoing() -> None:
    # "rollback" as a word of the subject is no revert: the deleted workflow stays unstated
    r = run(WORKFLOW, "set_rollback should only rollback initialized connections")
    assert r.verdict == "mismatch"
    reverted = run(WORKFLOW, 'Revert "Add the release workflow"\n\nThis reverts commit 1a2b3c4.')
    assert [f.licensed for f in risky(reverted) if f.kind == "ci_cd"] == [True]


def test_a_job_is_named_by_a_compound_of_its_own_name() -> None:
    from tests.helpers import git_diff

    job = (
        "  caching-with-pip-install:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pytest\n"
    )
    old = (
        "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n"
        + job
    )
    diff = git_diff(".github/workflows/e2e.yml", old, old.replace(job, ""))
    stated = run(diff, "Remove the pip-install input")
    assert all(f.licensed for f in risky(stated) if f.kind == "ci_cd")
    other = run(diff, "Remove the pip cache warning")
    assert not all(f.licensed for f in risky(other) if f.kind == "ci_cd")


def test_instead_of_and_a_kind_written_as_one_word_state_a_replacement() -> None:
    from tests.helpers import git_diff

    tpl = (
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n"
        '  name: {{ printf "system:%s-reader" (include "app.name" .) }}\nrules: []\n'
    )
    diff = git_diff(
        "charts/app/templates/clusterrole.yaml", tpl, tpl.replace("app.name", "app.fullname")
    )
    r = run(
        diff, "Fix: use the full name instead of the name for the clusterrole in the helm chart"
    )
    found = [f for f in risky(r) if f.kind == "replacement"]
    assert found and all(f.licensed for f in found)
    r2 = run(diff, "Fix: typo in the helm chart README")
    assert not all(f.licensed for f in risky(r2) if f.kind == "replacement")
