"""The review history file: versioned migrations, recording, feedback, and ``reviewer stats``."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from reviewer.cli import main
from reviewer.diff import parse_diff
from reviewer.errors import ReviewerError
from reviewer.history import store as store_module
from reviewer.history.feedback import parse_dismiss_command, parse_dismiss_trailers
from reviewer.history.stats import compute
from reviewer.history.store import Answer, Dismissal, ReviewMeta, Store, record_review
from reviewer.intent import parse_intent
from reviewer.models import Review
from reviewer.review import review

DELETE_DB = """\
diff --git a/infra/main.tf b/infra/main.tf
index 1111111..2222222 100644
--- a/infra/main.tf
+++ b/infra/main.tf
@@ -1,5 +0,0 @@
-resource "aws_db_instance" "main" {
-  identifier          = "prod-db"
-  engine              = "postgres"
-  deletion_protection = true
-}
"""


def outage(intent: str = "Fix a typo in the README") -> Review:
    return review(parse_diff(DELETE_DB), parse_intent(intent, source="commit"))


def test_a_new_file_is_migrated_to_the_latest_version(tmp_path: Path) -> None:
    with Store(str(tmp_path / "h.sqlite")) as s:
        assert s.version() == len(store_module.MIGRATIONS)
        tables = {r[0] for r in s.db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"reviews", "findings", "questions", "answers", "signoffs", "dismissals"} <= tables


def test_migrations_run_in_order_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = str(tmp_path / "h.sqlite")
    record_review(path, outage(), ReviewMeta(recorded_at="2025-01-01T00:00:00Z"))
    extra = "ALTER TABLE reviews ADD COLUMN labels TEXT"
    monkeypatch.setattr(store_module, "MIGRATIONS", (*store_module.MIGRATIONS, extra))
    with Store(path) as s:
        assert s.version() == len(store_module.MIGRATIONS)
        assert s.db.execute("SELECT count(*) FROM reviews").fetchone()[0] == 1  # data kept
    with Store(path) as s:  # opening again runs nothing twice
        assert s.version() == len(store_module.MIGRATIONS)


def test_a_file_from_a_newer_reviewer_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {len(store_module.MIGRATIONS) + 1}")
    db.close()
    with pytest.raises(ReviewerError, match="newer than this reviewer"):
        Store(str(path))


def test_record_review_keeps_the_summary_questions_answers_and_feedback(tmp_path: Path) -> None:
    path = str(tmp_path / "h.sqlite")
    r = outage()
    q = r.questions[0]
    meta = ReviewMeta(
        surface="app",
        repository="acme/infra",
        pr=12,
        author="dev",
        recorded_at="2025-01-01T10:00:00Z",
        answers=(Answer(q.id, "ok", False, reason="a placeholder", by="dev"),),
        dismissals=(Dismissal(q.id, "the database moved to the shared cluster", by="dev"),),
        signed_off_by=("lead",),
    )
    rid = record_review(path, r, meta)
    with Store(path) as s:
        row = s.db.execute(
            "SELECT surface, repository, pr, verdict, blast_radius, blocked, summary FROM reviews"
            " WHERE id = ?",
            (rid,),
        ).fetchone()
        assert row[:6] == ("app", "acme/infra", 12, "mismatch", "critical", 1)
        assert json.loads(row[6])["blast_radius"]["level"] == "critical"
        assert "prod-db" not in row[6]  # the summary, not the code
        (finding, rule) = s.db.execute("SELECT finding_id, rule FROM dismissals").fetchone()
        assert finding == q.finding and rule == "RV201"  # a question id resolves to its finding
        assert s.db.execute("SELECT signed_by FROM signoffs").fetchone() == ("lead",)
        # an answer later, on the PR (the App calls this)
        s.record_answers(
            [Answer(q.id, "Snapshot snap-1 is kept for 90 days.", True, by="dev")], source="app"
        )
        s.record_dismissal(Dismissal(q.finding, "false alarm: planned", by="ops"), source="app")


def test_stats_blocks_time_to_answer_dismiss_rate_ai_and_placeholders(tmp_path: Path) -> None:
    path = str(tmp_path / "h.sqlite")
    first = outage()
    q = first.questions[0]
    ai = outage("Fix a typo in the README\n\nAI-Prompt: fix the typo in the readme")
    with Store(path) as s:
        s.record_review(first, ReviewMeta(repository="r", recorded_at="2025-01-01T10:00:00Z"))
        s.record_review(ai, ReviewMeta(repository="r", recorded_at="2025-02-01T10:00:00Z"))
        s.record_review(
            outage(),
            ReviewMeta(
                repository="r",
                recorded_at="2025-01-01T16:00:00Z",
                answers=(
                    Answer(q.id, "n/a", False, reason="a placeholder", at="2025-01-01T12:00:00Z"),
                    Answer(q.id, "Snapshot snap-1 is kept.", True, at="2025-01-01T16:00:00Z"),
                ),
                dismissals=(Dismissal(q.finding, "we meant to delete it"),),
            ),
        )
        stats = compute(s)
    t = stats["totals"]
    assert t["reviews"] == 3 and t["blocked"] == 3
    jan = stats["months"][0]
    assert jan["month"] == "2025-01" and jan["median_hours_to_answer"] == 6.0
    rv201 = next(r for r in stats["rules"] if r["rule"] == "RV201")
    assert rv201["dismissed"] == 1 and rv201["dismiss_rate"] == 1.0
    assert rv201["reasons"] == ["we meant to delete it"]
    assert stats["rules"][0]["rule"] == "RV201"  # the rule to refine first
    crit = stats["ai_by_blast_radius"]["critical"]
    assert crit["ai"] == 1 and crit["other"] == 2
    assert stats["placeholders"]["refused"] == 1
    assert stats["placeholders"]["common"] == [{"text": "n/a", "count": 1}]
    assert stats["placeholders"]["by_rule"] == [{"rule": "RV201", "count": 1}]


def test_stats_cli_text_json_html(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(tmp_path / "h.sqlite")
    record_review(path, outage(), ReviewMeta(repository="<b>evil</b>"))
    assert main(["stats", path]) == 0
    assert "review history: 1 reviews, 1 blocked" in capsys.readouterr().out
    assert main(["stats", path, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["totals"]["reviews"] == 1
    html_out = tmp_path / "s.html"
    assert main(["stats", path, "--format", "html", "-o", str(html_out)]) == 0
    page = html_out.read_text()
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page and "<svg" in page
    assert main(["stats", str(tmp_path / "missing.sqlite")]) == 2


def test_dismiss_trailers_and_commands() -> None:
    message = (
        "Remove the old bucket\n\n"
        "Reviewer-Dismiss: RV201-abc123 the bucket was emptied and\n"
        "  archived last month\n"
        "Reviewer-Dismiss: Q1234567\n"  # no reason: not feedback
        "Signed-off-by: someone\n"
    )
    (d,) = parse_dismiss_trailers([message], by="dev")
    assert d == Dismissal(
        "RV201-abc123", "the bucket was emptied and archived last month", by="dev"
    )
    assert parse_dismiss_command("/dismiss QABCDEF1 planned removal, see #12", by="x") == Dismissal(
        "QABCDEF1", "planned removal, see #12", by="x"
    )
    assert parse_dismiss_command("/dismiss QABCDEF1") is None
    assert parse_dismiss_command("please /dismiss QABCDEF1 why") is None
