"""End to end: ``reviewer github`` against the stateful fake GitHub (every request and response
checked against GitHub's REST description), driven by real webhook example payloads."""

from __future__ import annotations

import itertools
import json
import re
import threading
from pathlib import Path
from typing import Any

import pytest

from reviewer.github.state import embedded
from reviewer.render.markdown import read_state

from ..conftest import Repo
from .conftest import BASE, HEAD, HEAD2, Runner, comment_event, pr_event, review_event, risky_pr
from .fakegithub import PR, REPO, FakeGitHub, Fault

SENIOR_POLICY = b'senior_reviewers = ["alice"]\n'


def question_ids(fake: FakeGitHub, number: int = 2) -> list[str]:
    (bot,) = [c for c in fake.bot_comments(number) if embedded(c["body"])]
    state = json.loads(embedded(bot["body"]).split(":", 2)[2].removesuffix(":end-state"))  # type: ignore[union-attr]
    return list(state["state"]["questions"])


def sticky(fake: FakeGitHub) -> dict[str, Any]:
    (bot,) = [c for c in fake.bot_comments(2) if embedded(c["body"])]
    return bot


def say(fake: FakeGitHub, runner: Runner, login: str, body: str, **kw: Any) -> tuple[int, str]:
    """``login`` posts a comment; the issue_comment workflow runs."""
    comment = fake.post_comment(2, login, body)
    return runner.run("issue_comment", comment_event(fake, comment), **kw)


def answer_all(fake: FakeGitHub, runner: Runner, login: str = "Codertocat") -> tuple[int, str]:
    lines = [
        f"/answer {q} The snapshot rds-final-2026 exists and the restore was rehearsed in staging."
        for q in question_ids(fake)
    ]
    return say(fake, runner, login, "\n".join(lines))


def test_opened_posts_one_comment_and_a_failing_check(fake: FakeGitHub, runner: Runner) -> None:
    risky_pr(fake)
    code, stdout = runner.run("pull_request", pr_event(fake))
    assert code == 1
    bot = sticky(fake)
    assert "aws_db_instance.main" in bot["body"] and "/answer Q" in bot["body"]
    assert [c["conclusion"] for c in fake.check_runs] == ["action_required"]
    assert fake.check_runs[0]["name"] == "intent-review" and fake.check_runs[0]["head_sha"] == HEAD
    outputs = runner.outputs()
    assert outputs["verdict"] == "mismatch" and outputs["blast-radius"] == "critical"
    assert outputs["requires-answers"] == "true"
    report = json.loads(Path(outputs["report-json"]).read_text())
    assert report["gate"]["blocked"] is True and report["verdict"] == "mismatch"
    assert json.loads(Path(outputs["sarif"]).read_text())["version"] == "2.1.0"
    assert "::error file=infra/main.tf,title=intent-review RV201::" in stdout
    assert "aws_db_instance.main" in runner.summary.read_text()


def test_second_run_edits_the_same_comment_and_adds_no_inline_duplicates(
    fake: FakeGitHub, runner: Runner
) -> None:
    risky_pr(fake)
    runner.run("pull_request", pr_event(fake))
    first = sticky(fake)
    inline = len(fake.review_comments)
    assert inline >= 1
    runner.run("pull_request", pr_event(fake, action="synchronize"))
    assert [c["id"] for c in fake.bot_comments(2) if embedded(c["body"])] == [first["id"]]
    assert len(fake.review_comments) == inline
    assert not [
        s for s in fake.writes() if s.method == "POST" and s.path.endswith("/issues/2/comments")
    ][1:]


def test_answers_from_the_author_make_the_check_pass(fake: FakeGitHub, runner: Runner) -> None:
    risky_pr(fake)
    runner.run("pull_request", pr_event(fake))
    code, _ = answer_all(fake, runner)
    assert code == 0
    assert fake.check_runs[-1]["conclusion"] == "success"
    body = sticky(fake)["body"]
    assert "(0 open, 2 answered)" in body and "rds-final-2026" in body
    assert runner.outputs()["verdict"] == "mismatch"  # answering does not change the verdict


