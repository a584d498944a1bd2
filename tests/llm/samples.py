"""Hand-built reviews: the LLM layer's tests do not move when the rule engine's wording does."""

from __future__ import annotations

from reviewer.diff import parse_diff
from reviewer.models import (
    BlastRadius,
    Diff,
    FileReview,
    FileScope,
    Finding,
    Intent,
    Question,
    Review,
    Signal,
    Stats,
    Symbol,
)

DIFF = """\
diff --git a/src/billing/invoice.py b/src/billing/invoice.py
index 1111111..2222222 100644
--- a/src/billing/invoice.py
+++ b/src/billing/invoice.py
@@ -10,7 +10,7 @@ def total(items):
     subtotal = sum(i.price for i in items)
     # round half up, as finance asked
-    return round(subtotal, 1)
+    return round(subtotal, 2)
\x20
\x20
 def tax(amount):
diff --git a/infra/main.tf b/infra/main.tf
index 3333333..4444444 100644
--- a/infra/main.tf
+++ b/infra/main.tf
@@ -1,12 +1,4 @@
-resource "aws_db_instance" "main" {
-  identifier          = "billing-prod"
-  engine              = "postgres"
-  deletion_protection = true
-}
-
-resource "aws_s3_bucket" "exports" {
-  bucket = "billing-exports"
-}
 resource "aws_sqs_queue" "jobs" {
   name = "billing-jobs"
 }
diff --git a/tests/test_invoice.py b/tests/test_invoice.py
index 5555555..6666666 100644
--- a/tests/test_invoice.py
+++ b/tests/test_invoice.py
@@ -3,4 +3,4 @@ from billing.invoice import total
\x20
 def test_total():
-    assert total([Item(1.005)]) == 1.0
+    assert total([Item(1.005)]) == 1.01
diff --git a/docs/notes.md b/docs/notes.md
index 7777777..8888888 100644
--- a/docs/notes.md
+++ b/docs/notes.md
@@ -1,3 +1,3 @@
 # Notes
\x20
-Invoices are rounded to one decimal.
+Invoices are rounded to two decimals.
"""

INTENT_TEXT = "fix: round invoice totals to cents\n\nFinance reported totals off by a few cents."


def diff() -> Diff:
    return parse_diff(DIFF)


def _finding(
    fid: str, rule: str, severity: str, title: str, path: str | None, **kw: object
) -> Finding:
    return Finding(id=fid, rule=rule, severity=severity, title=title, path=path, **kw)  # type: ignore[arg-type]


FINDINGS = (
    _finding(
        "RV201-aaaaaaaaaaaa",
        "RV201",
        "critical",
        "Deletes `aws_db_instance.main`",
        "infra/main.tf",
        line=1,
        symbol="aws_db_instance.main",
        kind="resource_deletion",
        side="old",
    ),
    _finding(
        "RV101-bbbbbbbbbbbb",
        "RV101",
        "high",
        "Infrastructure file `infra/main.tf` is not explained by the intent",
        "infra/main.tf",
    ),
    _finding(
        "RV101-cccccccccccc",
        "RV101",
        "low",
        "Doc `docs/notes.md` is not explained by the intent",
        "docs/notes.md",
    ),
    _finding(
        "RV502-dddddddddddd",
        "RV502",
        "info",
        "The blast radius is critical: a rollback and verification plan is needed",
        None,
        licensed=True,
    ),
)


def review() -> Review:
    d = diff()
    by_path = {fd.path: fd for fd in d.files}
    scopes = (
        FileScope(
            path="src/billing/invoice.py",
            old_path=None,
            status="modified",
            language="python",
            symbols=(Symbol("function", "total", "modified", 10),),
            additions=1,
            deletions=1,
        ),
        FileScope(
            path="infra/main.tf",
            old_path=None,
            status="modified",
            language="hcl",
            role="infra",
            symbols=(
                Symbol("resource", "aws_db_instance.main", "deleted", 1),
                Symbol("resource", "aws_s3_bucket.exports", "deleted", 7),
            ),
            signals=(
                Signal(
                    "resource_deletion",
                    "tf.resource_deleted",
                    "deletes `aws_db_instance.main`",
                    1,
                    "old",
                    "aws_db_instance.main",
                    "high",
                ),
                Signal(
                    "resource_deletion",
                    "tf.resource_deleted",
                    "deletes `aws_s3_bucket.exports`",
                    7,
                    "old",
                    "aws_s3_bucket.exports",
                    "high",
                ),
            ),
            deletions=8,
        ),
        FileScope(
            path="tests/test_invoice.py",
            old_path=None,
            status="modified",
            language="python",
            role="test",
            symbols=(Symbol("function", "test_total", "modified", 4),),
            additions=1,
            deletions=1,
        ),
        FileScope(
            path="docs/notes.md",
            old_path=None,
            status="modified",
            language="markdown",
            role="docs",
            additions=1,
            deletions=1,
        ),
    )
    explained = {"src/billing/invoice.py": True, "tests/test_invoice.py": True}
    files = tuple(FileReview(scope=s, explained=explained.get(s.path, False)) for s in scopes)
    assert set(by_path) == {s.path for s in scopes}
    return Review(
        verdict="mismatch",
        requires_answers=True,
        blast_radius=BlastRadius(
            "critical", ("Deletes `aws_db_instance.main` — and the intent does not say so",)
        ),
        intent=Intent(
            source="pr", text=INTENT_TEXT, type="fix", title="fix: round invoice totals to cents"
        ),
        files=files,
        findings=FINDINGS,
        questions=(
            Question(
                "QAAAAAAA",
                "RV201-aaaaaaaaaaaa",
                "`aws_db_instance.main` is deleted: where is the final snapshot?",
            ),
            Question(
                "QBBBBBBB", "RV101-bbbbbbbbbbbb", "Why does `infra/main.tf` belong in this change?"
            ),
            Question(
                "QCCCCCCC", "RV101-cccccccccccc", "Why does `docs/notes.md` belong in this change?"
            ),
        ),
        out_of_scope_paths=("infra/main.tf", "docs/notes.md"),
        stats=Stats(files=4, additions=3, deletions=11, elapsed_ms=5),
    )
