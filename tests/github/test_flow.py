"""End to end: ``reviewer github`` against the stateful fake GitHub (requests checked against the
REST description), driven by real webhook payloads."""

from __future__ import annotations

import json

from reviewer.github.state import embedded

from .conftest import HEAD2, Runner, comment_event, pr_event, risky_pr
from .fakegithub import FakeGitHub


def test_opened_posts_one_comment_and_a_failing_check(fake: FakeGitHub, runner: Runner) -> None:
    risky_pr(fake)
    code, stdout = runner.run("pull_request", pr_event(fake))
    assert code == 1
    bots = fake.bot_comments(2)
    assert len(bots) == 1 and embedded(bots[0]["body"]) is not None
    assert "aws_db_instance.main" in bots[0]["body"]
    assert [c["conclusion"] for c in fake.check_runs] == ["action_required"]
    assert fake.check_runs[0]["name"] == "intent-review"
    outputs = runner.outputs()
    assert outputs["verdict"] == "mismatch" and outputs["blast-radius"] == "critical"
    assert outputs["requires-answers"] == "true"
    report = json.loads(open(outputs["report-json"]).read())
    assert report["gate"]["blocked"] is True
    assert "::error file=infra/main.tf" in stdout
    assert "aws_db_instance.main" in runner.summary.read_text()