def test_one_word_and_unknown_answers_get_a_reply_and_change_nothing(
    fake: FakeGitHub, runner: Runner
) -> None:
    risky_pr(fake)
    runner.run("pull_request", pr_event(fake))
    qid = question_ids(fake)[0]
    code, _ = say(fake, runner, "Codertocat", f"/answer {qid} fine")
    assert code == 1
    replies = [c for c in fake.bot_comments(2) if not embedded(c["body"])]
    assert len(replies) == 1 and "one-word" in replies[0]["body"]
    say(fake, runner, "Codertocat", "/answer QDEADBEE this question does not exist here")
    replies = [c for c in fake.bot_comments(2) if not embedded(c["body"])]
    assert len(replies) == 2 and "QDEADBEE" in replies[1]["body"]
    assert fake.check_runs[-1]["conclusion"] == "action_required"


def test_answers_from_readers_are_ignored_silently(fake: FakeGitHub, runner: Runner) -> None:
    risky_pr(fake)
    fake.permissions["mallory"] = "read"
    runner.run("pull_request", pr_event(fake))
    code, stdout = answer_all(fake, runner, login="mallory")
    assert code == 1
    assert "(2 open, 0 answered)" in sticky(fake)["body"]
    assert not [c for c in fake.bot_comments(2) if not embedded(c["body"])]  # no reply to outsiders
    assert "neither the author nor a writer" in stdout


def test_a_writer_may_answer(fake: FakeGitHub, runner: Runner) -> None:
    risky_pr(fake)
    fake.permissions["bob"] = "write"
    runner.run("pull_request", pr_event(fake))
    code, _ = answer_all(fake, runner, login="bob")
    assert code == 0


def test_comment_without_commands_does_nothing_when_the_review_is_current(
    fake: FakeGitHub, runner: Runner
) -> None:
    risky_pr(fake)
    runner.run("pull_request", pr_event(fake))
    writes = len(fake.writes())
    code, stdout = say(fake, runner, "Codertocat", "LGTM, see https://example.com/a/b")
    assert code == 0 and "without commands" in stdout
    assert len(fake.writes()) == writes


def test_comment_without_commands_reviews_a_head_nobody_reviewed(
    fake: FakeGitHub, runner: Runner
) -> None:
    """A concurrency group may drop a push's pending run in favour of a later comment's run."""
    risky_pr(fake)
    code, _ = say(fake, runner, "Codertocat", "LGTM")
    assert code == 1
    assert len(fake.bot_comments(2)) == 1 and len(fake.review_comments) >= 1


def ai_pr(fake: FakeGitHub) -> PR:
    fake.contents[(BASE, ".reviewer.toml")] = SENIOR_POLICY
    fake.permissions.update({"alice": "write", "bob": "write"})
    return risky_pr(fake, labels=["ai-assisted"])


def test_ai_assisted_high_blast_radius_needs_a_senior_signoff(
    fake: FakeGitHub, runner: Runner
) -> None:
    ai_pr(fake)
    code, _ = runner.run("pull_request", pr_event(fake))
    assert code == 1
    assert fake.review_requests == [{"reviewers": ["alice"]}]
    assert "label `ai-assisted`" in sticky(fake)["body"]
    code, _ = answer_all(fake, runner)
    assert code == 1, "answers alone do not replace the sign-off"
    assert "sign-off missing" in fake.check_runs[-1]["output"]["title"]

    code, _ = say(fake, runner, "bob", "/signoff")
    assert code == 1, "bob is not a senior reviewer"
    assert "only a senior reviewer" in fake.bot_comments(2)[-1]["body"]
    code, _ = say(fake, runner, "Codertocat", "/signoff")
    assert code == 1, "the author cannot sign off"

    code, _ = say(fake, runner, "alice", "/signoff checked the snapshot")
    assert code == 0
    assert fake.check_runs[-1]["conclusion"] == "success"
    assert fake.review_requests == [{"reviewers": ["alice"]}], (
        "reviewers are requested once per head"
    )


