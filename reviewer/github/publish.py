"""Posting a run's results: the sticky comment, inline comments, the check, reviewer requests, replies.

Each write is independent and may fail without losing the review: a 403 (a fork's read-only token,
a missing permission) switches the run to read-only and is reported once; other failures are noted.
"""

from __future__ import annotations

import logging
from typing import Any

from ..errors import GitHubError
from ..models import Diff, Finding, Review, severity_rank
from ..record import replace
from ..rx import lazy
from .answers import is_ours
from .api import Client, Denied, Invalid
from .event import Comment
from .flow import CHECK_NAME, Outcome, Settings, find_sticky
from .state import dump, embedded

log = logging.getLogger("intent_reviewer.publish")
INLINE_MARKER = "intent-reviewer:inline"
_INLINE_RE = lazy(rf"<!-- {INLINE_MARKER} ([\w.-]+) -->")
MAX_CHECK_TEXT = 60_000
MAX_CHECK_ANNOTATIONS = 50


class Publisher:
    def __init__(self, client: Client, outcome: Outcome, settings: Settings) -> None:
        assert outcome.pr is not None and outcome.review is not None and outcome.gate is not None
        self.client = client
        self.out = outcome
        self.settings = settings
        self.pr = outcome.pr
        self.read_only = False

    def all(self) -> None:
        """Everything: reviewer requests (recorded in the state), comment, check, inline, replies."""
        if self._stale():
            return
        self._step("reviewers", self.reviewers)
        self._step("comment", lambda: self.sticky(self.body()))
        self._step("check", self.check)
        self._step("inline", self.inline)
        self._step("replies", self.replies)

    def body(self) -> str:
        """The sticky comment: the rendered review with the (sealed) state hidden inside."""
        from ..render.markdown import render

        assert self.out.state is not None and self.out.review is not None
        self.out.state_text = dump(
            self.out.state, key=self.settings.state_key, scope=f"{self.pr.repo}#{self.pr.number}"
        )
        return render(self.out.review, state=self.out.state_text) + help_text(self.out)

    def _step(self, name: str, fn: Any) -> None:
        if self.read_only:
            self.out.posted[name] = "skipped (read-only token)"
            return
        try:
            self.out.posted[name] = fn()
        except Denied as exc:
            self.read_only = True
            self.out.posted[name] = "denied"
            self.out.notes.append(
                f"could not post the {name}: the token may not write here ({exc}); a pull request from a "
                "fork gets a read-only token, so the review is in the job summary and annotations only"
            )
        except GitHubError as exc:
            self.out.posted[name] = "failed"
            self.out.notes.append(f"could not post the {name}: {exc}")
        except Exception as exc:  # a bug while publishing: the review itself is kept, and said
            log.exception("publishing the %s failed", name)
            self.out.posted[name] = "failed"
            self.out.notes.append(f"could not post the {name}: {type(exc).__name__}: {exc}")

    def _stale(self) -> bool:
        """A newer push arrived while we reviewed: its own run owns the comment and the check."""
        try:
            head = self.client.pull(self.pr.repo, self.pr.number).get("head", {}).get("sha")
        except GitHubError:
            return False
        if isinstance(head, str) and head != self.pr.head_sha:
            self.out.posted["comment"] = "skipped (superseded)"
            self.out.notes.append(
                f"the pull request moved on to {head[:12]} while this run reviewed "
                f"{self.pr.head_sha[:12]}: nothing was posted for the old head"
            )
            return True
        return False

    # --- the sticky comment --------------------------------------------------------------------

    def sticky(self, body: str) -> str:
        repo, number, bots = self.pr.repo, self.pr.number, self.settings.bot_logins
        existing = self.out.sticky
        if existing is not None:
            # leftovers of an interrupted race: only the oldest comment stays
            for extra in self.out.comments:
                if extra.id > existing.id and is_sticky(extra, bots):
                    self.client.delete_comment(repo, extra.id)
            if existing.body == body:
                return "unchanged"
            self.client.edit_comment(repo, existing.id, body)
            return "edited"
        created = self.client.create_comment(repo, number, body)
        # two runs may both have found no comment: the oldest one stays, the others go
        mine = sorted(
            (
                c
                for c in self.client.issue_comments(repo, number)
                if is_ours(c, bots) and embedded(c.body) is not None
            ),
            key=lambda c: c.id,
        )
        if len(mine) > 1:
            keeper = mine[0]
            for extra in mine[1:]:
                self.client.delete_comment(repo, extra.id)
            if keeper.id != created.id:
                self.client.edit_comment(repo, keeper.id, body)
                self.out.sticky = replace(keeper, body=body)
                return "merged into the existing comment"
        self.out.sticky = created
        return "created"

    def comment_url(self) -> str | None:
        c = self.out.sticky
        if c is None:
            return None
        return (
            f"{self.settings.server_url}/{self.pr.repo}/pull/{self.pr.number}#issuecomment-{c.id}"
        )

    # --- the check -----------------------------------------------------------------------------

    def check(self) -> str:
        review, gate = self.out.review, self.out.gate
        assert review is not None and gate is not None
        title = check_title(review, gate)
        summary = "\n".join(
            [f"**{title}**", ""]
            + [f"- {r}" for r in gate.reasons]
            + ([f"\n[The review]({self.comment_url()})"] if self.comment_url() else [])
        )
        output: dict[str, Any] = {"title": title[:1000], "summary": summary[:MAX_CHECK_TEXT]}
        if self.settings.check_annotations:
            notes = check_annotations(review)
            if notes:
                output["annotations"] = notes
        payload: dict[str, Any] = {
            "name": CHECK_NAME,
            "head_sha": self.pr.head_sha,
            "status": "completed",
            "conclusion": gate.conclusion,
            "output": output,
        }
        url = self.settings.details_url or self.comment_url()
        if url:
            payload["details_url"] = url
        try:
            self.client.create_check_run(self.pr.repo, payload)
            return f"check run {gate.conclusion}"
        except Denied:
            pass  # no checks: write (a personal token, a restricted GITHUB_TOKEN): a commit status
        status: dict[str, Any] = {
            "state": "failure" if gate.blocked else "success",
            "context": CHECK_NAME,
            "description": title[:140],
        }
        if url:
            status["target_url"] = url
        self.client.create_status(self.pr.repo, self.pr.head_sha, status)
        return f"commit status {status['state']}"

    # --- reviewers -----------------------------------------------------------------------------

    def reviewers(self) -> str:
        gate, state = self.out.gate, self.out.state
        assert gate is not None and state is not None
        if not gate.signoff_required or gate.signed_off_by:
            return "not needed"
        if state.requested == self.pr.head_sha:
            return "already requested"
        from .people import People

        seniors = self.settings.senior_reviewers
        if seniors is None and self.out.config is not None:
            seniors = self.out.config.senior_reviewers
        users, teams = People(
            self.client, self.pr.repo, self.pr.author, seniors or ()
        ).reviewer_requests()
        if not users and not teams:
            return "no senior reviewers configured"
        try:
            self.client.request_reviewers(self.pr.repo, self.pr.number, users, teams)
        except Invalid as exc:
            self.out.notes.append(f"could not request the senior reviewers: {exc}")
            return "failed"
        # remembered in the state the next comment edit carries
        self.out.state = replace(state, requested=self.pr.head_sha)
        return "requested " + ", ".join([*users, *(f"team {t}" for t in teams)])

    # --- inline comments -----------------------------------------------------------------------

    def inline(self) -> str:
        limit = self.settings.inline_comments
        review, diff = self.out.review, self.out.diff
        assert review is not None and diff is not None
        if limit <= 0:
            return "off"
        prior, rerun = self.out.prior, bool(self.out.ledger and self.out.ledger.rerun)
        if (
            self.out.event.name != "pull_request"
            and not rerun
            and prior is not None
            and prior.head == self.pr.head_sha
        ):
            return "already reviewed this head"
        existing = self.client.review_comments(self.pr.repo, self.pr.number)
        seen = {m.group(1) for c in existing for m in _INLINE_RE.finditer(str(c.get("body") or ""))}
        room = limit - len(seen)
        picks = [c for c in inline_candidates(review, diff) if c["finding"].id not in seen][
            : max(room, 0)
        ]
        if not picks:
            return f"nothing new ({len(seen)} already posted)"
        comments = [
            {
                "path": p["path"],
                "line": p["line"],
                "side": p["side"],
                "body": inline_body(p["finding"], review),
            }
            for p in picks
        ]
        try:
            self.client.create_review(
                self.pr.repo,
                self.pr.number,
                {
                    "commit_id": self.pr.head_sha,
                    "event": "COMMENT",
                    "body": f"intent-reviewer: {len(comments)} line(s) that the stated intent does not explain "
                    "or that carry a high risk. Answer the questions in the summary comment.",
                    "comments": comments,
                },
            )
        except Invalid as exc:
            self.out.notes.append(f"GitHub refused the inline comments: {exc}")
            return "refused"
        return f"{len(comments)} posted"

    # --- replies -------------------------------------------------------------------------------

    def replies(self) -> str:
        ledger = self.out.ledger
        if ledger is None or not ledger.replies:
            return "none"
        body = "\n\n".join(ledger.replies)
        self.client.create_comment(self.pr.repo, self.pr.number, body)
        return f"{len(ledger.replies)} reply(ies)"


