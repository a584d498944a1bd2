"""Helm charts: templates (Kubernetes objects read through ``{{ }}``), default values, Chart.yaml."""

from __future__ import annotations

import re

from ..models import (
    DEPENDENCY,
    GLOBAL_CONFIG,
    PROTECTION_TOGGLE,
    RESOURCE_DELETION,
    Severity,
    Signal,
    Symbol,
)
from ..rx import lazy
from ..terms import subwords
from . import kubernetes
from .engine import FileContext, Partial
from .yaml_view import Change, SideView, analyze_keys, changes, dedupe, fresh


def analyze_views(ctx: FileContext, old: SideView, new: SideView, family: str) -> Partial:
    if family == "helm-template":
        return _template(ctx, old, new)
    part = analyze_keys(ctx, old, new, language="helm")
    if family == "helm-values":
        part.signals.extend(_values_signals(ctx, old, new, part))
    else:
        part.signals.extend(_chart_signals(ctx, old, new))
    part.signals = dedupe(part.signals)
    return part


def _template(ctx: FileContext, old: SideView, new: SideView) -> Partial:
    part = kubernetes.analyze_views(ctx, old, new, template=True)
    if ctx.status == "deleted":
        objs = [s.name for s in part.symbols if s.kind == "object"]
        what = f" (renders {', '.join(f'`{o}`' for o in objs[:5])})" if objs else ""
        part.signals.insert(
            0,
            Signal(
                kind=RESOURCE_DELETION,
                code="helm.template_deleted",
                detail=f"deletes Helm template `{ctx.path}`{what}",
                side="old",
                severity="high",
            ),
        )
    else:
        for sym in part.symbols:
            if sym.kind == "object" and sym.change == "deleted":
                part.signals.append(
                    Signal(
                        kind=RESOURCE_DELETION,
                        code="helm.object_deleted",
                        detail=f"removes `{sym.name}` from a Helm template",
                        line=sym.line,
                        side="old",
                        symbol=sym.name,
                        severity="high",
                    )
                )
    return part


_EMPTY_VALUES = frozenset({"{}", "{ }", "[]", "[ ]", '""', "''", "null", "~"})


def _values_signals(ctx: FileContext, old: SideView, new: SideView, part: Partial) -> list[Signal]:
    """Every install takes its defaults from values.yaml: a changed key changes them all."""
    out: list[Signal] = []
    # a new chart's values are new; a removed chart's go with it (its removal is the change)
    if ctx.status in ("added", "deleted") or part.cosmetic is not None:
        return out
    added, removed = changes(ctx, new), changes(ctx, old)
    moved = _moved_keys(removed, added)
    tops: dict[str, list[Symbol]] = {}
    for sym in part.symbols:
        if sym.kind == "key" and sym.name not in moved:
            tops.setdefault(sym.name.split(".", 1)[0], []).append(sym)
    verb = "changes"
    # a key added with an empty value (`{}`, `""`, `[]`, `null`) renders nothing a template did
    # not render before: templates test it and find it unset
    empty = {
        ".".join(ch.node.fullpath)
        for ch in added
        if ch.node is not None and not ch.is_text and ch.node.value.strip() in _EMPTY_VALUES
    }
    # the lines say enough where the keys cannot be placed (a hunk that does not show their
    # parents): nothing but keys with empty values is added, nothing is taken away
    bare = _empty_keys_added(ctx)
    for top, keys in list(tops.items())[:20]:
        names = sorted({k.name for k in keys})
        # the one key that changed names the change better than its top-level section
        symbol = names[0] if len(names) == 1 else top
        added_only = all(k.change == "added" for k in keys)
        shown = ", ".join(f"`{n}`" for n in names[:3])
        severity: Severity
        if bare:
            shown = ", ".join(f"`{n}`" for n in bare[:3])
        if bare or (added_only and all(k.name in empty for k in keys)):
            detail = f"adds empty Helm values under `{top}` ({shown}): templates render as before"
            severity = "info"
        elif added_only:
            detail = (
                f"adds Helm values under `{top}` ({shown}): "
                "installs that do not set them get the new defaults"
            )
            severity = "low"
        else:
            detail = f"{verb} Helm default values under `{top}`" + (
                f" (`{names[0]}`)" if len(names) == 1 and names[0] != top else ""
            )
            severity = "medium"
        out.append(
            Signal(
                kind=GLOBAL_CONFIG,
                code="helm.values",
                detail=detail,
                line=keys[0].line,
                side="new",
                symbol=symbol,
                severity=severity,
            )
        )
    keyed = any(sym.kind == "key" for sym in part.symbols)
    if not keyed and (ctx.added or ctx.removed):
        out.append(
            Signal(
                kind=GLOBAL_CONFIG,
                code="helm.values",
                detail=f"{verb} Helm default values",
                side="old" if ctx.status == "deleted" else "new",
                severity="medium",
            )
        )
    out.extend(kubernetes.widening_signals(fresh(added, removed), None))
    out.extend(kubernetes.hardening_signals(removed, added, None))
    out.extend(protections_off(removed, added))
    return out


