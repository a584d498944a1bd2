"""What the commit hooks share: the policy from before the change, the review of a commit against
its message, and the report on the terminal."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import Any

from . import git
from .commit_message import Rejected, combine_intent
from .config import Config
from .models import Review


def review_commit(
    raw_diff: bytes,
    message: str,
    record: Mapping[str, Any] | None,
    config: Config,
    blobs: git.GitBlobs,
    *,
    started: float,
    llm: bool,
) -> Review:
    """The review of a commit's diff against its message (and the branch's recorded intent)."""
    from .diff import decode, parse_diff
    from .pipeline import LLMStep, review_change

    return review_change(
        parse_diff(decode(raw_diff)),
        combine_intent(message, record),
        config,
        blobs=blobs,
        llm=LLMStep() if llm else None,
        started=started,
    )


def policy_before(path: str | None, rev: str | None, reader: git.BlobReader) -> Config:
    """The policy from before the change (never from the index or the pushed commits)."""
    from . import config as cfg

    if path:
        return cfg.load_file(path)
    if rev is None:
        return cfg.Config()

    def read_at(name: str) -> str | None:
        data = reader.read(rev, name)
        return None if data is None else data.decode("utf-8", "replace")

    return cfg.load_at(read_at, where=f"at {rev[:12]}")


def first_open(review: Review) -> str:
    return next((q.id for q in review.questions if not q.answered), "<id>")


def show(review: Review) -> None:
    from .render.text import render

    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    try:
        width = max(60, min(120, os.get_terminal_size().columns))
    except OSError:
        width = 80
    sys.stdout.write(render(review, color=color, width=width))


def show_brief(review: Review) -> None:
    s = review.stats
    out(
        f"intent-review: ALIGNED · blast radius {review.blast_radius.level.upper()} · "
        f"{s.files} file(s), +{s.additions} -{s.deletions}, {s.elapsed_ms} ms"
    )
    for note in review.notes:
        out(f"note: {note}")


def show_rejected(rejected: list[Rejected]) -> None:
    for r in rejected:
        shown = r.answer if len(r.answer) <= 40 else r.answer[:37] + "..."
        out(f"rejected answer to {r.question}: {shown!r} is {r.reason}; answer in a sentence")


def out(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def err(text: str) -> None:
    sys.stderr.write(text + "\n")
