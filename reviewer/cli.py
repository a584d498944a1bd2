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
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from . import __version__
from .errors import ReviewerError, UsageError
from .helptext import FAIL_ON
from .terminal import columns, say

EXIT_OK, EXIT_ANSWERS, EXIT_ERROR, EXIT_BUG, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """argparse's formatter with the width found without ``shutil``, which argparse imports for
    ``get_terminal_size`` on every ``add_argument`` (with zlib, bz2 and lzma, on every cold start)."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=columns() - 2)


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
        parser.description = textwrap.fill(description, width=max(40, min(columns() - 2, 96)))
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
        say(f"reviewer: error: {exc}")
        return EXIT_ERROR
    except KeyboardInterrupt:
        say("reviewer: interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # the reader went away (| head): not an error of ours
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return EXIT_OK
    except SystemExit as exc:  # --help / --version
        return int(exc.code or 0) if isinstance(exc.code, int) else 0
    except Exception as exc:
        from .crash import write_crash_log

        log = write_crash_log(exc)
        say(
            f"reviewer: internal error ({type(exc).__name__}: {str(exc)[:200]}); this is a bug. Details: {log}"
        )
        return EXIT_BUG


#: commands that leave nothing behind (no server, no thread, no temporary file) when they return
_QUICK_EXIT_COMMANDS = frozenset({"review", "hook"})


def run() -> None:
    """The console script and ``python -m reviewer``: :func:`main`, then the exit."""
    # A cold review allocates a few hundred thousand objects and frees almost all of them by
    # reference counting; the collector's default pace (every 700 allocations) spends 2% of the run
    # finding no cycles. Collections still happen, less often, so a long run's memory stays bounded.
    # Set here, for the process the console script starts, not when a library imports the CLI.
    gc.set_threshold(20_000, 10, 10)
    code = main()
    if _may_exit_quickly(sys.argv[1:]):
        _exit_quickly(code)
    sys.exit(code)


def _may_exit_quickly(argv: Sequence[str]) -> bool:
    """After a command that leaves nothing running (no thread alive), unless REVIEWER_NO_FAST_EXIT=1."""
    if (
        os.environ.get("REVIEWER_NO_FAST_EXIT") == "1"
        or _command_in(argv) not in _QUICK_EXIT_COMMANDS
    ):
        return False
    threading = sys.modules.get("threading")
    return threading is None or threading.active_count() == 1


def _exit_quickly(code: int) -> None:
    """Flush the standard streams and leave with ``os._exit``, skipping the interpreter's teardown.

    Why: after a review, tearing the interpreter down frees its objects one by one, a cost of every
    cold run (what a pre-commit hook adds to every commit) for memory the operating system takes
    back at once; mypy does the same. What is skipped: ``atexit`` handlers, finalizers and the
    flushing of any file object other than stdout and stderr, which is why only commands that leave
    nothing open come here. ``REVIEWER_NO_FAST_EXIT=1`` exits normally (to profile, or to debug an
    exit handler).
    """
    os._exit(_flush_streams(code))


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
        return _review(args)
    if args.command == "bench":
        from .bench import run_bench

        if args.metamorphic:
            from .metamorphic import metamorphic

            return run_bench(args, metamorphic)
        return run_bench(args)
    if args.command == "intent":
        return _intent(args)
    if args.command == "hook":
        return _hook(args)
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


def _review(args: argparse.Namespace) -> int:
    from .commands.review import ReviewOptions, review

    blocked = review(
        ReviewOptions(
            source=args.source,
            diff=args.diff,
            base=args.base,
            head=args.head,
            staged=args.staged,
            allow_empty=args.allow_empty,
            intent=args.intent,
            intent_file=args.intent_file,
            intent_from_commits=args.intent_from_commits,
            intent_source=args.intent_source,
            format=args.format,
            output=args.output,
            color=args.color,
            record=args.record,
            fail_on=args.fail_on,
            config=args.config,
            repo=args.repo,
            llm=args.llm,
            model=args.model,
            on_llm_error=args.on_llm_error,
            verbose=args.verbose,
        )
    )
    return EXIT_ANSWERS if blocked else EXIT_OK


def _intent(args: argparse.Namespace) -> int:
    from .commands import intent

    action = getattr(args, "intent_command", None)
    if action == "set":
        intent.set_intent(args.text, source=args.source)
    elif action == "show":
        intent.show_intent(as_json=args.json)
    elif action == "clear":
        intent.clear_intent()
    else:
        raise UsageError("reviewer intent: choose an action: set TEXT, show or clear")
    return EXIT_OK


def _hook(args: argparse.Namespace) -> int:
    stage = getattr(args, "hook_command", None)
    if stage == "commit-msg":
        from .commands.commit_msg import commit_msg

        blocked = commit_msg(
            args.message_file,
            fail_on=args.fail_on,
            config_path=args.config,
            llm=bool(args.llm),
            record_db=args.record,
        )
    elif stage == "pre-push":
        from .commands.pre_push import Options, pre_push

        blocked = pre_push(
            args.remote,
            from_ref=args.from_ref,
            to_ref=args.to_ref,
            options=Options(
                fail_on=args.fail_on,
                config_path=args.config,
                llm=bool(args.llm),
                record_db=args.record,
            ),
        )
    else:
        raise UsageError("reviewer hook: choose a stage: commit-msg MSGFILE or pre-push")
    return EXIT_ANSWERS if blocked else EXIT_OK


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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
