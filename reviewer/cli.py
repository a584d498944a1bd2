"""Command line: ``reviewer review|bench|intent|hook|github|serve|agent|mcp``. The only place that picks an exit code.

Exit codes: 0 review produced, nothing at or above --fail-on; 1 review produced and it requires answers
or reaches --fail-on; 2 a known error (one line on stderr); 3 a bug (one line, traceback in a log file).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence

from . import __version__
from .errors import ReviewerError, UsageError
from .helptext import FAIL_ON

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the offline path
if TYPE_CHECKING:
    from typing import Any

    from .config import Config
    from .models import Review

# A cold review allocates a few hundred thousand objects and frees almost all of them by reference
# counting; the collector's default pace (every 700 allocations) costs 2% of the run finding no
# cycles. Collections still happen, less often, so a long run's memory stays bounded.
gc.set_threshold(20_000, 10, 10)

EXIT_OK, EXIT_ANSWERS, EXIT_ERROR, EXIT_BUG, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
MAX_DIFF_BYTES = 512 * 1024 * 1024


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """argparse's formatter with the width found without ``shutil``, which argparse imports for
    ``get_terminal_size`` on every ``add_argument`` (with zlib, bz2 and lzma: 3 ms of a cold start)."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=_columns() - 2)


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one line and exit code 2 through our own path."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> Any:
        # "reviewer: error: reviewer review: ..." names the command; the top level needs no prefix
        raise UsageError(message if self.prog == "reviewer" else f"{self.prog}: {message}")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line. With ``only`` (the command ``argv`` names), just that command's parser:
    each parser costs argparse regex compilations and gettext lookups on disk, a few ms that a cold
    ``reviewer review`` need not pay. The full list is only ever shown by ``reviewer --help``."""
    p = _Parser(
        prog="reviewer",
        description="Compare what a change says it does with what its diff does.",
        epilog="""examples:
  reviewer review --base main --intent-from-commits
  reviewer review --diff change.diff --intent-file pr.md --format markdown

Each command explains itself: reviewer COMMAND --help.

