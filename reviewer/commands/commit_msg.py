"""``reviewer hook commit-msg``: the staged change (what the commit will contain) against the
message being written."""

from __future__ import annotations

import time

from .. import git
from ..commit_call import commit_call
from ..commit_message import (
    apply_answers,
    clean_message,
    message_settings,
    parse_answers,
    read_message,
)
from ..gate import decide
from ..hook_review import (
    first_open,
    out,
    policy_before,
    review_commit,
    show,
    show_brief,
    show_rejected,
)
from ..intent_store import IntentStore
from ..record import replace


def commit_msg(
    message_file: str | None,
    *,
    fail_on: str | None = None,
    config_path: str | None = None,
    llm: bool = False,
    record_db: str | None = None,
) -> bool:
    """Review the staged change against the commit message; True when the commit is blocked.

    ``message_file``: the message git is writing (default: COMMIT_EDITMSG); ``record_db``: also
    record the review in this history file."""
    started = time.perf_counter()
    merge_head, commit_editmsg = git.git_paths("MERGE_HEAD", "COMMIT_EDITMSG")
    if merge_head.exists():
        out(
            "intent-review: merge commit: not reviewed here (the merged commits were reviewed when they "
            "were committed; the pre-push hook and the pull request review see the result)"
        )
        return False
    # pre-commit passes the file only with pass_filenames: true; outside a merge (skipped above)
    # git always hands a commit-msg hook its COMMIT_EDITMSG
    name = message_file or str(commit_editmsg)
    raw = read_message(name)
    comment, cleanup = message_settings(raw)
    message = clean_message(raw, comment=comment, cleanup=cleanup)

    call = commit_call()
    if not message and call is not None and not call.allow_empty_message:
        return False  # git aborts a commit with an empty message itself; nothing will be committed
    head = git.verify_commit("HEAD")
    notes: list[str] = []
    base: str | None = head
    if head is not None and call is not None and call.amend:
        parents = git.parents(head)
        if len(parents) > 1:
            out("intent-review: amending a merge commit: not reviewed here (see the pre-push hook)")
            return False
        base = parents[0] if parents else None
        notes.append("amend: reviewed what the amended commit will contain (HEAD^..index)")
    raw_diff = git.diff_staged() if base == head else git.diff_staged(base=base or git.EMPTY_TREE)
    if not raw_diff.strip():
        out("intent-review: nothing staged: nothing to review")
        return False

    store = IntentStore.here()
    recorded = store.get()
    reader = git.BlobReader()
    try:
        config = policy_before(config_path, base, reader)
        review = review_commit(
            raw_diff,
            message,
            recorded,
            config,
            git.GitBlobs(reader, base or git.EMPTY_TREE, git.INDEX),
            started=started,
            llm=llm,
        )
    finally:
        reader.close()
    if recorded is not None:
        notes.append(
            f"intent includes the {recorded['source']} recorded for {store.label} at {recorded['set_at']}"
        )
    review = replace(review, notes=(*review.notes, *notes))
    answers = parse_answers([message])
    review, rejected = apply_answers(review, answers)
    unknown = sorted(set(answers) - {q.id.upper() for q in review.questions})
    stop = decide(review, fail_on or config.fail_on).blocked
    if stop or review.verdict != "aligned" or review.questions:
        show(review)
    else:  # nothing to say but the verdict and the notes (pre-commit shows them with verbose)
        show_brief(review)
    show_rejected(rejected)
    if unknown:
        out(f"note: Reviewer-Answer for unknown question(s) {', '.join(unknown)}: ignored")
    if record_db:
        from ..history.record import record_hook_review

        record_hook_review(
            record_db,
            review,
            messages=[message],
            rejected=[(r.question, r.answer, r.reason) for r in rejected],
            blocked=stop,
            commit=None,
            config=config,
        )
    if stop:
        out(
            "To commit, answer each open question with a trailer line in the message, e.g. "
            f'"Reviewer-Answer: {first_open(review)} <what you checked, in a sentence>" '
            f"(edit it again: git commit -e -F {name}), or skip this check once: "
            "SKIP=intent-review git commit ..."
        )
    return stop
