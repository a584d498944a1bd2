"""One Terraform file's analysis: definitions, blocks, arguments, lines; lock and state files."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from ...models import DEPENDENCY, ENVIRONMENT_DEFINITION, Severity, Side, Signal, Symbol
from ...rx import lazy
from ..engine import FileContext, Partial, cosmetic_level, diff_definitions
from .attributes import attr_signals
from .blocks import symbol_signals
from .count import count_input_signals, merge_switches, only_renamed, renamed_locals
from .definitions import Reading, read_side, unquote
from .groups import collect_groups, major_version
from .moves import moved_pairs
from .permissions import line_signals
from .resources import force_new
from .retitled import pair_retitled

_STATE_RE = lazy(r"\.tfstate(\.backup|\.\d+\.backup)?$")
_LOCKFILE = ".terraform.lock.hcl"


def analyze(ctx: FileContext) -> Partial:
    name = posixpath.basename(ctx.path).lower()
    if _STATE_RE.search(name):
        return _state_file(ctx)
    tfvars = name.endswith(".tfvars")
    sides: dict[Side, Reading] = {
        "old": read_side(ctx, "old", tfvars=tfvars),
        "new": read_side(ctx, "new", tfvars=tfvars),
    }
    removed = [n for n in ctx.removed_sorted if ctx.removed[n].strip()]
    added = [n for n in ctx.added_sorted if ctx.added[n].strip()]
    changes, _old_out, _new_out = diff_definitions(
        sides["old"].defs,
        sides["new"].defs,
        removed,
        added,
        removed_set=ctx.removed,
        added_set=ctx.added,
    )
    changes = pair_retitled(ctx, changes)
    part = Partial()
    if name == _LOCKFILE:
        part.symbols.extend(
            Symbol("provider_lock", sym.name.removeprefix("provider."), sym.change, sym.line)
            for sym, _o, _n in changes
        )
        part.signals.extend(_lock_signals(ctx, sides))
        return part
    part.symbols.extend(sym for sym, _o, _n in changes)

    owners: dict[Side, dict[int, str]] = {"old": {}, "new": {}}
    for side in ("old", "new"):
        for _seg, sc in sides[side].scans:
            for b in sc.blocks:
                key = sides[side].block_keys.get(id(b))
                if key is not None and b.parent is None:
                    owners[side][id(b)] = key[1]
    moved = moved_pairs(sides["new"])
    status: dict[str, str] = {}
    for sym, _o, _n in changes:
        status[sym.name] = sym.change
        if sym.old_name:
            status[sym.old_name] = sym.change

    # arguments of blocks added or deleted whole are part of that addition or deletion
    whole = {n for n, ch in status.items() if ch in ("added", "deleted")}
    # a renamed block's arguments are compared with its old ones; those that force replacement
    # are named by its rename signal, not once more on their own
    retitled = {s.old_name: s.name for s, _o, _n in changes if s.change == "renamed" and s.old_name}
    groups = collect_groups(ctx, sides, owners, tfvars=tfvars, skip=whole, renamed=retitled)
    forcing: dict[str, list[str]] = {}
    for g in groups.values():
        if (
            g.owner is not None
            and g.owner in retitled.values()
            and [v for v, _ in g.old] != [v for v, _ in g.new]
            and force_new(g.rtype, g.path, g.key)
        ):
            forcing.setdefault(g.owner, []).append(".".join((*g.path, g.key)))
    signals: list[Signal] = []
    signals.extend(
        symbol_signals(ctx, changes, sides, moved, forcing, backend_file="backend" in name)
    )
    renames = renamed_locals(sides)
    for g in groups.values():
        if g.old == g.new or only_renamed(g, renames):
            continue
        if g.owner in forcing and force_new(g.rtype, g.path, g.key):
            continue
        signals.extend(attr_signals(g, moved))
    signals.extend(line_signals(ctx, sides, owners))
    signals.extend(count_input_signals(ctx, changes, sides, renames))
    part.signals.extend(merge_switches(signals))
    part.cosmetic = _cosmetic(ctx, sides)
    return part


def _lock_signals(ctx: FileContext, sides: dict[Side, Reading]) -> Iterator[Signal]:
    versions: dict[Side, dict[str, tuple[str, int]]] = {"old": {}, "new": {}}
    for side in ("old", "new"):
        for seg, _sc, a in sides[side].attrs:
            if (
                a.top is not None
                and a.top.type == "provider"
                and a.path == ()
                and a.key == "version"
            ):
                line = seg.line_of(a.row)
                if line is not None:
                    versions[side][".".join(a.top.labels)] = (unquote(a.value), line)
    for provider, (new_v, line) in versions["new"].items():
        old = versions["old"].get(provider)
        if old is None or old[0] == new_v:
            continue
        old_m, new_m = major_version(old[0]), major_version(new_v)
        sev: Severity = (
            "medium" if old_m is not None and new_m is not None and new_m != old_m else "low"
        )
        yield Signal(
            kind=DEPENDENCY,
            code="tf.lockfile",
            detail=f"locks provider `{provider}` at {new_v} (was {old[0]})",
            line=line,
            side="new",
            symbol=provider,
            severity=sev,
        )


def _state_file(ctx: FileContext) -> Partial:
    part = Partial()
    verb = {"added": "commits", "deleted": "deletes"}.get(ctx.status, "edits")
    part.signals.append(
        Signal(
            kind=ENVIRONMENT_DEFINITION,
            code="tf.state_file",
            detail=f"{verb} the Terraform state file `{ctx.path}`: state is the record of what exists",
            line=None,
            side="old" if ctx.status == "deleted" else "new",
            symbol=None,
            severity="high",
        )
    )
    return part


def _cosmetic(ctx: FileContext, sides: dict[Side, Reading]) -> str | None:
    if ctx.status not in ("modified", "renamed"):
        return None
    spans: list[dict[int, list[tuple[int, int]]]] = []
    for side in ("old", "new"):
        changed = ctx.changed(side)
        found: dict[int, list[tuple[int, int]]] = {}
        for seg, sc in sides[side].scans:
            for r, sp in sc.comments.items():
                line = seg.line_of(r)
                if line is not None and line in changed:
                    found[line] = sp
        spans.append(found)
    return cosmetic_level(ctx, (spans[0], spans[1]))
