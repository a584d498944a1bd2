"""pre-commit hook entry points (``reviewer hook commit-msg|pre-push``) and ``reviewer intent``."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import git
from .errors import GitError, UsageError
from .record import record, replace
from .rx import lazy

if TYPE_CHECKING:
    from .config import Config
    from .models import Intent, Review

INTENT_FILE = "reviewer-intent.json"
MAX_INTENT_CHARS = 100_000
MAX_MESSAGE_BYTES = 1_000_000
#: beyond this many pushed commits, the range is reviewed as one change
MAX_PUSH_COMMITS = 50
ZERO = "0" * 40
SOURCES = ("prompt", "cli", "pr", "commit")
_SCISSORS = "------------------------ >8 ------------------------"
_AUTO_COMMENT_CHARS = "#;@!$%^&|:"


# --- reviewer intent set|show|clear ------------------------------------------------------------


def intent_command(args: argparse.Namespace) -> int:
    action = getattr(args, "intent_command", None)
    if action not in ("set", "show", "clear"):
        raise UsageError("reviewer intent: choose an action: set TEXT, show or clear")
    store = IntentStore.here()
    if action == "set":
        text = args.text if args.text not in (None, "-") else _read_stdin_intent()
        text = text.strip()
        if not text:
            raise UsageError("the intent is empty: give it as an argument or on stdin")
        if len(text) > MAX_INTENT_CHARS:
            raise UsageError(f"the intent is longer than {MAX_INTENT_CHARS} characters: shorten it")
        record = store.set(text, source=args.source)
        _out(
            f"intent recorded for {store.label} ({record['source']}, {len(text)} characters); "
            "the hooks add it to every commit message until `reviewer intent clear`"
        )
        return 0
    if action == "show":
        shown = store.get()
        if getattr(args, "json", False):
            _out(json.dumps({"branch": store.key, **shown} if shown else None, ensure_ascii=False))
        elif shown is None:
            _err(f"reviewer: no intent recorded for {store.label}")
        else:
            _out(f"# intent for {store.label} ({shown['source']}, set {shown['set_at']})")
            _out(str(shown["text"]))
        return 0
    _out(
        f"intent cleared for {store.label}"
        if store.clear()
        else f"no intent recorded for {store.label}"
    )
    return 0


def _read_stdin_intent() -> str:
    if sys.stdin is None:
        raise UsageError("no intent given and no stdin to read it from")
    if sys.stdin.isatty():
        _err("reviewer: reading the intent from stdin (end with Ctrl-D)")
    data = sys.stdin.buffer.read(MAX_INTENT_CHARS * 4 + 1)
    return data.decode("utf-8", "replace")


class IntentStore:
    """The intents recorded per branch, as JSON under the worktree's git directory.

    The file is per worktree (``git rev-parse --git-path``), so each worktree's detached HEAD has
    its own ``"HEAD"`` entry; branches are keyed by their short name.
    """

    def __init__(self, path: Path, key: str) -> None:
        self.path = path
        self.key = key

    @classmethod
    def here(cls, *, branch: str | None = None) -> IntentStore:
        (path,) = _git_paths(INTENT_FILE)
        return cls(path, branch or current_branch())

    @property
    def label(self) -> str:
        return "detached HEAD" if self.key == "HEAD" else f"branch {self.key!r}"

    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text("utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise UsageError(f"{self.path}: unreadable intent record ({exc}); delete it") from exc
        branches = data.get("branches") if isinstance(data, dict) else None
        return branches if isinstance(branches, dict) else {}

    def get(self) -> dict[str, Any] | None:
        record = self._load().get(self.key)
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            return None
        source = record.get("source")
        return {
            "text": record["text"][:MAX_INTENT_CHARS],
            "source": source if source in SOURCES else "cli",
            "set_at": str(record.get("set_at", "")),
        }

    def set(self, text: str, *, source: str) -> dict[str, Any]:
        branches = self._load()
        record = {
            "text": text,
            "source": source,
            "set_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        branches[self.key] = record
        self._save(branches)
        return record

    def append(self, text: str, *, source: str = "prompt") -> dict[str, Any]:
        """Add ``text`` after the recorded intent (an agent's next prompt); the oldest text goes
        first when the record outgrows MAX_INTENT_CHARS."""
        current = self.get()
        if current is not None and current["text"].strip():
            if text.strip() in current["text"]:
                return current  # the same prompt again (a retry, a resumed session)
            text = f"{current['text'].rstrip()}\n\n{text}"
        return self.set(text[-MAX_INTENT_CHARS:], source=source)

    def clear(self) -> bool:
        branches = self._load()
        if self.key not in branches:
            return False
        del branches[self.key]
        self._save(branches)
        return True

    def _save(self, branches: dict[str, Any]) -> None:
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            tmp.write_text(
                json.dumps({"version": 1, "branches": branches}, indent=2, ensure_ascii=False)
                + "\n",
                "utf-8",
            )
            os.replace(tmp, self.path)  # atomic: a hook reading at the same time sees old or new
        except OSError as exc:
            raise UsageError(f"{self.path}: cannot write ({exc.strerror or exc})") from exc


def current_branch() -> str:
    out = (
        git.run(["symbolic-ref", "--quiet", "--short", "HEAD"], check=False)
        .decode("utf-8", "replace")
        .strip()
    )
    return out or "HEAD"


# --- the commit message --------------------------------------------------------------------------


def clean_message(raw: str, *, comment: str = "#", cleanup: str = "strip") -> str:
    """The message git will record: the verbose diff cut off, comment lines dropped (strip mode),
    trailing blanks and blank runs removed. ``comment`` is core.commentChar/commentString."""
    lines = raw.replace("\r\n", "\n").split("\n")
    cut = f"{comment} {_SCISSORS}"
    for i, line in enumerate(lines):
        if line.rstrip() == cut:  # git cuts here whatever the cleanup mode when -v was used
            lines = lines[:i]
            break
    if cleanup == "verbatim":
        return "\n".join(lines)
    if cleanup == "strip":
        lines = [line for line in lines if not line.startswith(comment)]
    out: list[str] = []
    for line in lines:
        line = line.rstrip()
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip("\n")


def _message_settings(raw: str) -> tuple[str, str]:
    """(comment prefix, cleanup mode) as git applies them to the message being committed."""
    out = git.run(
        ["config", "--get-regexp", r"^(core\.comment(char|string)|commit\.cleanup)$"], check=False
    ).decode("utf-8", "replace")
    values: dict[str, str] = {}
    for line in out.splitlines():
        key, _, value = line.partition(" ")
        values[key.lower()] = value
    comment = values.get("core.commentstring") or values.get("core.commentchar") or "#"
    if comment == "auto":
        # git picked a character no message line starts with; its template ends with a comment line
        last = next((line for line in reversed(raw.splitlines()) if line.strip()), "")
        comment = last[:1] if last[:1] and last[:1] in _AUTO_COMMENT_CHARS else "#"
    cleanup = values.get("commit.cleanup", "default").lower()
    if cleanup not in ("strip", "whitespace", "verbatim", "scissors"):
        # git's default: strip when an editor was used; it tells hooks GIT_EDITOR=: when not
        cleanup = "whitespace" if os.environ.get("GIT_EDITOR") == ":" else "strip"
    if cleanup == "scissors":
        cleanup = "whitespace"
    return comment, cleanup


# --- answers in trailers -----------------------------------------------------------------------

_ANSWER_RE = lazy(r"^reviewer-answer[ \t]*:[ \t]*(\S+)[ \t]*(.*)$", re.I)
#: answers that say nothing: "ok", "n/a", "done" ...
_PLACEHOLDERS = frozenset(
    {
        "n/a",
        "na",
        "n.a.",
        "n.a",
        "none",
        "nothing",
        "nil",
        "null",
        "ok",
        "okay",
        "k",
        "yes",
        "y",
        "yep",
        "yeah",
        "yup",
        "no",
        "nope",
        "done",
        "fine",
        "good",
        "lgtm",
        "tbd",
        "todo",
        "fixed",
        "sure",
        "ack",
        "noted",
        "agreed",
        "intended",
        "checked",
        "verified",
        "same",
        "nvm",
        "whatever",
        "test",
        "wip",
        "x",
        "-",
        "--",
        "...",
        "?",
        "??",
        ".",
        "answer",
        "<answer>",
        "<text>",
        "<id>",
        "safe",
        "correct",
        "right",
        "true",
        "not applicable",
        "no risk",
        "will do",
        "looks good",
        "all good",
        "see above",
        "as above",
        "same as above",
        "not sure",
        "dont know",
        "don't know",
        "no idea",
        "its fine",
        "it's fine",
        "nothing to do",
        "doesn't matter",
        "does not matter",
        "it is fine",
        "no problem",
        "no issue",
        "no issues",
        "not needed",
        "n a",
        "to do",
        "not relevant",
        "intended change",
        "as intended",
    }
)


@record
class Rejected:
    question: str
    answer: str
    reason: str


def parse_answers(messages: Iterable[str]) -> dict[str, str]:
    """``Reviewer-Answer: <id> <text>`` trailers (continuation lines indented) -> {ID: text}.

    Later answers to the same question win, unless they are trivial and an earlier one is not."""
    found: dict[str, str] = {}
    for message in messages:
        current: str | None = None
        for line in message.replace("\r\n", "\n").split("\n"):
            m = _ANSWER_RE.match(line.strip())
            if m:
                current = m.group(1).strip(":,.;").upper()
                text = m.group(2).strip()
                if current in found and triviality(text) and not triviality(found[current]):
                    current = None  # keep the earlier, real answer
                    continue
                found[current] = text
            elif current is not None and line[:1] in (" ", "\t") and line.strip():
                found[current] = f"{found[current]} {line.strip()}".strip()
            else:
                current = None
    return found


def triviality(text: str) -> str | None:
    """Why an answer does not count (empty, one word, a placeholder), or None when it does."""
    stripped = text.strip()
    if not stripped:
        return "empty"
    words = re.findall(r"[^\W_][\w'/.-]*", stripped)
    norm = " ".join(w.lower().strip(".") for w in words)
    if (
        stripped.lower().strip(" .!") in _PLACEHOLDERS
        or norm in _PLACEHOLDERS
        or (stripped.startswith("<") and stripped.endswith(">"))
    ):
        return "a placeholder"
    if len(words) < 2:
        return "one word"
    return None


def apply_answers(review: Review, answers: Mapping[str, str]) -> tuple[Review, list[Rejected]]:
    """Mark the questions that have a non-trivial answer; report the answers that were refused."""
    rejected: list[Rejected] = []
    questions = []
    from .questions import answer_for

    for q in review.questions:
        text = answer_for(q, answers)
        if text is None or q.answered:
            questions.append(q)
            continue
        why = triviality(text)
        if why:
            rejected.append(Rejected(q.id, text, why))
            questions.append(q)
        else:
            questions.append(replace(q, answered=True, answer=text[:2000]))
    return replace(review, questions=tuple(questions)), rejected


def blocked(review: Review, fail_on: str) -> bool:
    """Whether the hook stops the commit or the push (``gate.decide``)."""
    from .gate import decide

    return decide(review, fail_on).blocked


# --- hooks ---------------------------------------------------------------------------------------


def hook_command(args: argparse.Namespace) -> int:
    stage = getattr(args, "hook_command", None)
    if stage == "commit-msg":
        return commit_msg(args)
    if stage == "pre-push":
        return pre_push(args)
    raise UsageError("reviewer hook: choose a stage: commit-msg MSGFILE or pre-push")


def commit_msg(args: argparse.Namespace) -> int:
    """Review the staged change (what the commit will contain) against the message being written."""
    started = time.perf_counter()
    merge_head, commit_editmsg = _git_paths("MERGE_HEAD", "COMMIT_EDITMSG")
    if merge_head.exists():
        _out(
            "intent-review: merge commit: not reviewed here (the merged commits were reviewed when they "
            "were committed; the pre-push hook and the pull request review see the result)"
        )
        return 0
    # pre-commit passes the file only with pass_filenames: true; outside a merge (skipped above)
    # git always hands a commit-msg hook its COMMIT_EDITMSG
    name = args.message_file or str(commit_editmsg)
    raw = _read_message(name)
    comment, cleanup = _message_settings(raw)
    message = clean_message(raw, comment=comment, cleanup=cleanup)

    call = commit_call()
    if not message and call is not None and not call.allow_empty_message:
        return 0  # git aborts a commit with an empty message itself; nothing will be committed
    head = _rev("HEAD")
    notes: list[str] = []
    base: str | None = head
    if head is not None and call is not None and call.amend:
        parents = _parents(head)
        if len(parents) > 1:
            _out(
                "intent-review: amending a merge commit: not reviewed here (see the pre-push hook)"
            )
            return 0
        base = parents[0] if parents else None
        notes.append("amend: reviewed what the amended commit will contain (HEAD^..index)")
    raw_diff = git.diff_staged() if base == head else git.diff_staged(base=base or git.EMPTY_TREE)
    if not raw_diff.strip():
        _out("intent-review: nothing staged: nothing to review")
        return 0

    store = IntentStore.here()
    record = store.get()
    reader = git.BlobReader()
    try:
        config = _policy(args.config, base, reader)
        review = _review(
            raw_diff,
            message,
            record,
            config,
            git.GitBlobs(reader, base or git.EMPTY_TREE, git.INDEX),
            started=started,
            llm=bool(args.llm),
        )
    finally:
        reader.close()
    if record is not None:
        notes.append(
            f"intent includes the {record['source']} recorded for {store.label} at {record['set_at']}"
        )
    review = replace(review, notes=(*review.notes, *notes))
    answers = parse_answers([message])
    review, rejected = apply_answers(review, answers)
    unknown = sorted(set(answers) - {q.id.upper() for q in review.questions})
    stop = blocked(review, args.fail_on or config.fail_on)
    if stop or review.verdict != "aligned" or review.questions:
        _show(review)
    else:  # nothing to say but the verdict and the notes (pre-commit shows them with verbose)
        _show_brief(review)
    _show_rejected(rejected)
    if unknown:
        _out(f"note: Reviewer-Answer for unknown question(s) {', '.join(unknown)}: ignored")
    if getattr(args, "record", None):
        from .history.record import record_hook_review

        record_hook_review(
            args.record,
            review,
            messages=[message],
            rejected=[(r.question, r.answer, r.reason) for r in rejected],
            blocked=stop,
            commit=None,
            config=config,
        )
    if stop:
        _out(
            "To commit, answer each open question with a trailer line in the message, e.g. "
            f'"Reviewer-Answer: {_first_open(review)} <what you checked, in a sentence>" '
            f"(edit it again: git commit -e -F {name}), or skip this check once: "
            "SKIP=intent-review git commit ..."
        )
        return 1
    return 0


def pre_push(args: argparse.Namespace) -> int:
    """Review every pushed commit against its own message; trailers anywhere in the range answer."""
    started = time.perf_counter()
    pushes = _pushes(args)
    if not pushes:
        _out("intent-review-push: nothing to push: nothing to review")
        return 0
    stop = False
    reader = git.BlobReader()
    try:
        for push in pushes:
            stop = _review_push(push, args, reader, started) or stop
    finally:
        reader.close()
    if stop:
        _out(
            "To push, answer each open question with a trailer line "
            '"Reviewer-Answer: <id> <what you checked, in a sentence>" in one of the pushed commits\' '
            'messages (git commit --amend, or a new commit: git commit --allow-empty -m "Answer review '
            'questions" -m "Reviewer-Answer: ..."), or skip this check once: SKIP=intent-review-push git push ...'
        )
        return 1
    return 0


@record
class Push:
    local_ref: str | None  # refs/heads/x, or None when unknown
    local_sha: str
    remote_sha: str | None  # None or ZERO when the remote ref is new
    remote: str | None


@record
class Commit:
    sha: str
    parents: tuple[str, ...]
    message: str


def _pushes(args: argparse.Namespace) -> list[Push]:
    """The pushed refs: from --from-ref/--to-ref, pre-commit's environment, git's own pre-push
    protocol (``reviewer hook pre-push REMOTE URL`` with ref lines on stdin), or by hand."""
    env = os.environ
    if bool(args.from_ref) != bool(args.to_ref):
        raise UsageError("give both --from-ref and --to-ref, or neither")
    local_ref = env.get("PRE_COMMIT_LOCAL_BRANCH") or None
    remote = getattr(args, "remote", None) or env.get("PRE_COMMIT_REMOTE_NAME") or None
    from_ref = args.from_ref or env.get("PRE_COMMIT_FROM_REF") or env.get("PRE_COMMIT_ORIGIN")
    to_ref = args.to_ref or env.get("PRE_COMMIT_TO_REF") or env.get("PRE_COMMIT_SOURCE")
    if from_ref and to_ref:
        return [Push(local_ref, _resolve(to_ref), _resolve(from_ref), remote)]
    if getattr(args, "remote", None) and not env.get("PRE_COMMIT"):
        return _pushes_from_stdin(args.remote)
    # pre-commit without refs: a new branch whose history reaches a root commit; or by hand
    target = local_ref or "HEAD"
    sha = _rev(target)
    if sha is None:
        return []
    return [Push(local_ref or _symbolic("HEAD"), sha, None, remote)]


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


def _review_push(
    push: Push, args: argparse.Namespace, reader: git.BlobReader, started: float
) -> bool:
    label = _short_ref(push.local_ref) if push.local_ref else push.local_sha[:12]
    if push.local_sha == ZERO:
        _out(f"intent-review-push: {label}: deleting a remote ref: nothing to review")
        return False
    if git.run(["cat-file", "-t", push.local_sha], check=False).strip() not in (b"commit", b"tag"):
        raise GitError(
            f"the pushed revision {push.local_sha[:12]} is not a commit in this repository"
        )
    base = (
        push.remote_sha
        if push.remote_sha and push.remote_sha != ZERO and _rev(push.remote_sha)
        else None
    )
    notes: list[str] = []
    if base is None:
        base, why = _new_ref_base(push)
        notes.append(why)
    commits = _commits(base, push.local_sha, push.remote)
    if not commits:
        _out(
            f"intent-review-push: {label}: every pushed commit is already on the remote: nothing to review"
        )
        return False
    policy_rev = base or (commits[0].parents[0] if commits[0].parents else None)
    config = _policy(args.config, policy_rev, reader)
    fail_on = args.fail_on or config.fail_on
    branch = (
        _short_ref(push.local_ref)
        if push.local_ref and push.local_ref.startswith("refs/heads/")
        else None
    )
    record = IntentStore.here(branch=branch or current_branch()).get()
    answers = parse_answers(c.message for c in commits)
    stop = False
    if len(commits) > MAX_PUSH_COMMITS:
        start = base or git.EMPTY_TREE
        raw = git.diff_between(start, push.local_sha)
        message = "\n\n".join(c.message for c in commits)
        review = _review(
            raw,
            message,
            record,
            config,
            git.GitBlobs(reader, start, push.local_sha),
            started=started,
            llm=bool(args.llm),
        )
        notes.append(f"{len(commits)} commits: reviewed as one change against all their messages")
        return _report_push(
            f"{label} ({len(commits)} commits)",
            review,
            notes,
            answers,
            fail_on,
            record=_push_recorder(args, [c.message for c in commits], push.local_sha, config),
        )
    for c in commits:
        subject = c.message.split("\n", 1)[0][:72]
        if len(c.parents) > 1:
            _out(f"intent-review-push: {c.sha[:10]} {subject}: merge commit: not reviewed")
            continue
        parent = c.parents[0] if c.parents else git.EMPTY_TREE
        raw = git.diff_between(parent, c.sha)
        if not raw.strip():
            continue
        review = _review(
            raw,
            c.message,
            record,
            config,
            git.GitBlobs(reader, parent, c.sha),
            started=time.perf_counter(),
            llm=bool(args.llm),
        )
        stop = (
            _report_push(
                f"{c.sha[:10]} {subject}",
                review,
                notes,
                answers,
                fail_on,
                record=_push_recorder(args, [c.message], c.sha, config),
            )
            or stop
        )
    return stop


def _push_recorder(
    args: argparse.Namespace, messages: list[str], commit: str, config: Config
) -> Callable[[Review, list[Rejected], bool], None] | None:
    """Record a pushed commit's review in ``--record``'s history (with its trailers' feedback)."""
    db = getattr(args, "record", None)
    if not db:
        return None

    def write(review: Review, rejected: list[Rejected], stop: bool) -> None:
        from .history.record import record_hook_review

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
    record: Callable[[Review, list[Rejected], bool], None] | None = None,
) -> bool:
    review = replace(review, notes=(*review.notes, *notes))
    review, rejected = apply_answers(review, answers)
    stop = blocked(review, fail_on)
    if record is not None:
        record(review, rejected, stop)
    if stop or review.verdict != "aligned" or review.questions:
        _out(f"--- intent-review-push: {label}")
        _show(review)
        _show_rejected(rejected)
    else:
        _out(f"intent-review-push: {label}: aligned, blast radius {review.blast_radius.level}")
        for note in review.notes:
            _out(f"  note: {note}")
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
                f"new remote ref: reviewed the commits since the merge-base with {_short_ref(default)}",
            )
    return None, "new remote ref: reviewed the whole history"


