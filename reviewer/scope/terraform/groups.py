"""Arguments as the changed lines show them: one group per argument of a block, both sides."""

from __future__ import annotations

from ...models import Severity, Side, Signal
from ...record import field, record
from ...rx import lazy
from ..engine import FileContext, any_in
from .definitions import Reading, toplevel


@record(frozen=False)
class Group:
    """One argument of one block, as the changed lines of each side show it."""

    owner: str | None  # symbol name of the top-level block
    kind: str  # definition kind of the owner ("resource", "module", ...) or its block type
    rtype: str  # resource type for resources and data sources
    path: tuple[str, ...]
    key: str
    old: list[tuple[str, int]] = field(default_factory=list)  # (value, line)
    new: list[tuple[str, int]] = field(default_factory=list)

    @property
    def line(self) -> int:
        return self.new[0][1] if self.new else self.old[0][1]

    @property
    def side(self) -> Side:
        return "new" if self.new else "old"

    @property
    def old_value(self) -> str | None:
        return self.old[0][0] if self.old else None

    @property
    def new_value(self) -> str | None:
        return self.new[0][0] if self.new else None

    @property
    def where(self) -> str:
        return f"`{self.owner}`" if self.owner else "a block the hunk does not name"


_REF_RE = lazy(
    r'"[^"]*"|\b(?:var|local|each|module|data|count|path|terraform)\.[\w-]+(?:\.[\w-]+)*'
    r"|\b[a-z][a-z0-9]*_\w+\.[\w-]+|(?<![\w.])-?\d+(?:\.\d+)?\b|\btrue\b|\bfalse\b"
)
_INDEX_RE = lazy(r"\[(?:\d+|count\.index|each\.key|\*)\]")
_OPT_IN_RE = lazy(r"^(?:var\.[\w-]+|(?:try|lookup|coalesce)\(.*\bnull\s*\)|each\.value\.[\w-]+)$")


def _inputs(value: str) -> set[str]:
    # which instance an expression indexes ([0], [count.index]) is not an input of its value
    return set(_REF_RE.findall(_INDEX_RE.sub("[]", value)))


def reshaped(g: Group) -> bool:
    """Old and new expressions read the same inputs: likely the same value written differently."""
    if not g.old or not g.new:
        return False
    a, b = _inputs(g.old[0][0]), _inputs(g.new[0][0])
    return bool(a) and a == b


def opt_in(g: Group) -> bool:
    """A new argument wired to an input: the usual way a module exposes an optional setting."""
    return bool(g.new) and not g.old and all(_OPT_IN_RE.match(v) for v, _line in g.new)


def gate_added(g: Group) -> str | None:
    """``cond ? n : 0`` -> ``cond && flag ? n : 0`` (the new condition anywhere in the chain):
    the conditions that were added, if that is all."""
    if not g.old or not g.new:
        return None
    old, new = g.old[0][0], g.new[0][0]
    if "?" not in old or "?" not in new:
        return None
    old_cond, old_rest = (p.strip() for p in old.split("?", 1))
    new_cond, new_rest = (p.strip() for p in new.split("?", 1))
    if "".join(old_rest.split()) != "".join(new_rest.split()):
        return None
    before, after = conjuncts(old_cond), conjuncts(new_cond)
    if before is None or after is None or not set(before) < set(after):
        return None
    return " && ".join(c for c in after if c not in before)


def conjuncts(cond: str) -> list[str] | None:
    """``a && false == b`` -> ``["a", "!b"]``; ``None`` for anything but a plain chain of ``&&``."""
    cond = cond.strip()
    if cond.startswith("(") and cond.endswith(")") and cond.count("(") == 1:
        cond = cond[1:-1]
    if "||" in cond or "?" in cond:
        return None
    out = []
    for part in cond.split("&&"):
        c = "".join(part.split())
        for neg in ("false==", "==false"):
            if c.startswith(neg) or c.endswith(neg):
                c = "!" + c.replace(neg, "", 1)
        for pos in ("true==", "==true"):
            if c.startswith(pos) or c.endswith(pos):
                c = c.replace(pos, "", 1)
        if not c:
            return None
        out.append(c)
    return out


def collect_groups(
    ctx: FileContext,
    sides: dict[Side, Reading],
    owner_names: dict[Side, dict[int, str]],
    *,
    tfvars: bool,
    skip: set[str],
    renamed: dict[str, str] | None = None,
) -> dict[tuple[str, tuple[str, ...], str], Group]:
    """Changed arguments grouped by (owner, path, key), old and new values side by side;
    ``renamed``: old block name -> new, so that a renamed block's arguments meet their old values."""
    groups: dict[tuple[str, tuple[str, ...], str], Group] = {}
    for side in ("old", "new"):
        changed = ctx.changed_sorted(side)
        if not changed:
            continue
        for seg, _sc, a in sides[side].attrs:
            if a.heredoc and a.key == "?":
                continue
            first = seg.line_of(a.row)
            last = seg.line_of(a.end)
            if first is None or last is None or not any_in(changed, first, last):
                continue
            top = a.top
            owner = owner_names[side].get(id(top)) if top is not None else None
            if owner is not None and side == "old" and renamed:
                owner = renamed.get(owner, owner)
            if owner is not None and owner in skip:
                continue
            kind = top.type if top is not None else ""
            path = a.path
            if tfvars and top is None and path == ("?",) and toplevel(_sc, a):
                owner, kind, path = f"var.{a.key}", "tfvar", ()
            rtype = (
                top.labels[0]
                if top is not None and top.labels and kind in ("resource", "data")
                else ""
            )
            key = (owner or (f"?{kind}" if kind else "?"), path, a.key)
            g = groups.get(key)
            if g is None:
                g = groups[key] = Group(owner, kind, rtype, path, a.key)
            (g.old if side == "old" else g.new).append((a.value, first))
    for g in groups.values():
        g.old.sort()
        g.new.sort()
    return groups


_FALSE = frozenset(("false", '"false"'))
_TRUE = frozenset(("true", '"true"'))
_VERSION_RE = lazy(r"(\d+)(?:\.\d+)*")


def bool_value(value: str | None) -> bool | None:
    if value is None:
        return None
    v = value.strip().rstrip(",").lower()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    return None


def major_version(value: str | None) -> int | None:
    if not value:
        return None
    found = [int(m.group(1)) for m in _VERSION_RE.finditer(value)]
    return max(found) if found else None


def group_signal(
    kind: str, code: str, detail: str, g: Group, severity: Severity, side: Side | None = None
) -> Signal:
    """A signal on the owner of ``g``, at the first line the changed argument shows."""
    return Signal(
        kind=kind,
        code=code,
        detail=detail,
        line=g.line,
        side=side or g.side,
        symbol=g.owner,
        severity=severity,
    )
