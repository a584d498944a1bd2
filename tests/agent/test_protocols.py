"""Codex CLI, Gemini CLI and Cursor: their documented payloads drive the same review."""

from __future__ import annotations

import json

import pytest

from tests.agent.conftest import ASK, HookRun, delete_database, fix_currency, payload
from tests.conftest import Repo


def codex(project: Repo, name: str, **changes: object) -> dict[str, object]:
    return payload(f"codex-{name}.json", cwd=str(project.path), **changes)


def gemini(project: Repo, name: str, **changes: object) -> dict[str, object]:
    return payload(f"gemini-{name}.json", cwd=str(project.path), **changes)


def cursor(project: Repo, name: str, **changes: object) -> dict[str, object]:
    return payload(f"cursor-{name}.json", workspace_roots=[str(project.path)], **changes)


def test_codex_blocks_then_reports(hook: HookRun, project: Repo) -> None:
    assert hook("codex", codex(project, "user-prompt-submit", prompt=ASK)) == (0, "", "")
    fix_currency(project)
    delete_database(project)
    reply = json.loads(hook("codex", codex(project, "stop"))[1])
    assert reply["decision"] == "block" and "aws_db_instance.main" in reply["reason"]
    again = json.loads(hook("codex", codex(project, "stop", stop_hook_active=True))[1])
    assert "decision" not in again and "aws_db_instance.main" in again["systemMessage"]


def test_codex_lets_an_honest_change_through(hook: HookRun, project: Repo) -> None:
    hook("codex", codex(project, "user-prompt-submit", prompt=ASK))
    fix_currency(project)
    assert hook("codex", codex(project, "stop")) == (0, "", "")


def test_gemini_denies_then_reports(hook: HookRun, project: Repo) -> None:
    assert hook("gemini", gemini(project, "before-agent", prompt=ASK)) == (0, "{}\n", "")
    fix_currency(project)
    delete_database(project)
    reply = json.loads(hook("gemini", gemini(project, "after-agent", prompt=ASK))[1])
    assert reply["decision"] == "deny" and "aws_db_instance.main" in reply["reason"]
    again = hook("gemini", gemini(project, "after-agent", prompt=ASK, stop_hook_active=True))
    assert "aws_db_instance.main" in json.loads(again[1])["systemMessage"]


def test_gemini_records_the_prompt_at_after_agent_too(hook: HookRun, project: Repo) -> None:
    fix_currency(project)  # BeforeAgent never ran: AfterAgent's prompt is the intent
    assert hook("gemini", gemini(project, "after-agent", prompt=ASK)) == (0, "{}\n", "")


def test_cursor_sends_a_followup_then_stops(hook: HookRun, project: Repo) -> None:
    code, out, _ = hook("cursor", cursor(project, "before-submit-prompt", prompt=ASK))
    assert (code, json.loads(out)) == (0, {"continue": True})
    fix_currency(project)
    delete_database(project)
    reply = json.loads(hook("cursor", cursor(project, "stop"))[1])
    reason = reply["followup_message"]
    assert "aws_db_instance.main" in reason
    # Cursor submits the follow-up as the next user message: it is not the user's intent
    hook("cursor", cursor(project, "before-submit-prompt", prompt=reason))
    store = json.loads((project.path / ".git" / "reviewer-intent.json").read_text())
    assert store["branches"]["main"]["text"] == ASK
    code, out, err = hook("cursor", cursor(project, "stop", loop_count=1))
    assert (code, out) == (0, "{}\n") and "aws_db_instance.main" in err


@pytest.mark.parametrize("status", ["aborted", "error"])
def test_cursor_does_not_review_a_turn_that_did_not_complete(
    hook: HookRun, project: Repo, status: str
) -> None:
    hook("cursor", cursor(project, "before-submit-prompt", prompt=ASK))
    delete_database(project)
    assert hook("cursor", cursor(project, "stop", status=status)) == (0, "{}\n", "")


def test_cursor_and_codex_block_on_a_failure_with_their_own_reply(
    hook: HookRun, project: Repo
) -> None:
    fix_currency(project)  # no prompt recorded and no transcript: the change cannot be judged
    code, out, _ = hook("cursor", cursor(project, "stop"))
    assert code == 0 and "no prompt was recorded" in json.loads(out)["followup_message"]
    code, out, _ = hook("codex", codex(project, "stop"))
    assert code == 0 and "no prompt was recorded" in json.loads(out)["reason"]
