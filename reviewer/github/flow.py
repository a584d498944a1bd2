"""One review run for a pull request event, shared by the Action and the App.

read (PR, conversation, state, diff, policy) -> review -> answers and sign-offs -> gate -> publish.
Reading failures are errors (nothing to show); publishing failures are notes (the review is kept).
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

from ..config import Config
from ..errors import GitHubError
from ..gate import Gate, decide
from ..intent import parse_intent
from ..models import Diff, Review, level_rank
from ..record import field, record, replace
from . import ai, slash
from .answers import Ledger, apply_answers, is_bot, is_ours, reconcile
from .api import Client
from .event import Comment, Event, PullRequest, pull_request_from
from .people import People
from .sources import Material, gather
from .state import SignOff, State, dump, embedded, load, remember_head, remember_run

CHECK_NAME = "intent-review"
_PROMPT_TRAILER_RE = re.compile(r"^(?:ai-prompt|prompt|assistant-prompt)\s*:.+$", re.I | re.M)


@record(slots=False)
class Settings:
    fail_on: str | None = None
    inline_comments: int = 10
    senior_reviewers: tuple[str, ...] | None = None
    ai_markers: tuple[str, ...] = ()
    config_path: str | None = None
    llm: bool = False
    model: str | None = None
    llm_base_url: str | None = None
    state_key: bytes | None = None
    #: our own logins (lower case): only their comments carry our state and are ever edited
    bot_logins: frozenset[str] = frozenset({"github-actions[bot]"})
    #: put findings as annotations on our check run (the App); the Action prints workflow commands
    check_annotations: bool = False
    workspace: Path | None = None
    server_url: str = "https://github.com"
    details_url: str | None = None
    #: the Actions run (``GITHUB_RUN_ID``) and its attempt: a re-run replays an old event
    run_id: str | None = None
    run_attempt: int = 1
    #: the SQLite review history to record each review in (``reviewer stats`` reads it)
    history_db: str | None = None
    #: who runs the flow, as the history records it: the Action or the App
    surface: str = "action"


@record(frozen=False, slots=False)
class Outcome:
    event: Event
    skipped: str | None = None
    pr: PullRequest | None = None
    review: Review | None = None
    diff: Diff | None = None
    config: Config | None = None
    fail_on: str = "mismatch"
    gate: Gate | None = None
    assistance: ai.Assistance | None = None
    state: State | None = None
    state_text: str | None = None
    sticky: Comment | None = None
    comments: list[Comment] = field(default_factory=list)
    ledger: Ledger | None = None
    prior: State | None = None
    notes: list[str] = field(default_factory=list)
    #: what publishing did: {"comment": "created", "check": "denied", ...}
    posted: dict[str, str] = field(default_factory=dict)


def run(client: Client, event: Event, settings: Settings) -> Outcome:
    out = Outcome(event=event)
    if not event.relevant:
        out.skipped = f"{event.name}.{event.action}: nothing to review"
        return out
    # a comment without commands only matters when no review of the current head exists yet (a
    # concurrency group may have dropped the pending run of a push in favour of this one)
    idle = event.name == "issue_comment" and (
        event.comment is None
        or is_bot(event.comment, settings.bot_logins)
        or not slash.parse(event.comment.body)
    )
    out.pr = pr = _fresh_pr(client, event)
    if pr.state != "open":
        out.skipped = f"pull request #{pr.number} is {pr.state}"
        return out

    out.comments = comments = client.issue_comments(pr.repo, pr.number)
    sticky = find_sticky(comments, settings.bot_logins)
    scope = f"{pr.repo}#{pr.number}"
    prior: State | None = None
    if sticky is not None:
        out.sticky = sticky
        prior, problem = load(sticky.body, key=settings.state_key, scope=scope)
        if prior is None and problem and embedded(sticky.body) is not None:
            out.notes.append(
                f"{problem}: it was ignored and the answers were rebuilt from the conversation"
            )
    if idle and prior is not None and prior.head == pr.head_sha:
        out.skipped = "a comment without commands; the review of this head is current"
        return out
    out.prior = prior
    replayed = (
        settings.run_attempt > 1
        and settings.run_id is not None
        and prior is not None
        and settings.run_id in prior.runs
    )
    if replayed:
        out.notes.append(
            f"attempt {settings.run_attempt} of run {settings.run_id}, which was reviewed before: "
            "the commands of the comment that started it are not applied again"
        )
    # when this head was first reviewed, in comment ids (see state.py): only comments written
    # after that may sign it off
    watermark = prior.watermark(pr.head_sha) if prior is not None else None
    if watermark is None:
        watermark = max((c.id for c in comments), default=0)

    material = gather(client, pr, workspace=settings.workspace, config_path=settings.config_path)
    try:
        review, config = _review(pr, material, settings, out)
    finally:
        material.close()
    out.config = config
    out.fail_on = settings.fail_on or config.fail_on
    out.diff = material.diff

    seniors = (
        settings.senior_reviewers
        if settings.senior_reviewers is not None
        else config.senior_reviewers
    )
    people = People(client, pr.repo, pr.author, seniors)
    # an answer to an id a question had before concerns were grouped still counts
    questions = {qid for q in review.questions for qid in (q.id, *q.aliases)}
    ledger = reconcile(
        prior,
        comments,
        questions=questions,
        head=pr.head_sha,
        people=people,
        trigger=event.comment if event.name == "issue_comment" and not replayed else None,
        bots=settings.bot_logins,
        watermark=watermark,
    )
    out.ledger = ledger
    ledger.signoffs.extend(_approvals(client, pr, people, ledger.signoffs))
    review = apply_answers(review, ledger.answers)

    markers = settings.ai_markers + config.ai_markers
    out.assistance = assistance = ai.detect(
        labels=pr.labels,
        author=pr.author,
        author_type=pr.author_type,
        body=pr.body,
        commits=material.commits,
        markers=markers,
    )
    required = assistance.detected and level_rank(review.blast_radius.level) >= level_rank("high")
    out.gate = gate = decide(
        review,
        out.fail_on,
        signoff_required=required,
        signed_off_by=tuple(s.by for s in ledger.signoffs),
    )
    out.notes.extend(people.notes)
    out.review = review = _annotate(review, assistance, gate, out.notes)
    out.state = State(
        head=pr.head_sha,
        base=pr.base_sha,
        questions=tuple(q.id for q in review.questions),
        answers=tuple(ledger.answers[q] for q in sorted(ledger.answers)),
        signoffs=tuple(ledger.signoffs),
        requested=prior.requested if prior else "",
        heads=remember_head(prior.heads if prior else (), pr.head_sha, watermark),
        runs=remember_run(prior.runs if prior else (), settings.run_id),
    )
    out.state_text = dump(out.state, key=settings.state_key, scope=scope)
    from .history import record

    record(out, settings, surface=settings.surface)
    return out


def _fresh_pr(client: Client, event: Event) -> PullRequest:
    """The pull request as it is now (a payload can be older than the head GitHub has)."""
    try:
        return pull_request_from(client.pull(event.repo, event.number), event.repo)
    except GitHubError:
        if event.pr is None:
            raise
        return event.pr


def find_sticky(comments: list[Comment], own: frozenset[str]) -> Comment | None:
    """The oldest comment of ours that carries a review state: the one sticky comment."""
    mine = [c for c in comments if is_ours(c, own) and embedded(c.body) is not None]
    return min(mine, key=lambda c: c.id) if mine else None


def _review(
    pr: PullRequest, material: Material, settings: Settings, out: Outcome
) -> tuple[Review, Config]:
    from ..pipeline import LLMStep, review_change

    started = time.perf_counter()
    config = material.config
    text = pr.body
    prompts = [m.group(0) for c in material.commits for m in _PROMPT_TRAILER_RE.finditer(c.message)]
    if prompts:
        text = f"{text}\n\n" + "\n".join(dict.fromkeys(prompts))
    intent = parse_intent(text, source="pr", title=pr.title)
    result = review_change(
        material.diff,
        intent,
        config,
        blobs=material.blobs,
        llm=LLMStep(model=settings.model, base_url=settings.llm_base_url) if settings.llm else None,
        started=started,
    )
    notes = list(material.notes)
    failures = getattr(material.blobs, "failures", 0)
    if failures:
        notes.append(
            f"{failures} file(s) could not be read whole from GitHub and were reviewed from their hunks"
        )
    notes.append(f"diff from the {material.origin}; policy from {config.source}")
    return replace(result, notes=result.notes + tuple(notes)), config


def _approvals(
    client: Client, pr: PullRequest, people: People, have: list[SignOff]
) -> list[SignOff]:
    """Approving reviews of the current head by senior reviewers count as sign-offs."""
    out: list[SignOff] = []
    seen = {s.by.lower() for s in have}
    for r in client.reviews(pr.repo, pr.number):
        user = r.get("user") if isinstance(r.get("user"), dict) else None
        login = str(user.get("login") or "") if user else ""
        if (
            str(r.get("state") or "").upper() != "APPROVED"
            or r.get("commit_id") != pr.head_sha
            or not login
            or login.lower() in seen
        ):
            continue
        if people.can_sign_off(login):
            seen.add(login.lower())
            out.append(
                SignOff(
                    by=login,
                    at=str(r.get("submitted_at") or ""),
                    head=pr.head_sha,
                    review=int(r["id"]) if isinstance(r.get("id"), int) else None,
                )
            )
    return out


def _annotate(review: Review, assistance: ai.Assistance, gate: Gate, notes: list[str]) -> Review:
    extra: list[str] = []
    if assistance.detected:
        extra.append("AI-assisted change: " + "; ".join(assistance.evidence))
    if gate.signoff_required:
        extra.append(
            "senior sign-off: "
            + (
                ", ".join(f"@{b}" for b in gate.signed_off_by)
                if gate.signed_off_by
                else "required (a senior reviewer comments `/signoff` or approves)"
            )
        )
    extra.extend("gate: " + r for r in gate.reasons)
    extra.extend(notes)
    return replace(review, notes=review.notes + tuple(dict.fromkeys(extra)))


def details(outcome: Outcome) -> dict[str, Any]:
    """A small summary for logs and the App's responses."""
    return {
        "skipped": outcome.skipped,
        "verdict": outcome.review.verdict if outcome.review else None,
        "blocked": outcome.gate.blocked if outcome.gate else None,
        "posted": dict(outcome.posted),
    }
