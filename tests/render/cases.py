"""Reviews for renderer tests: golden cases through the real pipeline, and a synthetic huge review.

A golden case is a directory under ``golden/`` with ``change.diff`` (real ``git diff`` output),
``case.json`` (``intent``, ``source``, optional ``title``, ``state`` and ``overlay``) and the expected
outputs. ``overlay`` adds what the offline pipeline cannot produce (answers, LLM findings, a degraded
LLM step) on top of the real review.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from reviewer import __version__
from reviewer.config import Config
from reviewer.diff import parse_diff
from reviewer.intent import parse_intent
from reviewer.models import (
    CHANGE_KINDS,
    SEVERITIES,
    BlastRadius,
    FileReview,
    FileScope,
    Finding,
    Intent,
    Question,
    Review,
    Signal,
    Stats,
)
from reviewer.record import replace
from reviewer.review import review

GOLDEN = Path(__file__).parent / "golden"
SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"


def case_names() -> list[str]:
    return sorted(p.name for p in GOLDEN.iterdir() if (p / "case.json").is_file())


def load_case(name: str) -> tuple[Review, str | None]:
    """The case's review (elapsed time zeroed) and the comment state it is rendered with."""
    root = GOLDEN / name
    meta = json.loads((root / "case.json").read_text("utf-8"))
    diff = parse_diff((root / "change.diff").read_text("utf-8"))
    intent = parse_intent(meta["intent"], source=meta["source"], title=meta.get("title"))
    result = review(diff, intent, Config())
    result = replace(result, stats=replace(result.stats, elapsed_ms=0))
    return _overlay(result, meta.get("overlay", {})), meta.get("state")


def _overlay(r: Review, overlay: dict[str, Any]) -> Review:
    questions = list(r.questions)
    for index, answer in overlay.get("answers", {}).items():
        i = int(index)
        questions[i] = replace(questions[i], answered=True, answer=answer)
    findings = r.findings + tuple(Finding(**f) for f in overlay.get("findings", []))
    stats = replace(
        r.stats,
        llm_calls=overlay.get("llm_calls", r.stats.llm_calls),
        llm_tokens=overlay.get("llm_tokens", r.stats.llm_tokens),
    )
    return replace(
        r,
        questions=tuple(questions),
        findings=findings,
        stats=stats,
        summary=overlay.get("summary", r.summary),
        degraded=overlay.get("degraded", r.degraded),
        notes=tuple(overlay.get("notes", r.notes)),
        llm=overlay.get("llm", r.llm),
    )


def check_golden(path: Path, text: str, update: bool) -> None:
    """Compare ``text`` with the golden file, or rewrite it with ``--update-goldens``."""
    if update or not path.exists():
        path.write_text(text, "utf-8")
        if not update:
            raise AssertionError(f"{path} did not exist; written now: read it, then re-run")
        return
    expected = path.read_text("utf-8")
    assert text == expected, f"{path.name} differs; re-run with --update-goldens and read the diff"


def without_version(text: str) -> str:
    """Goldens do not change with every release."""
    return (
        text.replace(f"intent-reviewer {__version__} ·", "intent-reviewer VERSION ·")
        .replace(f'"version": "{__version__}"', '"version": "VERSION"')
        .replace(f'"semanticVersion": "{__version__}"', '"semanticVersion": "VERSION"')
    )


def big_review(
    *, files: int = 10_000, findings: int = 4_000, questions: int = 1_500, long_text: int = 0
) -> Review:
    """A synthetic review of a huge diff: every third file out of scope, findings of every severity.

    ``long_text`` > 0 makes every path, title, question and answer about that many characters long.
    """
    pad = "x" * long_text
    kinds = list(CHANGE_KINDS)
    reviews: list[FileReview] = []
    for i in range(files):
        kind = kinds[i % len(kinds)]
        scope = FileScope(
            path=f"services/svc{i % 97}/module_{i}/handler_{i}{pad}.py",
            old_path=f"services/old/handler_{i}.py" if i % 50 == 0 else None,
            status="renamed" if i % 50 == 0 else ("deleted" if i % 41 == 0 else "modified"),
            language="python",
            signals=(Signal(kind=kind, code="test.signal", detail=f"signal {i}"),)
            if i % 4 == 0
            else (),
            additions=i % 30,
            deletions=i % 7,
        )
        explained = i % 3 != 0
        reviews.append(
            FileReview(
                scope=scope,
                explained=explained,
                explained_by=("path: handler", f"symbol: handle_{i}") if explained else (),
                unexplained_symbols=() if explained else (f"handle_{i}", f"Helper{i}"),
            )
        )
    found = tuple(
        Finding(
            id=f"RV201-{i:012x}",
            rule="RV201" if i % 3 else "RV101",
            severity=SEVERITIES[::-1][i % 5],
            title=f"Deletes resource `aws_s3_bucket.bucket_{i}` | with a pipe {pad}",
            path=reviews[i % files].scope.path,
            line=i % 300 + 1,
            kind="resource_deletion" if i % 3 else None,
            side="old" if i % 7 == 0 else "new",
            licensed=i % 11 == 0,
        )
        for i in range(findings)
    )
    asked = tuple(
        Question(
            id=f"Q{i:07X}",
            finding=found[i % findings].id,
            text=f"`aws_s3_bucket.bucket_{i}` is deleted: where is the backup? {pad}",
            answered=i % 4 == 0,
            answer=f"Snapshot snap-{i} exists {pad}" if i % 4 == 0 else None,
        )
        for i in range(questions)
    )
    return Review(
        verdict="mismatch",
        requires_answers=True,
        blast_radius=BlastRadius("critical", tuple(f"reason {i} (`path/{i}`)" for i in range(10))),
        intent=Intent(source="pr", text="Fix a typo in the README", title="Fix a typo", type="fix"),
        files=tuple(reviews),
        findings=found,
        questions=asked,
        out_of_scope_paths=tuple(fr.scope.path for fr in reviews if not fr.explained),
        stats=Stats(files=files, additions=123_456, deletions=65_432),
        notes=tuple(f"note {i}" for i in range(50)),
    )