def _default_branch(push: Push) -> str | None:
    candidates = []
    if push.remote:
        candidates.append(_symbolic(f"refs/remotes/{push.remote}/HEAD"))
    configured = git.run(["config", "--get", "init.defaultBranch"], check=False).decode().strip()
    candidates += [
        f"refs/heads/{configured}" if configured else None,
        "refs/heads/main",
        "refs/heads/master",
    ]
    for ref in candidates:
        if ref and ref != push.local_ref and _rev(ref):
            return ref
    return None


def _commits(base: str | None, head: str, remote: str | None) -> list[Commit]:
    """The commits in base..head (all of head's history when base is None), oldest first."""
    spec = [f"{base}..{head}"] if base else [head]
    out = git.run(["log", "--topo-order", "--reverse", "--format=%H %P%x01%B%x00", *spec, "--"])
    commits = []
    for chunk in out.decode("utf-8", "replace").split("\x00"):
        head_part, sep, message = chunk.strip("\n").partition("\x01")
        if not sep:
            continue
        ids = head_part.split()
        commits.append(Commit(ids[0], tuple(ids[1:]), message.strip()))
    return commits


# --- the review ----------------------------------------------------------------------------------


def combine_intent(message: str, record: Mapping[str, Any] | None) -> Intent:
    """The commit message and the branch's recorded intent (an assistant's prompt) together."""
    from .intent import parse_intent

    message = message.strip()
    if record is None:
        return parse_intent(message, source="commit")
    extra = str(record["text"]).strip()
    if not message:
        return parse_intent(extra, source=record["source"])
    label = "Prompt" if record["source"] == "prompt" else "Intent"
    return parse_intent(f"{message}\n\n{label}: {extra}", source="commit")


