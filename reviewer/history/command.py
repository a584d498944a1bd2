"""The ``reviewer backtest``, ``reviewer stats`` and ``reviewer replay`` commands: arguments and
what they print. The exit code is 0 when the report was produced (2 on a known error)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from ..errors import UsageError


def add_backtest_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--repo", metavar="DIR", default=".", help="the git repository (default: .)")
    p.add_argument(
        "--rev", default="HEAD", help="the branch whose history is replayed (default HEAD)"
    )
    p.add_argument("--since", metavar="DATE", help="only changes committed since DATE (git date)")
    p.add_argument("--until", metavar="DATE", help="only changes committed until DATE")
    p.add_argument(
        "--max", type=int, default=1000, metavar="N", help="the newest N changes (default 1000)"
    )
    p.add_argument(
        "--policy",
        action="append",
        metavar="FILE",
        help="a candidate policy (.reviewer.toml or pyproject.toml); 'base' is the repository's "
        "own at each change's base (the default). Twice: compare the two side by side",
    )
    p.add_argument(
        "--jobs", type=int, default=None, metavar="N", help="worker processes (default: CPUs)"
    )
    p.add_argument("--format", choices=("text", "json"), default="text", help="stdout format")
    p.add_argument("--json", dest="json_out", metavar="FILE", help="also write the JSON report")
    p.add_argument("--html", metavar="FILE", help="also write the HTML report")
    p.add_argument(
        "--link",
        metavar="TEMPLATE",
        help="commit link with {sha} (default: from a GitHub origin remote)",
    )
    p.add_argument(
        "--github-repo",
        metavar="OWNER/NAME",
        help="read PR titles and bodies from GitHub as the intents (needs $GITHUB_TOKEN)",
    )
    p.add_argument(
        "--hotfix-days",
        type=int,
        default=7,
        metavar="N",
        help="a fix within N days that touches a change's files counts as its hot-fix (default 7)",
    )
    p.add_argument(
        "--redis",
        metavar="URL",
        help="send the changes to the `reviewer worker` processes of this Redis instead of local "
        "processes (the repository must be at the same path on their machines)",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")


def backtest_command(args: argparse.Namespace) -> int:
    from .. import git
    from .backtest import BASE_POLICY, backtest
    from .changes import list_changes

    policies = [_policy_spec(p) for p in (args.policy or ["base"])]
    if len(policies) > 2:
        raise UsageError("--policy: compare at most two policies at a time")
    if args.max is not None and args.max <= 0:
        raise UsageError("--max must be positive")
    if args.jobs is not None and args.jobs <= 0:
        raise UsageError("--jobs must be positive")
    repo = git.toplevel(args.repo)
    tip = git.resolve(args.rev, cwd=repo)
    changes = list_changes(repo, rev=tip, since=args.since, until=args.until, max_count=args.max)
    if not changes:
        raise UsageError("no merged changes in that range: check --rev, --since and --until")
    link = args.link or _github_link(repo)
    pr_texts = None
    if args.github_repo:
        token = os.environ.get("GITHUB_TOKEN") or os.environ.get("GH_TOKEN")
        if not token:
            raise UsageError("--github-repo needs a token in $GITHUB_TOKEN")
        from .pulls import pr_texts as fetch_texts

        pr_texts = fetch_texts(args.github_repo, changes, token)
    jobs = args.jobs or os.cpu_count() or 1
    progress = None if args.quiet or not sys.stderr.isatty() else _progress
    report = backtest(
        repo,
        changes,
        policies or [BASE_POLICY],
        tip=tip,
        jobs=jobs,
        redis_url=args.redis,
        pr_texts=pr_texts,
        link=link,
        hotfix_days=args.hotfix_days,
        progress=progress,
    )
    if progress:
        sys.stderr.write("\n")
    text = json.dumps(report, indent=2, ensure_ascii=False) + "\n"
    if args.json_out:
        _write(args.json_out, text)
    if args.html:
        from .report_html import backtest_page

        _write(args.html, backtest_page(report))
    sys.stdout.write(text if args.format == "json" else render_backtest(report))
    return 0


def _policy_spec(value: str) -> Any:
    from .backtest import BASE_POLICY, PolicySpec
    from .change_review import policy_from_text

    if value == "base":
        return BASE_POLICY
    try:
        with open(value, encoding="utf-8") as fh:
            text = fh.read()
    except OSError as exc:
        raise UsageError(f"--policy {value}: cannot read ({exc.strerror or exc})") from exc
    policy_from_text(text, source=value)  # a bad policy fails now, once, not in every change
    return PolicySpec(value, text)


def _github_link(repo: str) -> str | None:
    from .. import git
    from .pulls import github_repo_of

    url = git.run(["config", "--get", "remote.origin.url"], cwd=repo, check=False)
    name = github_repo_of(url.decode("utf-8", "replace"))
    return f"https://github.com/{name}/commit/{{sha}}" if name else None


def _progress(done: int, total: int) -> None:
    sys.stderr.write(f"\rreviewer backtest: {done}/{total}")
    sys.stderr.flush()


def render_backtest(report: dict[str, Any]) -> str:
    s = report["speed"]
    out = [
        f"backtest of {report['repository']} at {report['tip'][:12]}: {report['range']['changes']}"
        f" merged changes, {s['reviews']} reviews in {s['seconds']} s"
        f" ({s['changes_per_second']} {'changes' if s['reviews'] == s['changes'] else 'reviews'}/s,"
        f" {s['jobs']} process(es))",
    ]
    for p in report["policies"]:
        t, n = p["totals"], p["noise"]
        rate = "n/a" if t["block_rate"] is None else f"{t['block_rate'] * 100:.1f}%"
        noise = "n/a" if n["noise_rate"] is None else f"{n['noise_rate'] * 100:.0f}%"
        v, b = t["verdicts"], t["blast_radius"]
        out += [
            "",
            f"{p['name']}: would have blocked {t['blocked']} of {t['reviewed']} ({rate})"
            + (f", {t['errors']} not reviewable" if t["errors"] else ""),
            f"  verdicts: aligned {v['aligned']}, drift {v['drift']}, mismatch {v['mismatch']};"
            f" blast radius: low {b['low']}, medium {b['medium']}, high {b['high']},"
            f" critical {b['critical']}",
            f"  noise estimate: {n['never_followed_up']} of {n['blocked']} blocked changes were"
            f" never reverted or hot-fixed ({noise})",
            "  rules that fire most: "
            + (", ".join(f"{r['rule']} {r['changes']}" for r in p["rules"][:8]) or "none"),
            "  most blocked areas: "
            + (", ".join(f"{a['area']} {a['blocked']}" for a in p["areas"][:6]) or "none"),
            "  riskiest changes:",
        ]
        for r in p["riskiest"][:10]:
            flag = "BLOCK" if r["blocked"] else "pass "
            out.append(
                f"    {flag} {r['sha'][:10]} {r['verdict']}/{r['blast_radius']}"
                f" {', '.join(r['rules'])}: {r['subject'][:70]}"
            )
    return "\n".join(out) + "\n"


# --- stats --------------------------------------------------------------------------------------


def add_stats_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("db", metavar="DB", help="the review history (SQLite file)")
    p.add_argument("--since", metavar="YYYY-MM-DD", help="only reviews recorded since then")
    p.add_argument("--repository", metavar="NAME", help="only this repository's reviews")
    p.add_argument(
        "--format",
        choices=("text", "json", "html"),
        default="text",
        help="text (default), JSON, or a self-contained HTML page",
    )
    p.add_argument("--output", "-o", metavar="FILE", help="write here instead of stdout")


def stats_command(args: argparse.Namespace) -> int:
    from .stats import compute, render_html, render_text
    from .store import Store

    if not os.path.isfile(args.db):
        raise UsageError(f"{args.db}: no review history there (record one with --record)")
    with Store(args.db) as store:
        stats = compute(store, since=args.since, repository=args.repository)
    if args.format == "json":
        text = json.dumps(stats, indent=2, ensure_ascii=False) + "\n"
    elif args.format == "html":
        text = render_html(stats)
    else:
        text = render_text(stats)
    if args.output:
        _write(args.output, text)
    else:
        sys.stdout.write(text)
    return 0


# --- replay -------------------------------------------------------------------------------------


def add_replay_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--config", metavar="FILE", help="the policy to replay under (default: the repository's)"
    )
    p.add_argument(
        "--dir", metavar="DIR", help="replays from this folder instead of the bundled ones"
    )
    p.add_argument(
        "--format",
        choices=("text", "json", "markdown"),
        default="text",
        help="text (default), JSON, or a Markdown table",
    )


def replay_command(args: argparse.Namespace) -> int:
    from .. import config as cfg
    from .replay import load_incidents, render_markdown, render_text, replay

    if args.config:
        config = cfg.load_file(args.config)
    else:
        from ..commands.review import read_if_exists

        config = cfg.load_at(lambda name: read_if_exists(os.path.join(os.getcwd(), name)))
    from pathlib import Path

    rows = replay(load_incidents(Path(args.dir) if args.dir else None), config)
    if args.format == "json":
        sys.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
    elif args.format == "markdown":
        sys.stdout.write(render_markdown(rows))
    else:
        sys.stdout.write(render_text(rows, policy=config.source))
    return 0 if all(r["stopped"] for r in rows) else 1


def _write(path: str, text: str) -> None:
    try:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as exc:
        raise UsageError(f"{path}: cannot write ({exc.strerror or exc})") from exc
