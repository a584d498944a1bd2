"""The pure parts of the hooks: message cleanup, answer trailers, blocking, git command lines."""

from __future__ import annotations

import pytest

from reviewer.commit_call import git_commit_args, parse_commit_args
from reviewer.commit_message import apply_answers, clean_message, parse_answers, triviality
from reviewer.gate import decide
from reviewer.models import BlastRadius, Finding, Intent, Question, Review
from reviewer.record import replace


def blocked(review: Review, fail_on: str) -> bool:
    return decide(review, fail_on).blocked


SCISSORS = "------------------------ >8 ------------------------"


# --- clean_message --------------------------------------------------------------------------------


def test_strip_mode_drops_comment_lines_and_blank_runs() -> None:
    raw = "Fix typo in README\n\n\n\nBody line.   \n# Please enter the commit message\n#\tmodified: x\n"
    assert clean_message(raw) == "Fix typo in README\n\nBody line."


def test_comment_char_is_respected() -> None:
    raw = "Fix typo\n# Markdown heading kept\n; a comment\n"
    assert clean_message(raw, comment=";") == "Fix typo\n# Markdown heading kept"


def test_multi_character_comment_string() -> None:
    assert clean_message("Subject\n// gone\n/ kept\n", comment="//") == "Subject\n/ kept"


def test_verbose_diff_is_cut_at_the_scissors_line_in_every_mode() -> None:
    raw = f"Fix typo\n\n# {SCISSORS}\n# Do not modify or remove the line above.\ndiff --git a/x b/x\n+rm -rf /\n"
    for mode in ("strip", "whitespace", "verbatim"):
        assert "rm -rf" not in clean_message(raw, cleanup=mode)
    assert clean_message(raw, cleanup="whitespace") == "Fix typo"


def test_scissors_line_of_another_comment_char_is_not_a_cut() -> None:
    raw = f"Fix typo\n# {SCISSORS}\nstill message\n"
    assert "still message" in clean_message(raw, comment=";", cleanup="whitespace")


def test_whitespace_mode_keeps_comment_lines() -> None:
    assert clean_message("Subject\n# kept\n", cleanup="whitespace") == "Subject\n# kept"


def test_crlf_messages() -> None:
    assert clean_message("Subject\r\n\r\n# c\r\nBody\r\n") == "Subject\n\nBody"


# --- answers --------------------------------------------------------------------------------------


def test_parse_answers_case_insensitive_key_and_id_with_continuation_lines() -> None:
    msg = (
        "Subject\n\nBody\n\n"
        "reviewer-answer: q4f782f4 The VPC keeps its id: the CIDR change is\n"
        "  applied through a secondary block.\n"
        "Reviewer-Answer: Q63235DC: snapshot snap-1 is kept\n"
        "Signed-off-by: A <a@example.com>\n"
    )
    assert parse_answers([msg]) == {
        "Q4F782F4": "The VPC keeps its id: the CIDR change is applied through a secondary block.",
        "Q63235DC": "snapshot snap-1 is kept",
    }


def test_a_later_trivial_answer_does_not_replace_a_real_one() -> None:
    answers = parse_answers(
        ["Reviewer-Answer: QAAAAAAA The backup is in bucket b.", "Reviewer-Answer: QAAAAAAA ok"]
    )
    assert answers == {"QAAAAAAA": "The backup is in bucket b."}
    answers = parse_answers(
        ["Reviewer-Answer: QAAAAAAA ok", "Reviewer-Answer: QAAAAAAA The backup is in bucket b."]
    )
    assert answers == {"QAAAAAAA": "The backup is in bucket b."}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("ok", "a placeholder"),
        ("OK.", "a placeholder"),
        ("n/a", "a placeholder"),
        ("N/A", "a placeholder"),
        ("yes", "a placeholder"),
        ("done!", "a placeholder"),
        ("not applicable", "a placeholder"),
        ("looks good", "a placeholder"),
        ("<what you checked, in a sentence>", "a placeholder"),
        ("Intentional", "one word"),
        ("snapshot-123", "one word"),
    ],
)
def test_trivial_answers(text: str, reason: str) -> None:
    assert triviality(text) == reason


