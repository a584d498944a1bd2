"""Kubernetes manifests: objects (``Kind/name``), their removal and replacement, widened pod security and RBAC."""

from __future__ import annotations

import bisect
from collections.abc import Iterable

from ..models import (
    PERMISSION_WIDENING,
    PROTECTION_TOGGLE,
    REPLACEMENT,
    RESOURCE_DELETION,
    Severity,
    Signal,
    Symbol,
)
from ..record import record
from ..rx import lazy
from .engine import Definition, FileContext, Partial, squash
from .forcing import KUBERNETES
from .lex.yaml_outline import GAP, Node, flow_items, unquote
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

#: deleting these loses configuration, not running workloads or endpoints
_SOFT_KINDS = frozenset({"ConfigMap", "Secret"})
#: API groups of documents that configure tools rather than describe cluster objects
_TOOL_APIS = ("kustomize.config.k8s.io", "skaffold/", "kind.x-k8s.io", "kubeadm.k8s.io")
_INGRESS_KINDS = frozenset({"Ingress", "Gateway", "HTTPRoute", "GRPCRoute", "TCPRoute", "TLSRoute"})
_TRUE = frozenset({"true", "yes", "on"})
_PROD_RE = lazy(r"(^|[^a-z0-9])(prod|production|prd)([^a-z0-9]|$)")

#: key -> (value that widens, code, what it does)
_WIDENING: dict[str, tuple[frozenset[str], str, str]] = {
    "privileged": (_TRUE, "k8s.privileged", "runs a container privileged"),
    "hostNetwork": (_TRUE, "k8s.host_namespace", "puts pods on the host network"),
    "hostPID": (_TRUE, "k8s.host_namespace", "shares the host PID namespace"),
    "hostIPC": (_TRUE, "k8s.host_namespace", "shares the host IPC namespace"),
    "allowPrivilegeEscalation": (_TRUE, "k8s.privilege_escalation", "allows privilege escalation"),
    "runAsUser": (frozenset({"0"}), "k8s.run_as_root", "runs as root (`runAsUser: 0`)"),
    "runAsGroup": (
        frozenset({"0"}),
        "k8s.run_as_root",
        "runs with the root group (`runAsGroup: 0`)",
    ),
    "runAsNonRoot": (
        frozenset({"false", "no", "off"}),
        "k8s.run_as_root",
        "allows running as root",
    ),
}
#: (key, value) of securityContext hardening whose removal weakens a pod
_HARDENING = frozenset(
    {
        ("runAsNonRoot", "true"),
        ("readOnlyRootFilesystem", "true"),
        ("allowPrivilegeEscalation", "false"),
        ("privileged", "false"),
        ("automountServiceAccountToken", "false"),
        ("drop", "all"),
        ("type", "runtimedefault"),
    }
)
_RBAC_LISTS = frozenset({"verbs", "resources", "apiGroups", "nonResourceURLs"})
#: fields of workloads that cannot be changed in place, as paths: the object must be deleted and
#: recreated (the table holds them for any kind; the paths do not overlap, so order does not matter)
_IMMUTABLE_PREFIXES = tuple(tuple(p.split(".")) for p in sorted(KUBERNETES.unlisted))


@record(frozen=False)
class K8sObject:
    kind: str
    name: str
    namespace: str
    start: int
    end: int
    head: int  # the name line, or the identity line that changed

    @property
    def key(self) -> str:
        base = f"{self.kind}/{self.name}"
        return f"{self.namespace}/{base}" if self.namespace else base


def objects(view: SideView, changed: dict[int, str] | None = None) -> list[K8sObject]:
    """Objects whose ``kind`` and ``metadata.name`` the view shows, one per document."""
    out: list[K8sObject] = []
    for ol in view.outlines:
        fields: dict[int, dict[str, Node]] = {}
        for n in ol.nodes:
            if (n.path == () and n.key in ("kind", "apiVersion")) or (
                n.path == ("metadata",) and n.key in ("name", "namespace", "generateName")
            ):
                slot = fields.setdefault(n.doc, {})
                seen = slot.get(n.key)
                if seen is None or (seen.virtual and not n.virtual):
                    slot[n.key] = n
        for doc, f in fields.items():
            kind_node, name_node = f.get("kind"), f.get("name") or f.get("generateName")
            if kind_node is None or name_node is None or doc >= len(ol.docs):
                continue
            kind = squash(unquote(kind_node.value))
            name = squash(unquote(name_node.value))
            api = f.get("apiVersion")
            if not kind or not name or (api is not None and api.scalar.startswith(_TOOL_APIS)):
                continue
            ns_node = f.get("namespace")
            ns = squash(unquote(ns_node.value)) if ns_node is not None else ""
            if "{{" in ns:
                # a templated namespace (``{{ .Release.Namespace }}``) names no particular one
                ns = ""
            head = name_node.line
            if changed is not None:
                for ident in (kind_node, ns_node):
                    if ident is not None and not ident.virtual and ident.line in changed:
                        head = ident.line
                if name_node.line in changed:
                    head = name_node.line
            start, end = ol.docs[doc]
            out.append(K8sObject(kind, name, ns, start, end, head))
    return out