def check_title(review: Review, gate: Any) -> str:
    open_ = sum(1 for q in review.questions if not q.answered)
    parts = [review.verdict, f"blast radius {review.blast_radius.level}"]
    if review.questions:
        parts.append(f"{open_} of {len(review.questions)} questions open")
    if gate.signoff_required:
        parts.append("signed off" if gate.signed_off_by else "sign-off missing")
    return " · ".join(parts)


def diff_lines(diff: Diff) -> dict[tuple[str, str], set[int]]:
    """(path, side) -> the line numbers GitHub accepts review comments on: those inside the hunks."""
    out: dict[tuple[str, str], set[int]] = {}
    for fd in diff.files:
        right = out.setdefault((fd.path, "RIGHT"), set())
        left = out.setdefault((fd.old_path or fd.path, "LEFT"), set())
        for hunk in fd.hunks:
            for prefix, old, new, _ in hunk.numbered():
                if new is not None:
                    right.add(new)
                if prefix == "-" and old is not None:
                    left.add(old)
    return out


def _inline_worthy(f: Finding, review: Review) -> bool:
    out_of_scope = (
        f.path in review.out_of_scope_paths and not f.licensed and f.rule not in ("RV502",)
    )
    return bool(f.path and f.line) and (
        out_of_scope or severity_rank(f.severity) >= severity_rank("high")
    )


