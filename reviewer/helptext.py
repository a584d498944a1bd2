"""What ``--help`` says about each command: a description, two examples and the exit codes."""

from __future__ import annotations

EXIT_CODES = """\
exit codes:
  0    review produced; nothing blocks it
  1    review produced and it blocks: it requires answers (a mismatch: a risky change the
       intent does not state, or a critical blast radius), or --fail-on is reached
  2    a known error: bad arguments, config, unreadable or empty diff, missing credentials,
       a service failing after retries (one line on stderr)
  3    a bug: one line on stderr, the traceback in a log file under ~/.cache/intent-reviewer/
  130  interrupted (Ctrl-C)"""

SHORT_EXIT_CODES = """\
exit codes: 0 done, 2 a known error (one line on stderr), 3 a bug (traceback in a log
file under ~/.cache/intent-reviewer/), 130 interrupted"""

FAIL_ON = (
    "when to exit 1 (default: the policy's fail_on, 'mismatch'). Whatever the value except "
    "'never', a review that requires answers blocks while a question is open (a mismatch, or a "
    "critical blast radius). mismatch: also any mismatch verdict; drift: also any file the intent "
    "does not explain; high: also a high or critical blast radius whose risky changes are all "
    "stated; never: exit 0 whatever the review says"
)

#: command (or "command action") -> (description, epilog)
DOCS: dict[str, tuple[str, str]] = {
    "review": (
        "Review a diff against its stated intent: the files and risky changes the intent does not "
        "explain, the blast radius, and the questions the author must answer. An empty diff is an "
        "error (exit 2) unless --allow-empty: a wrong --base or nothing staged must not pass "
        "silently.",
        """\
examples:
  reviewer review --base main --intent-from-commits
  git diff main... | reviewer review - --intent "Fix the cart total rounding" --format markdown

"""
        + EXIT_CODES,
    ),
    "bench": (
        "Score the reviewer on a labelled JSONL bench (one case a line: intent, diff, labels): "
        "catch rate, false alarms and out-of-scope precision, by construction and by repository.",
        """\
examples:
  reviewer bench cases.jsonl --show misses
  reviewer bench cases.jsonl --exclude-repo acme/infra --format json

exit codes: 0 scored, 2 an unreadable bench file or bad arguments, 3 a bug, 130 interrupted""",
    ),
    "intent": (
        "Record, show or clear the intent of the current branch (for example the prompt given to "
        "an AI assistant); the hooks review commits against it with their messages. It is kept "
        "under .git/.",
        """\
examples:
  reviewer intent set "Fix the date-range bug in billing/report.py; no infra changes"
  reviewer intent show --json

"""
        + SHORT_EXIT_CODES,
    ),
    "intent set": (
        "Record the intent of the current branch (replaces the one recorded).",
        """\
examples:
  reviewer intent set "Rename the cost report's currency field"
  pbpaste | reviewer intent set - --source prompt

"""
        + SHORT_EXIT_CODES,
    ),
    "intent show": (
        "Print the intent recorded for the current branch.",
        """\
examples:
  reviewer intent show
  reviewer intent show --json

"""
        + SHORT_EXIT_CODES,
    ),
    "intent clear": (
        "Forget the intent recorded for the current branch.",
        """\
examples:
  reviewer intent clear
  reviewer intent clear && reviewer intent show

"""
        + SHORT_EXIT_CODES,
    ),
    "hook": (
        "Entry points for pre-commit (.pre-commit-hooks.yaml runs them): review the staged change "
        "against the commit message, or each pushed commit against its own message.",
        """\
examples:
  reviewer hook commit-msg .git/COMMIT_EDITMSG
  reviewer hook pre-push origin --from-ref origin/main --to-ref HEAD

exit codes: 0 the commit or push may go on, 1 it is blocked (open questions; answer them
with "Reviewer-Answer: QID <answer>" trailers), 2 a known error, 3 a bug, 130 interrupted""",
    ),
    "hook commit-msg": (
        "Review the staged diff against the commit message being written.",
        """\
examples:
  reviewer hook commit-msg .git/COMMIT_EDITMSG
  reviewer hook commit-msg --fail-on high

exit codes: 0 the commit may go on, 1 blocked by open questions, 2 a known error, 3 a bug""",
    ),
    "hook pre-push": (
        "Review each pushed commit against its own message (refs on stdin, as git passes them).",
        """\
examples:
  reviewer hook pre-push origin
  reviewer hook pre-push --from-ref origin/main --to-ref HEAD

exit codes: 0 the push may go on, 1 blocked by open questions, 2 a known error, 3 a bug""",
    ),
    "github": (
        "Run inside a GitHub Action (action.yml calls it): review the pull request, upsert one "
        "sticky comment, inline comments and a check run; on a comment, record /answer replies "
        "and re-evaluate. Needs GITHUB_TOKEN (and GITHUB_EVENT_PATH, GITHUB_EVENT_NAME, "
        "GITHUB_REPOSITORY, as Actions sets them); OPENAI_API_KEY or OPENAI_BASE_URL for --llm.",
        """\
examples:
  reviewer github
  reviewer github --fail-on high --inline-comments 5 --output-dir out/

"""
        + EXIT_CODES,
    ),
    "serve": (
        "Run the GitHub App webhook server: reviews pull requests on webhook events (signature "
        "required), answers /review, /answer and /signoff comments, serves /healthz. Every "
        "signed delivery is written to a durable queue and answered 202; worker threads review "
        "it (with --redis, `reviewer worker` processes do). Secrets it reads from the "
        "environment: GITHUB_WEBHOOK_SECRET (verifies every delivery), "
        "GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY or GITHUB_APP_PRIVATE_KEY_FILE (the App's "
        "identity); optional GITHUB_API_URL (GitHub Enterprise), OPENAI_API_KEY or "
        "OPENAI_BASE_URL (turns the LLM step on).",
        """\
examples:
  GITHUB_WEBHOOK_SECRET=... GITHUB_APP_ID=123 GITHUB_APP_PRIVATE_KEY_FILE=app.pem reviewer serve
  reviewer serve --host 0.0.0.0 --port 8080 --redis redis://queue.internal:6379/0

exit codes: 0 stopped cleanly (SIGTERM: within 10 s, queued jobs kept), 2 missing or invalid
secrets or settings, 3 a bug, 130 interrupted""",
    ),
    "worker": (
        "Review the GitHub App's jobs that `reviewer serve --redis` queues, on any number of "
        "machines. It reads the same secrets as serve: GITHUB_WEBHOOK_SECRET (every job's "
        "signature is checked again), GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY or "
        "GITHUB_APP_PRIVATE_KEY_FILE; optional GITHUB_API_URL, OPENAI_API_KEY or OPENAI_BASE_URL.",
        """\
examples:
  REVIEWER_REDIS_URL=redis://queue.internal:6379/0 reviewer worker
  reviewer worker --redis redis://127.0.0.1:6379/0 --workers 8

exit codes: 0 stopped cleanly (SIGTERM or Ctrl-C: running jobs get 6 s, then go back to the
queue), 2 missing or invalid secrets or settings, 3 a bug""",
    ),
    "agent": (
        "AI coding agent hooks: record each prompt as the branch's intent, and review the agent's "
        "change against it before the agent finishes.",
        """\
examples:
  reviewer agent install claude
  reviewer agent install codex --print

"""
        + SHORT_EXIT_CODES,
    ),
    "agent hook": (
        "Handle one hook call of the agent: its JSON payload on stdin, the agent's answer on "
        "stdout (the agents' settings call this; you rarely do).",
        """\
examples:
  reviewer agent hook claude < payload.json
  reviewer agent hook cursor < payload.json

exit codes: as the agent's hook protocol expects (the answer is in the JSON on stdout)""",
    ),
    "agent install": (
        "Add the reviewer's hooks to the agent's settings in this repository (merged, never "
        "overwritten).",
        """\
examples:
  reviewer agent install claude
  reviewer agent install gemini --print

"""
        + SHORT_EXIT_CODES,
    ),
    "mcp": (
        "Serve review_change(intent, base) and open_questions(...) to MCP clients over stdio.",
        """\
examples:
  reviewer mcp
  claude mcp add intent-reviewer -- reviewer mcp

"""
        + SHORT_EXIT_CODES,
    ),
    "backtest": (
        "Replay the offline reviewer over a repository's merged history (first-parent merges and "
        "squash commits) with each change's own message as its intent and the policy at its base: "
        "what the gate would have blocked, an estimate of noise (blocks never reverted or "
        "hot-fixed), and, with --policy twice, two candidate policies side by side.",
        """\
examples:
  reviewer backtest --max 1000 --html backtest.html
  reviewer backtest --since 2025-01-01 --policy base --policy strict.toml --format json

"""
        + SHORT_EXIT_CODES,
    ),
    "stats": (
        "Read the review history (recorded with --record): blocks and time to answer per month, "
        "the dismiss rate per rule, AI-assisted changes against others by blast radius, and "
        "answers that are placeholders.",
        """\
examples:
  reviewer stats .git/reviewer-history.sqlite3
  reviewer stats history.sqlite3 --format html --output stats.html

"""
        + SHORT_EXIT_CODES,
    ),
    "replay": (
        "Run the bundled replays of public incidents (a change that did more than it said) "
        "through the current policy and print, for each, whether it would have been stopped and "
        "with which questions: the tabletop exercise in one command.",
        """\
examples:
  reviewer replay
  reviewer replay --format markdown > replays.md

exit codes: 0 every replay is stopped, 1 one or more would have gone through, 2 a known error
(one line on stderr), 3 a bug (traceback in a log file under ~/.cache/intent-reviewer/),
130 interrupted""",
    ),
}
