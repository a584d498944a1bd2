"""The review state kept in the sticky comment: reviewed head, question ids, answers, sign-offs.

Threat model. Anyone with write access to the repository can edit any comment, the bot's included,
and a same-repository PR's own workflow can post as ``github-actions[bot]``. So the state is a
*checkpoint*, never the authority:

* it is sealed: an HMAC-SHA256 over the state and the PR it belongs to, keyed by a secret only the
  reviewer has (the App's webhook secret; the Action's optional ``state-secret`` input). Without a
  secret the seal is a SHA-256 digest: it detects hand edits and other tools, not a forger who
  recomputes it. A state whose seal does not verify, or whose algorithm is weaker than the one
  configured, is ignored and rebuilt from the conversation;
* every fact in it points at its source, an authenticated GitHub record (the ``/answer`` or
  ``/signoff`` comment, the approving review), and each run re-verifies the fact against that record:
  same author, command still there, and for sign-offs an unedited comment. A forged state can at
  most re-attach a real senior's earlier ``/signoff`` to a newer head; the secret closes that gap.

A sign-off is bound to the head that was current when its comment was written. The state records,
for every head, the highest comment id on the pull request when that head was first reviewed (its
*watermark*). GitHub's comment ids grow with time, so a comment whose id is above the current head's
watermark was written after the reviewer had shown that head; any other comment was written for an
older head (or before the review), and its ``/signoff`` does not count for this one. The state also
keeps the Actions runs it was published by, so a re-run of a run can be told from a new event.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from typing import Any

from ..record import field, record
from ..rx import lazy

PREFIX = "intent-reviewer-state:v1:"
SUFFIX = ":end-state"
_STATE_RE = lazy(re.escape(PREFIX) + r"(\{.*\})" + re.escape(SUFFIX), re.S)
_PUBLIC_KEY = b"intent-reviewer state digest v1 (no secret configured)"
MAX_TEXT = 500
MAX_STATE_CHARS = 30_000
#: heads and runs remembered (the newest): enough for any review history that still matters
MAX_HEADS = 100
MAX_RUNS = 20


@record
class Answer:
    question: str
    text: str
    by: str
    at: str
    comment: int


@record
class SignOff:
    by: str
    at: str
    head: str
    comment: int | None = None
    review: int | None = None


@record
class Head:
    sha: str
    #: the highest issue-comment id on the pull request when this head was first reviewed
    watermark: int


@record
class State:
    head: str = ""
    base: str = ""
    questions: tuple[str, ...] = ()
    answers: tuple[Answer, ...] = ()
    signoffs: tuple[SignOff, ...] = ()
    #: head SHA for which senior reviewers were last requested, so a re-run does not nag again
    requested: str = ""
    #: every head reviewed so far, oldest first, with its watermark (see the module docstring)
    heads: tuple[Head, ...] = ()
    #: the Actions run ids (``GITHUB_RUN_ID``) whose results this state carries, newest last
    runs: tuple[str, ...] = ()
    #: when the question ids did not fit: how many there were (the ids are recomputed each run)
    question_count: int = 0
    notes: tuple[str, ...] = field(default=(), compare=False)

    def answer_for(self, question: str) -> Answer | None:
        return next((a for a in self.answers if a.question == question), None)

    def watermark(self, sha: str) -> int | None:
        """The watermark of ``sha`` when it was reviewed before, else None."""
        return next((h.watermark for h in self.heads if h.sha == sha), None)


def remember_head(heads: tuple[Head, ...], sha: str, watermark: int) -> tuple[Head, ...]:
    """``heads`` with ``sha`` added at ``watermark`` unless it was reviewed before."""
    if any(h.sha == sha for h in heads):
        return heads
    return (*heads, Head(sha, watermark))[-MAX_HEADS:]


def remember_run(runs: tuple[str, ...], run: str | None) -> tuple[str, ...]:
    if not run or run in runs:
        return runs
    return (*runs, run)[-MAX_RUNS:]


def seal_key(secret: str | None) -> bytes | None:
    """The HMAC key for a configured secret (domain-separated), or None without one."""
    if not secret:
        return None
    return hmac.new(secret.encode("utf-8"), b"intent-reviewer/state/v1", hashlib.sha256).digest()


def dump(state: State, *, key: bytes | None, scope: str) -> str:
    """The state as the single-line string the renderer embeds in a hidden HTML comment."""
    body = _to_dict(state)
    out = _seal(body, key, scope)
    if len(out) > MAX_STATE_CHARS:
        # answer texts are re-read from their source comments anyway: drop them before anything else
        body["answers"] = [{**a, "text": ""} for a in body["answers"]]
        out = _seal(body, key, scope)
    if len(out) > MAX_STATE_CHARS and body["questions"]:
        # thousands of questions (a 3,000-file pull request): every run recomputes them from the
        # findings, so the state keeps only their number
        body["question_count"] = len(body["questions"])
        body["questions"] = []
        out = _seal(body, key, scope)
    while len(out) > MAX_STATE_CHARS:
        # still too large (hundreds of answers): the oldest facts go; the conversation keeps them
        for name in ("answers", "signoffs", "heads", "runs"):
            if body[name]:
                body[name] = body[name][len(body[name]) // 2 :] if len(body[name]) > 1 else []
                break
        else:
            break  # pragma: no cover - an empty state is a few hundred characters
        out = _seal(body, key, scope)
    return out


def _seal(body: dict[str, Any], key: bytes | None, scope: str) -> str:
    sealed = {
        "alg": "hmac-sha256" if key else "sha256",
        "mac": _mac(key, scope, _canonical(body)),
        "state": body,
    }
    raw = json.dumps(sealed, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    # nothing inside may end an HTML comment (the renderer also guards this)
    raw = raw.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f"{PREFIX}{raw}{SUFFIX}"


def embedded(body: str) -> str | None:
    """The state string a rendered comment carries (as given to the renderer), or None."""
    from ..render.markdown import read_state

    text = read_state(body or "")
    return text if text is not None and text.startswith(PREFIX) else None


def load(body: str, *, key: bytes | None, scope: str) -> tuple[State | None, str | None]:
    """(state, None) when the comment holds a state whose seal verifies; else (None, why not)."""
    match = _STATE_RE.fullmatch(embedded(body) or "")
    if not match:
        return None, "no review state in the comment"
    try:
        sealed = json.loads(match.group(1))
        alg, mac, raw = sealed["alg"], sealed["mac"], sealed["state"]
        text = _canonical(raw)
    except (ValueError, KeyError, TypeError):
        return None, "the review state is not valid JSON"
    want = "hmac-sha256" if key else "sha256"
    if alg != want:
        return None, f"the review state is sealed with {alg!r}, this reviewer expects {want!r}"
    if not isinstance(mac, str) or not hmac.compare_digest(mac, _mac(key, scope, text)):
        return None, "the review state was edited by someone else"
    try:
        return _from_dict(raw), None
    except (KeyError, TypeError, ValueError):
        return None, "the review state has an unknown shape"


def _mac(key: bytes | None, scope: str, text: str) -> str:
    return hmac.new(key or _PUBLIC_KEY, f"{scope}\n{text}".encode(), hashlib.sha256).hexdigest()


def _canonical(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _to_dict(state: State) -> dict[str, Any]:
    return {
        "head": state.head,
        "base": state.base,
        "questions": list(state.questions),
        "answers": [
            {
                "q": a.question,
                "text": a.text[:MAX_TEXT],
                "by": a.by,
                "at": a.at,
                "comment": a.comment,
            }
            for a in state.answers
        ],
        "signoffs": [
            {
                k: v
                for k, v in (
                    ("by", s.by),
                    ("at", s.at),
                    ("head", s.head),
                    ("comment", s.comment),
                    ("review", s.review),
                )
                if v is not None
            }
            for s in state.signoffs
        ],
        "requested": state.requested,
        "heads": [[h.sha, h.watermark] for h in state.heads],
        "runs": list(state.runs),
        **({"question_count": state.question_count} if state.question_count else {}),
    }


def _from_dict(raw: Any) -> State:
    if not isinstance(raw, dict):
        raise TypeError("state")

    def s(value: Any) -> str:
        if not isinstance(value, str):
            raise TypeError("string")
        return value

    def opt_int(value: Any) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError("int")
        return value

    answers = []
    for a in raw.get("answers", []):
        comment = opt_int(a["comment"])
        if comment is None:
            raise TypeError("answer without source")
        answers.append(Answer(s(a["q"]), s(a["text"]), s(a["by"]), s(a["at"]), comment))
    signoffs = [
        SignOff(
            s(x["by"]),
            s(x["at"]),
            s(x["head"]),
            opt_int(x.get("comment")),
            opt_int(x.get("review")),
        )
        for x in raw.get("signoffs", [])
    ]
    heads = []
    for entry in raw.get("heads", []):
        if not isinstance(entry, list) or len(entry) != 2:
            raise TypeError("head")
        watermark = opt_int(entry[1])
        if watermark is None:
            raise TypeError("head without watermark")
        heads.append(Head(s(entry[0]), watermark))
    count = opt_int(raw.get("question_count")) or 0
    return State(
        head=s(raw.get("head", "")),
        base=s(raw.get("base", "")),
        questions=tuple(s(q) for q in raw.get("questions", [])),
        answers=tuple(answers),
        signoffs=tuple(signoffs),
        requested=s(raw.get("requested", "")),
        heads=tuple(heads),
        runs=tuple(s(r) for r in raw.get("runs", [])),
        question_count=count,
    )
