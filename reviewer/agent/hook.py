"""``reviewer agent hook AGENT``: one hook call, from the payload on stdin to the agent's reply.

Every failure is mapped here, never by the CLI's generic exit codes (an exit 2 would block a
prompt or the agent): a prompt is never blocked; a Stop that cannot be reviewed is sent back once
with the reason when the policy blocks (so it is never let through silently) and reported to the
user on the next round (so the agent is never trapped).
"""

from __future__ import annotations

import json
import os
import sys

from ..errors import ReviewerError
from .protocol import PROMPT, STOP, Event, Protocol, Reply

MAX_PAYLOAD_BYTES = 16 * 1024 * 1024


def run_hook(protocol: Protocol, data: bytes) -> Reply:
    who = f"reviewer agent hook {protocol.name}"
    try:
        payload = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        return protocol.fail(
            f"{who}: the hook payload on stdin is not JSON ({exc}): nothing was reviewed",
            block=False,
        )
    if not isinstance(payload, dict):
        return protocol.fail(
            f"{who}: the hook payload is a JSON {type(payload).__name__}, not an object: "
            "nothing was reviewed",
            block=False,
        )
    try:
        event = protocol.parse(payload)
    except ReviewerError as exc:
        return protocol.fail(f"{who}: {exc}: nothing was reviewed", block=False)
    if event.cwd:
        try:
            os.chdir(event.cwd)
        except OSError as exc:
            return protocol.fail(
                f"{who}: cannot enter {event.cwd} ({exc.strerror or exc}): nothing was reviewed",
                block=False,
            )
    if event.kind == PROMPT:
        return _on_prompt(protocol, event, who)
    if event.kind == STOP:
        return _on_stop(protocol, event)
    return protocol.allow()


def _on_prompt(protocol: Protocol, event: Event, who: str) -> Reply:
    from .. import git
    from .capture import record_prompt

    try:
        if git.inside_work_tree():
            record_prompt(protocol.name, event.session, event.prompt or "")
        return protocol.prompt_recorded()
    except Exception as exc:  # recording must never cost the user their prompt
        return protocol.fail(
            f"{who}: the prompt was not recorded as intent ({_describe(exc)})", block=False
        )


def _on_stop(protocol: Protocol, event: Event) -> Reply:
    from .. import git

    mode = "block"  # until the policy says otherwise, a failure must not let the agent through
    try:
        if not git.inside_work_tree():
            return protocol.allow(
                f"intent-review: {os.getcwd()} is not a git work tree: the change was not reviewed"
            )
        from .capture import Session
        from .stop import BLOCK, REPORT, block_reason, check, user_report

        session = Session.load(protocol.name, event.session)
        if event.prompt:
            from .capture import record_prompt

            record_prompt(protocol.name, event.session, event.prompt)
            session = Session.load(protocol.name, event.session)
        checked = check(
            session, transcript=event.transcript, again=event.again, last_message=event.last_message
        )
        if checked is None:
            session.save()
            return protocol.allow()
        mode = "block" if checked.action == BLOCK else "warn"
        if checked.action == BLOCK:
            reason = block_reason(checked)
            session.remember_block([q.id for q in checked.open], reason)
            session.save()
            return protocol.block(reason)
        session.save()
        if checked.action == REPORT:
            return protocol.allow(user_report(checked))
        return protocol.allow()
    except Exception as exc:
        what = _describe(exc)
        if event.again:
            return protocol.allow(f"intent-review: the agent's change was NOT reviewed: {what}")
        if mode == "block":
            return protocol.fail(
                f"intent-review could not review this change: {what}. Do not try to fix the "
                "reviewer: tell the user that the change was not reviewed and why, then finish.",
                block=True,
            )
        return protocol.fail(f"intent-review: the change was not reviewed: {what}", block=False)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, ReviewerError):
        return str(exc)
    from ..crash import write_crash_log

    return f"internal error ({type(exc).__name__}: {str(exc)[:200]}); details in {write_crash_log(exc)}"


def read_stdin() -> bytes:
    stdin = sys.stdin
    if stdin is None:
        return b""
    return stdin.buffer.read(MAX_PAYLOAD_BYTES)


def emit(reply: Reply) -> int:
    if reply.stdout:
        sys.stdout.write(reply.stdout)
        sys.stdout.flush()
    if reply.stderr:
        sys.stderr.write(reply.stderr.rstrip("\n") + "\n")
        sys.stderr.flush()
    return reply.code