def test_senior_approval_is_a_signoff(fake: FakeGitHub, runner: Runner) -> None:
    ai_pr(fake)
    runner.run("pull_request", pr_event(fake))
    answer_all(fake, runner)
    stale = fake.add_review(
        2, "alice", "APPROVED", BASE
    )  # approved an older commit: does not count
    code, _ = runner.run("pull_request_review", review_event(fake, stale))
    assert code == 1
    review = fake.add_review(2, "alice", "APPROVED", HEAD)
    code, _ = runner.run("pull_request_review", review_event(fake, review))
    assert code == 0


def test_new_push_keeps_answers_and_asks_about_new_findings(
    fake: FakeGitHub, runner: Runner
) -> None:
    pr = ai_pr(fake)
    runner.run("pull_request", pr_event(fake))
    answer_all(fake, runner)
    say(fake, runner, "alice", "/signoff")
    assert fake.check_runs[-1]["conclusion"] == "success"
    before = set(question_ids(fake))

    pr.head_sha = HEAD2
    pr.files.append(
        {
            "filename": "scripts/cleanup.sh",
            "status": "added",
            "patch": '@@ -0,0 +1,2 @@\n+#!/bin/sh\n+rm -rf "$DATA_DIR"/',
        }
    )
    code, _ = runner.run("pull_request", pr_event(fake, action="synchronize"))
    assert code == 1
    after = set(question_ids(fake))
    assert before < after
    body = sticky(fake)["body"]
    assert f"({len(after - before)} open, {len(before)} answered)" in body
    gate = json.loads(Path(runner.outputs()["report-json"]).read_text())["gate"]
    assert gate["signed_off_by"] == [], "a sign-off is for the head it was given on"


def test_fork_with_read_only_token_keeps_the_review_in_the_summary(
    fake: FakeGitHub, runner: Runner
) -> None:
    risky_pr(fake, head_repo="someone/Hello-World")
    fake.read_only = True
    code, stdout = runner.run("pull_request", pr_event(fake))
    assert code == 1  # fail-on mismatch, still
    assert fake.comments == [] and fake.check_runs == [] and fake.statuses == []
    summary = runner.summary.read_text()
    assert "aws_db_instance.main" in summary and "read-only token" in summary
    assert runner.outputs()["verdict"] == "mismatch"
    assert "::error file=infra/main.tf" in stdout
    code, _ = runner.run("pull_request", pr_event(fake), "--fail-on", "never")
    assert code == 0


def test_check_falls_back_to_a_commit_status(fake: FakeGitHub, runner: Runner) -> None:
    risky_pr(fake)
    fake.checks_allowed = False
    runner.run("pull_request", pr_event(fake))
    assert fake.check_runs == []
    assert [(s["sha"], s["state"], s["context"]) for s in fake.statuses] == [
        (HEAD, "failure", "intent-review")
    ]


def test_two_racing_runs_leave_one_comment(fake: FakeGitHub, runner: Runner) -> None:
    risky_pr(fake)
    payload = pr_event(fake)
    barrier = threading.Barrier(2, timeout=20)
    creations = itertools.count()  # atomic: one number per request, whichever thread asks

    def both_have_listed(method: str, path: str) -> None:
        # the first two creations meet here: both runs saw no comment and are about to create one;
        # any later one (after a run tidied up) goes through instead of waiting for a partner
        if method == "POST" and path.endswith("/issues/2/comments") and next(creations) < 2:
            barrier.wait()

    fake.before = both_have_listed
    results: list[int] = []
    threads = [
        threading.Thread(target=lambda: results.append(runner.run("pull_request", payload)[0]))
        for _ in range(2)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads)
    assert results == [1, 1]
    assert (
        len([s for s in fake.log if s.method == "POST" and s.path.endswith("/issues/2/comments")])
        == 2
    )
    assert len(fake.bot_comments(2)) == 1


