"""``reviewer github``: the review run inside a GitHub Action job.

Order matters for "never lose the review": the report files, outputs and annotations are written as
soon as the review exists, before anything is posted; the step summary is written last, in a
``finally``, with what publishing did. Exit code: 1 while the gate blocks (see gate.decide), 0
otherwise, 2 for a known error (one line).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import TextIO

from ..config import FAIL_ON
from ..errors import GitHubError, UsageError
from ..models import severity_rank
from . import event as events
from . import workflow
from .flow import Outcome, Settings, run
from .state import seal_key


def _input(args: argparse.Namespace, attr: str, env: str) -> str | None:
    value = getattr(args, attr, None)
    if value is None:
        value = os.environ.get(env, "").strip() or None
    return value if value is None else str(value)


def _list(text: str | None) -> tuple[str, ...] | None:
    if text is None:
        return None
    return tuple(p.strip() for p in text.replace("\n", ",").split(",") if p.strip())


def settings_from(args: argparse.Namespace, env: dict[str, str]) -> Settings:
    fail_on = _input(args, "fail_on", "INPUT_FAIL_ON")
    if fail_on is not None and fail_on not in FAIL_ON:
        raise UsageError(f"fail-on must be one of {', '.join(FAIL_ON)}, not {fail_on!r}")
    inline_raw = _input(args, "inline_comments", "INPUT_INLINE_COMMENTS")
    try:
        inline = 10 if inline_raw is None else int(inline_raw)
    except ValueError as exc:
        raise UsageError(f"inline-comments must be a number, not {inline_raw!r}") from exc
    if inline < 0:
        raise UsageError("inline-comments must not be negative")
    base_url = env.get("INPUT_OPENAI_BASE_URL", "").strip() or None
    llm_flag = getattr(args, "llm", None)
    llm = (
        bool(env.get("OPENAI_API_KEY", "").strip() or base_url)
        if llm_flag is None
        else bool(llm_flag)
    )
    workspace = env.get("GITHUB_WORKSPACE")
    server = env.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/")
    run_id, repo = env.get("GITHUB_RUN_ID"), env.get("GITHUB_REPOSITORY")
    attempt = env.get("GITHUB_RUN_ATTEMPT", "1").strip()
    return Settings(
        fail_on=fail_on,
        inline_comments=inline,
        senior_reviewers=_list(_input(args, "senior_reviewers", "INPUT_SENIOR_REVIEWERS")),
        ai_markers=_list(_input(args, "ai_markers", "INPUT_AI_MARKERS")) or (),
        config_path=_input(args, "config", "INPUT_CONFIG"),
        llm=llm,
        model=_input(args, "model", "INPUT_MODEL"),
        llm_base_url=base_url,
        state_key=seal_key(env.get("INPUT_STATE_SECRET", "").strip() or None),
        workspace=Path(workspace) if workspace else None,
        server_url=server,
        details_url=f"{server}/{repo}/actions/runs/{run_id}" if run_id and repo else None,
        run_id=run_id or None,
        run_attempt=int(attempt) if attempt.isdigit() else 1,
        history_db=_input(args, "history_db", "INPUT_HISTORY_DB"),
    )


def run_action(args: argparse.Namespace) -> int:
    env = dict(os.environ)
    name = args.event_name or env.get("GITHUB_EVENT_NAME")
    path = args.event_path or env.get("GITHUB_EVENT_PATH")
    if not name or not path:
        raise UsageError(
            "reviewer github runs inside GitHub Actions: GITHUB_EVENT_NAME and GITHUB_EVENT_PATH are not set"
        )
    token = env.get("GITHUB_TOKEN", "").strip()
    if not token:
        raise UsageError("no GitHub token: pass github-token to the action (or set GITHUB_TOKEN)")
    settings = settings_from(args, env)
    event = events.load(path, name)
    summary_path = env.get("GITHUB_STEP_SUMMARY")
    output_path = env.get("GITHUB_OUTPUT")
    out_dir = Path(
        args.output_dir
        or os.path.join(env.get("RUNNER_TEMP") or tempfile.gettempdir(), "intent-reviewer")
    )

    from .api import DEFAULT_API, Client

    client = Client.from_token(token, env.get("GITHUB_API_URL") or DEFAULT_API)
    try:
        who = client.whoami()
        if who:
            settings = _with_bot(settings, who)
        try:
            outcome = run(client, event, settings)
        except GitHubError as exc:
            if summary_path:
                workflow.append_summary(
                    summary_path, f"### intent-reviewer\n\nThe review could not be made: {exc}\n"
                )
            raise
        if outcome.skipped or outcome.review is None:
            print(f"intent-reviewer: {outcome.skipped}")
            if output_path:
                workflow.write_outputs(
                    output_path,
                    {
                        "verdict": "",
                        "blast-radius": "",
                        "requires-answers": "false",
                        "blocked": "false",
                    },
                )
            return 0
        try:
            _emit(outcome, out_dir, output_path, sys.stdout)
            from .publish import Publisher

            Publisher(client, outcome, settings).all()
        finally:
            if summary_path:
                workflow.append_summary(summary_path, summary(outcome))
        _log(outcome)
        assert outcome.gate is not None
        return 1 if outcome.gate.blocked else 0
    finally:
        client.close()


def _with_bot(settings: Settings, login: str) -> Settings:
    """A personal token writes as its user: that user, not ``github-actions[bot]``, is us."""
    from ..record import replace

    return replace(settings, bot_logins=frozenset({login.lower()}))


def _emit(outcome: Outcome, out_dir: Path, output_path: str | None, out: TextIO) -> None:
    from ..render.json import to_dict
    from ..render.sarif import render as render_sarif

    review = outcome.review
    assert review is not None and outcome.gate is not None
    # outstanding, not merely asked: answering every question turns it to false
    outstanding = review.requires_answers and any(not q.answered for q in review.questions)
    values = {
        "verdict": review.verdict,
        "blast-radius": review.blast_radius.level,
        "requires-answers": "true" if outstanding else "false",
        "blocked": "true" if outcome.gate.blocked else "false",
    }
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        report, sarif = out_dir / "report.json", out_dir / "report.sarif"
        data = to_dict(review)
        data["gate"] = {
            "blocked": outcome.gate.blocked,
            "reasons": list(outcome.gate.reasons),
            "signoff_required": outcome.gate.signoff_required,
            "signed_off_by": list(outcome.gate.signed_off_by),
        }
        report.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", "utf-8")
        sarif.write_text(render_sarif(review), "utf-8")
        values.update({"report-json": str(report), "sarif": str(sarif)})
    except OSError as exc:
        outcome.notes.append(
            f"could not write the report files to {out_dir}: {exc.strerror or exc}"
        )
    if output_path:
        workflow.write_outputs(output_path, values)
    emit_annotations(outcome, out)


def emit_annotations(outcome: Outcome, out: TextIO) -> None:
    review = outcome.review
    assert review is not None and outcome.gate is not None
    count = 0
    for f in review.findings:
        if (
            severity_rank(f.severity) < severity_rank("low")
            or count >= workflow.MAX_ANNOTATIONS - 1
        ):
            continue
        level = "error" if severity_rank(f.severity) >= severity_rank("high") else "warning"
        qs = [q.id for q in review.questions if f.id in (q.finding, *q.findings) and not q.answered]
        message = f.title + (f" (answer {', '.join(qs)})" if qs else "")
        line = f.line if f.side == "new" else None
        if f.side == "old" and f.line:
            message += f" [deleted line {f.line}]"
        workflow.annotate(
            out, level, message, file=f.path, line=line, title=f"intent-review {f.rule}"
        )
        count += 1
    if outcome.gate.blocked:
        workflow.annotate(out, "error", "intent-review: " + "; ".join(outcome.gate.reasons))
    out.flush()


def summary(outcome: Outcome) -> str:
    from ..render.markdown import inline, render

    assert outcome.review is not None
    parts = [render(outcome.review)]
    if outcome.posted or outcome.notes:
        # API messages are not ours to trust either: rendered inert like the review's own text
        parts.append("#### Publishing\n")
        parts += [f"- {k}: {inline(v)}" for k, v in outcome.posted.items()]
        parts += [f"- {inline(n)}" for n in outcome.notes if n not in outcome.review.notes]
    return "\n".join(parts) + "\n"


def _log(outcome: Outcome) -> None:
    ledger = outcome.ledger
    for line in ledger.log if ledger else ():
        print(f"intent-reviewer: {line}")
    for key, value in outcome.posted.items():
        print(f"intent-reviewer: {key}: {value}")
