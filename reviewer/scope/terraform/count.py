"""``count`` / ``for_each``: changes that re-key or destroy instances, and the inputs they read."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from ...models import ENVIRONMENT_DEFINITION, FileDiff, FileScope, Severity, Side, Signal, Symbol
from ...record import replace
from ...rx import lazy
from ..engine import Definition, FileContext
from .definitions import REF_NAME_RE, Reading
from .groups import Group, conjuncts, gate_added, group_signal, reshaped
from .moves import address_of


def count_signal(g: Group, moved: list[tuple[str, str]]) -> Iterator[Signal]:
    addr = g.owner or ""
    if addr and any(address_of(f) == addr and address_of(t) == addr for f, t in moved):
        return  # a moved block carries the instances over to their new keys
    if g.kind == "resource" and g.key == "count" and bool(g.old) != bool(g.new):
        yield from _implied_move(g)
        return
    if g.new and not g.old:
        what = f"adds `{g.key}` to existing {g.where}: its instances get new addresses"
    elif g.old and not g.new:
        what = f"removes `{g.key}` from {g.where}: its instances get new addresses"
    else:
        gate = gate_added(g)
        if gate is not None:
            yield group_signal(
                ENVIRONMENT_DEFINITION,
                "tf.count_condition",
                f"adds the condition `{gate}` to the `{g.key}` of {g.where}: instances are destroyed "
                "where it is false",
                g,
                "low",
            )
            return
        keys = _literal_keys(g) if g.key == "for_each" else None
        if keys is not None:
            gone, added = keys
            if not gone:
                # only new keys: Terraform creates their instances and touches no other
                yield group_signal(
                    ENVIRONMENT_DEFINITION,
                    "tf.for_each_keys_added",
                    f"adds the keys {_names(added)} to the `for_each` of {g.where}: "
                    "their instances are created",
                    g,
                    "low",
                )
                return
            what = (
                f"removes the keys {_names(gone)} from the `for_each` of {g.where}: "
                "their instances are destroyed"
            )
        else:
            what = f"changes the `{g.key}` of {g.where}: instances may be destroyed or re-keyed"
    yield group_signal(
        ENVIRONMENT_DEFINITION, "tf.count_for_each", what, g, "medium" if reshaped(g) else "high"
    )


_GATE_COUNT = lazy(r"^\s*\(?(.+?)\)?\s*\?\s*1\s*:\s*0\s*$")
_WHOLE = lazy(r"^\s*(\d+)\s*$")


def _implied_move(g: Group) -> Iterator[Signal]:
    """``count`` added to or removed from an existing resource: Terraform moves the object to
    instance ``[0]`` (or ``[0]`` back to the object) by itself, so nothing gets a new address;
    what can go is an instance the new count does not reach."""
    sev: Severity
    if g.new:
        value = g.new_value or ""
        whole = _WHOLE.match(value)
        gate = _GATE_COUNT.match(value)
        conds = conjuncts(gate.group(1)) if gate is not None else None
        if whole is not None and int(whole.group(1)) == 0:
            what, sev = f"adds `count = 0` to existing {g.where}: Terraform destroys it", "high"
        elif whole is not None:
            what = f"adds `count = {whole.group(1)}` to existing {g.where}: Terraform keeps it as `[0]`"
            sev = "low"
        elif conds:
            # the same reading as a condition added to an existing count (and `open_gates` can
            # tell from the variables' defaults that it holds)
            yield group_signal(
                ENVIRONMENT_DEFINITION,
                "tf.count_condition",
                f"adds the condition `{' && '.join(conds)}` to the `count` of {g.where}: Terraform "
                "keeps the object as `[0]` where it holds and destroys it where it is false",
                g,
                "low",
            )
            return
        else:
            what = (
                f"adds `count` to existing {g.where}: Terraform keeps the object as `[0]`, and "
                "destroys it where the count comes out 0"
            )
            sev = "medium"
    else:
        gate = _GATE_COUNT.match(g.old_value or "")
        whole = _WHOLE.match(g.old_value or "")
        what = f"removes `count` from {g.where}: Terraform keeps `[0]` as the object"
        if whole is not None and int(whole.group(1)) == 1:
            sev = "low"
        elif gate is not None or (whole is not None and int(whole.group(1)) == 0):
            what += " and creates it where there was none"
            sev = "low"
        else:
            what += " and destroys every other instance"
            sev = "medium"
    yield group_signal(ENVIRONMENT_DEFINITION, "tf.count_for_each", what, g, sev)


_LITERAL_SET = lazy(r'^\s*(?:toset\s*\(\s*)?\[((?:\s*"[^"]*"\s*,?)*)\]\s*\)?\s*$')
_LITERAL_MAP = lazy(r'^\s*\{((?:\s*"?[\w.-]+"?\s*=\s*[^,}]*,?)*)\}\s*$')


def _literal_keys(g: Group) -> tuple[list[str], list[str]] | None:
    """``(removed, added)`` keys when both sides of a ``for_each`` are literal sets or one-line
    maps; ``None`` when a side is an expression (then nobody can tell what re-keys)."""
    sides = []
    for value in (g.old_value, g.new_value):
        if value is None:
            return None
        m = _LITERAL_SET.match(value)
        if m is not None:
            sides.append(re.findall(r'"([^"]*)"', m.group(1)))
            continue
        m = _LITERAL_MAP.match(value)
        if m is not None:
            sides.append([k.strip('"') for k in re.findall(r'("?[\w.-]+"?)\s*=', m.group(1))])
            continue
        return None
    old, new = sides
    return [k for k in old if k not in new], [k for k in new if k not in old]


def _names(keys: list[str]) -> str:
    shown = ", ".join(f"`{k}`" for k in keys[:5])
    return shown + (f" and {len(keys) - 5} more" if len(keys) > 5 else "")


_COUNTISH = frozenset(["count", "length", "num", "number", "create", "enable", "enabled"])


def _count_inputs(sides: dict[Side, Reading]) -> tuple[set[str], dict[str, str]]:
    """Names (``local.x`` / ``var.x``) that the visible text shows feeding a count or for_each."""
    refs: set[str] = sides["old"].count_refs | sides["new"].count_refs
    values: dict[str, str] = {}
    for side in ("old", "new"):
        for _seg, _sc, a in sides[side].attrs:
            if a.top is None:
                continue
            if (
                a.path == ()
                and a.key in ("count", "for_each")
                and a.top.type in ("resource", "module", "data")
            ):
                refs.update(f"{m.group(1)}.{m.group(2)}" for m in REF_NAME_RE.finditer(a.value))
            elif a.top.type == "locals" and a.path == ():
                name = f"local.{a.key}"
                values[name] = values.get(name, "") + " " + a.value
    todo = [r for r in refs if r.startswith("local.")]
    while todo:
        name = todo.pop()
        for m in REF_NAME_RE.finditer(values.get(name, "")):
            ref = f"{m.group(1)}.{m.group(2)}"
            if ref not in refs:
                refs.add(ref)
                todo.append(ref)
    return refs, values


def renamed_locals(sides: dict[Side, Reading]) -> dict[str, str]:
    """``local.old`` -> ``local.new`` where the change renames a local and keeps its value."""
    values: dict[Side, dict[str, str]] = {"old": {}, "new": {}}
    for side in ("old", "new"):
        for _seg, _sc, a in sides[side].attrs:
            if a.top is not None and a.top.type == "locals" and a.path == ():
                values[side][f"local.{a.key}"] = "".join(a.value.split())
    gone = {n: v for n, v in values["old"].items() if n not in values["new"]}
    born = {n: v for n, v in values["new"].items() if n not in values["old"]}
    out: dict[str, str] = {}
    for name, value in gone.items():
        same = [n for n, v in born.items() if v == value]
        if len(same) == 1:
            out[name] = same[0]
    return out


def only_renamed(g: Group, renames: dict[str, str]) -> bool:
    """The argument changes only by reading a renamed local under its new name."""
    if not renames or not g.old or not g.new or len(g.old) != len(g.new):
        return False
    for (old, _), (new, _) in zip(g.old, g.new, strict=True):
        for was, now in renames.items():
            old = re.sub(rf"\b{re.escape(was)}\b", now, old)
        if "".join(old.split()) != "".join(new.split()):
            return False
    return True


def _countish(name: str, value: str) -> bool:
    words = set(re.split(r"[_-]", name.split(".", 1)[-1].lower()))
    return bool(words & _COUNTISH) or bool(re.search(r"\?\s*1\s*:\s*0\b", value))


def merge_switches(signals: list[Signal]) -> list[Signal]:
    """``count`` removed and ``for_each`` added (or back) on one block is one change: a switch."""
    by_owner: dict[str | None, list[Signal]] = {}
    for s in signals:
        if s.code == "tf.count_for_each":
            by_owner.setdefault(s.symbol, []).append(s)
    out: list[Signal] = []
    merged: set[str | None] = set()
    for s in signals:
        pair = by_owner.get(s.symbol, []) if s.code == "tf.count_for_each" else []
        if len(pair) != 2 or s.symbol is None:
            out.append(s)
            continue
        if s.symbol in merged:
            continue
        merged.add(s.symbol)
        new = next((p for p in pair if p.side == "new"), pair[0])
        was, now = ("count", "for_each") if "`for_each`" in new.detail else ("for_each", "count")
        out.append(
            Signal(
                kind=ENVIRONMENT_DEFINITION,
                code="tf.count_for_each",
                detail=f"switches `{s.symbol}` from `{was}` to `{now}`: every instance gets a new address",
                line=new.line,
                side="new",
                symbol=s.symbol,
                severity="high",
            )
        )
    return out


def count_input_signals(
    ctx: FileContext,
    changes: list[tuple[Symbol, Definition | None, Definition | None]],
    sides: dict[Side, Reading],
    renamed: dict[str, str],
) -> Iterator[Signal]:
    """Locals and variables that feed a count; ``renamed`` (from :func:`renamed_locals`) are the
    locals the change only renames, which change nothing."""
    interesting = [
        s for s, _o, _n in changes if s.kind in ("local", "variable") and s.change != "added"
    ]
    if not interesting:
        return
    refs, values = _count_inputs(sides)
    for sym in interesting:
        if sym.name in renamed or sym.name in renamed.values():
            continue  # the same value under a new name: every reader is judged on its own
        if sym.name in refs or (
            sym.kind == "local" and _countish(sym.name, values.get(sym.name, ""))
        ):
            if sym.kind == "variable" and not _default_changed(ctx, sides, sym.name):
                continue
            yield Signal(
                kind=ENVIRONMENT_DEFINITION,
                code="tf.count_input",
                detail=f"changes `{sym.name}`, which decides how many instances of a resource exist",
                line=sym.line,
                side="old" if sym.change == "deleted" else "new",
                symbol=sym.name,
                # as consequential as editing the count itself: fewer instances are destroyed
                severity="high",
            )


def _default_changed(ctx: FileContext, sides: dict[Side, Reading], name: str) -> bool:
    for side in ("old", "new"):
        changed = ctx.changed(side)
        for seg, _sc, a in sides[side].attrs:
            if (
                a.key == "default"
                and a.path == ()
                and a.top is not None
                and a.top.type == "variable"
                and "var." + ".".join(a.top.labels) == name
                and seg.line_of(a.row) in changed
            ):
                return True
    return False


#: a variable's default, in the new text of a module (`variable "x" { ... default = true ... }`)
_VARIABLE_DEFAULT = lazy(
    r'variable\s+"([\w-]+)"\s*\{(?:[^{}]|\{[^{}]*\})*?\bdefault\s*=\s*(true|false)\b', re.S
)
_GATE_TERM = lazy(r"^(!?)var\.([\w-]+)$")
_GATE_IN_DETAIL = lazy(r"adds the condition `([^`]+)`")


def open_gates(files: tuple[FileScope, ...], diffs: tuple[FileDiff, ...]) -> tuple[FileScope, ...]:
    """A condition added to a `count` that holds by default (`var.create_sg` whose new variable
    defaults to `true`, in any file of the module the change shows) destroys nothing unless a
    caller turns it off: noted (info), not a destruction."""
    if not any(s.code == "tf.count_condition" for fs in files for s in fs.signals):
        return files
    defaults: dict[tuple[str, str], bool] = {}  # (module dir, variable) -> default
    for fd in diffs:
        if not fd.path.endswith(".tf"):
            continue
        text = "\n".join(ln[1:] for h in fd.hunks for ln in h.lines if ln[:1] in "+ ")
        for m in _VARIABLE_DEFAULT.finditer(text):
            defaults[(posixpath.dirname(fd.path), m.group(1))] = m.group(2) == "true"
    out: list[FileScope] = []
    for fs in files:
        module = posixpath.dirname(fs.path)
        signals = tuple(_opened(s, module, defaults) for s in fs.signals)
        out.append(fs if signals == fs.signals else replace(fs, signals=signals))
    return tuple(out)


def gate_condition(sig: Signal) -> str | None:
    """The condition a `tf.count_condition` signal says was added (`var.a && !var.b`)."""
    m = _GATE_IN_DETAIL.search(sig.detail) if sig.code == "tf.count_condition" else None
    return m.group(1) if m is not None else None


def _opened(sig: Signal, module: str, defaults: dict[tuple[str, str], bool]) -> Signal:
    gate = gate_condition(sig)
    if gate is None:
        return sig
    terms = [t.strip() for t in gate.split("&&")]
    for term in terms:
        t = _GATE_TERM.match(term)
        if t is None or defaults.get((module, t.group(2))) is not (t.group(1) == ""):
            return sig
    return replace(
        sig,
        severity="info",
        detail=f"{sig.detail}; it holds by default (its variables' defaults), so no instance goes "
        "unless a caller turns it off",
    )
