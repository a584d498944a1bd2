"""Codex CLI's hook protocol: Claude Code's, event for event.

https://developers.openai.com/codex/hooks and the JSON schemas Codex publishes
(openai/codex ``codex-rs/hooks/schema/generated/{user-prompt-submit,stop}.command.{input,output}
.schema.json``): UserPromptSubmit carries ``prompt``; Stop carries ``stop_hook_active`` and
``last_assistant_message``; a Stop reply ``{"decision": "block", "reason": ...}`` continues the
turn, ``systemMessage`` is shown to the user. Hooks live in ``.codex/hooks.json`` (older releases
also need ``[features] codex_hooks = true`` in ``config.toml``).
"""

from __future__ import annotations

from .claude import Claude
from .protocol import Reply


class Codex(Claude):
    name = "codex"
    label = "Codex CLI"
    settings_path = ".codex/hooks.json"
    docs = "https://developers.openai.com/codex/hooks"

    def fail(self, message: str, *, block: bool) -> Reply:
        # the JSON reply is what Codex's published output schema pins down; use it to block
        return self.block(message) if block else Reply(stderr=message, code=1)