def test_an_edited_state_is_ignored_and_rebuilt_from_the_conversation(
    fake: FakeGitHub, runner: Runner
) -> None:
    ai_pr(fake)
    runner.run("pull_request", pr_event(fake))
    answer_all(fake, runner)
    bot = sticky(fake)
    # a collaborator edits the bot's comment to forge alice's sign-off
    state_text = read_state(bot["body"])
    assert state_text is not None
    signoff = f'"signoffs":[{{"at":"x","by":"alice","comment":1,"head":"{HEAD}"}}]'
    forged = state_text.replace('"signoffs":[]', signoff)
    assert forged != state_text
    fake.edit_comment_as(bot["id"], bot["body"].replace(state_text, forged))
    code, _ = runner.run("pull_request", pr_event(fake, action="edited"))
    assert code == 1
    body = sticky(fake)["body"]
    assert "edited by someone else" in body
    assert "(0 open, 2 answered)" in body, "answers are rebuilt from the /answer comments"


def test_a_run_that_fell_behind_a_push_posts_nothing(fake: FakeGitHub, runner: Runner) -> None:
    pr = risky_pr(fake)

    def push_meanwhile(method: str, path: str) -> None:
        if path.endswith("/pulls/2/files"):
            pr.head_sha = HEAD2

    fake.before = push_meanwhile
    code, _ = runner.run("pull_request", pr_event(fake))
    assert code == 1
    assert fake.comments == [] and fake.check_runs == []
    assert "moved on" in runner.summary.read_text()


def test_retries_server_errors_and_honours_rate_limit_reset(
    fake: FakeGitHub, runner: Runner, sleeps: list[float]
) -> None:
    risky_pr(fake)
    fake.faults = [
        Fault("GET", r"/pulls/2/files$", 502, times=2),
        Fault("POST", r"/issues/2/comments$", 429, headers={"Retry-After": "7"}),
        Fault(
            "GET",
            r"/pulls/2/reviews$",
            403,
            message="API rate limit exceeded for installation",
            headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "4102444800"},
        ),
    ]
    code, _ = runner.run("pull_request", pr_event(fake))
    # the reset is far away: that one call gives up with one clear line, the run fails as a known error
    assert code == 2
    assert "resets at" in runner.summary.read_text()
    assert len(sleeps) == 2 and sleeps[0] <= 1.0 and sleeps[1] <= 2.0


def test_rate_limit_within_budget_is_waited_out(
    fake: FakeGitHub, runner: Runner, sleeps: list[float]
) -> None:
    risky_pr(fake)
    fake.faults = [Fault("POST", r"/issues/2/comments$", 429, headers={"Retry-After": "7"})]
    code, _ = runner.run("pull_request", pr_event(fake))
    assert code == 1
    assert sleeps == [7.0]
    assert len(fake.bot_comments(2)) == 1


def test_policy_comes_from_the_base_commit(fake: FakeGitHub, runner: Runner) -> None:
    risky_pr(fake)
    fake.contents[(HEAD, ".reviewer.toml")] = b'fail_on = "never"\n'  # the PR's own attempt
    code, _ = runner.run("pull_request", pr_event(fake))
    assert code == 1
    assert all(
        s.query.get("ref") == [BASE] for s in fake.log if "/contents/.reviewer.toml" in s.path
    )


