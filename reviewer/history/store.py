"""The review history: every recorded review, its questions, answers, sign-offs and dismissals, in
one SQLite file whose schema is versioned (``PRAGMA user_version``) and migrated forward on open.

Schema (docs/history.md has the full description)::

    reviews     one row per review made (a re-run of the same change is a new row)
    findings    the review's findings: rule, severity, change kind, path, licensed
    questions   the questions asked, whether and how they were answered
    answers     every answer given, accepted or refused (placeholders are refused and kept)
    signoffs    who signed off a review, and when
    dismissals  feedback: a finding someone called a false alarm, with the reason

Recording is best-effort data, never a gate: the review's outcome does not depend on it.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Sequence
from types import TracebackType
from typing import Any

from ..errors import ReviewerError
from ..models import Review
from ..record import record

#: applied in order; ``PRAGMA user_version`` is how many have run. Append, never edit.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE reviews (
        id INTEGER PRIMARY KEY,
        recorded_at TEXT NOT NULL,
        surface TEXT NOT NULL,
        repository TEXT,
        ref TEXT,
        commit_sha TEXT,
        pr INTEGER,
        author TEXT,
        ai_assisted INTEGER,
        verdict TEXT NOT NULL,
        blast_radius TEXT NOT NULL,
        requires_answers INTEGER NOT NULL,
        blocked INTEGER NOT NULL,
        files INTEGER NOT NULL DEFAULT 0,
        additions INTEGER NOT NULL DEFAULT 0,
        deletions INTEGER NOT NULL DEFAULT 0,
        intent_source TEXT,
        intent_type TEXT,
        policy TEXT,
        summary TEXT NOT NULL
    );
    CREATE INDEX reviews_time ON reviews (recorded_at);
    CREATE INDEX reviews_change ON reviews (repository, pr, commit_sha);
    CREATE TABLE findings (
        review_id INTEGER NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
        finding_id TEXT NOT NULL,
        rule TEXT NOT NULL,
        severity TEXT NOT NULL,
        kind TEXT,
        path TEXT,
        licensed INTEGER NOT NULL,
        title TEXT NOT NULL
    );
    CREATE INDEX findings_id ON findings (finding_id);
    CREATE INDEX findings_rule ON findings (rule);
    CREATE TABLE questions (
        review_id INTEGER NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
        question_id TEXT NOT NULL,
        finding_id TEXT,
        text TEXT NOT NULL,
        answered INTEGER NOT NULL,
        answer TEXT
    );
    CREATE INDEX questions_id ON questions (question_id);
    CREATE TABLE answers (
        id INTEGER PRIMARY KEY,
        review_id INTEGER REFERENCES reviews (id) ON DELETE SET NULL,
        question_id TEXT NOT NULL,
        text TEXT NOT NULL,
        accepted INTEGER NOT NULL,
        reason TEXT,
        answered_by TEXT,
        answered_at TEXT NOT NULL,
        source TEXT NOT NULL
    );
    CREATE INDEX answers_question ON answers (question_id);
    CREATE TABLE signoffs (
        id INTEGER PRIMARY KEY,
        review_id INTEGER REFERENCES reviews (id) ON DELETE SET NULL,
        repository TEXT,
        pr INTEGER,
        signed_by TEXT NOT NULL,
        signed_at TEXT NOT NULL,
        source TEXT NOT NULL
    );
    CREATE TABLE dismissals (
        id INTEGER PRIMARY KEY,
        review_id INTEGER REFERENCES reviews (id) ON DELETE SET NULL,
        repository TEXT,
        finding_id TEXT NOT NULL,
        rule TEXT,
        reason TEXT NOT NULL,
        dismissed_by TEXT,
        dismissed_at TEXT NOT NULL,
        source TEXT NOT NULL
    );
    CREATE INDEX dismissals_rule ON dismissals (rule);
    """,
)

SURFACES = ("cli", "hook", "action", "app", "agent")


def now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


@record
class Answer:
    """An answer given to a question, accepted or refused (``reason``: why it did not count)."""

    question: str
    text: str
    accepted: bool
    reason: str | None = None
    by: str | None = None
    at: str | None = None


@record
class Dismissal:
    """Feedback that a finding (or the finding behind a question) was a false alarm."""

    finding: str  # a finding id, or a question id (resolved to its finding when recorded)
    reason: str
    by: str | None = None
    at: str | None = None


