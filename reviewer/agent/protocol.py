"""What every agent's hook protocol comes down to: an Event read from its payload, a Reply back.

Each agent module (claude, codex, gemini, cursor) turns its documented JSON into an :class:`Event`
and renders the four answers a hook can give: prompt recorded, allow (with an optional message for
the user), block (with a reason for the agent), and a failure (blocking once, or only reported).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..errors import AgentError
from ..record import record

#: what an event asks of the reviewer
PROMPT, STOP, IGNORE = "prompt", "stop", "ignore"


@record
class Event:
    kind: str  # PROMPT, STOP or IGNORE
    session: str
    cwd: str | None = None
    prompt: str | None = None
    #: the agent's transcript file, when it names one
    transcript: str | None = None
    #: this Stop follows a block of ours in the same turn (stop_hook_active, loop_count > 0)
    again: bool = False
    #: the agent's final message of the turn, when the payload carries it
    last_message: str | None = None


@record
class Reply:
    stdout: str = ""
    stderr: str = ""
    code: int = 0


class Protocol:
    """One agent's hook protocol. Subclasses set the names and override what differs."""

    name = ""
    label = ""
    #: where ``reviewer agent install`` writes the hooks, relative to the repository root
    settings_path = ""
    #: the documentation the payloads and replies follow
    docs = ""

    def parse(self, payload: Mapping[str, Any]) -> Event:
        raise NotImplementedError

    def prompt_recorded(self) -> Reply:
        return Reply()

    def allow(self, message: str | None = None) -> Reply:
        """Let the agent finish; ``message`` is shown to the user."""
        return Reply(stdout=_json({"systemMessage": message}) if message else "")

    def block(self, reason: str) -> Reply:
        """Send the agent back to work with ``reason``."""
        return Reply(stdout=_json({"decision": "block", "reason": reason}))

    def fail(self, message: str, *, block: bool) -> Reply:
        """A failure of the reviewer: blocking (exit 2, the message to the agent) or reported to
        the user without blocking (exit 1)."""
        return Reply(stderr=message, code=2 if block else 1)

    def settings(self, command: str) -> dict[str, Any]:
        """The hook entries ``reviewer agent install`` merges into the settings file."""
        raise NotImplementedError


def _json(data: Mapping[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False) + "\n"


def text_field(payload: Mapping[str, Any], key: str, *, required: bool = True) -> str | None:
    """A string field of a payload; a clear AgentError when it is required and missing."""
    value = payload.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        what = "missing" if value is None else f"a {type(value).__name__}, not a string"
        raise AgentError(f"the hook payload's {key!r} is {what}")
    return value


def command_hooks(events: tuple[str, ...], command: str) -> dict[str, Any]:
    """``{"hooks": {Event: [{"hooks": [{"type": "command", "command": ...}]}]}}``, the shape
    Claude Code, Codex and Gemini CLI share."""
    return {
        "hooks": {event: [{"hooks": [{"type": "command", "command": command}]}] for event in events}
    }
