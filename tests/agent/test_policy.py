"""The ``[agent]`` table of the policy, and the decision it drives."""

from __future__ import annotations

import pytest

from reviewer.config import AgentPolicy, load_text
from reviewer.errors import ConfigError


def test_defaults_block_high_and_let_the_agent_answer_up_to_medium() -> None:
    assert load_text("", source="x").agent == AgentPolicy("block", "high", "medium")


def test_the_table_is_read() -> None:
    text = '[agent]\nmode = "warn"\nblock_at = "critical"\nagent_may_answer = "never"\n'
    assert load_text(text, source="x").agent == AgentPolicy("warn", "critical", "never")


@pytest.mark.parametrize(
    "text",
    [
        '[agent]\nmode = "stop"\n',
        '[agent]\nblock_at = "huge"\n',
        "[agent]\nother = 1\n",
        "agent = 1\n",
    ],
)
def test_bad_values_are_errors(text: str) -> None:
    with pytest.raises(ConfigError, match="agent"):
        load_text(text, source="x")