def inline_candidates(review: Review, diff: Diff) -> list[dict[str, Any]]:
    lines = diff_lines(diff)
    out = []
    for f in review.findings:
        if not _inline_worthy(f, review):
            continue
        side = "LEFT" if f.side == "old" else "RIGHT"
        assert f.path is not None and f.line is not None
        if f.line in lines.get((f.path, side), set()):
            out.append({"finding": f, "path": f.path, "line": f.line, "side": side})
    return out


def inline_body(f: Finding, review: Review) -> str:
    from ..render.markdown import inline as md_inline

    qs = [q for q in review.questions if f.id in (q.finding, *q.findings)]
    lines = [f"**{f.severity}** · `{f.rule}` · {md_inline(f.title, limit=300)}"]
    if qs:
        lines.append("")
        lines.append("Answer in the conversation: " + ", ".join(f"`/answer {q.id} …`" for q in qs))
    lines.append(f"<!-- {INLINE_MARKER} {f.id} -->")
    return "\n".join(lines)


def check_annotations(review: Review) -> list[dict[str, Any]]:
    out = []
    for f in review.findings:
        if not f.path or f.side == "old" or severity_rank(f.severity) < severity_rank("low"):
            continue
        line = f.line or 1
        out.append(
            {
                "path": f.path,
                "start_line": line,
                "end_line": line,
                "annotation_level": "failure"
                if severity_rank(f.severity) >= severity_rank("high")
                else "warning",
                "title": f.rule,
                "message": f.title[:500],
            }
        )
    return out[:MAX_CHECK_ANNOTATIONS]


def is_sticky(comment: Comment, own: frozenset[str]) -> bool:
    return is_ours(comment, own) and embedded(comment.body) is not None


__all__ = ["Publisher", "check_title", "diff_lines", "find_sticky", "inline_candidates"]


def help_text(outcome: Outcome) -> str:
    """How to act on the review: the commands, said once under the review."""
    review, gate = outcome.review, outcome.gate
    assert review is not None and gate is not None
    lines = []
    open_ = [q for q in review.questions if not q.answered]
    if open_:
        lines.append(
            f"> Answer each open question in its own comment line: `/answer {open_[0].id} <what you checked "
            "and why it is safe>` (the PR author or a collaborator with write access). One-word answers are "
            "not accepted."
        )
    if gate.signoff_required and not gate.signed_off_by:
        lines.append(
            "> A senior reviewer signs off with a `/signoff` comment or by approving the pull request."
        )
    lines.append("> `/review` re-runs the review.")
    return "\n" + "\n>\n".join(lines) + "\n"
