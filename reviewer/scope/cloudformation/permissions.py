"""Access a change widens: IAM wildcards, admin policies, open ingress, public buckets, Denies."""

from __future__ import annotations

from ...models import PERMISSION_WIDENING, Signal
from ...rx import lazy
from ..lex.yaml_outline import Node, flow_items
from ..principals import PRINCIPAL_PINS, pinned_detail
from ..yaml_view import Change
from .template import owner_of, signal_at

_ADMIN_POLICY_RE = lazy(r":policy/(AdministratorAccess|PowerUserAccess|IAMFullAccess)\b")
_OPEN_CIDRS = frozenset({"0.0.0.0/0", "::/0"})
_PUBLIC_BLOCK_KEYS = frozenset(
    {"BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"}
)


def _pinned_by(ch: Change) -> str | None:
    """The condition key that pins the wildcard principal on ``ch`` to known callers, if its
    statement has one (``Condition: {StringEquals: {aws:PrincipalOrgID: ...}}``)."""
    ol, idx = ch.outline, ch.index
    if ol is None or idx < 0:
        return None
    chain = [idx]
    while ol.nodes[chain[-1]].parent >= 0:
        chain.append(ol.nodes[chain[-1]].parent)
    # the statement holds `Principal`: one level up from `Principal: "*"`, two from `AWS: "*"`
    keys = [ol.nodes[i].key for i in chain]
    if "Principal" not in keys[:-1]:
        return None
    statement = chain[keys.index("Principal") + 1]
    for cond in ol.children(statement):
        if ol.nodes[cond].key != "Condition":
            continue
        for op in ol.children(cond):
            for k in ol.children(op):
                if ol.nodes[k].key.lower() in PRINCIPAL_PINS:
                    return ol.nodes[k].key
    return None


def _values(node: Node) -> list[str]:
    return flow_items(node.value) if node.value.startswith("[") else [node.scalar]


def widening(
    removed: list[Change], added: list[Change], types: dict[str, str], json: bool
) -> list[Signal]:
    """Access the added lines grant; Denies and public access blocks the change removes."""
    out: list[Signal] = []
    for ch in added:
        node = ch.node
        if ch.is_text or node is None:
            continue
        res = owner_of(ch)
        key = node.key
        parent = node.path[-1] if node.path else ""
        # list items carry the values of the key above them
        if key == "-":
            key, parent = parent, node.path[-2] if len(node.path) > 1 else ""
        vals = _values(node)
        if key in ("Action", "NotAction") and any(v == "*" or v.endswith(":*") for v in vals):
            wild = next(v for v in vals if v == "*" or v.endswith(":*"))
            out.append(
                signal_at(
                    PERMISSION_WIDENING,
                    "cfn.iam_wildcard",
                    f"allows IAM action `{wild}`",
                    ch,
                    res,
                    "high",
                )
            )
        elif (
            key in ("Principal", "AWS")
            and "*" in vals
            and (key == "Principal" or parent == "Principal")
        ):
            pin = _pinned_by(ch)
            out.append(
                signal_at(
                    PERMISSION_WIDENING,
                    "cfn.iam_wildcard",
                    pinned_detail(pin),
                    ch,
                    res,
                    "low" if pin else "high",
                )
            )
        elif key in ("Resource", "NotResource") and "*" in vals:
            out.append(
                signal_at(
                    PERMISSION_WIDENING,
                    "cfn.iam_wildcard_resource",
                    "grants on every resource (`*`)",
                    ch,
                    res,
                    "medium",
                )
            )
        elif any(_ADMIN_POLICY_RE.search(v) for v in vals):
            out.append(
                signal_at(
                    PERMISSION_WIDENING,
                    "cfn.admin_policy",
                    "attaches an administrator managed policy",
                    ch,
                    res,
                    "high",
                )
            )
        elif key in ("CidrIp", "CidrIpv6") and any(v in _OPEN_CIDRS for v in vals):
            egress = "SecurityGroupEgress" in node.path or (res and "Egress" in types.get(res, ""))
            if not egress:
                out.append(
                    signal_at(
                        PERMISSION_WIDENING,
                        "cfn.open_ingress",
                        f"opens ingress to the internet (`{key}: {vals[0]}`)",
                        ch,
                        res,
                        "high",
                    )
                )
        elif key in _PUBLIC_BLOCK_KEYS and any(v.lower() == "false" for v in vals):
            out.append(
                signal_at(
                    PERMISSION_WIDENING,
                    "cfn.public_access",
                    f"turns off S3 `{key}`",
                    ch,
                    res,
                    "high",
                )
            )
        elif key == "AccessControl" and any(v.lower().startswith("public") for v in vals):
            out.append(
                signal_at(
                    PERMISSION_WIDENING,
                    "cfn.public_access",
                    f"makes a bucket `{vals[0]}`",
                    ch,
                    res,
                    "high",
                )
            )
    denies_back = sum(1 for ch in added if ch.key == "Effect" and ch.value == "Deny")
    denies_gone = [ch for ch in removed if ch.key == "Effect" and ch.value == "Deny"]
    if len(denies_gone) > denies_back:
        ch = denies_gone[0]
        out.append(
            signal_at(
                PERMISSION_WIDENING,
                "cfn.deny_removed",
                "removes a `Deny` statement",
                ch,
                owner_of(ch),
                "high",
            )
        )
    blocks_back = sum(1 for ch in added if ch.key == "PublicAccessBlockConfiguration")
    blocks_gone = [ch for ch in removed if ch.key == "PublicAccessBlockConfiguration"]
    if len(blocks_gone) > blocks_back:
        ch = blocks_gone[0]
        out.append(
            signal_at(
                PERMISSION_WIDENING,
                "cfn.public_access",
                "removes a bucket's public access block",
                ch,
                owner_of(ch),
                "high",
            )
        )
    return out