def definitions(objs: Iterable[K8sObject]) -> list[Definition]:
    return [Definition("object", o.key, o.start, o.end, o.head) for o in objs]


def _hunk_index(ctx: FileContext, side: str) -> tuple[list[int], list[int]]:
    starts: list[int] = []
    ends: list[int] = []
    for h in ctx.fd.hunks:
        s, c = (h.old_start, h.old_count) if side == "old" else (h.new_start, h.new_count)
        starts.append(s)
        ends.append(s + max(c, 1) - 1)
    return starts, ends


def _hunk_of(index: tuple[list[int], list[int]], line: int | None) -> int:
    if line is None:
        return -1
    i = bisect.bisect_right(index[0], line) - 1
    return i if i >= 0 and line <= index[1][i] else -1


def pair_renames(ctx: FileContext, symbols: list[Symbol]) -> list[Symbol]:
    """An object deleted and another added by the same hunk is one object renamed (re-created)."""
    deleted = [s for s in symbols if s.change == "deleted"]
    added = [s for s in symbols if s.change == "added"]
    if not deleted or not added:
        return symbols
    old_idx, new_idx = _hunk_index(ctx, "old"), _hunk_index(ctx, "new")
    replaced: dict[Symbol, Symbol] = {}
    used: set[Symbol] = set()
    for a in added:
        h = _hunk_of(new_idx, a.line)
        for d in deleted:
            if d in used or h < 0 or _hunk_of(old_idx, d.line) != h:
                continue
            used.add(d)
            replaced[a] = Symbol(a.kind, a.name, "renamed", a.line, d.name, a.public)
            break
    return [replaced.get(s, s) for s in symbols if s not in used]


class _Locator:
    """The object a line belongs to."""

    def __init__(self, objs: list[K8sObject]) -> None:
        self.objs = sorted(objs, key=lambda o: o.start)
        self.starts = [o.start for o in self.objs]

    def at(self, line: int) -> K8sObject | None:
        i = bisect.bisect_right(self.starts, line) - 1
        if i >= 0 and self.objs[i].start <= line <= self.objs[i].end:
            return self.objs[i]
        return None


def _sig(
    kind: str, code: str, detail: str, ch: Change, obj: K8sObject | None, sev: Severity
) -> Signal:
    return Signal(
        kind=kind,
        code=code,
        detail=detail,
        line=ch.line,
        side=ch.side,
        symbol=obj.key if obj else None,
        severity=sev,
    )


Finding = tuple[str, str, str, Severity]  # (change kind, code, detail, severity)


def _widening(node: Node) -> Finding | None:
    """What an added key line widens, if anything."""
    key, value = node.key, node.scalar.lower()
    rule = _WIDENING.get(key)
    if rule is not None and value in rule[0]:
        return PERMISSION_WIDENING, rule[1], rule[2], "high"
    caps = _capabilities(node)
    if caps:
        bind_only = all(c.upper() == "NET_BIND_SERVICE" for c in caps)
        names = ", ".join(f"`{c}`" for c in caps)
        sev: Severity = "medium" if bind_only else "high"
        return (
            PERMISSION_WIDENING,
            "k8s.capabilities_added",
            f"adds Linux capabilities {names}",
            sev,
        )
    if key == "hostPath":
        return PERMISSION_WIDENING, "k8s.host_path", "mounts a host path", "medium"
    if (
        key == "type"
        and value in ("loadbalancer", "nodeport")
        and node.path[-1:] in (("spec",), (GAP,))
    ):
        detail = f"exposes a Service outside the cluster (`type: {node.scalar}`)"
        return PERMISSION_WIDENING, "k8s.service_exposed", detail, "medium"
    if key == "externalIPs":
        return (
            PERMISSION_WIDENING,
            "k8s.service_exposed",
            "adds external IPs to a Service",
            "medium",
        )
    if key == "name" and value == "cluster-admin":
        return PERMISSION_WIDENING, "k8s.cluster_admin", "grants `cluster-admin`", "high"
    if _rbac_wildcard(node):
        return PERMISSION_WIDENING, "k8s.rbac_wildcard", "grants `*` in RBAC rules", "high"
    if key in ("replicas", "replicaCount") and value == "0":
        return RESOURCE_DELETION, "k8s.scaled_to_zero", "scales to zero replicas", "medium"
    return None


