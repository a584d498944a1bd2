"""The commit message: what git will record (cleanup, comments, scissors), the intent it states with
the branch's recorded intent, and the ``Reviewer-Answer:`` trailers that answer a review."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from typing import Any

from . import git
from .errors import UsageError
from .models import Intent, Review
from .record import record, replace
from .rx import lazy

MAX_MESSAGE_BYTES = 1_000_000
_SCISSORS = "------------------------ >8 ------------------------"
_AUTO_COMMENT_CHARS = "#;@!$%^&|:"


def clean_message(raw: str, *, comment: str = "#", cleanup: str = "strip") -> str:
    """The message git will record: the verbose diff cut off, comment lines dropped (strip mode),
    trailing blanks and blank runs removed. ``comment`` is core.commentChar/commentString."""
    lines = raw.replace("\r\n", "\n").split("\n")
    cut = f"{comment} {_SCISSORS}"
    for i, line in enumerate(lines):
        if line.rstrip() == cut:  # git cuts here whatever the cleanup mode when -v was used
            lines = lines[:i]
            break
    if cleanup == "verbatim":
        return "\n".join(lines)
    if cleanup == "strip":
        lines = [line for line in lines if not line.startswith(comment)]
    out: list[str] = []
    for line in lines:
        line = line.rstrip()
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip("\n")


def message_settings(raw: str) -> tuple[str, str]:
    """(comment prefix, cleanup mode) as git applies them to the message being committed."""
    out = git.run(
        ["config", "--get-regexp", r"^(core\.comment(char|string)|commit\.cleanup)$"], check=False
    ).decode("utf-8", "replace")
    values: dict[str, str] = {}
    for line in out.splitlines():
        key, _, value = line.partition(" ")
        values[key.lower()] = value
    comment = values.get("core.commentstring") or values.get("core.commentchar") or "#"
    if comment == "auto":
        # git picked a character no message line starts with; its template ends with a comment line
        last = next((line for line in reversed(raw.splitlines()) if line.strip()), "")
        comment = last[:1] if last[:1] and last[:1] in _AUTO_COMMENT_CHARS else "#"
    cleanup = values.get("commit.cleanup", "default").lower()
    if cleanup not in ("strip", "whitespace", "verbatim", "scissors"):
        # git's default: strip when an editor was used; it tells hooks GIT_EDITOR=: when not
        cleanup = "whitespace" if os.environ.get("GIT_EDITOR") == ":" else "strip"
    if cleanup == "scissors":
        cleanup = "whitespace"
    return comment, cleanup


def read_message(name: str) -> str:
    try:
        with open(name, "rb") as fh:
            data = fh.read(MAX_MESSAGE_BYTES)
    except FileNotFoundError as exc:
        raise UsageError(f"{name}: no such commit message file") from exc
    except OSError as exc:
        raise UsageError(f"{name}: cannot read the commit message ({exc.strerror or exc})") from exc
    return data.decode("utf-8", "replace")


def combine_intent(message: str, record: Mapping[str, Any] | None) -> Intent:
    """The commit message and the branch's recorded intent (an assistant's prompt) together."""
    from .intent import parse_intent

    message = message.strip()
    if record is None:
        return parse_intent(message, source="commit")
    extra = str(record["text"]).strip()
    if not message:
        return parse_intent(extra, source=record["source"])
    label = "Prompt" if record["source"] == "prompt" else "Intent"
    return parse_intent(f"{message}\n\n{label}: {extra}", source="commit")


# --- answers in trailers -----------------------------------------------------------------------

_ANSWER_RE = lazy(r"^reviewer-answer[ \t]*:[ \t]*(\S+)[ \t]*(.*)$", re.I)
#: answers that say nothing: "ok", "n/a", "done" ...
_PLACEHOLDERS = frozenset(
    {
        "n/a",
        "na",
        "n.a.",
        "n.a",
        "none",
        "nothing",
        "nil",
        "null",
        "ok",
        "okay",
        "k",
        "yes",
        "y",
        "yep",
        "yeah",
        "yup",
        "no",
        "nope",
        "done",
        "fine",
        "good",
        "lgtm",
        "tbd",
        "todo",
        "fixed",
        "sure",
        "ack",
        "noted",
        "agreed",
        "intended",
        "checked",
        "verified",
        "same",
        "nvm",
        "whatever",
        "test",
        "wip",
        "x",
        "-",
        "--",
        "...",
        "?",
        "??",
        ".",
        "answer",
        "<answer>",
        "<text>",
        "<id>",
        "safe",
        "correct",
        "right",
        "true",
        "not applicable",
        "no risk",
        "will do",
        "looks good",
        "all good",
        "see above",
        "as above",
        "same as above",
        "not sure",
        "dont know",
        "don't know",
        "no idea",
        "its fine",
        "it's fine",
        "nothing to do",
        "doesn't matter",
        "does not matter",
        "it is fine",
        "no problem",
        "no issue",
        "no issues",
        "not needed",
        "n a",
        "to do",
        "not relevant",
        "intended change",
        "as intended",
    }
)


@record
class Rejected:
    question: str
    answer: str
    reason: str


def parse_answers(messages: Iterable[str]) -> dict[str, str]:
    """``Reviewer-Answer: <id> <text>`` trailers (continuation lines indented) -> {ID: text}.

    Later answers to the same question win, unless they are trivial and an earlier one is not."""
    found: dict[str, str] = {}
    for message in messages:
        current: str | None = None
        for line in message.replace("\r\n", "\n").split("\n"):
            m = _ANSWER_RE.match(line.strip())
            if m:
                current = m.group(1).strip(":,.;").upper()
                text = m.group(2).strip()
                if current in found and triviality(text) and not triviality(found[current]):
                    current = None  # keep the earlier, real answer
                    continue
                found[current] = text
            elif current is not None and line[:1] in (" ", "\t") and line.strip():
                found[current] = f"{found[current]} {line.strip()}".strip()
            else:
                current = None
    return found


def triviality(text: str) -> str | None:
    """Why an answer does not count (empty, one word, a placeholder), or None when it does."""
    stripped = text.strip()
    if not stripped:
        return "empty"
    words = re.findall(r"[^\W_][\w'/.-]*", stripped)
    norm = " ".join(w.lower().strip(".") for w in words)
    if (
        stripped.lower().strip(" .!") in _PLACEHOLDERS
        or norm in _PLACEHOLDERS
        or (stripped.startswith("<") and stripped.endswith(">"))
    ):
        return "a placeholder"
    if len(words) < 2:
        return "one word"
    return None


def apply_answers(review: Review, answers: Mapping[str, str]) -> tuple[Review, list[Rejected]]:
    """Mark the questions that have a non-trivial answer; report the answers that were refused."""
    rejected: list[Rejected] = []
    questions = []
    from .questions import answer_for

    for q in review.questions:
        text = answer_for(q, answers)
        if text is None or q.answered:
            questions.append(q)
            continue
        why = triviality(text)
        if why:
            rejected.append(Rejected(q.id, text, why))
            questions.append(q)
        else:
            questions.append(replace(q, answered=True, answer=text[:2000]))
    return replace(review, questions=tuple(questions)), rejected