def _review(
    raw_diff: bytes,
    message: str,
    record: Mapping[str, Any] | None,
    config: Config,
    blobs: git.GitBlobs,
    *,
    started: float,
    llm: bool,
) -> Review:
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


def _policy(path: str | None, rev: str | None, reader: git.BlobReader) -> Config:
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


# --- amend detection -----------------------------------------------------------------------------

_GIT_OPTS_WITH_VALUE = frozenset(
    {"-c", "-C", "--git-dir", "--work-tree", "--namespace", "--config-env", "--super-prefix"}
)
_NOT_ALIASES = frozenset(
    {"merge", "rebase", "cherry-pick", "revert", "am", "pull", "stash", "commit-tree"}
)


@record
class CommitCall:
    """What the ``git commit`` running this hook was asked to do (what git does not tell hooks)."""

    amend: bool = False
    allow_empty_message: bool = False


def commit_call() -> CommitCall | None:
    """The options of the nearest ``git commit`` ancestor, read from /proc (Linux); None when the
    hook does not run under ``git commit`` or there is no /proc (then the staged change is reviewed
    alone; the pre-push hook still sees an amended commit whole)."""
    pid = os.getppid()
    for _ in range(12):
        if pid <= 1:
            return None
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            stat = Path(f"/proc/{pid}/stat").read_bytes()
        except OSError:
            return None
        words = [a.decode("utf-8", "surrogateescape") for a in argv]
        while words and not words[-1]:
            words.pop()
        args = git_commit_args(words)
        if args is not None:
            return parse_commit_args(args)
        if words and os.path.basename(words[0]) in ("git", "git.exe"):
            return None  # another git command (merge, rebase ...) made this commit
        try:
            pid = int(stat.rsplit(b")", 1)[1].split()[1])
        except (IndexError, ValueError):
            return None
    return None