def widening_signals(
    added: Iterable[Change], locate: _Locator | None = None, *, prod: bool = False
) -> list[Signal]:
    """Pod security and RBAC widened, services exposed, workloads scaled to zero, by added lines."""
    out: list[Signal] = []
    for ch in added:
        if ch.is_text or ch.node is None:
            continue
        found = _widening(ch.node)
        if found is None:
            continue
        kind, code, detail, sev = found
        obj = locate.at(ch.line) if locate else None
        if code == "k8s.scaled_to_zero" and (
            prod or (obj is not None and _PROD_RE.search(f"{obj.namespace} {obj.name}".lower()))
        ):
            sev = "high"
        where = f" in `{obj.key}`" if obj else ""
        out.append(_sig(kind, code, detail + where, ch, obj, sev))
    return out


def _capabilities(node: Node) -> list[str]:
    if node.key == "add" and node.path[-1:] == ("capabilities",):
        return flow_items(node.value)
    if node.key == "-" and node.path[-2:] == ("capabilities", "add") and node.value:
        return [node.scalar]
    return []


def _rbac_wildcard(node: Node) -> bool:
    in_rules = "rules" in node.path or GAP in node.path
    if not in_rules:
        return False
    if node.key in _RBAC_LISTS:
        return "*" in flow_items(node.value)
    return (
        node.key == "-" and bool(node.path) and node.path[-1] in _RBAC_LISTS and node.scalar == "*"
    )


def _hardening(ch: Change) -> tuple[str, str] | None:
    if ch.is_text or ch.node is None:
        return None
    node = ch.node
    if node.key == "-" and node.path[-1:] == ("drop",):
        pair = ("drop", node.scalar.lower())
    elif node.key == "drop":
        items = [i.lower() for i in flow_items(node.value)]
        pair = ("drop", "all") if "all" in items else ("drop", "")
    else:
        pair = (node.key, node.scalar.lower())
    return pair if pair in _HARDENING else None


_KEEP_POLICY = lazy(r"""^\s*["']?helm\.sh/resource-policy["']?\s*:\s*["']?keep["']?\s*$""")


def keep_policy_removed(
    removed: list[Change], added: list[Change], locate: _Locator | None = None
) -> list[Signal]:
    """`helm.sh/resource-policy: keep` taken off an object (and not put back): uninstalling the
    release, or a template that stops rendering it, now deletes it (a volume, and its data)."""
    kept = sum(1 for ch in added if _KEEP_POLICY.match(ch.text))
    gone = [ch for ch in removed if _KEEP_POLICY.match(ch.text)]
    out: list[Signal] = []
    for ch in gone[kept:]:
        obj = locate.at(ch.line) if locate else None
        out.append(
            _sig(
                PROTECTION_TOGGLE,
                "k8s.keep_policy_removed",
                "removes `helm.sh/resource-policy: keep`"
                + (f" from `{obj.key}`" if obj else "")
                + ": uninstalling the release now deletes it",
                ch,
                obj,
                "high",
            )
        )
    return out


def hardening_signals(
    removed: list[Change], added: list[Change], locate: _Locator | None = None
) -> list[Signal]:
    """securityContext hardening removed (and not put back elsewhere in the file): medium."""
    gone = count_by(f"{p[0]}={p[1]}" for p in map(_hardening, removed) if p)
    back = count_by(f"{p[0]}={p[1]}" for p in map(_hardening, added) if p)
    out: list[Signal] = []
    for ch in removed:
        pair = _hardening(ch)
        if pair is None:
            continue
        tag = f"{pair[0]}={pair[1]}"
        if gone.get(tag, 0) <= back.get(tag, 0):
            continue
        obj = locate.at(ch.line) if locate else None
        shown = ch.text.strip()
        out.append(
            _sig(
                PERMISSION_WIDENING,
                "k8s.hardening_removed",
                f"removes securityContext hardening `{shown}`"
                + (f" from `{obj.key}`" if obj else ""),
                ch,
                obj,
                "medium",
            )
        )
    return out