#: what a chart's switch protects when on: network isolation, disruption budgets, pod security,
#: TLS and authentication (`networkPolicy.create`, `podDisruptionBudget.enabled`, `enablePDB`)
_PROTECTION = lazy(
    r"network_?polic|pod_?disruption_?budget|(?:^|_)pdb(?:_|$)|pod_?security|(?:^|_)m?tls(?:_|$)"
    r"|authentication|(?:^|_)auth(?:_|$)|encryption",
    re.I,
)
_SWITCH_KEY = lazy(r"^(?:enabled?|create|enabled?_?\w+)$", re.I)
#: what a chart's switch destroys when on: `cleanUpCRDs` (and every custom resource with them),
#: `purgeOnDelete`, `forceDelete`, `deleteVolumes`
_DESTRUCTION = lazy(
    r"(?:^|_)(?:clean_?up|purge|wipe|prune|force_?delete|delete|remove)(?:_|$)", re.I
)


def protections_off(removed: list[Change], added: list[Change]) -> list[Signal]:
    """A chart default that turns a protection off (`networkPolicy.create: true` -> `false`: every
    install that does not set it loses its network isolation) or a destruction on
    (`cleanUpCRDs: false` -> `true`: uninstalling deletes every custom resource)."""

    def switches(chs: list[Change]) -> dict[tuple[str, ...], tuple[str, Change, str]]:
        """path -> (value, line, "protect" or "destroy") for each switch that guards or destroys."""
        out: dict[tuple[str, ...], tuple[str, Change, str]] = {}
        for ch in chs:
            if ch.node is None or ch.is_text or not ch.node.exact:
                continue
            leaf = "_".join(subwords(ch.node.key))
            words = "_".join(subwords(".".join(ch.node.fullpath)))
            value = ch.value.strip("\"'").lower()
            if _DESTRUCTION.search(leaf) or (
                _SWITCH_KEY.match(leaf) and _DESTRUCTION.search(words)
            ):
                out[ch.node.fullpath] = (value, ch, "destroy")
            elif _SWITCH_KEY.match(leaf) and _PROTECTION.search(words):
                out[ch.node.fullpath] = (value, ch, "protect")
        return out

    before, after = switches(removed), switches(added)
    out: list[Signal] = []
    for path, (value, ch, role) in after.items():
        was = before.get(path)
        unsafe, safe = ("false", "true") if role == "protect" else ("true", "false")
        if was is None or was[0] != safe or value != unsafe:
            continue
        name = ".".join(path)
        what = (
            "loses that protection"
            if role == "protect"
            else "deletes what it names (and the data in it) when the switch acts"
        )
        out.append(
            Signal(
                kind=PROTECTION_TOGGLE,
                code="helm.protection_off",
                detail=f"sets `{name}` to `{unsafe}` in the chart's defaults: every install that "
                f"does not set it {what}",
                line=ch.line,
                side="new",
                symbol=name,
                severity="high",
            )
        )
    return out


_KEY_LINE = lazy(r"^\s*([\w.-]+):\s*(.*?)\s*(?:#.*)?$")


def _empty_keys_added(ctx: FileContext) -> list[str]:
    """The keys, when all the change does is add keys with empty values; else nothing."""
    if ctx.removed:
        return []
    names = []
    for text in ctx.added.values():
        if not text.strip() or text.strip().startswith("#"):
            continue
        m = _KEY_LINE.match(text)
        if m is None or m.group(2) not in _EMPTY_VALUES:
            return []
        names.append(m.group(1))
    return names


def _leaf_value(text: str) -> str:
    """`  additionalLabels: { }  # note` -> `{}`: a key's value as YAML reads it, spacing aside."""
    value = text.split(":", 1)[1] if ":" in text else ""
    value = _COMMENT_RE.sub("", value).strip()
    if value[:1] in "{[":
        value = "".join(value.split())
    return value.strip("\"'") if value[:1] in "\"'" and value[-1:] == value[:1] else value


def _moved_keys(removed: list[Change], added: list[Change]) -> set[str]:
    """Keys that leave one place and come back in another with the same value: a reordering
    changes no default."""

    def leaves(chs: list[Change]) -> dict[str, str]:
        return {
            ".".join(ch.path): _leaf_value(ch.text)
            for ch in chs
            if ch.node is not None and not ch.is_text and ch.node.key
        }

    old, new = leaves(removed), leaves(added)
    return {k for k, v in old.items() if k in new and new[k] == v}


_COMMENT_RE = lazy(r"\s+#.*$")


def _chart_signals(ctx: FileContext, old: SideView, new: SideView) -> list[Signal]:
    if ctx.status == "deleted":
        return [
            Signal(
                kind=RESOURCE_DELETION,
                code="helm.chart_deleted",
                detail=f"deletes Helm chart `{ctx.path}`",
                side="old",
                severity="high",
            )
        ]
    out: list[Signal] = []
    for ch in (*changes(ctx, old), *changes(ctx, new)):
        if ctx.status != "added" and ch.node is not None and ch.path[:1] == ("dependencies",):
            out.append(
                Signal(
                    kind=DEPENDENCY,
                    code="helm.dependencies",
                    detail="changes the chart's dependencies",
                    line=ch.line,
                    side=ch.side,
                    symbol="dependencies",
                    severity="medium",
                )
            )
            break
    return out
