"""What one changed line of a workflow says: the step or job it names, the action it uses."""

from __future__ import annotations

from ...models import Severity, Signal
from ..lex.yaml_outline import GAP, Node
from ..yaml_view import Change


def step_name(ch: Change) -> str | None:
    """The ``name:`` of a step (``jobs.x.steps[].name``), or of a job (``jobs.x.name``)."""
    node = ch.node
    if ch.is_text or node is None or node.key != "name" or not node.value:
        return None
    full = node.fullpath
    if len(full) >= 2 and full[0] == "jobs":
        return node.scalar
    return None


def uses_of(ch: Change) -> str | None:
    """The action a ``uses:`` line names."""
    node = ch.node
    if ch.is_text or node is None or node.key != "uses" or not node.value:
        return None
    return node.scalar


def job_of(node: Node | None) -> str | None:
    """The job (``jobs.<id>``) a node sits in."""
    if node is None:
        return None
    full = node.fullpath
    if len(full) >= 2 and full[0] == "jobs" and full[1] not in ("-", GAP):
        return f"jobs.{full[1]}"
    return None


def signal_at(kind: str, code: str, detail: str, ch: Change, sev: Severity) -> Signal:
    """A signal placed on a changed line and named after its job."""
    return Signal(
        kind=kind,
        code=code,
        detail=detail,
        line=ch.line,
        side=ch.side,
        symbol=job_of(ch.node),
        severity=sev,
    )