@record
class ReviewMeta:
    """What a surface knows about a review besides the review itself."""

    surface: str = "cli"
    repository: str | None = None
    ref: str | None = None
    commit: str | None = None
    pr: int | None = None
    author: str | None = None
    ai_assisted: bool | None = None  # None: judge from the intent (an AI prompt in it)
    blocked: bool | None = None  # None: the review requires answers and some are open
    recorded_at: str | None = None
    answers: tuple[Answer, ...] = ()
    dismissals: tuple[Dismissal, ...] = ()
    signed_off_by: tuple[str, ...] = ()
    policy: str | None = None  # where the policy came from (``Config.source``)


class Store:
    """An open history database. Use as a context manager; every ``record_*`` commits."""

    def __init__(self, path: str) -> None:
        self.path = path
        try:
            self._db = sqlite3.connect(path, timeout=10)
            self._db.execute("PRAGMA foreign_keys = ON")
            self._db.execute("PRAGMA busy_timeout = 10000")
            migrate(self._db, source=path)
        except sqlite3.Error as exc:
            raise ReviewerError(f"{path}: cannot open the review history ({exc})") from exc

    @property
    def db(self) -> sqlite3.Connection:
        return self._db

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    # --- writing -------------------------------------------------------------------------------

    def record_review(self, review: Review, meta: ReviewMeta) -> int:
        at = meta.recorded_at or now()
        blocked = (
            meta.blocked
            if meta.blocked is not None
            else review.requires_answers and any(not q.answered for q in review.questions)
        )
        ai = meta.ai_assisted if meta.ai_assisted is not None else ai_assisted(review)
        try:
            with self._db:
                cur = self._db.execute(
                    "INSERT INTO reviews (recorded_at, surface, repository, ref, commit_sha, pr,"
                    " author, ai_assisted, verdict, blast_radius, requires_answers, blocked, files,"
                    " additions, deletions, intent_source, intent_type, policy, summary)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        at,
                        meta.surface,
                        meta.repository,
                        meta.ref,
                        meta.commit,
                        meta.pr,
                        meta.author,
                        None if ai is None else int(ai),
                        review.verdict,
                        review.blast_radius.level,
                        int(review.requires_answers),
                        int(blocked),
                        review.stats.files,
                        review.stats.additions,
                        review.stats.deletions,
                        review.intent.source,
                        review.intent.type,
                        meta.policy,
                        json.dumps(summary_of(review), ensure_ascii=False),
                    ),
                )
                review_id = int(cur.lastrowid or 0)
                self._db.executemany(
                    "INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        (
                            review_id,
                            f.id,
                            f.rule,
                            f.severity,
                            f.kind,
                            f.path,
                            int(f.licensed),
                            f.title,
                        )
                        for f in review.findings
                    ],
                )
                self._db.executemany(
                    "INSERT INTO questions VALUES (?, ?, ?, ?, ?, ?)",
                    [
                        (review_id, q.id, q.finding, q.text, int(q.answered), q.answer)
                        for q in review.questions
                    ],
                )
                given = {a.question.upper() for a in meta.answers}
                answers = list(meta.answers) + [
                    Answer(q.id, q.answer or "", True, by=meta.author, at=at)
                    for q in review.questions
                    if q.answered and q.id.upper() not in given
                ]
                self._insert_answers(review_id, answers, source=meta.surface, at=at)
                for d in meta.dismissals:
                    self._insert_dismissal(review_id, meta.repository, d, meta.surface, at)
                for who in meta.signed_off_by:
                    self._db.execute(
                        "INSERT INTO signoffs (review_id, repository, pr, signed_by, signed_at,"
                        " source) VALUES (?, ?, ?, ?, ?, ?)",
                        (review_id, meta.repository, meta.pr, who, at, meta.surface),
                    )
        except sqlite3.Error as exc:
            raise ReviewerError(f"{self.path}: cannot record the review ({exc})") from exc
        return review_id

    def record_answers(
        self, answers: Sequence[Answer], *, review_id: int | None = None, source: str
    ) -> None:
        """Answers given after the review (a ``/answer`` comment), accepted or refused."""
        with self._db:
            self._insert_answers(review_id, answers, source=source, at=now())

    def record_dismissal(
        self,
        dismissal: Dismissal,
        *,
        repository: str | None = None,
        review_id: int | None = None,
        source: str,
    ) -> None:
        """A false alarm reported after the review (``/dismiss <finding-id> <reason>`` on a PR)."""
        with self._db:
            self._insert_dismissal(review_id, repository, dismissal, source, now())

    def record_signoff(
        self,
        by: str,
        *,
        repository: str | None = None,
        pr: int | None = None,
        source: str,
        review_id: int | None = None,
        at: str | None = None,
    ) -> None:
        with self._db:
            self._db.execute(
                "INSERT INTO signoffs (review_id, repository, pr, signed_by, signed_at, source)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (review_id, repository, pr, by, at or now(), source),
            )

    def _insert_answers(
        self, review_id: int | None, answers: Iterable[Answer], *, source: str, at: str
    ) -> None:
        self._db.executemany(
            "INSERT INTO answers (review_id, question_id, text, accepted, reason, answered_by,"
            " answered_at, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    review_id,
                    a.question.upper(),
                    a.text[:2000],
                    int(a.accepted),
                    a.reason,
                    a.by,
                    a.at or at,
                    source,
                )
                for a in answers
            ],
        )

    def _insert_dismissal(
        self, review_id: int | None, repository: str | None, d: Dismissal, source: str, at: str
    ) -> None:
        finding, rule = self._resolve_finding(d.finding)
        self._db.execute(
            "INSERT INTO dismissals (review_id, repository, finding_id, rule, reason, dismissed_by,"
            " dismissed_at, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (review_id, repository, finding, rule, d.reason[:2000], d.by, d.at or at, source),
        )

    def _resolve_finding(self, ident: str) -> tuple[str, str | None]:
        """A finding id (or a question id, through its finding) -> (finding id, rule)."""
        row = self._db.execute(
            "SELECT finding_id FROM questions WHERE upper(question_id) = upper(?)"
            " ORDER BY review_id DESC LIMIT 1",
            (ident,),
        ).fetchone()
        finding = row[0] if row and row[0] else ident
        rule = self._db.execute(
            "SELECT rule FROM findings WHERE finding_id = ? ORDER BY review_id DESC LIMIT 1",
            (finding,),
        ).fetchone()
        return finding, (rule[0] if rule else None)


