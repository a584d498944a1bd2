"""Slash commands in PR comments: ``/answer <question-id> <text>``, ``/review``, ``/signoff``. Pure.

A command starts a line. Lines inside code fences and quoted lines (``>``) are never commands, so
quoting someone's ``/answer`` in a reply does not answer again. An answer's text runs until the next
command line or the end of the comment.
"""

from __future__ import annotations

import re
from typing import Literal

from ..record import record

MAX_COMMANDS = 50
MAX_ANSWER_CHARS = 4000
MIN_ANSWER_WORDS = 2

_COMMAND_RE = re.compile(r"^/(answer|review|signoff|sign-off)\b[ \t]*(.*)$", re.I)
_QID_RE = re.compile(r"^(Q[0-9A-Za-z]{4,16})\b[ \t:,-]*(.*)$", re.I)
_WORD_RE = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*", re.U)


@record
class Command:
    kind: Literal["answer", "review", "signoff"]
    question: str | None = None  # upper-case question id for answers
    text: str = ""
    problem: str | None = None  # why the command is rejected, for the reply


def parse(body: str) -> list[Command]:
    found: list[tuple[str, list[str]]] = []  # (command, [rest of its line, following lines...])
    in_fence = False
    for raw in (body or "").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.strip()
        fence = line.startswith(("```", "~~~"))
        match = None if (in_fence or fence or line.startswith(">")) else _COMMAND_RE.match(line)
        if fence:
            in_fence = not in_fence
        if match:
            found.append((match.group(1).lower(), [match.group(2)]))
        elif found:
            found[-1][1].append(raw)
    return [_build(kind, "\n".join(lines)) for kind, lines in found[:MAX_COMMANDS]]


def _build(kind: str, rest: str) -> Command:
    if kind == "review":
        return Command("review")
    if kind in ("signoff", "sign-off"):
        return Command("signoff", text=rest.strip()[:500])
    first, _, more = rest.partition("\n")
    match = _QID_RE.match(first.strip())
    if not match:
        return Command("answer", problem="name the question: `/answer Q1234ABC your answer`")
    qid = match.group(1).upper()
    text = (match.group(2) + ("\n" + more if more else "")).strip()
    if len(text) > MAX_ANSWER_CHARS:
        text = text[:MAX_ANSWER_CHARS].rstrip() + " …"
    words = _WORD_RE.findall(text)
    if not text:
        return Command("answer", qid, problem="the answer is empty")
    if len(words) < MIN_ANSWER_WORDS:
        return Command(
            "answer",
            qid,
            text,
            problem="a one-word answer is not an answer: say what you checked and why it is safe",
        )
    return Command("answer", qid, text)