def git_commit_args(
    argv: list[str], *, aliases: Mapping[str, str] | None = None
) -> list[str] | None:
    """The arguments after ``commit`` when ``argv`` is a ``git commit`` (or an alias of it) call."""
    if not argv or os.path.basename(argv[0]) not in ("git", "git.exe"):
        return None
    i = 1
    while i < len(argv) and argv[i].startswith("-"):
        i += 2 if argv[i] in _GIT_OPTS_WITH_VALUE else 1
    if i >= len(argv):
        return None
    sub, rest = argv[i], argv[i + 1 :]
    if sub == "commit":
        return rest
    if sub in _NOT_ALIASES or not re.fullmatch(r"[\w.-]+", sub):
        return None
    value = aliases.get(sub) if aliases is not None else _alias(sub)
    if not value or value.startswith("!"):
        return None
    import shlex

    try:
        words = shlex.split(value)
    except ValueError:
        return None
    return words[1:] + rest if words and words[0] == "commit" else None


def parse_commit_args(args: list[str]) -> CommitCall:
    """``--amend`` and ``--allow-empty-message``, as git's option parser reads them (unique prefixes,
    ``--no-`` negation, the last one wins, nothing after ``--``)."""
    amend = allow_empty_message = False
    for word in args:
        if word == "--":
            break
        if len(word) >= 4 and "--amend".startswith(word):
            amend = True
        elif word == "--no-amend":
            amend = False
        elif len(word) > len("--allow-empty") and "--allow-empty-message".startswith(word):
            allow_empty_message = True
        elif word == "--no-allow-empty-message":
            allow_empty_message = False
    return CommitCall(amend=amend, allow_empty_message=allow_empty_message)


