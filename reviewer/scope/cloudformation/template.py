"""The shape of a template: its resources and sections, and the resource a changed line is in."""

from __future__ import annotations

from ...models import Severity, Signal
from ...rx import lazy
from ..engine import Definition
from ..lex.yaml_outline import GAP, Node, Outline
from ..yaml_view import Change, SideView

_TYPE_RE = lazy(r"^(AWS|Alexa|Custom)::[\w:]+$|^Custom::")
SECTIONS = {
    "Parameters": "parameter",
    "Outputs": "output",
    "Conditions": "condition",
    "Mappings": "mapping",
    "Rules": "rule",
}


def _type_of(ol: Outline, idx: int) -> str:
    t = ol.child(idx, "Type")
    return t.scalar if t is not None else ""


def _is_resource(ol: Outline, idx: int, n: Node) -> bool:
    if n.key == "-" or n.virtual:
        return False
    if n.path == ("Resources",):
        return True
    return (
        bool(n.path)
        and n.path[-1] in (GAP, "Resources")
        and bool(_TYPE_RE.match(_type_of(ol, idx)))
    )


def definitions(view: SideView, types: dict[str, str]) -> list[Definition]:
    """A side's resources (their types into ``types``), top-level keys and section entries."""
    out: list[Definition] = []
    for ol, i, n in view.nodes():
        if n.key == "-":
            continue
        end = max(n.end, n.line)
        if _is_resource(ol, i, n):
            t = _type_of(ol, i)
            if t:
                types[n.key] = t
            out.append(Definition("resource", n.key, n.start, end, n.line))
        elif not n.exact:
            continue
        elif n.path == () and n.key not in ("Resources", *SECTIONS):
            out.append(Definition("key", n.key, n.start, end, n.line, virtual=n.virtual))
        elif len(n.path) == 1 and n.path[0] in SECTIONS:
            out.append(
                Definition(SECTIONS[n.path[0]], n.key, n.start, end, n.line, virtual=n.virtual)
            )
    return out


def resource_and_property(ch: Change, json: bool, unit: int) -> tuple[str | None, str | None]:
    """(logical id, top-level property) of a changed line, when the path shows them."""
    node = ch.node
    if node is None:
        return None, None
    full = node.fullpath
    if "Properties" in full:
        i = full.index("Properties")
        res = full[i - 1] if i > 0 and full[i - 1] not in (GAP, "-") else None
        prop = full[i + 1] if i + 1 < len(full) and full[i + 1] != "-" else None
        return res, prop
    if len(full) >= 2 and full[0] == "Resources" and full[1] not in (GAP, "-"):
        return full[1], None
    # a hunk under the ``Resources:`` heading that starts inside a resource's properties
    base = unit if json else 0
    if (
        not ch.is_text
        and full[:2] == ("Resources", GAP)
        and len(full) == 3
        and node.col == base + 3 * unit
    ):
        return None, node.key
    return None, None


def exported(view: SideView, name: str) -> bool:
    """Whether output ``name`` is exported (other stacks may import it)."""
    for ol, i, n in view.nodes():
        if n.path == ("Outputs",) and n.key == name:
            return ol.child(i, "Export") is not None
    return False


def signal_at(
    kind: str, code: str, detail: str, ch: Change, res: str | None, sev: Severity
) -> Signal:
    """A signal placed on a changed line of resource ``res``."""
    return Signal(
        kind=kind, code=code, detail=detail, line=ch.line, side=ch.side, symbol=res, severity=sev
    )


def owner_of(ch: Change) -> str | None:
    """The logical id of the resource a changed line is in, when its path shows it."""
    node = ch.node
    if node is None:
        return None
    full = node.fullpath
    if len(full) >= 2 and full[0] == "Resources" and full[1] not in (GAP, "-"):
        return full[1]
    return None