@pytest.mark.parametrize(
    "text",
    [
        "Snapshot kept.",
        "The DB was migrated last week; snapshot snap-1 is kept.",
        "Nothing depends on it (checked with grep).",
    ],
)
def test_real_answers(text: str) -> None:
    assert triviality(text) is None


def _review(
    *, requires: bool = True, verdict: str = "mismatch", llm_question: bool = False
) -> Review:
    findings = [Finding(id="f1", rule="RV201", severity="critical", title="Deletes `x`")]
    questions = [Question(id="QAAAAAAA", finding="f1", text="Where is the backup?")]
    if llm_question:
        findings.append(
            Finding(id="f2", rule="LLM1", severity="high", title="Maybe risky", source="llm")
        )
        questions.append(Question(id="QLLM0001", finding="f2", text="Is it?"))
    return Review(
        verdict=verdict,  # type: ignore[arg-type]
        requires_answers=requires,
        blast_radius=BlastRadius("critical"),
        intent=Intent(source="commit", text="Fix typo"),
        files=(),
        findings=tuple(findings),
        questions=tuple(questions),
    )


def test_apply_answers_marks_answered_and_reports_rejected() -> None:
    review, rejected = apply_answers(_review(), {"QAAAAAAA": "ok"})
    assert not review.questions[0].answered
    assert [(r.question, r.reason) for r in rejected] == [("QAAAAAAA", "a placeholder")]
    assert blocked(review, "mismatch")
    review, rejected = apply_answers(
        _review(), {"QAAAAAAA": "In bucket b, restored with the runbook."}
    )
    assert (
        review.questions[0].answered
        and review.questions[0].answer == "In bucket b, restored with the runbook."
    )
    assert rejected == []
    assert not blocked(review, "mismatch")


def test_answers_unblock_even_when_the_verdict_reaches_fail_on() -> None:
    review, _ = apply_answers(_review(), {"QAAAAAAA": "In bucket b, restored with the runbook."})
    assert review.verdict == "mismatch"
    assert not blocked(review, "mismatch") and not blocked(review, "high")


def test_fail_on_never_never_blocks() -> None:
    assert not blocked(_review(), "never")


def test_threshold_without_questions_blocks() -> None:
    review = replace(_review(requires=False, verdict="drift"), questions=())
    assert blocked(review, "drift")
    assert not blocked(review, "mismatch")


def test_llm_questions_are_advisory() -> None:
    review, _ = apply_answers(
        _review(llm_question=True), {"QAAAAAAA": "In bucket b, restored with the runbook."}
    )
    assert not review.questions[1].answered
    assert not blocked(review, "mismatch")


# --- git command lines ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "amend"),
    [
        (["git", "commit", "-m", "x"], False),
        (["git", "commit", "--amend", "-m", "x"], True),
        (["/usr/lib/git-core/git", "commit", "--amend"], True),
        (["git", "-c", "user.name=x", "-C", "/tmp", "commit", "--am"], True),
        (["git", "commit", "--amend", "--no-amend"], False),
        (["git", "commit", "--", "--amend"], False),
        (["git", "commit", "-m", "--a"], False),
    ],
)
def test_amend_from_git_command_lines(argv: list[str], amend: bool) -> None:
    args = git_commit_args(argv, aliases={})
    assert args is not None
    assert parse_commit_args(args).amend is amend


def test_not_git_commit() -> None:
    assert git_commit_args(["python", "-m", "pre_commit"], aliases={}) is None
    assert git_commit_args(["git", "merge", "feature"], aliases={}) is None
    assert git_commit_args(["git", "--no-pager"], aliases={}) is None


def test_aliases_are_expanded() -> None:
    aliases = {"ca": "commit --amend", "st": "status", "sh": "!git commit --amend"}
    assert parse_commit_args(git_commit_args(["git", "ca", "-m", "x"], aliases=aliases) or []).amend
    assert git_commit_args(["git", "st"], aliases=aliases) is None
    assert git_commit_args(["git", "sh"], aliases=aliases) is None


def test_allow_empty_message() -> None:
    assert parse_commit_args(["--allow-empty-message", "-m", ""]).allow_empty_message
    assert parse_commit_args(["--allow-empty-m"]).allow_empty_message
    assert not parse_commit_args(["--allow-empty", "-m", ""]).allow_empty_message
