"""Claude Code: the documented UserPromptSubmit and Stop payloads, in a real repository."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.agent.conftest import ASK, DATA, HookRun, delete_database, fix_currency, payload
from tests.conftest import Repo


def prompt(project: Repo, text: str = ASK, session: str = "abc123") -> dict[str, object]:
    return payload(
        "claude-user-prompt-submit.json", cwd=str(project.path), prompt=text, session_id=session
    )


def stop(project: Repo, *, active: bool = False, **changes: object) -> dict[str, object]:
    return payload("claude-stop.json", cwd=str(project.path), stop_hook_active=active, **changes)


def question_ids(reason: str) -> list[str]:
    return re.findall(r"\b(Q[0-9A-F]{7})\b", reason)


def test_the_prompt_is_recorded_silently(hook: HookRun, project: Repo) -> None:
    code, out, err = hook("claude", prompt(project))
    assert (code, out, err) == (0, "", "")  # stdout would be added to Claude's context
    store = json.loads((project.path / ".git" / "reviewer-intent.json").read_text())
    assert store["branches"]["main"]["text"] == ASK
    assert store["branches"]["main"]["source"] == "prompt"


def test_a_currency_fix_that_deletes_the_database_is_blocked_with_the_questions(
    hook: HookRun, project: Repo
) -> None:
    hook("claude", prompt(project))
    fix_currency(project)
    delete_database(project)
    code, out, err = hook("claude", stop(project))
    assert code == 0 and err == ""
    reply = json.loads(out)
    assert reply["decision"] == "block"
    reason = reply["reason"]
    assert "infra/main.tf" in reason and "aws_db_instance.main" in reason
    assert "RV201" in reason
    assert question_ids(reason)
    assert "git restore --source=" in reason  # how to revert
    assert "do not answer these questions yourself" in reason  # critical: the user answers
    not_asked = reason.split("Changed but not asked for")[1].split("Risky changes:")[0]
    assert "billing/report.py" not in not_asked


def test_an_agent_that_did_what_it_was_asked_passes_in_one_round(
    hook: HookRun, project: Repo
) -> None:
    hook("claude", prompt(project))
    fix_currency(project)
    assert hook("claude", stop(project)) == (0, "", "")


def test_a_second_stop_after_a_block_does_not_loop(hook: HookRun, project: Repo) -> None:
    hook("claude", prompt(project))
    fix_currency(project)
    delete_database(project)
    first = json.loads(hook("claude", stop(project))[1])
    assert first["decision"] == "block"
    code, out, _ = hook("claude", stop(project, active=True))
    reply = json.loads(out)
    assert code == 0 and "decision" not in reply
    assert set(question_ids(reply["systemMessage"])) == set(question_ids(first["reason"]))
    # the next turn's Stop (the flag is false again) reports the same questions, no new block
    code, out, _ = hook("claude", stop(project))
    assert "decision" not in json.loads(out)


def test_a_new_risky_change_after_a_block_is_blocked_again(hook: HookRun, project: Repo) -> None:
    hook("claude", prompt(project))
    fix_currency(project)
    delete_database(project)
    hook("claude", stop(project))
    project.write(".github/workflows/deploy.yml", "on: pull_request_target\njobs: {}\n")
    assert json.loads(hook("claude", stop(project))[1])["decision"] == "block"


def test_the_agent_cannot_answer_a_critical_question_but_the_user_can(
    hook: HookRun, project: Repo
) -> None:
    hook("claude", prompt(project))
    fix_currency(project)
    delete_database(project)
    reason = json.loads(hook("claude", stop(project))[1])["reason"]
    answers = "\n".join(
        f"Reviewer-Answer: {q} The database moved to cluster B; snapshot snap-0142 is kept."
        for q in question_ids(reason)
    )
    # the agent's own reply does not count at a critical blast radius
    reply = json.loads(
        hook("claude", stop(project, active=True, last_assistant_message=answers))[1]
    )
    assert "systemMessage" in reply
    # the user's next prompt does
    hook("claude", prompt(project, f"Yes, that is intended.\n{answers}"))
    assert hook("claude", stop(project)) == (0, "", "")


def test_an_untracked_file_is_part_of_the_change(hook: HookRun, project: Repo) -> None:
    hook("claude", prompt(project))
    fix_currency(project)
    project.write("scripts/cleanup.sh", "#!/bin/sh\nterraform destroy -auto-approve\n")
    reply = json.loads(hook("claude", stop(project))[1])
    assert reply["decision"] == "block" and "scripts/cleanup.sh" in reply["reason"]
    assert "??" not in project.git("status", "--porcelain", "--", "billing")
    assert project.git("diff", "--cached") == ""  # the index is left as it was


def test_the_policy_from_the_base_commit_can_make_it_warn(hook: HookRun, project: Repo) -> None:
    project.write(".reviewer.toml", '[agent]\nmode = "warn"\n')
    project.commit("Policy")
    hook("claude", prompt(project))
    fix_currency(project)
    delete_database(project)
    code, out, _ = hook("claude", stop(project))
    assert code == 0 and "aws_db_instance.main" in json.loads(out)["systemMessage"]


def test_a_policy_written_by_the_agent_does_not_relax_its_own_review(
    hook: HookRun, project: Repo
) -> None:
    hook("claude", prompt(project))
    fix_currency(project)
    delete_database(project)
    project.write(".reviewer.toml", '[agent]\nmode = "warn"\n')
    assert json.loads(hook("claude", stop(project))[1])["decision"] == "block"


def test_prompts_come_from_the_transcript_when_none_was_recorded(
    hook: HookRun, project: Repo, tmp_path: Path
) -> None:
    transcript = tmp_path / "t.jsonl"
    transcript.write_text((DATA / "claude-transcript.jsonl").read_text())
    fix_currency(project)
    assert hook("claude", stop(project, transcript_path=str(transcript))) == (0, "", "")
    # tool results, subagent turns, command output and the agent's words are not intent
    delete_database(project)
    reply = json.loads(hook("claude", stop(project, transcript_path=str(transcript)))[1])
    assert reply["decision"] == "block"


def test_a_corrupt_transcript_blocks_once_with_a_clear_message(
    hook: HookRun, project: Repo, tmp_path: Path
) -> None:
    transcript = tmp_path / "t.jsonl"
    transcript.write_text('{"type": "user"}\n{not json\n')
    fix_currency(project)
    code, out, err = hook("claude", stop(project, transcript_path=str(transcript)))
    assert (code, out) == (2, "")  # exit 2: Claude Code shows stderr to the agent and continues
    assert "line 2 is not JSON" in err and "not reviewed" in err
    code, out, err = hook("claude", stop(project, active=True, transcript_path=str(transcript)))
    assert code == 0 and "NOT reviewed" in json.loads(out)["systemMessage"]


def test_a_corrupt_payload_is_a_clear_non_blocking_error(hook: HookRun) -> None:
    code, out, err = hook("claude", b'{"hook_event_name": "Stop", ')
    assert (code, out) == (1, "")
    assert "not JSON" in err and "nothing was reviewed" in err
    code, out, err = hook("claude", {"session_id": "x"})
    assert code == 1 and "'hook_event_name' is missing" in err
    code, out, err = hook("claude", b"[1, 2]")
    assert code == 1 and "not an object" in err


def test_a_prompt_is_never_blocked_by_a_failure(hook: HookRun, project: Repo) -> None:
    (project.path / ".git" / "reviewer-agent").write_text("a file where a folder should be")
    code, out, err = hook("claude", prompt(project))
    assert code == 1 and out == "" and "not recorded" in err


def test_outside_a_repository_the_user_is_told(hook: HookRun, tmp_path: Path) -> None:
    code, out, _ = hook("claude", stop_at(tmp_path))
    assert code == 0 and "not a git work tree" in json.loads(out)["systemMessage"]


def stop_at(path: Path) -> dict[str, object]:
    return payload("claude-stop.json", cwd=str(path))


def test_other_events_are_let_through(hook: HookRun, project: Repo) -> None:
    data = payload("claude-stop.json", cwd=str(project.path), hook_event_name="SubagentStop")
    assert hook("claude", data) == (0, "", "")