def _alias(name: str) -> str | None:
    out = (
        git.run(["config", "--get", f"alias.{name}"], check=False)
        .decode("utf-8", "replace")
        .strip()
    )
    return out or None


# --- small helpers -------------------------------------------------------------------------------


def _git_paths(*names: str) -> list[Path]:
    args = ["rev-parse", "--path-format=absolute"]
    for name in names:
        args += ["--git-path", name]
    out = git.run(args).decode("utf-8", "surrogateescape").splitlines()
    if len(out) != len(names):
        raise GitError(
            "git rev-parse --git-path gave an unexpected answer: is git older than 2.31?"
        )
    return [Path(p) for p in out]


def _read_message(name: str) -> str:
    try:
        with open(name, "rb") as fh:
            data = fh.read(MAX_MESSAGE_BYTES)
    except FileNotFoundError as exc:
        raise UsageError(f"{name}: no such commit message file") from exc
    except OSError as exc:
        raise UsageError(f"{name}: cannot read the commit message ({exc.strerror or exc})") from exc
    return data.decode("utf-8", "replace")


def _rev(rev: str) -> str | None:
    if rev.startswith("-"):
        return None
    out = git.run(
        ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"], check=False
    )
    return out.decode().strip() or None


def _resolve(rev: str) -> str:
    if rev == ZERO:
        return rev
    sha = _rev(rev)
    if sha is None:
        raise GitError(f"unknown revision {rev!r}: fetch it or check the name")
    return sha


