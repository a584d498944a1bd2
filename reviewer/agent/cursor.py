"""Cursor's hook protocol: ``beforeSubmitPrompt`` records the prompt, ``stop`` reviews.

https://cursor.com/docs/agent/hooks: JSON on stdin with ``hook_event_name``,
``conversation_id``, ``generation_id`` and ``workspace_roots``; beforeSubmitPrompt carries
``prompt`` and answers ``{"continue": true}``; stop carries ``status`` (completed, aborted, error)
and ``loop_count`` and may answer ``{"followup_message": ...}``, which Cursor submits as the next
user message. A stop hook has no documented way to show the user a message: what we would report
goes to stderr (Cursor's hook output log).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .protocol import IGNORE, PROMPT, STOP, Event, Protocol, Reply, _json, text_field


class Cursor(Protocol):
    name = "cursor"
    label = "Cursor"
    settings_path = ".cursor/hooks.json"
    docs = "https://cursor.com/docs/agent/hooks"

    def parse(self, payload: Mapping[str, Any]) -> Event:
        event = text_field(payload, "hook_event_name")
        session = text_field(payload, "conversation_id", required=False) or "default"
        roots = payload.get("workspace_roots")
        cwd = roots[0] if isinstance(roots, list) and roots and isinstance(roots[0], str) else None
        if event == "beforeSubmitPrompt":
            return Event(PROMPT, session, cwd, prompt=text_field(payload, "prompt"))
        if event == "stop":
            if payload.get("status", "completed") != "completed":
                return Event(IGNORE, session, cwd)  # aborted or failed: the agent is not done
            loops = payload.get("loop_count")
            return Event(STOP, session, cwd, again=isinstance(loops, int) and loops > 0)
        return Event(IGNORE, session, cwd)

    def prompt_recorded(self) -> Reply:
        return Reply(stdout=_json({"continue": True}))

    def allow(self, message: str | None = None) -> Reply:
        return Reply(stdout="{}\n", stderr=message or "")

    def block(self, reason: str) -> Reply:
        return Reply(stdout=_json({"followup_message": reason}))

    def fail(self, message: str, *, block: bool) -> Reply:
        return self.block(message) if block else Reply(stdout="{}\n", stderr=message, code=1)

    def settings(self, command: str) -> dict[str, Any]:
        return {
            "version": 1,
            "hooks": {"beforeSubmitPrompt": [{"command": command}], "stop": [{"command": command}]},
        }