def test_inline_comments_are_capped_and_only_on_diff_lines(
    fake: FakeGitHub, runner: Runner
) -> None:
    pr = risky_pr(fake)
    pr.files.append(
        {
            "filename": "scripts/cleanup.sh",
            "status": "added",
            "patch": '@@ -0,0 +1,2 @@\n+#!/bin/sh\n+rm -rf "$DATA_DIR"/',
        }
    )
    runner.run("pull_request", pr_event(fake), "--inline-comments", "1")
    assert len(fake.review_comments) == 1
    runner.run("pull_request", pr_event(fake, action="synchronize"), "--inline-comments", "3")
    bodies = [c["body"] for c in fake.review_comments]
    marks = [re.search(r"intent-reviewer:inline (\S+)", b).group(1) for b in bodies]  # type: ignore[union-attr]
    assert len(marks) == len(set(marks)) >= 2
    assert not any("refused" in s for s in runner.summary.read_text().splitlines())


def test_closed_pull_request_is_skipped(fake: FakeGitHub, runner: Runner) -> None:
    pr = risky_pr(fake)
    pr.state = "closed"
    code, stdout = runner.run("pull_request", pr_event(fake, action="reopened"))
    assert code == 0 and "closed" in stdout
    assert fake.writes() == []


@pytest.mark.parametrize("problem", ["no-token", "bad-event"])
def test_known_errors_are_one_line_and_exit_2(
    fake: FakeGitHub, runner: Runner, problem: str, capsys: pytest.CaptureFixture[str]
) -> None:
    risky_pr(fake)
    env = {"GITHUB_TOKEN": ""} if problem == "no-token" else {}
    payload: dict[str, Any] = pr_event(fake) if problem == "no-token" else {"action": "opened"}
    code, _ = runner.run("pull_request", payload, env=env)
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and err.startswith("reviewer: error: ")


def test_local_checkout_is_used_when_it_has_the_commits(
    fake: FakeGitHub, runner: Runner, repo: Repo
) -> None:
    repo.write(".reviewer.toml", 'fail_on = "mismatch"\n')
    repo.write(
        "infra/main.tf",
        'resource "aws_s3_bucket" "logs" {\n  bucket = "logs"\n}\n\n'
        'resource "aws_db_instance" "main" {\n  engine = "postgres"\n}\n',
    )
    base = repo.commit("base")
    repo.write(".reviewer.toml", 'fail_on = "never"\n')  # the PR tries to weaken its own policy
    repo.write("infra/main.tf", 'resource "aws_s3_bucket" "logs" {\n  bucket = "logs"\n}\n')
    head = repo.commit("fix typo\n\nCo-authored-by: Claude <noreply@anthropic.com>")
    pr = risky_pr(fake, head=head)
    pr.base_sha = base
    pr.files = []  # the API would show nothing: the local checkout must be what was read
    code, _ = runner.run("pull_request", pr_event(fake), env={"GITHUB_WORKSPACE": str(repo.path)})
    assert code == 1
    body = sticky(fake)["body"]
    assert "diff from the local checkout" in body and "aws_db_instance.main" in body
    assert "Co-authored-by: Claude" in body  # AI-assisted, from the commit trailer
    assert not any(s.path.endswith("/files") for s in fake.log)


def test_an_unreachable_llm_degrades_the_review_and_loses_nothing(
    fake: FakeGitHub, runner: Runner
) -> None:
    risky_pr(fake)
    fake.contents[(BASE, ".reviewer.toml")] = (
        b"[llm]\nmax_retries = 0\n"  # the base's policy applies
    )
    code, _ = runner.run(
        "pull_request", pr_event(fake), env={"INPUT_OPENAI_BASE_URL": "http://127.0.0.1:9/v1"}
    )
    assert code == 1
    report = json.loads(Path(runner.outputs()["report-json"]).read_text())
    assert report["degraded"] is True and report["verdict"] == "mismatch"
    assert "aws_db_instance.main" in sticky(fake)["body"]


def test_a_bad_llm_url_is_a_note_not_a_failure(fake: FakeGitHub, runner: Runner) -> None:
    risky_pr(fake)
    code, _ = runner.run(
        "pull_request", pr_event(fake), env={"INPUT_OPENAI_BASE_URL": "ftp://example"}
    )
    assert code == 1
    report = json.loads(Path(runner.outputs()["report-json"]).read_text())
    assert report["degraded"] is True and "is not an http(s) URL" in sticky(fake)["body"]


