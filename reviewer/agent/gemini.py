"""Gemini CLI's hook protocol: ``BeforeAgent`` records the prompt, ``AfterAgent`` reviews.

https://geminicli.com/docs/hooks/reference: JSON on stdin with ``session_id``,
``transcript_path``, ``cwd``, ``hook_event_name``; BeforeAgent carries ``prompt``; AfterAgent
carries ``prompt``, ``prompt_response`` and ``stop_hook_active``. ``{"decision": "deny",
"reason": ...}`` rejects the response and sends the reason to the agent as a new prompt;
``systemMessage`` is shown to the user; exit 2 blocks with stderr as the reason, other codes warn.
stdout must hold JSON only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .protocol import IGNORE, PROMPT, STOP, Event, Protocol, Reply, _json, command_hooks, text_field


class Gemini(Protocol):
    name = "gemini"
    label = "Gemini CLI"
    settings_path = ".gemini/settings.json"
    docs = "https://geminicli.com/docs/hooks/reference"

    def parse(self, payload: Mapping[str, Any]) -> Event:
        event = text_field(payload, "hook_event_name")
        session = text_field(payload, "session_id", required=False) or "default"
        cwd = text_field(payload, "cwd", required=False)
        if event == "BeforeAgent":
            return Event(PROMPT, session, cwd, prompt=text_field(payload, "prompt"))
        if event == "AfterAgent":
            response = payload.get("prompt_response")
            return Event(
                STOP,
                session,
                cwd,
                # the user's request of this turn: recorded like BeforeAgent's, in case that
                # hook did not run
                prompt=text_field(payload, "prompt", required=False),
                again=payload.get("stop_hook_active") is True,
                last_message=response if isinstance(response, str) else None,
            )
        return Event(IGNORE, session, cwd)

    def prompt_recorded(self) -> Reply:
        return Reply(stdout="{}\n")

    def allow(self, message: str | None = None) -> Reply:
        return Reply(stdout=_json({"systemMessage": message} if message else {}))

    def block(self, reason: str) -> Reply:
        return Reply(stdout=_json({"decision": "deny", "reason": reason}))

    def settings(self, command: str) -> dict[str, Any]:
        return command_hooks(("BeforeAgent", "AfterAgent"), command)
