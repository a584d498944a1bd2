"""Kustomize: the resources a kustomization renders, its renames (namespace, prefixes), its patches."""

from __future__ import annotations

from ..models import DEPENDENCY, REPLACEMENT, RESOURCE_DELETION, Severity, Signal
from ..rx import lazy
from . import kubernetes
from .engine import Definition, FileContext, Partial
from .lex.yaml_outline import flow_items
from .yaml_view import (
    Change,
    SideView,
    changes,
    cosmetic,
    count_by,
    dedupe,
    file_symbol,
    fresh,
    symbol_changes,
)

#: list key -> (symbol kind, severity of removing an entry)
_LISTS: dict[str, tuple[str, Severity]] = {
    "resources": ("resource", "high"),
    "bases": ("resource", "high"),
    "crds": ("resource", "high"),
    "components": ("component", "medium"),
}
#: keys that rename or relabel every object the kustomization renders
_RENAMING = ("namespace", "namePrefix", "nameSuffix", "commonLabels")


def _definitions(view: SideView) -> list[Definition]:
    out: list[Definition] = []
    for ol, i, n in view.nodes():
        if not n.exact:
            continue
        if n.path == () and n.key != "-":
            out.append(
                Definition("key", n.key, n.start, max(n.end, n.line), n.line, virtual=n.virtual)
            )
        elif len(n.path) == 1 and n.key == "-":
            top = n.path[0]
            if top in _LISTS and n.value:
                out.append(Definition(_LISTS[top][0], n.scalar, n.line, n.end, n.line))
            elif top == "images":
                name = ol.child(i, "name")
                if name is not None:
                    out.append(Definition("image", name.scalar, n.line, n.end, name.line))
    return out


def _entries(chs: list[Change]) -> list[tuple[str, Change]]:
    """(list key, entry) of changed entries of resources/bases/components."""
    out: list[tuple[str, Change]] = []
    for ch in chs:
        node = ch.node
        if ch.is_text or node is None or not node.exact:
            continue
        if node.key == "-" and len(node.path) == 1 and node.path[0] in _LISTS and node.value:
            out.append((node.path[0], ch))
        elif node.path == () and node.key in _LISTS and node.value.startswith("["):
            out.extend((node.key, ch) for _ in flow_items(node.value))
    return out


def _entry_text(ch: Change) -> list[str]:
    node = ch.node
    assert node is not None
    return flow_items(node.value) if node.value.startswith("[") else [node.scalar]


def analyze_views(ctx: FileContext, old: SideView, new: SideView) -> Partial:
    part = Partial(language="kustomize")
    results, old_out, new_out = symbol_changes(ctx, _definitions(old), _definitions(new))
    part.symbols.extend(sym for sym, _o, _n in results)
    stray = file_symbol(ctx, new_out or old_out)
    if stray is not None:
        part.symbols.append(stray)

    removed, added = changes(ctx, old), changes(ctx, new)
    if ctx.status == "deleted":
        part.signals.append(
            Signal(
                kind=RESOURCE_DELETION,
                code="kustomize.deleted",
                detail=f"deletes kustomization `{ctx.path}`: nothing it renders is deployed from "
                "it any more",
                side="old",
                severity="high",
            )
        )
    else:
        part.signals.extend(_removed_entries(removed, added))
        if ctx.status != "added":
            part.signals.extend(_renames(removed, added))
    part.signals.extend(kubernetes.widening_signals(fresh(added, removed)))
    part.signals = dedupe(part.signals)
    part.cosmetic = cosmetic(ctx)
    return part


#: a version in a remote resource's address: `.../releases/download/v1.2.3/x.yaml`, `?ref=v1.2.3`
_VERSION_IN_URL = lazy(r"(?<=[/=@])v?\d+(?:\.\d+)+(?:[-+][\w.]+)?(?=[/&?]|$)")


def _unversioned(text: str) -> str:
    return _VERSION_IN_URL.sub("#", text)


def _removed_entries(removed: list[Change], added: list[Change]) -> list[Signal]:
    back = count_by(f"{k}:{t}" for k, ch in _entries(added) for t in _entry_text(ch))
    # the same remote resource at another release: `.../download/v1.2.2/x.yaml` -> `v1.2.3`
    moved = count_by(
        f"{k}:{_unversioned(t)}"
        for k, ch in _entries(added)
        for t in _entry_text(ch)
        if "://" in t or "?ref=" in t
    )
    out: list[Signal] = []
    for key, ch in _entries(removed):
        for text in _entry_text(ch):
            tag = f"{key}:{text}"
            if back.get(tag, 0) > 0:
                back[tag] -= 1
                continue
            shape = f"{key}:{_unversioned(text)}"
            if shape != tag and moved.get(shape, 0) > 0:
                moved[shape] -= 1
                out.append(
                    Signal(
                        kind=DEPENDENCY,
                        code="kustomize.remote_version",
                        detail=f"moves `{text}` in `{key}` to another release",
                        line=ch.line,
                        side="old",
                        symbol=text,
                        severity="low",
                    )
                )
                continue
            sev = _LISTS[key][1]
            out.append(
                Signal(
                    kind=RESOURCE_DELETION,
                    code=f"kustomize.{_LISTS[key][0]}_removed",
                    detail=f"removes `{text}` from `{key}`: the objects it renders are no longer deployed",
                    line=ch.line,
                    side="old",
                    symbol=text,
                    severity=sev,
                )
            )
    return out


def _renames(removed: list[Change], added: list[Change]) -> list[Signal]:
    out: list[Signal] = []
    for ch in (*removed, *added):
        node = ch.node
        if node is None or not node.exact:
            continue
        top = node.fullpath[0] if node.fullpath else ""
        if top in _RENAMING and (node.path == () or top == "commonLabels"):
            what = "relabels (selectors included)" if top == "commonLabels" else "renames"
            out.append(
                Signal(
                    kind=REPLACEMENT,
                    code="kustomize.rename",
                    detail=f"changes `{top}`: {what} every object the kustomization renders, so they "
                    "are re-created",
                    line=ch.line,
                    side=ch.side,
                    symbol=top,
                    severity="high",
                )
            )
    return out
