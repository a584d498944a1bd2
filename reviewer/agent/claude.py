"""Claude Code's hook protocol: ``UserPromptSubmit`` records the prompt, ``Stop`` reviews.

https://code.claude.com/docs/en/hooks: JSON on stdin with ``session_id``, ``transcript_path``,
``cwd`` and ``hook_event_name``; ``prompt`` on UserPromptSubmit; ``stop_hook_active`` on Stop.
A Stop hook keeps the agent working with ``{"decision": "block", "reason": ...}`` on stdout (exit 0)
or with exit code 2 and the reason on stderr; ``systemMessage`` is shown to the user; any other
exit code is a non-blocking error. Plain stdout of a UserPromptSubmit hook is added to the
agent's context, so that hook prints nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .protocol import IGNORE, PROMPT, STOP, Event, Protocol, command_hooks, text_field


class Claude(Protocol):
    name = "claude"
    label = "Claude Code"
    settings_path = ".claude/settings.json"
    docs = "https://code.claude.com/docs/en/hooks"
    prompt_event = "UserPromptSubmit"
    stop_event = "Stop"

    def parse(self, payload: Mapping[str, Any]) -> Event:
        event = text_field(payload, "hook_event_name")
        session = text_field(payload, "session_id", required=False) or "default"
        cwd = text_field(payload, "cwd", required=False)
        transcript = text_field(payload, "transcript_path", required=False)
        if event == self.prompt_event:
            prompt = text_field(payload, "prompt")
            return Event(PROMPT, session, cwd, prompt=prompt, transcript=transcript)
        if event == self.stop_event:
            last = payload.get("last_assistant_message")
            return Event(
                STOP,
                session,
                cwd,
                transcript=transcript,
                again=payload.get("stop_hook_active") is True,
                last_message=last if isinstance(last, str) else None,
            )
        return Event(IGNORE, session, cwd)

    def settings(self, command: str) -> dict[str, Any]:
        return command_hooks((self.prompt_event, self.stop_event), command)