exit codes: 0 nothing blocks, 1 the review blocks (answers required or --fail-on reached),
2 a known error, 3 a bug, 130 interrupted""",
    )
    p.add_argument(
        "--version", action="version", version=f"reviewer {__version__} (intent-reviewer)"
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, (help_text, add_arguments) in _COMMANDS.items():
        if only is None or only == name:
            command = sub.add_parser(name, help=help_text)
            add_arguments(command)
            _document(command, name)
    return p


def _document(parser: argparse.ArgumentParser, key: str) -> None:
    """Description, examples and exit codes (``helptext.DOCS``) on a command and its actions."""
    from .helptext import DOCS

    if key in DOCS:
        import textwrap

        description, parser.epilog = DOCS[key]
        parser.description = textwrap.fill(description, width=max(40, min(_columns() - 2, 96)))
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                _document(child, f"{key} {name}")


def _command_in(argv: Sequence[str]) -> str | None:
    """The command ``argv`` names, when its first word is one (otherwise None: build them all)."""
    return argv[0] if argv and argv[0] in _COMMANDS else None


def _review_arguments(r: argparse.ArgumentParser) -> None:
    src = r.add_argument_group("diff source (one of)")
    src.add_argument("source", nargs="?", metavar="-", help="read the diff from stdin")
    src.add_argument("--diff", metavar="FILE", help="a unified diff file ('-' for stdin)")
    src.add_argument(
        "--base", metavar="REV", help="review REV...HEAD (or ...--head) like a pull request"
    )
    src.add_argument("--head", metavar="REV", help="the head revision for --base (default HEAD)")
    src.add_argument("--staged", action="store_true", help="review the staged changes (the index)")
    it = r.add_argument_group("intent (one of)")
    it.add_argument("--intent", metavar="TEXT", help="the stated intent")
    it.add_argument(
        "--intent-file", metavar="FILE", help="read the intent from a file (first line = title)"
    )
    it.add_argument(
        "--intent-from-commits",
        action="store_true",
        help="use the commit messages of --base..--head",
    )
    it.add_argument(
        "--intent-source",
        choices=("pr", "commit", "prompt", "cli"),
        help="where the intent comes from (default: cli, or commit with --intent-from-commits)",
    )
    out = r.add_argument_group("output")
    out.add_argument(
        "--format",
        choices=("text", "json", "markdown", "sarif"),
        default="text",
        help="text for terminals (default), markdown for a PR comment, json (the stable report), "
        "sarif for code scanning",
    )
    out.add_argument(
        "--output", "-o", metavar="FILE", help="write the report here instead of stdout"
    )
    out.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the text report (auto: on a terminal, unless NO_COLOR is set)",
    )
    out.add_argument(
        "--record", metavar="DB", help="also record the review in this history file (SQLite)"
    )
    out.add_argument("--fail-on", choices=("never", "mismatch", "drift", "high"), help=FAIL_ON)
    src.add_argument(
        "--allow-empty",
        action="store_true",
        help="review an empty diff (exit 0) instead of refusing it with 'nothing to review' (exit 2)",
    )
    cfg = r.add_argument_group("policy")
    cfg.add_argument(
        "--config", metavar="FILE", help="a .reviewer.toml to use instead of the repository's"
    )
    cfg.add_argument(
        "--repo", metavar="DIR", help="the git repository (default: the current directory)"
    )
    llm = r.add_argument_group("LLM (optional)")
    llm.add_argument(
        "--llm",
        dest="llm",
        action="store_true",
        default=None,
        help="sharpen the review with an LLM",
    )
    llm.add_argument("--no-llm", dest="llm", action="store_false", help="never call an LLM")
    llm.add_argument("--model", help="the model name (default: the policy's llm.model)")
    llm.add_argument(
        "--on-llm-error",
        choices=("degrade", "fail"),
        default="degrade",
        help="degrade: give the deterministic review when the LLM fails (default); fail: exit 2",
    )
    r.add_argument("-v", "--verbose", action="store_true", help="say where inputs came from")


def _bench_arguments(b: argparse.ArgumentParser) -> None:
    b.add_argument("file", metavar="FILE.jsonl", help="the bench: one labelled case a line")
    b.add_argument("--format", choices=("text", "json"), default="text", help="the score's format")
    b.add_argument("--cases", metavar="ID", nargs="*", help="only these case ids")
    b.add_argument("--show", choices=("none", "misses", "all"), default="none", help="list cases")
    b.add_argument(
        "--only-repo",
        metavar="OWNER/NAME",
        action="append",
        help="only this repository (repeatable)",
    )
    b.add_argument(
        "--exclude-repo",
        metavar="OWNER/NAME",
        action="append",
        help="leave this repository out (repeatable): the score on repositories a tuning did not see",
    )
    b.add_argument(
        "--metamorphic",
        action="store_true",
        help="also run the metamorphic checks (padding, verbose vs bare title, an added test file)",
    )
    b.add_argument(
        "--llm", action="store_true", help="also run the LLM step (needs a configured endpoint)"
    )
    b.add_argument(
        "--tokens", action="store_true", help="report LLM prompt tokens vs the raw-diff baseline"
    )
    b.add_argument("--model", help="the model whose tokenizer counts tokens")


def _intent_arguments(i: argparse.ArgumentParser) -> None:
    isub = i.add_subparsers(dest="intent_command", metavar="ACTION", parser_class=_Parser)
    iset = isub.add_parser("set", help="record the intent")
    iset.add_argument("text", nargs="?", help="the intent text ('-' or omitted: stdin)")
    iset.add_argument(
        "--source",
        choices=("prompt", "cli", "pr", "commit"),
        default="prompt",
        help="what kind of intent it is (default: prompt)",
    )
    ishow = isub.add_parser("show", help="print the recorded intent")
    ishow.add_argument("--json", action="store_true", help="as JSON (null when none is recorded)")
    isub.add_parser("clear", help="forget the recorded intent")


def _hook_arguments(h: argparse.ArgumentParser) -> None:
    hsub = h.add_subparsers(dest="hook_command", metavar="STAGE", parser_class=_Parser)
    hc = hsub.add_parser("commit-msg", help="review the staged diff against the commit message")
    hc.add_argument(
        "message_file", nargs="?", help="default: the file git is writing (COMMIT_EDITMSG)"
    )
    hp = hsub.add_parser("pre-push", help="review the pushed range against its commit messages")
    hp.add_argument("remote", nargs="?", help="as git passes it to a pre-push hook (refs on stdin)")
    hp.add_argument("url", nargs="?", help=argparse.SUPPRESS)
    hp.add_argument("--from-ref", default=None, help="review from here (pre-commit passes it)")
    hp.add_argument("--to-ref", default=None, help="... to here (pre-commit passes it)")
    for hp_ in (hc, hp):
        hp_.add_argument("--llm", action="store_true", help="sharpen with an LLM (opt-in)")
        hp_.add_argument("--fail-on", choices=("never", "mismatch", "drift", "high"), help=FAIL_ON)
        hp_.add_argument("--config", metavar="FILE", help="a .reviewer.toml to use instead")
    for hp_ in (hc, hp):
        hp_.add_argument("--record", metavar="DB", help="record the review in this history file")


def _github_arguments(g: argparse.ArgumentParser) -> None:
    g.add_argument("--event-path", default=None, help="default: $GITHUB_EVENT_PATH")
    g.add_argument("--event-name", default=None, help="default: $GITHUB_EVENT_NAME")
    g.add_argument("--fail-on", choices=("never", "mismatch", "drift", "high"), help=FAIL_ON)
    g.add_argument("--config", metavar="FILE", help="a .reviewer.toml instead of the base's")
    g.add_argument(
        "--inline-comments", type=int, default=None, metavar="N", help="at most N inline comments"
    )
    g.add_argument(
        "--senior-reviewers",
        default=None,
        metavar="LIST",
        help="who may sign off AI-assisted high-blast-radius changes (users, org/team)",
    )
    g.add_argument(
        "--ai-markers", default=None, metavar="LIST", help="extra labels marking AI-assisted PRs"
    )
    g.add_argument(
        "--llm", dest="llm", action="store_true", default=None, help="sharpen with an LLM"
    )
    g.add_argument("--model", default=None, help="the LLM model name")
    g.add_argument("--output-dir", default=None, help="where report.json and report.sarif go")


def _serve_arguments(s: argparse.ArgumentParser) -> None:
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    s.add_argument("--port", type=int, default=8080, help="port to listen on (default 8080)")
    s.add_argument(
        "--workers",
        type=int,
        default=2,
        help="reviews run at once in this process (default 2; none with --redis)",
    )
    s.add_argument(
        "--data-dir",
        default=None,
        help="the server's files (default $REVIEWER_DATA_DIR, else ~/.local/share/intent-reviewer)",
    )
    s.add_argument(
        "--history-db",
        default=None,
        help="record every review in this SQLite history for `reviewer stats` "
        "(default $REVIEWER_HISTORY_DB; none: record nothing)",
    )
    s.add_argument(
        "--deliveries-db",
        default=None,
        help="SQLite file of the queue: deliveries and their jobs (default <data-dir>/deliveries.sqlite3)",
    )
    _redis_argument(s, "only receive: queue the jobs in Redis for `reviewer worker` processes")


def _redis_argument(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument(
        "--redis",
        default=None,
        metavar="URL",
        help=f"{what} (default $REVIEWER_REDIS_URL)",
    )


def _worker_arguments(w: argparse.ArgumentParser) -> None:
    w.add_argument("--workers", type=int, default=4, help="reviews run at once (default 4)")
    _redis_argument(
        w, "the Redis that `reviewer serve --redis` queues to, e.g. redis://host:6379/0"
    )


def _agent_arguments(a: argparse.ArgumentParser) -> None:
    from .agent.command import add_agent_arguments

    add_agent_arguments(a)


def _mcp_arguments(m: argparse.ArgumentParser) -> None:
    from .agent.command import add_mcp_arguments

    add_mcp_arguments(m)


def _backtest_arguments(b: argparse.ArgumentParser) -> None:
    from .history.command import add_backtest_arguments

    add_backtest_arguments(b)


def _stats_arguments(s: argparse.ArgumentParser) -> None:
    from .history.command import add_stats_arguments

    add_stats_arguments(s)


def _replay_arguments(r: argparse.ArgumentParser) -> None:
    from .history.command import add_replay_arguments

    add_replay_arguments(r)


_COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None]]] = {
    "review": ("review a diff against its stated intent", _review_arguments),
    "bench": ("score the reviewer on a labelled JSONL bench", _bench_arguments),
    "intent": ("record the intent for the current branch (e.g. an AI prompt)", _intent_arguments),
    "hook": ("pre-commit hook entry points", _hook_arguments),
    "github": ("run inside a GitHub Action", _github_arguments),
    "serve": ("run the GitHub App webhook server", _serve_arguments),
    "worker": ("review the GitHub App's jobs from Redis", _worker_arguments),
    "agent": (
        "AI coding agent hooks: review the agent's change before it finishes",
        _agent_arguments,
    ),
    "mcp": ("serve the review to AI coding agents over MCP (stdio)", _mcp_arguments),
    "backtest": (
        "what the gate would have done on a repository's merged history",
        _backtest_arguments,
    ),
    "stats": ("what the review history says (blocks, answers, dismissals)", _stats_arguments),
    "replay": ("replay public incidents through the current policy", _replay_arguments),
}


def _quiet_interrupts() -> None:
    """Ctrl-C reaches every process of the group: forked scope workers leave at once, silently,
    and only this process reports it (one line, exit 130), never a worker's traceback."""
    import signal

    parent = os.getpid()

    def on_sigint(signum: int, frame: object) -> None:
        if os.getpid() != parent:
            os._exit(130)
        raise KeyboardInterrupt

    with contextlib.suppress(ValueError):  # not the main thread: leave the handler alone
        signal.signal(signal.SIGINT, on_sigint)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        argv = sys.argv[1:] if argv is None else list(argv)
        args = build_parser(_command_in(argv)).parse_args(argv)
        if args.command in ("review", "bench"):
            _quiet_interrupts()
        return _dispatch(args)
    except ReviewerError as exc:
        _err(f"reviewer: error: {exc}")
        return EXIT_ERROR
    except KeyboardInterrupt:
        _err("reviewer: interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # the reader went away (| head): not an error of ours
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return EXIT_OK
    except SystemExit as exc:  # --help / --version
        return int(exc.code or 0) if isinstance(exc.code, int) else 0
    except Exception as exc:
        log = _write_crash_log(exc)
        _err(
            f"reviewer: internal error ({type(exc).__name__}: {str(exc)[:200]}); this is a bug. Details: {log}"
        )
        return EXIT_BUG


#: commands that leave nothing behind (no server, no thread, no temporary file) when they return
_QUICK_EXIT_COMMANDS = frozenset({"review", "hook"})


def run() -> None:
    """The console script and ``python -m reviewer``: :func:`main`, then the exit.

    After a review, tearing the interpreter down frees its objects one by one: about 5 ms of a
    cold run (4% of its instructions) for memory the operating system takes back at once. So,
    like mypy, after a command that leaves nothing running, flush the standard streams and leave
    with ``os._exit``. Other commands, and any process with a thread still alive, exit normally.
    """
    code = main()
    argv = sys.argv[1:]
    threading = sys.modules.get("threading")
    if _command_in(argv) in _QUICK_EXIT_COMMANDS and (
        threading is None or threading.active_count() == 1
    ):
        code = _flush_streams(code)
        os._exit(code)
    sys.exit(code)


def _flush_streams(code: int) -> int:
    """Flush stdout and stderr as an interpreter exit would; a failed write is an error, except a
    reader that went away (``| head``)."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BrokenPipeError:
            pass
        except (OSError, ValueError) as exc:
            with contextlib.suppress(OSError, ValueError):
                sys.stderr.write(f"reviewer: error: cannot write the output ({exc})\n")
                sys.stderr.flush()
            code = EXIT_ERROR
    return code


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "review":
        return _cmd_review(args)
    if args.command == "bench":
        from .bench import run_bench

        return run_bench(args)
    if args.command == "intent":
        from .precommit import intent_command

        return intent_command(args)
    if args.command == "hook":
        from .precommit import hook_command

        return hook_command(args)
    if args.command == "github":
        with _extra("github"):
            from .github.action import run_action
        return run_action(args)
    if args.command == "serve":
        with _extra("github"):
            from .github.app import serve
        return serve(args)
    if args.command == "worker":
        with _extra("github"):
            from .github.app import worker
        return worker(args)
    if args.command == "agent":
        from .agent.command import agent_command

        return agent_command(args)
    if args.command == "mcp":
        from .agent.command import mcp_command

        return mcp_command(args)
    if args.command in ("backtest", "stats", "replay"):
        from .history import command

        run_history: Callable[[argparse.Namespace], int] = getattr(
            command, f"{args.command}_command"
        )
        return run_history(args)
    build_parser().print_help(sys.stderr)
    return EXIT_ERROR


_EXTRA_MODULES = {"github": ("github", "starlette", "uvicorn", "jwt")}


@contextlib.contextmanager
def _extra(name: str) -> Iterator[None]:
    """A missing optional dependency is a setup error with its fix, not a crash."""
    try:
        yield
    except ModuleNotFoundError as exc:
        if (exc.name or "").split(".")[0] in _EXTRA_MODULES[name]:
            raise UsageError(
                f"this command needs the {name} extra ({exc.name} is missing): "
                f"pip install 'intent-reviewer[{name}]'"
            ) from exc
        raise


# --- review -----------------------------------------------------------------------------------------


def _cmd_review(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    sources = [bool(args.diff), args.source == "-", bool(args.base), bool(args.staged)]
    if args.source not in (None, "-"):
        raise UsageError(
            f"unexpected argument {args.source!r} (use --diff FILE, '-', --base REV or --staged)"
        )
    if sum(sources) != 1:
        raise UsageError(
            "give exactly one diff source: --diff FILE, '-' (stdin), --base REV or --staged"
        )
    if args.head and not args.base:
        raise UsageError("--head needs --base")
    intents = [args.intent is not None, args.intent_file is not None, args.intent_from_commits]
    if sum(intents) > 1:
        raise UsageError("give at most one of --intent, --intent-file, --intent-from-commits")
    if args.intent_from_commits and not args.base:
        raise UsageError("--intent-from-commits needs --base")
    if args.repo and not os.path.isdir(args.repo):
        raise UsageError(f"--repo {args.repo}: no such directory")

    from . import git
    from .diff import decode, parse_diff

    repo: str | None = args.repo or None
    # --base and --staged read blobs: git cat-file starts now, while rev-parse and diff answer
    reader = git.BlobReader(repo) if args.base or args.staged else None
    try:
        change = git.pr_change(args.base, args.head or "HEAD", cwd=repo) if args.base else None
        # a diff file is also read whole when the repository here holds its blobs
        in_repo = change is not None or (not args.base and git.inside_work_tree(repo))
        if (args.base or args.staged) and not in_repo:
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
        elif args.staged:
            raw = git.diff_staged(cwd=repo)
            head_sha = git.head_commit(cwd=repo)
            assert reader is not None
            blobs = git.GitBlobs(reader, head_sha or git.EMPTY_TREE, git.INDEX)
            policy_rev = head_sha
        else:
            raw = _read_input(args.diff if args.diff else "-")
        diff = parse_diff(decode(raw))
        if not diff.files and not args.allow_empty:
            raise UsageError(_nothing_to_review(args))
        if blobs is None and reader is not None:
            ids = {}
            for fd in diff.files:
                if fd.old_blob:
                    ids[("old", fd.old_path or fd.path)] = fd.old_blob
                if fd.new_blob:
                    ids[("new", fd.path)] = fd.new_blob
            blobs = git.ObjectBlobs(reader, ids)

        from .intent import parse_intent

        intent_text, title, source = _intent_text(args, repo)
        intent = parse_intent(intent_text, source=source, title=title)
        config = _load_config(args.config, repo=repo, rev=policy_rev, reader=reader)
        if args.verbose:
            where = (
                f"git {args.base}...{args.head or 'HEAD'}"
                if args.base
                else "the index"
                if args.staged
                else (args.diff or "stdin")
            )
            _err(f"reviewer: diff from {where}; policy from {config.source}; intent from {source}")
        from .pipeline import LLMStep, review_change

        result = review_change(
            diff,
            intent,
            config,
            blobs=blobs,
            # the index's references are counted at HEAD, what the staged change is made against
            references_at=head if args.base else (policy_rev if args.staged else None),
            repo=repo,
            parallel=True,
            on_scoped=None if reader is None else reader.done,
            llm=LLMStep(model=args.model, on_error=args.on_llm_error, verbose=bool(args.verbose))
            if args.llm
            else None,
            started=started,
        )
    finally:
        if reader is not None:
            reader.close()

    _emit(args, result)
    code = exit_code(result, args.fail_on or config.fail_on)
    if getattr(args, "record", None):
        from .history.record import record_cli_review

        record_cli_review(
            args.record, result, repo=repo, head=head, blocked=code != 0, config=config
        )
    return code


def _nothing_to_review(args: argparse.Namespace) -> str:
    """Why the diff is empty, in the words of where it came from (an empty review never passes)."""
    if args.base:
        return (
            f"nothing to review: {args.base}...{args.head or 'HEAD'} changes no file (a wrong "
            "--base? in CI, fetch the base branch: actions/checkout with fetch-depth: 0); "
            "--allow-empty accepts it"
        )
    if args.staged:
        return "nothing to review: nothing is staged (git add first); --allow-empty accepts it"
    where = "stdin" if not args.diff or args.diff == "-" else args.diff
    return f"nothing to review: the diff from {where} is empty; --allow-empty accepts it"


def exit_code(review: Review, fail_on: str) -> int:
    """1 when the review blocks under ``fail_on`` (``gate.decide``), else 0."""
    from .gate import decide

    return EXIT_ANSWERS if decide(review, fail_on).blocked else EXIT_OK


def _read_input(name: str) -> bytes:
    from .errors import DiffError

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


def _intent_text(args: argparse.Namespace, repo: str | None) -> tuple[str, str | None, Any]:
    from . import git

    source = args.intent_source
    if args.intent is not None:
        return args.intent, None, source or "cli"
    if args.intent_file is not None:
        return _read_text(args.intent_file), None, source or "cli"
    if args.intent_from_commits:
        head = args.head or "HEAD"
        fork = git.merge_base(
            git.resolve(args.base, cwd=repo), git.resolve(head, cwd=repo), cwd=repo
        )
        messages = git.commit_messages(fork, head, cwd=repo)
        return "\n\n".join(messages), None, source or "commit"
    return "", None, source or "cli"


def _read_text(name: str) -> str:
    from .errors import UsageError as _UE

    try:
        if name == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(name, "rb") as fh:
                data = fh.read()
    except FileNotFoundError as exc:
        raise _UE(f"{name}: no such file") from exc
    except OSError as exc:
        raise _UE(f"{name}: cannot read ({exc.strerror or exc})") from exc
    return data[:1_000_000].decode("utf-8", "replace")


def _load_config(
    path: str | None, *, repo: str | None, rev: str | None, reader: Any | None
) -> Config:
    from . import config as cfg

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
        from . import git

        root = git.toplevel(repo)
    return cfg.load_at(lambda name: _maybe_read(os.path.join(root, name)))


def _maybe_read(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror or exc})") from exc


def _emit(args: argparse.Namespace, result: Review) -> None:
    from .render import renderer

    fmt = args.format
    if fmt == "text":
        from .render.text import render as render_text

        use_color = args.color == "always" or (
            args.color == "auto"
            and not args.output
            and sys.stdout.isatty()
            and not os.environ.get("NO_COLOR")
        )
        text = render_text(result, color=use_color, width=_width())
    else:
        text = renderer(fmt)(result)
    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8") as fh:
                fh.write(text)
        except OSError as exc:
            raise UsageError(
                f"--output {args.output}: cannot write ({exc.strerror or exc})"
            ) from exc
    else:
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:  # a full disk behind `> report.json`
            raise ReviewerError(f"cannot write the output ({exc.strerror or exc})") from exc


def _columns() -> int:
    """Terminal columns like ``shutil.get_terminal_size``: $COLUMNS, then the terminal, then 80."""
    try:
        columns = int(os.environ.get("COLUMNS", ""))
        if columns > 0:
            return columns
    except ValueError:
        pass
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        return 80


def _width() -> int:
    return max(60, min(120, _columns()))


def _err(text: str) -> None:
    try:
        sys.stderr.write(text.replace("\n", " ") + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def _write_crash_log(exc: BaseException) -> str:
    import tempfile
    import traceback
    from pathlib import Path

    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = Path(base) / "intent-reviewer"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        folder = Path(tempfile.gettempdir())
    path = folder / f"crash-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.log"
    try:
        path.write_text(
            f"reviewer {__version__}\nargv: {sys.argv!r}\n\n"
            + "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
            "utf-8",
        )
    except OSError:
        return "(could not write a crash log)"
    return str(path)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
