"""``reviewer intent set|show|clear``: the intent recorded for the current branch (e.g. an AI prompt)."""

from __future__ import annotations

import json
import sys

from ..errors import UsageError
from ..hook_review import err, out
from ..intent_store import MAX_INTENT_CHARS, IntentStore


def set_intent(text: str | None, *, source: str = "prompt") -> None:
    """Record ``text`` (None or ``-``: read stdin) as the branch's intent."""
    store = IntentStore.here()
    text = text if text not in (None, "-") else _read_stdin_intent()
    assert text is not None
    text = text.strip()
    if not text:
        raise UsageError("the intent is empty: give it as an argument or on stdin")
    if len(text) > MAX_INTENT_CHARS:
        raise UsageError(f"the intent is longer than {MAX_INTENT_CHARS} characters: shorten it")
    recorded = store.set(text, source=source)
    out(
        f"intent recorded for {store.label} ({recorded['source']}, {len(text)} characters); "
        "the hooks add it to every commit message until `reviewer intent clear`"
    )


def show_intent(*, as_json: bool = False) -> None:
    """Print the branch's recorded intent (as JSON: null when none is recorded)."""
    store = IntentStore.here()
    shown = store.get()
    if as_json:
        out(json.dumps({"branch": store.key, **shown} if shown else None, ensure_ascii=False))
    elif shown is None:
        err(f"reviewer: no intent recorded for {store.label}")
    else:
        out(f"# intent for {store.label} ({shown['source']}, set {shown['set_at']})")
        out(str(shown["text"]))


def clear_intent() -> None:
    """Forget the branch's recorded intent."""
    store = IntentStore.here()
    out(
        f"intent cleared for {store.label}"
        if store.clear()
        else f"no intent recorded for {store.label}"
    )


def _read_stdin_intent() -> str:
    if sys.stdin is None:
        raise UsageError("no intent given and no stdin to read it from")
    if sys.stdin.isatty():
        err("reviewer: reading the intent from stdin (end with Ctrl-D)")
    data = sys.stdin.buffer.read(MAX_INTENT_CHARS * 4 + 1)
    return data.decode("utf-8", "replace")