def migrate(db: sqlite3.Connection, *, source: str = "the database") -> int:
    """Bring the schema up to date; returns the version. A newer file than this reviewer
    knows is an error (it would misread it)."""
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    if version > len(MIGRATIONS):
        raise ReviewerError(
            f"{source}: review history schema v{version} is newer than this reviewer knows "
            f"(v{len(MIGRATIONS)}): upgrade intent-reviewer"
        )
    for number in range(version, len(MIGRATIONS)):
        # executescript commits first; the version moves with the migration's own transaction
        db.executescript(
            f"BEGIN; {MIGRATIONS[number]}; PRAGMA user_version = {number + 1}; COMMIT;"
        )
    return len(MIGRATIONS)


def record_review(db: str | Store, review: Review, meta: ReviewMeta | None = None) -> int:
    """Record one review (any surface: the CLI, the hooks, the Action, the App). ``db`` is a
    path or an open :class:`Store`; returns the review's row id."""
    meta = meta or ReviewMeta()
    if isinstance(db, Store):
        return db.record_review(review, meta)
    with Store(db) as store:
        return store.record_review(review, meta)


def ai_assisted(review: Review) -> bool:
    """An AI prompt is part of the intent (an ``AI-Prompt:`` trailer, a ``Prompt:`` section, or a
    prompt recorded for the branch)."""
    return review.intent.source == "prompt" or review.intent.prompt is not None


def summary_of(review: Review) -> dict[str, Any]:
    """The JSON report's summary fields: what the review decided, not the code it read."""
    return {
        "schema_version": 1,
        "verdict": review.verdict,
        "requires_answers": review.requires_answers,
        "blast_radius": {
            "level": review.blast_radius.level,
            "reasons": list(review.blast_radius.reasons),
        },
        "intent": {
            "source": review.intent.source,
            "type": review.intent.type,
            "title": review.intent.title,
        },
        "out_of_scope_paths": list(review.out_of_scope_paths),
        "change_kinds": sorted({k for fr in review.files for k in fr.scope.change_kinds}),
        "degraded": review.degraded,
        "stats": {
            "files": review.stats.files,
            "additions": review.stats.additions,
            "deletions": review.stats.deletions,
            "elapsed_ms": review.stats.elapsed_ms,
        },
    }