def _parents(sha: str) -> list[str]:
    out = git.run(["rev-list", "--parents", "-n", "1", sha, "--"]).decode().split()
    return out[1:]


def _symbolic(ref: str) -> str | None:
    out = git.run(["symbolic-ref", "--quiet", ref], check=False).decode("utf-8", "replace").strip()
    return out or None


def _short_ref(ref: str) -> str:
    for prefix in ("refs/heads/", "refs/remotes/", "refs/tags/", "refs/"):
        if ref.startswith(prefix):
            return ref[len(prefix) :]
    return ref


def _first_open(review: Review) -> str:
    return next((q.id for q in review.questions if not q.answered), "<id>")


def _show(review: Review) -> None:
    from .render.text import render

    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    try:
        width = max(60, min(120, os.get_terminal_size().columns))
    except OSError:
        width = 80
    sys.stdout.write(render(review, color=color, width=width))


def _show_brief(review: Review) -> None:
    s = review.stats
    _out(
        f"intent-review: ALIGNED · blast radius {review.blast_radius.level.upper()} · "
        f"{s.files} file(s), +{s.additions} -{s.deletions}, {s.elapsed_ms} ms"
    )
    for note in review.notes:
        _out(f"note: {note}")


def _show_rejected(rejected: list[Rejected]) -> None:
    for r in rejected:
        shown = r.answer if len(r.answer) <= 40 else r.answer[:37] + "..."
        _out(f"rejected answer to {r.question}: {shown!r} is {r.reason}; answer in a sentence")


def _out(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _err(text: str) -> None:
    sys.stderr.write(text + "\n")
