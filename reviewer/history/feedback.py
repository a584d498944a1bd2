"""Feedback as text: ``Reviewer-Dismiss: <finding-id> <reason>`` trailers in commit messages, and
the ``/dismiss <finding-id> <reason>`` command on a pull request. Pure."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..rx import lazy
from .store import Dismissal

_TRAILER = lazy(r"^reviewer-dismiss[ \t]*:[ \t]*(\S+)[ \t]*(.*)$", re.I)
_COMMAND = lazy(r"^/dismiss[ \t]+(\S+)[ \t]*(.*)$", re.I)
_ID = lazy(r"^[A-Za-z0-9_.:-]{3,80}$")


def parse_dismiss_trailers(messages: Iterable[str], *, by: str | None = None) -> list[Dismissal]:
    """Every ``Reviewer-Dismiss:`` trailer (continuation lines indented); a dismissal without a
    reason is not feedback and is left out."""
    found: list[Dismissal] = []
    for message in messages:
        current: list[str] | None = None
        for line in message.replace("\r\n", "\n").split("\n"):
            m = _TRAILER.match(line.strip())
            if m:
                current = [m.group(1).strip(":,.;"), m.group(2).strip()]
                found.append(Dismissal(current[0], current[1], by=by))
            elif current is not None and line[:1] in (" ", "\t") and line.strip():
                current[1] = f"{current[1]} {line.strip()}".strip()
                found[-1] = Dismissal(current[0], current[1], by=by)
            else:
                current = None
    return [d for d in found if d.reason and _ID.match(d.finding)]


def parse_dismiss_command(comment: str, *, by: str | None = None) -> Dismissal | None:
    """The ``/dismiss <finding-id> <reason>`` command a PR comment starts with, or None (no
    command, or no reason given)."""
    first = comment.strip().split("\n", 1)
    m = _COMMAND.match(first[0].strip())
    if not m or not _ID.match(m.group(1)):
        return None
    reason = " ".join([m.group(2).strip(), *(first[1:] if len(first) > 1 else [])]).strip()
    return Dismissal(m.group(1), " ".join(reason.split()), by=by) if reason else None
