"""``reviewer hook pre-push``: every pushed commit against its own message; ``Reviewer-Answer:``
trailers anywhere in the pushed range answer."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Mapping

from .. import git
from ..commit_message import Rejected, apply_answers, parse_answers
from ..config import Config
from ..errors import GitError, UsageError
from ..gate import decide
from ..hook_review import out, policy_before, review_commit, show, show_rejected
from ..intent_store import IntentStore
from ..models import Review
from ..record import record, replace

#: beyond this many pushed commits, the range is reviewed as one change
MAX_PUSH_COMMITS = 50
ZERO = "0" * 40


@record
class Options:
    """The hook's arguments that every pushed ref is reviewed under."""

    fail_on: str | None = None
    config_path: str | None = None
    llm: bool = False
    #: also record each review in this history file
    record_db: str | None = None


def pre_push(
    remote: str | None,
    *,
    from_ref: str | None = None,
    to_ref: str | None = None,
    options: Options | None = None,
) -> bool:
    """Review the pushed refs (``from_ref``..``to_ref``, pre-commit's environment, or git's own
    pre-push protocol: ref lines on stdin); True when the push is blocked."""
    started = time.perf_counter()
    options = options or Options()
    pushes = _pushes(remote, from_ref, to_ref)
    if not pushes:
        out("intent-review-push: nothing to push: nothing to review")
        return False
    stop = False
    reader = git.BlobReader()
    try:
        for push in pushes:
            stop = _review_push(push, options, reader, started) or stop
    finally:
        reader.close()
    if stop:
        out(
            "To push, answer each open question with a trailer line "
            '"Reviewer-Answer: <id> <what you checked, in a sentence>" in one of the pushed commits\' '
            'messages (git commit --amend, or a new commit: git commit --allow-empty -m "Answer review '
            'questions" -m "Reviewer-Answer: ..."), or skip this check once: SKIP=intent-review-push git push ...'
        )
    return stop


@record
class Push:
    local_ref: str | None  # refs/heads/x, or None when unknown
    local_sha: str
    remote_sha: str | None  # None or ZERO when the remote ref is new
    remote: str | None


def _pushes(remote: str | None, from_ref: str | None, to_ref: str | None) -> list[Push]:
    """The pushed refs: from --from-ref/--to-ref, pre-commit's environment, git's own pre-push
    protocol (``reviewer hook pre-push REMOTE URL`` with ref lines on stdin), or by hand."""
    env = os.environ
    if bool(from_ref) != bool(to_ref):
        raise UsageError("give both --from-ref and --to-ref, or neither")
    local_ref = env.get("PRE_COMMIT_LOCAL_BRANCH") or None
    given_remote = remote
    remote = remote or env.get("PRE_COMMIT_REMOTE_NAME") or None
    from_ref = from_ref or env.get("PRE_COMMIT_FROM_REF") or env.get("PRE_COMMIT_ORIGIN")
    to_ref = to_ref or env.get("PRE_COMMIT_TO_REF") or env.get("PRE_COMMIT_SOURCE")
    if from_ref and to_ref:
        return [Push(local_ref, _resolve(to_ref), _resolve(from_ref), remote)]
    if given_remote and not env.get("PRE_COMMIT"):
        return _pushes_from_stdin(given_remote)
    # pre-commit without refs: a new branch whose history reaches a root commit; or by hand
    target = local_ref or "HEAD"
    sha = git.verify_commit(target)
    if sha is None:
        return []
    return [Push(local_ref or git.symbolic_ref("HEAD"), sha, None, remote)]


def _pushes_from_stdin(remote: str) -> list[Push]:
    out: list[Push] = []
    data = (
        sys.stdin.buffer.read(1_000_000)
        if sys.stdin is not None and not sys.stdin.isatty()
        else b""
    )
    for line in data.decode("utf-8", "replace").splitlines():
        parts = line.split()
        if len(parts) != 4:
            continue
        local_ref, local_sha, _remote_ref, remote_sha = parts
        out.append(Push(local_ref, local_sha, remote_sha, remote))
    return out


