"""``reviewer agent install AGENT``: merge the hooks into the agent's settings of this repository.

Existing settings are kept as they are: our entries are added next to the others, once (a second
install changes nothing), and a settings file that is not a JSON object of the documented shape is
an error that changes nothing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..errors import UsageError
from .protocol import Protocol

COMMAND = "reviewer agent hook {agent}"


def merged_settings(existing: Any, ours: dict[str, Any], where: str) -> tuple[dict[str, Any], int]:
    """``existing`` with ``ours`` merged in, and how many hook entries were added."""
    if not isinstance(existing, dict):
        raise UsageError(f"{where}: not a JSON object; fix it first (nothing was changed)")
    result = dict(existing)
    hooks = result.get("hooks", {})
    if not isinstance(hooks, dict):
        raise UsageError(f"{where}: 'hooks' is not an object; fix it first (nothing was changed)")
    hooks = dict(hooks)
    added = 0
    for event, entries in ours["hooks"].items():
        current = hooks.get(event, [])
        if not isinstance(current, list):
            raise UsageError(
                f"{where}: hooks.{event} is not a list; fix it first (nothing was changed)"
            )
        for entry in entries:
            if not any(_commands(entry) & _commands(other) for other in current):
                current = [*current, entry]
                added += 1
        hooks[event] = current
    result["hooks"] = hooks
    for key, value in ours.items():
        if key != "hooks":
            result.setdefault(key, value)
    return result, added


def _commands(entry: Any) -> set[str]:
    """Every ``command`` string inside a hook entry, however the agent nests them."""
    if isinstance(entry, dict):
        found = {entry["command"]} if isinstance(entry.get("command"), str) else set()
        for value in entry.values():
            if isinstance(value, (dict, list)):
                found |= _commands(value)
        return found
    if isinstance(entry, list):
        return set().union(*(_commands(e) for e in entry)) if entry else set()
    return set()


def install(protocol: Protocol, root: str, *, print_only: bool) -> tuple[str, str]:
    """(what to print, the settings file) after merging; with ``print_only`` nothing is written."""
    path = Path(root) / protocol.settings_path
    try:
        existing: Any = json.loads(path.read_text("utf-8")) if path.exists() else {}
    except ValueError as exc:
        raise UsageError(
            f"{path}: not valid JSON ({exc}); fix it first (nothing was changed)"
        ) from exc
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    ours = protocol.settings(COMMAND.format(agent=protocol.name))
    merged, added = merged_settings(existing, ours, str(path))
    text = json.dumps(merged, indent=2, ensure_ascii=False) + "\n"
    if print_only:
        return text, str(path)
    if added:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            tmp.write_text(text, "utf-8")
            os.replace(tmp, path)
        except OSError as exc:
            raise UsageError(f"{path}: cannot write ({exc.strerror or exc})") from exc
        return f"intent-review hooks added to {path} ({added} entries) for {protocol.label}", str(
            path
        )
    return f"{path} already runs the intent-review hooks: nothing changed", str(path)
