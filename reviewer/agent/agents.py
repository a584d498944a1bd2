"""The agents whose hook protocols are supported, by the name the command line uses."""

from __future__ import annotations

from .claude import Claude
from .codex import Codex
from .cursor import Cursor
from .gemini import Gemini
from .protocol import Protocol

PROTOCOLS: dict[str, Protocol] = {p.name: p for p in (Claude(), Codex(), Gemini(), Cursor())}
