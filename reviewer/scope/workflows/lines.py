"""What one changed line of a workflow says: the step or job it names, the action it uses, and the
lines of the job or step it sits in."""

from __future__ import annotations

from ...models import Severity, Signal
from ..lex.yaml_outline import GAP, Node, Outline
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


def item_lines(outline: Outline, owner: int) -> list[str]:
    """The lines of a job or step (the outline node at ``owner`` and all it holds), as
    ``key: value``; a job's id counts as a name."""
    item = outline.nodes[owner]
    inside = {owner}
    # a job's id names it as well as its `name:` does (`tests:`, `lint:`)
    parts = [f"name: {item.key}"] if item.key not in ("-", GAP) else []
    for i, n in enumerate(outline.nodes):
        if n.parent in inside:
            inside.add(i)
            parts.append(f"{n.key}: {n.scalar}")
    parts.extend(t.text for t in outline.texts if t.owner in inside)
    return parts