def _review_push(push: Push, options: Options, reader: git.BlobReader, started: float) -> bool:
    label = git.short_ref(push.local_ref) if push.local_ref else push.local_sha[:12]
    if push.local_sha == ZERO:
        out(f"intent-review-push: {label}: deleting a remote ref: nothing to review")
        return False
    if git.run(["cat-file", "-t", push.local_sha], check=False).strip() not in (b"commit", b"tag"):
        raise GitError(
            f"the pushed revision {push.local_sha[:12]} is not a commit in this repository"
        )
    base = (
        push.remote_sha
        if push.remote_sha and push.remote_sha != ZERO and git.verify_commit(push.remote_sha)
        else None
    )
    notes: list[str] = []
    if base is None:
        base, why = _new_ref_base(push)
        notes.append(why)
    commits = git.log_commits(base, push.local_sha)
    if not commits:
        out(
            f"intent-review-push: {label}: every pushed commit is already on the remote: nothing to review"
        )
        return False
    policy_rev = base or (commits[0].parents[0] if commits[0].parents else None)
    config = policy_before(options.config_path, policy_rev, reader)
    fail_on = options.fail_on or config.fail_on
    branch = (
        git.short_ref(push.local_ref)
        if push.local_ref and push.local_ref.startswith("refs/heads/")
        else None
    )
    recorded = IntentStore.here(branch=branch or git.current_branch()).get()
    answers = parse_answers(c.message for c in commits)
    stop = False
    if len(commits) > MAX_PUSH_COMMITS:
        start = base or git.EMPTY_TREE
        raw = git.diff_between(start, push.local_sha)
        message = "\n\n".join(c.message for c in commits)
        review = review_commit(
            raw,
            message,
            recorded,
            config,
            git.GitBlobs(reader, start, push.local_sha),
            started=started,
            llm=options.llm,
        )
        notes.append(f"{len(commits)} commits: reviewed as one change against all their messages")
        return _report_push(
            f"{label} ({len(commits)} commits)",
            review,
            notes,
            answers,
            fail_on,
            recorder=_push_recorder(options, [c.message for c in commits], push.local_sha, config),
        )
    for c in commits:
        subject = c.message.split("\n", 1)[0][:72]
        if len(c.parents) > 1:
            out(f"intent-review-push: {c.sha[:10]} {subject}: merge commit: not reviewed")
            continue
        parent = c.parents[0] if c.parents else git.EMPTY_TREE
        raw = git.diff_between(parent, c.sha)
        if not raw.strip():
            continue
        review = review_commit(
            raw,
            c.message,
            recorded,
            config,
            git.GitBlobs(reader, parent, c.sha),
            started=time.perf_counter(),
            llm=options.llm,
        )
        stop = (
            _report_push(
                f"{c.sha[:10]} {subject}",
                review,
                notes,
                answers,
                fail_on,
                recorder=_push_recorder(options, [c.message], c.sha, config),
            )
            or stop
        )
    return stop


def _push_recorder(
    options: Options, messages: list[str], commit: str, config: Config
) -> Callable[[Review, list[Rejected], bool], None] | None:
    """Record a pushed commit's review in ``--record``'s history (with its trailers' feedback)."""
    db = options.record_db
    if not db:
        return None

    def write(review: Review, rejected: list[Rejected], stop: bool) -> None:
        from ..history.record import record_hook_review

        record_hook_review(
            db,
            review,
            messages=messages,
            rejected=[(r.question, r.answer, r.reason) for r in rejected],
            blocked=stop,
            commit=commit,
            config=config,
        )

    return write


def _report_push(
    label: str,
    review: Review,
    notes: list[str],
    answers: Mapping[str, str],
    fail_on: str,
    *,
    recorder: Callable[[Review, list[Rejected], bool], None] | None = None,
) -> bool:
    review = replace(review, notes=(*review.notes, *notes))
    review, rejected = apply_answers(review, answers)
    stop = decide(review, fail_on).blocked
    if recorder is not None:
        recorder(review, rejected, stop)
    if stop or review.verdict != "aligned" or review.questions:
        out(f"--- intent-review-push: {label}")
        show(review)
        show_rejected(rejected)
    else:
        out(f"intent-review-push: {label}: aligned, blast radius {review.blast_radius.level}")
        for note in review.notes:
            out(f"  note: {note}")
    return stop


def _new_ref_base(push: Push) -> tuple[str | None, str]:
    """Where a new remote ref's change starts: the parent of the first commit not on the remote,
    else (no remote-tracking refs at all) the merge-base with the default branch, else the root."""
    remotes = f"refs/remotes/{push.remote}/" if push.remote else "refs/remotes/"
    if git.run(["for-each-ref", "--count=1", "--format=x", remotes]).strip():
        spec = f"--remotes={push.remote}" if push.remote else "--remotes"
        out = git.run(
            ["rev-list", "--topo-order", "--reverse", "--parents", push.local_sha, "--not", spec]
        )
        first = out.decode().split("\n", 1)[0].split()
        if not first:
            return push.local_sha, "every commit is already on the remote"
        why = "new remote ref: reviewed the commits that are not on the remote"
        return (first[1], why) if len(first) > 1 else (None, why)
    default = _default_branch(push)
    if default is not None:
        fork = git.run(["merge-base", default, push.local_sha], check=False).decode().strip()
        if fork and fork != push.local_sha:
            return (
                fork,
                f"new remote ref: reviewed the commits since the merge-base with {git.short_ref(default)}",
            )
    return None, "new remote ref: reviewed the whole history"


def _default_branch(push: Push) -> str | None:
    candidates = []
    if push.remote:
        candidates.append(git.symbolic_ref(f"refs/remotes/{push.remote}/HEAD"))
    configured = git.run(["config", "--get", "init.defaultBranch"], check=False).decode().strip()
    candidates += [
        f"refs/heads/{configured}" if configured else None,
        "refs/heads/main",
        "refs/heads/master",
    ]
    for ref in candidates:
        if ref and ref != push.local_ref and git.verify_commit(ref):
            return ref
    return None


def _resolve(rev: str) -> str:
    if rev == ZERO:
        return rev
    sha = git.verify_commit(rev)
    if sha is None:
        raise GitError(f"unknown revision {rev!r}: fetch it or check the name")
    return sha