def test_team_seniors_sign_off_when_the_token_can_read_the_team(
    fake: FakeGitHub, runner: Runner
) -> None:
    risky_pr(fake, labels=["ai-assisted"])
    fake.contents[(BASE, ".reviewer.toml")] = b'senior_reviewers = ["Codertocat/leads"]\n'
    fake.teams[("Codertocat", "leads")] = {"carol"}
    fake.permissions["carol"] = "write"
    runner.run("pull_request", pr_event(fake))
    assert fake.review_requests == [{"reviewers": [], "team_reviewers": ["leads"]}]
    answer_all(fake, runner)
    fake.teams_readable = False  # e.g. a GITHUB_TOKEN, which may not read organisation teams
    code, _ = say(fake, runner, "carol", "/signoff")
    assert code == 1 and "cannot read the members of team" in sticky(fake)["body"]
    fake.teams_readable = True
    code, _ = say(fake, runner, "carol", "/signoff")
    assert code == 0


def test_a_state_copied_into_a_users_comment_is_not_the_sticky_comment(
    fake: FakeGitHub, runner: Runner
) -> None:
    risky_pr(fake)
    runner.run("pull_request", pr_event(fake))
    real = sticky(fake)
    fake.comments.remove(real)  # someone deletes the bot's comment ...
    fake.post_comment(2, "mallory", real["body"])  # ... and posts a copy of it as their own
    code, _ = runner.run("pull_request", pr_event(fake, action="synchronize"))
    assert code == 1
    assert len(fake.bot_comments(2)) == 1 and sticky(fake)["id"] != real["id"]
    assert [c["user"]["login"] for c in fake.comments if c["user"]["login"] == "mallory"] == [
        "mallory"
    ]


@pytest.mark.parametrize("secret", ["", "s3cret"], ids=["digest", "state-secret"])
def test_rerunning_a_signoff_run_after_a_push_does_not_sign_off_the_new_head(
    fake: FakeGitHub, runner: Runner, secret: str
) -> None:
    """'Re-run jobs' replays the old event: the /signoff was written for the old head."""
    env = {"INPUT_STATE_SECRET": secret}
    pr = ai_pr(fake)
    runner.run("pull_request", pr_event(fake), env={**env, "GITHUB_RUN_ID": "100"})
    answer_all(fake, runner)
    signoff = fake.post_comment(2, "alice", "/signoff")
    signoff_event = comment_event(fake, signoff)
    code, _ = runner.run("issue_comment", signoff_event, env={**env, "GITHUB_RUN_ID": "101"})
    assert code == 0 and fake.check_runs[-1]["conclusion"] == "success"

    pr.head_sha = HEAD2
    code, _ = runner.run(
        "pull_request", pr_event(fake, action="synchronize"), env={**env, "GITHUB_RUN_ID": "102"}
    )
    assert code == 1
    code, _ = runner.run(
        "issue_comment",
        signoff_event,
        env={**env, "GITHUB_RUN_ID": "101", "GITHUB_RUN_ATTEMPT": "2"},
    )
    assert code == 1
    assert fake.check_runs[-1]["head_sha"] == HEAD2
    assert fake.check_runs[-1]["conclusion"] == "action_required"
    gate = json.loads(Path(runner.outputs()["report-json"]).read_text())["gate"]
    assert gate["signed_off_by"] == []


