"""AI-assisted detection: each kind of evidence, and what is not evidence."""

from __future__ import annotations

from reviewer.github.ai import Commit, detect


def test_labels() -> None:
    assert detect(labels=["AI-assisted"]).detected
    assert not detect(labels=["openai-integration", "bug"]).detected
    assert detect(labels=["made-by-robots"], markers=["robots"]).detected


def test_trailers() -> None:
    co = Commit("fix\n\nCo-authored-by: Claude <noreply@anthropic.com>")
    assert detect(commits=[co]).evidence == (
        "`Co-authored-by: Claude <noreply@anthropic.com>` in “fix”",
    )
    assert detect(commits=[Commit("x\n\nAssisted-by: some tool")]).detected
    assert detect(commits=[Commit("x\n\nGenerated-by: whatever")]).detected
    assert not detect(commits=[Commit("x\n\nCo-authored-by: Jane Doe <jane@example.com>")]).detected


def test_bot_authors() -> None:
    assert detect(author="Copilot").detected
    assert detect(author="devin-ai-integration[bot]", author_type="Bot").detected
    assert not detect(author="claudette").detected  # a person whose name contains an assistant's
    assert detect(commits=[Commit("x", author_login="cursor[bot]")]).detected


def test_body_checkbox() -> None:
    assert detect(body="- [x] This change was written with an AI assistant").detected
    assert not detect(body="- [ ] This change was written with an AI assistant").detected
    assert not detect(body="- [x] Tests added").detected
