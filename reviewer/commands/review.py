"""``reviewer review``: a diff from git (``--base``/``--staged``), a file or stdin, against the stated
intent; the report on stdout or in a file."""

from __future__ import annotations

import os
import sys
import time
from typing import Any

from ..config import Config
from ..errors import ReviewerError, UsageError
from ..gate import decide
from ..models import Review
from ..record import record
from ..terminal import say, width

MAX_DIFF_BYTES = 512 * 1024 * 1024


@record
class ReviewOptions:
    """``reviewer review``'s arguments (see ``reviewer review --help``)."""

    #: the positional argument: ``-`` reads the diff from stdin
    source: str | None = None
    diff: str | None = None
    base: str | None = None
    head: str | None = None
    staged: bool = False
    allow_empty: bool = False
    intent: str | None = None
    intent_file: str | None = None
    intent_from_commits: bool = False
    intent_source: str | None = None
    format: str = "text"
    output: str | None = None
    color: str = "auto"
    record: str | None = None
    fail_on: str | None = None
    config: str | None = None
    repo: str | None = None
    llm: bool | None = None
    model: str | None = None
    on_llm_error: str = "degrade"
    verbose: bool = False


def review(o: ReviewOptions) -> bool:
    """Review the change ``o`` names, write the report; True when the review blocks (``gate``)."""
    started = time.perf_counter()
    sources = [bool(o.diff), o.source == "-", bool(o.base), bool(o.staged)]
    if o.source not in (None, "-"):
        raise UsageError(
            f"unexpected argument {o.source!r} (use --diff FILE, '-', --base REV or --staged)"
        )
    if sum(sources) != 1:
        raise UsageError(
            "give exactly one diff source: --diff FILE, '-' (stdin), --base REV or --staged"
        )
    if o.head and not o.base:
        raise UsageError("--head needs --base")
    intents = [o.intent is not None, o.intent_file is not None, o.intent_from_commits]
    if sum(intents) > 1:
        raise UsageError("give at most one of --intent, --intent-file, --intent-from-commits")
    if o.intent_from_commits and not o.base:
        raise UsageError("--intent-from-commits needs --base")
    if o.repo and not os.path.isdir(o.repo):
        raise UsageError(f"--repo {o.repo}: no such directory")

    from .. import git
    from ..diff import decode, parse_diff

    repo: str | None = o.repo or None
    # --base and --staged read blobs: git cat-file starts now, while rev-parse and diff answer
    reader = git.BlobReader(repo) if o.base or o.staged else None
    try:
        change = git.pr_change(o.base, o.head or "HEAD", cwd=repo) if o.base else None
        # a diff file is also read whole when the repository here holds its blobs
        in_repo = change is not None or (not o.base and git.inside_work_tree(repo))
        if (o.base or o.staged) and not in_repo:
            raise UsageError(
                f"{repo or os.getcwd()} is not inside a git work tree (needed for --base/--staged)"
            )
        if reader is None and in_repo:
            reader = git.BlobReader(repo)
        blobs: Any = None
        policy_rev: str | None = None
        head: str | None = None
        if change is not None:
            (base, head, fork), raw = change
            assert reader is not None
            blobs = git.GitBlobs(reader, fork, head)
            policy_rev = base
        elif o.staged:
            raw = git.diff_staged(cwd=repo)
            head_sha = git.head_commit(cwd=repo)
            assert reader is not None
            blobs = git.GitBlobs(reader, head_sha or git.EMPTY_TREE, git.INDEX)
            policy_rev = head_sha
        else:
            raw = _read_input(o.diff if o.diff else "-")
        diff = parse_diff(decode(raw))
        if not diff.files and not o.allow_empty:
            raise UsageError(_nothing_to_review(o))
        if blobs is None and reader is not None:
            ids = {}
            for fd in diff.files:
                if fd.old_blob:
                    ids[("old", fd.old_path or fd.path)] = fd.old_blob
                if fd.new_blob:
                    ids[("new", fd.path)] = fd.new_blob
            blobs = git.ObjectBlobs(reader, ids)

        from ..intent import parse_intent

        intent_text, title, source = _intent_text(o, repo)
        intent = parse_intent(intent_text, source=source, title=title)
        config = load_config(o.config, repo=repo, rev=policy_rev, reader=reader)
        if o.verbose:
            where = (
                f"git {o.base}...{o.head or 'HEAD'}"
                if o.base
                else "the index"
                if o.staged
                else (o.diff or "stdin")
            )
            say(f"reviewer: diff from {where}; policy from {config.source}; intent from {source}")
        from ..pipeline import LLMStep, review_change

        result = review_change(
            diff,
            intent,
            config,
            blobs=blobs,
            # the index's references are counted at HEAD, what the staged change is made against
            references_at=head if o.base else (policy_rev if o.staged else None),
            repo=repo,
            parallel=True,
            on_scoped=None if reader is None else reader.done,
            llm=LLMStep(model=o.model, on_error=o.on_llm_error, verbose=bool(o.verbose))
            if o.llm
            else None,
            started=started,
        )
    finally:
        if reader is not None:
            reader.close()

    _emit(o, result)
    blocked = decide(result, o.fail_on or config.fail_on).blocked
    if o.record:
        from ..history.record import record_cli_review

        record_cli_review(o.record, result, repo=repo, head=head, blocked=blocked, config=config)
    return blocked