def test_a_signoff_written_before_the_head_was_reviewed_does_not_count(
    fake: FakeGitHub, runner: Runner
) -> None:
    """A push lands between the senior's comment and its run: the senior saw the older head."""
    pr = ai_pr(fake)
    runner.run("pull_request", pr_event(fake))
    answer_all(fake, runner)
    signoff = fake.post_comment(2, "alice", "/signoff")
    pr.head_sha = HEAD2
    runner.run("pull_request", pr_event(fake, action="synchronize"))
    code, stdout = runner.run("issue_comment", comment_event(fake, signoff))
    assert code == 1 and "written before" in stdout
    assert "sign off again" in fake.bot_comments(2)[-1]["body"]
    code, _ = say(fake, runner, "alice", "/signoff")
    assert code == 0


def test_the_triggering_comment_is_read_from_the_api_not_the_payload(
    fake: FakeGitHub, runner: Runner
) -> None:
    ai_pr(fake)
    runner.run("pull_request", pr_event(fake))
    answer_all(fake, runner)
    signoff = fake.post_comment(2, "alice", "/signoff")
    payload = comment_event(fake, signoff)  # as delivered: unedited
    fake.edit_comment_as(signoff["id"], "/signoff")  # edited since: a sign-off must be unedited
    code, _ = runner.run("issue_comment", payload)
    assert code == 1
    fake.comments.remove(next(c for c in fake.comments if c["id"] == signoff["id"]))
    code, stdout = runner.run("issue_comment", payload)
    assert code == 1 and "is gone" in stdout


def test_another_bot_quoting_our_marker_is_never_edited_or_deleted(
    fake: FakeGitHub, runner: Runner
) -> None:
    risky_pr(fake)
    runner.run("pull_request", pr_event(fake))
    copy = sticky(fake)["body"]
    fake.comments.clear()
    before = fake.post_comment(2, "other-bot[bot]", copy, user_type="Bot")
    runner.run("pull_request", pr_event(fake, action="synchronize"))
    after = fake.post_comment(2, "renovate[bot]", copy, user_type="Bot")
    runner.run("pull_request", pr_event(fake, action="synchronize"))
    bodies = {c["id"]: c["body"] for c in fake.comments}
    assert bodies[before["id"]] == copy and bodies[after["id"]] == copy
    ours = [c for c in fake.comments if c["user"]["login"] == "github-actions[bot]"]
    assert len(ours) == 1 and embedded(ours[0]["body"])


def test_requires_answers_turns_false_once_everything_is_answered(
    fake: FakeGitHub, runner: Runner
) -> None:
    risky_pr(fake)
    runner.run("pull_request", pr_event(fake))
    outputs = runner.outputs()
    assert (outputs["requires-answers"], outputs["blocked"]) == ("true", "true")
    answer_all(fake, runner)
    outputs = runner.outputs()
    assert (outputs["requires-answers"], outputs["blocked"]) == ("false", "false")


