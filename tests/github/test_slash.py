"""Slash commands: where they start, what an answer is, what is rejected."""

from __future__ import annotations

from reviewer.github.slash import parse


def test_answers_run_until_the_next_command() -> None:
    cmds = parse(
        "Thanks!\n/answer q1a2b3c4 We snapshot first.\nThe restore is rehearsed.\n/answer Q9999999: two words\n/review"
    )
    assert [(c.kind, c.question, c.problem) for c in cmds] == [
        ("answer", "Q1A2B3C4", None),
        ("answer", "Q9999999", None),
        ("review", None, None),
    ]
    assert cmds[0].text == "We snapshot first.\nThe restore is rehearsed."


def test_quotes_and_code_blocks_are_not_commands() -> None:
    assert parse("> /answer Q1234567 quoted from someone else") == []
    assert parse("```\n/signoff\n```") == []
    assert parse("please /review this") == []


def test_empty_and_one_word_answers_are_rejected() -> None:
    empty, one, nameless = parse(
        "/answer Q1234567\n/answer Q1234567 yes.\n/answer because it is fine"
    )
    assert empty.problem == "the answer is empty"
    assert one.problem is not None and "one-word" in one.problem
    assert nameless.problem is not None and "name the question" in nameless.problem


def test_signoff_spellings_and_limits() -> None:
    assert [c.kind for c in parse("/signoff\n/sign-off lgtm\n/SignOff")] == ["signoff"] * 3
    assert len(parse("/review\n" * 500)) == 50