def _nothing_to_review(o: ReviewOptions) -> str:
    """Why the diff is empty, in the words of where it came from (an empty review never passes)."""
    if o.base:
        return (
            f"nothing to review: {o.base}...{o.head or 'HEAD'} changes no file (a wrong "
            "--base? in CI, fetch the base branch: actions/checkout with fetch-depth: 0); "
            "--allow-empty accepts it"
        )
    if o.staged:
        return "nothing to review: nothing is staged (git add first); --allow-empty accepts it"
    where = "stdin" if not o.diff or o.diff == "-" else o.diff
    return f"nothing to review: the diff from {where} is empty; --allow-empty accepts it"


def _read_input(name: str) -> bytes:
    from ..errors import DiffError

    if name == "-":
        data = sys.stdin.buffer.read(MAX_DIFF_BYTES + 1)
    else:
        try:
            if os.path.isdir(name):
                raise DiffError(f"{name} is a directory, not a diff file")
            with open(name, "rb") as fh:
                data = fh.read(MAX_DIFF_BYTES + 1)
        except FileNotFoundError as exc:
            raise DiffError(f"{name}: no such file") from exc
        except PermissionError as exc:
            raise DiffError(f"{name}: permission denied") from exc
        except OSError as exc:
            raise DiffError(f"{name}: cannot read ({exc.strerror or exc})") from exc
    if len(data) > MAX_DIFF_BYTES:
        raise DiffError(f"the diff is larger than {MAX_DIFF_BYTES // (1024 * 1024)} MB")
    return data


def _intent_text(o: ReviewOptions, repo: str | None) -> tuple[str, str | None, Any]:
    from .. import git

    source = o.intent_source
    if o.intent is not None:
        return o.intent, None, source or "cli"
    if o.intent_file is not None:
        return _read_text(o.intent_file), None, source or "cli"
    if o.intent_from_commits:
        head = o.head or "HEAD"
        assert o.base is not None  # checked in review()
        fork = git.merge_base(git.resolve(o.base, cwd=repo), git.resolve(head, cwd=repo), cwd=repo)
        messages = git.commit_messages(fork, head, cwd=repo)
        return "\n\n".join(messages), None, source or "commit"
    return "", None, source or "cli"


def _read_text(name: str) -> str:
    try:
        if name == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(name, "rb") as fh:
                data = fh.read()
    except FileNotFoundError as exc:
        raise UsageError(f"{name}: no such file") from exc
    except OSError as exc:
        raise UsageError(f"{name}: cannot read ({exc.strerror or exc})") from exc
    return data[:1_000_000].decode("utf-8", "replace")


def load_config(
    path: str | None, *, repo: str | None, rev: str | None, reader: Any | None
) -> Config:
    from .. import config as cfg

    if path:
        return cfg.load_file(path)
    if rev is not None and reader is not None:
        # the policy that reviews a change comes from before the change
        def read_at(name: str) -> str | None:
            data = reader.read(rev, name)
            return None if data is None else data.decode("utf-8", "replace")

        return cfg.load_at(read_at, where=f"at {rev[:12]}")
    root = repo or os.getcwd()
    if reader is not None:
        from .. import git

        root = git.toplevel(repo)
    return cfg.load_at(lambda name: read_if_exists(os.path.join(root, name)))


def read_if_exists(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror or exc})") from exc


def _emit(o: ReviewOptions, result: Review) -> None:
    from ..render import renderer

    fmt = o.format
    if fmt == "text":
        from ..render.text import render as render_text

        use_color = o.color == "always" or (
            o.color == "auto"
            and not o.output
            and sys.stdout.isatty()
            and not os.environ.get("NO_COLOR")
        )
        text = render_text(result, color=use_color, width=width())
    else:
        text = renderer(fmt)(result)
    if o.output:
        try:
            with open(o.output, "w", encoding="utf-8") as fh:
                fh.write(text)
        except OSError as exc:
            raise UsageError(f"--output {o.output}: cannot write ({exc.strerror or exc})") from exc
    else:
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:  # a full disk behind `> report.json`
            raise ReviewerError(f"cannot write the output ({exc.strerror or exc})") from exc