def test_a_failure_while_publishing_is_a_note_and_the_review_is_kept(
    fake: FakeGitHub, runner: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reviewer.github import publish

    def broken(*args: Any, **kwargs: Any) -> str:
        raise ValueError("comment state is 33312 characters; at most 32000 fit")

    risky_pr(fake)
    monkeypatch.setattr(publish, "dump", broken)
    code, _ = runner.run("pull_request", pr_event(fake))
    assert code == 1, "the gate decides, not the failure"
    summary = runner.summary.read_text()
    assert "aws_db_instance.main" in summary and "33312 characters" in summary
    assert fake.check_runs[-1]["conclusion"] == "action_required"
    assert runner.outputs()["verdict"] == "mismatch"


@pytest.mark.slow
def test_a_pull_request_of_3000_files_is_published(fake: FakeGitHub, runner: Runner) -> None:
    """Thousands of questions: their ids do not fit in the comment, their number does."""
    pr = risky_pr(fake)
    pr.files = [
        {
            "filename": f"stacks/s{i}/main.tf",
            "status": "modified",
            "patch": f'@@ -1,3 +0,0 @@\n-resource "aws_s3_bucket" "b{i}" {{\n-  bucket = "b{i}"\n-}}',
        }
        for i in range(3000)
    ]
    code, _ = runner.run("pull_request", pr_event(fake))
    summary = runner.summary.read_text()
    assert code == 1, summary
    assert "could not post" not in summary
    state = read_state(sticky(fake)["body"])
    # the questions asked are capped (max_questions), so the state holds their ids whatever the
    # size of the change, well under what a comment can carry
    assert state is not None and len(state) < 32000
    assert re.search(r'"questions":\["Q[0-9A-F]{7}"', state)
    assert fake.check_runs[-1]["conclusion"] == "action_required"


def test_a_shallow_checkout_is_deepened_to_the_merge_base(
    fake: FakeGitHub, runner: Runner, repo: Repo, tmp_path: Path
) -> None:
    """``actions/checkout`` fetches one commit by default: the Action fetches the rest it needs."""
    import subprocess

    repo.write(
        "infra/main.tf",
        'resource "aws_s3_bucket" "logs" {\n  bucket = "logs"\n}\n\n'
        'resource "aws_db_instance" "main" {\n  engine = "postgres"\n}\n',
    )
    base = repo.commit("base")
    repo.git("checkout", "-q", "-b", "fix")
    repo.write("infra/main.tf", 'resource "aws_s3_bucket" "logs" {\n  bucket = "logs"\n}\n')
    repo.commit("fix one")
    repo.write("README.md", "typo fixed\n")
    head = repo.commit("fix two")
    clone = tmp_path / "workspace"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", "-b", "fix", f"file://{repo.path}", str(clone)],
        check=True,
        capture_output=True,
    )
    pr = risky_pr(fake, head=head)
    pr.base_sha = base
    pr.files = []  # the API would show nothing: the deepened checkout must be what was read
    code, _ = runner.run("pull_request", pr_event(fake), env={"GITHUB_WORKSPACE": str(clone)})
    assert code == 1
    body = sticky(fake)["body"]
    assert "diff from the local checkout" in body and "aws_db_instance.main" in body
    assert "the checkout was shallow" in body


def test_the_review_history_records_reviews_answers_and_dismissals(
    fake: FakeGitHub, runner: Runner, tmp_path: Path
) -> None:
    from reviewer.history.store import Store

    db = tmp_path / "history.sqlite3"
    risky_pr(fake)
    code, _ = runner.run("pull_request", pr_event(fake), env={"INPUT_HISTORY_DB": str(db)})
    assert code == 1
    finding = next(iter(question_ids(fake)))
    env = {"INPUT_HISTORY_DB": str(db)}
    say(
        fake,
        runner,
        "Codertocat",
        f"/dismiss {finding} the bucket is a test fixture, not data",
        env=env,
    )
    comment = fake.post_comment(
        2,
        "Codertocat",
        "\n".join(
            f"/answer {q} The snapshot rds-final-2026 exists and the restore was rehearsed."
            for q in question_ids(fake)
        ),
    )
    runner.run("issue_comment", comment_event(fake, comment), env=env)
    with Store(str(db)) as store:
        reviews = store.db.execute(
            "select surface, repository, pr, blocked from reviews"
        ).fetchall()
        dismissals = store.db.execute("select reason from dismissals").fetchall()
    assert len(reviews) >= 2 and {r[0] for r in reviews} == {"action"}
    assert reviews[0][1] == REPO and reviews[0][2] == 2 and reviews[0][3] == 1
    assert ("the bucket is a test fixture, not data",) in dismissals


def test_a_history_that_cannot_be_written_is_a_note_not_a_lost_review(
    fake: FakeGitHub, runner: Runner, tmp_path: Path
) -> None:
    risky_pr(fake)
    blocked_path = tmp_path / "not-a-dir"
    blocked_path.write_text("a file where a folder should be")
    code, _ = runner.run(
        "pull_request",
        pr_event(fake),
        env={"INPUT_HISTORY_DB": str(blocked_path / "history.sqlite3")},
    )
    assert code == 1 and sticky(fake) is not None
    assert "could not record the review history" in runner.summary.read_text()