def _immutable_signals(chs: Iterable[Change], locate: _Locator, skip: set[str]) -> list[Signal]:
    out: list[Signal] = []
    for ch in chs:
        if ch.node is None or not ch.node.exact:
            continue
        full = ch.node.fullpath
        for prefix in _IMMUTABLE_PREFIXES:
            if full[: len(prefix)] == prefix:
                obj = locate.at(ch.line)
                if obj is not None and obj.key in skip:
                    break
                field = ".".join(prefix[:2])
                code = "k8s.selector_changed" if prefix[1] == "selector" else "k8s.immutable_field"
                out.append(
                    _sig(
                        REPLACEMENT,
                        code,
                        f"changes immutable `{field}`"
                        + (f" of `{obj.key}`" if obj else "")
                        + ": the object must be deleted and re-created",
                        ch,
                        obj,
                        "high",
                    )
                )
                break
    return out


def _patch_delete(added: Iterable[Change], locate: _Locator) -> list[Signal]:
    out: list[Signal] = []
    for ch in added:
        if ch.key == "$patch" and ch.value.lower() == "delete":
            obj = locate.at(ch.line)
            out.append(
                _sig(
                    RESOURCE_DELETION,
                    "k8s.patch_delete",
                    "adds a `$patch: delete` patch" + (f" removing `{obj.key}`" if obj else ""),
                    ch,
                    obj,
                    "high",
                )
            )
    return out


def _symbol_signals(symbols: list[Symbol], kinds: dict[str, str], template: bool) -> list[Signal]:
    """Objects deleted, re-created under a new name, or exposing services by being added."""
    out: list[Signal] = []
    for sym in symbols:
        if sym.change == "deleted" and not template:
            sev: Severity = "medium" if kinds.get(sym.name, "") in _SOFT_KINDS else "high"
            detail = f"deletes Kubernetes object `{sym.name}`"
            out.append(
                Signal(
                    kind=RESOURCE_DELETION,
                    code="k8s.object_deleted",
                    detail=detail,
                    line=sym.line,
                    side="old",
                    symbol=sym.name,
                    severity=sev,
                )
            )
        elif sym.change == "renamed":
            detail = f"renames `{sym.old_name}` to `{sym.name}`: the old object is deleted and a new one created"
            out.append(
                Signal(
                    kind=REPLACEMENT,
                    code="k8s.object_replaced",
                    detail=detail,
                    line=sym.line,
                    side="new",
                    symbol=sym.name,
                    severity="high",
                )
            )
        elif sym.change == "added" and kinds.get(sym.name) in _INGRESS_KINDS:
            detail = f"adds `{sym.name}`, exposing services outside the cluster"
            out.append(
                Signal(
                    kind=PERMISSION_WIDENING,
                    code="k8s.ingress_added",
                    detail=detail,
                    line=sym.line,
                    side="new",
                    symbol=sym.name,
                    severity="medium",
                )
            )
    return out


def analyze_views(
    ctx: FileContext, old: SideView, new: SideView, *, template: bool = False
) -> Partial:
    part = Partial(language="helm" if template else "kubernetes")
    old_objs = objects(old, ctx.removed)
    new_objs = objects(new, ctx.added)
    results, old_out, new_out = symbol_changes(ctx, definitions(old_objs), definitions(new_objs))
    symbols = pair_renames(ctx, [sym for sym, _o, _n in results])
    part.symbols.extend(symbols)
    stray = file_symbol(ctx, new_out or old_out)
    if stray is not None:
        part.symbols.append(stray)

    kinds = {o.key: o.kind for o in (*old_objs, *new_objs)}
    # objects added, deleted or re-created whole: their lines are not edits of a live object
    whole = {s.name for s in symbols if s.change in ("added", "deleted", "renamed")}
    whole.update(s.old_name for s in symbols if s.old_name)
    part.signals.extend(_symbol_signals(symbols, kinds, template))

    added = changes(ctx, new)
    removed = changes(ctx, old)
    new_loc, old_loc = _Locator(new_objs), _Locator(old_objs)
    prod = bool(_PROD_RE.search(ctx.path.lower()))
    part.signals.extend(widening_signals(fresh(added, removed), new_loc, prod=prod))
    part.signals.extend(_patch_delete(fresh(added, removed), new_loc))
    if ctx.status not in ("added", "deleted"):
        live_removed = [
            c for c in removed if (o := old_loc.at(c.line)) is None or o.key not in whole
        ]
        part.signals.extend(hardening_signals(live_removed, added, old_loc))
        part.signals.extend(keep_policy_removed(live_removed, added, old_loc))
        part.signals.extend(_immutable_signals(added, new_loc, whole))
        part.signals.extend(_immutable_signals(removed, old_loc, whole))
    part.signals = dedupe(part.signals)
    part.cosmetic = cosmetic(ctx)
    return part
